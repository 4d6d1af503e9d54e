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
/* A 200 whose body is not what the endpoint returns (empty, cut, not
 * JSON, no results) is fetched again this many times in all. */
#define BODY_TRIES 3

struct strset {
	char **v;                 /* sorted */
	size_t n, cap;
};

struct pull {
	const struct hubspot_opts *o;
	struct hubspot_stats *st;
	struct http_client *http;
	struct ratelimit rl;
	struct buf out, url, hdr, base, path;
	struct json_doc doc, sdoc, edoc;
	struct strset seen;       /* sequence ids written */
	int64_t now;
	long unit;                /* backoff base (ms): the waits scale with it */
	uint64_t rng;
	long status;              /* of the last failed call; 0: no answer */
	char category[64];        /* its error category, "" when none */
};

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms > 0)
		nanosleep(&ts, NULL);
}

/* Add s (n bytes) to the set; 1 when new, 0 when already there. */
static int
strset_add(struct strset *set, const char *s)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(set->v[mid], s);

		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? 2 * set->cap : 64;
		set->v = xrealloc(set->v, set->cap * sizeof(*set->v));
	}
	memmove(set->v + lo + 1, set->v + lo, (set->n - lo) * sizeof(*set->v));
	set->v[lo] = xstrdup(s);
	set->n++;
	return 1;
}

static void
strset_release(struct strset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
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
	{
		/* the length, not strlen: a name may hold "\u0000" */
		const struct json *name = json_get(seq, "name");

		if (name && name->type == JSON_STRING)
			singer_rec_str(&r, "sequence_name", name->s, name->n);
		else
			singer_rec_null(&r, "sequence_name");
	}
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

/* A header holding a plain non-negative number; -1 when absent or not one. */
static long
header_num(struct pull *p, const struct http_response *resp, const char *name)
{
	const char *v;
	char *end;
	long n;

	if (http_header_get(resp, name, &p->hdr) != 0)
		return -1;
	v = buf_cstr(&p->hdr);
	if (*v < '0' || *v > '9')
		return -1;
	n = strtol(v, &end, 10);
	return *end ? -1 : n;
}

/* Slow down when HubSpot says the window is nearly used up (the headers
 * are optional; junk in them is ignored). */
static void
obey_headers(struct pull *p, const struct http_response *resp)
{
	long remaining, interval;

	remaining = header_num(p, resp, "X-HubSpot-RateLimit-Remaining");
	interval = header_num(p, resp, "X-HubSpot-RateLimit-Interval-Milliseconds");
	if (interval <= 0 || interval > 60000)
		interval = 10000;
	if (remaining >= 0 && remaining <= 2)
		sleep_ms(interval);
	else if (header_num(p, resp, "X-HubSpot-RateLimit-Secondly-Remaining") == 0)
		sleep_ms(1000);
}

static void
pace(struct pull *p)
{
	int64_t wait;

	while ((wait = ratelimit_reserve(&p->rl, 1, ratelimit_now_ms())) > 0)
		sleep_ms(wait);
}

/* The error body of resp, when it is a small JSON object. */
static const struct json *
error_body(struct json_doc *doc, const struct http_response *resp)
{
	struct err pe = ERR_INIT;
	const struct json *body;

	if (resp->body.len == 0 || resp->body.len > 65536)
		return NULL;
	body = json_parse(doc, resp->body.data, resp->body.len, &pe);
	err_release(&pe);
	return body && body->type == JSON_OBJECT ? body : NULL;
}

/*
 * HubSpot's 429s say which limit was hit (policyName): DAILY is not
 * retried (the allowance comes back at midnight), TEN_SECONDLY_ROLLING
 * waits at least 10 s per try, SECONDLY (search) 1 s per try; 423 Locked
 * waits at least 2 s.  These floors scale with the backoff base (500 ms
 * by default; SALESINTEL_HTTP_BACKOFF_MS shortens them for tests).
 */
static long
retry_policy(const struct http_response *resp, int tries, long delay, void *ctx)
{
	struct pull *p = ctx;
	long floor = 0;

	if (resp->status == 429) {
		const struct json *body = error_body(&p->edoc, resp);
		const char *policy = json_get_str(body, "policyName");
		const char *msg = json_get_str(body, "message");

		if (policy && strcmp(policy, "DAILY") == 0)
			return -1;
		if (policy && strcmp(policy, "TEN_SECONDLY_ROLLING") == 0)
			floor = 20 * p->unit * tries;
		else if ((policy && strcmp(policy, "SECONDLY") == 0) ||
		    (msg && strstr(msg, "secondly limit")))
			floor = 2 * p->unit * tries;
	} else if (resp->status == 423)
		floor = 4 * p->unit;
	return delay > floor ? delay : floor;
}

/* Strings of an array member (requiredScopes...) onto out, comma-separated. */
static void
add_scopes(struct buf *out, const struct json *ctx)
{
	static const char *const keys[] = { "requiredGranularScopes",
		"requiredScopes" };
	size_t k;

	for (k = 0; k < 2; k++) {
		const struct json *a = json_get(ctx, keys[k]), *v;

		for (v = a && a->type == JSON_ARRAY ? a->child : NULL; v; v = v->next)
			if (v->type == JSON_STRING && v->n < 200 &&
			    !strstr(buf_cstr(out), v->s)) {
				buf_addstr(out, out->len ? ", " : "");
				buf_addstr(out, v->s);
			}
	}
}

/* e from a failed call: HubSpot's message, category, the scopes missing,
 * the correlation id; the daily allowance as EX_TEMPFAIL. */
static int
call_failed(struct pull *p, const char *what, const struct http_response *resp,
    int rc, struct err *e)
{
	const struct json *body = error_body(&p->doc, resp);
	const char *msg = json_get_str(body, "message");
	const char *cat = json_get_str(body, "category");
	const char *policy = json_get_str(body, "policyName");
	const char *corr = json_get_str(body, "correlationId");
	struct buf scopes = BUF_INIT, m = BUF_INIT;
	const struct json *er;

	p->status = resp->status;
	p->category[0] = '\0';
	if (cat && strlen(cat) < sizeof(p->category))
		memcpy(p->category, cat, strlen(cat) + 1);
	if (resp->status == 429 && policy && strcmp(policy, "DAILY") == 0) {
		return err_set(e, EX_TEMPFAIL, "%s: HubSpot's daily API limit is "
		    "used up; it resets at midnight in the account's time zone", what);
	}
	if (msg == NULL) {
		err_prefix(e, "%s", what);
		return rc;
	}
	add_scopes(&scopes, json_get(body, "context"));
	er = json_get(body, "errors");
	for (er = er && er->type == JSON_ARRAY ? er->child : NULL; er; er = er->next)
		add_scopes(&scopes, json_get(er, "context"));
	buf_printf(&m, "%s: HTTP %ld", what, resp->status);
	if (cat)
		buf_printf(&m, " %.60s", cat);
	buf_printf(&m, ": %.500s", msg);
	if (scopes.len)
		buf_printf(&m, " (required scopes: %.500s)", buf_cstr(&scopes));
	if (corr)
		buf_printf(&m, " [correlationId %.80s]", corr);
	err_set(e, rc, "%s", buf_cstr(&m));
	buf_release(&scopes);
	buf_release(&m);
	return rc;
}

/*
 * GET p->url into p->doc: the root, an object that has the member `need`
 * ("results": an array; "id": a string or number), or NULL with *rc and e
 * set (p->status, p->category tell why).  A 200 whose body is not that is
 * fetched again (BODY_TRIES in all), then EX_DATAERR.
 */
static struct json *
get(struct pull *p, const char *what, const char *need, struct err *e, int *rc)
{
	static const char *const headers[] = { "Accept: application/json", NULL };
	struct http_request req = { 0 };
	struct http_response resp;
	struct json *root = NULL;
	int tries;

	req.url = p->url.data;
	req.headers = headers;
	req.auth = 1;
	p->status = 0;
	p->category[0] = '\0';
	http_response_init(&resp);
	for (tries = 1; ; tries++) {
		const struct json *v;

		pace(p);
		p->st->requests++;
		*rc = http_do(p->http, &req, &resp, e);
		obey_headers(p, &resp);
		if (*rc) {
			call_failed(p, what, &resp, *rc, e);
			*rc = e->code;
			root = NULL;
			break;
		}
		err_release(e);
		root = json_parse(&p->doc, resp.body.data ? resp.body.data : "",
		    resp.body.len, e);
		v = json_get(root, need);
		if (root && root->type == JSON_OBJECT && v && (strcmp(need, "results") == 0 ?
		    v->type == JSON_ARRAY : (v->type == JSON_STRING ||
		    v->type == JSON_NUMBER) && v->n > 0))
			break;
		if (tries >= BODY_TRIES) {
			p->status = resp.status;
			if (root == NULL)
				*rc = err_prefix(e, "%s: HTTP %ld but the response is "
				    "not JSON (%d tries)", what, resp.status, tries);
			else
				*rc = err_set(e, EX_DATAERR, "%s: HTTP %ld but the "
				    "response has no \"%s\" (%d tries)", what,
				    resp.status, need, tries);
			root = NULL;
			break;
		}
		sleep_ms(http_backoff_ms(p->unit, 60000, tries, &p->rng));
	}
	http_response_release(&resp);
	return root;
}

/* The paging cursor of a page: paging.next.after (a string, or a number's
 * text); NULL at the end. */
static const char *
next_after(const struct json *root)
{
	return id_of(json_get(json_get(json_get(root, "paging"), "next"), "after"));
}

/* Follow the cursor: 1 to fetch the next page, 0 at the end, or EX_DATAERR
 * when the server hands out a cursor already used (it would loop). */
static int
page_on(struct strset *cursors, struct buf *after, const struct json *root,
    const char *what, struct err *e)
{
	const char *next = next_after(root);

	if (next == NULL)
		return 0;
	if (!strset_add(cursors, next))
		return -err_set(e, EX_DATAERR, "%s: paging.next.after \"%.60s\" was "
		    "already used: the server's paging loops", what, next);
	if (cursors->n > MAX_PAGES)
		return -err_set(e, EX_DATAERR, "%s: more than %d pages", what,
		    MAX_PAGES);
	buf_reset(after);
	buf_addstr(after, next);
	return 1;
}

/*
 * Ids from every page of a list at path (a member `key` of each result: a
 * string or a number's text), deduplicated, onto ids.  Owners that are
 * archived or no user (userId null) are skipped.
 */
static int
list_ids(struct pull *p, const char *path, const char *key, struct strset *ids,
    struct err *e)
{
	struct strset cursors = { 0 };
	struct buf after = BUF_INIT, what = BUF_INIT;
	int rc = 0, more;

	buf_printf(&what, "GET %s", path);
	for (;;) {
		struct json *root, *r;

		buf_reset(&p->url);
		buf_printf(&p->url, "%s%s?limit=100", buf_cstr(&p->base), path);
		if (after.len) {
			buf_addstr(&p->url, "&after=");
			http_urlencode(&p->url, after.data, after.len);
		}
		if ((root = get(p, buf_cstr(&what), "results", e, &rc)) == NULL)
			break;
		r = json_get(root, "results");
		for (r = r->child; r; r = r->next) {
			const char *id = id_of(json_get(r, key));
			const struct json *arch = json_get(r, "archived");

			if (id && !(arch && arch->type == JSON_TRUE))
				strset_add(ids, id);
		}
		if ((more = page_on(&cursors, &after, root, buf_cstr(&what), e)) <= 0) {
			rc = more < 0 ? -more : 0;
			break;
		}
	}
	strset_release(&cursors);
	buf_release(&after);
	buf_release(&what);
	return rc;
}

/*
 * The users to ask about (when no user id was given): the userId of the
 * account's owners (GET /crm/v3/owners, as shared/api/hubspot.md says);
 * where that is refused or missing (403, 404) or names no user, the
 * account's users (GET /settings/v3/users).
 */
static int
list_users(struct pull *p, struct strset *ids, struct err *e)
{
	struct err e2 = ERR_INIT;
	int rc;

	rc = list_ids(p, "/crm/v3/owners", "userId", ids, e);
	if ((rc && (p->status == 403 || p->status == 404)) ||
	    (rc == 0 && ids->n == 0)) {
		strset_release(ids);
		if (list_ids(p, "/settings/v3/users", "id", ids, &e2) == 0) {
			err_release(e);
			rc = 0;
		}
		err_release(&e2);
	}
	if (rc)
		err_prefix(e, "listing the account's users (give --user-id to "
		    "name them)");
	return rc;
}

/* A user whose sequences cannot be listed (no seat, not a sales user):
 * skipped when the users came from the account, not when given. */
static int
user_unlisted(const struct pull *p)
{
	if (p->status == 400 || p->status == 404)
		return 1;
	return p->status == 403 && strcmp(p->category, "MISSING_SCOPES") != 0;
}

/* Every sequence of one user: the list, then each new sequence whole.
 * *listed is 0 when the list itself failed. */
static int
pull_user(struct pull *p, const char *uid, int *listed, struct err *e)
{
	struct strset cursors = { 0 };
	struct buf after = BUF_INIT, what = BUF_INIT;
	char **ids = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0, more;

	*listed = 0;
	for (;;) {
		struct json *root, *r;

		buf_reset(&p->url);
		buf_printf(&p->url, "%s%s?userId=", buf_cstr(&p->base), buf_cstr(&p->path));
		http_urlencode(&p->url, uid, strlen(uid));
		buf_addstr(&p->url, "&limit=100");
		if (after.len) {
			buf_addstr(&p->url, "&after=");
			http_urlencode(&p->url, after.data, after.len);
		}
		buf_reset(&what);
		buf_printf(&what, "GET %s (user %s)", buf_cstr(&p->path), uid);
		if ((root = get(p, buf_cstr(&what), "results", e, &rc)) == NULL)
			goto out;
		r = json_get(root, "results");
		for (r = r->child; r; r = r->next) {
			const char *id = id_of(json_get(r, "id"));

			if (id == NULL || !strset_add(&p->seen, id))
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
		if ((more = page_on(&cursors, &after, root, buf_cstr(&what), e)) <= 0) {
			rc = more < 0 ? -more : 0;
			break;
		}
	}
	*listed = 1;
	for (i = 0; i < n && rc == 0; i++) {
		struct json *seq;

		buf_reset(&p->url);
		buf_printf(&p->url, "%s%s/", buf_cstr(&p->base), buf_cstr(&p->path));
		http_urlencode(&p->url, ids[i], strlen(ids[i]));
		buf_addstr(&p->url, "?userId=");
		http_urlencode(&p->url, uid, strlen(uid));
		buf_reset(&what);
		buf_printf(&what, "GET %s/%s", buf_cstr(&p->path), ids[i]);
		if ((seq = get(p, buf_cstr(&what), "id", e, &rc)) == NULL) {
			if (p->status == 404) {
				/* deleted since it was listed */
				p->st->vanished++;
				err_release(e);
				rc = 0;
				continue;
			}
			break;
		}
		if (hubspot_write_sequence(&p->out, seq, uid, p->now) == 0)
			p->st->sequences++;
	}
out:
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	strset_release(&cursors);
	buf_release(&after);
	buf_release(&what);
	return rc;
}

/* s without trailing slashes onto out. */
static void
trimmed(struct buf *out, const char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		n--;
	buf_add(out, s, n);
}

int
hubspot_pull(const struct hubspot_opts *o, struct hubspot_stats *st,
    struct err *e)
{
	static const int retry_status[] = { 423, 477, 0 };
	struct pull p;
	struct etl_run run = { 0 };
	struct strset users = { 0 };
	size_t nusers = 0, i;
	int rc, listed = 0;
	const char *env = getenv("SALESINTEL_HTTP_BACKOFF_MS");

	memset(st, 0, sizeof(*st));
	memset(&p, 0, sizeof(p));
	p.o = o;
	p.st = st;
	p.now = ts_now_ms();
	p.unit = env && atol(env) > 0 ? atol(env) : 500;
	p.rng = (uint64_t)p.now ^ 0x9e3779b97f4a7c15ULL;
	trimmed(&p.base, o->base_url);
	trimmed(&p.path, o->sequences_path ? o->sequences_path : HUBSPOT_SEQUENCES_PATH);
	json_doc_init(&p.doc);
	json_doc_init(&p.sdoc);
	json_doc_init(&p.edoc);
	{
		/* A page of calls or sequences is kilobytes: a body of 64 MiB is
		 * a broken or hostile server, not data.  423 Locked and 477
		 * (migration in progress) are retried, and 429s by policy. */
		struct http_opts ho = { 0 };

		ho.max_body = (size_t)64 << 20;
		ho.retry_status = retry_status;
		ho.retry_delay = retry_policy;
		ho.retry_ctx = &p;
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
	rc = http_set_token(p.http, o->token, buf_cstr(&p.base), e);
	if (rc == 0 && o->user_ids == NULL) {
		rc = list_users(&p, &users, e);
		listed = 1;
		nusers = users.n;
	}
	if (rc == 0 && !listed)
		for (; o->user_ids[nusers]; nusers++)
			;
	for (i = 0; rc == 0 && i < nusers; i++) {
		int got_list;

		rc = pull_user(&p, listed ? users.v[i] : o->user_ids[i], &got_list, e);
		if (rc && listed && !got_list && user_unlisted(&p)) {
			/* an owner without access to sequences */
			st->users_skipped++;
			err_release(e);
			rc = 0;
			continue;
		}
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
	strset_release(&users);
	strset_release(&p.seen);
	http_client_free(p.http);
	buf_release(&p.out);
	buf_release(&p.url);
	buf_release(&p.hdr);
	buf_release(&p.base);
	buf_release(&p.path);
	json_doc_release(&p.doc);
	json_doc_release(&p.edoc);
	json_doc_release(&p.sdoc);
	return rc;
}
