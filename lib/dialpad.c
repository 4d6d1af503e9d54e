#include "dialpad.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csv.h"
#include "etlrun.h"
#include "http.h"
#include "ratelimit.h"
#include "schema.h"
#include "singer.h"
#include "state.h"
#include "strtab.h"
#include "ts.h"
#include "banned.h"

#define HOUR_MS ((int64_t)3600 * 1000)
#define DAY_MS (24 * HOUR_MS)
#define MAX_PAGES_PER_WINDOW 100000
#define FLUSH_AT (1 << 20)

const char *
dialpad_id(const struct json *v, size_t *n)
{
	size_t i;

	*n = 0;
	if (v == NULL || (v->type != JSON_STRING && v->type != JSON_NUMBER))
		return NULL;
	if (v->n == 0 || v->n > 40)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (v->s[i] < '0' || v->s[i] > '9')
			break;
	/* A bare number may be written with a zero fraction ("1709658120105.0"
	 * from a serializer that holds int64 as a double): the digits. */
	if (i < v->n && v->type == JSON_NUMBER && i > 0 && v->s[i] == '.') {
		size_t k;

		for (k = i + 1; k < v->n && v->s[k] == '0'; k++)
			;
		if (k == v->n && k > i + 1 && i <= 32) {
			*n = i;
			return v->s;
		}
	}
	if (i < v->n || v->n > 32)
		return NULL;
	*n = v->n;
	return v->s;
}

int64_t
dialpad_ms(const struct json *v)
{
	const char *s;
	size_t n;
	int64_t ms;

	s = dialpad_id(v, &n);
	if (s == NULL || n > 18)
		return -1;
	if (ts_parse_flags(s, n, TS_EPOCH_MS, &ms) != 0)
		return -1;
	return ms;
}

static int
line_cmp(const void *a, const void *b)
{
	const struct dialpad_line *x = a, *y = b;

	/* Lines without a time keep their place after the timed ones. */
	if ((x->ms < 0) != (y->ms < 0))
		return x->ms < 0 ? 1 : -1;
	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

size_t
dialpad_transcript_lines(const struct json *body, struct dialpad_line **lines)
{
	const struct json *arr = json_get(body, "lines"), *l;
	struct dialpad_line *out;
	size_t n = 0, i = 0;

	*lines = NULL;
	if (arr == NULL || arr->type != JSON_ARRAY || arr->count == 0)
		return 0;
	out = xcalloc(arr->count, sizeof(*out));
	for (l = arr->child; l; l = l->next, i++) {
		const char *type = json_get_str(l, "type");
		const char *text = json_get_str(l, "content");
		const char *time = json_get_str(l, "time");
		int64_t ms;

		/* Moments are markers (a key such as price_inquiry), not speech. */
		if (type && strcmp(type, "transcript") != 0)
			continue;
		if (text == NULL || *text == '\0')
			continue;
		out[n].speaker = json_get_str(l, "name");
		if (out[n].speaker && *out[n].speaker == '\0')
			out[n].speaker = NULL;      /* "" is no value */
		out[n].text = text;
		out[n].ms = time && ts_parse(time, strlen(time), &ms) == 0 ? ms : -1;
		out[n].order = i;
		n++;
	}
	if (n == 0) {
		free(out);
		return 0;
	}
	qsort(out, n, sizeof(*out), line_cmp);
	*lines = out;
	return n;
}

static int is_recorded(const struct json *call);

static const char *
str_or_null(const struct json *obj, const char *key)
{
	const char *s = json_get_str(obj, key);

	return s && *s ? s : NULL;
}

static void
rec_ms(struct singer_rec *r, const char *col, int64_t ms)
{
	if (ms >= 0)
		singer_rec_ts(r, col, ms);
	else
		singer_rec_null(r, col);
}

static void
rec_seconds(struct singer_rec *r, const char *col, double s)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%.3f", s);
	singer_rec_number(r, col, b.data, b.len);
	buf_release(&b);
}

int
dialpad_write_call(struct buf *out, const struct json *call,
    const struct dialpad_line *lines, size_t nlines, int64_t extracted_ms)
{
	return dialpad_write_call_user(out, call, lines, nlines, extracted_ms, NULL);
}

int
dialpad_write_call_user(struct buf *out, const struct json *call,
    const struct dialpad_line *lines, size_t nlines, int64_t extracted_ms,
    const char *user_email)
{
	const struct json *target = json_get(call, "target");
	const struct json *contact = json_get(call, "contact");
	const struct json *dur = json_get(call, "duration");
	const char *id, *dir, *ext, *in, *ttype;
	struct singer_rec r;
	struct buf text = BUF_INIT, tid = BUF_INIT;
	int64_t started, connected, base;
	size_t idn, uidn, i;
	const char *uid;
	int inbound;

	id = dialpad_id(json_get(call, "call_id"), &idn);
	if (id == NULL)
		return -1;
	dir = str_or_null(call, "direction");
	ext = str_or_null(call, "external_number");
	in = str_or_null(call, "internal_number");
	/* The customer's number is the external one whatever the direction;
	 * from/to are as the call went. */
	if (ext == NULL && contact)
		ext = str_or_null(contact, "phone");
	/* Every field may be missing: the Dialpad side's number is then the
	 * target's (the user, office or call center the call went to). */
	if (in == NULL && target)
		in = str_or_null(target, "phone");
	inbound = dir && strcmp(dir, "inbound") == 0;
	started = dialpad_ms(json_get(call, "date_started"));
	connected = dialpad_ms(json_get(call, "date_connected"));

	singer_rec_begin(&r, out, "dialpad_calls");
	singer_rec_str(&r, "call_id", id, idn);
	singer_rec_cstr(&r, "direction", dir);
	singer_rec_cstr(&r, "from_number", inbound ? ext : in);
	singer_rec_cstr(&r, "to_number", inbound ? in : ext);
	if (dur && dur->type == JSON_NUMBER)
		singer_rec_int(&r, "duration_seconds",
		    (int64_t)llround(strtod(dur->s, NULL) / 1000.0));
	else if (dur && dur->type == JSON_STRING && dur->n && dur->n < 32)
		singer_rec_int(&r, "duration_seconds",
		    (int64_t)llround(strtod(dur->s, NULL) / 1000.0));
	else
		singer_rec_null(&r, "duration_seconds");
	for (i = 0; i < nlines; i++) {
		if (i)
			buf_addch(&text, '\n');
		if (lines[i].speaker && *lines[i].speaker)
			buf_printf(&text, "%s: ", lines[i].speaker);
		buf_addstr(&text, lines[i].text);
	}
	if (nlines)
		singer_rec_str(&r, "transcript_text", text.data, text.len);
	else
		singer_rec_cstr(&r, "transcript_text", str_or_null(call, "transcription_text"));
	rec_ms(&r, "call_time", started);
	ttype = target ? json_get_str(target, "type") : NULL;
	uid = target && ttype && strcmp(ttype, "user") == 0 ?
	    dialpad_id(json_get(target, "id"), &uidn) : NULL;
	singer_rec_str(&r, "user_id", uid, uid ? uidn : 0);
	if (uid && str_or_null(target, "email"))
		user_email = str_or_null(target, "email");
	singer_rec_cstr(&r, "user_email", uid && user_email && *user_email ?
	    user_email : NULL);
	singer_rec_cstr(&r, "external_number", ext);
	singer_rec_cstr(&r, "internal_number", in);
	singer_rec_cstr(&r, "state", str_or_null(call, "state"));
	singer_rec_bool(&r, "was_recorded", is_recorded(call));
	singer_rec_cstr(&r, "contact_name", contact ? str_or_null(contact, "name") : NULL);
	rec_ms(&r, "date_connected", connected);
	rec_ms(&r, "date_ended", dialpad_ms(json_get(call, "date_ended")));
	singer_rec_end(&r, extracted_ms);
	buf_addch(out, '\n');

	/* Seconds into the call: from the connection, else from the start. */
	base = connected >= 0 ? connected : started;
	for (i = 0; i < nlines; i++) {
		buf_reset(&tid);
		buf_add(&tid, id, idn);
		buf_printf(&tid, ":%zu", i);
		singer_rec_begin(&r, out, "dialpad_transcripts");
		singer_rec_str(&r, "transcript_id", tid.data, tid.len);
		singer_rec_str(&r, "call_id", id, idn);
		singer_rec_cstr(&r, "speaker", lines[i].speaker);
		singer_rec_cstr(&r, "text_segment", lines[i].text);
		if (lines[i].ms >= 0 && base >= 0)
			rec_seconds(&r, "start_time_seconds",
			    (double)(lines[i].ms - base) / 1000.0);
		else
			singer_rec_null(&r, "start_time_seconds");
		if (i + 1 < nlines && lines[i + 1].ms >= 0 && base >= 0)
			rec_seconds(&r, "end_time_seconds",
			    (double)(lines[i + 1].ms - base) / 1000.0);
		else
			singer_rec_null(&r, "end_time_seconds");
		singer_rec_int(&r, "segment_index", (int64_t)i);
		rec_ms(&r, "created_at", lines[i].ms);
		singer_rec_end(&r, extracted_ms);
		buf_addch(out, '\n');
	}
	buf_release(&text);
	buf_release(&tid);
	return 0;
}

/* --- the pull --- */

struct pull {
	const struct dialpad_opts *o;
	struct dialpad_stats *st;
	struct http_client *http;
	struct ratelimit rl;
	struct buf base;          /* the base URL without a trailing '/' */
	struct buf out;
	struct buf url;
	struct json_doc page;     /* the current /call page */
	struct json_doc tdoc;     /* one transcript at a time */
	struct json_doc sdoc;     /* the state being moved */
	struct json_doc udoc;     /* a /users page */
	struct json *state;
	struct strtab seen;       /* call ids written in this run */
	struct strtab users;      /* user id -> first email (GET /users) */
	int users_state;          /* 0: not read, 1: read, -1: unavailable */
	int64_t extracted;
};

/* Tries of a GET whose 200 body is not JSON (a gateway's page, a body cut
 * short but framed as whole): asked again, like a 5xx. */
#define PARSE_TRIES 3

static int
flush(struct pull *p, int commit)
{
	int rc;

	if (p->out.len == 0 && !commit)
		return 0;
	if (buf_failed(&p->out))
		return EX_SOFTWARE;
	rc = p->o->emit(p->o->emit_ctx, p->out.data ? p->out.data : "", p->out.len, commit);
	buf_reset(&p->out);
	return rc;
}

static const char *
api_error(const struct http_response *resp)
{
	static struct json_doc doc;
	static int ready;
	struct err e = ERR_INIT;
	const struct json *root, *err;
	const char *msg = NULL;

	if (!ready) {
		json_doc_init(&doc);
		ready = 1;
	}
	/* An error envelope is small; a huge body is no message to parse. */
	if (resp->body.len > 65536)
		return NULL;
	root = json_parse(&doc, resp->body.data ? resp->body.data : "", resp->body.len, &e);
	err_release(&e);
	err = json_get(root, "error");
	if (err)
		msg = json_get_str(err, "message");
	return msg && *msg ? msg : NULL;
}

/*
 * http_do with resp initialised here; on failure resp is released and,
 * when the answer carries the API's own message, e says
 * "WHAT: HTTP 404: message".
 */
static int
api_do(struct pull *p, const struct http_request *req,
    struct http_response *resp, const char *what, struct err *e)
{
	int rc;

	http_response_init(resp);
	rc = http_do(p->http, req, resp, e);
	if (rc != 0) {
		const char *msg = api_error(resp);

		if (msg)
			err_set(e, rc, "%s: HTTP %ld: %s", what, resp->status, msg);
		http_response_release(resp);
	}
	return rc;
}

static int
is_recorded(const struct json *call)
{
	const struct json *rec = json_get(call, "was_recorded");
	const struct json *det = json_get(call, "recording_details");

	if (rec && (rec->type == JSON_TRUE || rec->type == JSON_FALSE))
		return rec->type == JSON_TRUE;
	return det && det->type == JSON_ARRAY && det->count > 0;
}

int
dialpad_wants_transcript(const struct json *call)
{
	size_t n;

	if (dialpad_id(json_get(call, "call_id"), &n) == NULL)
		return 0;
	return dialpad_ms(json_get(call, "date_connected")) >= 0 ||
	    is_recorded(call);
}

/*
 * Which items of a page are new in this run: keep[k] for item k.  Items
 * without a call_id are counted as skipped; a call_id already written (the
 * same call on two pages, or twice on one) is dropped.  Returns how many
 * are kept.
 */
static size_t
page_keep(struct pull *p, const struct json *items, unsigned char *keep)
{
	const struct json *c;
	size_t k = 0, n = 0;

	for (c = items->child; c; c = c->next, k++) {
		const char *id;
		size_t idn;

		keep[k] = 0;
		id = dialpad_id(json_get(c, "call_id"), &idn);
		if (id == NULL) {
			p->st->skipped++;
			continue;
		}
		if (strtab_add(&p->seen, id, idn, NULL)) {
			keep[k] = 1;
			n++;
		}
	}
	return n;
}

/*
 * Fetch the transcripts of the page's kept calls that may have one,
 * concurrently.  Each item's user is the call's index in the page.  A 404
 * means "none".
 */
static int
fetch_transcripts(struct pull *p, const struct json *items,
    const unsigned char *keep, struct http_item **out_items, size_t *out_n,
    struct err *e)
{
	static const char *const headers[] = { "Accept: application/json", NULL };
	const struct json *c;
	struct http_item *it;
	struct buf *urls;
	size_t n = 0, k, i;
	int rc = 0;

	*out_items = NULL;
	*out_n = 0;
	if (!p->o->transcripts || items->count == 0)
		return 0;
	it = xcalloc(items->count, sizeof(*it));
	urls = xcalloc(items->count, sizeof(*urls));
	for (c = items->child, k = 0; c; c = c->next, k++) {
		const char *id;
		size_t idn;

		if (!keep[k] || !dialpad_wants_transcript(c))
			continue;
		id = dialpad_id(json_get(c, "call_id"), &idn);
		buf_printf(&urls[n], "%s/transcripts/", buf_cstr(&p->base));
		buf_add(&urls[n], id, idn);
		it[n].req.url = urls[n].data;
		it[n].req.headers = headers;
		it[n].req.auth = 1;
		it[n].user = (void *)k;
		n++;
	}
	if (n)
		http_do_many(p->http, it, n, NULL, NULL);
	for (i = 0; i < n && rc == 0; i++)
		if (it[i].code && it[i].resp.status != 404) {
			const char *msg = api_error(&it[i].resp);
			const char *id = urls[i].data + p->base.len + strlen("/transcripts/");

			if (msg)
				rc = err_set(e, it[i].code, "GET /transcripts/%s: HTTP %ld: %s",
				    id, it[i].resp.status, msg);
			else
				rc = err_set(e, it[i].code, "GET /transcripts/%s: %s", id,
				    it[i].err.msg ? it[i].err.msg : "failed");
		}
	for (i = 0; i < items->count; i++)
		buf_release(&urls[i]);
	free(urls);
	if (rc) {
		for (i = 0; i < n; i++)
			http_item_release(&it[i]);
		free(it);
		return rc;
	}
	*out_items = it;
	*out_n = n;
	return 0;
}

static const struct http_item *
find_item(struct http_item *it, size_t n, size_t index)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((size_t)it[i].user == index)
			return &it[i];
	return NULL;
}

/*
 * The transcript body of a call: the one fetched, else (its 200 body was
 * not JSON) asked again.  NULL when there is none to read (warned).
 */
static const struct json *
transcript_body(struct pull *p, const struct http_item *t, const char *id,
    size_t idn)
{
	static const char *const headers[] = { "Accept: application/json", NULL };
	struct err e = ERR_INIT;
	const struct json *body;
	int tries = 1;

	body = json_parse(&p->tdoc, t->resp.body.data ? t->resp.body.data : "",
	    t->resp.body.len, &e);
	while (body == NULL && tries < PARSE_TRIES) {
		struct http_request req = { 0 };
		struct http_response resp;
		struct err he = ERR_INIT;

		tries++;
		buf_reset(&p->url);
		buf_printf(&p->url, "%s/transcripts/", buf_cstr(&p->base));
		buf_add(&p->url, id, idn);
		req.url = p->url.data;
		req.headers = headers;
		req.auth = 1;
		http_response_init(&resp);
		if (http_do(p->http, &req, &resp, &he) == 0) {
			err_release(&e);
			body = json_parse(&p->tdoc, resp.body.data ? resp.body.data : "",
			    resp.body.len, &e);
		} else if (resp.status == 404) {
			http_response_release(&resp);
			err_release(&he);
			err_release(&e);
			return NULL;
		}
		http_response_release(&resp);
		err_release(&he);
	}
	if (body == NULL)
		diag_warn("transcript of call %.*s: %s", (int)idn, id,
		    e.msg ? e.msg : "not JSON");
	err_release(&e);
	return body;
}

/*
 * user id -> email from one walk of GET /users (all states), for calls
 * whose user target carries no email.  Failing that, no email (warned).
 */
static void
load_users(struct pull *p)
{
	static const char *const headers[] = { "Accept: application/json", NULL };
	struct buf cursor = BUF_INIT, prev = BUF_INIT;
	int pages = 0, tries = 0;

	p->users_state = -1;
	for (;;) {
		struct http_request req = { 0 };
		struct http_response resp;
		struct err e = ERR_INIT;
		const struct json *root, *items, *u;
		const char *next;
		size_t fresh = 0;

		buf_reset(&p->url);
		buf_printf(&p->url, "%s/users?state=all", buf_cstr(&p->base));
		if (cursor.len) {
			buf_addstr(&p->url, "&cursor=");
			http_urlencode(&p->url, cursor.data, cursor.len);
		}
		req.url = p->url.data;
		req.headers = headers;
		req.auth = 1;
		http_response_init(&resp);
		if (http_do(p->http, &req, &resp, &e) != 0) {
			const char *msg = api_error(&resp);

			diag_warn("GET /users: %s; user_email stays empty where the "
			    "call does not carry it", msg ? msg : e.msg ? e.msg : "failed");
			http_response_release(&resp);
			err_release(&e);
			break;
		}
		root = json_parse(&p->udoc, resp.body.data ? resp.body.data : "",
		    resp.body.len, &e);
		http_response_release(&resp);
		err_release(&e);
		if (root == NULL) {
			if (++tries < PARSE_TRIES)
				continue;
			diag_warn("GET /users: the response is not JSON");
			break;
		}
		tries = 0;
		items = json_get(root, "items");
		for (u = items && items->type == JSON_ARRAY ? items->child : NULL; u;
		    u = u->next) {
			const struct json *emails = json_get(u, "emails"), *em;
			const char *id;
			size_t idn;

			id = dialpad_id(json_get(u, "id"), &idn);
			if (id == NULL || emails == NULL || emails->type != JSON_ARRAY)
				continue;
			for (em = emails->child; em; em = em->next)
				if (em->type == JSON_STRING && em->n && strlen(em->s) == em->n)
					break;
			if (em && strtab_add(&p->users, id, idn, em->s))
				fresh++;
		}
		next = json_get_str(root, "cursor");
		if (next == NULL || *next == '\0') {
			p->users_state = 1;
			break;
		}
		if (prev.len == strlen(next) && memcmp(prev.data, next, prev.len) == 0 &&
		    fresh == 0) {
			p->users_state = 1;
			break;
		}
		if (++pages > 10000) {
			diag_warn("GET /users: more than 10000 pages");
			break;
		}
		buf_reset(&prev);
		buf_addstr(&prev, next);
		buf_reset(&cursor);
		buf_addstr(&cursor, next);
	}
	buf_release(&cursor);
	buf_release(&prev);
}

/* The email of the call's user when the call does not carry it; NULL. */
static const char *
user_email(struct pull *p, const struct json *call)
{
	const struct json *target = json_get(call, "target");
	const char *type = json_get_str(target, "type");
	const char *email = json_get_str(target, "email"), *id, *v;
	size_t idn;

	if (type == NULL || strcmp(type, "user") != 0 || (email && *email))
		return NULL;
	id = dialpad_id(json_get(target, "id"), &idn);
	if (id == NULL)
		return NULL;
	if (p->users_state == 0)
		load_users(p);
	strtab_get(&p->users, id, idn, &v);
	return v;
}

static int
write_page(struct pull *p, const struct json *items, const unsigned char *keep,
    struct http_item *it, size_t nit)
{
	const struct json *c;
	size_t k = 0;

	for (c = items->child; c; c = c->next, k++) {
		const struct http_item *t;
		struct dialpad_line *lines = NULL;
		size_t nl = 0, idn;
		const char *id;

		if (!keep[k])
			continue;
		id = dialpad_id(json_get(c, "call_id"), &idn);
		t = find_item(it, nit, k);
		if (t && t->code == 0) {
			const struct json *body = transcript_body(p, t, id, idn);

			if (body)
				nl = dialpad_transcript_lines(body, &lines);
		}
		if (dialpad_write_call_user(&p->out, c, lines, nl, p->extracted,
		    user_email(p, c)) < 0) {
			p->st->skipped++;
		} else {
			p->st->calls++;
			if (nl) {
				p->st->transcripts++;
				p->st->lines += nl;
			}
		}
		free(lines);
		if (p->out.len > FLUSH_AT && flush(p, 0))
			return EX_IOERR;
	}
	return 0;
}

/* A page of CallProto items: new calls, their transcripts, written. */
static int
process_items(struct pull *p, const struct json *items, size_t *nkeep,
    struct err *e)
{
	struct http_item *it = NULL;
	unsigned char *keep;
	size_t nit = 0, i;
	int rc;

	*nkeep = 0;
	if (items == NULL || items->type != JSON_ARRAY || items->count == 0)
		return 0;
	keep = xcalloc(items->count, 1);
	*nkeep = page_keep(p, items, keep);
	if ((rc = fetch_transcripts(p, items, keep, &it, &nit, e))) {
		free(keep);
		return rc;
	}
	rc = write_page(p, items, keep, it, nit);
	for (i = 0; i < nit; i++)
		http_item_release(&it[i]);
	free(it);
	free(keep);
	if (rc)
		err_set(e, rc, "write error on standard output");
	return rc;
}

static int
pull_window(struct pull *p, int64_t a, int64_t b, struct err *e)
{
	static const char *const headers[] = { "Accept: application/json", NULL };
	struct buf cursor = BUF_INIT;
	int pages = 0, rc = 0, tries = 0;

	for (;;) {
		struct http_request req = { 0 };
		struct http_response resp;
		struct json *root, *items;
		size_t nkeep = 0;
		const char *next;

		buf_reset(&p->url);
		/* Strict bounds on both sides: started_after < date_started <
		 * started_before, so [a, b) is (a-1, b). */
		buf_printf(&p->url, "%s/call?started_after=%lld&started_before=%lld",
		    buf_cstr(&p->base), (long long)(a - 1), (long long)b);
		if (cursor.len) {
			buf_addstr(&p->url, "&cursor=");
			http_urlencode(&p->url, cursor.data, cursor.len);
		}
		req.url = p->url.data;
		req.headers = headers;
		req.auth = 1;
		if ((rc = api_do(p, &req, &resp, "GET /call", e)) != 0)
			break;
		root = json_parse(&p->page, resp.body.data ? resp.body.data : "",
		    resp.body.len, e);
		http_response_release(&resp);
		if (root == NULL) {
			/* A 200 whose body is not JSON: asked again, then a
			 * temporary failure (the bookmark stays). */
			if (++tries < PARSE_TRIES) {
				err_release(e);
				continue;
			}
			err_prefix(e, "GET /call: the response is not JSON");
			rc = EX_TEMPFAIL;
			e->code = rc;
			break;
		}
		tries = 0;
		items = json_get(root, "items");
		if ((rc = process_items(p, items, &nkeep, e)))
			break;
		next = json_get_str(root, "cursor");
		if (next == NULL || *next == '\0')
			break;
		/* Loop guard: the cursor just sent comes back with nothing new
		 * (no items, or only calls already written): asking again would
		 * give the same page forever. */
		if (cursor.len == strlen(next) && memcmp(cursor.data, next, cursor.len) == 0 &&
		    nkeep == 0) {
			diag_warn("GET /call: the same cursor again with no new calls; "
			    "taken as the last page");
			break;
		}
		buf_reset(&cursor);
		buf_addstr(&cursor, next);
		if (++pages > MAX_PAGES_PER_WINDOW) {
			rc = err_set(e, EX_DATAERR, "GET /call: more than %d pages in one window",
			    MAX_PAGES_PER_WINDOW);
			break;
		}
	}
	buf_release(&cursor);
	return rc;
}

/* --- --via-stats: POST /stats, poll GET /stats/{id}, download the CSV --- */

enum stats_col {
	SC_NONE, SC_CALL_ID, SC_DIRECTION, SC_STATE, SC_STARTED, SC_CONNECTED,
	SC_ENDED, SC_RANG, SC_EXTERNAL, SC_INTERNAL, SC_DURATION_MS,
	SC_DURATION_S, SC_RECORDED, SC_TARGET_ID, SC_TARGET_TYPE, SC_EMAIL,
	SC_NAME, SC_CONTACT_NAME, SC_CONTACT_PHONE, SC_TRANSCRIPTION
};

static const struct {
	const char *name;
	enum stats_col col;
} stats_names[] = {
	{ "call_id", SC_CALL_ID }, { "callid", SC_CALL_ID },
	{ "direction", SC_DIRECTION }, { "call_direction", SC_DIRECTION },
	{ "state", SC_STATE }, { "call_state", SC_STATE }, { "status", SC_STATE },
	{ "date_started", SC_STARTED }, { "started_at", SC_STARTED },
	{ "start_time", SC_STARTED }, { "date_start", SC_STARTED },
	{ "date_connected", SC_CONNECTED }, { "connected_at", SC_CONNECTED },
	{ "date_ended", SC_ENDED }, { "ended_at", SC_ENDED },
	{ "end_time", SC_ENDED }, { "date_rang", SC_RANG },
	{ "external_number", SC_EXTERNAL }, { "internal_number", SC_INTERNAL },
	{ "duration", SC_DURATION_MS }, { "duration_ms", SC_DURATION_MS },
	{ "duration_seconds", SC_DURATION_S }, { "duration_sec", SC_DURATION_S },
	{ "was_recorded", SC_RECORDED }, { "recorded", SC_RECORDED },
	{ "target_id", SC_TARGET_ID }, { "user_id", SC_TARGET_ID },
	{ "target_type", SC_TARGET_TYPE },
	{ "email", SC_EMAIL }, { "target_email", SC_EMAIL },
	{ "user_email", SC_EMAIL },
	{ "name", SC_NAME }, { "target_name", SC_NAME }, { "user_name", SC_NAME },
	{ "contact_name", SC_CONTACT_NAME }, { "contact_phone", SC_CONTACT_PHONE },
	{ "transcription_text", SC_TRANSCRIPTION },
};

/* A header cell: lower case, runs of other than letters and digits as one
 * '_', none at the ends ("Call ID" -> "call_id"). */
static enum stats_col
stats_column(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;
	enum stats_col c = SC_NONE;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			buf_addch(&b, (char)ch);
		else if (ch >= 'A' && ch <= 'Z')
			buf_addch(&b, (char)(ch - 'A' + 'a'));
		else if (b.len && b.data[b.len - 1] != '_')
			buf_addch(&b, '_');
	}
	while (b.len && b.data[b.len - 1] == '_')
		buf_truncate(&b, b.len - 1);
	for (i = 0; i < sizeof(stats_names) / sizeof(stats_names[0]); i++)
		if (strcmp(buf_cstr(&b), stats_names[i].name) == 0) {
			c = stats_names[i].col;
			break;
		}
	buf_release(&b);
	return c;
}

/* A time cell as a string of epoch milliseconds into out; -1 if none.
 * Digits are milliseconds (seconds when 11 digits or fewer). */
static int
stats_time(struct buf *out, const char *s, size_t n)
{
	int64_t ms;
	size_t i;

	buf_reset(out);
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (n && i == n && n <= 18) {
		if (n <= 11) {
			buf_add(out, s, n);
			buf_addstr(out, "000");
		} else {
			buf_add(out, s, n);
		}
		return 0;
	}
	if (n == 0 || ts_parse(s, n, &ms) != 0 || ms < 0)
		return -1;
	buf_printf(out, "%lld", (long long)ms);
	return 0;
}

/* The length of the id in s[0..n): all digits, or digits followed by '.'
 * and zeros; else 0. */
static size_t
digits_n(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == n)
		return n > 32 ? 0 : n;
	if (i == 0 || s[i] != '.' || i > 32)
		return 0;
	for (k = i + 1; k < n && s[k] == '0'; k++)
		;
	return k == n && k > i + 1 ? i : 0;
}

/* One CSV row as a CallProto in doc; NULL when it has no call id. */
static struct json *
stats_call(struct json_doc *doc, const struct csv_reader *r,
    const enum stats_col *cols, size_t ncols)
{
	struct json *call = json_new_object(doc);
	struct json *target = NULL, *contact = NULL;
	struct buf t = BUF_INIT;
	int has_id = 0, has_type = 0;
	size_t i;

	for (i = 0; i < r->n && i < ncols; i++) {
		size_t n;
		const char *s = csv_field(r, i, &n);
		const char *key = NULL;

		if (n == 0 || cols[i] == SC_NONE)
			continue;
		if (cols[i] == SC_CALL_ID || cols[i] == SC_TARGET_ID) {
			/* digits, maybe written as a decimal ("615...24.0") */
			size_t d = digits_n(s, n);

			if (d == 0)
				continue;
			n = d;
		}
		switch (cols[i]) {
		case SC_CALL_ID: key = "call_id"; has_id = 1; break;
		case SC_DIRECTION: key = "direction"; break;
		case SC_STATE: key = "state"; break;
		case SC_EXTERNAL: key = "external_number"; break;
		case SC_INTERNAL: key = "internal_number"; break;
		case SC_TRANSCRIPTION: key = "transcription_text"; break;
		case SC_STARTED: case SC_CONNECTED: case SC_ENDED: case SC_RANG:
			if (stats_time(&t, s, n) == 0)
				json_object_set(doc, call, cols[i] == SC_STARTED ?
				    "date_started" : cols[i] == SC_CONNECTED ?
				    "date_connected" : cols[i] == SC_ENDED ?
				    "date_ended" : "date_rang",
				    json_new_str(doc, t.data, t.len));
			break;
		case SC_DURATION_MS: case SC_DURATION_S: {
			struct json *v;
			char *end;
			double d;

			buf_reset(&t);
			buf_add(&t, s, n);
			d = strtod(buf_cstr(&t), &end);
			if (*end || !(d >= 0) || d > 1e15)
				break;
			buf_reset(&t);
			buf_printf(&t, "%.3f", cols[i] == SC_DURATION_S ? d * 1000 : d);
			v = json_new_number_text(doc, t.data, t.len);
			if (v)
				json_object_set(doc, call, "duration", v);
			break;
		}
		case SC_RECORDED:
			if ((n == 4 && strncasecmp(s, "true", 4) == 0) ||
			    (n == 3 && strncasecmp(s, "yes", 3) == 0) ||
			    (n == 1 && s[0] == '1'))
				json_object_set(doc, call, "was_recorded", json_new_bool(doc, 1));
			else if ((n == 5 && strncasecmp(s, "false", 5) == 0) ||
			    (n == 2 && strncasecmp(s, "no", 2) == 0) ||
			    (n == 1 && s[0] == '0'))
				json_object_set(doc, call, "was_recorded", json_new_bool(doc, 0));
			break;
		case SC_TARGET_ID: case SC_TARGET_TYPE: case SC_EMAIL: case SC_NAME:
			if (target == NULL)
				target = json_object_set(doc, call, "target",
				    json_new_object(doc));
			if (cols[i] == SC_TARGET_TYPE)
				has_type = 1;
			json_object_set(doc, target, cols[i] == SC_TARGET_ID ? "id" :
			    cols[i] == SC_TARGET_TYPE ? "type" : cols[i] == SC_EMAIL ?
			    "email" : "name", json_new_str(doc, s, n));
			break;
		case SC_CONTACT_NAME: case SC_CONTACT_PHONE:
			if (contact == NULL)
				contact = json_object_set(doc, call, "contact",
				    json_new_object(doc));
			json_object_set(doc, contact, cols[i] == SC_CONTACT_NAME ?
			    "name" : "phone", json_new_str(doc, s, n));
			break;
		default:
			break;
		}
		if (key)
			json_object_set(doc, call, key, json_new_str(doc, s, n));
	}
	/* A row's target without a type column is the call's user. */
	if (target && !has_type && json_get(target, "id"))
		json_object_set(doc, target, "type", json_new_cstr(doc, "user"));
	buf_release(&t);
	return has_id ? call : NULL;
}

#define STATS_PAGE 25

/* The header row of an export: the column of each field.  0; -1 for an
 * empty file (no rows); or EX_DATAERR (no call_id column, bad CSV). */
static int
stats_header(struct csv_reader *r, enum stats_col **cols, size_t *ncols,
    struct err *e)
{
	int got = csv_next(r, e);
	size_t i;

	*cols = NULL;
	*ncols = 0;
	if (got < 0)
		return err_prefix(e, "stats export");
	if (got == 0)
		return -1;      /* an empty file: no rows */
	*ncols = r->n;
	*cols = xcalloc(r->n ? r->n : 1, sizeof(**cols));
	for (i = 0; i < r->n; i++) {
		size_t n;
		const char *s = csv_field(r, i, &n);

		(*cols)[i] = stats_column(s, n);
	}
	for (i = 0; i < *ncols && (*cols)[i] != SC_CALL_ID; i++)
		;
	if (i == *ncols) {
		free(*cols);
		*cols = NULL;
		return err_set(e, EX_DATAERR, "stats export: no call_id column");
	}
	return 0;
}

/* A record that is one empty field: a blank line. */
static int
csv_blank(const struct csv_reader *r)
{
	return r->n == 0 || (r->n == 1 && r->len[0] == 0);
}

int
dialpad_stats_calls(const char *csv, size_t n, struct json_doc *doc,
    struct json **items, size_t *skipped, struct err *e)
{
	struct csv_reader r;
	enum stats_col *cols;
	size_t ncols;
	int rc, got;

	*items = json_new_array(doc);
	*skipped = 0;
	csv_reader_init(&r, csv, n, ',');
	if ((rc = stats_header(&r, &cols, &ncols, e)) != 0) {
		csv_reader_release(&r);
		return rc < 0 ? 0 : rc;
	}
	while ((got = csv_next(&r, e)) > 0) {
		struct json *c = stats_call(doc, &r, cols, ncols);

		if (c)
			json_array_append(*items, c);
		else if (!csv_blank(&r))
			(*skipped)++;
	}
	if (got < 0)
		rc = err_prefix(e, "stats export");
	free(cols);
	csv_reader_release(&r);
	return rc;
}

/* The rows of an export: pages of calls, as GET /call's. */
static int
stats_rows(struct pull *p, const char *text, size_t len, struct err *e)
{
	struct csv_reader r;
	enum stats_col *cols = NULL;
	size_t ncols = 0, nkeep;
	struct json *items = NULL;
	int rc, got;

	csv_reader_init(&r, text, len, ',');
	if ((rc = stats_header(&r, &cols, &ncols, e)) != 0) {
		csv_reader_release(&r);
		return rc < 0 ? 0 : rc;
	}
	for (;;) {
		struct json *c;

		if (items == NULL) {
			json_doc_reset(&p->page);
			items = json_new_array(&p->page);
		}
		got = csv_next(&r, e);
		if (got < 0) {
			rc = err_prefix(e, "stats export");
			break;
		}
		if (got > 0) {
			c = stats_call(&p->page, &r, cols, ncols);
			if (c)
				json_array_append(items, c);
			else if (!csv_blank(&r))
				p->st->skipped++;
		}
		if (got == 0 || items->count >= STATS_PAGE) {
			if ((rc = process_items(p, items, &nkeep, e)))
				break;
			items = NULL;
		}
		if (got == 0)
			break;
	}
	free(cols);
	csv_reader_release(&r);
	return rc;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

#define STATS_EXPORTS 3     /* a request id that expired or failed: again */
#define STATS_POLLS 80      /* 5 s, 10 s, ... 60 s: a little over an hour */

/*
 * One export of call records: days_ago_end days back up to yesterday, or
 * (today) today's calls.  A request id that expires (404) or ends failed,
 * or a download link that is refused, starts the export again.
 */
static int
stats_export(struct pull *p, int today, long ago_end, struct err *e)
{
	static const char *const jhead[] = { "Accept: application/json",
		"Content-Type: application/json", NULL };
	static const char *const ahead[] = { "Accept: application/json", NULL };
	struct buf body = BUF_INIT, id = BUF_INIT, link = BUF_INIT, o = BUF_INIT;
	const char *env = getenv("DIALPAD_STATS_POLL_MS");
	long first = env && atol(env) > 0 ? atol(env) : 5000;
	int attempt, rc = 0;

	if (today)
		buf_addstr(&body, "{\"export_type\":\"records\",\"stat_type\":\"calls\","
		    "\"is_today\":true,\"timezone\":\"UTC\"}");
	else
		buf_printf(&body, "{\"export_type\":\"records\",\"stat_type\":\"calls\","
		    "\"days_ago_start\":1,\"days_ago_end\":%ld,\"timezone\":\"UTC\"}",
		    ago_end);
	for (attempt = 0; attempt < STATS_EXPORTS; attempt++) {
		struct http_request req = { 0 };
		struct http_response resp;
		const struct json *root, *v;
		long delay = first;
		int polls, again = 0;

		buf_reset(&p->url);
		buf_printf(&p->url, "%s/stats", buf_cstr(&p->base));
		req.method = "POST";
		req.url = p->url.data;
		req.headers = jhead;
		req.body = body.data;
		req.body_len = body.len;
		req.auth = 1;
		if ((rc = api_do(p, &req, &resp, "POST /stats", e)) != 0)
			break;
		root = json_parse(&p->udoc, resp.body.data ? resp.body.data : "",
		    resp.body.len, e);
		http_response_release(&resp);
		v = json_get(root, "request_id");
		buf_reset(&id);
		if (v && (v->type == JSON_STRING || v->type == JSON_NUMBER) && v->n &&
		    strlen(v->s) == v->n)
			buf_add(&id, v->s, v->n);
		if (id.len == 0) {
			rc = err_set(e, EX_TEMPFAIL, "POST /stats: no request_id in the answer");
			break;
		}
		err_release(e);
		for (polls = 0; polls < STATS_POLLS; polls++) {
			const char *status;
			struct http_request g = { 0 };

			sleep_ms(delay);
			delay = delay * 2 > 60000 ? 60000 : delay * 2;
			buf_reset(&p->url);
			buf_printf(&p->url, "%s/stats/", buf_cstr(&p->base));
			http_urlencode(&p->url, id.data, id.len);
			g.url = p->url.data;
			g.headers = ahead;
			g.auth = 1;
			http_response_init(&resp);
			if ((rc = http_do(p->http, &g, &resp, e)) != 0) {
				const char *msg = api_error(&resp);

				if (resp.status == 404) {
					/* expired: start again */
					diag_warn("GET /stats/%s: %s; exporting again",
					    buf_cstr(&id), msg ? msg : "not found");
					err_release(e);
					rc = 0;
					again = 1;
				} else if (msg) {
					err_set(e, rc, "GET /stats: HTTP %ld: %s", resp.status, msg);
				}
				http_response_release(&resp);
				break;
			}
			root = json_parse(&p->udoc, resp.body.data ? resp.body.data : "",
			    resp.body.len, e);
			http_response_release(&resp);
			err_release(e);
			status = json_get_str(root, "status");
			if (status && strcmp(status, "failed") == 0) {
				diag_warn("stats export %s failed; exporting again", buf_cstr(&id));
				again = 1;
				break;
			}
			if (status && strcmp(status, "complete") == 0 &&
			    json_get_str(root, "download_url")) {
				buf_reset(&link);
				buf_addstr(&link, json_get_str(root, "download_url"));
				break;
			}
		}
		if (rc)
			break;
		if (again)
			continue;
		if (polls == STATS_POLLS) {
			rc = err_set(e, EX_TEMPFAIL, "stats export %s: not complete after "
			    "%d polls", buf_cstr(&id), STATS_POLLS);
			break;
		}
		/* The file: likely a pre-signed link, which refuses a second
		 * auth mechanism: asked without the key first. */
		{
			struct http_request d = { 0 };
			struct err ue = ERR_INIT;

			if ((rc = http_url_check(link.data, e)) != 0) {
				err_prefix(e, "stats download_url");
				break;
			}
			d.url = link.data;
			d.max_body = (size_t)1 << 30;
			http_response_init(&resp);
			rc = http_do(p->http, &d, &resp, e);
			/* Refused without the key: on the API's own origin, with it. */
			if (rc && (resp.status == 401 || resp.status == 403) &&
			    http_url_origin(link.data, &o, &ue) == 0 &&
			    http_token_origin(p->http) &&
			    strcmp(o.data, http_token_origin(p->http)) == 0) {
				http_response_release(&resp);
				err_release(e);
				d.auth = 1;
				http_response_init(&resp);
				rc = http_do(p->http, &d, &resp, e);
			}
			err_release(&ue);
			if (rc && resp.status >= 400 && resp.status < 500 &&
			    resp.status != 429) {
				diag_warn("stats download: HTTP %ld; exporting again",
				    resp.status);
				http_response_release(&resp);
				err_release(e);
				rc = 0;
				continue;
			}
			if (rc == 0)
				rc = stats_rows(p, resp.body.data ? resp.body.data : "",
				    resp.body.len, e);
			http_response_release(&resp);
			break;
		}
	}
	if (rc == 0 && attempt == STATS_EXPORTS)
		rc = err_set(e, EX_UNAVAILABLE, "stats export: no file after %d exports",
		    STATS_EXPORTS);
	buf_release(&body);
	buf_release(&id);
	buf_release(&link);
	buf_release(&o);
	return rc;
}

/* The whole --via-stats pull: the days since --since (default 30 days),
 * then today. */
static int
pull_stats(struct pull *p, int64_t now, struct err *e)
{
	int64_t today0 = now - now % DAY_MS, since;
	long days;
	int rc;

	since = p->o->since_ms >= 0 ? p->o->since_ms : today0 - 30 * DAY_MS;
	since -= since % DAY_MS;
	days = (long)((today0 - since) / DAY_MS);
	if (days >= 1 && (rc = stats_export(p, 0, days, e)))
		return rc;
	if ((rc = stats_export(p, 1, 0, e)))
		return rc;
	p->st->windows++;
	return flush(p, 0) ? err_set(e, EX_IOERR, "write error on standard output") : 0;
}

void
dialpad_ratelimit_init(struct ratelimit *rl, double per_minute)
{
	double burst;

	if (!(per_minute > 0))
		per_minute = 600;
	/* A second's worth, at most 10: with the refill, never more than 20
	 * requests in any second (Dialpad's company-wide limit) by default. */
	burst = floor(per_minute / 60.0);
	if (burst > 10)
		burst = 10;
	if (burst < 1)
		burst = 1;
	ratelimit_init(rl, per_minute, burst);
}

long
dialpad_retry_delay(const struct http_response *resp, int tries, long delay,
    void *ctx)
{
	struct buf ra = BUF_INIT;
	long min;
	int has_ra;

	if (ctx != NULL || resp->status != 429)
		return delay;
	has_ra = http_header_get(resp, "Retry-After", &ra) == 0;
	buf_release(&ra);
	if (has_ra)
		return delay;
	min = tries >= 6 ? 60000 : 2000L << (tries > 0 ? tries - 1 : 0);
	if (min > 60000)
		min = 60000;
	return delay > min ? delay : min;
}

static int
write_state(struct pull *p, int64_t upto)
{
	struct json *bm, *bookmarks;
	struct buf ts = BUF_INIT;

	if (p->state == NULL)
		p->state = json_new_object(&p->sdoc);
	bookmarks = json_get(p->state, "bookmarks");
	if (bookmarks == NULL || bookmarks->type != JSON_OBJECT)
		bookmarks = json_object_set(&p->sdoc, p->state, "bookmarks",
		    json_new_object(&p->sdoc));
	bm = json_new_object(&p->sdoc);
	ts_format(&ts, upto);
	json_object_set(&p->sdoc, bm, "started_before",
	    json_new_str(&p->sdoc, ts.data, ts.len));
	json_object_set(&p->sdoc, bookmarks, DIALPAD_STATE_KEY, bm);
	buf_release(&ts);
	singer_write_state(&p->out, p->state);
	buf_addch(&p->out, '\n');
	return flush(p, 1);
}

static void
write_schemas(struct pull *p)
{
	static const char *const bm[] = { "call_time" };

	singer_write_schema(&p->out, schema_table_find("dialpad_calls"), bm, 1);
	buf_addch(&p->out, '\n');
	singer_write_schema(&p->out, schema_table_find("dialpad_transcripts"), NULL, 0);
	buf_addch(&p->out, '\n');
}

int
dialpad_pull(const struct dialpad_opts *o, struct dialpad_stats *st,
    struct err *e)
{
	struct pull p;
	struct etl_run run = { 0 };
	const struct json *bm = NULL;
	int64_t now, end, start, window, done = -1, a;
	int rc, quick;

	memset(st, 0, sizeof(*st));
	memset(&p, 0, sizeof(p));
	p.o = o;
	p.st = st;
	buf_init(&p.out, 0);
	buf_init(&p.url, 0);
	json_doc_init(&p.page);
	json_doc_init(&p.tdoc);
	json_doc_init(&p.sdoc);
	json_doc_init(&p.udoc);
	buf_init(&p.base, 0);
	/* "<base>/call": a base given with a trailing '/' must not make
	 * "//call", which is another path. */
	buf_addstr(&p.base, o->base_url);
	while (p.base.len > 0 && p.base.data[p.base.len - 1] == '/')
		buf_truncate(&p.base, p.base.len - 1);
	now = o->now_ms >= 0 ? o->now_ms : ts_now_ms();
	p.extracted = now;
	end = now - (o->settle_ms >= 0 ? o->settle_ms : 5 * 60 * 1000);
	window = o->window_ms > 0 ? o->window_ms : 7 * DAY_MS;
	if (o->state) {
		p.state = json_copy(&p.sdoc, o->state);
		if (!o->full)
			bm = state_bookmark(o->state, DIALPAD_STATE_KEY);
	}
	if (o->since_ms >= 0) {
		start = o->since_ms;
	} else if (bm && json_get_str(bm, "started_before")) {
		const char *s = json_get_str(bm, "started_before");
		int64_t ms;

		if (ts_parse(s, strlen(s), &ms) != 0) {
			rc = err_set(e, EX_DATAERR, "bookmark %s: not a timestamp: %s",
			    DIALPAD_STATE_KEY, s);
			goto out_nostart;
		}
		start = ms - (o->lookback_ms >= 0 ? o->lookback_ms : 6 * HOUR_MS);
	} else {
		start = now - 365 * DAY_MS;
	}
	run.source = "dialpad";
	run.job_type = bm ? "incremental" : "full";
	run.stream_key = DIALPAD_STATE_KEY;
	run.started_ms = now;
	run.watermark_ms = -1;

	{
		/* A page of calls or sequences is kilobytes: a body of 64 MiB is
		 * a broken or hostile server, not data. */
		struct http_opts ho = { 0 };

		ho.max_body = (size_t)64 << 20;
		/* A 429 without Retry-After waits 2 s, 4 s, ... (dialpad.md 5),
		 * unless tests asked for quick retries. */
		quick = getenv("SALESINTEL_HTTP_BACKOFF_MS") != NULL;
		ho.retry_delay = dialpad_retry_delay;
		ho.retry_ctx = quick ? &quick : NULL;
		p.http = http_client_new(&ho);
	}
	dialpad_ratelimit_init(&p.rl, o->per_minute);
	/* Paced per try (retries included), also inside the concurrent
	 * transcript fetches. */
	http_client_set_ratelimit(p.http, &p.rl);
	rc = http_set_token(p.http, o->api_key, o->base_url, e);
	if (rc)
		goto out;
	write_schemas(&p);
	if (o->via_stats) {
		run.job_type = "full";
		rc = pull_stats(&p, now, e);
		goto out;
	}
	for (a = start; a < end; a += window) {
		int64_t b = a + window < end ? a + window : end;

		if ((rc = pull_window(&p, a, b, e)))
			break;
		st->windows++;
		done = b;
		if ((rc = write_state(&p, b))) {
			err_set(e, rc, "write error on standard output");
			break;
		}
	}
out:
	run.rows_processed = (int64_t)st->calls;
	run.rows_failed = (int64_t)st->skipped;
	run.watermark_ms = done;
	run.error = rc ? (e->msg ? e->msg : "failed") : NULL;
	etlrun_write(&p.out, &run);
	if (flush(&p, 1) && rc == 0)
		rc = err_set(e, EX_IOERR, "write error on standard output");
out_nostart:
	http_client_free(p.http);
	buf_release(&p.out);
	buf_release(&p.url);
	json_doc_release(&p.page);
	json_doc_release(&p.tdoc);
	json_doc_release(&p.sdoc);
	json_doc_release(&p.udoc);
	buf_release(&p.base);
	strtab_release(&p.seen);
	strtab_release(&p.users);
	return rc;
}
