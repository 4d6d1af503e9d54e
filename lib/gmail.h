/*
 * gmail.h: pulling one Gmail mailbox (shared/api/gmail.md), the library
 * behind gmail-pull(1).
 *
 * Auth.  The key file is either a service-account key ("type":
 * "service_account": a JWT per mailbox, sub = the mailbox, scope
 * gmail.readonly, aud = the key's token_uri, domain-wide delegation) or an
 * "authorized_user" file (client_id, client_secret, refresh_token: one
 * user, userId "me").  It must not be readable by group or others.  The
 * token is kept for the run and renewed 5 minutes before it expires, and
 * once on a 401.  A key whose token_uri is neither Google's nor a
 * loopback http URL (a local test server) is refused unless the token URL
 * is given explicitly (--token-url), so a doctored key file cannot send
 * the signed assertion elsewhere.
 *
 * Full sync: getProfile's historyId is recorded first; then messages.list
 * over time windows (q=after:A before:B in epoch seconds, oldest window
 * first, overlapping an hour, overlap deduplicated; the last window has
 * no before:, as the date those compare is not documented and may be a
 * sender's Date header ahead of our clock), each message fetched
 * with format=full through the batch endpoint; a STATE line after each
 * window, so a long backfill resumes at the window it stopped in.  When
 * the last window is done the bookmark holds the recorded historyId.
 *
 * Incremental: history.list from the bookmark's historyId, every page,
 * types messageAdded, messageDeleted, labelAdded, labelRemoved.  Added
 * messages are fetched; deleted ones get a record with only the key and
 * _sdc_deleted_at; a label change whose history entry carries the current
 * labelIds becomes a record of the key and labels only (load updates the
 * columns a record holds, so reading mail costs no fetch); without them
 * the message is fetched again unless only UNREAD, STARRED, IMPORTANT or
 * CATEGORY_* changed.  A STATE line follows each page's messages, with the id of the
 * page's last history record; the final one carries the response's
 * historyId.  A 404 (or 400 for a corrupt id) means the history is gone:
 * a full sync follows, bounded below by the newest message seen minus a
 * day when the bookmark knows it.
 *
 * Quota: a token bucket of quota_per_min units (default 5700, 95 % of
 * Google's 6000 per user per minute), holding quota_burst units (default
 * a sixth of a minute's worth), charged with the per-method costs of
 * gmail.md 6.3 before each request (messages.get 20, messages.list 5,
 * history.list 2, getProfile 1).  A batch never costs more than the burst.
 * 429, 5xx and 403 rateLimitExceeded / userRateLimitExceeded are retried
 * with backoff, at most 6 tries a request (Retry-After and "Retry after
 * <time>" obeyed, from the first retry on), failed batch parts alone in a
 * new batch.
 *
 * Output (through the emit callback): SCHEMA lines, RECORD lines of
 * gmail_messages and gmail_participants (gmail_msg.h), STATE lines
 * {"bookmarks":{"gmail_messages:<mailbox>":{...}}}, and at the end, also
 * after a failure, one etl_runs RECORD.  The bookmark: history_id,
 * sync_type ("full"/"incremental"), last_sync_at, newest_internal_ms, and
 * while a full sync is unfinished "full": {history_id, next_ms, until_ms}.
 */
#ifndef SI_GMAIL_H
#define SI_GMAIL_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "json.h"

#define GMAIL_BASE_URL "https://gmail.googleapis.com"
#define GMAIL_TOKEN_URL "https://oauth2.googleapis.com/token"
#define GMAIL_SCOPE "https://www.googleapis.com/auth/gmail.readonly"

/* Write n bytes of output; flush when flush is set (at STATE lines).
 * Returns 0, or a sysexits code (EX_IOERR) to stop the pull. */
typedef int (*gmail_emit_fn)(void *ctx, const char *data, size_t n, int flush);

struct gmail_opts {
	const char *mailbox;        /* the mailbox pulled (also sub) */
	const char *key_file;       /* service account or authorized_user */
	const char *base_url;       /* NULL: GMAIL_BASE_URL */
	const char *token_url;      /* NULL: the key's token_uri */
	int full;                   /* ignore the incremental bookmark */
	int64_t since_ms;           /* full sync lower bound; -1: none */
	int64_t window_ms;          /* full sync window; 0: 30 days */
	double quota_per_min;       /* 0: 5700; < 0: no pacing */
	double quota_burst;         /* 0: quota_per_min / 6 */
	int batch_size;             /* 0: 50 (at most 100) */
	size_t max_body;            /* per body; 0: 8 MiB */
	long retry_max_ms;          /* longest single backoff; 0: 64000 */
	const struct json *bookmark;/* the starting bookmark, or NULL */
	gmail_emit_fn emit;
	void *emit_ctx;
};

struct gmail_stats {
	size_t messages;            /* gmail_messages records written */
	size_t participants;
	size_t deleted;             /* deletion records */
	size_t relabelled;          /* label-only records */
	size_t gone;                /* listed but 404 on get: skipped */
	size_t bad_addresses;
	size_t windows;             /* full-sync windows finished */
	int fallback;               /* history expired: full sync ran */
	const char *sync_type;      /* "full" or "incremental" */
	uint64_t units;             /* quota units spent */
};

/*
 * Pull the mailbox.  Returns 0 or a sysexits code with e filled; the
 * etl_runs record has been emitted either way (unless emitting failed).
 */
int gmail_pull(const struct gmail_opts *o, struct gmail_stats *st,
	struct err *e);

/*
 * The q of a full-sync window [from, to) in epoch ms: "after:S before:S"
 * in epoch seconds, after: an hour early (the windows overlap); from
 * INT64_MIN: no after:, to INT64_MAX: no before: (the last window).
 */
void gmail_window_query(struct buf *q, int64_t from, int64_t to);

/* The bookmark key of a mailbox: "gmail_messages:<mailbox>". */
void gmail_state_key(struct buf *out, const char *mailbox);

/*
 * The wait a Gmail error body asks for: "Retry after <RFC 3339>" in
 * error.message, as milliseconds from now_ms; -1 when absent.
 */
long gmail_retry_after_message(const char *body, size_t n, int64_t now_ms);

struct http_response;
/*
 * http.c's hooks for the Gmail API.  gmail_transient: 1 for a 403 whose
 * reason is rateLimitExceeded or userRateLimitExceeded (gmail.md 6.2),
 * retried like a 429; 0 for the rest (dailyLimitExceeded included).
 * gmail_retry_delay: delay, or longer when the message says "Retry after
 * <time>" (6.4).  ctx is unused.
 */
int gmail_transient(const struct http_response *r, void *ctx);
long gmail_retry_delay(const struct http_response *r, int tries, long delay,
	void *ctx);

/*
 * What a Gmail error body's first reason is ("rateLimitExceeded",
 * "notFound", ...), copied into out; 0, or -1 without one.
 */
int gmail_error_reason(const char *body, size_t n, struct buf *out);

#endif
