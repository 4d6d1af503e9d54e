#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndjson.h"
#include "check_main.h"

static char path[256];
static struct ndjson_reader r;
static struct err e = ERR_INIT;

/* write content[0..n) to a fresh temporary file; its name in path */
static void
make_input(const char *content, size_t n)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, sizeof(path), "%s/si-ndjson-XXXXXX", tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, n), (ssize_t)n);
	close(fd);
}

static void
open_input(const char *content, size_t n, size_t max_line)
{
	make_input(content, n);
	ndjson_reader_init(&r, max_line);
	ck_assert_int_eq(ndjson_reader_open(&r, path, &e), 0);
}

static void
teardown(void)
{
	ndjson_reader_release(&r);
	err_release(&e);
	if (path[0])
		unlink(path);
	path[0] = '\0';
}

/* expect the next line to be good and equal to want */
static void
want_line(const char *want, unsigned long lineno)
{
	const char *line;
	size_t len;
	int st = ndjson_reader_next(&r, &line, &len, &e);

	ck_assert_msg(st == NDJSON_LINE, "status %d (%s) want %s", st,
	    ndjson_reader_why(&r), want);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_int_eq(memcmp(line, want, len), 0);
	ck_assert_uint_eq(r.lineno, lineno);
}

static void
want_bad(const char *why_part, unsigned long lineno)
{
	const char *line;
	size_t len;
	int st = ndjson_reader_next(&r, &line, &len, &e);

	ck_assert_int_eq(st, NDJSON_BAD);
	ck_assert_msg(strstr(ndjson_reader_why(&r), why_part) != NULL,
	    "why: %s", ndjson_reader_why(&r));
	ck_assert_uint_eq(r.lineno, lineno);
}

static void
want_eof(void)
{
	const char *line;
	size_t len;

	ck_assert_int_eq(ndjson_reader_next(&r, &line, &len, &e), NDJSON_EOF);
	ck_assert_int_eq(ndjson_reader_next(&r, &line, &len, &e), NDJSON_EOF);
}

/* lines come in order with numbers; CRLF, blank lines, last line w/o \n */
START_TEST(ndjson_reader_next_lines)
{
	const char in[] = "{\"a\":1}\r\n\n  \t\n\r\n{\"b\":2}\n{\"c\":3}";

	open_input(in, sizeof(in) - 1, 0);
	want_line("{\"a\":1}", 1);
	want_line("{\"b\":2}", 5);
	want_line("{\"c\":3}", 6);
	want_eof();
}
END_TEST

/* 0-byte input and a lone newline give no line at all */
START_TEST(ndjson_reader_next_empty_input)
{
	open_input("", 0, 0);
	want_eof();
	teardown();
	open_input("\n", 1, 0);
	want_eof();
}
END_TEST

/* NUL bytes and invalid UTF-8 make a bad line; neighbours survive */
START_TEST(ndjson_reader_next_bad_bytes)
{
	const char in[] = "ok1\nab\0cd\nx\xc3(\nok2\n\xed\xa0\x80\n";

	open_input(in, sizeof(in) - 1, 0);
	want_line("ok1", 1);
	want_bad("NUL byte at byte 3", 2);
	want_bad("invalid UTF-8 at byte 2", 3);
	want_line("ok2", 4);
	want_bad("UTF-8", 5);
	want_eof();
	teardown();
	/* with the check off, invalid UTF-8 passes (NUL still does not) */
	open_input(in, sizeof(in) - 1, 0);
	ndjson_reader_check_utf8(&r, 0);
	want_line("ok1", 1);
	want_bad("NUL", 2);
	want_line("x\xc3(", 3);
}
END_TEST

/* a line over the cap is bad, the next lines are read normally */
START_TEST(ndjson_reader_next_too_long)
{
	const char in[] = "12345678\n123456789\n1234567\r\n\r\n1234567890123\nlast";

	open_input(in, sizeof(in) - 1, 8);
	want_line("12345678", 1);
	want_bad("line longer than 8 bytes", 2);
	want_line("1234567", 3);
	want_bad("longer", 5);
	want_line("last", 6);
	want_eof();
}
END_TEST

/* a 5 MB line with a 64 KiB cap: reported, skipped, memory stays small */
START_TEST(ndjson_reader_next_huge_line)
{
	size_t n = 5u << 20, i;
	char *in = malloc(n + 32);

	memcpy(in, "first\n", 6);
	for (i = 6; i < n; i++)
		in[i] = 'x';
	memcpy(in + n, "\nsecond\nthird", 13);
	open_input(in, n + 13, 65536);
	want_line("first", 1);
	want_bad("longer than 65536", 2);
	ck_assert_uint_le(r.cap, 65536 + 65536);
	want_line("second", 3);
	want_line("third", 4);
	want_eof();
	ck_assert_uint_le(r.cap, 65536 + 65536);
	free(in);
	teardown();
	/* the over-long line is the last one, without a newline */
	in = malloc(100000);
	memset(in, 'y', 100000);
	open_input(in, 100000, 1000);
	want_bad("longer than 1000", 1);
	want_eof();
	free(in);
}
END_TEST

/* many lines across read boundaries come out intact and in order */
START_TEST(ndjson_reader_next_many_lines)
{
	struct buf in = BUF_INIT, want = BUF_INIT;
	int i;

	for (i = 0; i < 50000; i++)
		buf_printf(&in, "{\"i\":%d,\"pad\":\"%0*d\"}\n", i, i % 97, 0);
	open_input(in.data, in.len, 0);
	for (i = 0; i < 50000; i++) {
		buf_reset(&want);
		buf_printf(&want, "{\"i\":%d,\"pad\":\"%0*d\"}", i, i % 97, 0);
		want_line(want.data, (unsigned long)i + 1);
	}
	want_eof();
	buf_release(&in);
	buf_release(&want);
}
END_TEST

/* expect the next peeked line to be want (raw) */
static void
want_peek(const char *want)
{
	const char *line;
	size_t len;

	ck_assert_msg(ndjson_reader_peek(&r, &line, &len) == 1,
	    "no line peeked, want %s", want);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_int_eq(memcmp(line, want, len), 0);
}

/* peeking hands out the raw lines ahead in order without consuming them;
 * next still returns every line, checked, with its number */
START_TEST(ndjson_reader_peek_lines)
{
	const char in[] = "a\n\nb\r\n123456789\nc\nd";
	const char *line;
	size_t len;

	open_input(in, sizeof(in) - 1, 8);
	ck_assert_int_eq(ndjson_reader_peek(&r, &line, &len), 0);
	want_line("a", 1);
	ck_assert_uint_eq(ndjson_reader_peeked(&r), 0);
	want_peek("");
	want_peek("b\r");
	ck_assert_uint_eq(ndjson_reader_peeked(&r), 2);
	want_line("b", 3);
	ck_assert_uint_eq(ndjson_reader_peeked(&r), 0);
	want_peek("123456789");
	want_peek("c");
	/* the unterminated last line is not handed out ahead */
	ck_assert_int_eq(ndjson_reader_peek(&r, &line, &len), 0);
	ck_assert_uint_eq(ndjson_reader_peeked(&r), 2);
	want_bad("longer than 8", 4);
	ck_assert_uint_eq(ndjson_reader_peeked(&r), 1);
	want_line("c", 5);
	ck_assert_uint_eq(ndjson_reader_peeked(&r), 0);
	want_line("d", 6);
	ck_assert_int_eq(ndjson_reader_peek(&r, &line, &len), 0);
	want_eof();
}
END_TEST

/* across read boundaries, peeking a few lines ahead after every line sees
 * each line at most once, in order, never one already read, and most */
START_TEST(ndjson_reader_peek_many)
{
	struct buf in = BUF_INIT, want = BUF_INIT;
	int i, last = 0, seen = 0;

	for (i = 1; i <= 50000; i++)
		buf_printf(&in, "{\"i\":%d,\"pad\":\"%0*d\"}\n", i, i % 97, 0);
	open_input(in.data, in.len, 0);
	for (i = 1; i <= 50000; i++) {
		const char *line;
		size_t len;

		buf_reset(&want);
		buf_printf(&want, "{\"i\":%d,\"pad\":\"%0*d\"}", i, i % 97, 0);
		want_line(want.data, (unsigned long)i);
		if (last < i)
			last = i;
		while (ndjson_reader_peeked(&r) < 5 &&
		    ndjson_reader_peek(&r, &line, &len)) {
			int got = atoi(line + 5);

			ck_assert_int_eq(got, last + 1);
			ck_assert_int_eq(line[len - 1], '}');
			last = got;
			seen++;
		}
		ck_assert_int_le(last, i + 5);
	}
	want_eof();
	ck_assert_int_ge(seen, 49000);
	buf_release(&in);
	buf_release(&want);
}
END_TEST

/* a missing file is EX_NOINPUT with its name */
START_TEST(ndjson_reader_open_missing)
{
	ndjson_reader_init(&r, 0);
	ck_assert_int_eq(ndjson_reader_open(&r, "/nonexistent/x.jsonl", &e),
	    EX_NOINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent/x.jsonl"));
	want_eof();
}
END_TEST

/* reading a directory is a read error (EX_IOERR), not a crash */
START_TEST(ndjson_reader_next_read_error)
{
	const char *line;
	size_t len;

	ndjson_reader_init(&r, 0);
	ck_assert_int_eq(ndjson_reader_open(&r, "/", &e), 0);
	ck_assert_int_eq(ndjson_reader_next(&r, &line, &len, &e), -1);
	ck_assert_int_eq(e.code, EX_IOERR);
}
END_TEST

/* the writer writes whole lines and everything is there after a flush */
START_TEST(ndjson_writer_line_flush)
{
	struct ndjson_writer w;
	char got[64];
	int fd;
	ssize_t n;
	struct buf *b;

	make_input("", 0);
	fd = open(path, O_WRONLY | O_TRUNC);
	ndjson_writer_init(&w, fd);
	ck_assert_int_eq(ndjson_writer_line(&w, "one", 3, &e), 0);
	b = ndjson_writer_begin(&w);
	buf_addstr(b, "half a li");
	ndjson_writer_abort(&w);
	b = ndjson_writer_begin(&w);
	buf_addstr(b, "two");
	ck_assert_int_eq(ndjson_writer_end(&w, &e), 0);
	ck_assert_int_eq(ndjson_writer_flush(&w, &e), 0);
	close(fd);
	ndjson_writer_release(&w);
	fd = open(path, O_RDONLY);
	n = read(fd, got, sizeof(got));
	close(fd);
	ck_assert_int_eq(n, 8);
	ck_assert_int_eq(memcmp(got, "one\ntwo\n", 8), 0);
}
END_TEST

/* a full disk is EX_IOERR with a message */
START_TEST(ndjson_writer_flush_dev_full)
{
	struct ndjson_writer w;
	int fd = open("/dev/full", O_WRONLY);

	if (fd < 0)
		return; /* no /dev/full here: nothing to test */
	ndjson_writer_init(&w, fd);
	ck_assert_int_eq(ndjson_writer_line(&w, "x", 1, &e), 0);
	ck_assert_int_eq(ndjson_writer_flush(&w, &e), EX_IOERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "write error"));
	ck_assert_int_eq(ndjson_writer_flush(&w, &e), EX_IOERR);
	ndjson_writer_release(&w);
	close(fd);
}
END_TEST

/* a closed pipe (SIGPIPE ignored) marks the writer closed, quietly */
START_TEST(ndjson_writer_flush_epipe)
{
	struct ndjson_writer w;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	ndjson_writer_init(&w, p[1]);
	ndjson_writer_line(&w, "x", 1, &e);
	ck_assert_int_eq(ndjson_writer_flush(&w, &e), 0);
	ck_assert(ndjson_writer_closed(&w));
	ck_assert_int_eq(ndjson_writer_line(&w, "y", 1, &e), 0);
	ndjson_writer_release(&w);
	close(p[1]);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ndjson");
	TCase *tc = tcase_create("ndjson");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, ndjson_reader_next_lines);
	tcase_add_test(tc, ndjson_reader_next_empty_input);
	tcase_add_test(tc, ndjson_reader_next_bad_bytes);
	tcase_add_test(tc, ndjson_reader_next_too_long);
	tcase_add_test(tc, ndjson_reader_next_huge_line);
	tcase_add_test(tc, ndjson_reader_next_many_lines);
	tcase_add_test(tc, ndjson_reader_peek_lines);
	tcase_add_test(tc, ndjson_reader_peek_many);
	tcase_add_test(tc, ndjson_reader_open_missing);
	tcase_add_test(tc, ndjson_reader_next_read_error);
	tcase_add_test(tc, ndjson_writer_line_flush);
	tcase_add_test(tc, ndjson_writer_flush_dev_full);
	tcase_add_test(tc, ndjson_writer_flush_epipe);
	suite_add_tcase(s, tc);
	return s;
}
