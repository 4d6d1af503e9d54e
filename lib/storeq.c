/*
 * storeq.c: the writer thread of load's pipeline (see storeq.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "storeq.h"
#include "banned.h"

/* Batches submitted and not yet applied, the one being applied included.
 * With the one being filled, at most STOREQ_DEPTH + 1 exist. */
#define STOREQ_DEPTH 2
/* WAL frames (4 KB pages) past which the writer, after a commit, waits
 * for the checkpoint to catch up, so that the WAL restarts from its
 * beginning: without it the WAL grows by every page written while the
 * writer keeps ahead of the checkpoints (the whole load, on disk twice). */
#define STOREQ_WAL_RESTART 65536

/* A report the writer made, for the caller's thread to pass on: the
 * diagnostics (lib/diag.c) are the caller's alone. */
struct qrep {
	const char *file;
	unsigned long line;
	size_t off, n;
};

struct storeq {
	struct store *s;
	int strict;
	store_report_fn report;
	void *ctx;
	pthread_t th;
	int started, finished;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	/* Under mu. */
	struct store_batch *ring[STOREQ_DEPTH];
	size_t head, count;
	struct store_batch *spare[STOREQ_DEPTH + 1];
	size_t nspare;
	uint64_t submitted, applied;
	int stop;
	struct buf ready;               /* committed STATE lines */
	struct qrep *reps;              /* bad lines to report, in order */
	size_t nreps, capreps;
	struct buf reptext;
	/* Set by the writer, read by anyone. */
	atomic_size_t nready;
	atomic_size_t nreps_out;        /* nreps, for a look without mu */
	atomic_int failed;              /* the error code, 0 while fine */
	atomic_uint_fast64_t refused;
	struct err err;                 /* written before failed is set */
	/* The checkpointer: copies committed pages from the WAL into the
	 * database on its own connection, off the writer's time. */
	sqlite3 *ckdb;
	pthread_t ckth;
	int ckstarted;
	pthread_cond_t ckwork;
	uint64_t commits;               /* under mu */
	uint64_t ckdone;                /* commits checkpointed; under mu */
	pthread_cond_t ckidle;
	int ckstop;                     /* under mu */
	int walframes;                  /* the writer's: WAL size at commit */
	/* The caller's. */
	struct store_batch *cur;
	/* The writer's. */
	struct buf pending;             /* STATE lines applied, not committed */
};

/* store_apply's report, in the writer: keep it for the caller. */
static void
keep_report(void *arg, const char *file, unsigned long line, const char *why)
{
	struct storeq *q = arg;
	struct qrep *r;

	pthread_mutex_lock(&q->mu);
	if (q->nreps == q->capreps) {
		q->capreps = q->capreps ? 2 * q->capreps : 16;
		q->reps = xrealloc(q->reps, q->capreps * sizeof(*q->reps));
	}
	r = &q->reps[q->nreps++];
	r->file = file;
	r->line = line;
	r->off = q->reptext.len;
	r->n = strlen(why);
	buf_add(&q->reptext, why, r->n);
	atomic_store(&q->nreps_out, q->nreps);
	pthread_mutex_unlock(&q->mu);
}

void
storeq_take_reports(struct storeq *q)
{
	struct qrep *reps;
	struct buf text;
	size_t i, n;

	if (atomic_load_explicit(&q->nreps_out, memory_order_relaxed) == 0)
		return;
	pthread_mutex_lock(&q->mu);
	reps = q->reps;
	n = q->nreps;
	text = q->reptext;
	q->reps = NULL;
	q->nreps = q->capreps = 0;
	buf_init(&q->reptext, 0);
	atomic_store(&q->nreps_out, 0);
	pthread_mutex_unlock(&q->mu);
	for (i = 0; i < n; i++) {
		struct buf why = BUF_INIT;

		buf_add(&why, text.data + reps[i].off, reps[i].n);
		q->report(q->ctx, reps[i].file, reps[i].line, buf_cstr(&why));
		buf_release(&why);
	}
	free(reps);
	buf_release(&text);
}

static void *
writer(void *arg)
{
	struct storeq *q = arg;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		struct store_batch *b;
		struct err e = ERR_INIT;
		const char *echo;
		size_t n;
		int rc, committed = 0;

		while (q->count == 0 && !q->stop)
			pthread_cond_wait(&q->work, &q->mu);
		if (q->count == 0)
			break;
		b = q->ring[q->head];
		pthread_mutex_unlock(&q->mu);

		if (!atomic_load(&q->failed)) {
			rc = store_apply(q->s, b, q->strict, keep_report, q, &e);
			if (store_batch_refused(b))
				atomic_fetch_add(&q->refused,
					store_batch_refused(b));
			if (rc == 0 || (rc == EX_DATAERR && !q->strict)) {
				echo = store_batch_echoes(b, &n);
				buf_add(&q->pending, echo, n);
				committed = store_batch_commits(b);
			} else {
				store_rollback(q->s);
				buf_reset(&q->pending);
				q->err = e;
				e.msg = NULL;
				atomic_store(&q->failed, rc);
			}
			err_release(&e);
		}

		pthread_mutex_lock(&q->mu);
		if (committed && q->pending.len) {
			buf_add(&q->ready, q->pending.data, q->pending.len);
			buf_reset(&q->pending);
			atomic_store(&q->nready, q->ready.len);
		}
		if (committed) {
			q->commits++;
			pthread_cond_signal(&q->ckwork);
		}
		q->head = (q->head + 1) % STOREQ_DEPTH;
		q->count--;
		q->applied++;
		store_batch_reset(b);
		q->spare[q->nspare++] = b;
		pthread_cond_broadcast(&q->done);
		if (committed && q->ckstarted &&
		    q->walframes > STOREQ_WAL_RESTART) {
			/* The next transaction begins on a checkpointed WAL,
			 * which its commit then writes from the start. */
			while (q->ckdone < q->commits && !q->ckstop)
				pthread_cond_wait(&q->ckidle, &q->mu);
			q->walframes = 0;
		}
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/*
 * A PASSIVE checkpoint after each commit: it never waits for the writer
 * nor makes it wait (the writer's own automatic checkpoints are off
 * meanwhile); what it cannot copy yet, the next one does.  Durability is
 * the WAL's, so a checkpoint that fails or is cut short loses nothing.
 */
static void *
checkpointer(void *arg)
{
	struct storeq *q = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->commits == seen && !q->ckstop)
			pthread_cond_wait(&q->ckwork, &q->mu);
		if (q->commits == seen)
			break;
		seen = q->commits;
		pthread_mutex_unlock(&q->mu);
		sqlite3_wal_checkpoint_v2(q->ckdb, NULL,
			SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&q->mu);
		q->ckdone = seen;
		pthread_cond_broadcast(&q->ckidle);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* The writer's connection, after each commit: the size of the WAL. */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int nframes)
{
	struct storeq *q = arg;

	(void)db;
	(void)name;
	q->walframes = nframes;
	return SQLITE_OK;
}

static void
ck_start(struct storeq *q)
{
	sqlite3 *db = store_db(q->s);
	const char *path = sqlite3_db_filename(db, "main");

	/* A connection reads the database (and finds its WAL) lazily: read
	 * once, or its checkpoints would do nothing. */
	if (!path || !*path || sqlite3_open_v2(path, &q->ckdb,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(q->ckdb, 10000) != SQLITE_OK ||
	    sqlite3_exec(q->ckdb, "SELECT count(*) FROM sqlite_master", NULL,
	    NULL, NULL) != SQLITE_OK) {
		sqlite3_close(q->ckdb);
		q->ckdb = NULL;
		return;
	}
	/* journal_size_limit: the WAL grows while the writer outpaces the
	 * checkpoints; once it restarts, it shrinks back. */
	if (sqlite3_exec(db, "PRAGMA wal_autocheckpoint=0;"
	    "PRAGMA journal_size_limit=67108864", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    pthread_create(&q->ckth, NULL, checkpointer, q) != 0) {
		sqlite3_exec(db, "PRAGMA wal_autocheckpoint=1000", NULL, NULL,
			NULL);
		sqlite3_close(q->ckdb);
		q->ckdb = NULL;
		return;
	}
	pthread_setname_np(q->ckth, "load-checkpoint");
	sqlite3_wal_hook(db, wal_hook, q);
	q->ckstarted = 1;
}

static void
ck_stop(struct storeq *q)
{
	if (!q->ckstarted)
		return;
	pthread_mutex_lock(&q->mu);
	q->ckstop = 1;
	pthread_cond_signal(&q->ckwork);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->ckth, NULL);
	q->ckstarted = 0;
	sqlite3_close(q->ckdb);
	q->ckdb = NULL;
	sqlite3_exec(store_db(q->s), "PRAGMA wal_autocheckpoint=1000", NULL,
		NULL, NULL);
}

int
storeq_start(struct storeq **out, struct store *s, int strict,
	store_report_fn report, void *ctx, struct err *e)
{
	struct storeq *q = xcalloc(1, sizeof(*q));
	int rc;

	*out = NULL;
	q->s = s;
	q->strict = strict;
	q->report = report;
	q->ctx = ctx;
	buf_init(&q->ready, 0);
	buf_init(&q->reptext, 0);
	atomic_init(&q->nreps_out, 0);
	buf_init(&q->pending, 0);
	atomic_init(&q->nready, 0);
	atomic_init(&q->failed, 0);
	atomic_init(&q->refused, 0);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->done, NULL);
	pthread_cond_init(&q->ckwork, NULL);
	pthread_cond_init(&q->ckidle, NULL);
	ck_start(q);
	if ((rc = pthread_create(&q->th, NULL, writer, q)) != 0) {
		storeq_free(q);
		return err_set(e, EX_SOFTWARE, "cannot start the writer "
			"thread: %s", strerror(rc));
	}
	q->started = 1;
	pthread_setname_np(q->th, "load-writer");
	*out = q;
	return 0;
}

struct store_batch *
storeq_batch(struct storeq *q)
{
	if (q->cur)
		return q->cur;
	pthread_mutex_lock(&q->mu);
	if (q->nspare)
		q->cur = q->spare[--q->nspare];
	pthread_mutex_unlock(&q->mu);
	if (!q->cur)
		q->cur = store_batch_new();
	return q->cur;
}

uint64_t
storeq_submit(struct storeq *q, int commit)
{
	struct store_batch *b = storeq_batch(q);
	uint64_t seq;

	if (commit)
		store_batch_set_commit(b);
	store_batch_sort(q->s, b);
	q->cur = NULL;
	pthread_mutex_lock(&q->mu);
	while (q->count == STOREQ_DEPTH)
		pthread_cond_wait(&q->done, &q->mu);
	q->ring[(q->head + q->count) % STOREQ_DEPTH] = b;
	q->count++;
	seq = ++q->submitted;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
	return seq;
}

void
storeq_wait(struct storeq *q, uint64_t seq)
{
	pthread_mutex_lock(&q->mu);
	while (q->applied < seq)
		pthread_cond_wait(&q->done, &q->mu);
	pthread_mutex_unlock(&q->mu);
}

int
storeq_failed(struct storeq *q, struct err *e)
{
	int rc = atomic_load(&q->failed);

	if (rc && e && q->err.msg)
		err_set(e, rc, "%s", q->err.msg);
	else if (rc && e)
		e->code = rc;
	return rc;
}

int
storeq_take_ready(struct storeq *q, struct buf *out)
{
	if (atomic_load_explicit(&q->nready, memory_order_relaxed) == 0)
		return 0;
	pthread_mutex_lock(&q->mu);
	buf_add(out, q->ready.data, q->ready.len);
	buf_reset(&q->ready);
	atomic_store(&q->nready, 0);
	pthread_mutex_unlock(&q->mu);
	return 1;
}

uint64_t
storeq_refused(struct storeq *q)
{
	return atomic_load(&q->refused);
}

int
storeq_finish(struct storeq *q, int rollback, struct err *e)
{
	if (!q->finished) {
		q->finished = 1;
		storeq_submit(q, !rollback);
		pthread_mutex_lock(&q->mu);
		q->stop = 1;
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->th, NULL);
		q->started = 0;
		if (rollback)
			store_rollback(q->s);
		ck_stop(q);
	}
	return storeq_failed(q, e);
}

void
storeq_free(struct storeq *q)
{
	size_t i;

	if (!q)
		return;
	if (q->started)
		storeq_finish(q, 1, NULL);
	ck_stop(q);
	for (i = 0; i < q->nspare; i++)
		store_batch_free(q->spare[i]);
	store_batch_free(q->cur);
	buf_release(&q->ready);
	free(q->reps);
	buf_release(&q->reptext);
	buf_release(&q->pending);
	err_release(&q->err);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->done);
	pthread_cond_destroy(&q->ckwork);
	pthread_cond_destroy(&q->ckidle);
	free(q);
}
