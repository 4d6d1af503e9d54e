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
/* Statement variants beside the upsert of a column set. */
#define KEY_UPDATE ((uint64_t)1 << 62)   /* a delete of maybe-absent row */
#define KEY_DELETE ((uint64_t)1 << 63)   /* hard delete */

struct cached_stmt {
	uint64_t key;
	sqlite3_stmt *st;
};

struct tstate {
	const struct schema_table *t;
	int ingested, extracted, deleted;       /* column indexes */
	uint64_t required;                      /* mask of required columns */
	uint64_t pkmask;
	struct cached_stmt *stmts;
	size_t nstmts, capstmts;
	size_t last;                            /* most recently used */
	int order[MAX_COLS];                    /* column of member i, last record */
	int index_dropped;
	int bulk_checked;                       /* bulk_drop looked at it */
	int written;
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
	struct buf colbuf[MAX_COLS];
	struct value vals[MAX_COLS];
	struct buf sql;
	struct buf scratch;
	struct buf te_in, te_out;               /* last time_extracted, converted */
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

static struct tstate *
tstate_of(struct store *s, const struct schema_table *t)
{
	size_t i;

	/* Tables are few: compare pointers first, names as a fallback. */
	for (i = 0; i < schema_table_count(); i++)
		if (s->ts[i].t == t)
			return &s->ts[i];
	for (i = 0; i < schema_table_count(); i++)
		if (strcmp(s->ts[i].t->name, t->name) == 0)
			return &s->ts[i];
	return NULL;
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

	s->ts = xcalloc(schema_table_count(), sizeof(*s->ts));
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
		for (k = 0; k < t->npk; k++)
			ts->pkmask |= (uint64_t)1 << schema_column_index(t, t->pk[k]);
		for (j = 0; j < MAX_COLS; j++)
			ts->order[j] = -1;
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
		    "PRAGMA cache_size=-65536", e);
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
stmt_for(struct store *s, struct tstate *ts, uint64_t key, struct err *e)
{
	const struct schema_table *t = ts->t;
	struct buf *b = &s->sql;
	uint64_t cols = key & ~(KEY_UPDATE | KEY_DELETE);
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (ts->nstmts && ts->stmts[ts->last].key == key)
		return ts->stmts[ts->last].st;
	for (i = 0; i < ts->nstmts; i++)
		if (ts->stmts[i].key == key) {
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
		buf_printf(b, "INSERT INTO %s (", t->name);
		add_cols(b, t, cols, CF_NAME, ", ");
		buf_addstr(b, ") VALUES (");
		add_cols(b, t, cols, CF_PARAM, ", ");
		buf_addstr(b, ") ON CONFLICT (");
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
	ts->stmts[ts->nstmts].st = st;
	ts->last = ts->nstmts++;
	return st;
}

static int
bind(sqlite3_stmt *st, int i, const struct value *v)
{
	switch (v->kind) {
	case V_INT:
		return sqlite3_bind_int64(st, i, v->i);
	case V_DBL:
		return sqlite3_bind_double(st, i, v->d);
	case V_TEXT:
		return sqlite3_bind_text64(st, i, v->p ? v->p : "", v->n,
			SQLITE_STATIC, SQLITE_UTF8);
	default:
		return sqlite3_bind_null(st, i);
	}
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

int
store_record(struct store *s, const struct schema_table *t,
	const struct json *rec, const struct json *time_extracted,
	struct err *e)
{
	struct tstate *ts = tstate_of(s, t);
	const struct json *m;
	uint64_t mask = 0, key;
	sqlite3_stmt *st;
	struct value *vals = s->vals;
	size_t pos;
	int rc, is_delete;
	uint64_t j;

	if (!ts)
		return err_set(e, EX_DATAERR, "unknown stream %s", t->name);
	if (!rec || rec->type != JSON_OBJECT)
		return err_set(e, EX_DATAERR, "record is not an object");
	for (m = rec->child, pos = 0; m; m = m->next, pos++) {
		int k = pos < MAX_COLS ? ts->order[pos] : -1;

		if (k < 0 || strcmp(t->cols[k].name, m->key) != 0) {
			k = schema_column_indexn(t, m->key, m->key_n);
			if (k < 0)
				return err_set(e, EX_DATAERR, "unknown column %.64s "
					"in stream %s", m->key, t->name);
			if (pos < MAX_COLS)
				ts->order[pos] = k;
		}
		if (mask & ((uint64_t)1 << k))
			return err_set(e, EX_DATAERR, "column %s given twice",
				t->cols[k].name);
		if ((rc = value_convert(&s->colbuf[k], &t->cols[k], m, &vals[k], e)) != 0)
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
		if (json_is_str(time_extracted) && s->te_out.len &&
		    time_extracted->n == s->te_in.len &&
		    memcmp(time_extracted->s, s->te_in.data, s->te_in.len) == 0) {
			x->kind = V_TEXT;
			x->p = s->te_out.data;
			x->n = s->te_out.len;
		} else {
			rc = value_convert(&s->colbuf[ts->extracted],
				&t->cols[ts->extracted], time_extracted, x, e);
			if (rc != 0) {
				err_prefix(e, "time_extracted");
				return rc;
			}
			buf_reset(&s->te_in);
			buf_reset(&s->te_out);
			if (json_is_str(time_extracted) && x->kind == V_TEXT) {
				buf_add(&s->te_in, time_extracted->s,
					time_extracted->n);
				buf_add(&s->te_out, x->p, x->n);
				x->p = s->te_out.data;
			}
		}
		mask |= (uint64_t)1 << ts->extracted;
	}
	if ((rc = begin(s, e)) != 0)
		return rc == EX_DATAERR ? EX_SOFTWARE : rc;
	if (ts->ingested >= 0 && !(mask & ((uint64_t)1 << ts->ingested))) {
		vals[ts->ingested].kind = V_TEXT;
		vals[ts->ingested].p = s->now;
		vals[ts->ingested].n = s->now_n;
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
	if ((rc = bulk_drop(s, ts, e)) != 0)
		return rc == EX_DATAERR ? EX_SOFTWARE : rc;
	if (!(st = stmt_for(s, ts, key, e)))
		return e->code == EX_DATAERR ? EX_SOFTWARE : e->code;
	for (j = 0; j < t->ncols; j++) {
		if (!(key & ((uint64_t)1 << j)))
			continue;
		if ((key & KEY_DELETE) && !(ts->pkmask & ((uint64_t)1 << j)))
			continue;
		if ((rc = bind(st, (int)j + 1, &vals[j])) != SQLITE_OK) {
			sqlite3_reset(st);
			return db_err(s, rc, e, t->name);
		}
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT || rc == SQLITE_TOOBIG ||
		    rc == SQLITE_MISMATCH)
			/* Only this statement is undone; the batch stays. */
			return err_set(e, EX_DATAERR, "%s", sqlite3_errmsg(s->db));
		rc = db_err(s, rc, e, t->name);
		return rc == EX_DATAERR ? EX_SOFTWARE : rc;
	}
	ts->written = 1;
	s->pending++;
	if (is_delete)
		s->stats.deleted++;
	else
		s->stats.upserted++;
	return 0;
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

	if (!value || value->type != JSON_OBJECT)
		return err_set(e, EX_DATAERR, "STATE value is not an object");
	bms = json_get(value, "bookmarks");
	if (bms && bms->type != JSON_OBJECT)
		return err_set(e, EX_DATAERR, "STATE bookmarks is not an object");
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
	int rc;

	for (i = 0; i < schema_table_count(); i++) {
		struct tstate *ts = &s->ts[i];

		if (!ts->index_dropped)
			continue;
		buf_reset(&s->sql);
		schema_sqlite_index_ddl(&s->sql, ts->t);
		if ((rc = exec(s, buf_cstr(&s->sql), e)) != 0)
			return rc;
		ts->index_dropped = 0;
	}
	return 0;
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
		buf_release(&s->colbuf[i]);
	buf_release(&s->sql);
	buf_release(&s->scratch);
	buf_release(&s->te_in);
	buf_release(&s->te_out);
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
