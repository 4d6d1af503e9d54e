/*
 * sf.h: pulling Salesforce objects into Singer messages (sf-pull's engine).
 *
 * Objects and their streams: Account -> sf_accounts, Contact -> sf_contacts,
 * Lead -> sf_leads, Opportunity -> sf_opportunities, Task and Event ->
 * sf_activities, EmailMessage -> sf_email_messages.  See sf.c for the field
 * mapping; shared/api/salesforce.md for why it works the way it does.
 *
 * Per object:
 * - describe: the SELECT list is the wanted fields the running user can see;
 *   a missing or hidden field is reported (warn) and its column left out of
 *   the records, never an error.  An object the org does not have (404,
 *   INVALID_TYPE: EmailMessage without Enhanced Email) is skipped with a
 *   warning.
 * - incremental on SystemModstamp: from the bookmark (inclusive, >=) minus
 *   the lookback window, up to the run's start (exclusive), ORDER BY
 *   SystemModstamp, Id, through queryAll so deletions and archived
 *   activities come too; IsDeleted rows become records with
 *   _sdc_deleted_at = their SystemModstamp.  Pages follow nextRecordsUrl
 *   (same origin only); STATE after every page, carrying the whole bookmark
 *   object, the stream's bookmark being the greatest SystemModstamp written
 *   (never past the run start, never behind the old bookmark).
 * - recovery: INVALID_QUERY_LOCATOR or a session renewed under an open
 *   cursor restart the query from the bookmark (fatal only after five
 *   restarts in a row without new rows); QUERY_TIMEOUT halves the time
 *   window; INVALID_FIELD drops that field and retries; 403
 *   REQUEST_LIMIT_EXCEEDED for concurrent requests is retried with backoff;
 *   a 200 with cut JSON (describe, getDeleted) or a cut Bulk chunk is asked
 *   again; a re-login that moves instance_url moves the pull with it.
 * - refused as malformed (EX_DATAERR): a nextRecordsUrl or Sforce-Locator
 *   leading back to a page already read, done: false without
 *   nextRecordsUrl.  A pinned API version the org does not offer is
 *   EX_CONFIG (checked when describe answers 404).
 * - Bulk API 2.0 when the sync is full (no bookmark, or --full) and the
 *   object holds more than bulk_threshold rows: a queryAll job, CSV chunks
 *   by Sforce-Locator, values typed from describe so the RECORDs equal the
 *   REST path's (in another order: Bulk has no ORDER BY; one STATE at the
 *   end).  A failed job falls back to REST.
 * - quota guard: Sforce-Limit-Info api-usage=USED/MAX on every response;
 *   past max_api_share of MAX (or this run using max_run_share of MAX) the
 *   pull stops after the last complete page: state saved, EX_TEMPFAIL.
 * - one etl_runs RECORD per object at the end, with status "failed" and the
 *   error when it failed.
 */
#ifndef SI_SF_H
#define SI_SF_H

#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "http.h"
#include "json.h"
#include "oauth.h"

struct sf_opts {
	const char *api_version;   /* "v62.0" */
	int full;                  /* ignore bookmarks */
	long bulk_threshold;       /* rows; < 0: never Bulk */
	long lookback_s;           /* re-read before the bookmark */
	double max_api_share;      /* of the org's daily limit, e.g. 0.8 */
	double max_run_share;      /* used by this run, e.g. 0.25 */
	int batch_size;            /* Sforce-Query-Options hint, 200..2000 */
	long bulk_chunk;           /* maxRecords per Bulk result chunk */
	long bulk_wait_s;          /* give up waiting for a Bulk job after this */
	int64_t start_ms;          /* first pull starts here (0: 1970) */
	/* after an incremental pull, list the object's deletions since the
	 * last sweep (getDeleted) to catch hard-deleted rows; default 1 */
	int deleted_sweep;
	int64_t now_ms;            /* the run's start */
	/* output: one complete line (with '\n') per call; returns 0 or an
	 * error code (a failed write) */
	int (*emit)(const char *line, size_t n, void *ctx);
	/* warnings for the tool to print (no newline) */
	void (*warn)(const char *msg, void *ctx);
	/* progress details (each page, each Bulk chunk); may be NULL */
	void (*debug)(const char *msg, void *ctx);
	void *ctx;
};

/* Fill defaults (v62.0, 100000 rows, 300 s, 0.8, 0.25, 2000, 50000, 3600 s). */
void sf_opts_init(struct sf_opts *o);

/* Is name one of the objects sf-pull knows (case-insensitive)?  Returns the
 * canonical spelling, or NULL. */
const char *sf_object_name(const char *name);
/* The objects of `--object all`, NULL-terminated. */
const char *const *sf_all_objects(void);
/* The stream (table) of an object, e.g. "sf_accounts". */
const char *sf_object_stream(const char *object);

/*
 * Pull objects[0..n) in order.  auth holds the logged-in session (its
 * token is on c); state is the starting state ({"bookmarks":{...}}) inside
 * sdoc, updated in place.  Returns 0, or the code of the first failure
 * (the remaining objects are not pulled); e says why.
 */
int sf_pull(struct http_client *c, struct oauth_sf *auth, const char *const *objects,
	size_t n, struct json_doc *sdoc, struct json *state, const struct sf_opts *o,
	struct err *e);

/*
 * When the pull cannot even start (login refused, bad state): one failed
 * etl_runs RECORD per object (after the etl_runs SCHEMA), saying msg.
 */
int sf_fail_runs(const char *const *objects, size_t n, const struct sf_opts *o,
	const char *msg, int code, struct err *e);

/* --- pieces, exposed for tests --- */

/* "api-usage=USED/MAX" anywhere in a Sforce-Limit-Info value: 0, or -1. */
int sf_parse_limit_info(const char *v, long *used, long *max);
/* Domain of a Website value: "https://www.Globex.co.uk/x" -> "globex.co.uk";
 * empty when there is none. */
void sf_website_domain(struct buf *out, const char *website, size_t n);
/* SOQL datetime literal of ms, whole seconds, truncated: 2025-01-02T03:04:05Z */
void sf_soql_datetime(struct buf *out, int64_t ms);

#endif
