/*
 * dialpad.h: pulling Dialpad calls and transcripts (shared/api/dialpad.md)
 * as Singer messages for dialpad_calls and dialpad_transcripts.
 *
 * Windows of started time move forward from the bookmark: GET /call with
 * started_after/started_before (strict bounds, UTC milliseconds), every
 * cursor page, no page size assumed or sent.  For each page, the recorded
 * calls' transcripts are fetched concurrently (GET /transcripts/{id}; a 404
 * or a body without lines means none), then the page's records are written.
 * STATE follows each finished window; the bookmark is the window's upper
 * edge and never passes the run's start less the settle time (calls are
 * listed only once concluded).  The next run re-reads a lookback before the
 * bookmark, so calls that were still going on are caught; upserts by call_id
 * make the overlap harmless.  The per-call endpoint (10 a minute) is never
 * used.  Ids and timestamps are kept exact: never through a double.
 */
#ifndef SI_DIALPAD_H
#define SI_DIALPAD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "json.h"

#define DIALPAD_BASE_URL "https://dialpad.com/api/v2"
#define DIALPAD_STATE_KEY "dialpad_calls"

struct dialpad_opts {
	const char *base_url;
	const char *api_key;
	int full;                 /* ignore the bookmark */
	int64_t since_ms;         /* -1: bookmark, else 365 days back */
	int64_t window_ms;        /* 0: 7 days (168 hours) */
	int64_t lookback_ms;      /* -1: 6 hours */
	int64_t settle_ms;        /* -1: 5 minutes */
	int64_t now_ms;           /* -1: the clock */
	double per_minute;        /* request pacing; 0: 1200 (20 a second) */
	int transcripts;          /* fetch transcripts (default on) */
	const struct json *state; /* the whole state read with --state/--state-db */
	int via_stats;            /* the stats export (CSV), not GET /call */
	/* Output sink: data to write; flush at commit points.  0 or EX_IOERR. */
	int (*emit)(void *ctx, const char *data, size_t n, int flush);
	void *emit_ctx;
};

struct dialpad_stats {
	size_t calls;
	size_t transcripts;       /* calls with a transcript */
	size_t lines;
	size_t windows;
	size_t skipped;           /* items without a usable call_id */
};

int dialpad_pull(const struct dialpad_opts *o, struct dialpad_stats *st,
	struct err *e);

/* --- pieces, exposed for tests --- */

/*
 * The request pacing: per_minute (0: 600, Dialpad's advice of at most 10 a
 * second) with a burst of a second's worth, at most 10, so that no second
 * sees more than 20 requests (the company-wide limit).
 */
struct ratelimit;
void dialpad_ratelimit_init(struct ratelimit *rl, double per_minute);

/*
 * http_opts.retry_delay: a 429 without Retry-After waits at least 2 s,
 * 4 s, 8 s ... (at most 60 s) before try tries+1; anything else keeps
 * delay.  ctx not NULL (tests set SALESINTEL_HTTP_BACKOFF_MS): delay.
 */
struct http_response;
long dialpad_retry_delay(const struct http_response *resp, int tries,
	long delay, void *ctx);

/*
 * An id or millisecond timestamp as Dialpad sends it: a string of digits, a
 * bare number, null, absent or "".  dialpad_id gives the digits (n = 0 when
 * there is none); dialpad_ms gives the value or -1.
 */
const char *dialpad_id(const struct json *v, size_t *n);
int64_t dialpad_ms(const struct json *v);

/* One transcript line, after sorting by time. */
struct dialpad_line {
	const char *speaker;
	const char *text;
	int64_t ms;               /* -1 when the time is missing or bad */
	size_t order;             /* position in the response (ties) */
};

/*
 * The spoken lines (type "transcript") of a transcript body, sorted by
 * time (stable).  *lines is malloc'd (free it); the strings point into body.
 * Returns the count (0: no transcript).
 */
size_t dialpad_transcript_lines(const struct json *body,
	struct dialpad_line **lines);

/*
 * The dialpad_calls RECORD line (with '\n') for one CallProto, and the
 * dialpad_transcripts rows for its lines.  Returns -1 (nothing written)
 * when the call has no call_id.
 */
int dialpad_write_call(struct buf *out, const struct json *call,
	const struct dialpad_line *lines, size_t nlines, int64_t extracted_ms);
/* The same; user_email (may be NULL) is the user_email of a call whose
 * target is a user but carries no email (found with GET /users). */
int dialpad_write_call_user(struct buf *out, const struct json *call,
	const struct dialpad_line *lines, size_t nlines, int64_t extracted_ms,
	const char *user_email);

/*
 * Should GET /transcripts/{id} be asked for this call?  Transcripts come
 * from Dialpad AI, not from the recording: every answered call
 * (date_connected set) may have one, and a recorded call too.
 */
int dialpad_wants_transcript(const struct json *call);

/*
 * The rows of a stats export CSV (--via-stats) as CallProto objects in doc,
 * appended to a new array *items: columns mapped by name ("Call ID" is
 * call_id; see dialpad-pull(1)), times made epoch milliseconds, a target
 * without a type a user.  Rows without a call id are counted in *skipped.
 * Returns 0, or EX_DATAERR (bad CSV, no call_id column) with e filled.
 */
int dialpad_stats_calls(const char *csv, size_t n, struct json_doc *doc,
	struct json **items, size_t *skipped, struct err *e);

#endif
