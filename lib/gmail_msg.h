/*
 * gmail_msg.h: one Gmail API message (users.messages.get, format=full) to
 * the rows of gmail_messages and gmail_participants, as Singer RECORD lines.
 *
 * What each column holds (DESIGN.md section 3, seed-schema.md):
 *   message_id, thread_id, history_id   Gmail's ids, as strings
 *   mailbox_email                       the mailbox pulled
 *   from_email, to_emails, cc_emails, bcc_emails
 *                                       canonical addresses (email.h) of
 *                                       From, To, Cc, Bcc; invalid ones are
 *                                       left out (and counted)
 *   subject                             RFC 2047 decoded, unfolded
 *   body_text                           the first text/plain body part, else
 *                                       the HTML body as text (html.h)
 *   body_html                           the first text/html body part
 *                                       (depth first, attachments skipped,
 *                                       a forwarded message's parts walked
 *                                       when Gmail expanded them: gmail.md 3)
 *   sent_at                             the Date header, else internalDate
 *   internal_date                       internalDate (epoch ms) as timestamp
 *   labels                              labelIds
 *   message_id_header, in_reply_to, references_header
 *                                       the headers, unfolded, as sent
 *   size_estimate                       sizeEstimate
 * Bodies: base64url decoded (with or without padding); the text is kept
 * when it is valid UTF-8 (Gmail often converts already), else converted
 * from the part's charset (charset.h); a body behind an attachmentId is
 * fetched through the callback.  Each body is cut at max_body bytes.
 *
 * gmail_participants: one row per distinct address per role (from, to,
 * cc, bcc, reply_to) with its display name (decoded); participant_id is
 * the first 32 hex digits of SHA-256("message_id\nrole\naddress"), so a
 * replay gives the same key.
 */
#ifndef SI_GMAIL_MSG_H
#define SI_GMAIL_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "json.h"

/* Fetch the data of an attachment (users.messages.attachments.get) as
 * decoded bytes into data.  Returns 0 or an error code with e filled. */
typedef int (*gmail_attach_fn)(void *ctx, const char *message_id,
	const char *attachment_id, struct buf *data, struct err *e);

struct gmail_msg_opts {
	const char *mailbox;        /* mailbox_email */
	const char *time_extracted; /* "YYYY-MM-DDTHH:MM:SS.sssZ" or NULL */
	size_t max_body;            /* per body; 0: 8 MiB */
	gmail_attach_fn fetch;      /* may be NULL: such bodies stay empty */
	void *fetch_ctx;
};

struct gmail_msg_info {
	int64_t internal_ms;        /* internalDate, or -1 when absent */
	size_t participants;        /* participant rows written */
	size_t bad_addresses;       /* addresses left out */
	unsigned charset_flags;     /* charset.h flags of the bodies */
	int body_cut;               /* a body was cut at max_body */
};

/*
 * Append the RECORD lines of msg (the messages.get JSON object) to out:
 * one gmail_messages line, then its gmail_participants lines, each ending
 * in '\n'.  Returns 0, or EX_DATAERR when msg has no id (nothing is
 * written), or the fetch callback's code.
 */
int gmail_msg_records(struct buf *out, const struct json *msg,
	const struct gmail_msg_opts *o, struct gmail_msg_info *info,
	struct err *e);

/* participant_id of (message_id, role, address): 32 hex digits. */
void gmail_participant_id(struct buf *out, const char *message_id,
	const char *role, const char *address);

/* The first header named name (any case) of a MessagePart JSON object,
 * or NULL. */
const char *gmail_part_header(const struct json *part, const char *name);

#endif
