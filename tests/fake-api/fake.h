/*
 * fake.h: the module interface of fake-api, the local fake of the four APIs
 * (Salesforce, Gmail, Dialpad, HubSpot) plus a notification sink.
 *
 * One server (server.c) owns the socket, HTTP/1.1, threads, fault
 * injection, the request log, the fake clock and the /_admin/ endpoints.
 * A module owns one API: it claims path prefixes and answers requests.
 *
 * Adding a module: write tests/fake-api/NAME.c with a
 *     static const struct fake_module mod = { ... };
 *     FAKE_MODULE(mod)
 * at the end; the Makefile links every tests/fake-api .c file into fake-api and
 * the constructor registers it.  Nothing else needs editing.
 *
 * Concurrency: connections are served by threads, but every module callback
 * (init, handle, admin, dump, fault) runs with the one global lock held, so a
 * module needs no locking of its own.  Callbacks must not block.
 *
 * Memory: strings in a request belong to the server and live until the
 * callback returns.  A response is filled through the fake_resp_* calls.
 */
#ifndef FAKE_H
#define FAKE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "buf.h"

struct fake_kv {
	char *name;
	char *value;
};

struct fake_req {
	const char *method;        /* "GET", "POST", ... */
	const char *target;        /* request target as sent: path?query */
	const char *path;          /* percent-decoded path, no query */
	const char *raw_path;      /* path as sent (still encoded) */
	const char *query_string;  /* raw query after '?', "" if none */
	const struct fake_kv *query;  /* decoded query params, in order */
	size_t nquery;
	const struct fake_kv *headers; /* names as sent; look up with fake_header */
	size_t nheaders;
	const char *body;          /* de-chunked body, NUL-terminated; "" if none */
	size_t body_len;
	const char *base_url;      /* "http://127.0.0.1:PORT" */
	uint64_t seq;              /* request number, from 1 */
};

/* First value of a query parameter, or NULL. */
const char *fake_query(const struct fake_req *r, const char *name);
/* Number of values of a repeated query parameter, and the i-th one. */
size_t fake_query_count(const struct fake_req *r, const char *name);
const char *fake_query_at(const struct fake_req *r, const char *name,
    size_t i);
/* A header value (name compared case-insensitively), or NULL. */
const char *fake_header(const struct fake_req *r, const char *name);
/* The bearer token of "Authorization: Bearer X" (or "OAuth X"), or NULL;
 * the returned string is malloc'd, free it. */
char *fake_bearer(const struct fake_req *r);
/* Value of a field of an application/x-www-form-urlencoded body (decoded,
 * malloc'd), or NULL. */
char *fake_form_get(const struct fake_req *r, const char *name);

struct fake_resp {
	int status;                /* 200 unless set */
	struct buf headers;        /* "Name: value\r\n" lines */
	struct buf body;
	int close;                 /* close the connection after the answer */
};

void fake_resp_status(struct fake_resp *w, int status);
void fake_resp_header(struct fake_resp *w, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Replace the body; content_type may be NULL for none. */
void fake_resp_body(struct fake_resp *w, int status, const char *content_type,
    const char *data, size_t n);
/* JSON body from text. */
void fake_resp_json_text(struct fake_resp *w, int status, const char *json);
/* JSON body from a cJSON tree (printed compact); the tree is freed. */
void fake_resp_json(struct fake_resp *w, int status, cJSON *doc);
/* A JSON error in the plain {"error":...} shape, for framework answers. */
void fake_resp_error(struct fake_resp *w, int status, const char *msg);

/* Fault classes (--faults SPEC uses these names). */
enum fake_fault {
	FAKE_FAULT_NONE = 0,
	FAKE_FAULT_429,        /* rate limited, Retry-After: --retry-after */
	FAKE_FAULT_500,
	FAKE_FAULT_503,
	FAKE_FAULT_SLOW,       /* answer after --slow-ms */
	FAKE_FAULT_RESET,      /* TCP RST after the request is read */
	FAKE_FAULT_TRUNCATE,   /* full Content-Length, half the body, close */
	FAKE_FAULT_401,        /* access token refused (expired session) */
	FAKE_FAULT_HANG,       /* read the request, never answer */
	FAKE_FAULT_ENDLESS,    /* 200 with a chunked body that never ends */
	FAKE_FAULT_COUNT
};
const char *fake_fault_name(enum fake_fault f);

/* An option a module takes: --NAME VALUE on the command line. */
struct fake_option {
	const char *name;          /* without the dashes, e.g. "sf-contacts" */
	const char *def;           /* default value as text */
	const char *help;
};

struct fake_module {
	const char *name;          /* "salesforce"; also /_admin/NAME/... */
	const char *const *prefixes;  /* NULL-terminated path prefixes claimed */
	const struct fake_option *options; /* terminated by {NULL} or NULL */
	/* Build the data; called once after options are parsed, and again
	 * after /_admin/reset.  Return 0, or -1 with a message in *msg. */
	int (*init)(char **msg);
	/* Answer a request for one of the prefixes.  Return 0 when answered;
	 * -1 lets the server send a 404 in the framework shape. */
	int (*handle)(const struct fake_req *r, struct fake_resp *w);
	/* /_admin/NAME/<rest>: rest is the path after the module name
	 * ("" or "/records/Contact/..."). Return 0 if answered, -1 for 404. */
	int (*admin)(const char *rest, const struct fake_req *r,
	    struct fake_resp *w);
	/* The truth: add what exists to obj (an object the server made). */
	void (*dump)(cJSON *obj);
	/* Render a fault in the API's own error shape.  Return 0 if rendered,
	 * 1 to use the server's generic rendering, -1 when this request must
	 * not get that fault (e.g. 401 on a token endpoint).  May be NULL. */
	int (*fault)(enum fake_fault f, const struct fake_req *r,
	    struct fake_resp *w);
	/* Free everything (at exit and before a reset).  May be NULL. */
	void (*release)(void);
};

void fake_module_register(const struct fake_module *m);
#define FAKE_MODULE(m) \
	__attribute__((constructor)) static void \
	fake_register_##m(void) { fake_module_register(&m); }

/* Option values (after defaults); NULL for an unknown name. */
const char *fake_opt(const char *name);
long long fake_opt_int(const char *name);
double fake_opt_double(const char *name);

/* Whether a module is enabled (--modules LIST; default all). */
int fake_module_enabled(const char *name);

/* The --seed value. */
uint64_t fake_seed(void);

/*
 * Deterministic randomness.  A stream is seeded by (--seed, name), so that
 * one module's draws never shift another's.
 */
struct fake_rng {
	uint64_t s;
};
void fake_rng_init(struct fake_rng *g, uint64_t seed, const char *name);
uint64_t fake_rng_next(struct fake_rng *g);
/* Uniform in [0, n) (n > 0). */
uint64_t fake_rng_below(struct fake_rng *g, uint64_t n);
/* Uniform in [0, 1). */
double fake_rng_unit(struct fake_rng *g);
/* True with probability p. */
int fake_rng_chance(struct fake_rng *g, double p);
/* FNV-1a 64 of bytes, chained from h (start with 0). */
uint64_t fake_hash(uint64_t h, const void *p, size_t n);

/*
 * The fake clock, in milliseconds since the epoch (UTC).  It is the real
 * clock plus an offset that /_admin/clock/advance moves, unless --now froze
 * it; it never goes backwards.  Use it to stamp changes made at run time.
 * Seeded data uses fixed dates before fake_epoch_ms() (--epoch), so the
 * data does not depend on when the server runs.
 */
int64_t fake_now_ms(void);
int64_t fake_epoch_ms(void);
/* "YYYY-MM-DDTHH:MM:SS.sssZ" into b (appended). */
void fake_fmt_iso(struct buf *b, int64_t ms);
/* Parse RFC 3339 (any offset, also "+0000"), or a date; -1 on error. */
int fake_parse_iso(const char *s, int64_t *ms);

/* Percent-decode (plus as space when form is set) into a malloc'd string. */
char *fake_urldecode(const char *s, size_t n, int form);
/* Percent-encode everything except unreserved characters. */
void fake_urlencode(struct buf *b, const char *s);

/* base64 (standard alphabet, padded) and base64url (no padding). */
void fake_base64(struct buf *b, const void *p, size_t n, int url);
/* Decode either alphabet, padding optional; -1 on bad input. */
int fake_base64_decode(struct buf *b, const char *s, size_t n);

/* The shared seeded directory of people and companies (directory.c). */
#include "fake_dir.h"

#endif
