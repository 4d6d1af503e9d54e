/*
 * store.c: the SQLite warehouse (see store.h).
 *
 * Speed matters here (load's target is 300,000 rows/s): statements are
 * prepared once per table and per set of columns a record names, and
 * reused; values are bound straight from the parsed JSON (SQLITE_STATIC:
 * the strings live in the caller's json_doc until after the step) or from
 * one reused buffer per column; parameters are numbered by column index
 * (?1 is the table's first column), so every statement of a table binds
 * the same way; nothing is allocated per row.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "value.h"
#include "ts.h"
#include "banned.h"

#define MAX_COLS 62
/* Rows of one INSERT statement, when a batch holds that many of a table
 * with the same columns in a row (after sorting). */
#define STORE_MULTI_ROWS 16
/* Page cache while loading, and while building an index at the end (KB). */
#define LOAD_CACHE_KB "65536"
#define INDEX_CACHE_KB "4096"
/* Statement variants beside the upsert of a column set. */
#define KEY_UPDATE ((uint64_t)1 << 62)   /* a delete of maybe-absent row */
#define KEY_DELETE ((uint64_t)1 << 63)   /* hard delete */

struct cached_stmt {
	uint64_t key;
	unsigned nrows;                         /* rows of a multi-row INSERT */
	sqlite3_stmt *st;
};

struct tstate {
	/* Set at open, read-only after: the converter reads them (from
	 * another thread than the writer, in load's pipeline). */
	const struct schema_table *t;
	int ingested, extracted, deleted;       /* column indexes */
	uint64_t required;                      /* mask of required columns */
	uint64_t pkmask;
	int pkcols[MAX_COLS];                   /* primary key columns, in order */
	size_t npk;
	unsigned multi;                         /* rows per multi-row INSERT */
	/* The writer's. */
	struct cached_stmt *stmts;
	size_t nstmts, capstmts;
	size_t last;                            /* most recently used */
	int index_dropped;
	int bulk_checked;                       /* bulk_drop looked at it */
	int written;
};

/* The converter's: RECORD JSON to a batch row (store_batch_record). */
struct conv {
	int (*order)[MAX_COLS];                 /* per table: column of member
	                                         * i, last record */
	struct buf colbuf[MAX_COLS];
	struct value vals[MAX_COLS];
	struct buf te_in, te_out;               /* last time_extracted, converted */
};

/*
 * A batch: converted rows, ready to bind (text copied into one arena, so
 * the JSON they came from may go), the bookmarks of the STATEs among them,
 * the bad lines to report in order, the STATE lines to echo once
 * committed.
 */
#define BV_NOW 15       /* value kind: the batch's ingested_at */

struct bval {
	union {
		int64_t i;
		double d;
		size_t off;                     /* text: offset in b->text */
	} u;
	uint32_t n;                             /* text: bytes */
	unsigned char col, kind;
};

struct brow {
	uint64_t key;           /* statement: columns | KEY_UPDATE | KEY_DELETE */
	size_t val0;            /* its values: vals[val0 .. val0 + nvals) */
	size_t seq;             /* its position in the input */
	const char *file;
	unsigned long line;
	unsigned table;         /* index in s->ts */
	unsigned nvals;
	int is_delete;
};

struct bnote {                  /* a bookmark, a report, a refused row */
	size_t pos;             /* rows of the batch before it */
	size_t off, n;          /* text */
	const char *file;
	unsigned long line;
};

struct skey {
	uint64_t k;             /* table, first bytes of the primary key */
	size_t i;               /* the row */
};

struct store_batch {
	struct brow *rows;
	size_t nrows, caprows;
	struct bval *vals;
	size_t nvals, capvals;
	struct bnote *marks, *reps, *bad;
	size_t nmarks, capmarks, nreps, capreps, nbad, capbad;
	size_t *order;          /* rows in the order to apply them */
	size_t caporder;
	struct skey *skeys;
	size_t capskeys;
	int sorted;
	struct buf text;        /* text values */
	struct buf notes;       /* bookmark JSON, report reasons */
	/* The rows copied in sorted order (then swapped with the above), so
	 * the writer reads memory in order. */
	struct brow *rows2;
	struct bval *vals2;
	size_t caprows2, capvals2;
	struct buf text2;
	struct buf errs;        /* reasons of rows SQLite refused */
	struct buf echo;        /* STATE lines to echo once committed */
	int commit;
};

struct store {
	sqlite3 *db;
	struct store_opts o;
	int in_tx;
	uint64_t pending;                       /* records in the open batch */
	int readonly;
	char now[32];                           /* ingested_at of this batch */
	size_t now_n;
	struct store_stats stats;
	struct tstate *ts;                      /* one per schema table */
	struct conv cv;
	struct store_batch *one;                /* store_record's */
	struct json_doc bdoc;                   /* bookmarks of a batch */
	struct buf sql;
	struct buf scratch;
	sqlite3_stmt *sync_st, *gmail_st, *begin_st, *commit_st;
};

static int
db_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EX_TEMPFAIL;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return EX_IOERR;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return EX_DATAERR;
	default:
		return EX_SOFTWARE;
	}
}

static int
db_err(struct store *s, int rc, struct err *e, const char *what)
{
	return err_set(e, db_code(rc), "%s: %s", what, sqlite3_errmsg(s->db));
}

static int
exec(struct store *s, const char *sql, struct err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		err_set(e, db_code(rc), "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return e->code;
	}
	return 0;
}

/* Create missing tables, add missing columns, create the indexes. */
static int
ensure_schema(struct store *s, struct err *e)
{
	size_t i, j;
	int rc;

	if ((rc = exec(s, "BEGIN IMMEDIATE", e)) != 0)
		return rc;
	for (i = 0; i < schema_table_count(); i++) {
		const struct schema_table *t = schema_table_at(i);
		sqlite3_stmt *st;
		uint64_t have = 0;
		int any = 0;

		buf_reset(&s->sql);
		buf_printf(&s->sql, "PRAGMA table_info(%s)", t->name);
		rc = sqlite3_prepare_v2(s->db, buf_cstr(&s->sql), -1, &st, NULL);
		if (rc != SQLITE_OK) {
			db_err(s, rc, e, t->name);
			goto fail;
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 1);
			int k = name ? schema_column_index(t, name) : -1;

			any = 1;
			if (k >= 0)
				have |= (uint64_t)1 << k;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			db_err(s, rc, e, t->name);
			goto fail;
		}
		buf_reset(&s->sql);
		if (!any) {
			schema_sqlite_ddl(&s->sql, t);
		} else {
			for (j = 0; j < t->ncols; j++) {
				if (have & ((uint64_t)1 << j))
					continue;
				/* Added columns are nullable: old rows lack them. */
				buf_printf(&s->sql, "ALTER TABLE %s ADD COLUMN %s %s;\n",
					t->name, t->cols[j].name,
					schema_type_sqlite(t->cols[j].type));
			}
			schema_sqlite_index_ddl(&s->sql, t);
		}
		if ((rc = exec(s, buf_cstr(&s->sql), e)) != 0)
			goto fail;
	}
	return exec(s, "COMMIT", e);
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return e->code;
}

static int
tstates_init(struct store *s, struct err *e)
{
	size_t i, j, k;
	int lim = sqlite3_limit(s->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);

	s->ts = xcalloc(schema_table_count(), sizeof(*s->ts));
	s->cv.order = xcalloc(schema_table_count(), sizeof(*s->cv.order));
	for (i = 0; i < schema_table_count(); i++) {
		struct tstate *ts = &s->ts[i];
		const struct schema_table *t = schema_table_at(i);

		ts->t = t;
		if (t->ncols > MAX_COLS)
			return err_set(e, EX_SOFTWARE, "table %s has more than %d "
				"columns", t->name, MAX_COLS);
		ts->ingested = schema_column_index(t, "ingested_at");
		ts->extracted = schema_column_index(t, "_sdc_extracted_at");
		ts->deleted = schema_column_index(t, "_sdc_deleted_at");
		for (j = 0; j < t->ncols; j++)
			if (t->cols[j].flags & COL_REQUIRED)
				ts->required |= (uint64_t)1 << j;
		for (k = 0; k < t->npk; k++) {
			ts->pkcols[k] = schema_column_index(t, t->pk[k]);
			ts->pkmask |= (uint64_t)1 << ts->pkcols[k];
		}
		ts->npk = t->npk;
		ts->multi = STORE_MULTI_ROWS;
		while (ts->multi > 1 && (size_t)lim < ts->multi * t->ncols)
			ts->multi /= 2;
		for (j = 0; j < MAX_COLS; j++)
			s->cv.order[i][j] = -1;
	}
	return 0;
}

static int
create_private(const char *path, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		return err_set(e, EX_IOERR, "%s: %s", path, strerror(errno));
	}
	/* The umask may have taken bits away, never added any; be exact. */
	if (fchmod(fd, 0600) != 0 || close(fd) != 0)
		return err_set(e, EX_IOERR, "%s: %s", path, strerror(errno));
	return 0;
}

/*
 * WAL: readers never block the writer; NORMAL: a commit is safe from a
 * crash of the process, which is what exactly-once needs, without an fsync
 * per batch.  Switching a new database to WAL takes an exclusive lock, and
 * SQLite answers "locked" at once, without the busy handler, while another
 * process is setting up the same new file: retry within the busy timeout.
 */
static int
set_wal(struct store *s, struct err *e)
{
	int waited = 0, rc;

	for (;;) {
		rc = exec(s, "PRAGMA journal_mode=WAL;"
		    "PRAGMA synchronous=NORMAL;"
		    "PRAGMA cache_size=-" LOAD_CACHE_KB, e);
		if (rc != EX_TEMPFAIL || waited >= s->o.busy_timeout_ms)
			return rc;
		err_release(e);
		sqlite3_sleep(20);
		waited += 20;
	}
}

int
store_open(struct store **out, const char *path,
	const struct store_opts *opts, struct err *e)
{
	struct store *s;
	struct stat sb;
	int rc, flags;

	*out = NULL;
	/* No allocation statistics: they take a global mutex per malloc.
	 * (Only possible before SQLite initializes; harmless after.) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	s = xcalloc(1, sizeof(*s));
	json_doc_init(&s->bdoc);
	if (opts)
		s->o = *opts;
	if (s->o.busy_timeout_ms <= 0)
		s->o.busy_timeout_ms = STORE_BUSY_TIMEOUT_MS;
	s->readonly = s->o.readonly;
	if (s->readonly) {
		if (stat(path, &sb) != 0) {
			rc = err_set(e, EX_NOINPUT, "%s: %s", path, strerror(errno));
			goto fail;
		}
		flags = SQLITE_OPEN_READONLY;
	} else {
		/* ":memory:" is SQLite's private in-memory database: load
		 * --db :memory: checks a stream without keeping it. */
		if (strcmp(path, ":memory:") != 0 &&
		    (rc = create_private(path, e)) != 0)
			goto fail;
		flags = SQLITE_OPEN_READWRITE;
	}
	rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = err_set(e, db_code(rc), "%s: %s", path,
			s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, s->o.busy_timeout_ms);
	sqlite3_extended_result_codes(s->db, 0);
	if (!s->readonly) {
		if ((rc = set_wal(s, e)) != 0) {
			err_prefix(e, "%s", path);
			goto fail;
		}
		if ((rc = ensure_schema(s, e)) != 0) {
			err_prefix(e, "%s", path);
			goto fail;
		}
	} else if ((rc = exec(s, "PRAGMA query_only=1", e)) != 0) {
		err_prefix(e, "%s", path);
		goto fail;
	}
	if ((rc = tstates_init(s, e)) != 0)
		goto fail;
	buf_init(&s->scratch, 0);
	*out = s;
	return 0;
fail:
	store_close(s, NULL);
	return rc;
}

const struct store_stats *
store_stats(const struct store *s)
{
	return &s->stats;
}

sqlite3 *
store_db(struct store *s)
{
	return s->db;
}

static int
begin(struct store *s, struct err *e)
{
	struct buf b = BUF_INIT;
	int rc;

	if (s->in_tx)
		return 0;
	if (!s->begin_st) {
		rc = sqlite3_prepare_v2(s->db, "BEGIN IMMEDIATE", -1,
			&s->begin_st, NULL);
		if (rc != SQLITE_OK)
			return db_err(s, rc, e, "begin");
		rc = sqlite3_prepare_v2(s->db, "COMMIT", -1, &s->commit_st, NULL);
		if (rc != SQLITE_OK)
			return db_err(s, rc, e, "commit");
	}
	rc = sqlite3_step(s->begin_st);
	sqlite3_reset(s->begin_st);
	if (rc != SQLITE_DONE)
		return db_err(s, rc, e, "begin");
	s->in_tx = 1;
	ts_format(&b, ts_now_ms());
	s->now_n = b.len < sizeof(s->now) ? b.len : sizeof(s->now) - 1;
	memcpy(s->now, buf_cstr(&b), s->now_n);
	s->now[s->now_n] = '\0';
	buf_release(&b);
	return 0;
}

int
store_commit(struct store *s, struct err *e)
{
	int rc;

	if (!s->in_tx)
		return 0;
	rc = sqlite3_step(s->commit_st);
	sqlite3_reset(s->commit_st);
	if (rc != SQLITE_DONE) {
		/* A failed COMMIT (disk full, busy) leaves the transaction open:
		 * drop it, the caller reports and stops. */
		db_err(s, rc, e, "commit");
		store_rollback(s);
		return e->code;
	}
	s->in_tx = 0;
	s->pending = 0;
	s->stats.commits++;
	return 0;
}

void
store_rollback(struct store *s)
{
	if (!s->in_tx)
		return;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
	s->pending = 0;
}

enum colfmt {
	CF_NAME,        /* name */
	CF_PARAM,       /* ?N */
	CF_SET,         /* name = ?N */
	CF_EXCLUDED     /* name = excluded.name */
};

/* The columns of mask, separated by sep; N is the column's number. */
static void
add_cols(struct buf *b, const struct schema_table *t, uint64_t mask,
	enum colfmt f, const char *sep)
{
	size_t j;
	int first = 1;

	for (j = 0; j < t->ncols; j++) {
		const char *n = t->cols[j].name;

		if (!(mask & ((uint64_t)1 << j)))
			continue;
		if (!first)
			buf_addstr(b, sep);
		first = 0;
		switch (f) {
		case CF_NAME: buf_addstr(b, n); break;
		case CF_PARAM: buf_printf(b, "?%zu", j + 1); break;
		case CF_SET: buf_printf(b, "%s = ?%zu", n, j + 1); break;
		case CF_EXCLUDED: buf_printf(b, "%s = excluded.%s", n, n); break;
		}
	}
}

static void
add_pk_where(struct buf *b, struct tstate *ts)
{
	buf_addstr(b, " WHERE ");
	add_cols(b, ts->t, ts->pkmask, CF_SET, " AND ");
}

static sqlite3_stmt *
stmt_for(struct store *s, struct tstate *ts, uint64_t key, unsigned nrows,
	struct err *e)
{
	const struct schema_table *t = ts->t;
	struct buf *b = &s->sql;
	uint64_t cols = key & ~(KEY_UPDATE | KEY_DELETE);
	sqlite3_stmt *st;
	size_t i, j;
	unsigned r;
	int rc;

	if (ts->nstmts && ts->stmts[ts->last].key == key &&
	    ts->stmts[ts->last].nrows == nrows)
		return ts->stmts[ts->last].st;
	for (i = 0; i < ts->nstmts; i++)
		if (ts->stmts[i].key == key && ts->stmts[i].nrows == nrows) {
			ts->last = i;
			return ts->stmts[i].st;
		}
	buf_reset(b);
	if (key & KEY_DELETE) {
		buf_printf(b, "DELETE FROM %s", t->name);
		add_pk_where(b, ts);
	} else if (key & KEY_UPDATE) {
		buf_printf(b, "UPDATE %s SET ", t->name);
		add_cols(b, t, cols & ~ts->pkmask, CF_SET, ", ");
		add_pk_where(b, ts);
	} else {
		/* Row r binds column j to ?(r * ncols + j + 1). */
		buf_printf(b, "INSERT INTO %s (", t->name);
		add_cols(b, t, cols, CF_NAME, ", ");
		buf_addstr(b, ") VALUES ");
		for (r = 0; r < nrows; r++) {
			int first = 1;

			buf_addstr(b, r ? ", (" : "(");
			for (j = 0; j < t->ncols; j++) {
				if (!(cols & ((uint64_t)1 << j)))
					continue;
				buf_printf(b, "%s?%zu", first ? "" : ", ",
					r * t->ncols + j + 1);
				first = 0;
			}
			buf_addch(b, ')');
		}
		buf_addstr(b, " ON CONFLICT (");
		add_cols(b, t, ts->pkmask, CF_NAME, ", ");
		buf_addstr(b, ") DO UPDATE SET ");
		add_cols(b, t, cols & ~ts->pkmask, CF_EXCLUDED, ", ");
	}
	if (buf_failed(b)) {
		err_set(e, EX_SOFTWARE, "out of memory building SQL");
		return NULL;
	}
	rc = sqlite3_prepare_v3(s->db, buf_cstr(b), (int)b->len,
		SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		db_err(s, rc, e, t->name);
		return NULL;
	}
	if (ts->nstmts == ts->capstmts) {
		ts->capstmts = ts->capstmts ? 2 * ts->capstmts : 4;
		ts->stmts = xrealloc(ts->stmts, ts->capstmts * sizeof(*ts->stmts));
	}
	ts->stmts[ts->nstmts].key = key;
	ts->stmts[ts->nstmts].nrows = nrows;
	ts->stmts[ts->nstmts].st = st;
	ts->last = ts->nstmts++;
	return st;
}

/* Drop the clustering index of a table written in bulk mode (rebuilt at
 * close). */
static int
bulk_drop(struct store *s, struct tstate *ts, struct err *e)
{
	sqlite3_stmt *st;
	int rc, empty;

	if (ts->index_dropped || ts->bulk_checked || ts->t->ncluster == 0)
		return 0;
	ts->bulk_checked = 1;
	if (!s->o.bulk) {
		/* A table empty at its first write in this run is filled
		 * without its clustering index, built once at the end: a
		 * first load of a table is several times faster so. */
		buf_reset(&s->sql);
		buf_printf(&s->sql, "SELECT 1 FROM %s LIMIT 1", ts->t->name);
		rc = sqlite3_prepare_v2(s->db, buf_cstr(&s->sql), -1, &st, NULL);
		if (rc != SQLITE_OK)
			return db_err(s, rc, e, ts->t->name);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_err(s, rc, e, ts->t->name);
		empty = rc == SQLITE_DONE;
		if (!empty)
			return 0;
	}
	buf_reset(&s->sql);
	buf_printf(&s->sql, "DROP INDEX IF EXISTS %s__cluster", ts->t->name);
	ts->index_dropped = 1;
	return exec(s, buf_cstr(&s->sql), e);
}

/* ---- batches ---- */

/* Grow an array to hold need elements of size bytes. */
static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	*cap = c;
	return xrealloc(p, c * size);
}

struct store_batch *
store_batch_new(void)
{
	struct store_batch *b = xcalloc(1, sizeof(*b));

	buf_init(&b->text, 0);
	buf_init(&b->notes, 0);
	buf_init(&b->text2, 0);
	buf_init(&b->errs, 0);
	buf_init(&b->echo, 0);
	return b;
}

void
store_batch_reset(struct store_batch *b)
{
	b->nrows = b->nvals = b->nmarks = b->nreps = b->nbad = 0;
	buf_reset(&b->text);
	buf_reset(&b->notes);
	buf_reset(&b->errs);
	buf_reset(&b->echo);
	b->commit = 0;
	b->sorted = 0;
}

void
store_batch_free(struct store_batch *b)
{
	if (!b)
		return;
	free(b->rows);
	free(b->vals);
	free(b->marks);
	free(b->reps);
	free(b->bad);
	free(b->order);
	free(b->skeys);
	buf_release(&b->text);
	buf_release(&b->notes);
	buf_release(&b->text2);
	free(b->rows2);
	free(b->vals2);
	buf_release(&b->errs);
	buf_release(&b->echo);
	free(b);
}

size_t
store_batch_rows(const struct store_batch *b)
{
	return b->nrows;
}

size_t
store_batch_bytes(const struct store_batch *b)
{
	return b->text.len + b->notes.len + b->nvals * sizeof(struct bval) +
		b->nrows * sizeof(struct brow) +
		(b->nreps + b->nmarks) * sizeof(struct bnote);
}

static struct bnote *
add_note(struct bnote **v, size_t *n, size_t *cap, size_t pos)
{
	struct bnote *x;

	*v = grow(*v, cap, *n + 1, sizeof(**v));
	x = &(*v)[(*n)++];
	memset(x, 0, sizeof(*x));
	x->pos = pos;
	return x;
}

void
store_batch_report(struct store_batch *b, const char *file,
	unsigned long line, const char *why)
{
	struct bnote *x = add_note(&b->reps, &b->nreps, &b->capreps, b->nrows);

	x->file = file;
	x->line = line;
	x->off = b->notes.len;
	x->n = strlen(why);
	buf_add(&b->notes, why, x->n);
}

void
store_batch_echo(struct store_batch *b, const char *line, size_t len)
{
	buf_add(&b->echo, line, len);
	buf_addch(&b->echo, '\n');
}

const char *
store_batch_echoes(const struct store_batch *b, size_t *len)
{
	*len = b->echo.len;
	return buf_cstr(&b->echo);
}

int
store_batch_commits(const struct store_batch *b)
{
	return b->commit;
}

void
store_batch_set_commit(struct store_batch *b)
{
	b->commit = 1;
}

int
store_bookmark_check(const struct json *value, struct err *e)
{
	const struct json *bms;

	if (!value || value->type != JSON_OBJECT)
		return err_set(e, EX_DATAERR, "STATE value is not an object");
	bms = json_get(value, "bookmarks");
	if (bms && bms->type != JSON_OBJECT)
		return err_set(e, EX_DATAERR, "STATE bookmarks is not an object");
	return 0;
}

int
store_batch_bookmark(struct store_batch *b, const struct json *value,
	struct err *e)
{
	struct bnote *x;
	int rc;

	if ((rc = store_bookmark_check(value, e)) != 0)
		return rc;
	x = add_note(&b->marks, &b->nmarks, &b->capmarks, b->nrows);
	x->off = b->notes.len;
	json_write(&b->notes, value);
	x->n = b->notes.len - x->off;
	if (buf_failed(&b->notes))
		return err_set(e, EX_SOFTWARE, "out of memory");
	return 0;
}

static size_t
tindex_of(const struct store *s, const struct schema_table *t)
{
	size_t i;

	/* Tables are few: compare pointers first, names as a fallback. */
	for (i = 0; i < schema_table_count(); i++)
		if (s->ts[i].t == t)
			return i;
	for (i = 0; i < schema_table_count(); i++)
		if (strcmp(s->ts[i].t->name, t->name) == 0)
			return i;
	return (size_t)-1;
}

int
store_batch_record(struct store *s, struct store_batch *b,
	const struct schema_table *t, const struct json *rec,
	const struct json *time_extracted, const char *file,
	unsigned long line, struct err *e)
{
	size_t ti = tindex_of(s, t);
	struct tstate *ts;
	struct conv *cv = &s->cv;
	const struct json *m;
	uint64_t mask = 0, key;
	struct value *vals = cv->vals;
	struct brow *row;
	size_t pos;
	int rc, is_delete;
	uint64_t j;

	if (ti == (size_t)-1)
		return err_set(e, EX_DATAERR, "unknown stream %s", t->name);
	ts = &s->ts[ti];
	t = ts->t;
	if (!rec || rec->type != JSON_OBJECT)
		return err_set(e, EX_DATAERR, "record is not an object");
	for (m = rec->child, pos = 0; m; m = m->next, pos++) {
		int k = pos < MAX_COLS ? cv->order[ti][pos] : -1;

		if (k < 0 || strcmp(t->cols[k].name, m->key) != 0) {
			k = schema_column_indexn(t, m->key, m->key_n);
			if (k < 0)
				return err_set(e, EX_DATAERR, "unknown column %.64s "
					"in stream %s", m->key, t->name);
			if (pos < MAX_COLS)
				cv->order[ti][pos] = k;
		}
		if (mask & ((uint64_t)1 << k))
			return err_set(e, EX_DATAERR, "column %s given twice",
				t->cols[k].name);
		if ((rc = value_convert(&cv->colbuf[k], &t->cols[k], m, &vals[k],
		    e)) != 0)
			return rc;
		mask |= (uint64_t)1 << k;
	}
	if ((mask & ts->pkmask) != ts->pkmask) {
		for (j = 0; j < t->ncols; j++)
			if ((ts->pkmask & ((uint64_t)1 << j)) && !(mask & ((uint64_t)1 << j)))
				break;
		return err_set(e, EX_DATAERR, "primary key column %s missing",
			t->cols[j].name);
	}
	if (ts->deleted >= 0 && !(mask & ((uint64_t)1 << ts->deleted))) {
		vals[ts->deleted].kind = V_NULL;
		mask |= (uint64_t)1 << ts->deleted;
	}
	is_delete = ts->deleted >= 0 && vals[ts->deleted].kind != V_NULL;
	if (ts->extracted >= 0 && !(mask & ((uint64_t)1 << ts->extracted)) &&
	    time_extracted && time_extracted->type != JSON_NULL) {
		struct value *x = &vals[ts->extracted];

		/* A pull stamps a whole page alike: convert it once. */
		if (json_is_str(time_extracted) && cv->te_out.len &&
		    time_extracted->n == cv->te_in.len &&
		    memcmp(time_extracted->s, cv->te_in.data, cv->te_in.len) == 0) {
			x->kind = V_TEXT;
			x->p = cv->te_out.data;
			x->n = cv->te_out.len;
		} else {
			rc = value_convert(&cv->colbuf[ts->extracted],
				&t->cols[ts->extracted], time_extracted, x, e);
			if (rc != 0) {
				err_prefix(e, "time_extracted");
				return rc;
			}
			buf_reset(&cv->te_in);
			buf_reset(&cv->te_out);
			if (json_is_str(time_extracted) && x->kind == V_TEXT) {
				buf_add(&cv->te_in, time_extracted->s,
					time_extracted->n);
				buf_add(&cv->te_out, x->p, x->n);
				x->p = cv->te_out.data;
			}
		}
		mask |= (uint64_t)1 << ts->extracted;
	}
	if (ts->ingested >= 0 && !(mask & ((uint64_t)1 << ts->ingested))) {
		vals[ts->ingested].kind = (enum value_kind)BV_NOW;
		mask |= (uint64_t)1 << ts->ingested;
	}
	if (is_delete && s->o.hard_delete)
		key = KEY_DELETE | ts->pkmask;
	else if ((mask & ts->required) != ts->required) {
		if (!is_delete) {
			for (j = 0; j < t->ncols; j++)
				if ((ts->required & ((uint64_t)1 << j)) &&
				    !(mask & ((uint64_t)1 << j)))
					break;
			return err_set(e, EX_DATAERR, "required column %s missing",
				t->cols[j].name);
		}
		key = KEY_UPDATE | mask;
	} else {
		key = mask;
	}

	/* Append the row: its values in column order, text copied. */
	b->rows = grow(b->rows, &b->caprows, b->nrows + 1, sizeof(*b->rows));
	b->vals = grow(b->vals, &b->capvals, b->nvals + t->ncols,
		sizeof(*b->vals));
	row = &b->rows[b->nrows];
	row->key = key;
	row->val0 = b->nvals;
	row->seq = b->nrows;
	row->file = file;
	row->line = line;
	row->table = (unsigned)ti;
	row->is_delete = is_delete;
	for (j = 0; j < t->ncols; j++) {
		struct bval *v;

		if (!(mask & ((uint64_t)1 << j)))
			continue;
		v = &b->vals[b->nvals++];
		v->col = (unsigned char)j;
		v->kind = (unsigned char)vals[j].kind;
		v->n = 0;
		switch ((int)vals[j].kind) {
		case V_INT:
			v->u.i = vals[j].i;
			break;
		case V_DBL:
			v->u.d = vals[j].d;
			break;
		case V_TEXT:
			if (vals[j].n > UINT32_MAX) {
				b->nvals = row->val0;
				return err_set(e, EX_DATAERR, "column %s: value "
					"too large", t->cols[j].name);
			}
			v->u.off = b->text.len;
			v->n = (uint32_t)vals[j].n;
			buf_add(&b->text, vals[j].p ? vals[j].p : "", vals[j].n);
			break;
		default:
			v->u.i = 0;
			break;
		}
	}
	row->nvals = (unsigned)(b->nvals - row->val0);
	if (buf_failed(&b->text)) {
		b->nvals = row->val0;
		return err_set(e, EX_SOFTWARE, "out of memory");
	}
	b->nrows++;
	return 0;
}

/* ---- applying a batch (the writer) ---- */

struct sort_ctx {
	const struct store *s;
	const struct store_batch *b;
};

static const struct bval *
row_val(const struct store_batch *b, const struct brow *r, int col)
{
	const struct bval *v = &b->vals[r->val0];
	unsigned i;

	for (i = 0; i < r->nvals; i++)
		if (v[i].col == col)
			return &v[i];
	return NULL;
}

/* SQLite's order for values of one kind (BINARY collation for text). */
static int
bval_cmp(const struct store_batch *b, const struct bval *x,
	const struct bval *y)
{
	size_t n;
	int c;

	if (!x || !y)
		return (x != NULL) - (y != NULL);
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	switch (x->kind) {
	case V_INT:
		return (x->u.i > y->u.i) - (x->u.i < y->u.i);
	case V_DBL:
		return (x->u.d > y->u.d) - (x->u.d < y->u.d);
	case V_TEXT:
		n = x->n < y->n ? x->n : y->n;
		c = n ? memcmp(b->text.data + x->u.off, b->text.data + y->u.off,
			n) : 0;
		if (c)
			return c;
		return (x->n > y->n) - (x->n < y->n);
	default:
		return 0;
	}
}

/*
 * Rows by table, then primary key, then position: the index is walked in
 * order (its pages stay hot), and the rows of one key keep their order,
 * so the last one still wins.
 */
static int
row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	const struct brow *x = &c->b->rows[ia], *y = &c->b->rows[ib];
	const struct tstate *ts;
	size_t k;
	int r;

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	ts = &c->s->ts[x->table];
	for (k = 0; k < ts->npk; k++) {
		r = bval_cmp(c->b, row_val(c->b, x, ts->pkcols[k]),
			row_val(c->b, y, ts->pkcols[k]));
		if (r)
			return r;
	}
	return (ia > ib) - (ia < ib);
}

static int
bind_val(struct store *s, sqlite3_stmt *st, int i, const struct store_batch *b,
	const struct bval *v)
{
	switch (v->kind) {
	case V_INT:
		return sqlite3_bind_int64(st, i, v->u.i);
	case V_DBL:
		return sqlite3_bind_double(st, i, v->u.d);
	case V_TEXT:
		return sqlite3_bind_text64(st, i, b->text.data ?
			b->text.data + v->u.off : "", v->n, SQLITE_STATIC,
			SQLITE_UTF8);
	case BV_NOW:
		return sqlite3_bind_text64(st, i, s->now, s->now_n,
			SQLITE_STATIC, SQLITE_UTF8);
	default:
		return sqlite3_bind_null(st, i);
	}
}

/* A refusal of SQLite's that concerns the row, not the database. */
static int
row_refused(int rc)
{
	return rc == SQLITE_CONSTRAINT || rc == SQLITE_TOOBIG ||
		rc == SQLITE_MISMATCH;
}

/*
 * Run one statement for rows order[i .. i + n) (n > 1: a multi-row
 * INSERT).  0; -1 when SQLite refused a row (the statement is undone,
 * nothing of it written); else an error code.
 */
static int
run_rows(struct store *s, struct store_batch *b, size_t i, unsigned n,
	struct err *e)
{
	const struct brow *r0 = &b->rows[b->order[i]];
	struct tstate *ts = &s->ts[r0->table];
	sqlite3_stmt *st;
	unsigned k, v;
	int rc;

	if (!(st = stmt_for(s, ts, r0->key, n, e)))
		return e->code == EX_DATAERR ? EX_SOFTWARE : e->code;
	for (k = 0; k < n; k++) {
		const struct brow *r = &b->rows[b->order[i + k]];
		int base = (int)(k * ts->t->ncols) + 1;

		for (v = 0; v < r->nvals; v++) {
			const struct bval *x = &b->vals[r->val0 + v];

			if ((r->key & KEY_DELETE) &&
			    !(ts->pkmask & ((uint64_t)1 << x->col)))
				continue;
			if ((rc = bind_val(s, st, base + x->col, b, x)) !=
			    SQLITE_OK) {
				sqlite3_reset(st);
				rc = db_err(s, rc, e, ts->t->name);
				return rc == EX_DATAERR ? EX_SOFTWARE : rc;
			}
		}
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		for (k = 0; k < n; k++) {
			if (b->rows[b->order[i + k]].is_delete)
				s->stats.deleted++;
			else
				s->stats.upserted++;
		}
		s->pending += n;
		ts->written = 1;
		return 0;
	}
	if (row_refused(rc))
		return -1;
	rc = db_err(s, rc, e, ts->t->name);
	return rc == EX_DATAERR ? EX_SOFTWARE : rc;
}

static void
refuse(struct store *s, struct store_batch *b, size_t i)
{
	const struct brow *r = &b->rows[b->order[i]];
	struct bnote *x = add_note(&b->bad, &b->nbad, &b->capbad, r->seq);
	const char *msg = sqlite3_errmsg(s->db);

	x->file = r->file;
	x->line = r->line;
	x->off = b->errs.len;
	x->n = strlen(msg);
	buf_add(&b->errs, msg, x->n);
}

/* The first 8 bytes of a value, so that most comparisons are of one
 * integer: big-endian text (zero-padded), or an integer/double mapped to
 * an unsigned order. */
static uint64_t
bval_prefix(const struct store_batch *b, const struct bval *v)
{
	uint64_t k = 0;
	size_t i;

	if (!v)
		return 0;
	switch (v->kind) {
	case V_INT:
		return (uint64_t)v->u.i ^ ((uint64_t)1 << 63);
	case V_DBL: {
		double d = v->u.d == 0 ? 0 : v->u.d;    /* -0 is 0 */
		uint64_t u;

		memcpy(&u, &d, sizeof(u));
		return (u & ((uint64_t)1 << 63)) ? ~u : u | ((uint64_t)1 << 63);
	}
	case V_TEXT:
		for (i = 0; i < 8; i++)
			k = k << 8 | (i < v->n ?
				(unsigned char)b->text.data[v->u.off + i] : 0);
		return k;
	default:
		return 0;
	}
}

static int
skey_cmp(const void *pa, const void *pb, void *arg)
{
	const struct skey *x = pa, *y = pb;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return row_cmp(&x->i, &y->i, arg);
}

/* Exchange two objects of the same type (at most 64 bytes). */
#define SWAP(a, b) do { \
	_Static_assert(sizeof(a) <= 64, "SWAP: object too large"); \
	(void)sizeof((a) = (b));        /* the same type */ \
	swap_mem(&(a), &(b), sizeof(a)); \
} while (0)

static void
swap_mem(void *a, void *b, size_t n)
{
	unsigned char t[64];

	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

/* Copy the rows, their values and text in the order of b->skeys. */
static void
reorder(struct store_batch *b)
{
	size_t i, k, nv = 0, n = b->nrows;
	size_t pos = 0;
	char *dst;

	buf_reset(&b->text2);
	if (buf_grow(&b->text2, b->text.len + 1) != 0) {
		/* No room for the copy: apply in sorted order from where
		 * the rows are. */
		for (i = 0; i < n; i++)
			b->order[i] = b->skeys[i].i;
		return;
	}
	dst = b->text2.data;
	b->rows2 = grow(b->rows2, &b->caprows2, n, sizeof(*b->rows2));
	b->vals2 = grow(b->vals2, &b->capvals2, b->nvals, sizeof(*b->vals2));
	for (i = 0; i < n; i++) {
		const struct brow *r = &b->rows[b->skeys[i].i];
		struct brow *d = &b->rows2[i];

		*d = *r;
		d->val0 = nv;
		for (k = 0; k < r->nvals; k++) {
			struct bval *v = &b->vals2[nv++];

			*v = b->vals[r->val0 + k];
			if (v->kind == V_TEXT) {
				memcpy(dst + pos, b->text.data + v->u.off, v->n);
				v->u.off = pos;
				pos += v->n;
			}
		}
		b->order[i] = i;
	}
	b->text2.len = pos;
	dst[pos] = '\0';
	SWAP(b->rows, b->rows2);
	SWAP(b->caprows, b->caprows2);
	SWAP(b->vals, b->vals2);
	SWAP(b->capvals, b->capvals2);
	SWAP(b->text, b->text2);
}

void
store_batch_sort(const struct store *s, struct store_batch *b)
{
	struct sort_ctx sc = { s, b };
	size_t i, n = b->nrows;

	b->order = grow(b->order, &b->caporder, n ? n : 1, sizeof(*b->order));
	b->sorted = 1;
	if (n < 2) {
		b->order[0] = 0;
		return;
	}
	b->skeys = grow(b->skeys, &b->capskeys, n, sizeof(*b->skeys));
	for (i = 0; i < n; i++) {
		const struct brow *r = &b->rows[i];
		const struct tstate *ts = &s->ts[r->table];

		/* Tables are few: the table index in the top byte. */
		b->skeys[i].k = (uint64_t)r->table << 56 |
			bval_prefix(b, row_val(b, r, ts->pkcols[0])) >> 8;
		b->skeys[i].i = i;
	}
	qsort_r(b->skeys, n, sizeof(*b->skeys), skey_cmp, &sc);
	reorder(b);
}

static int
apply_rows(struct store *s, struct store_batch *b, struct err *e)
{
	size_t i, j, k, n = b->nrows;
	int rc;

	if (!b->sorted)
		store_batch_sort(s, b);
	for (i = 0; i < n; i = j) {
		const struct brow *r = &b->rows[b->order[i]];
		struct tstate *ts = &s->ts[r->table];
		unsigned m = 1;

		if ((rc = bulk_drop(s, ts, e)) != 0)
			return rc == EX_DATAERR ? EX_SOFTWARE : rc;
		j = i + 1;
		if (!(r->key & (KEY_UPDATE | KEY_DELETE)) && ts->multi > 1) {
			while (j < n && j - i < ts->multi &&
			    b->rows[b->order[j]].table == r->table &&
			    b->rows[b->order[j]].key == r->key)
				j++;
			if (j - i == ts->multi)
				m = ts->multi;
			else
				j = i + 1;
		}
		rc = run_rows(s, b, i, m, e);
		if (rc > 0)
			return rc;
		if (rc < 0 && m == 1)
			refuse(s, b, i);
		else if (rc < 0) {
			/* Which row?  One by one, the others still go in. */
			for (k = i; k < j; k++) {
				rc = run_rows(s, b, k, 1, e);
				if (rc > 0)
					return rc;
				if (rc < 0)
					refuse(s, b, k);
			}
		}
	}
	return 0;
}

static int
note_pos_cmp(const void *pa, const void *pb)
{
	const struct bnote *x = pa, *y = pb;

	return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * Report the batch's bad lines in input order: the converter's (a report
 * made after p rows comes before row p) merged with the rows SQLite
 * refused.  With stop, only up to the first one.  Returns how many were
 * reported.
 */
static size_t
report_all(struct store_batch *b, int stop, store_report_fn report,
	void *ctx)
{
	size_t i = 0, j = 0, n = 0;

	if (b->nbad > 1)
		qsort(b->bad, b->nbad, sizeof(*b->bad), note_pos_cmp);
	while (i < b->nreps || j < b->nbad) {
		struct bnote *x;
		const char *base;

		if (stop && n)
			break;
		if (j == b->nbad || (i < b->nreps && b->reps[i].pos <= b->bad[j].pos)) {
			x = &b->reps[i++];
			base = b->notes.data;
		} else {
			x = &b->bad[j++];
			base = b->errs.data;
		}
		if (report) {
			struct buf why = BUF_INIT;

			buf_add(&why, base ? base + x->off : "", x->n);
			report(ctx, x->file, x->line, buf_cstr(&why));
			buf_release(&why);
		}
		n++;
	}
	return n;
}

int
store_apply(struct store *s, struct store_batch *b, int stop_at_bad,
	store_report_fn report, void *ctx, struct err *e)
{
	size_t i;
	int rc;

	b->nbad = 0;
	buf_reset(&b->errs);
	if (b->nrows || b->nmarks) {
		if ((rc = begin(s, e)) != 0)
			return rc == EX_DATAERR ? EX_SOFTWARE : rc;
	}
	if (b->nrows && (rc = apply_rows(s, b, e)) != 0)
		return rc;
	report_all(b, stop_at_bad, report, ctx);
	if (b->nbad && stop_at_bad)
		return EX_DATAERR;
	for (i = 0; i < b->nmarks; i++) {
		struct err pe = ERR_INIT;
		const struct json *v = json_parse(&s->bdoc, b->notes.data +
			b->marks[i].off, b->marks[i].n, &pe);

		if (!v) {
			rc = err_set(e, EX_SOFTWARE, "bookmark: %s", pe.msg);
			err_release(&pe);
			return rc;
		}
		if ((rc = store_bookmark(s, v, e)) != 0)
			return rc == EX_DATAERR ? EX_SOFTWARE : rc;
	}
	if (b->commit && (rc = store_commit(s, e)) != 0)
		return rc == EX_DATAERR ? EX_SOFTWARE : rc;
	return b->nbad ? EX_DATAERR : 0;
}

size_t
store_batch_refused(const struct store_batch *b)
{
	return b->nbad;
}

/* store_record's report: the reason becomes the error. */
static void
record_report(void *ctx, const char *file, unsigned long line,
	const char *why)
{
	struct err *e = ctx;

	(void)file;
	(void)line;
	if (!e->msg)
		err_set(e, EX_DATAERR, "%s", why);
}

int
store_record(struct store *s, const struct schema_table *t,
	const struct json *rec, const struct json *time_extracted,
	struct err *e)
{
	int rc;

	if (!s->one)
		s->one = store_batch_new();
	store_batch_reset(s->one);
	if ((rc = store_batch_record(s, s->one, t, rec, time_extracted, NULL,
	    0, e)) != 0)
		return rc;
	rc = store_apply(s, s->one, 0, record_report, e, e);
	if (rc == EX_DATAERR && !e->msg)
		err_set(e, EX_DATAERR, "record refused");
	return rc;
}

/* ---- STATE ---- */

static int
write_gmail_state(struct store *s, const char *mailbox, size_t mn,
	const struct json *bm, struct err *e)
{
	const struct json *h = json_get(bm, "history_id");
	const char *type = json_get_str(bm, "sync_type");
	const struct json *last = json_get(bm, "last_sync_at");
	struct buf t = BUF_INIT;
	int64_t ms;
	int rc;

	if (!s->gmail_st) {
		rc = sqlite3_prepare_v2(s->db, "INSERT INTO gmail_sync_state "
			"(mailbox_email, last_history_id, last_sync_at, sync_type, "
			"updated_at, ingested_at, _sdc_deleted_at) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?5, NULL) "
			"ON CONFLICT (mailbox_email) DO UPDATE SET "
			"last_history_id = excluded.last_history_id, "
			"last_sync_at = excluded.last_sync_at, "
			"sync_type = coalesce(excluded.sync_type, sync_type), "
			"updated_at = excluded.updated_at, "
			"ingested_at = excluded.ingested_at, _sdc_deleted_at = NULL",
			-1, &s->gmail_st, NULL);
		if (rc != SQLITE_OK)
			return db_err(s, rc, e, "gmail_sync_state");
	}
	sqlite3_bind_text64(s->gmail_st, 1, mailbox, mn, SQLITE_STATIC,
		SQLITE_UTF8);
	if (h && (h->type == JSON_STRING || h->type == JSON_NUMBER))
		sqlite3_bind_text64(s->gmail_st, 2, h->s, h->n, SQLITE_STATIC,
			SQLITE_UTF8);
	else
		sqlite3_bind_null(s->gmail_st, 2);
	if (json_is_str(last) && ts_parse(last->s, last->n, &ms) == 0)
		ts_format(&t, ms);
	else
		buf_add(&t, s->now, s->now_n);
	sqlite3_bind_text64(s->gmail_st, 3, buf_cstr(&t), t.len,
		SQLITE_TRANSIENT, SQLITE_UTF8);
	if (type)
		sqlite3_bind_text(s->gmail_st, 4, type, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s->gmail_st, 4);
	sqlite3_bind_text64(s->gmail_st, 5, s->now, s->now_n, SQLITE_STATIC,
		SQLITE_UTF8);
	rc = sqlite3_step(s->gmail_st);
	sqlite3_reset(s->gmail_st);
	sqlite3_clear_bindings(s->gmail_st);
	buf_release(&t);
	if (rc != SQLITE_DONE)
		return db_err(s, rc, e, "gmail_sync_state");
	return 0;
}

int
store_bookmark(struct store *s, const struct json *value, struct err *e)
{
	const struct json *bms, *m;
	static const char gm[] = "gmail_messages:";
	int rc;

	if ((rc = store_bookmark_check(value, e)) != 0)
		return rc;
	bms = json_get(value, "bookmarks");
	if ((rc = begin(s, e)) != 0)
		return rc == EX_DATAERR ? EX_SOFTWARE : rc;
	if (!s->sync_st) {
		rc = sqlite3_prepare_v2(s->db, "INSERT INTO sync_state "
			"(stream, value, updated_at, ingested_at, _sdc_deleted_at) "
			"VALUES (?1, ?2, ?3, ?3, NULL) ON CONFLICT (stream) DO UPDATE "
			"SET value = excluded.value, updated_at = excluded.updated_at, "
			"ingested_at = excluded.ingested_at, _sdc_deleted_at = NULL",
			-1, &s->sync_st, NULL);
		if (rc != SQLITE_OK)
			return db_err(s, rc, e, "sync_state");
	}
	for (m = bms ? bms->child : NULL; m; m = m->next) {
		buf_reset(&s->scratch);
		json_write(&s->scratch, m);
		sqlite3_bind_text64(s->sync_st, 1, m->key, m->key_n, SQLITE_STATIC,
			SQLITE_UTF8);
		sqlite3_bind_text64(s->sync_st, 2, buf_cstr(&s->scratch),
			s->scratch.len, SQLITE_STATIC, SQLITE_UTF8);
		sqlite3_bind_text64(s->sync_st, 3, s->now, s->now_n, SQLITE_STATIC,
			SQLITE_UTF8);
		rc = sqlite3_step(s->sync_st);
		sqlite3_reset(s->sync_st);
		if (rc != SQLITE_DONE)
			return db_err(s, rc, e, "sync_state");
		if (m->key_n > sizeof(gm) - 1 &&
		    memcmp(m->key, gm, sizeof(gm) - 1) == 0 &&
		    (rc = write_gmail_state(s, m->key + sizeof(gm) - 1,
		    m->key_n - (sizeof(gm) - 1), m, e)) != 0)
			return rc;
	}
	s->stats.states++;
	return 0;
}

int
store_state(struct store *s, const struct json *value, struct err *e)
{
	int rc = store_bookmark(s, value, e);

	return rc ? rc : store_commit(s, e);
}

uint64_t
store_pending(const struct store *s)
{
	return s->in_tx ? s->pending : 0;
}

static int
rebuild_indexes(struct store *s, struct err *e)
{
	size_t i;
	int rc = 0, any = 0;

	for (i = 0; i < schema_table_count() && !rc; i++) {
		struct tstate *ts = &s->ts[i];

		if (!ts->index_dropped)
			continue;
		/* A small cache makes SQLite's sort merge runs that fit the
		 * CPU's caches: 1,000,000 rows index in about half the time
		 * (and memory) they take with the 64 MB cache of the load.
		 * (PRAGMA threads=2 for the sort: more CPU, no faster.) */
		if (!any++ && (rc = exec(s,
		    "PRAGMA cache_size=-" INDEX_CACHE_KB, e)) != 0)
			break;
		buf_reset(&s->sql);
		schema_sqlite_index_ddl(&s->sql, ts->t);
		if ((rc = exec(s, buf_cstr(&s->sql), e)) != 0)
			break;
		ts->index_dropped = 0;
	}
	if (any)
		sqlite3_exec(s->db, "PRAGMA cache_size=-" LOAD_CACHE_KB, NULL,
			NULL, NULL);
	return rc;
}

int
store_close(struct store *s, struct err *e)
{
	struct err dummy = ERR_INIT;
	size_t i, j;
	int rc = 0;

	if (!s)
		return 0;
	if (!e)
		e = &dummy;
	if (s->db && s->in_tx)
		rc = store_commit(s, e);
	if (s->db && s->ts && !rc)
		rc = rebuild_indexes(s, e);
	if (s->ts) {
		for (i = 0; i < schema_table_count(); i++) {
			for (j = 0; j < s->ts[i].nstmts; j++)
				sqlite3_finalize(s->ts[i].stmts[j].st);
			free(s->ts[i].stmts);
		}
		free(s->ts);
	}
	sqlite3_finalize(s->sync_st);
	sqlite3_finalize(s->gmail_st);
	sqlite3_finalize(s->begin_st);
	sqlite3_finalize(s->commit_st);
	if (s->db && sqlite3_close(s->db) != SQLITE_OK && !rc)
		rc = err_set(e, EX_SOFTWARE, "close: %s", sqlite3_errmsg(s->db));
	for (i = 0; i < MAX_COLS; i++)
		buf_release(&s->cv.colbuf[i]);
	free(s->cv.order);
	buf_release(&s->cv.te_in);
	buf_release(&s->cv.te_out);
	store_batch_free(s->one);
	json_doc_release(&s->bdoc);
	buf_release(&s->sql);
	buf_release(&s->scratch);
	free(s);
	err_release(&dummy);
	return rc;
}

/* ---- export ---- */

static void
add_value(struct buf *b, sqlite3_stmt *st, int i, const struct schema_column *c)
{
	int type = sqlite3_column_type(st, i);
	const char *txt;
	int n;

	if (type == SQLITE_NULL) {
		buf_addstr(b, "null");
		return;
	}
	switch (c->type) {
	case COL_INTEGER:
		if (type == SQLITE_INTEGER) {
			buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, i));
			return;
		}
		break;
	case COL_FLOAT:
		if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
			value_write_double(b, sqlite3_column_double(st, i));
			return;
		}
		break;
	case COL_BOOLEAN:
		if (type == SQLITE_INTEGER) {
			buf_addstr(b, sqlite3_column_int64(st, i) ? "true" : "false");
			return;
		}
		break;
	case COL_STRING_ARRAY:
	case COL_FLOAT_ARRAY:
	case COL_JSON:
		if (type == SQLITE_TEXT) {
			/* Written by load as compact JSON; anything else is
			 * passed on as a string rather than as broken JSON. */
			struct json_doc d;
			struct err e2 = ERR_INIT;

			txt = (const char *)sqlite3_column_text(st, i);
			n = sqlite3_column_bytes(st, i);
			json_doc_init(&d);
			if (json_parse(&d, txt, (size_t)n, &e2))
				buf_add(b, txt, (size_t)n);
			else
				json_write_str(b, txt, (size_t)n);
			json_doc_release(&d);
			err_release(&e2);
			return;
		}
		break;
	default:
		break;
	}
	txt = (const char *)sqlite3_column_text(st, i);
	n = sqlite3_column_bytes(st, i);
	json_write_str(b, txt ? txt : "", (size_t)n);
}

int
store_export(struct store *s, const struct schema_table *t,
	const struct store_export_opts *o, int (*emit)(void *, const char *,
	size_t), void *ctx, struct err *e)
{
	struct buf *b = &s->scratch;
	sqlite3_stmt *st = NULL;
	size_t j;
	int rc, where = 0;

	if (o && o->where_null && !schema_column_find(t, o->where_null))
		return err_set(e, EX_USAGE, "table %s has no column %s", t->name,
			o->where_null);
	buf_reset(&s->sql);
	buf_addstr(&s->sql, "SELECT ");
	for (j = 0; j < t->ncols; j++)
		buf_printf(&s->sql, "%s%s", j ? ", " : "", t->cols[j].name);
	buf_printf(&s->sql, " FROM %s", t->name);
	if (o && o->where_null) {
		buf_printf(&s->sql, " WHERE %s IS NULL",
			schema_column_find(t, o->where_null)->name);
		where = 1;
	}
	if (o && o->since)
		buf_printf(&s->sql, " %s ingested_at >= ?1", where ? "AND" : "WHERE");
	buf_addstr(&s->sql, " ORDER BY ");
	for (j = 0; j < t->npk; j++)
		buf_printf(&s->sql, "%s%s", j ? ", " : "", t->pk[j]);
	rc = sqlite3_prepare_v2(s->db, buf_cstr(&s->sql), -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(s, rc, e, t->name);
	if (o && o->since) {
		int64_t ms;
		struct buf tb = BUF_INIT;

		if (ts_parse(o->since, strlen(o->since), &ms) != 0) {
			sqlite3_finalize(st);
			return err_set(e, EX_USAGE, "bad timestamp: %s", o->since);
		}
		ts_format(&tb, ms);
		sqlite3_bind_text(st, 1, buf_cstr(&tb), -1, SQLITE_TRANSIENT);
		buf_release(&tb);
	}

	buf_reset(b);
	buf_printf(b, "{\"type\":\"SCHEMA\",\"stream\":\"%s\",\"schema\":",
		t->name);
	schema_json_schema(b, t);
	buf_addstr(b, ",\"key_properties\":[");
	for (j = 0; j < t->npk; j++)
		buf_printf(b, "%s\"%s\"", j ? "," : "", t->pk[j]);
	buf_addstr(b, "]}\n");
	if ((rc = emit(ctx, b->data, b->len)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_reset(b);
		buf_printf(b, "{\"type\":\"RECORD\",\"stream\":\"%s\","
			"\"record\":{", t->name);
		for (j = 0; j < t->ncols; j++) {
			buf_printf(b, "%s\"%s\":", j ? "," : "", t->cols[j].name);
			add_value(b, st, (int)j, &t->cols[j]);
		}
		buf_addstr(b, "}}\n");
		if (buf_failed(b)) {
			rc = err_set(e, EX_SOFTWARE, "out of memory");
			goto out;
		}
		if ((rc = emit(ctx, b->data, b->len)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		rc = db_err(s, rc, e, t->name);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int
store_open_reader(const char *path, sqlite3 **db, struct err *e)
{
	struct stat sb;

	*db = NULL;
	if (stat(path, &sb) != 0)
		return err_set(e, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
		    "%s: %s", path, strerror(errno));
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err_set(e, EX_IOERR, "%s: %s", path,
		    *db ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		return e->code;
	}
	sqlite3_busy_timeout(*db, 10000);
	return 0;
}
