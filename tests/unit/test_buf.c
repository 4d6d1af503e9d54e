#include <string.h>

#include "buf.h"
#include "check_main.h"

/* appends grow the buffer and keep it NUL-terminated */
START_TEST(buf_add_grows)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(buf_addstr(&b, "abc"), 0);
	ck_assert_uint_eq(b.len, 3000);
	ck_assert_int_eq(b.data[3000], '\0');
	ck_assert_int_eq(memcmp(b.data + 2997, "abc", 3), 0);
	buf_release(&b);
}
END_TEST

/* an append past the maximum fails, sets failed, and later appends do nothing */
START_TEST(buf_add_over_max)
{
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_addstr(&b, "12345678"), 0);
	ck_assert_int_eq(buf_addch(&b, '9'), -1);
	ck_assert(buf_failed(&b));
	ck_assert_int_eq(buf_addstr(&b, ""), -1);
	ck_assert_str_eq(buf_cstr(&b), "12345678");
	buf_reset(&b);
	ck_assert(!buf_failed(&b));
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_release(&b);
}
END_TEST

/* printf formats long output beyond the first guess */
START_TEST(buf_printf_long)
{
	struct buf b = BUF_INIT;
	char big[300];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(buf_printf(&b, "<%s|%d>", big, 42), 0);
	ck_assert_uint_eq(b.len, 299 + 5);
	ck_assert_str_eq(b.data + 300, "|42>");
	buf_release(&b);
}
END_TEST

/* an empty buffer reads as "" and detaches to a fresh empty string */
START_TEST(buf_detach_empty)
{
	struct buf b = BUF_INIT;
	size_t len = 9;
	char *s;

	ck_assert_str_eq(buf_cstr(&b), "");
	s = buf_detach(&b, &len);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
}
END_TEST

/* truncate cuts and keeps the terminator */
START_TEST(buf_truncate_cuts)
{
	struct buf b = BUF_INIT;

	buf_addstr(&b, "hello world");
	buf_truncate(&b, 5);
	ck_assert_str_eq(buf_cstr(&b), "hello");
	buf_truncate(&b, 50);
	ck_assert_uint_eq(b.len, 5);
	buf_release(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("buf");

	tcase_add_test(tc, buf_add_grows);
	tcase_add_test(tc, buf_add_over_max);
	tcase_add_test(tc, buf_printf_long);
	tcase_add_test(tc, buf_detach_empty);
	tcase_add_test(tc, buf_truncate_cuts);
	suite_add_tcase(s, tc);
	return s;
}
