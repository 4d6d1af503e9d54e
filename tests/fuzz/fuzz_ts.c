/*
 * fuzz_ts: the timestamp parser must never crash, and an instant it accepts
 * within years 0001-9999 must format to the one UTC form, which parses back
 * to the same instant.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ts.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const int64_t lo = ts_days_from_civil(1, 1, 1) * 86400000;
	const int64_t hi = ts_days_from_civil(10000, 1, 1) * 86400000 - 1;
	struct buf out = BUF_INIT;
	int64_t ms, again;

	if (ts_parse_flags((const char *)data, size, TS_EPOCH_MS, &ms) != 0)
		return 0;
	ts_format(&out, ms);
	if (ms >= lo && ms <= hi) {
		if (out.len != 24)
			abort(); /* YYYY-MM-DDTHH:MM:SS.sssZ */
		if (ts_parse(out.data, out.len, &again) != 0 || again != ms)
			abort();
	}
	buf_release(&out);
	return 0;
}
