/*
 * etlrun.h: the etl_runs RECORD every pull writes at its end, also when it
 * fails (DESIGN.md section 4), with its SCHEMA before it.
 */
#ifndef SI_ETLRUN_H
#define SI_ETLRUN_H

#include <stdint.h>

#include "buf.h"

struct etl_run {
	const char *source;      /* "dialpad", "hubspot", ... */
	const char *job_type;    /* "full", "incremental" */
	const char *stream_key;  /* the bookmark key the run moved; may be NULL */
	int64_t started_ms;
	int64_t rows_processed;
	int64_t rows_failed;
	int64_t watermark_ms;    /* -1: none */
	const char *error;       /* NULL on success (the status is then "success") */
};

/*
 * Append the etl_runs SCHEMA and RECORD lines (each ending in '\n') to out.
 * run_id is "<source>:<stream_key>:<started>", so a replayed archive never
 * duplicates a run.  The error text is scrubbed of registered secrets.
 */
void etlrun_write(struct buf *out, const struct etl_run *run);

#endif
