/*
 * fuzz_ndjson: the line reader must never crash, and each line it hands out
 * must hold no newline and no NUL, be valid UTF-8 and fit the cap; the
 * stream's line numbers only grow.  Peeking ahead (ndjson_reader_peek)
 * between lines changes nothing the reader hands out, and a peeked line
 * holds no newline.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json.h"
#include "ndjson.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Read all of data[0..size) with cap; peeks: peek before each line as
 * many lines as the next input byte says (0: never).  The lines and
 * statuses handed out, in log. */
static void
read_all(const unsigned char *data, size_t size, size_t cap, int peeks,
    struct buf *log)
{
	struct ndjson_reader r;
	struct err e = ERR_INIT;
	const char *line;
	size_t len, k = 0;
	int fd, st;

	fd = memfd_create("fuzz", 0);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	ndjson_reader_init(&r, cap);
	ndjson_reader_set_fd(&r, fd, "fuzz");
	while ((st = ndjson_reader_next(&r, &line, &len, &e)) != NDJSON_EOF) {
		unsigned want = peeks && size ? data[k++ % size] % 5 : 0;

		buf_printf(log, "%d:%lu:", st, r.lineno);
		if (st == NDJSON_LINE)
			buf_add(log, line, len);
		buf_addch(log, '\n');
		while (ndjson_reader_peeked(&r) < want &&
		    ndjson_reader_peek(&r, &line, &len))
			if (memchr(line, '\n', len) != NULL)
				abort();
		err_release(&e);
	}
	ndjson_reader_release(&r);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct json_doc doc;
	static int ready;
	struct ndjson_reader r;
	struct err e = ERR_INIT;
	unsigned long last = 0;
	size_t cap = 1 + (size ? data[0] % 200 : 0);
	const char *line;
	size_t len;
	int fd, st;

	if (!ready) {
		json_doc_init(&doc);
		json_doc_set_limits(&doc, 64, 1 << 22);
		ready = 1;
	}
	fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	/* a small cap, so over-long lines and their skipping are exercised */
	ndjson_reader_init(&r, cap);
	ndjson_reader_set_fd(&r, fd, "fuzz");
	while ((st = ndjson_reader_next(&r, &line, &len, &e)) != NDJSON_EOF) {
		if (st < 0 || r.lineno <= last)
			abort();
		last = r.lineno;
		if (st == NDJSON_BAD) {
			if (*ndjson_reader_why(&r) == '\0')
				abort(); /* a bad line must say why */
			continue;
		}
		if (len > r.max_line || memchr(line, '\n', len) ||
		    memchr(line, '\0', len) || !json_utf8_valid(line, len, NULL))
			abort();
		if (json_parse(&doc, line, len, &e) == NULL && e.code == 0)
			abort();
		err_release(&e);
	}
	ndjson_reader_release(&r);
	close(fd);
	{
		struct buf a = BUF_INIT, b = BUF_INIT;

		read_all(data, size, cap, 0, &a);
		read_all(data, size, cap, 1, &b);
		if (a.len != b.len ||
		    memcmp(buf_cstr(&a), buf_cstr(&b), a.len) != 0)
			abort();
		buf_release(&a);
		buf_release(&b);
	}
	return 0;
}
