/*
 * state.h: where a pull gets its starting bookmarks (owner: warehouse).
 *
 * The state of a run is a JSON object {"bookmarks":{"<key>":<bookmark>,...}}
 * (the "value" of a Singer STATE message).  A key names one stream of one
 * account: the table name ("sf_contacts"), or table:account for streams that
 * are pulled per account ("gmail_messages:alice@example.com"); see
 * state_key().  A bookmark is any JSON value the pull chooses, usually an
 * object like {"system_modstamp":"2026-11-28T23:59:59.000Z"}.
 *
 * Two sources, chosen with --state FILE or --state-db DB:
 *
 * - A Singer state file: the state object itself, or a STATE message
 *   ({"type":"STATE","value":{...}}), or several of either, one per line
 *   (e.g. load's stdout saved to a file).  With several, the bookmarks are
 *   merged, a later line's key replacing an earlier one.
 * - A SQLite database written by load: every row of table sync_state
 *   (stream = key, value = the bookmark as JSON text) that is not soft-
 *   deleted becomes bookmarks[stream].
 *
 * A file or database that does not exist yet, or a database without a
 * sync_state table, gives empty bookmarks ({"bookmarks":{}}): the pull
 * starts from scratch.  An unreadable or malformed one is an error
 * (EX_DATAERR for bad content, EX_IOERR / EX_UNAVAILABLE otherwise).
 *
 * gmail_sync_state: when load stores a bookmark whose key is
 * "gmail_messages:<mailbox>", it also upserts the gmail_sync_state row of
 * that mailbox from the bookmark's members "history_id" (-> last_history_id),
 * "sync_type" ("full" or "incremental") and "last_sync_at" (a timestamp;
 * default: the time of the load).
 */
#ifndef SI_STATE_H
#define SI_STATE_H

#include "buf.h"
#include "diag.h"
#include "json.h"

/*
 * Read the state from a file (path; "-" is not accepted) into doc, which the
 * caller owns and must not reset while it uses *state.  On success *state is
 * an object with a "bookmarks" object member.  Returns 0 or an error code.
 */
int state_read_file(const char *path, struct json_doc *doc,
	struct json **state, struct err *e);
/* The same from the sync_state table of a SQLite database (read only). */
int state_read_db(const char *path, struct json_doc *doc,
	struct json **state, struct err *e);

/* The bookmark of key, or NULL when the state has none. */
struct json *state_bookmark(const struct json *state, const char *key);

/* Append the key of stream (and account, may be NULL or "") to out:
 * "stream" or "stream:account". */
void state_key(struct buf *out, const char *stream, const char *account);

/*
 * Merge the bookmarks of src (a state object) into dst (a state object in
 * doc): every key of src replaces or joins dst's.  Used for several state
 * lines and by load --bq-dir, whose state.json gathers every bookmark seen.
 */
void state_merge(struct json_doc *doc, struct json *dst,
	const struct json *src);

#endif
