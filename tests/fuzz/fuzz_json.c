/*
 * fuzz_json: the JSON parser must never crash, and whatever it accepts must
 * write back to text that parses again to the same text (a fixed point).
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct json_doc doc, doc2;
	static int ready;
	struct err e = ERR_INIT;
	struct buf once = BUF_INIT, twice = BUF_INIT;
	struct json *root, *again;

	if (!ready) {
		json_doc_init(&doc);
		json_doc_init(&doc2);
		json_doc_set_limits(&doc, 200, 1 << 24);
		json_doc_set_limits(&doc2, 200, 1 << 24);
		ready = 1;
	}
	root = json_parse(&doc, (const char *)data, size, &e);
	if (root == NULL) {
		if (e.msg == NULL || e.code == 0)
			abort(); /* a refusal must say why */
		err_release(&e);
		return 0;
	}
	json_write(&once, root);
	again = json_parse(&doc2, once.data, once.len, &e);
	if (again == NULL)
		abort(); /* what we write must parse */
	json_write(&twice, again);
	if (once.len != twice.len || memcmp(once.data, twice.data, once.len) != 0)
		abort(); /* and be a fixed point */
	buf_release(&once);
	buf_release(&twice);
	err_release(&e);
	return 0;
}
