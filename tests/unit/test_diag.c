#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "check_main.h"

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

static Suite *
suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("diag");

	tcase_add_test(tc, diag_scrub_secrets);
	tcase_add_test(tc, err_set_prefix);
	tcase_add_test(tc, diag_set_format_names);
	suite_add_tcase(s, tc);
	return s;
}
