/*
 * http.h: the suite's HTTP client, on libcurl (multi interface underneath,
 * so one request and many concurrent ones share the same code path).
 *
 * The rules of DESIGN.md section 5, enforced here and not configurable:
 * - TLS verification is always on (peer and host name); there is no option
 *   to turn it off.  Only `https` URLs are accepted; plain `http` only to a
 *   loopback host (127.0.0.0/8, ::1, localhost), which is how tests run.
 * - Redirects are never followed (a 3xx is returned to the caller).
 * - The bearer token is bound to the origin (scheme, host, port) it was
 *   issued for: a request to any other origin is refused before it is sent.
 *   Links taken from responses (nextRecordsUrl, Bulk locators, cursors) go
 *   through http_link_resolve, which refuses an absolute link to another
 *   origin.
 * - Every try is bounded: connect timeout, total timeout, and a low-speed
 *   timeout (less than 1 byte/s for low_speed_secs: a server that accepts
 *   and never answers, or a body that never ends).  The body is capped at
 *   max_body bytes after gzip/deflate decoding (so a zip bomb is bounded).
 * - Retries with exponential backoff and full jitter on 408, 429, 5xx (and
 *   the caller's extra statuses), timeouts, resets, truncated bodies;
 *   Retry-After (seconds or HTTP-date) is obeyed, capped at
 *   retry_after_max_ms.  A 401 on an authenticated request calls the refresh
 *   callback once and retries; a second 401 or a 403 ends in EX_NOPERM.
 * - After max_tries the call fails with EX_TEMPFAIL (429, 503, timeouts,
 *   resets: safe to re-run later) or EX_UNAVAILABLE (other 5xx, connection
 *   refused, unresolvable host, TLS failure).
 * - A token bucket (ratelimit.h) may pace requests; each costs req.cost.
 *
 * Nothing here prints.  Error messages name the URL without its query string
 * and never contain the token.
 */
#ifndef SI_HTTP_H
#define SI_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "ratelimit.h"

struct http_client;
struct http_response;

struct http_opts {
	long connect_timeout_ms;  /* 0: 15000 */
	long timeout_ms;          /* whole try; 0: 300000 */
	long low_speed_secs;      /* 0: 60 */
	size_t max_body;          /* 0: 1 GiB */
	int max_tries;            /* 0: 6 (first try included) */
	long backoff_ms;          /* first backoff; 0: $SALESINTEL_HTTP_BACKOFF_MS
	                             (tests make retries quick), else 500 */
	long backoff_max_ms;      /* 0: 60000 */
	long retry_after_max_ms;  /* 0: 300000 */
	int max_parallel;         /* http_do_many; 0: 4 */
	const int *retry_status;  /* extra retryable statuses, 0-terminated */
	const char *user_agent;   /* NULL: "salesintel/VERSION" */
	const char *ca_file;      /* another CA bundle; verification stays on */
	/*
	 * Test hook: when set, backoff delays are reported here and not waited
	 * for, so unit tests can check them without sleeping.
	 */
	void (*on_backoff)(long ms, void *ctx);
	void *backoff_ctx;
	/*
	 * When set, called before each retry of a retryable HTTP status (not
	 * of a network failure; a request's transient answers included) with
	 * the response, the tries made so far and
	 * the delay chosen (Retry-After, capped, or the backoff).  It returns
	 * the delay to use instead, or -1 to retry no more: the call then ends
	 * as when the tries are used up.  For APIs that say in the body how
	 * long to wait (HubSpot's policyName).
	 */
	long (*retry_delay)(const struct http_response *resp, int tries,
	    long delay, void *ctx);
	void *retry_ctx;
};

/*
 * Called on a 401 for an authenticated request: get a new token and install
 * it with http_set_token.  Returns 0 or an error code (with e filled).
 */
typedef int (*http_refresh_fn)(struct http_client *c, void *ctx, struct err *e);

struct http_request {
	const char *method;          /* NULL: GET, or POST when body is set */
	const char *url;
	const char *const *headers;  /* "Name: value" strings, NULL-terminated */
	const void *body;            /* kept by the caller until the call ends */
	size_t body_len;
	int auth;                    /* add "Authorization: Bearer TOKEN" */
	double cost;                 /* rate-limit units; 0 means 1 */
	int no_retry;                /* one try only (non-idempotent calls) */
	size_t max_body;             /* 0: the client's */
	/*
	 * Optional: is this non-2xx answer (other than a 401 that refreshes)
	 * a transient one the API asks to retry later, like Salesforce's 403
	 * REQUEST_LIMIT_EXCEEDED for concurrent requests?  When it returns 1
	 * the request is retried like a 503 (backoff, Retry-After, max_tries;
	 * then EX_TEMPFAIL).
	 */
	int (*transient)(const struct http_response *r, void *ctx);
	void *transient_ctx;
};

struct http_response {
	long status;           /* 0 when no HTTP response arrived */
	struct buf body;       /* decoded body */
	struct buf headers;    /* header block of the final response, CRLF lines */
	int tries;
};

void http_response_init(struct http_response *r);
void http_response_release(struct http_response *r);
/* Value of the last header called name (case-insensitive), trimmed, copied
 * into out (reset first).  Returns 0, or -1 when absent. */
int http_header_get(const struct http_response *r, const char *name, struct buf *out);

/* opts may be NULL (all defaults); it is copied. */
struct http_client *http_client_new(const struct http_opts *opts);
void http_client_free(struct http_client *c);
/* Pace requests with rl (borrowed; NULL to stop pacing). */
void http_client_set_ratelimit(struct http_client *c, struct ratelimit *rl);
void http_client_set_refresh(struct http_client *c, http_refresh_fn fn, void *ctx);

/*
 * Install the bearer token and the origin it is valid for ("https://host"
 * or any URL of that origin).  The token is copied and registered with
 * diag_secret_add.  Returns 0 or EX_CONFIG (origin not an allowed URL).
 */
int http_set_token(struct http_client *c, const char *token, const char *origin, struct err *e);
/* The token's origin, normalized "scheme://host:port"; NULL without token. */
const char *http_token_origin(const struct http_client *c);

/*
 * One request, with the retries above.  Returns 0 for a 2xx response; for
 * any other final outcome a sysexits code with e filled; resp (initialised
 * by the caller) then still holds the last status, headers and body, so the
 * caller can read an API's error body and decide otherwise.
 */
int http_do(struct http_client *c, const struct http_request *req,
	struct http_response *resp, struct err *e);

/* Many requests at once (curl multi), each with its own retries. */
struct http_item {
	struct http_request req;      /* set by the caller, kept alive until done */
	struct http_response resp;    /* initialised by http_do_many */
	int code;                     /* 0 or sysexits code */
	struct err err;
	void *user;
};
/*
 * Run items[0..n) with at most opts.max_parallel transfers at a time.  When
 * done is not NULL it is called as each item finishes (in completion order)
 * and may release the item's response.  Returns 0 when every item
 * succeeded, else the code of the first failed item (by index).  The caller
 * releases each item's resp and err (http_item_release).
 */
int http_do_many(struct http_client *c, struct http_item *items, size_t n,
	void (*done)(struct http_item *it, void *ctx), void *ctx);
void http_item_release(struct http_item *it);

/* --- helpers --- */

/* 0 when url may be fetched (https, or http to loopback), else EX_CONFIG. */
int http_url_check(const char *url, struct err *e);
/* Normalized origin "scheme://host:port" of url into out. 0 or EX_CONFIG. */
int http_url_origin(const char *url, struct buf *out, struct err *e);
/*
 * A link from a response: a path ("/services/...") is joined to base's
 * origin; an absolute URL must have base's origin.  Anything else (another
 * host, scheme or port, "//host/x", a relative path) is refused with
 * EX_DATAERR.  Result in out (reset first).
 */
int http_link_resolve(const char *base, const char *link, struct buf *out, struct err *e);
/* Percent-encode s (all but ALPHA DIGIT - . _ ~) onto out. */
void http_urlencode(struct buf *out, const char *s, size_t n);
/* Milliseconds a Retry-After value asks for (delta-seconds or HTTP-date
 * relative to now_epoch_s); -1 when unparseable. */
long http_retry_after_ms(const char *value, int64_t now_epoch_s);
/* Backoff before try number `attempt` (1 = the first retry): full jitter in
 * [base*2^(attempt-1)/2, base*2^(attempt-1)], capped at max. */
long http_backoff_ms(long base, long max, int attempt, uint64_t *rng);

#endif
