#include "gmail.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "gmail_batch.h"
#include "gmail_msg.h"
#include "hash.h"
#include "http.h"
#include "jwt.h"
#include "mime.h"
#include "oauth.h"
#include "ratelimit.h"
#include "schema.h"
#include "singer.h"
#include "ts.h"
#include "banned.h"

#define COST_PROFILE 1
#define COST_HISTORY 2
#define COST_LIST 5
#define COST_GET 20
#define DAY_MS 86400000LL
#define MAX_ROUNDS 6

/* A set of message ids (open addressing; ids are short strings). */
struct idset {
	char **v;
	size_t cap, n;
};

static uint64_t
str_hash(const char *s)
{
	return hash_fnv1a(s, strlen(s));
}

static void
idset_clear(struct idset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
idset_has(const struct idset *s, const char *id)
{
	size_t i;

	if (!s->cap)
		return 0;
	for (i = str_hash(id) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->v[i], id) == 0)
			return 1;
	return 0;
}

/* Add id; 1 when it was new. */
static int
idset_add(struct idset *s, const char *id)
{
	size_t i;

	if (idset_has(s, id))
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		struct idset t = { NULL, s->cap ? s->cap * 2 : 64, 0 };

		t.v = xcalloc(t.cap, sizeof(*t.v));
		for (i = 0; i < s->cap; i++)
			if (s->v[i]) {
				size_t k = str_hash(s->v[i]) & (t.cap - 1);

				while (t.v[k])
					k = (k + 1) & (t.cap - 1);
				t.v[k] = s->v[i];
				t.n++;
			}
		free(s->v);
		*s = t;
	}
	for (i = str_hash(id) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		;
	s->v[i] = xstrdup(id);
	s->n++;
	return 1;
}

/* A list of ids, in order. */
struct idlist {
	char **v;
	size_t n, cap;
};

static void
idlist_add(struct idlist *l, const char *id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(id);
}

static void
idlist_clear(struct idlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static void
idlist_release(struct idlist *l)
{
	idlist_clear(l);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

enum auth_kind { AUTH_SA, AUTH_USER };

struct ctx {
	const struct gmail_opts *o;
	struct gmail_stats *st;
	struct http_client *c;
	struct ratelimit rl;
	int paced;
	enum auth_kind kind;
	struct oauth_google_sa sa;
	char *client_id, *client_secret, *refresh_token;
	char *token_url;
	char *base;             /* without trailing slash */
	int64_t token_exp;      /* ms */
	int64_t token_life;     /* ms: expires_in of the token */
	int batch;
	struct buf out;
	int64_t started;
	int64_t newest_ms;      /* newest internalDate seen (also from bookmark) */
	char *history_id;       /* the bookmark's history id */
	const char *sync_type;
	uint64_t rng;
	/* the full sync in progress */
	int in_full;
	char *full_h0;
	int64_t full_next, full_until;
	int full_started;       /* next_ms is meaningful */
	/* bodies behind attachmentId, fetched in batches (see fetch_batch) */
	struct idlist att_key, att_mid, att_aid;  /* key = mid "/" aid */
	struct buf *att_data;   /* parallel to att_key (NULL entry: failed) */
	int att_defer;          /* unknown attachments are noted, not fetched */
	struct idlist need_mid, need_aid;
};

/* ---- small helpers ----------------------------------------------------- */

static int
rate_reason(const char *r)
{
	return strcmp(r, "rateLimitExceeded") == 0 ||
		strcmp(r, "userRateLimitExceeded") == 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static char *
dup_json_str(const struct json *o, const char *key)
{
	const char *s = json_get_str(o, key);

	return s ? xstrdup(s) : NULL;
}

void
gmail_state_key(struct buf *out, const char *mailbox)
{
	buf_addstr(out, "gmail_messages:");
	buf_addstr(out, mailbox);
}

int
gmail_error_reason(const char *body, size_t n, struct buf *out)
{
	struct json_doc doc;
	struct err e = ERR_INIT;
	struct json *root, *errs;
	const char *r = NULL;

	json_doc_init(&doc);
	root = json_parse(&doc, body, n, &e);
	errs = json_get(json_get(root, "error"), "errors");
	if (errs && errs->type == JSON_ARRAY && errs->child)
		r = json_get_str(errs->child, "reason");
	if (r)
		buf_addstr(out, r);
	json_doc_release(&doc);
	err_release(&e);
	return r ? 0 : -1;
}

/* The wait "Retry after <RFC 3339>" in msg asks for; -1 without one. */
static long
retry_after_in(const char *msg, int64_t now_ms)
{
	const char *p, *t;
	size_t len;
	int64_t when;

	if (!msg || (p = strstr(msg, "Retry after ")) == NULL)
		return -1;
	t = p + strlen("Retry after ");
	len = strcspn(t, " \t\r\n\"");
	/* the end of a sentence is not part of the time */
	while (len && strchr(".,;:)", t[len - 1]) != NULL)
		len--;
	if (ts_parse(t, len, &when) != 0)
		return -1;
	return when > now_ms ? (long)(when - now_ms) : 0;
}

long
gmail_retry_after_message(const char *body, size_t n, int64_t now_ms)
{
	struct json_doc doc;
	struct err e = ERR_INIT;
	struct json *root, *errs, *it;
	long out;

	json_doc_init(&doc);
	root = json_parse(&doc, body, n, &e);
	out = retry_after_in(json_get_str(json_get(root, "error"), "message"),
	    now_ms);
	/* or in one of error.errors[].message */
	errs = json_get(json_get(root, "error"), "errors");
	for (it = errs && errs->type == JSON_ARRAY ? errs->child : NULL;
	    it && out < 0; it = it->next)
		out = retry_after_in(json_get_str(it, "message"), now_ms);
	json_doc_release(&doc);
	err_release(&e);
	return out;
}

static int
emit(struct ctx *x, int flush)
{
	int rc = 0;

	if (x->out.len || flush)
		rc = x->o->emit(x->o->emit_ctx, x->out.data ? x->out.data : "",
		    x->out.len, flush);
	buf_reset(&x->out);
	return rc;
}

/* ---- auth -------------------------------------------------------------- */

/* http://127.x, http://localhost, http://[::1]: a local test server */
static int
is_loopback_http(const char *url)
{
	return strncmp(url, "http://127.", 11) == 0 ||
		strncmp(url, "http://localhost:", 17) == 0 ||
		strncmp(url, "http://localhost/", 17) == 0 ||
		strncmp(url, "http://[::1]", 12) == 0;
}

static int
auth_load(struct ctx *x, struct err *e)
{
	struct json_doc doc;
	struct json *root;
	struct buf text = BUF_INIT;
	const char *type;
	FILE *f;
	char chunk[4096];
	size_t r;
	int rc = 0;

	if (!x->o->key_file || !*x->o->key_file)
		return err_set(e, EX_CONFIG, "no key file: give --key-file or "
		    "set GMAIL_KEY_FILE");
	if (jwt_file_private(x->o->key_file, e))
		return e->code;
	f = fopen(x->o->key_file, "rb");
	if (!f)
		return err_set(e, EX_CONFIG, "%s: %s", x->o->key_file,
		    strerror(errno));
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0 && text.len < (1 << 20))
		buf_add(&text, chunk, r);
	fclose(f);
	json_doc_init(&doc);
	root = json_parse(&doc, buf_cstr(&text), text.len, e);
	if (!root || root->type != JSON_OBJECT) {
		rc = err_set(e, EX_CONFIG, "%s: not a JSON key file",
		    x->o->key_file);
		goto out;
	}
	type = json_get_str(root, "type");
	if (type && strcmp(type, "service_account") == 0) {
		x->kind = AUTH_SA;
		rc = oauth_google_sa_load(x->o->key_file, &x->sa, e);
		if (rc)
			goto out;
		if (x->o->token_url && *x->o->token_url)
			x->token_url = xstrdup(x->o->token_url);
		else if (strcmp(x->sa.token_uri, GMAIL_TOKEN_URL) != 0 &&
		    !is_loopback_http(x->sa.token_uri)) {
			rc = err_set(e, EX_CONFIG, "%s: token_uri %s is not "
			    "Google's; give --token-url to use it", x->o->key_file,
			    x->sa.token_uri);
			goto out;
		} else
			x->token_url = xstrdup(x->sa.token_uri);
	} else if (type && strcmp(type, "authorized_user") == 0) {
		x->kind = AUTH_USER;
		x->client_id = dup_json_str(root, "client_id");
		x->client_secret = dup_json_str(root, "client_secret");
		x->refresh_token = dup_json_str(root, "refresh_token");
		if (!x->client_id || !x->client_secret || !x->refresh_token) {
			rc = err_set(e, EX_CONFIG, "%s: authorized_user needs "
			    "client_id, client_secret and refresh_token",
			    x->o->key_file);
			goto out;
		}
		diag_secret_add(x->client_secret);
		diag_secret_add(x->refresh_token);
		x->token_url = xstrdup(x->o->token_url && *x->o->token_url ?
		    x->o->token_url : GMAIL_TOKEN_URL);
	} else {
		rc = err_set(e, EX_CONFIG, "%s: type must be service_account or "
		    "authorized_user", x->o->key_file);
	}
out:
	json_doc_release(&doc);
	buf_release(&text);
	return rc;
}

static int
auth_token(struct ctx *x, struct err *e)
{
	struct oauth_token t;
	struct buf form = BUF_INIT;
	int rc = 0, tries;

	oauth_token_init(&t);
	for (tries = 0; tries < 2; tries++) {
		buf_reset(&form);
		if (x->kind == AUTH_SA) {
			struct buf jwt = BUF_INIT;

			/* the real clock, never SALESINTEL_NOW: Google checks
			 * iat and exp against its own (gmail.md 1.2) */
			rc = oauth_google_sa_assertion(&x->sa, x->o->mailbox,
			    GMAIL_SCOPE, (int64_t)time(NULL), &jwt, e);
			if (!rc) {
				diag_secret_add(buf_cstr(&jwt));
				oauth_form_add(&form, "grant_type",
				    "urn:ietf:params:oauth:grant-type:jwt-bearer");
				oauth_form_add(&form, "assertion", buf_cstr(&jwt));
			}
			buf_release(&jwt);
			if (rc)
				break;
		} else {
			oauth_form_add(&form, "grant_type", "refresh_token");
			oauth_form_add(&form, "client_id", x->client_id);
			oauth_form_add(&form, "client_secret", x->client_secret);
			oauth_form_add(&form, "refresh_token", x->refresh_token);
		}
		rc = oauth_token_request(x->c, x->token_url, buf_cstr(&form), &t, e);
		/* Google's own client retries internal_failure once */
		if (rc && e->msg && strstr(e->msg, "internal_failure") && tries == 0) {
			err_release(e);
			continue;
		}
		break;
	}
	buf_release(&form);
	if (rc) {
		oauth_token_release(&t);
		return err_prefix(e, "%s", x->o->mailbox);
	}
	if (t.refresh_token && x->kind == AUTH_USER) {
		free(x->refresh_token);
		x->refresh_token = xstrdup(t.refresh_token);
	}
	x->token_life = (t.expires_in > 0 ? t.expires_in : 3600) * 1000;
	x->token_exp = ts_now_ms() + x->token_life;
	rc = http_set_token(x->c, t.access_token, x->base, e);
	oauth_token_release(&t);
	return rc;
}

static int
refresh_cb(struct http_client *c, void *ctx, struct err *e)
{
	(void)c;
	return auth_token(ctx, e);
}

/* Renewed 5 minutes before it expires, or at half its life when that is
 * shorter (a short-lived token is not asked for again on every call). */
static int
ensure_token(struct ctx *x, struct err *e)
{
	int64_t margin = x->token_life / 2 < 300000 ? x->token_life / 2 : 300000;

	if (ts_now_ms() > x->token_exp - margin)
		return auth_token(x, e);
	return 0;
}

/* ---- requests ---------------------------------------------------------- */


/*
 * http.c's transient hook, set on every request: a 403 whose reason is
 * rateLimitExceeded or userRateLimitExceeded is retried like a 429
 * (gmail.md 6.2); dailyLimitExceeded and the other 403s are final.
 */
int
gmail_transient(const struct http_response *r, void *ctx)
{
	struct buf reason = BUF_INIT;
	int rate;

	(void)ctx;
	if (r->status != 403)
		return 0;
	gmail_error_reason(buf_cstr(&r->body), r->body.len, &reason);
	rate = rate_reason(buf_cstr(&reason));
	buf_release(&reason);
	return rate;
}

/*
 * http.c's retry_delay: at least until the "Retry after <time>" of the
 * message (gmail.md 6.4), else the delay http.c chose.
 */
long
gmail_retry_delay(const struct http_response *r, int tries, long delay,
	void *ctx)
{
	long msgwait = gmail_retry_after_message(buf_cstr(&r->body), r->body.len,
	    ts_now_ms());

	(void)tries;
	(void)ctx;
	return msgwait > delay ? msgwait : delay;
}

/*
 * One API request with http_do's retries (gmail_transient and
 * gmail_retry_delay read rate limits told in the body); a daily limit
 * gets its own message.
 */
static int
api_do(struct ctx *x, struct http_request *q, struct http_response *r,
	struct err *e)
{
	struct buf reason = BUF_INIT;
	int rc;

	rc = ensure_token(x, e);
	if (rc)
		return rc;
	http_response_release(r);
	http_response_init(r);
	q->transient = gmail_transient;
	rc = http_do(x->c, q, r, e);
	x->st->units += (uint64_t)q->cost * (uint64_t)(r->tries > 0 ? r->tries : 1);
	if (rc == 0 || (r->status != 400 && r->status != 403 && r->status != 429))
		return rc;
	gmail_error_reason(buf_cstr(&r->body), r->body.len, &reason);
	if (r->status == 400 &&
	    strcmp(buf_cstr(&reason), "failedPrecondition") == 0) {
		/* gmail.md 6.2: Google will not act as this mailbox (not in
		 * the Workspace domain, no Gmail): a refusal, not an outage */
		err_release(e);
		rc = err_set(e, EX_NOPERM, "%s: Google refused to act as this "
		    "mailbox (HTTP 400 failedPrecondition)", x->o->mailbox);
	}
	if (strcmp(buf_cstr(&reason), "dailyLimitExceeded") == 0) {
		err_release(e);
		rc = err_set(e, EX_TEMPFAIL, "%s: daily quota exceeded",
		    x->o->mailbox);
	}
	buf_release(&reason);
	return rc;
}

static int
api_get_json(struct ctx *x, const char *path_query, double cost,
	struct json_doc *doc, struct json **root, struct http_response *r,
	struct err *e)
{
	struct buf url = BUF_INIT;
	struct http_request q;
	int rc;

	int attempt;

	buf_printf(&url, "%s%s", x->base, path_query);
	/*
	 * A 2xx whose JSON does not parse was cut short (a connection closed
	 * early without a Content-Length, a proxy): asked again, like a 5xx.
	 */
	for (attempt = 1; ; attempt++) {
		memset(&q, 0, sizeof(q));
		q.url = buf_cstr(&url);
		q.auth = 1;
		q.cost = cost;
		rc = api_do(x, &q, r, e);
		if (rc)
			break;
		json_doc_release(doc);
		json_doc_init(doc);
		*root = json_parse(doc, buf_cstr(&r->body), r->body.len, e);
		if (*root && (*root)->type == JSON_OBJECT)
			break;
		*root = NULL;
		err_release(e);
		if (attempt >= MAX_ROUNDS) {
			rc = err_set(e, EX_TEMPFAIL, "%s: response is not a JSON "
			    "object (%d tries)", path_query, attempt);
			break;
		}
		diag_debug("%s: response is not JSON, asking again", path_query);
		sleep_ms(http_backoff_ms(500, x->o->retry_max_ms ?
		    x->o->retry_max_ms : 64000, attempt, &x->rng));
	}
	buf_release(&url);
	return rc;
}

/* attachments.get for bodies behind an attachmentId */
static int
fetch_attachment(void *ctx, const char *mid, const char *aid, struct buf *data,
	struct err *e)
{
	struct ctx *x = ctx;
	struct buf p = BUF_INIT;
	struct json_doc doc;
	struct json *root = NULL;
	struct http_response r;
	const struct json *d;
	int rc;

	buf_addstr(&p, "/gmail/v1/users/me/messages/");
	http_urlencode(&p, mid, strlen(mid));
	buf_addstr(&p, "/attachments/");
	http_urlencode(&p, aid, strlen(aid));
	json_doc_init(&doc);
	http_response_init(&r);
	rc = api_get_json(x, buf_cstr(&p), COST_GET, &doc, &root, &r, e);
	if (rc && r.status == 404) {
		/* the attachment id changed or the message went: the message is
		 * fetched again (gmail.md 3: use the latest attachmentId) */
		err_release(e);
		rc = err_set(e, EX_TEMPFAIL, "message %s: attachment gone (404)",
		    mid);
	}
	if (!rc) {
		d = json_get(root, "data");
		if (json_is_str(d) &&
		    mime_base64_decode(data, d->s, d->n, MIME_B64_URL) != 0) {
			buf_reset(data);
			mime_base64_decode(data, d->s, d->n, 0);
		}
	}
	http_response_release(&r);
	json_doc_release(&doc);
	buf_release(&p);
	return rc;
}

#define DEFERRED (-3)

static long
att_find(struct ctx *x, const char *mid, const char *aid)
{
	size_t i, ml = strlen(mid);

	for (i = 0; i < x->att_key.n; i++)
		if (strncmp(x->att_key.v[i], mid, ml) == 0 &&
		    x->att_key.v[i][ml] == '/' &&
		    strcmp(x->att_key.v[i] + ml + 1, aid) == 0)
			return (long)i;
	return -1;
}

/* The fetch callback: from the batch-filled cache; in defer mode a miss is
 * noted for the next attachment batch; otherwise fetched on its own. */
static int
fetch_cached(void *ctx, const char *mid, const char *aid, struct buf *data,
	struct err *e)
{
	struct ctx *x = ctx;
	long i = att_find(x, mid, aid);

	if (i >= 0 && x->att_data[i].len) {
		buf_add(data, x->att_data[i].data, x->att_data[i].len);
		return 0;
	}
	if (x->att_defer && i < 0) {
		idlist_add(&x->need_mid, mid);
		idlist_add(&x->need_aid, aid);
		return DEFERRED;
	}
	return fetch_attachment(ctx, mid, aid, data, e);
}

static void
att_clear(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->att_key.n; i++)
		buf_release(&x->att_data[i]);
	free(x->att_data);
	x->att_data = NULL;
	idlist_release(&x->att_key);
	idlist_release(&x->need_mid);
	idlist_release(&x->need_aid);
}

/* ---- records, state ---------------------------------------------------- */

static int
write_records(struct ctx *x, const char *body, size_t n, struct buf *out,
	struct err *e)
{
	struct json_doc doc;
	struct json *root;
	struct gmail_msg_opts mo;
	struct gmail_msg_info info;
	struct buf te = BUF_INIT;
	int rc;

	json_doc_init(&doc);
	root = json_parse(&doc, body, n, e);
	if (!root) {
		json_doc_release(&doc);
		return EX_TEMPFAIL;     /* a damaged part: fetch it again */
	}
	ts_format(&te, ts_now_ms());
	memset(&mo, 0, sizeof(mo));
	mo.mailbox = x->o->mailbox;
	mo.time_extracted = buf_cstr(&te);
	mo.max_body = x->o->max_body;
	mo.fetch = fetch_cached;
	mo.fetch_ctx = x;
	rc = gmail_msg_records(out, root, &mo, &info, e);
	if (!rc) {
		x->st->messages++;
		x->st->participants += info.participants;
		x->st->bad_addresses += info.bad_addresses;
		if (info.internal_ms > x->newest_ms)
			x->newest_ms = info.internal_ms;
	}
	buf_release(&te);
	json_doc_release(&doc);
	return rc;
}

static void
write_deleted(struct ctx *x, const char *id)
{
	struct singer_rec r;
	int64_t now = ts_now_ms();

	singer_rec_begin(&r, &x->out, "gmail_messages");
	singer_rec_cstr(&r, "message_id", id);
	singer_rec_cstr(&r, "mailbox_email", x->o->mailbox);
	singer_rec_ts(&r, "_sdc_deleted_at", now);
	singer_rec_end(&r, now);
	buf_addch(&x->out, '\n');
	x->st->deleted++;
}

/* A label change: only the labels column (load updates the columns a
 * record holds). */
static void
write_labels(struct ctx *x, const char *id, const char *labels_json)
{
	struct buf r = BUF_INIT;

	buf_addstr(&r, "{\"type\":\"RECORD\",\"stream\":\"gmail_messages\","
	    "\"record\":{\"message_id\":");
	json_write_str(&r, id, strlen(id));
	buf_addstr(&r, ",\"mailbox_email\":");
	json_write_str(&r, x->o->mailbox, strlen(x->o->mailbox));
	buf_addstr(&r, ",\"labels\":");
	buf_addstr(&r, labels_json);
	buf_addstr(&r, "},\"time_extracted\":\"");
	ts_format(&r, ts_now_ms());
	buf_addstr(&r, "\"}\n");
	buf_add(&x->out, r.data, r.len);
	buf_release(&r);
	x->st->relabelled++;
}

static int
write_state(struct ctx *x, struct err *e)
{
	struct buf key = BUF_INIT, v = BUF_INIT;
	int rc;

	gmail_state_key(&key, x->o->mailbox);
	buf_addstr(&v, "{\"bookmarks\":{");
	json_write_str(&v, key.data, key.len);
	buf_addstr(&v, ":{\"history_id\":");
	if (x->history_id)
		json_write_str(&v, x->history_id, strlen(x->history_id));
	else
		buf_addstr(&v, "null");
	buf_printf(&v, ",\"sync_type\":\"%s\",\"last_sync_at\":\"", x->sync_type);
	ts_format(&v, ts_now_ms());
	buf_addstr(&v, "\"");
	if (x->newest_ms >= 0)
		buf_printf(&v, ",\"newest_internal_ms\":%lld",
		    (long long)x->newest_ms);
	if (x->in_full) {
		buf_addstr(&v, ",\"full\":{\"history_id\":");
		json_write_str(&v, x->full_h0, strlen(x->full_h0));
		if (x->full_started)
			buf_printf(&v, ",\"next_ms\":%lld", (long long)x->full_next);
		buf_printf(&v, ",\"until_ms\":%lld}", (long long)x->full_until);
	}
	buf_addstr(&v, "}}}");
	singer_write_state_raw(&x->out, v.data, v.len);
	buf_addch(&x->out, '\n');
	rc = emit(x, 1);
	buf_release(&key);
	buf_release(&v);
	if (rc)
		return err_set(e, rc, "cannot write the output");
	return 0;
}

/* ---- fetching messages ------------------------------------------------- */

struct slot {
	const char *id;
	struct buf rec;
	int done;
	char *deferred;         /* message JSON waiting for its attachments */
	size_t deferred_n;
};

/*
 * POST one batch of k GETs (paths[i] answered as part cids[i]) and parse
 * its answer into br.  Returns api_do's code (r holds the response, the
 * caller releases it); *damaged is set, and e left clear, when a 2xx
 * answer is not a readable batch.
 */
static int
batch_post(struct ctx *x, const char **paths, const char **cids, size_t k,
    struct http_response *r, struct gmail_batch_resp *br, int *damaged,
    struct err *e)
{
	struct buf body = BUF_INIT, bnd = BUF_INIT, ct = BUF_INIT;
	struct buf url = BUF_INIT, rct = BUF_INIT;
	struct http_request q;
	const char *hdrs[2];
	int rc;

	*damaged = 0;
	x->rng = x->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	buf_printf(&bnd, "gp_%016llx", (unsigned long long)x->rng);
	gmail_batch_build(&body, buf_cstr(&bnd), paths, cids, k);
	buf_printf(&ct, "Content-Type: multipart/mixed; boundary=%s",
	    buf_cstr(&bnd));
	hdrs[0] = buf_cstr(&ct);
	hdrs[1] = NULL;
	buf_printf(&url, "%s/batch/gmail/v1", x->base);
	memset(&q, 0, sizeof(q));
	q.method = "POST";
	q.url = buf_cstr(&url);
	q.headers = hdrs;
	q.body = body.data;
	q.body_len = body.len;
	q.auth = 1;
	q.cost = (double)k * COST_GET;
	http_response_init(r);
	rc = api_do(x, &q, r, e);
	if (!rc) {
		http_header_get(r, "Content-Type", &rct);
		if (gmail_batch_parse(br, buf_cstr(&rct), buf_cstr(&r->body),
		    r->body.len, e) != 0) {
			err_release(e);
			*damaged = 1;
		}
	}
	buf_release(&body);
	buf_release(&bnd);
	buf_release(&ct);
	buf_release(&url);
	buf_release(&rct);
	return rc;
}

/*
 * Fetch the noted attachments through the batch endpoint into the cache.
 * Parts that fail are left out: the message then fetches them alone.
 */
static int
fetch_attachments(struct ctx *x, struct err *e)
{
	size_t start, i;
	int rc = 0;

	for (start = 0; start < x->need_mid.n && !rc; start += (size_t)x->batch) {
		size_t k = x->need_mid.n - start < (size_t)x->batch ?
		    x->need_mid.n - start : (size_t)x->batch;
		const char **paths = xcalloc(k, sizeof(*paths));
		const char **cids = xcalloc(k, sizeof(*cids));
		struct buf *pb = xcalloc(k, sizeof(*pb)), *cb = xcalloc(k, sizeof(*cb));
		struct http_response r;
		struct gmail_batch_resp br = { NULL, 0 };
		int damaged;

		for (i = 0; i < k; i++) {
			buf_init(&pb[i], 0);
			buf_init(&cb[i], 0);
			buf_addstr(&pb[i], "/gmail/v1/users/me/messages/");
			http_urlencode(&pb[i], x->need_mid.v[start + i],
			    strlen(x->need_mid.v[start + i]));
			buf_addstr(&pb[i], "/attachments/");
			http_urlencode(&pb[i], x->need_aid.v[start + i],
			    strlen(x->need_aid.v[start + i]));
			buf_printf(&cb[i], "a-%zu", start + i);
			paths[i] = buf_cstr(&pb[i]);
			cids[i] = buf_cstr(&cb[i]);
		}
		/* a damaged answer: the messages fetch them alone */
		rc = batch_post(x, paths, cids, k, &r, &br, &damaged, e);
		for (i = 0; i < k && !rc; i++) {
			const struct gmail_batch_part *p = gmail_batch_find(&br, cids[i]);
			struct json_doc doc;
			struct json *root;
			struct err pe = ERR_INIT;
			struct buf key = BUF_INIT, data = BUF_INIT;
			const struct json *d;

			if (!p || p->status != 200)
				continue;
			json_doc_init(&doc);
			root = json_parse(&doc, p->body, p->body_n, &pe);
			d = json_get(root, "data");
			if (json_is_str(d) && (mime_base64_decode(&data, d->s, d->n,
			    MIME_B64_URL) == 0 || (buf_reset(&data),
			    mime_base64_decode(&data, d->s, d->n, 0) == 0)) && data.len) {
				size_t n = x->att_key.n;

				buf_printf(&key, "%s/%s", x->need_mid.v[start + i],
				    x->need_aid.v[start + i]);
				idlist_add(&x->att_key, buf_cstr(&key));
				x->att_data = xrealloc(x->att_data, (n + 1) *
				    sizeof(*x->att_data));
				x->att_data[n] = data;
				buf_init(&data, 0);
			}
			buf_release(&data);
			buf_release(&key);
			err_release(&pe);
			json_doc_release(&doc);
		}
		gmail_batch_resp_release(&br);
		http_response_release(&r);
		for (i = 0; i < k; i++) {
			buf_release(&pb[i]);
			buf_release(&cb[i]);
		}
		free(pb);
		free(cb);
		free(paths);
		free(cids);
	}
	idlist_clear(&x->need_mid);
	idlist_clear(&x->need_aid);
	return rc;
}

/*
 * Fetch ids[0..n) with format=full through the batch endpoint and append
 * their records, in the order of ids, to x->out.  Failed parts go again,
 * alone, in a new batch after a backoff; 404s are skipped.
 */
static int
fetch_batch(struct ctx *x, char **ids, size_t n, struct err *e)
{
	struct slot *s = xcalloc(n ? n : 1, sizeof(*s));
	size_t i, left = n;
	int round, rc = 0, refreshed = 0;

	for (i = 0; i < n; i++) {
		s[i].id = ids[i];
		buf_init(&s[i].rec, 0);
	}
	for (round = 1; left > 0 && !rc; round++) {
		const char **paths = xcalloc(left, sizeof(*paths));
		const char **cids = xcalloc(left, sizeof(*cids));
		size_t *which = xcalloc(left, sizeof(*which)), k = 0;
		struct buf *pbuf = xcalloc(left, sizeof(*pbuf));
		struct buf *cbuf = xcalloc(left, sizeof(*cbuf));
		struct http_response r;
		struct gmail_batch_resp br = { NULL, 0 };
		long wait = 0;
		int damaged;

		for (i = 0; i < n; i++) {
			if (s[i].done)
				continue;
			buf_init(&pbuf[k], 0);
			buf_init(&cbuf[k], 0);
			buf_addstr(&pbuf[k], "/gmail/v1/users/me/messages/");
			http_urlencode(&pbuf[k], s[i].id, strlen(s[i].id));
			buf_addstr(&pbuf[k], "?format=full");
			buf_printf(&cbuf[k], "m-%zu", i);
			paths[k] = buf_cstr(&pbuf[k]);
			cids[k] = buf_cstr(&cbuf[k]);
			which[k] = i;
			k++;
		}
		rc = batch_post(x, paths, cids, k, &r, &br, &damaged, e);
		if (damaged)
			wait = 1000;    /* a damaged answer: all parts again */
		for (i = 0; i < k && !rc; i++) {
			struct slot *sl = &s[which[i]];
			const struct gmail_batch_part *p = gmail_batch_find(&br, cids[i]);
			struct buf reason = BUF_INIT;
			long pw = -1;

			if (!p) {
				continue;       /* missing part: again */
			}
			if (p->status == 200) {
				int wr;

				x->att_defer = 1;
				wr = write_records(x, p->body, p->body_n, &sl->rec, e);
				x->att_defer = 0;
				if (wr == 0) {
					sl->done = 1;
					left--;
				} else if (wr == DEFERRED) {
					buf_reset(&sl->rec);
					free(sl->deferred);
					/* all body_n bytes, a NUL among them too */
					sl->deferred = xmalloc(p->body_n + 1);
					memcpy(sl->deferred, p->body, p->body_n + 1);
					sl->deferred_n = p->body_n;
				} else if (wr == EX_TEMPFAIL) {
					buf_reset(&sl->rec);
					err_release(e);
				} else {
					rc = wr;
				}
			} else if (p->status == 404) {
				x->st->gone++;
				diag_info("%s: message %s is gone (404), skipped",
				    x->o->mailbox, sl->id);
				sl->done = 1;
				left--;
			} else if (p->status == 401) {
				if (refreshed++ >= 2)
					rc = err_set(e, EX_NOPERM, "%s: access refused "
					    "(401) after a token refresh", x->o->mailbox);
				else
					rc = auth_token(x, e);
			} else if (p->status == 429 || p->status >= 500 ||
			    p->status == 0 || (p->status == 403 &&
			    gmail_error_reason(p->body, p->body_n, &reason) == 0 &&
			    rate_reason(buf_cstr(&reason)))) {
				if (p->retry_after)
					pw = http_retry_after_ms(p->retry_after,
					    (int64_t)time(NULL));
				if (pw < 0)
					pw = gmail_retry_after_message(p->body, p->body_n,
					    ts_now_ms());
				if (pw > wait)
					wait = pw;
			} else {
				rc = err_set(e, p->status == 403 ? EX_NOPERM :
				    EX_UNAVAILABLE, "%s: message %s: HTTP %d",
				    x->o->mailbox, sl->id, p->status);
			}
			buf_release(&reason);
		}
		/* bodies behind attachmentId: one more batch, then those messages */
		if (!rc && x->need_mid.n)
			rc = fetch_attachments(x, e);
		for (i = 0; i < n && !rc; i++) {
			if (!s[i].deferred)
				continue;
			rc = write_records(x, s[i].deferred, s[i].deferred_n,
			    &s[i].rec, e);
			free(s[i].deferred);
			s[i].deferred = NULL;
			if (rc == EX_TEMPFAIL) {
				buf_reset(&s[i].rec);
				err_release(e);
				rc = 0;
			} else if (!rc) {
				s[i].done = 1;
				left--;
			}
		}
		gmail_batch_resp_release(&br);
		http_response_release(&r);
		for (i = 0; i < k; i++) {
			buf_release(&pbuf[i]);
			buf_release(&cbuf[i]);
		}
		free(pbuf);
		free(cbuf);
		free(paths);
		free(cids);
		free(which);
		if (!rc && left > 0) {
			long b;

			if (round >= MAX_ROUNDS) {
				rc = err_set(e, EX_TEMPFAIL, "%s: %zu messages still "
				    "failing after %d tries", x->o->mailbox, left, round);
				break;
			}
			b = http_backoff_ms(500, x->o->retry_max_ms ?
			    x->o->retry_max_ms : 64000, round, &x->rng);
			sleep_ms(wait > b ? wait : b);
		}
	}
	for (i = 0; i < n; i++) {
		if (!rc && s[i].done)
			buf_add(&x->out, s[i].rec.data ? s[i].rec.data : "",
			    s[i].rec.len);
		buf_release(&s[i].rec);
		free(s[i].deferred);
	}
	free(s);
	att_clear(x);
	if (!rc && emit(x, 0))
		rc = err_set(e, EX_IOERR, "cannot write the output");
	return rc;
}

static int
fetch_all(struct ctx *x, struct idlist *l, struct err *e)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < l->n && !rc; i += (size_t)x->batch) {
		size_t k = l->n - i < (size_t)x->batch ? l->n - i : (size_t)x->batch;

		rc = fetch_batch(x, l->v + i, k, e);
	}
	return rc;
}

/* ---- full sync --------------------------------------------------------- */

static int
profile_history(struct ctx *x, char **hid, struct err *e)
{
	struct json_doc doc;
	struct json *root = NULL;
	struct http_response r;
	const char *addr;
	const struct json *h;
	int rc;

	json_doc_init(&doc);
	http_response_init(&r);
	rc = api_get_json(x, "/gmail/v1/users/me/profile", COST_PROFILE, &doc,
	    &root, &r, e);
	if (!rc) {
		addr = json_get_str(root, "emailAddress");
		h = json_get(root, "historyId");
		if (addr && strcasecmp(addr, x->o->mailbox) != 0)
			rc = err_set(e, EX_CONFIG, "the token is for %s, not %s",
			    addr, x->o->mailbox);
		else if (!h || (h->type != JSON_STRING && h->type != JSON_NUMBER))
			rc = err_set(e, EX_UNAVAILABLE, "profile without historyId");
		else
			*hid = xstrndup(h->s, h->n);
	}
	http_response_release(&r);
	json_doc_release(&doc);
	return rc;
}

void
gmail_window_query(struct buf *q, int64_t from, int64_t to)
{
	if (from != INT64_MIN)
		buf_printf(q, "after:%lld", (long long)(from / 1000 - 3600));
	if (to != INT64_MAX)
		buf_printf(q, "%sbefore:%lld", from != INT64_MIN ? " " : "",
		    (long long)((to + 999) / 1000));
}

/* List one window (all pages) and fetch what is new. */
static int
full_window(struct ctx *x, int64_t from, int64_t to, struct idset *prev,
	struct idset *cur, struct err *e)
{
	struct buf q = BUF_INIT, path = BUF_INIT;
	char *token = NULL;
	int rc = 0;

	gmail_window_query(&q, from, to);
	diag_debug("window q=%s", buf_cstr(&q));
	do {
		struct json_doc doc;
		struct json *root = NULL, *msgs, *it;
		struct http_response r;
		struct idlist ids = { NULL, 0, 0 };
		const char *next;

		buf_reset(&path);
		buf_addstr(&path, "/gmail/v1/users/me/messages?maxResults=500&q=");
		http_urlencode(&path, q.data, q.len);
		if (token) {
			buf_addstr(&path, "&pageToken=");
			http_urlencode(&path, token, strlen(token));
		}
		json_doc_init(&doc);
		http_response_init(&r);
		rc = api_get_json(x, buf_cstr(&path), COST_LIST, &doc, &root, &r, e);
		free(token);
		token = NULL;
		if (!rc) {
			msgs = json_get(root, "messages");
			if (msgs && msgs->type == JSON_ARRAY)
				for (it = msgs->child; it; it = it->next) {
					const char *id = json_get_str(it, "id");

					if (!id || idset_has(prev, id) || !idset_add(cur, id))
						continue;
					idlist_add(&ids, id);
				}
			next = json_get_str(root, "nextPageToken");
			if (next && *next)
				token = xstrdup(next);
		}
		http_response_release(&r);
		json_doc_release(&doc);
		if (!rc)
			rc = fetch_all(x, &ids, e);
		idlist_release(&ids);
	} while (!rc && token);
	free(token);
	buf_release(&q);
	buf_release(&path);
	return rc;
}

static int
full_sync(struct ctx *x, struct err *e)
{
	int64_t W = x->o->window_ms > 0 ? x->o->window_ms : 30 * DAY_MS;
	struct idset prev = { NULL, 0, 0 }, cur = { NULL, 0, 0 };
	int rc = 0;

	x->sync_type = "full";
	if (!x->in_full) {
		/* record where history starts before listing anything */
		x->in_full = 1;
		rc = profile_history(x, &x->full_h0, e);
		if (rc)
			return rc;
		x->full_until = x->started;
		if (x->o->since_ms >= 0) {
			x->full_next = x->o->since_ms;
			x->full_started = 1;
		}
		free(x->history_id);
		x->history_id = NULL;
	}
	while (!rc) {
		int64_t from = x->full_started ? x->full_next : INT64_MIN;
		int64_t to;

		if (x->full_started && from >= x->full_until)
			break;
		to = x->full_started ? from + W : x->full_until - 12 * W;
		if (to > x->full_until)
			to = x->full_until;
		/*
		 * The last window has no upper bound: after:/before: may
		 * compare the Date header, not internalDate (gmail.md 2), and a
		 * sender's clock ahead of ours must not hide a message.
		 */
		rc = full_window(x, from, to >= x->full_until ? INT64_MAX : to,
		    &prev, &cur, e);
		if (rc)
			break;
		idset_clear(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		x->full_next = to;
		x->full_started = 1;
		x->st->windows++;
		if (x->full_next >= x->full_until) {
			/* done: the bookmark becomes the recorded history id */
			x->in_full = 0;
			x->history_id = x->full_h0;
			x->full_h0 = NULL;
		}
		rc = write_state(x, e);
		if (!x->in_full)
			break;
	}
	idset_clear(&prev);
	idset_clear(&cur);
	return rc;
}

/* ---- incremental ------------------------------------------------------- */

/* Does a label change matter enough to fetch the message again? */
static int
labels_matter(const struct json *labels)
{
	const struct json *it;

	if (!labels || labels->type != JSON_ARRAY)
		return 1;
	for (it = labels->child; it; it = it->next) {
		if (!json_is_str(it))
			continue;
		if (strcmp(it->s, "UNREAD") && strcmp(it->s, "STARRED") &&
		    strcmp(it->s, "IMPORTANT") && strncmp(it->s, "CATEGORY_", 9))
			return 1;
	}
	return 0;
}

#define HISTORY_GONE (-2)

static int
incremental(struct ctx *x, struct err *e)
{
	char *token = NULL;
	char *start = xstrdup(x->history_id);
	int rc = 0, first = 1;

	x->sync_type = "incremental";
	do {
		struct buf path = BUF_INIT;
		struct json_doc doc;
		struct json *root = NULL, *hist, *rec;
		struct http_response r;
		struct idlist ids = { NULL, 0, 0 }, dels = { NULL, 0, 0 };
		struct idlist lab_ids = { NULL, 0, 0 }, lab_vals = { NULL, 0, 0 };
		struct idset seen = { NULL, 0, 0 }, gone = { NULL, 0, 0 };
		const char *next, *last = NULL, *top;
		size_t i;

		buf_addstr(&path, "/gmail/v1/users/me/history?startHistoryId=");
		http_urlencode(&path, start, strlen(start));
		buf_addstr(&path, "&historyTypes=messageAdded&historyTypes="
		    "messageDeleted&historyTypes=labelAdded&historyTypes="
		    "labelRemoved&maxResults=500");
		if (token) {
			buf_addstr(&path, "&pageToken=");
			http_urlencode(&path, token, strlen(token));
		}
		free(token);
		token = NULL;
		json_doc_init(&doc);
		http_response_init(&r);
		rc = api_get_json(x, buf_cstr(&path), COST_HISTORY, &doc, &root,
		    &r, e);
		if (rc && (r.status == 404 || (r.status == 400 && first))) {
			struct buf reason = BUF_INIT;

			gmail_error_reason(buf_cstr(&r.body), r.body.len, &reason);
			if (r.status == 404 || strcmp(buf_cstr(&reason),
			    "invalidArgument") == 0 || strcmp(buf_cstr(&reason),
			    "badRequest") == 0) {
				diag_warn("%s: history from %s is gone (HTTP %ld): "
				    "full sync", x->o->mailbox, start, r.status);
				err_release(e);
				rc = HISTORY_GONE;
			}
			buf_release(&reason);
		}
		first = 0;
		if (!rc) {
			hist = json_get(root, "history");
			for (rec = hist && hist->type == JSON_ARRAY ? hist->child :
			    NULL; rec; rec = rec->next) {
				static const char *const kinds[] = { "messagesAdded",
					"labelsAdded", "labelsRemoved", "messagesDeleted" };
				size_t k;
				const char *rid = json_get_str(rec, "id");

				if (rid)
					last = rid;
				for (k = 0; k < 4; k++) {
					const struct json *arr = json_get(rec, kinds[k]), *it;

					if (!arr || arr->type != JSON_ARRAY)
						continue;
					for (it = arr->child; it; it = it->next) {
						const char *id = json_get_str(json_get(it,
						    "message"), "id");

						if (!id)
							continue;
						if (k == 3) {
							if (idset_add(&gone, id))
								idlist_add(&dels, id);
							continue;
						}
						if (k > 0) {
							const struct json *cur = json_get(
							    json_get(it, "message"), "labelIds");

							if (cur && cur->type == JSON_ARRAY) {
								/* the labels now: no fetch needed */
								struct buf lv = BUF_INIT;

								json_write(&lv, cur);
								idlist_add(&lab_ids, id);
								idlist_add(&lab_vals, buf_cstr(&lv));
								buf_release(&lv);
								continue;
							}
							if (!labels_matter(json_get(it,
							    "labelIds")))
								continue;
						}
						if (idset_add(&seen, id))
							idlist_add(&ids, id);
					}
				}
			}
			next = json_get_str(root, "nextPageToken");
			top = json_get_str(root, "historyId");
			if (next && *next)
				token = xstrdup(next);
			/* a message added then deleted in the range: only the delete */
			{
				struct idlist keep = { NULL, 0, 0 };

				for (i = 0; i < ids.n; i++)
					if (!idset_has(&gone, ids.v[i]))
						idlist_add(&keep, ids.v[i]);
				idlist_release(&ids);
				ids = keep;
			}
			rc = fetch_all(x, &ids, e);
			for (i = 0; !rc && i < lab_ids.n; i++) {
				size_t j;
				int later = 0;

				/* fetched messages are current; so is a later change */
				if (idset_has(&seen, lab_ids.v[i]) ||
				    idset_has(&gone, lab_ids.v[i]))
					continue;
				for (j = i + 1; j < lab_ids.n; j++)
					if (strcmp(lab_ids.v[j], lab_ids.v[i]) == 0)
						later = 1;
				if (!later)
					write_labels(x, lab_ids.v[i], lab_vals.v[i]);
			}
			for (i = 0; !rc && i < dels.n; i++)
				write_deleted(x, dels.v[i]);
			if (!rc) {
				const char *mark = token ? last : top;

				if (mark) {
					free(x->history_id);
					x->history_id = xstrdup(mark);
				}
				if (mark || !token)
					rc = write_state(x, e);
			}
		}
		idlist_release(&ids);
		idlist_release(&dels);
		idlist_release(&lab_ids);
		idlist_release(&lab_vals);
		idset_clear(&seen);
		idset_clear(&gone);
		http_response_release(&r);
		json_doc_release(&doc);
		buf_release(&path);
	} while (!rc && token);
	free(token);
	free(start);
	return rc;
}

/* ---- the run ----------------------------------------------------------- */

static void
read_bookmark(struct ctx *x)
{
	const struct json *b = x->o->bookmark, *v, *f;

	x->newest_ms = -1;
	if (!b || b->type != JSON_OBJECT)
		return;
	v = json_get(b, "history_id");
	if (v && (v->type == JSON_STRING || v->type == JSON_NUMBER) && v->n)
		x->history_id = xstrndup(v->s, v->n);
	v = json_get(b, "newest_internal_ms");
	if (v && v->type == JSON_NUMBER)
		x->newest_ms = strtoll(v->s, NULL, 10);
	f = json_get(b, "full");
	if (f && f->type == JSON_OBJECT && json_get_str(f, "history_id")) {
		const struct json *n = json_get(f, "next_ms");
		const struct json *u = json_get(f, "until_ms");

		x->in_full = 1;
		x->full_h0 = dup_json_str(f, "history_id");
		if (n && n->type == JSON_NUMBER) {
			x->full_next = strtoll(n->s, NULL, 10);
			x->full_started = 1;
		}
		x->full_until = u && u->type == JSON_NUMBER ?
		    strtoll(u->s, NULL, 10) : x->started;
	}
}

static void
write_etl_run(struct ctx *x, int rc, struct err *e)
{
	struct singer_rec r;
	struct buf id = BUF_INIT, key = BUF_INIT;
	int64_t now = ts_now_ms();
	const struct schema_table *t = schema_table_find("etl_runs");

	if (t) {
		singer_write_schema(&x->out, t, NULL, 0);
		buf_addch(&x->out, '\n');
	}
	buf_printf(&id, "gmail-pull:%s:%lld", x->o->mailbox,
	    (long long)x->started);
	gmail_state_key(&key, x->o->mailbox);
	singer_rec_begin(&r, &x->out, "etl_runs");
	singer_rec_cstr(&r, "run_id", buf_cstr(&id));
	singer_rec_cstr(&r, "source_system", "gmail");
	singer_rec_cstr(&r, "job_type", x->sync_type);
	singer_rec_ts(&r, "started_at", x->started);
	singer_rec_ts(&r, "completed_at", now);
	singer_rec_int(&r, "rows_processed", (int64_t)x->st->messages);
	singer_rec_int(&r, "rows_failed", (int64_t)x->st->gone);
	singer_rec_cstr(&r, "status", rc ? "failed" : "success");
	if (rc) {
		char *msg = diag_scrub(e->msg ? e->msg : "failed");

		singer_rec_cstr(&r, "error_message", msg);
		free(msg);
	} else {
		singer_rec_null(&r, "error_message");
	}
	if (x->newest_ms >= 0)
		singer_rec_ts(&r, "watermark", x->newest_ms);
	else
		singer_rec_null(&r, "watermark");
	singer_rec_cstr(&r, "stream_key", buf_cstr(&key));
	singer_rec_end(&r, now);
	buf_addch(&x->out, '\n');
	emit(x, 1);
	buf_release(&id);
	buf_release(&key);
}

int
gmail_pull(const struct gmail_opts *o, struct gmail_stats *st, struct err *e)
{
	struct ctx x;
	struct http_opts ho;
	int rc = 0;
	size_t n;

	memset(&x, 0, sizeof(x));
	memset(st, 0, sizeof(*st));
	x.o = o;
	x.st = st;
	x.started = ts_now_ms();
	x.sync_type = "full";
	x.rng = (uint64_t)x.started ^ 0x9e3779b97f4a7c15ULL;
	buf_init(&x.out, 0);
	x.base = xstrdup(o->base_url && *o->base_url ? o->base_url : GMAIL_BASE_URL);
	n = strlen(x.base);
	while (n > 0 && x.base[n - 1] == '/')
		x.base[--n] = '\0';
	x.batch = o->batch_size > 0 ? o->batch_size : 50;
	if (x.batch > GMAIL_BATCH_MAX)
		x.batch = GMAIL_BATCH_MAX;
	read_bookmark(&x);

	memset(&ho, 0, sizeof(ho));
	ho.max_parallel = 2;
	ho.max_tries = 6;
	ho.backoff_ms = 1000;
	ho.backoff_max_ms = o->retry_max_ms ? o->retry_max_ms : 64000;
	ho.retry_delay = gmail_retry_delay;
	x.c = http_client_new(&ho);
	if (o->quota_per_min >= 0) {
		double q = o->quota_per_min > 0 ? o->quota_per_min : 5700;
		double burst = o->quota_burst > 0 ? o->quota_burst : q / 6;

		ratelimit_init(&x.rl, q, burst);
		http_client_set_ratelimit(x.c, &x.rl);
		/* a batch must fit in the bucket, or it would overdraw it */
		if ((double)x.batch * COST_GET > burst)
			x.batch = burst >= COST_GET ? (int)(burst / COST_GET) : 1;
	}
	http_client_set_refresh(x.c, refresh_cb, &x);

	{
		const struct schema_table *t;

		if ((t = schema_table_find("gmail_messages")) != NULL) {
			singer_write_schema(&x.out, t, NULL, 0);
			buf_addch(&x.out, '\n');
		}
		if ((t = schema_table_find("gmail_participants")) != NULL) {
			singer_write_schema(&x.out, t, NULL, 0);
			buf_addch(&x.out, '\n');
		}
		if (emit(&x, 0))
			rc = err_set(e, EX_IOERR, "cannot write the output");
	}
	if (!rc)
		rc = http_url_check(x.base, e);
	if (!rc)
		rc = auth_load(&x, e);
	if (!rc)
		rc = auth_token(&x, e);
	if (!rc) {
		if (!o->full && !x.in_full && x.history_id) {
			rc = incremental(&x, e);
			if (rc == HISTORY_GONE) {
				rc = 0;
				st->fallback = 1;
				x.in_full = 0;
				if (x.newest_ms >= 0 && o->since_ms < 0) {
					/* bounded: from the newest message seen, less a day */
					x.in_full = 1;
					rc = profile_history(&x, &x.full_h0, e);
					x.full_until = x.started;
					x.full_next = x.newest_ms - DAY_MS;
					x.full_started = 1;
					free(x.history_id);
					x.history_id = NULL;
				}
				if (!rc)
					rc = full_sync(&x, e);
			}
		} else {
			if (o->full && !x.in_full) {
				free(x.history_id);
				x.history_id = NULL;
			}
			rc = full_sync(&x, e);
		}
	}
	st->sync_type = rc ? x.sync_type : x.sync_type;
	write_etl_run(&x, rc, e);
	st->sync_type = x.sync_type;

	http_client_free(x.c);
	if (x.kind == AUTH_SA)
		oauth_google_sa_release(&x.sa);
	free(x.client_id);
	free(x.client_secret);
	free(x.refresh_token);
	free(x.token_url);
	free(x.base);
	free(x.history_id);
	free(x.full_h0);
	buf_release(&x.out);
	return rc;
}
