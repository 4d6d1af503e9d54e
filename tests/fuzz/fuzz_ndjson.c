/*
 * fuzz_ndjson: the line reader (tiny cap so the too-long path runs), the
 * JSON parser and the Singer classifier over arbitrary bytes: no crash, no
 * leak, and every line is either good or bad with a reason.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json.h"
#include "ndjson.h"
#include "singer.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct json_doc doc;
	static int ready;
	struct ndjson_reader r;
	struct err e = ERR_INIT;
	const char *line;
	size_t len;
	int fd, rc;

	if (!ready) {
		json_doc_init(&doc);
		ready = 1;
	}
	fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	lseek(fd, 0, SEEK_SET);
	ndjson_reader_init(&r, 256);
	ndjson_reader_set_fd(&r, fd, "fuzz");
	while ((rc = ndjson_reader_next(&r, &line, &len, &e)) != NDJSON_EOF && rc >= 0) {
		struct json *root;
		struct singer_msg m;

		if (rc == NDJSON_BAD) {
			if (ndjson_reader_why(&r) == NULL)
				abort();
			continue;
		}
		root = json_parse(&doc, line, len, &e);
		if (root && singer_classify(root, &m, &e) != 0 && e.msg == NULL)
			abort();
		err_release(&e);
	}
	err_release(&e);
	ndjson_reader_release(&r);
	close(fd);
	return 0;
}
