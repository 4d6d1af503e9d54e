#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <zlib.h>

#include "http.h"
#include "ratelimit.h"
#include "loopsrv.h"
#include "check_main.h"

#define OK200(body) "HTTP/1.1 200 OK\r\nContent-Length: " #body "\r\nConnection: close\r\n\r\n"

static const char ok_hello[] =
	"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Thing:  v1 \r\n"
	"Content-Length: 5\r\nConnection: close\r\n\r\nhello";
static const char r401[] =
	"HTTP/1.1 401 Unauthorized\r\nContent-Length: 62\r\nConnection: close\r\n\r\n"
	"[{\"message\":\"Session expired\",\"errorCode\":\"INVALID_SESSION_ID\"}]";
static const char r500[] =
	"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char r503[] =
	"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char r429_7[] =
	"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\n"
	"Connection: close\r\n\r\n";
static const char r429_big[] =
	"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 99999\r\nContent-Length: 0\r\n"
	"Connection: close\r\n\r\n";
static const char r404[] =
	"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found";
static const char truncated[] =
	"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nonly ten b";

static long backoffs[32];
static int nbackoffs;

static void
record_backoff(long ms, void *ctx)
{
	(void)ctx;
	if (nbackoffs < 32)
		backoffs[nbackoffs++] = ms;
}

static struct http_client *
test_client(int tries)
{
	struct http_opts o;

	memset(&o, 0, sizeof(o));
	o.max_tries = tries;
	o.timeout_ms = 3000;
	o.connect_timeout_ms = 2000;
	o.low_speed_secs = 2;
	o.backoff_ms = 100;
	o.backoff_max_ms = 1000;
	o.retry_after_max_ms = 60000;
	o.on_backoff = record_backoff;
	nbackoffs = 0;
	return http_client_new(&o);
}

static int
get(struct http_client *c, const char *url, int auth, struct http_response *r, struct err *e)
{
	struct http_request q;

	memset(&q, 0, sizeof(q));
	q.url = url;
	q.auth = auth;
	return http_do(c, &q, r, e);
}

/* https anywhere; http only to loopback; other schemes and credentials refused */
START_TEST(http_url_check_rules)
{
	struct err e = ERR_INIT;

	ck_assert_int_eq(http_url_check("https://login.salesforce.com/x", &e), 0);
	ck_assert_int_eq(http_url_check("http://127.0.0.1:8080/x", &e), 0);
	ck_assert_int_eq(http_url_check("http://127.9.9.9/", &e), 0);
	ck_assert_int_eq(http_url_check("http://localhost:1/", &e), 0);
	ck_assert_int_eq(http_url_check("http://LOCALHOST/", &e), 0);
	ck_assert_int_eq(http_url_check("http://[::1]:99/", &e), 0);
	ck_assert_int_eq(http_url_check("http://example.com/", &e), EX_CONFIG);
	ck_assert_int_eq(http_url_check("http://127.0.0.1.evil.com/", &e), EX_CONFIG);
	ck_assert_int_eq(http_url_check("http://128.0.0.1/", &e), EX_CONFIG);
	ck_assert_int_eq(http_url_check("ftp://127.0.0.1/", &e), EX_CONFIG);
	ck_assert_int_eq(http_url_check("file:///etc/passwd", &e), EX_CONFIG);
	ck_assert_int_eq(http_url_check("https://u:p@example.com/", &e), EX_CONFIG);
	ck_assert_int_eq(http_url_check("not a url", &e), EX_CONFIG);
	err_release(&e);
}
END_TEST

/* links from responses: paths join the base origin; other origins are refused */
START_TEST(http_link_resolve_origins)
{
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	const char *base = "https://acme.my.salesforce.com";

	ck_assert_int_eq(http_link_resolve(base, "/services/data/v62.0/query/01g-2000",
	    &out, &e), 0);
	ck_assert_str_eq(buf_cstr(&out),
	    "https://acme.my.salesforce.com:443/services/data/v62.0/query/01g-2000");
	ck_assert_int_eq(http_link_resolve(base, "https://ACME.my.salesforce.com/x?y=1",
	    &out, &e), 0);
	ck_assert_str_eq(buf_cstr(&out), "https://ACME.my.salesforce.com/x?y=1");
	ck_assert_int_eq(http_link_resolve(base, "https://acme.my.salesforce.com:443/x",
	    &out, &e), 0);
	ck_assert_int_eq(http_link_resolve(base, "https://evil.example/x", &out, &e),
	    EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "evil.example"));
	ck_assert_int_eq(http_link_resolve(base, "//evil.example/x", &out, &e), EX_DATAERR);
	ck_assert_int_eq(http_link_resolve(base, "http://acme.my.salesforce.com/x",
	    &out, &e), EX_DATAERR);
	ck_assert_int_eq(http_link_resolve(base, "https://acme.my.salesforce.com:8443/x",
	    &out, &e), EX_DATAERR);
	ck_assert_int_eq(http_link_resolve(base, "https://acme.my.salesforce.com.evil.example/x",
	    &out, &e), EX_DATAERR);
	ck_assert_int_eq(http_link_resolve(base, "query/01g", &out, &e), EX_DATAERR);
	ck_assert_int_eq(http_link_resolve(base, "/a b", &out, &e), EX_DATAERR);
	ck_assert_int_eq(http_link_resolve(base, "/a\r\nHost: x", &out, &e), EX_DATAERR);
	buf_release(&out);
	err_release(&e);
}
END_TEST

/* Retry-After: delta seconds and HTTP-date both understood; junk is -1 */
START_TEST(http_retry_after_forms)
{
	char date[64];
	time_t now = 1764392645;
	struct tm tm;

	ck_assert_int_eq(http_retry_after_ms("3", now), 3000);
	ck_assert_int_eq(http_retry_after_ms(" 0 ", now), 0);
	gmtime_r(&(time_t){ now + 10 }, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	ck_assert_int_eq(http_retry_after_ms(date, now), 10000);
	gmtime_r(&(time_t){ now - 10 }, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	ck_assert_int_eq(http_retry_after_ms(date, now), 0);
	ck_assert_int_eq(http_retry_after_ms("soon", now), -1);
	ck_assert_int_eq(http_retry_after_ms("3x", now), -1);
	ck_assert_int_eq(http_retry_after_ms("", now), -1);
}
END_TEST

/* backoff doubles per attempt, jitters within [half, full], and is capped */
START_TEST(http_backoff_bounds)
{
	uint64_t rng = 42;
	int a, k;

	for (k = 0; k < 200; k++) {
		for (a = 1; a <= 10; a++) {
			long full = 100L << (a - 1), ms;

			if (full > 2000)
				full = 2000;
			ms = http_backoff_ms(100, 2000, a, &rng);
			ck_assert_int_ge(ms, full / 2);
			ck_assert_int_le(ms, full);
		}
	}
}
END_TEST

/* a plain GET: status, body and headers come back */
START_TEST(http_do_get_ok)
{
	static const struct loopsrv_step sc[] = { { LS_SEND, ok_hello, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(3);
	struct http_response r;
	struct buf h = BUF_INIT;
	struct err e = ERR_INIT;
	char url[128];

	ck_assert_int_eq(loopsrv_start(&s, sc, 1), 0);
	loopsrv_url(&s, NULL, "/p?q=1", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 0, &r, &e), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(buf_cstr(&r.body), "hello");
	ck_assert_int_eq(http_header_get(&r, "x-thing", &h), 0);
	ck_assert_str_eq(buf_cstr(&h), "v1");
	ck_assert_int_eq(http_header_get(&r, "X-None", &h), -1);
	ck_assert_ptr_nonnull(strstr(s.reqs[0], "GET /p?q=1 HTTP/1.1"));
	ck_assert_ptr_null(strstr(s.reqs[0], "Authorization"));
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	buf_release(&h);
	err_release(&e);
}
END_TEST

/* 503, 500 then 200: retried with growing backoff, succeeds on the third try */
START_TEST(http_do_retries_5xx)
{
	static const struct loopsrv_step sc[] = {
		{ LS_SEND, r503, 0 }, { LS_SEND, r500, 0 }, { LS_SEND, ok_hello, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(5);
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];

	ck_assert_int_eq(loopsrv_start(&s, sc, 3), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 0, &r, &e), 0);
	ck_assert_int_eq(r.tries, 3);
	ck_assert_int_eq(nbackoffs, 2);
	ck_assert_int_ge(backoffs[0], 50);
	ck_assert_int_le(backoffs[0], 100);
	ck_assert_int_ge(backoffs[1], 100);
	ck_assert_int_le(backoffs[1], 200);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* 429 with Retry-After: the wait is what the server asked for, capped */
START_TEST(http_do_retry_after)
{
	static const struct loopsrv_step sc[] = {
		{ LS_SEND, r429_7, 0 }, { LS_SEND, r429_big, 0 }, { LS_SEND, ok_hello, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(5);
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];

	ck_assert_int_eq(loopsrv_start(&s, sc, 3), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 0, &r, &e), 0);
	ck_assert_int_eq(nbackoffs, 2);
	ck_assert_int_eq(backoffs[0], 7000);
	ck_assert_int_eq(backoffs[1], 60000);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* the retry_delay hook: its delay replaces Retry-After; -1 ends the call */
static long
hook_delay(const struct http_response *resp, int tries, long delay, void *ctx)
{
	int *calls = ctx;

	(*calls)++;
	ck_assert_int_eq(resp->status, 429);
	ck_assert_int_eq(tries, *calls);
	ck_assert_int_eq(delay, 7000);
	return *calls == 1 ? 1234 : -1;
}

START_TEST(http_do_retry_delay_hook)
{
	static const struct loopsrv_step sc[] = { { LS_SEND, r429_7, 0 } };
	struct loopsrv s;
	struct http_opts o;
	struct http_client *c;
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];
	int calls = 0;

	memset(&o, 0, sizeof(o));
	o.max_tries = 5;
	o.timeout_ms = 3000;
	o.backoff_ms = 100;
	o.on_backoff = record_backoff;
	o.retry_delay = hook_delay;
	o.retry_ctx = &calls;
	nbackoffs = 0;
	c = http_client_new(&o);
	ck_assert_int_eq(loopsrv_start(&s, sc, 1), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 0, &r, &e), EX_TEMPFAIL);
	ck_assert_int_eq(calls, 2);
	ck_assert_int_eq(nbackoffs, 1);
	ck_assert_int_eq(backoffs[0], 1234);
	ck_assert_uint_eq(loopsrv_nreqs(&s), 2);
	ck_assert_int_eq(r.status, 429);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* always 500: bounded tries, then EX_UNAVAILABLE; always 429: EX_TEMPFAIL */
START_TEST(http_do_gives_up)
{
	static const struct loopsrv_step s500[] = { { LS_SEND, r500, 0 } };
	static const struct loopsrv_step s429[] = { { LS_SEND, r429_7, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(4);
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];

	ck_assert_int_eq(loopsrv_start(&s, s500, 1), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 0, &r, &e), EX_UNAVAILABLE);
	ck_assert_int_eq(r.status, 500);
	ck_assert_uint_eq(loopsrv_nreqs(&s), 4);
	loopsrv_stop(&s);

	ck_assert_int_eq(loopsrv_start(&s, s429, 1), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	ck_assert_int_eq(get(c, url, 0, &r, &e), EX_TEMPFAIL);
	ck_assert_uint_eq(loopsrv_nreqs(&s), 4);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

static const char r403_rate[] =
	"HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\nConnection: close\r\n\r\nrate";

static int
transient_rate(const struct http_response *r, void *ctx)
{
	(void)ctx;
	return strcmp(buf_cstr(&r->body), "rate") == 0;
}

/* the body asks for 4 s more than the backoff */
static long
delay_rate(const struct http_response *r, int tries, long delay, void *ctx)
{
	(void)r;
	(void)tries;
	(void)ctx;
	return delay < 4000 ? 4000 : delay;
}

/* a request's transient answers are retried after the delay retry_delay
 * gives (Gmail: 403 rateLimitExceeded with "Retry after <time>") */
START_TEST(http_do_transient_retry_delay)
{
	static const struct loopsrv_step sc[] = {
		{ LS_SEND, r403_rate, 0 }, { LS_SEND, r403_rate, 0 },
		{ LS_SEND, ok_hello, 0 } };
	static const struct loopsrv_step sall[] = { { LS_SEND, r403_rate, 0 } };
	struct loopsrv s;
	struct http_opts o;
	struct http_request q;
	struct http_client *c;
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];

	memset(&o, 0, sizeof(o));
	o.max_tries = 3;
	o.timeout_ms = 3000;
	o.backoff_ms = 100;
	o.backoff_max_ms = 1000;
	o.on_backoff = record_backoff;
	o.retry_delay = delay_rate;
	nbackoffs = 0;
	c = http_client_new(&o);
	ck_assert_int_eq(loopsrv_start(&s, sc, 3), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	memset(&q, 0, sizeof(q));
	q.url = url;
	q.transient = transient_rate;
	http_response_init(&r);
	ck_assert_int_eq(http_do(c, &q, &r, &e), 0);
	ck_assert_int_eq(r.tries, 3);
	ck_assert_int_eq(nbackoffs, 2);
	ck_assert_int_eq(backoffs[0], 4000);
	ck_assert_int_eq(backoffs[1], 4000);
	loopsrv_stop(&s);

	ck_assert_int_eq(loopsrv_start(&s, sall, 1), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	q.url = url;
	ck_assert_int_eq(http_do(c, &q, &r, &e), EX_TEMPFAIL);
	ck_assert_uint_eq(loopsrv_nreqs(&s), 3);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* a 404 is final: no retry, the body is kept for the caller */
START_TEST(http_do_4xx_final)
{
	static const struct loopsrv_step sc[] = { { LS_SEND, r404, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(4);
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];

	ck_assert_int_eq(loopsrv_start(&s, sc, 1), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_ne(get(c, url, 0, &r, &e), 0);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(buf_cstr(&r.body), "not found");
	ck_assert_uint_eq(loopsrv_nreqs(&s), 1);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

struct refresh_ctx {
	int calls;
	const char *origin;
	int fail;
};

static int
refresh_cb(struct http_client *c, void *ctx, struct err *e)
{
	struct refresh_ctx *rc = ctx;

	rc->calls++;
	if (rc->fail)
		return err_set(e, EX_NOPERM, "invalid_grant");
	return http_set_token(c, "tok-NEW-2222", rc->origin, e);
}

/* 401: one refresh, then the call is retried with the new token */
START_TEST(http_do_refresh_once)
{
	static const struct loopsrv_step sc[] = { { LS_SEND, r401, 0 }, { LS_SEND, ok_hello, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(3);
	struct http_response r;
	struct err e = ERR_INIT;
	struct refresh_ctx rc = { 0, NULL, 0 };
	char url[128], origin[128];

	ck_assert_int_eq(loopsrv_start(&s, sc, 2), 0);
	loopsrv_url(&s, NULL, "/data", url, sizeof(url));
	loopsrv_url(&s, NULL, "", origin, sizeof(origin));
	rc.origin = origin;
	ck_assert_int_eq(http_set_token(c, "tok-OLD-1111", origin, &e), 0);
	http_client_set_refresh(c, refresh_cb, &rc);
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 1, &r, &e), 0);
	ck_assert_int_eq(rc.calls, 1);
	ck_assert_ptr_nonnull(strstr(s.reqs[0], "Authorization: Bearer tok-OLD-1111"));
	ck_assert_ptr_nonnull(strstr(s.reqs[1], "Authorization: Bearer tok-NEW-2222"));
	ck_assert_int_eq(nbackoffs, 0);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* 401 again after the refresh: EX_NOPERM, and only one refresh */
START_TEST(http_do_401_after_refresh)
{
	static const struct loopsrv_step sc[] = { { LS_SEND, r401, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(5);
	struct http_response r;
	struct err e = ERR_INIT;
	struct refresh_ctx rc = { 0, NULL, 0 };
	char url[128], origin[128];

	ck_assert_int_eq(loopsrv_start(&s, sc, 1), 0);
	loopsrv_url(&s, NULL, "/data", url, sizeof(url));
	loopsrv_url(&s, NULL, "/", origin, sizeof(origin));
	rc.origin = origin;
	ck_assert_int_eq(http_set_token(c, "tok-OLD-1111", origin, &e), 0);
	http_client_set_refresh(c, refresh_cb, &rc);
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 1, &r, &e), EX_NOPERM);
	ck_assert_int_eq(rc.calls, 1);
	ck_assert_uint_eq(loopsrv_nreqs(&s), 2);
	ck_assert_ptr_null(strstr(e.msg, "tok-"));
	/* a failing refresh ends the call with the refresh's code */
	rc.fail = 1;
	ck_assert_int_eq(get(c, url, 1, &r, &e), EX_NOPERM);
	ck_assert_int_eq(rc.calls, 2);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* the token is never sent to another origin: the request is refused unsent */
START_TEST(http_do_token_bound_to_origin)
{
	static const struct loopsrv_step sc[] = { { LS_SEND, ok_hello, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(3);
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128], origin[128];

	ck_assert_int_eq(loopsrv_start(&s, sc, 1), 0);
	loopsrv_url(&s, NULL, "", origin, sizeof(origin));
	ck_assert_int_eq(http_set_token(c, "tok-SECRET-9", origin, &e), 0);
	http_response_init(&r);
	/* same server, other host name: another origin */
	loopsrv_url(&s, "localhost", "/x", url, sizeof(url));
	ck_assert_int_eq(get(c, url, 1, &r, &e), EX_SOFTWARE);
	ck_assert_ptr_nonnull(strstr(e.msg, "refusing to send the access token"));
	ck_assert_uint_eq(loopsrv_nreqs(&s), 0);
	/* without auth the request goes, without the header */
	ck_assert_int_eq(get(c, url, 0, &r, &e), 0);
	ck_assert_ptr_null(strstr(s.reqs[0], "tok-SECRET-9"));
	/* plain http to a non-loopback host never even starts */
	ck_assert_int_eq(get(c, "http://example.com/", 1, &r, &e), EX_CONFIG);
	ck_assert_int_eq(http_set_token(c, "tok-x-123", "http://example.com", &e), EX_CONFIG);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* a server that accepts and never answers: each try times out, then 75 */
START_TEST(http_do_hang_bounded)
{
	static const struct loopsrv_step sc[] = { { LS_HANG, NULL, 0 } };
	struct loopsrv s;
	struct http_opts o;
	struct http_client *c;
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];

	memset(&o, 0, sizeof(o));
	o.max_tries = 2;
	o.timeout_ms = 300;
	o.on_backoff = record_backoff;
	c = http_client_new(&o);
	ck_assert_int_eq(loopsrv_start(&s, sc, 1), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 0, &r, &e), EX_TEMPFAIL);
	ck_assert_uint_eq(loopsrv_nreqs(&s), 2);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* a body that stops arriving is cut by the low-speed timeout */
START_TEST(http_do_stall_bounded)
{
	static const struct loopsrv_step sc[] = {
		{ LS_STALL, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc", 0 } };
	struct loopsrv s;
	struct http_opts o;
	struct http_client *c;
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];

	memset(&o, 0, sizeof(o));
	o.max_tries = 1;
	o.low_speed_secs = 1;
	o.on_backoff = record_backoff;
	c = http_client_new(&o);
	ck_assert_int_eq(loopsrv_start(&s, sc, 1), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 0, &r, &e), EX_TEMPFAIL);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* resets and truncated bodies are retried */
START_TEST(http_do_reset_truncated_retried)
{
	static const struct loopsrv_step sc[] = {
		{ LS_RESET, NULL, 0 }, { LS_SEND, truncated, 0 }, { LS_SEND, ok_hello, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(5);
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];

	ck_assert_int_eq(loopsrv_start(&s, sc, 3), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 0, &r, &e), 0);
	ck_assert_str_eq(buf_cstr(&r.body), "hello");
	ck_assert_int_eq(r.tries, 3);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

static size_t
gzip_of(const char *in, size_t n, unsigned char *out, size_t cap)
{
	z_stream z;
	size_t len;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	len = z.total_out;
	deflateEnd(&z);
	return len;
}

/* gzip bodies are decoded; the size cap applies to the decoded size */
START_TEST(http_do_gzip_and_cap)
{
	struct loopsrv_step sc[2];
	struct loopsrv s;
	struct http_opts o;
	struct http_client *c;
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128], *plain, *raw;
	unsigned char *gz;
	size_t gzlen, hl, big = 1 << 20;

	plain = calloc(1, big + 1);
	memset(plain, 'a', big);
	gz = malloc(big);
	gzlen = gzip_of(plain, big, gz, big);
	raw = malloc(gzlen + 256);
	hl = (size_t)snprintf(raw, 256, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", gzlen);
	memcpy(raw + hl, gz, gzlen);
	sc[0].action = LS_SEND;
	sc[0].raw = raw;
	sc[0].len = hl + gzlen;
	memset(&o, 0, sizeof(o));
	o.max_tries = 3;
	o.on_backoff = record_backoff;
	c = http_client_new(&o);
	ck_assert_int_eq(loopsrv_start(&s, sc, 1), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	ck_assert_int_eq(get(c, url, 0, &r, &e), 0);
	ck_assert_uint_eq(r.body.len, big);
	ck_assert_ptr_nonnull(strstr(s.reqs[0], "Accept-Encoding:"));
	http_client_free(c);
	/* the same small download over a 64 KiB cap: refused, not retried */
	o.max_body = 65536;
	c = http_client_new(&o);
	ck_assert_int_eq(get(c, url, 0, &r, &e), EX_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(e.msg, "larger than"));
	ck_assert_uint_eq(loopsrv_nreqs(&s), 2);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
	free(plain);
	free(gz);
	free(raw);
}
END_TEST

static int ndone;

static void
count_done(struct http_item *it, void *ctx)
{
	(void)ctx;
	if (it->code == 0 && strcmp(buf_cstr(&it->resp.body), "hello") == 0)
		ndone++;
}

/* many requests at once, some failing first: all complete, each retried alone */
START_TEST(http_do_many_concurrent)
{
	static const struct loopsrv_step sc[] = {
		{ LS_SEND, r503, 0 }, { LS_SEND, ok_hello, 0 }, { LS_SEND, r500, 0 },
		{ LS_SEND, ok_hello, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(4);
	struct http_item items[12];
	char urls[12][128];
	size_t i;

	ck_assert_int_eq(loopsrv_start(&s, sc, 4), 0);
	memset(items, 0, sizeof(items));
	for (i = 0; i < 12; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/item/%zu", i);
		loopsrv_url(&s, NULL, path, urls[i], sizeof(urls[i]));
		items[i].req.url = urls[i];
	}
	ndone = 0;
	ck_assert_int_eq(http_do_many(c, items, 12, count_done, NULL), 0);
	ck_assert_int_eq(ndone, 12);
	ck_assert_uint_eq(loopsrv_nreqs(&s), 14);
	for (i = 0; i < 12; i++)
		http_item_release(&items[i]);
	loopsrv_stop(&s);
	http_client_free(c);
}
END_TEST

/* the bucket gives a burst, then paces at the configured rate */
START_TEST(ratelimit_reserve_paces)
{
	struct ratelimit rl;
	int i;

	ratelimit_init(&rl, 600, 5);          /* 10 a second, burst 5 */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(ratelimit_reserve(&rl, 1, 1000), 0);
	ck_assert_int_eq(ratelimit_reserve(&rl, 1, 1000), 100);
	ck_assert_int_eq(ratelimit_reserve(&rl, 1, 1050), 50);
	ck_assert_int_eq(ratelimit_reserve(&rl, 1, 1100), 0);
	/* a call costing 3 units waits for 3 units */
	ck_assert_int_eq(ratelimit_reserve(&rl, 3, 1100), 300);
	/* a cost over the burst is capped, so it is possible at all */
	ck_assert_int_eq(ratelimit_reserve(&rl, 50, 100000), 0);
}
END_TEST

/* the client waits for the bucket: the 3rd request of a 2-burst waits */
START_TEST(ratelimit_client_paces)
{
	static const struct loopsrv_step sc[] = { { LS_SEND, ok_hello, 0 } };
	struct loopsrv s;
	struct http_client *c = test_client(3);
	struct ratelimit rl;
	struct http_response r;
	struct err e = ERR_INIT;
	char url[128];
	int64_t t0;

	ratelimit_init(&rl, 600, 2);          /* 100 ms per request after the burst */
	http_client_set_ratelimit(c, &rl);
	ck_assert_int_eq(loopsrv_start(&s, sc, 1), 0);
	loopsrv_url(&s, NULL, "/", url, sizeof(url));
	http_response_init(&r);
	t0 = ratelimit_now_ms();
	ck_assert_int_eq(get(c, url, 0, &r, &e), 0);
	ck_assert_int_eq(get(c, url, 0, &r, &e), 0);
	ck_assert_int_eq(get(c, url, 0, &r, &e), 0);
	/* lower bound only: the third request cannot have gone before ~100 ms */
	ck_assert_int_ge(ratelimit_now_ms() - t0, 90);
	loopsrv_stop(&s);
	http_response_release(&r);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* form encoding keeps unreserved characters and encodes the rest */
START_TEST(http_urlencode_form)
{
	struct buf b = BUF_INIT;

	http_urlencode(&b, "s3cr&t+P=a%ss w~._-", 19);
	ck_assert_str_eq(buf_cstr(&b), "s3cr%26t%2BP%3Da%25ss%20w~._-");
	buf_release(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("http");
	TCase *t = tcase_create("http");

	tcase_set_timeout(t, 20);
	tcase_add_test(t, http_url_check_rules);
	tcase_add_test(t, http_link_resolve_origins);
	tcase_add_test(t, http_retry_after_forms);
	tcase_add_test(t, http_backoff_bounds);
	tcase_add_test(t, http_do_get_ok);
	tcase_add_test(t, http_do_retries_5xx);
	tcase_add_test(t, http_do_retry_after);
	tcase_add_test(t, http_do_gives_up);
	tcase_add_test(t, http_do_4xx_final);
	tcase_add_test(t, http_do_refresh_once);
	tcase_add_test(t, http_do_401_after_refresh);
	tcase_add_test(t, http_do_token_bound_to_origin);
	tcase_add_test(t, http_do_hang_bounded);
	tcase_add_test(t, http_do_stall_bounded);
	tcase_add_test(t, http_do_reset_truncated_retried);
	tcase_add_test(t, http_do_gzip_and_cap);
	tcase_add_test(t, http_do_many_concurrent);
	tcase_add_test(t, ratelimit_reserve_paces);
	tcase_add_test(t, ratelimit_client_paces);
	tcase_add_test(t, http_urlencode_form);
	tcase_add_test(t, http_do_transient_retry_delay);
	tcase_add_test(t, http_do_retry_delay_hook);
	suite_add_tcase(s, t);
	return s;
}
