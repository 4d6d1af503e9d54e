/*
 * gmail_batch.h: Google batch requests (POST /batch/gmail/v1), the
 * multipart/mixed envelope of several inner HTTP requests and responses.
 *
 * Every part carries a Content-ID, so the answers are matched by it, never
 * by position (Google may answer in any order, and its response boundary
 * differs from ours).  The parser tolerates bare LF line endings and inner
 * Content-Length headers or none.
 */
#ifndef SI_GMAIL_BATCH_H
#define SI_GMAIL_BATCH_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* Most calls in one batch (Google's documented limit). */
#define GMAIL_BATCH_MAX 100

/*
 * Append to body the envelope of n GET requests: paths[i] is the path and
 * query ("/gmail/v1/users/me/messages/ID?format=full"), ids[i] its
 * Content-ID (without <>), boundary the separator (no CR/LF, <= 70 chars).
 */
void gmail_batch_build(struct buf *body, const char *boundary,
	const char *const *paths, const char *const *ids, size_t n);

struct gmail_batch_part {
	char *id;           /* our Content-ID, "response-" and <> removed;
	                       "" when the part had none */
	int status;         /* inner HTTP status; 0 when unreadable */
	char *body;         /* inner body (NUL-terminated, owned) */
	size_t body_n;
	char *retry_after;  /* inner Retry-After header or NULL */
};

struct gmail_batch_resp {
	struct gmail_batch_part *v;
	size_t n;
};

/*
 * Parse a batch response: content_type is the outer Content-Type header
 * (its boundary is used).  Returns 0, or EX_DATAERR when it is not a
 * multipart answer.  Release with gmail_batch_resp_release.
 */
int gmail_batch_parse(struct gmail_batch_resp *r, const char *content_type,
	const char *body, size_t n, struct err *e);
void gmail_batch_resp_release(struct gmail_batch_resp *r);
/* The part answering Content-ID id, or NULL. */
const struct gmail_batch_part *gmail_batch_find(
	const struct gmail_batch_resp *r, const char *id);

#endif
