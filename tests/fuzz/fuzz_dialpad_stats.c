/*
 * fuzz_dialpad_stats: a Dialpad stats export CSV (dialpad-pull --via-stats)
 * as dialpad_stats_calls maps it, and each call it makes as
 * dialpad_write_call writes it.  Never a crash; every call has a call id.
 */
#include <stdlib.h>

#include "dialpad.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct json_doc doc;
	static int ready;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;
	struct json *items, *c;
	size_t skipped;

	if (!ready) {
		json_doc_init(&doc);
		ready = 1;
	}
	json_doc_reset(&doc);
	if (dialpad_stats_calls((const char *)data, size, &doc, &items, &skipped,
	    &e) == 0) {
		for (c = items->child; c; c = c->next) {
			if (dialpad_write_call(&out, c, NULL, 0, 0) != 0)
				abort();
			(void)dialpad_wants_transcript(c);
			buf_reset(&out);
		}
	}
	err_release(&e);
	buf_release(&out);
	return 0;
}
