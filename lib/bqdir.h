/*
 * bqdir.h: BigQuery load files, written by load --bq-dir (owner: warehouse).
 *
 * Layout of DIR (created 0700, files 0600):
 *   data/<table>/<run>-<n>.ndjson  rows for `bq load --source_format=
 *                                  NEWLINE_DELIMITED_JSON` into the staging
 *                                  table stg_<table>; a file is closed and a
 *                                  new one begun past the size limit
 *   schema/<table>.json            the staging table's JSON schema: the
 *                                  table's columns, then _sdc_batch (the
 *                                  run) and _sdc_sequence (row order)
 *   merge/<table>.sql              MERGE of stg_<table> into <table> on the
 *                                  primary key: the latest row of each key
 *                                  wins; deletes mark _sdc_deleted_at (or
 *                                  remove the row, with hard_delete)
 *   manifest.json                  one line per data file:
 *                                  {"table":T,"file":"data/...","rows":N,
 *                                  "bytes":B}: what is committed
 *   state.json                     every bookmark seen, merged (state.h)
 *   .lock                          flock(2): one writer at a time
 *
 * Exactly once: at a STATE, the data files are written out and fsync'ed,
 * then manifest.json and state.json are replaced by atomic rename (after an
 * fsync of the new file), then the directory is fsync'ed.  Opening DIR
 * first repairs what a killed run left: each file listed is cut back to its
 * committed length, data files not listed are removed.  So the files never
 * hold a row the state is ahead of, nor a half line; rows after the last
 * STATE may be written again by the next run, and the MERGE keeps one.
 *
 * Values are converted as for SQLite (value.h); null columns are left out
 * (NULL, or an empty array for a REPEATED column).  A record replaces the
 * whole row in BigQuery (columns it leaves out become NULL), except a
 * delete, which only marks the row.
 */
#ifndef SI_BQDIR_H
#define SI_BQDIR_H

#include <stddef.h>

#include "diag.h"
#include "json.h"
#include "schema.h"

#define BQDIR_FILE_SIZE_DEFAULT ((size_t)256 << 20)

struct bqdir;

/* Open (create, lock, repair) DIR.  max_file 0: the default.  hard_delete
 * selects the MERGE that removes deleted rows. */
int bqdir_open(struct bqdir **out, const char *dir, size_t max_file,
	int hard_delete, struct err *e);
/* Append one record of table t.  EX_DATAERR for a bad record (nothing
 * written); another code when writing failed. */
int bqdir_record(struct bqdir *b, const struct schema_table *t,
	const struct json *rec, const struct json *time_extracted,
	struct err *e);
/* Make everything so far durable, then merge value's bookmarks into
 * state.json.  EX_DATAERR when value is not a state object. */
int bqdir_state(struct bqdir *b, const struct json *value, struct err *e);
/* The two halves of bqdir_state: take the bookmarks (in memory), and make
 * the rows and bookmarks so far durable. */
int bqdir_bookmark(struct bqdir *b, const struct json *value, struct err *e);
int bqdir_commit(struct bqdir *b, struct err *e);
/* Forget the rows and bookmarks since the last commit (files cut back). */
void bqdir_rollback(struct bqdir *b);
/* Commit what is left, close and unlock; NULL ok. */
int bqdir_close(struct bqdir *b, struct err *e);

/* The MERGE statement of table t (appended to out); used for the files
 * and by tests. */
void bqdir_merge_sql(struct buf *out, const struct schema_table *t,
	int hard_delete);

#endif
