/*
 * load: store a Singer stream in the SQLite warehouse (and/or BigQuery load
 * files).  Upserts, deletes and batching live in lib/store.c (lib/bqdir.c
 * for --bq-dir); this is options and the per-message dispatch.
 */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bqdir.h"
#include "config.h"
#include "diag.h"
#include "schema.h"
#include "store.h"
#include "storeq.h"
#include "stream.h"

#include "banned.h"

#ifndef SI_VERSION
#define SI_VERSION "0.1.0"
#endif

static const char usage_text[] =
	"usage: load [--db FILE] [--bq-dir DIR] [--strict] [--hard-delete]"
	" [--bulk]\n"
	"            [--busy-timeout MS] [--commit-interval MS]"
	" [--bq-file-size SIZE]\n"
	"            [--max-line SIZE]"
	" [--log-format text|json] [FILE...]\n";

enum {
	OPT_DB = 256, OPT_BQDIR, OPT_STRICT, OPT_HARD, OPT_BULK, OPT_BUSY,
	OPT_BQSIZE, OPT_MAXLINE, OPT_LOGFMT, OPT_VERSION, OPT_COMMIT
};

static const struct option longopts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "bq-dir", required_argument, NULL, OPT_BQDIR },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "hard-delete", no_argument, NULL, OPT_HARD },
	{ "bulk", no_argument, NULL, OPT_BULK },
	{ "busy-timeout", required_argument, NULL, OPT_BUSY },
	{ "commit-interval", required_argument, NULL, OPT_COMMIT },
	{ "bq-file-size", required_argument, NULL, OPT_BQSIZE },
	{ "max-line", required_argument, NULL, OPT_MAXLINE },
	{ "log-format", required_argument, NULL, OPT_LOGFMT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/*
 * STATEs that come fast (a backfill from a file, a pull's page after page)
 * share one commit: committing is what costs (every index page a batch
 * touched is written again), so a commit per 1,000 rows would be slow.  A
 * STATE is committed (and echoed) at once when the input has nothing more
 * to read just now, when a second has passed or enough rows wait; under
 * --strict, always at once.  Exactly once is kept: a STATE's bookmark is
 * in the same transaction as the rows before it, and it is echoed only
 * after that transaction committed.
 */
#define COMMIT_ROWS 100000
#define COMMIT_MS_DEFAULT 1000
#define COMMIT_STATE_BYTES ((size_t)4 << 20)
/* A batch goes to the writer thread at this size (into SQLite alone). */
#define BATCH_ROWS 16384
#define BATCH_BYTES ((size_t)16 << 20)

struct ctx {
	struct store *db;
	struct bqdir *bq;
	struct storeq *q;       /* into SQLite alone: the pipeline */
	const struct schema_table *last;        /* table of the last RECORD */
	int strict;
	int commit_ms;          /* --commit-interval */
	struct buf states;      /* STATE lines waiting for their commit */
	size_t nstates;
	size_t state_bytes;     /* of the STATEs since the last commit */
	uint64_t rows;          /* records since the last commit */
	int64_t last_commit;    /* ms, monotonic */
	unsigned long bad;      /* bad lines so far */
};

static int64_t
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
on_bad(void *arg, const char *file, unsigned long line, const char *why)
{
	struct ctx *c = arg;

	c->bad++;
	if (c->q) {     /* reported in input order, after the writer */
		struct store_batch *b = storeq_batch(c->q);

		/* A stream of nothing but bad lines must not pile up. */
		store_batch_report(b, file, line, why);
		if (store_batch_bytes(b) >= BATCH_BYTES)
			storeq_submit(c->q, 0);
	} else
		diag_input(file, line, "%s", why);
}

/* The writer's reports (passed on by storeq_take_reports). */
static void
on_report(void *arg, const char *file, unsigned long line, const char *why)
{
	(void)arg;
	diag_input(file, line, "%s", why);
}

/* Would reading the rest of this input wait (a pipe with nothing in it)? */
static int
input_idle(const struct stream_line *l)
{
	struct pollfd p = { 0, POLLIN, 0 };

	if (strcmp(l->file, "<stdin>") != 0)
		return 0;
	return poll(&p, 1, 0) == 0;
}

static int
commit(struct ctx *c, struct err *e)
{
	int rc = 0;

	if (c->db)
		rc = store_commit(c->db, e);
	if (rc == 0 && c->bq)
		rc = bqdir_commit(c->bq, e);
	c->rows = 0;
	c->last_commit = mono_ms();
	return rc;
}

/* Echo the STATE lines the last commit made durable. */
static int
echo_states(struct ctx *c, struct stream *st)
{
	const char *p = c->states.data, *end = p + c->states.len, *nl;
	int rc = 0;

	for (; p && p < end && !rc; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		rc = stream_emit(st, p, (size_t)(nl - p));
	}
	buf_reset(&c->states);
	c->nstates = 0;
	return rc;
}

/* The table of a RECORD's stream; NULL, with the reason in l->why, for a
 * stream the schema does not know. */
static const struct schema_table *
table_of(struct ctx *c, struct stream_line *l)
{
	const struct singer_msg *m = &l->msg;

	if (c->last && strncmp(c->last->name, m->stream, m->stream_n) == 0 &&
	    c->last->name[m->stream_n] == '\0')
		return c->last;
	c->last = schema_table_findn(m->stream, m->stream_n);
	if (c->last == NULL)
		buf_printf(l->why, "unknown stream %.*s",
			(int)(m->stream_n > 64 ? 64 : m->stream_n), m->stream);
	return c->last;
}

/* Map a library result to the driver's verdict. */
static enum stream_verdict
verdict(struct stream_line *l, int rc, struct err *e, enum stream_verdict ok)
{
	if (rc == 0)
		return ok;
	if (rc == EX_DATAERR) {
		buf_addstr(l->why, e->msg ? e->msg : "bad record");
		err_release(e);
		return STREAM_BAD;
	}
	err_set(l->e, rc, "%s", e->msg ? e->msg : "failed");
	err_release(e);
	return STREAM_FATAL;
}

/* SCHEMA and the rest, alike for every destination. */
static enum stream_verdict
on_line_rest(struct ctx *c, struct stream_line *l)
{
	switch (l->msg.type) {
	case SINGER_SCHEMA:
		return table_of(c, l) ? STREAM_DROP : STREAM_BAD;
	case SINGER_ACTIVATE_VERSION:
		return STREAM_DROP;
	default:
		buf_addstr(l->why, "not a Singer message (no \"type\")");
		return STREAM_BAD;
	}
}

/* Into SQLite alone: batches for the writer thread. */
static enum stream_verdict
on_line_q(struct ctx *c, struct stream_line *l)
{
	const struct schema_table *t;
	struct store_batch *b;
	struct err e = ERR_INIT;
	uint64_t seq;
	int rc;

	if ((rc = storeq_failed(c->q, l->e)) != 0)
		return STREAM_FATAL;
	storeq_take_reports(c->q);
	if (storeq_take_ready(c->q, &c->states) &&
	    echo_states(c, l->st) != 0)
		return verdict(l, EX_IOERR, &e, STREAM_DROP);
	switch (l->msg.type) {
	case SINGER_RECORD:
		if (!(t = table_of(c, l)))
			return STREAM_BAD;
		b = storeq_batch(c->q);
		rc = store_batch_record(c->db, b, t, l->msg.record,
			l->msg.time_extracted, l->file, l->lineno, &e);
		if (rc != 0)
			return verdict(l, rc, &e, STREAM_DROP);
		c->rows++;
		if (store_batch_rows(b) >= BATCH_ROWS ||
		    store_batch_bytes(b) >= BATCH_BYTES)
			storeq_submit(c->q, 0);
		return STREAM_DROP;
	case SINGER_STATE:
		b = storeq_batch(c->q);
		if ((rc = store_batch_bookmark(b, l->msg.value, &e)) != 0)
			return verdict(l, rc, &e, STREAM_DROP);
		store_batch_echo(b, l->text, l->len);
		c->state_bytes += l->len + 1;
		if (!c->strict && c->commit_ms > 0 && c->rows < COMMIT_ROWS &&
		    c->state_bytes < COMMIT_STATE_BYTES &&
		    mono_ms() - c->last_commit < c->commit_ms && !input_idle(l))
			return STREAM_DROP;
		seq = storeq_submit(c->q, 1);
		c->rows = 0;
		c->state_bytes = 0;
		c->last_commit = mono_ms();
		/* Nothing more to read now: echo it before waiting. */
		if (input_idle(l)) {
			storeq_wait(c->q, seq);
			storeq_take_reports(c->q);
			if (storeq_take_ready(c->q, &c->states) &&
			    echo_states(c, l->st) != 0)
				return verdict(l, EX_IOERR, &e, STREAM_DROP);
		}
		return STREAM_DROP;
	default:
		return on_line_rest(c, l);
	}
}

static enum stream_verdict
on_line(void *arg, struct stream_line *l)
{
	struct ctx *c = arg;
	const struct schema_table *t;
	struct err e = ERR_INIT;
	int rc = 0;

	if (c->q)
		return on_line_q(c, l);
	switch (l->msg.type) {
	case SINGER_RECORD:
		if (!(t = table_of(c, l)))
			return STREAM_BAD;
		c->rows++;
		if (c->db)
			rc = store_record(c->db, t, l->msg.record,
				l->msg.time_extracted, &e);
		if (rc == 0 && c->bq)
			rc = bqdir_record(c->bq, t, l->msg.record,
				l->msg.time_extracted, &e);
		return verdict(l, rc, &e, STREAM_DROP);
	case SINGER_STATE:
		/* The STATE line goes out only once the rows before it and
		 * its bookmark are committed. */
		if (c->db)
			rc = store_bookmark(c->db, l->msg.value, &e);
		if (rc == 0 && c->bq)
			rc = bqdir_bookmark(c->bq, l->msg.value, &e);
		if (rc != 0)
			return verdict(l, rc, &e, STREAM_DROP);
		if (!c->strict && c->commit_ms > 0 && c->rows < COMMIT_ROWS &&
		    c->states.len < COMMIT_STATE_BYTES &&
		    mono_ms() - c->last_commit < c->commit_ms && !input_idle(l)) {
			buf_add(&c->states, l->text, l->len);
			buf_addch(&c->states, '\n');
			c->nstates++;
			return STREAM_DROP;
		}
		if ((rc = commit(c, &e)) != 0 ||
		    (rc = echo_states(c, l->st)) != 0)
			return verdict(l, rc ? rc : EX_IOERR, &e, STREAM_DROP);
		return STREAM_PASS;
	default:
		return on_line_rest(c, l);
	}
}

/* At the end: commit what is left (nothing after the last STATE under
 * --strict when a line was bad) and echo the STATEs it covers. */
static int
on_end(void *arg, struct stream *st)
{
	struct ctx *c = arg;
	struct err e = ERR_INIT;
	int rc;

	if (c->q) {
		/* Echo what was committed, also when the rest failed. */
		rc = storeq_finish(c->q, c->strict && c->bad, &e);
		storeq_take_reports(c->q);
		storeq_take_ready(c->q, &c->states);
		if (echo_states(c, st) != 0 && rc == 0)
			rc = EX_IOERR;
		if (rc != 0 && e.msg)
			diag_error("%s", e.msg);
		err_release(&e);
		return rc;
	}
	if (c->strict && c->bad) {
		if (c->db)
			store_rollback(c->db);
		if (c->bq)
			bqdir_rollback(c->bq);
		buf_reset(&c->states);
		return 0;
	}
	if ((rc = commit(c, &e)) != 0) {
		diag_error("%s", e.msg);
		err_release(&e);
		return rc;
	}
	return echo_states(c, st);
}

static int
parse_int_opt(const char *name, const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 86400000) {
		diag_error("bad %s: %s", name, s);
		return EX_USAGE;
	}
	*out = (int)v;
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctx c = { 0 };
	struct stream_opts so = { 0 };
	struct store_opts o = { 0 };
	struct err e = ERR_INIT;
	const char *db = NULL, *bqdir = NULL;
	size_t bqsize = 0;
	int opt, rc, rc2;

	diag_init("load");
	c.commit_ms = -1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB: db = optarg; break;
		case OPT_BQDIR: bqdir = optarg; break;
		case OPT_STRICT: so.strict = 1; break;
		case OPT_HARD: o.hard_delete = 1; break;
		case OPT_BULK: o.bulk = 1; break;
		case OPT_BUSY:
			if (parse_int_opt("--busy-timeout", optarg,
			    &o.busy_timeout_ms) != 0)
				return EX_USAGE;
			break;
		case OPT_COMMIT:
			if (parse_int_opt("--commit-interval", optarg,
			    &c.commit_ms) != 0)
				return EX_USAGE;
			break;
		case OPT_BQSIZE:
			if (config_parse_size(optarg, &bqsize) != 0 || bqsize == 0) {
				diag_error("bad --bq-file-size: %s", optarg);
				return EX_USAGE;
			}
			break;
		case OPT_MAXLINE:
			if (config_parse_size(optarg, &so.max_line) != 0) {
				diag_error("bad --max-line: %s", optarg);
				return EX_USAGE;
			}
			break;
		case OPT_LOGFMT:
			if (diag_set_format(optarg) != 0) {
				diag_error("bad --log-format: %s", optarg);
				return EX_USAGE;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			return diag_close_stdout();
		case OPT_VERSION:
			printf("load (salesintel) %s\n", SI_VERSION);
			return diag_close_stdout();
		default:
			fputs(usage_text, stderr);
			return EX_USAGE;
		}
	}
	if (!bqdir)
		db = config_get(db, "SALESINTEL_DB", NULL);
	if (!db && !bqdir) {
		diag_error("no destination: give --db FILE or --bq-dir DIR");
		fputs(usage_text, stderr);
		return EX_USAGE;
	}
	if (db && (rc = store_open(&c.db, db, &o, &e)) != 0) {
		diag_error("%s", e.msg);
		err_release(&e);
		return rc;
	}
	if (bqdir && (rc = bqdir_open(&c.bq, bqdir, bqsize, o.hard_delete, &e)) != 0) {
		diag_error("%s", e.msg);
		err_release(&e);
		store_close(c.db, NULL);
		return rc;
	}
	so.files = (const char *const *)argv + optind;
	so.nfiles = (size_t)(argc - optind);
	so.on_end = on_end;
	so.on_bad = on_bad;
	c.strict = so.strict;
	if (c.commit_ms < 0)
		c.commit_ms = COMMIT_MS_DEFAULT;
	c.last_commit = mono_ms();
	/* The pipeline needs a thread-safe SQLite (Debian's is); without
	 * one, the row-at-a-time loop. */
	if (c.db && !c.bq && sqlite3_threadsafe() &&
	    (rc = storeq_start(&c.q, c.db, c.strict,
	    on_report, &c, &e)) != 0) {
		diag_error("%s", e.msg);
		err_release(&e);
		store_close(c.db, NULL);
		return rc;
	}
	rc = stream_run(&so, on_line, &c);
	if (c.q) {
		/* After a fatal error on_end did not run: stop the writer,
		 * keeping only what it committed. */
		storeq_finish(c.q, 1, NULL);
		storeq_take_reports(c.q);
		if (rc == 0 && storeq_refused(c.q))
			rc = EX_DATAERR;
		storeq_free(c.q);
		c.q = NULL;
	}
	/* After a fatal error on_end did not run: keep what the last commit
	 * stored, nothing more (the STATEs since were not echoed). */
	if (rc != 0 && rc != EX_DATAERR && rc != EX_NOINPUT) {
		if (c.db)
			store_rollback(c.db);
		if (c.bq)
			bqdir_rollback(c.bq);
	}
	buf_release(&c.states);
	rc2 = store_close(c.db, &e);
	if (rc2 == 0)
		rc2 = bqdir_close(c.bq, &e);
	if (rc2 != 0) {
		diag_error("%s", e.msg);
		err_release(&e);
		if (rc == 0 || rc == EX_DATAERR)
			rc = rc2;
	}
	rc2 = diag_close_stdout();
	return rc ? rc : rc2;
}
