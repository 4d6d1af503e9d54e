#include "hubspot.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "etlrun.h"
#include "http.h"
#include "ratelimit.h"
#include "schema.h"
#include "singer.h"
#include "ts.h"
#include "banned.h"

#define MAX_PAGES 100000

struct pull {
	const struct hubspot_opts *o;
	struct hubspot_stats *st;
	struct http_client *http;
	struct ratelimit rl;
	struct buf out, url, hdr;
	struct json_doc doc, sdoc;
	char **seen;              /* sequence ids written (sorted insert) */
	size_t nseen, capseen;
	int64_t now;
};

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms > 0)
		nanosleep(&ts, NULL);
}

static int
seen_add(struct pull *p, const char *id)
{
	size_t lo = 0, hi = p->nseen;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(p->seen[mid], id);

		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (p->nseen == p->capseen) {
		p->capseen = p->capseen ? 2 * p->capseen : 64;
		p->seen = xrealloc(p->seen, p->capseen * sizeof(*p->seen));
	}
	memmove(p->seen + lo + 1, p->seen + lo, (p->nseen - lo) * sizeof(*p->seen));
	p->seen[lo] = xstrdup(id);
	p->nseen++;
	return 1;
}

static void
rec_ts_str(struct singer_rec *r, const char *col, const char *s)
{
	int64_t ms;

	if (s && ts_parse(s, strlen(s), &ms) == 0)
		singer_rec_ts(r, col, ms);
	else
		singer_rec_null(r, col);
}

/* An id: a string (as HubSpot sends them) or, defensively, a number's text. */
static const char *
id_of(const struct json *v)
{
	if (v && (v->type == JSON_STRING || v->type == JSON_NUMBER) && v->n)
		return v->s;
	return NULL;
}

int
hubspot_write_sequence(struct buf *out, const struct json *seq,
    const char *user_id, int64_t synced_ms)
{
	const char *id = id_of(json_get(seq, "id"));
	const struct json *steps = json_get(seq, "steps");
	struct singer_rec r;

	if (id == NULL)
		return -1;
	singer_rec_begin(&r, out, "hubspot_sequences");
	singer_rec_cstr(&r, "sequence_id", id);
	singer_rec_cstr(&r, "sequence_name", json_get_str(seq, "name"));
	{
		const char *uid = id_of(json_get(seq, "userId"));

		singer_rec_cstr(&r, "user_id", uid ? uid : user_id);
	}
	if (steps && steps->type == JSON_ARRAY)
		singer_rec_int(&r, "step_count", (int64_t)steps->count);
	else
		singer_rec_null(&r, "step_count");
	rec_ts_str(&r, "created_at", json_get_str(seq, "createdAt"));
	rec_ts_str(&r, "updated_at", json_get_str(seq, "updatedAt"));
	singer_rec_ts(&r, "last_synced", synced_ms);
	singer_rec_end(&r, synced_ms);
	buf_addch(out, '\n');
	return 0;
}

static int
flush(struct pull *p, int commit)
{
	int rc;

	if (buf_failed(&p->out))
		return EX_SOFTWARE;
	rc = p->o->emit(p->o->emit_ctx, p->out.data ? p->out.data : "", p->out.len, commit);
	buf_reset(&p->out);
	return rc;
}

/* Slow down when HubSpot says the window is nearly used up. */
static void
obey_headers(struct pull *p, const struct http_response *resp)
{
	long remaining, interval = 10000;

	if (http_header_get(resp, "X-HubSpot-RateLimit-Remaining", &p->hdr) != 0)
		return;
	remaining = strtol(buf_cstr(&p->hdr), NULL, 10);
	if (http_header_get(resp, "X-HubSpot-RateLimit-Interval-Milliseconds", &p->hdr) == 0)
		interval = strtol(buf_cstr(&p->hdr), NULL, 10);
	if (interval <= 0 || interval > 60000)
		interval = 10000;
	if (remaining <= 2)
		sleep_ms(interval);
}

static void
pace(struct pull *p)
{
	int64_t wait;

	while ((wait = ratelimit_reserve(&p->rl, 1, ratelimit_now_ms())) > 0)
		sleep_ms(wait);
}

/* GET url into p->doc; the parsed root, or NULL with the error set. */
static struct json *
get(struct pull *p, const char *what, struct err *e, int *rc)
{
	static const char *const headers[] = { "Accept: application/json", NULL };
	struct http_request req = { 0 };
	struct http_response resp;
	struct json *root = NULL;

	req.url = p->url.data;
	req.headers = headers;
	req.auth = 1;
	http_response_init(&resp);
	pace(p);
	p->st->requests++;
	*rc = http_do(p->http, &req, &resp, e);
	obey_headers(p, &resp);
	if (*rc) {
		struct err pe = ERR_INIT;
		/* An error body is small; a huge one is no message to parse. */
		const struct json *body = resp.body.len > 65536 ? NULL :
		    json_parse(&p->doc, resp.body.data ? resp.body.data : "",
		    resp.body.len, &pe);
		const char *msg = json_get_str(body, "message");
		const char *policy = json_get_str(body, "policyName");

		if (resp.status == 429 && policy && strcmp(policy, "DAILY") == 0)
			*rc = err_set(e, EX_TEMPFAIL, "%s: HubSpot's daily API limit is "
			    "used up; it resets at midnight in the account's time zone", what);
		else if (msg)
			err_set(e, *rc, "%s: HTTP %ld: %s", what, resp.status, msg);
		else
			err_prefix(e, "%s", what);
		err_release(&pe);
		http_response_release(&resp);
		return NULL;
	}
	root = json_parse(&p->doc, resp.body.data ? resp.body.data : "",
	    resp.body.len, e);
	http_response_release(&resp);
	if (root == NULL)
		*rc = err_prefix(e, "%s: the response is not JSON", what);
	return root;
}

static const char *
seq_path(const struct pull *p)
{
	return p->o->sequences_path ? p->o->sequences_path : HUBSPOT_SEQUENCES_PATH;
}

/* The account's users (when no user id was given). */
static int
list_users(struct pull *p, char ***ids, size_t *n, struct err *e)
{
	struct buf after = BUF_INIT;
	size_t cap = 0;
	int rc = 0, pages = 0;

	*ids = NULL;
	*n = 0;
	for (;;) {
		struct json *root, *r;
		const struct json *next;

		buf_reset(&p->url);
		buf_printf(&p->url, "%s/settings/v3/users?limit=100", p->o->base_url);
		if (after.len) {
			buf_addstr(&p->url, "&after=");
			http_urlencode(&p->url, after.data, after.len);
		}
		if ((root = get(p, "GET /settings/v3/users", e, &rc)) == NULL)
			break;
		r = json_get(root, "results");
		for (r = r ? r->child : NULL; r; r = r->next) {
			const char *id = id_of(json_get(r, "id"));

			if (id == NULL)
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 16;
				*ids = xrealloc(*ids, cap * sizeof(**ids));
			}
			(*ids)[(*n)++] = xstrdup(id);
		}
		next = json_get(json_get(root, "paging"), "next");
		if (!json_get_str(next, "after") || ++pages > MAX_PAGES)
			break;
		buf_reset(&after);
		buf_addstr(&after, json_get_str(next, "after"));
	}
	buf_release(&after);
	return rc;
}

static int
pull_user(struct pull *p, const char *uid, struct err *e)
{
	struct buf after = BUF_INIT, what = BUF_INIT;
	char **ids = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0, pages = 0;

	/* The list first (ids), then each new sequence whole. */
	for (;;) {
		struct json *root, *r;
		const struct json *next;

		buf_reset(&p->url);
		buf_printf(&p->url, "%s%s?userId=", p->o->base_url, seq_path(p));
		http_urlencode(&p->url, uid, strlen(uid));
		buf_addstr(&p->url, "&limit=100");
		if (after.len) {
			buf_addstr(&p->url, "&after=");
			http_urlencode(&p->url, after.data, after.len);
		}
		buf_reset(&what);
		buf_printf(&what, "GET %s (user %s)", seq_path(p), uid);
		if ((root = get(p, buf_cstr(&what), e, &rc)) == NULL)
			break;
		r = json_get(root, "results");
		for (r = r ? r->child : NULL; r; r = r->next) {
			const char *id = id_of(json_get(r, "id"));

			if (id == NULL || !seen_add(p, id))
				continue;
			if (!p->o->details) {
				hubspot_write_sequence(&p->out, r, uid, p->now);
				p->st->sequences++;
				continue;
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				ids = xrealloc(ids, cap * sizeof(*ids));
			}
			ids[n++] = xstrdup(id);
		}
		next = json_get(json_get(root, "paging"), "next");
		if (!json_get_str(next, "after") || ++pages > MAX_PAGES)
			break;
		buf_reset(&after);
		buf_addstr(&after, json_get_str(next, "after"));
	}
	for (i = 0; i < n && rc == 0; i++) {
		struct json *seq;

		buf_reset(&p->url);
		buf_printf(&p->url, "%s%s/", p->o->base_url, seq_path(p));
		http_urlencode(&p->url, ids[i], strlen(ids[i]));
		buf_addstr(&p->url, "?userId=");
		http_urlencode(&p->url, uid, strlen(uid));
		buf_reset(&what);
		buf_printf(&what, "GET %s/%s", seq_path(p), ids[i]);
		if ((seq = get(p, buf_cstr(&what), e, &rc)) == NULL)
			break;
		if (hubspot_write_sequence(&p->out, seq, uid, p->now) == 0)
			p->st->sequences++;
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	buf_release(&after);
	buf_release(&what);
	return rc;
}

int
hubspot_pull(const struct hubspot_opts *o, struct hubspot_stats *st,
    struct err *e)
{
	struct pull p;
	struct etl_run run = { 0 };
	char **users = NULL;
	size_t nusers = 0, i;
	int rc, listed = 0;

	memset(st, 0, sizeof(*st));
	memset(&p, 0, sizeof(p));
	p.o = o;
	p.st = st;
	p.now = ts_now_ms();
	json_doc_init(&p.doc);
	json_doc_init(&p.sdoc);
	{
		/* A page of calls or sequences is kilobytes: a body of 64 MiB is
		 * a broken or hostile server, not data. */
		struct http_opts ho = { 0 };

		ho.max_body = (size_t)64 << 20;
		p.http = http_client_new(&ho);
	}
	ratelimit_init(&p.rl, 60.0 * (o->per_second > 0 ? o->per_second : 8), 8);
	run.source = "hubspot";
	run.job_type = "full";
	run.stream_key = HUBSPOT_STATE_KEY;
	run.started_ms = p.now;
	run.watermark_ms = -1;
	singer_write_schema(&p.out, schema_table_find("hubspot_sequences"), NULL, 0);
	buf_addch(&p.out, '\n');
	rc = http_set_token(p.http, o->token, o->base_url, e);
	if (rc == 0 && o->user_ids == NULL) {
		rc = list_users(&p, &users, &nusers, e);
		listed = 1;
	}
	if (rc == 0 && !listed)
		for (; o->user_ids[nusers]; nusers++)
			;
	for (i = 0; rc == 0 && i < nusers; i++) {
		rc = pull_user(&p, listed ? users[i] : o->user_ids[i], e);
		st->users++;
		if (rc == 0 && p.out.len > (1 << 20))
			rc = flush(&p, 0);
	}
	if (rc == 0) {
		struct json *state = o->state ? json_copy(&p.sdoc, o->state) :
		    json_new_object(&p.sdoc);
		struct json *bms = json_get(state, "bookmarks"), *bm;
		struct buf ts = BUF_INIT;

		if (bms == NULL || bms->type != JSON_OBJECT)
			bms = json_object_set(&p.sdoc, state, "bookmarks",
			    json_new_object(&p.sdoc));
		bm = json_new_object(&p.sdoc);
		ts_format(&ts, p.now);
		json_object_set(&p.sdoc, bm, "last_synced", json_new_str(&p.sdoc, ts.data, ts.len));
		json_object_set(&p.sdoc, bms, HUBSPOT_STATE_KEY, bm);
		singer_write_state(&p.out, state);
		buf_addch(&p.out, '\n');
		buf_release(&ts);
		run.watermark_ms = p.now;
	}
	run.rows_processed = (int64_t)st->sequences;
	run.error = rc ? (e->msg ? e->msg : "failed") : NULL;
	etlrun_write(&p.out, &run);
	if (flush(&p, 1) && rc == 0)
		rc = err_set(e, EX_IOERR, "write error on standard output");
	for (i = 0; listed && i < nusers; i++)
		free(users[i]);
	free(users);
	for (i = 0; i < p.nseen; i++)
		free(p.seen[i]);
	free(p.seen);
	http_client_free(p.http);
	buf_release(&p.out);
	buf_release(&p.url);
	buf_release(&p.hdr);
	json_doc_release(&p.doc);
	json_doc_release(&p.sdoc);
	return rc;
}
