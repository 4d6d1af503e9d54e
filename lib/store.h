/*
 * store.h: the SQLite warehouse (owner: warehouse).  What load and export
 * do to a database; the tools only drive it.
 *
 * Opening a database creates it when new (mode 0600, whatever the umask;
 * ":memory:" is a private in-memory database, to check a stream),
 * sets WAL mode, synchronous=NORMAL and a busy timeout, creates every table
 * of schema.h that is missing and adds the columns an older database lacks
 * (ALTER TABLE ADD COLUMN).  Table and column names only ever come from
 * schema.h, never from input.
 *
 * Writing.  store_record() upserts one record (INSERT ... ON CONFLICT (pk)
 * DO UPDATE): the columns the record names are set, the others keep their
 * stored value (NULL in a new row).  _sdc_deleted_at is always set: NULL
 * unless the record carries it, so a record that comes back after a delete
 * is live again.  A record whose _sdc_deleted_at is not null is a delete:
 * the row is kept with the column set (soft delete), or removed with
 * hard_delete.  ingested_at is the time the batch began (ts_now_ms(), so
 * SALESINTEL_NOW fixes it), unless the record carries its own (a replay of
 * export keeps the original).  _sdc_extracted_at is the record's own or the
 * message's time_extracted.
 *
 * Batches.  The first write after a commit begins a transaction (BEGIN
 * IMMEDIATE, so two loads into one database wait for each other instead of
 * failing); store_state() writes the bookmarks into sync_state and commits:
 * the rows before a STATE and its bookmark become durable together.
 * store_close() commits what is left (the rows after the last STATE) unless
 * store_rollback() was called first.
 *
 * Values (the RECORD's JSON to the column's type; anything else is a bad
 * record, nothing of it is written, the batch goes on):
 *   STRING     a string; a number is taken as its exact text
 *   INTEGER    an integer (number or string of digits) within int64; a
 *              fraction of zeros ("5.0") is accepted
 *   FLOAT      a number (or a string holding a JSON number)
 *   BOOLEAN    true/false (also 0/1 and "true"/"false") -> 1/0
 *   TIMESTAMP  a string ts_parse() takes (any offset, Salesforce "+0000",
 *              date only) -> "YYYY-MM-DDTHH:MM:SS.sssZ" UTC; with
 *              COL_EPOCH_MS also epoch milliseconds (a number or digits)
 *   DATE       "YYYY-MM-DD" (or a timestamp: its UTC date)
 *   arrays     a JSON array of strings / numbers -> its compact JSON text
 *   JSON       any value -> its compact JSON text
 *   null       NULL, except in a required column
 * A record must name every required column, unless it is a delete (then
 * only the primary key is needed: the existing row, if any, is marked).
 */
#ifndef SI_STORE_H
#define SI_STORE_H

#include <stdint.h>
#include <sqlite3.h>

#include "buf.h"
#include "diag.h"
#include "json.h"
#include "schema.h"

struct store_opts {
	int hard_delete;        /* remove deleted rows instead of marking them */
	int bulk;               /* drop the clustering indexes of the tables
	                         * written, rebuild them at close (done
	                         * anyway for a table empty at its first
	                         * write) */
	int busy_timeout_ms;    /* 0: STORE_BUSY_TIMEOUT_MS */
	int readonly;           /* open an existing database for reading only */
};
#define STORE_BUSY_TIMEOUT_MS 60000

struct store_stats {
	uint64_t upserted;      /* live rows written */
	uint64_t deleted;       /* delete records applied */
	uint64_t states;        /* STATE messages committed */
	uint64_t commits;
};

struct store;

/*
 * Open (creating when new, unless readonly) the database at path.  Returns
 * 0 and *out, or an error code: EX_IOERR (cannot open or create),
 * EX_DATAERR (not a database), EX_TEMPFAIL (locked past the timeout),
 * EX_NOINPUT-like EX_IOERR for a missing database when readonly.
 */
int store_open(struct store **out, const char *path,
	const struct store_opts *opts, struct err *e);

/*
 * Upsert (or delete) one record of table t.  time_extracted (may be NULL)
 * is the RECORD message's.  Returns 0; EX_DATAERR for a bad record (e says
 * why; nothing of it was written, the batch is intact); another code when
 * the database failed (the batch is lost: stop).
 */
int store_record(struct store *s, const struct schema_table *t,
	const struct json *rec, const struct json *time_extracted,
	struct err *e);

/*
 * Close the batch with a STATE message's value: each member of
 * value.bookmarks becomes the sync_state row of that key (and
 * "gmail_messages:<mailbox>" also fills gmail_sync_state), then commit.
 * EX_DATAERR (nothing committed, batch intact) when value is not an object
 * or its "bookmarks" is not an object.
 */
int store_state(struct store *s, const struct json *value, struct err *e);

/*
 * The same without the commit: the bookmarks join the open batch, and
 * become durable with it at the next store_commit().  load uses it to commit
 * several STATEs at once when they come fast (it echoes them after).
 */
int store_bookmark(struct store *s, const struct json *value, struct err *e);
/* The checks store_bookmark makes of a STATE value: 0 or EX_DATAERR. */
int store_bookmark_check(const struct json *value, struct err *e);

/*
 * Batches (load's pipeline).  A batch holds converted records (their text
 * copied: the JSON may go), the bookmarks of the STATEs among them, the bad
 * lines to report in input order and the STATE lines to echo once their
 * rows are committed.  store_batch_record and store_batch_bookmark fill
 * it; they only read the schema and touch a converter state of their own,
 * never the database, so one thread may fill batches while another
 * applies them with store_apply (one filler, one applier at a time).
 *
 * store_apply writes a batch into the open transaction (beginning one):
 * the rows sorted by table and primary key (rows of one key keep their
 * order, so the last one wins; the index is walked in order), several
 * rows per INSERT where they share their columns, then the bookmarks in
 * order, then commits when the batch says so.  A row SQLite refuses
 * (constraint, too big) is left out: nothing of it written.  The batch's
 * reports and the refused rows are passed to report() in input order.
 * Returns 0; EX_DATAERR when rows were refused: with stop_at_bad the
 * reports stop at the first bad line and neither bookmarks nor commit
 * happen (the caller rolls back), without it everything else was applied
 * (and committed when asked); another code when the database failed (the
 * transaction is lost: roll back and stop).
 */
struct store_batch;
typedef void (*store_report_fn)(void *ctx, const char *file,
	unsigned long line, const char *why);

struct store_batch *store_batch_new(void);
void store_batch_free(struct store_batch *b);
/* Empty it for reuse (keeps its memory). */
void store_batch_reset(struct store_batch *b);
size_t store_batch_rows(const struct store_batch *b);
/* About how much memory its rows, bookmarks and reports take. */
size_t store_batch_bytes(const struct store_batch *b);
/* Convert and add a record of table t (as store_record, but nothing is
 * written yet): 0, or EX_DATAERR with e saying why (nothing added).  file
 * and line are kept for reports; file must live as long as the batch. */
int store_batch_record(struct store *s, struct store_batch *b,
	const struct schema_table *t, const struct json *rec,
	const struct json *time_extracted, const char *file,
	unsigned long line, struct err *e);
/* A STATE's value (checked as store_bookmark does; copied). */
int store_batch_bookmark(struct store_batch *b, const struct json *value,
	struct err *e);
/* A bad line, reported (in order) when the batch is applied; file must
 * live as long as the batch. */
void store_batch_report(struct store_batch *b, const char *file,
	unsigned long line, const char *why);
/* A STATE line to echo once the batch is committed ("\n" added). */
void store_batch_echo(struct store_batch *b, const char *line, size_t len);
/* Its STATE lines so far (len bytes, each ending in "\n"). */
const char *store_batch_echoes(const struct store_batch *b, size_t *len);
/* Commit after applying it. */
void store_batch_set_commit(struct store_batch *b);
int store_batch_commits(const struct store_batch *b);
/* Sort the rows (store_apply does it when not done): the filling thread
 * may take that work off the applier's. */
void store_batch_sort(const struct store *s, struct store_batch *b);
int store_apply(struct store *s, struct store_batch *b, int stop_at_bad,
	store_report_fn report, void *ctx, struct err *e);
/* Rows the last store_apply of b left out. */
size_t store_batch_refused(const struct store_batch *b);

/* Records written in the open batch (0 when none is open). */
uint64_t store_pending(const struct store *s);

/* Commit the open batch, if any. */
int store_commit(struct store *s, struct err *e);
/* Forget everything since the last commit. */
void store_rollback(struct store *s);

/*
 * Commit what is left, rebuild indexes (bulk), checkpoint and close.
 * Returns 0 or an error code; s is freed either way.  NULL is allowed.
 */
int store_close(struct store *s, struct err *e);

const struct store_stats *store_stats(const struct store *s);
/* The connection, for export and for tests. */
sqlite3 *store_db(struct store *s);

/*
 * Open the warehouse at path read-only, for a tool that only reads
 * reference data from it (resolve, normalize-phone), waiting up to 10 s
 * for a writer's lock.  0 with *db set, or EX_NOINPUT (no such file) or
 * EX_IOERR with e set (the path named) and *db NULL.
 */
int store_open_reader(const char *path, sqlite3 **db, struct err *e);

/*
 * Export.  For each row of table t (primary key order) append one Singer
 * RECORD line (with its newline) to a buffer and call emit(ctx, line, len);
 * first the SCHEMA line.  Values come back typed as load takes them:
 * strings, exact integers, floats in their shortest round-trip form,
 * booleans, arrays and JSON as JSON, NULL as null.  where_null (may be
 * NULL) keeps the rows where that column is NULL; since (may be NULL, a
 * timestamp) keeps rows with ingested_at >= since.  emit returns 0 to go
 * on, non-zero to stop (returned as is).
 */
struct store_export_opts {
	const char *where_null;
	const char *since;
};
int store_export(struct store *s, const struct schema_table *t,
	const struct store_export_opts *o,
	int (*emit)(void *ctx, const char *line, size_t len), void *ctx,
	struct err *e);

#endif
