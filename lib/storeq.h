/*
 * storeq.h: load's pipeline into SQLite (owner: warehouse).  The caller's
 * thread parses and converts records into batches (store.h); a writer
 * thread applies them with store_apply, in order, while the next batch
 * fills: on two cores the parse and the database work overlap.
 *
 * Order and exactly-once are those of the single-threaded loop: batches
 * are applied in the order submitted; a batch submitted with commit ends
 * a transaction (the rows and bookmarks of every batch since the last
 * commit become durable together); the STATE lines of those batches are
 * then "ready", and only then: storeq_take_ready hands them to the caller
 * to echo.  Bad lines (the caller's, put into the batch with
 * store_batch_report, and rows SQLite refuses) are reported in input
 * order through the report callback, in the caller's thread, when it calls
 * storeq_take_reports (the diagnostics are not the writer's to print).
 *
 * After a failure of the database the writer rolls back, keeps the error
 * (storeq_failed) and drops every later batch; under strict, a refused
 * row does the same with EX_DATAERR (and no message: it was reported).
 *
 * The store belongs to the writer from storeq_start to storeq_finish: the
 * caller may only call store_batch_record (which touches no database
 * state) meanwhile.  One caller thread.
 */
#ifndef SI_STOREQ_H
#define SI_STOREQ_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "store.h"

struct storeq;

/* Start the writer.  report(ctx, file, line, why) is called from
 * storeq_take_reports.  0, or EX_SOFTWARE when no thread could be
 * started. */
int storeq_start(struct storeq **out, struct store *s, int strict,
	store_report_fn report, void *ctx, struct err *e);

/* The batch being filled (a new or recycled one when none). */
struct store_batch *storeq_batch(struct storeq *q);

/*
 * Hand the batch being filled to the writer (commit: end the transaction
 * after it).  Waits while the queue is full.  Returns its sequence number
 * (1, 2, ...), for storeq_wait.
 */
uint64_t storeq_submit(struct storeq *q, int commit);

/* Wait until batch seq was applied (committed, when it said so). */
void storeq_wait(struct storeq *q, uint64_t seq);

/* Non-zero (the code, e filled when not NULL) once the writer failed. */
int storeq_failed(struct storeq *q, struct err *e);

/* Append the STATE lines committed since the last call to out (each with
 * its "\n"); 1 when there were some.  Cheap when there are none. */
int storeq_take_ready(struct storeq *q, struct buf *out);

/* Pass the bad lines the writer reported so far to report(), in order.
 * Cheap when there are none. */
void storeq_take_reports(struct storeq *q);

/* Rows SQLite refused so far. */
uint64_t storeq_refused(struct storeq *q);

/*
 * Submit what is being filled (committing it, unless rollback), wait for
 * the writer to apply everything, and stop it; with rollback the open
 * transaction is rolled back instead.  Returns 0 or the writer's error
 * code (e filled).  The store is the caller's again after.
 */
int storeq_finish(struct storeq *q, int rollback, struct err *e);

/* Free (after storeq_finish; NULL allowed). */
void storeq_free(struct storeq *q);

#endif
