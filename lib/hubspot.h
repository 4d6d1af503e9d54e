/*
 * hubspot.h: pulling HubSpot sequences (shared/api/hubspot.md) as Singer
 * messages for hubspot_sequences.
 *
 * Every sequence call is scoped to a user id; with none given, the userId
 * of every owner of the account (GET /crm/v3/owners; where that is refused
 * or absent, GET /settings/v3/users), skipping a user whose sequences
 * cannot be listed (400, 404, 403 other than MISSING_SCOPES).  For each user the
 * sequences are listed (every page through paging.next.after) and each new
 * one (deduplicated by id across users) is read whole for its steps.  The
 * sequences path prefix is a setting: /automation/v4/sequences today, the
 * dated /automation/sequences/2026-03 when v4 goes (March 2027).
 *
 * Pacing: a token bucket (default 8 requests a second, under the 100 per
 * 10 s of the smallest plan), slowed further when X-HubSpot-RateLimit-
 * Remaining runs low; a 429 is retried by the HTTP layer after Retry-After
 * or the backoff, at least 10 s x try for TEN_SECONDLY_ROLLING (1 s for
 * SECONDLY); a 429 whose policyName is DAILY is not retried and ends the
 * run with EX_TEMPFAIL.  423 and 477 are retried too.  A 200 whose body is
 * not the expected JSON is fetched again (3 tries), then EX_DATAERR; a
 * paging cursor handed out twice ends the run with EX_DATAERR (no loop).
 * A sequence listed but gone (404) before its details is skipped.
 */
#ifndef SI_HUBSPOT_H
#define SI_HUBSPOT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "json.h"

#define HUBSPOT_BASE_URL "https://api.hubapi.com"
#define HUBSPOT_SEQUENCES_PATH "/automation/v4/sequences"
#define HUBSPOT_STATE_KEY "hubspot_sequences"

struct hubspot_opts {
	const char *base_url;
	const char *token;
	const char *sequences_path;   /* NULL: HUBSPOT_SEQUENCES_PATH */
	const char *const *user_ids;  /* NULL-terminated; NULL: list the users */
	double per_second;            /* 0: 8 */
	int details;                  /* read each sequence for its steps (default on) */
	const struct json *state;     /* carried into the STATE written */
	int (*emit)(void *ctx, const char *data, size_t n, int flush);
	void *emit_ctx;
};

struct hubspot_stats {
	size_t users;
	size_t sequences;
	size_t requests;
	size_t users_skipped;   /* listed users whose sequences were refused (4xx) */
	size_t vanished;        /* listed sequences gone (404) before their details */
};

int hubspot_pull(const struct hubspot_opts *o, struct hubspot_stats *st,
	struct err *e);

/* The hubspot_sequences RECORD line for a sequence (lite or full); -1 when it has no id. */
int hubspot_write_sequence(struct buf *out, const struct json *seq,
	const char *user_id, int64_t synced_ms);

#endif
