#include "etlrun.h"

#include <stdlib.h>

#include "diag.h"
#include "schema.h"
#include "singer.h"
#include "ts.h"
#include "banned.h"

void
etlrun_write(struct buf *out, const struct etl_run *run)
{
	const struct schema_table *t = schema_table_find("etl_runs");
	struct singer_rec r;
	struct buf id = BUF_INIT;
	int64_t now = ts_now_ms();

	if (t) {
		singer_write_schema(out, t, NULL, 0);
		buf_addch(out, '\n');
	}
	buf_printf(&id, "%s:%s:", run->source, run->stream_key ? run->stream_key : "");
	ts_format(&id, run->started_ms);
	singer_rec_begin(&r, out, "etl_runs");
	singer_rec_cstr(&r, "run_id", buf_cstr(&id));
	singer_rec_cstr(&r, "source_system", run->source);
	singer_rec_cstr(&r, "job_type", run->job_type);
	singer_rec_ts(&r, "started_at", run->started_ms);
	singer_rec_ts(&r, "completed_at", now < run->started_ms ? run->started_ms : now);
	singer_rec_int(&r, "rows_processed", run->rows_processed);
	singer_rec_int(&r, "rows_failed", run->rows_failed);
	singer_rec_cstr(&r, "status", run->error ? "failed" : "success");
	if (run->error) {
		char *msg = diag_scrub(run->error);

		singer_rec_cstr(&r, "error_message", msg);
		free(msg);
	} else {
		singer_rec_null(&r, "error_message");
	}
	if (run->watermark_ms >= 0)
		singer_rec_ts(&r, "watermark", run->watermark_ms);
	else
		singer_rec_null(&r, "watermark");
	singer_rec_cstr(&r, "stream_key", run->stream_key);
	singer_rec_end(&r, now);
	buf_addch(out, '\n');
	buf_release(&id);
}
