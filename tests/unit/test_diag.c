#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "check_main.h"
#include "tmpfile.h"

/* registered secrets are scrubbed, also URL-encoded and without a trailing newline */
START_TEST(diag_scrub_secrets)
{
	char *s;

	diag_secret_add("s3cr3t/pa ss\n");
	s = diag_scrub("token=s3cr3t/pa ss and s3cr3t%2Fpa%20ss end");
	ck_assert_str_eq(s, "token=[redacted] and [redacted] end");
	free(s);
	diag_secret_add("abc"); /* too short to be redacted */
	s = diag_scrub("abc");
	ck_assert_str_eq(s, "abc");
	free(s);
}
END_TEST

/* err_set and err_prefix build the message and keep the code */
START_TEST(err_set_prefix)
{
	struct err e = ERR_INIT;

	ck_assert_int_eq(err_set(&e, EX_DATAERR, "bad %s", "thing"), EX_DATAERR);
	ck_assert_int_eq(err_prefix(&e, "line %d", 3), EX_DATAERR);
	ck_assert_str_eq(e.msg, "line 3: bad thing");
	err_release(&e);
	ck_assert_ptr_null(e.msg);
	ck_assert_int_eq(e.code, 0);
}
END_TEST

/* only text and json are formats */
START_TEST(diag_set_format_names)
{
	ck_assert_int_eq(diag_set_format("json"), 0);
	ck_assert_int_eq(diag_set_format("text"), 0);
	ck_assert_int_eq(diag_set_format("xml"), -1);
}
END_TEST


/*
 * stderr not a terminal: warnings wait (whole lines) until an error, a
 * diag_flush or a full buffer, and come out in order.
 */
START_TEST(diag_warnings_batched)
{
	char path[256], want[16384];
	struct buf got = BUF_INIT;
	int fd, saved, i;

	tmp_create(path, sizeof(path), "diag");
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	saved = dup(2);
	dup2(fd, 2);
	diag_init("t");
	/* outside a batch: at once */
	diag_warn("zero");
	tmp_read(path, &got);
	ck_assert_str_eq(buf_cstr(&got), "t: warning: zero\n");
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	lseek(fd, 0, SEEK_SET);
	diag_batch(1);
	diag_warn("one");
	diag_info("two");
	tmp_read(path, &got);
	ck_assert_str_eq(buf_cstr(&got), "");
	diag_error("three");
	tmp_read(path, &got);
	ck_assert_str_eq(buf_cstr(&got), "t: warning: one\nt: two\nt: three\n");
	diag_warn("four");
	diag_flush();
	tmp_read(path, &got);
	ck_assert_str_eq(buf_cstr(&got), "t: warning: one\nt: two\nt: three\n"
	    "t: warning: four\n");
	/* a full buffer is written whole lines at a time, nothing lost */
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	lseek(fd, 0, SEEK_SET);
	want[0] = '\0';
	for (i = 0; i < 500; i++) {
		char line[64];

		diag_warn("line %d", i);
		snprintf(line, sizeof(line), "t: warning: line %d\n", i);
		strcat(want, line);
	}
	tmp_read(path, &got);
	ck_assert_uint_gt(got.len, 0);
	ck_assert_uint_lt(got.len, strlen(want));
	ck_assert_int_eq(got.data[got.len - 1], '\n');
	diag_flush();
	tmp_read(path, &got);
	ck_assert_str_eq(buf_cstr(&got), want);
	/* the end of a batch flushes */
	diag_warn("last");
	diag_batch(0);
	tmp_read(path, &got);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&got), "t: warning: last\n"));
	dup2(saved, 2);
	close(saved);
	close(fd);
	unlink(path);
	buf_release(&got);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("diag");

	tcase_add_test(tc, diag_scrub_secrets);
	tcase_add_test(tc, err_set_prefix);
	tcase_add_test(tc, diag_set_format_names);
	tcase_add_test(tc, diag_warnings_batched);
	suite_add_tcase(s, tc);
	return s;
}
