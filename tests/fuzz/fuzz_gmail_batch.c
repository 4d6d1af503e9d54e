/*
 * fuzz_gmail_batch: a Gmail batch answer (gmail.md 5) as gmail-pull reads
 * it.  Up to the first newline: the outer Content-Type header value; the
 * rest: the multipart body.  Every part found is looked up by its id.
 */
#include <stdlib.h>
#include <string.h>

#include "gmail_batch.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	struct gmail_batch_resp r;
	struct err e = ERR_INIT;
	char *ct;
	size_t i, cl;

	if (!nl)
		return 0;
	cl = (size_t)(nl - s);
	ct = xstrndup(s, cl);
	if (strlen(ct) == cl && gmail_batch_parse(&r, ct, nl + 1,
	    size - cl - 1, &e) == 0) {
		for (i = 0; i < r.n; i++)
			if (gmail_batch_find(&r, r.v[i].id) == NULL)
				__builtin_trap();
		gmail_batch_resp_release(&r);
	}
	err_release(&e);
	free(ct);
	return 0;
}
