/*
 * fuzz_json: the JSON parser must never crash, and whatever it accepts must
 * write back to text that parses again to the same text (a fixed point).
 * Splicing relies on two more facts checked here: a text the parser calls
 * canonical is exactly what json_write writes for its tree, and every
 * node's source span (src, json_src_end) holds exactly that node's text.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* every node's span is its own json_write text (depth first, no recursion
 * beyond the doc's depth limit of 200) */
static void
check_spans(const char *text, size_t n, const struct json *v)
{
	struct buf w = BUF_INIT;
	size_t start, end;
	const struct json *c;

	if (v->src == 0)
		abort(); /* a parsed node of a short text has its offset */
	start = (size_t)v->src - 1;
	end = json_src_end(text, n, v);
	if (end <= start || end > n)
		abort();
	json_write(&w, v);
	if (w.len != end - start || memcmp(w.data, text + start, w.len) != 0)
		abort();
	buf_release(&w);
	for (c = v->child; c; c = c->next)
		check_spans(text, n, c);
}

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
	if (doc.canonical) {
		if (once.len != size || memcmp(once.data, data, size) != 0)
			abort(); /* canonical: the text is json_write's */
		check_spans((const char *)data, size, root);
	}
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
