#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "banned.h"

#define HEADERS_MAX ((size_t)256 << 10)

struct http_client {
	struct http_opts o;
	CURLSH *share;
	struct ratelimit *rl;
	http_refresh_fn refresh;
	void *refresh_ctx;
	char *token;
	char *token_origin;
	unsigned token_gen;
	uint64_t rng;
};

enum { X_WAITING, X_RUNNING, X_DONE };
enum { FAIL_TEMP = 1, FAIL_UNAVAIL = 2 };

struct xfer {
	struct http_item *it;
	CURL *easy;
	CURLU *url;
	struct curl_slist *hdrs;
	struct buf authhdr;
	int state;
	int tries;
	int refreshed;
	unsigned gen;
	int64_t not_before;
	size_t max_body;
	int too_big;
	char errbuf[CURL_ERROR_SIZE];
};

static int64_t
mono_ms(void)
{
	return ratelimit_now_ms();
}

static void
sleep_ms(long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static uint64_t
rng_next(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

void
http_response_init(struct http_response *r)
{
	r->status = 0;
	buf_init(&r->body, 0);
	buf_init(&r->headers, HEADERS_MAX);
	r->tries = 0;
}

void
http_response_release(struct http_response *r)
{
	buf_release(&r->body);
	buf_release(&r->headers);
	r->status = 0;
}

int
http_header_get(const struct http_response *r, const char *name, struct buf *out)
{
	const char *p = buf_cstr(&r->headers), *end = p + r->headers.len;
	size_t nl = strlen(name);
	int found = -1;

	buf_reset(out);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *v, *ve;

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > nl && p[nl] == ':' &&
		    strncasecmp(p, name, nl) == 0) {
			v = p + nl + 1;
			ve = eol;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' ||
			    ve[-1] == '\t'))
				ve--;
			buf_reset(out);
			buf_add(out, v, (size_t)(ve - v));
			found = 0;
		}
		p = eol + 1;
	}
	return found;
}

/* --- URLs --- */

static int
host_is_loopback(const char *host)
{
	struct in_addr a4;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return 0;
}

/* Parse url into scheme/host/port (lower-cased); 0 or EX_CONFIG. */
static int
url_parts(const char *url, struct buf *scheme, struct buf *host, struct buf *port,
	CURLU **keep, struct err *e)
{
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL, *p = NULL, *user = NULL;
	int rc = 0;
	size_t i;

	if (!u)
		return err_set(e, EX_SOFTWARE, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		rc = err_set(e, EX_CONFIG, "not a valid URL: %.200s", url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user) {
		rc = err_set(e, EX_CONFIG, "URL must not carry credentials");
		goto out;
	}
	buf_reset(scheme);
	buf_reset(host);
	buf_reset(port);
	for (i = 0; s[i]; i++)
		buf_addch(scheme, tolower((unsigned char)s[i]));
	for (i = 0; h[i]; i++)
		buf_addch(host, tolower((unsigned char)h[i]));
	buf_addstr(port, p);
out:
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_free(user);
	if (keep && rc == 0)
		*keep = u;
	else
		curl_url_cleanup(u);
	return rc;
}

static int
url_check_parts(const char *url, CURLU **keep, struct err *e)
{
	struct buf s = BUF_INIT, h = BUF_INIT, p = BUF_INIT;
	int rc = url_parts(url, &s, &h, &p, keep, e);

	if (rc == 0) {
		if (strcmp(buf_cstr(&s), "https") == 0)
			;
		else if (strcmp(buf_cstr(&s), "http") == 0) {
			if (!host_is_loopback(buf_cstr(&h)))
				rc = err_set(e, EX_CONFIG, "refusing plain http to "
				    "%s: only https (http only to loopback)",
				    buf_cstr(&h));
		} else
			rc = err_set(e, EX_CONFIG, "unsupported URL scheme "
			    "\"%.20s\": only https", buf_cstr(&s));
		if (rc && keep) {
			curl_url_cleanup(*keep);
			*keep = NULL;
		}
	}
	buf_release(&s);
	buf_release(&h);
	buf_release(&p);
	return rc;
}

int
http_url_check(const char *url, struct err *e)
{
	return url_check_parts(url, NULL, e);
}

int
http_url_origin(const char *url, struct buf *out, struct err *e)
{
	struct buf s = BUF_INIT, h = BUF_INIT, p = BUF_INIT;
	int rc = url_parts(url, &s, &h, &p, NULL, e);

	if (rc == 0) {
		buf_reset(out);
		buf_printf(out, "%s://%s:%s", buf_cstr(&s), buf_cstr(&h), buf_cstr(&p));
	}
	buf_release(&s);
	buf_release(&h);
	buf_release(&p);
	return rc;
}

static int
has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 1;
	return 0;
}

int
http_link_resolve(const char *base, const char *link, struct buf *out, struct err *e)
{
	struct buf bo = BUF_INIT, lo = BUF_INIT;
	struct err tmp = ERR_INIT;
	int rc = 0;

	if (http_url_origin(base, &bo, e)) {
		rc = e->code;
		goto out;
	}
	if (has_ctl(link)) {
		rc = err_set(e, EX_DATAERR, "link with control characters or spaces refused");
		goto out;
	}
	if (link[0] == '/' && link[1] != '/') {
		/* bo is scheme://host:port; rebuild without the default port */
		struct buf s = BUF_INIT, h = BUF_INIT, p = BUF_INIT;

		url_parts(base, &s, &h, &p, NULL, &tmp);
		buf_reset(out);
		buf_printf(out, "%s://%s:%s%s", buf_cstr(&s), buf_cstr(&h),
		    buf_cstr(&p), link);
		buf_release(&s);
		buf_release(&h);
		buf_release(&p);
		goto out;
	}
	if (http_url_origin(link, &lo, &tmp) != 0 ||
	    strchr(link, ':') == NULL || strstr(link, "://") == NULL) {
		rc = err_set(e, EX_DATAERR, "link is neither a path nor an "
		    "absolute URL: %.100s", link);
		goto out;
	}
	if (strcmp(buf_cstr(&bo), buf_cstr(&lo)) != 0) {
		rc = err_set(e, EX_DATAERR, "refusing to follow a link to %s: "
		    "the session belongs to %s", buf_cstr(&lo), buf_cstr(&bo));
		goto out;
	}
	buf_reset(out);
	buf_addstr(out, link);
out:
	err_release(&tmp);
	buf_release(&bo);
	buf_release(&lo);
	return rc;
}

void
http_urlencode(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~')
			buf_addch(out, ch);
		else {
			buf_addch(out, '%');
			buf_addch(out, hex[ch >> 4]);
			buf_addch(out, hex[ch & 15]);
		}
	}
}

long
http_retry_after_ms(const char *value, int64_t now_epoch_s)
{
	const char *p = value;
	long long secs = 0;
	time_t t;

	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p)) {
			if (secs < 100000000)
				secs = secs * 10 + (*p - '0');
			p++;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p)
			return -1;
		return (long)(secs * 1000);
	}
	if (!*p)
		return -1;
	t = curl_getdate(p, NULL);
	if (t == (time_t)-1)
		return -1;
	if ((int64_t)t <= now_epoch_s)
		return 0;
	secs = (long long)((int64_t)t - now_epoch_s);
	if (secs > 100000000)
		secs = 100000000;
	return (long)(secs * 1000);
}

long
http_backoff_ms(long base, long max, int attempt, uint64_t *rng)
{
	long hi = base, lo;
	int i;

	for (i = 1; i < attempt && hi < max; i++)
		hi *= 2;
	if (hi > max)
		hi = max;
	lo = hi / 2;
	if (hi <= lo)
		return hi;
	return lo + (long)(rng_next(rng) % (uint64_t)(hi - lo + 1));
}

/* --- client --- */

/* An environment override, used only when the caller left the option unset. */
static void
env_long(long *v, const char *name)
{
	const char *s = getenv(name);
	char *end;
	long x;

	if (*v > 0 || s == NULL || *s == '\0')
		return;
	x = strtol(s, &end, 10);
	if (*end == '\0' && x > 0)
		*v = x;
}

static void
env_int(int *v, const char *name)
{
	long x = *v;

	env_long(&x, name);
	if (x > 0 && x <= 100)
		*v = (int)x;
}

struct http_client *
http_client_new(const struct http_opts *opts)
{
	static int global_done;
	struct http_client *c = xcalloc(1, sizeof(*c));

	if (!global_done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_done = 1;
	}
	if (opts)
		c->o = *opts;
	/* Operators' knobs (salesintel(7)): for slow links, and for tests of
	 * servers that never answer. */
	env_long(&c->o.timeout_ms, "SALESINTEL_HTTP_TIMEOUT_MS");
	env_long(&c->o.low_speed_secs, "SALESINTEL_HTTP_LOW_SPEED_SECS");
	env_int(&c->o.max_tries, "SALESINTEL_HTTP_TRIES");
	if (c->o.connect_timeout_ms <= 0)
		c->o.connect_timeout_ms = 15000;
	if (c->o.timeout_ms <= 0)
		c->o.timeout_ms = 300000;
	if (c->o.low_speed_secs <= 0)
		c->o.low_speed_secs = 60;
	if (c->o.max_body == 0)
		c->o.max_body = (size_t)1 << 30;
	if (c->o.max_tries <= 0)
		c->o.max_tries = 6;
	if (c->o.backoff_ms <= 0 && getenv("SALESINTEL_HTTP_BACKOFF_MS"))
		c->o.backoff_ms = atol(getenv("SALESINTEL_HTTP_BACKOFF_MS"));
	if (c->o.backoff_ms <= 0)
		c->o.backoff_ms = 500;
	if (c->o.backoff_max_ms <= 0)
		c->o.backoff_max_ms = 60000;
	if (c->o.retry_after_max_ms <= 0)
		c->o.retry_after_max_ms = 300000;
	if (c->o.max_parallel <= 0)
		c->o.max_parallel = 4;
	if (!c->o.user_agent)
		c->o.user_agent = "salesintel/1.0";
	c->share = curl_share_init();
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	c->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
	    (uint64_t)(uintptr_t)c ^ (uint64_t)mono_ms();
	return c;
}

static void
token_clear(struct http_client *c)
{
	if (c->token) {
		explicit_bzero(c->token, strlen(c->token));
		free(c->token);
	}
	c->token = NULL;
	free(c->token_origin);
	c->token_origin = NULL;
}

void
http_client_free(struct http_client *c)
{
	if (!c)
		return;
	token_clear(c);
	curl_share_cleanup(c->share);
	free(c);
}

void
http_client_set_ratelimit(struct http_client *c, struct ratelimit *rl)
{
	c->rl = rl;
}

void
http_client_set_refresh(struct http_client *c, http_refresh_fn fn, void *ctx)
{
	c->refresh = fn;
	c->refresh_ctx = ctx;
}

int
http_set_token(struct http_client *c, const char *token, const char *origin, struct err *e)
{
	struct buf o = BUF_INIT;

	if (url_check_parts(origin, NULL, e) || http_url_origin(origin, &o, e)) {
		buf_release(&o);
		return e->code;
	}
	if (has_ctl(token) || !*token) {
		buf_release(&o);
		return err_set(e, EX_DATAERR, "access token is empty or has "
		    "control characters");
	}
	token_clear(c);
	c->token = xstrdup(token);
	c->token_origin = buf_detach(&o, NULL);
	c->token_gen++;
	diag_secret_add(token);
	return 0;
}

const char *
http_token_origin(const struct http_client *c)
{
	return c->token_origin;
}

/* --- the engine --- */

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	struct buf *b = &x->it->resp.body;
	size_t len = size * n;

	if (b->len + len > x->max_body) {
		x->too_big = 1;
		return 0;
	}
	if (buf_add(b, p, len) != 0)
		return 0;
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	struct buf *h = &x->it->resp.headers;
	size_t len = size * n;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
		buf_reset(h);
	buf_add(h, p, len);
	return len;
}

/* The URL for messages: no query string (it may carry anything). */
static void
url_for_msg(struct buf *out, const char *url)
{
	const char *q = strpbrk(url, "?#");

	buf_reset(out);
	buf_add(out, url, q ? (size_t)(q - url) : strlen(url));
	if (out->len > 300)
		buf_truncate(out, 300);
}

static const char *
method_of(const struct http_request *r)
{
	if (r->method)
		return r->method;
	return r->body ? "POST" : "GET";
}

static void
body_snippet(struct buf *out, const struct buf *body)
{
	size_t i, n = body->len < 200 ? body->len : 200;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)body->data[i];

		buf_addch(out, ch < ' ' || ch == 0x7f ? ' ' : ch);
	}
}

static int xfer_fail(struct http_client *c, struct xfer *x, int code,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
xfer_fail(struct http_client *c, struct xfer *x, int code, const char *fmt, ...)
{
	struct buf u = BUF_INIT, m = BUF_INIT;
	va_list ap;

	(void)c;
	url_for_msg(&u, x->it->req.url);
	buf_printf(&m, "%s %s: ", method_of(&x->it->req), buf_cstr(&u));
	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	err_set(&x->it->err, code, "%s", buf_cstr(&m));
	x->it->code = code;
	x->state = X_DONE;
	buf_release(&u);
	buf_release(&m);
	return code;
}

static int
status_fail(struct http_client *c, struct xfer *x, int code, const char *why)
{
	struct buf d = BUF_INIT;
	int rc;

	buf_printf(&d, "HTTP %ld%s", x->it->resp.status, why);
	if (x->it->resp.body.len) {
		buf_addstr(&d, ": ");
		body_snippet(&d, &x->it->resp.body);
	}
	rc = xfer_fail(c, x, code, "%s", buf_cstr(&d));
	buf_release(&d);
	return rc;
}

static int
status_retryable(const struct http_client *c, long st)
{
	const int *p;

	if (st == 408 || st == 429 || (st >= 500 && st <= 599))
		return 1;
	for (p = c->o.retry_status; p && *p; p++)
		if (*p == st)
			return 1;
	return 0;
}

/* Schedule another try after delay ms, or fail when tries are used up. */
static void
xfer_retry(struct http_client *c, struct xfer *x, long delay, int kind, const char *detail)
{
	if (x->it->req.no_retry || x->tries >= c->o.max_tries) {
		struct buf d = BUF_INIT;

		buf_printf(&d, "%s (%d %s)", detail, x->tries,
		    x->tries == 1 ? "try" : "tries");
		xfer_fail(c, x, kind == FAIL_TEMP ? EX_TEMPFAIL : EX_UNAVAILABLE,
		    "%s", buf_cstr(&d));
		buf_release(&d);
		return;
	}
	if (delay < 0)
		delay = http_backoff_ms(c->o.backoff_ms, c->o.backoff_max_ms,
		    x->tries, &c->rng);
	if (c->o.on_backoff) {
		c->o.on_backoff(delay, c->o.backoff_ctx);
		delay = 0;
	}
	x->not_before = mono_ms() + delay;
	x->state = X_WAITING;
}

static int
xfer_setup(struct http_client *c, struct xfer *x)
{
	const struct http_request *r = &x->it->req;
	const char *m = method_of(r);
	const char *const *h;

	curl_easy_reset(x->easy);
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	for (h = r->headers; h && *h; h++)
		x->hdrs = curl_slist_append(x->hdrs, *h);
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	if (r->auth) {
		buf_reset(&x->authhdr);
		buf_printf(&x->authhdr, "Authorization: Bearer %s", c->token);
		x->hdrs = curl_slist_append(x->hdrs, buf_cstr(&x->authhdr));
		x->gen = c->token_gen;
	}
	x->too_big = 0;
	x->errbuf[0] = '\0';
	x->it->resp.status = 0;
	buf_reset(&x->it->resp.body);
	buf_reset(&x->it->resp.headers);

	curl_easy_setopt(x->easy, CURLOPT_CURLU, x->url);
	curl_easy_setopt(x->easy, CURLOPT_SHARE, c->share);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(x->easy, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (c->o.ca_file)
		curl_easy_setopt(x->easy, CURLOPT_CAINFO, c->o.ca_file);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, c->o.timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(x->easy, CURLOPT_LOW_SPEED_TIME, c->o.low_speed_secs);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, c->o.user_agent);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	if (strcmp(m, "GET") == 0 && !r->body)
		curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	else if (strcmp(m, "HEAD") == 0)
		curl_easy_setopt(x->easy, CURLOPT_NOBODY, 1L);
	else {
		if (strcmp(m, "POST") != 0)
			curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, m);
		if (r->body || strcmp(m, "POST") == 0) {
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)r->body_len);
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS,
			    r->body ? r->body : "");
		}
	}
	return 0;
}

/* A waiting transfer may start now?  0: not yet (not_before set), 1: start. */
static int
xfer_ready(struct http_client *c, struct xfer *x, int64_t now)
{
	int64_t w;

	if (x->not_before > now)
		return 0;
	if (c->rl) {
		w = ratelimit_reserve(c->rl, x->it->req.cost > 0 ? x->it->req.cost : 1, now);
		if (w > 0) {
			x->not_before = now + w;
			return 0;
		}
	}
	return 1;
}

/* Checks done before each try: token present and bound to this origin. */
static int
xfer_precheck(struct http_client *c, struct xfer *x)
{
	struct buf o = BUF_INIT;
	struct err tmp = ERR_INIT;
	int rc = 0;

	if (!x->it->req.auth)
		return 0;
	if (!c->token)
		return xfer_fail(c, x, EX_CONFIG, "%s", "no access token");
	if (http_url_origin(x->it->req.url, &o, &tmp) != 0 ||
	    strcmp(buf_cstr(&o), c->token_origin) != 0) {
		struct buf d = BUF_INIT;

		buf_printf(&d, "refusing to send the access token to %s "
		    "(issued for %s)", buf_cstr(&o), c->token_origin);
		rc = xfer_fail(c, x, EX_SOFTWARE, "%s", buf_cstr(&d));
		buf_release(&d);
	}
	buf_release(&o);
	err_release(&tmp);
	return rc;
}

static void
xfer_done(struct http_client *c, struct xfer *x, CURLcode res)
{
	struct http_response *resp = &x->it->resp;
	struct buf ra = BUF_INIT, d = BUF_INIT;
	long st = 0, delay = -1;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &st);
	resp->status = st;
	resp->tries = x->tries;
	if (res == CURLE_OK) {
		if (st >= 200 && st <= 299) {
			x->it->code = 0;
			x->state = X_DONE;
		} else if (st == 401 && x->it->req.auth && !x->refreshed && c->refresh) {
			x->refreshed = 1;
			x->tries--; /* the refresh retry is free */
			if (x->gen == c->token_gen) {
				struct err re = ERR_INIT;
				int rc = c->refresh(c, c->refresh_ctx, &re);

				if (rc) {
					xfer_fail(c, x, rc, "token refresh after 401: %s",
					    re.msg ? re.msg : "failed");
					err_release(&re);
					goto out;
				}
				err_release(&re);
			}
			x->not_before = 0;
			x->state = X_WAITING;
		} else if (x->it->req.transient &&
		    x->it->req.transient(resp, x->it->req.transient_ctx)) {
			if (http_header_get(resp, "Retry-After", &ra) == 0) {
				delay = http_retry_after_ms(buf_cstr(&ra), (int64_t)time(NULL));
				if (delay > c->o.retry_after_max_ms)
					delay = c->o.retry_after_max_ms;
			}
			if (c->o.retry_delay && !x->it->req.no_retry &&
			    x->tries < c->o.max_tries) {
				long dl = delay;

				if (dl < 0)
					dl = http_backoff_ms(c->o.backoff_ms,
					    c->o.backoff_max_ms, x->tries, &c->rng);
				dl = c->o.retry_delay(resp, x->tries, dl, c->o.retry_ctx);
				if (dl < 0) {
					status_fail(c, x, EX_TEMPFAIL, "");
					goto out;
				}
				delay = dl;
			}
			buf_printf(&d, "HTTP %ld (transient)", st);
			xfer_retry(c, x, delay, FAIL_TEMP, buf_cstr(&d));
		} else if (st == 401 || st == 403) {
			status_fail(c, x, EX_NOPERM, x->refreshed ?
			    " (after a token refresh)" : "");
		} else if (status_retryable(c, st) && !x->it->req.no_retry &&
		    x->tries < c->o.max_tries) {
			if (http_header_get(resp, "Retry-After", &ra) == 0) {
				delay = http_retry_after_ms(buf_cstr(&ra), (int64_t)time(NULL));
				if (delay > c->o.retry_after_max_ms)
					delay = c->o.retry_after_max_ms;
			}
			if (c->o.retry_delay) {
				if (delay < 0)
					delay = http_backoff_ms(c->o.backoff_ms,
					    c->o.backoff_max_ms, x->tries, &c->rng);
				delay = c->o.retry_delay(resp, x->tries, delay,
				    c->o.retry_ctx);
			}
			if (delay < 0 && c->o.retry_delay)
				status_fail(c, x, st == 429 || st == 503 || st == 408 ?
				    EX_TEMPFAIL : EX_UNAVAILABLE, "");
			else {
				buf_printf(&d, "HTTP %ld", st);
				xfer_retry(c, x, delay, FAIL_TEMP, buf_cstr(&d));
			}
		} else if (status_retryable(c, st)) {
			status_fail(c, x, st == 429 || st == 503 || st == 408 ?
			    EX_TEMPFAIL : EX_UNAVAILABLE, x->tries > 1 ?
			    " (retries exhausted)" : "");
		} else if (st == 410 || st == 414 || st == 431) {
			status_fail(c, x, EX_CONFIG, "");
		} else {
			status_fail(c, x, EX_UNAVAILABLE, "");
		}
		goto out;
	}
	if (x->too_big) {
		buf_printf(&d, "response larger than %zu bytes", x->max_body);
		xfer_fail(c, x, EX_UNAVAILABLE, "%s", buf_cstr(&d));
		goto out;
	}
	buf_printf(&d, "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(res));
	switch (res) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		xfer_fail(c, x, EX_UNAVAILABLE, "TLS verification failed: %s", buf_cstr(&d));
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		xfer_fail(c, x, EX_CONFIG, "%s", buf_cstr(&d));
		break;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_BAD_FUNCTION_ARGUMENT:
		xfer_fail(c, x, EX_SOFTWARE, "%s", buf_cstr(&d));
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		xfer_retry(c, x, -1, FAIL_UNAVAIL, buf_cstr(&d));
		break;
	default:
		/* timeouts, resets, truncated bodies, bad encodings */
		xfer_retry(c, x, -1, FAIL_TEMP, buf_cstr(&d));
		break;
	}
out:
	buf_release(&ra);
	buf_release(&d);
}

int
http_do_many(struct http_client *c, struct http_item *items, size_t n,
	void (*done)(struct http_item *it, void *ctx), void *ctx)
{
	struct xfer *xs = xcalloc(n ? n : 1, sizeof(*xs));
	CURLM *m = curl_multi_init();
	size_t i, remaining = n;
	int running = 0, rc = 0;

	for (i = 0; i < n; i++) {
		struct xfer *x = &xs[i];

		x->it = &items[i];
		http_response_init(&items[i].resp);
		items[i].code = 0;
		items[i].err.code = 0;
		items[i].err.msg = NULL;
		buf_init(&x->authhdr, 0);
		x->max_body = items[i].req.max_body ? items[i].req.max_body : c->o.max_body;
		x->state = X_WAITING;
		if (url_check_parts(items[i].req.url, &x->url, &items[i].err) != 0) {
			items[i].code = items[i].err.code;
			x->state = X_DONE;
			remaining--;
			if (done)
				done(&items[i], ctx);
			continue;
		}
		x->easy = curl_easy_init();
	}
	while (remaining > 0) {
		int64_t now = mono_ms(), next = -1;
		int still = 0, msgs = 0, progress = 0;
		CURLMsg *msg;

		for (i = 0; i < n && running < c->o.max_parallel; i++) {
			struct xfer *x = &xs[i];

			if (x->state != X_WAITING)
				continue;
			if (!xfer_ready(c, x, now)) {
				if (next < 0 || x->not_before < next)
					next = x->not_before;
				continue;
			}
			if (xfer_precheck(c, x) != 0) {
				remaining--;
				progress = 1;
				if (done)
					done(x->it, ctx);
				continue;
			}
			xfer_setup(c, x);
			x->tries++;
			x->state = X_RUNNING;
			curl_multi_add_handle(m, x->easy);
			running++;
			progress = 1;
		}
		if (remaining == 0)
			break;
		if (running == 0) {
			if (!progress && next >= 0)
				sleep_ms((long)(next - now));
			continue;
		}
		curl_multi_perform(m, &still);
		while ((msg = curl_multi_info_read(m, &msgs)) != NULL) {
			struct xfer *x;
			char *priv = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
			x = (struct xfer *)(void *)priv;
			curl_multi_remove_handle(m, msg->easy_handle);
			running--;
			progress = 1;
			xfer_done(c, x, msg->data.result);
			if (x->state == X_DONE) {
				remaining--;
				if (done)
					done(x->it, ctx);
			}
		}
		if (!progress && running > 0) {
			int wait = 1000;

			if (next >= 0 && next - now < wait)
				wait = (int)(next - now) > 0 ? (int)(next - now) : 0;
			curl_multi_poll(m, NULL, 0, wait, NULL);
		}
	}
	for (i = 0; i < n; i++) {
		if (xs[i].easy)
			curl_easy_cleanup(xs[i].easy);
		curl_url_cleanup(xs[i].url);
		curl_slist_free_all(xs[i].hdrs);
		if (xs[i].authhdr.data)
			explicit_bzero(xs[i].authhdr.data, xs[i].authhdr.len);
		buf_release(&xs[i].authhdr);
		if (rc == 0 && items[i].code)
			rc = items[i].code;
	}
	curl_multi_cleanup(m);
	free(xs);
	return rc;
}

void
http_item_release(struct http_item *it)
{
	http_response_release(&it->resp);
	err_release(&it->err);
}

int
http_do(struct http_client *c, const struct http_request *req,
	struct http_response *resp, struct err *e)
{
	struct http_item it;
	int rc;

	memset(&it, 0, sizeof(it));
	it.req = *req;
	rc = http_do_many(c, &it, 1, NULL, NULL);
	http_response_release(resp);
	*resp = it.resp;
	if (rc) {
		err_set(e, rc, "%s", it.err.msg ? it.err.msg : "request failed");
	}
	err_release(&it.err);
	return rc;
}
