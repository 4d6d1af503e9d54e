/*
 * fuzz_csv: the Bulk API CSV reader: every record or a clear error, never
 * a read past the input.
 */
#include <stdlib.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct csv_reader r;
	struct err e = ERR_INIT;
	int rc, n = 0;

	csv_reader_init(&r, (const char *)data, size, ',');
	while ((rc = csv_next(&r, &e)) == 1)
		if (++n > 1000000)
			abort(); /* no progress */
	if (rc < 0 && e.msg == NULL)
		abort(); /* an error must say why */
	err_release(&e);
	csv_reader_release(&r);
	return 0;
}
