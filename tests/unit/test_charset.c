#include <string.h>

#include "charset.h"
#include "check_main.h"

/* valid UTF-8 is accepted; overlongs, surrogates and truncation are not */
START_TEST(charset_utf8_valid_cases)
{
	ck_assert(charset_utf8_valid("caf\xc3\xa9", 5));
	ck_assert(charset_utf8_valid("\xf0\x9f\x98\x80", 4));
	ck_assert(!charset_utf8_valid("\xc0\xaf", 2));
	ck_assert(!charset_utf8_valid("\xed\xa0\x80", 3));
	ck_assert(!charset_utf8_valid("\xe2\x82", 2));
	ck_assert(!charset_utf8_valid("\xf4\x90\x80\x80", 4));
	ck_assert(!charset_utf8_valid("caf\xe9", 4));
}
END_TEST

/* text already valid UTF-8 is kept as is even if labelled iso-8859-1 */
START_TEST(charset_to_utf8_kept)
{
	struct buf b = BUF_INIT;

	ck_assert_uint_eq(charset_to_utf8(&b, "iso-8859-1", "caf\xc3\xa9", 5),
	    CHARSET_KEPT);
	ck_assert_str_eq(buf_cstr(&b), "caf\xc3\xa9");
	buf_release(&b);
}
END_TEST

/* latin1 bytes are converted; iso-8859-1 reads 0x80 as the euro sign */
START_TEST(charset_to_utf8_latin1)
{
	struct buf b = BUF_INIT;

	ck_assert_uint_eq(charset_to_utf8(&b, "ISO-8859-1", "caf\xe9 \x80", 6), 0);
	ck_assert_str_eq(buf_cstr(&b), "caf\xc3\xa9 \xe2\x82\xac");
	buf_release(&b);
}
END_TEST

/* iso-2022-jp (7-bit, valid as ASCII) goes through iconv all the same */
START_TEST(charset_to_utf8_iso2022jp)
{
	struct buf b = BUF_INIT;
	const char *jp = "\x1b$B$3$s$K$A$O\x1b(B";

	ck_assert_uint_eq(charset_to_utf8(&b, "iso-2022-jp", jp, strlen(jp)), 0);
	ck_assert_str_eq(buf_cstr(&b), "こんにちは");
	buf_reset(&b);
	/* already converted by Gmail but still labelled: kept */
	ck_assert_uint_eq(charset_to_utf8(&b, "iso-2022-jp", "こんにちは",
	    strlen("こんにちは")), CHARSET_KEPT);
	ck_assert_str_eq(buf_cstr(&b), "こんにちは");
	buf_release(&b);
}
END_TEST

/* an unknown charset falls back to windows-1252 and says so */
START_TEST(charset_to_utf8_unknown)
{
	struct buf b = BUF_INIT;

	ck_assert_uint_eq(charset_to_utf8(&b, "x-no-such-charset", "na\xefve", 5),
	    CHARSET_FALLBACK);
	ck_assert_str_eq(buf_cstr(&b), "na\xc3\xafve");
	buf_reset(&b);
	ck_assert_uint_eq(charset_to_utf8(&b, NULL, "\x93q\x94", 3),
	    CHARSET_FALLBACK);
	ck_assert_str_eq(buf_cstr(&b), "\xe2\x80\x9cq\xe2\x80\x9d");
	buf_release(&b);
}
END_TEST

/* invalid bytes in a known charset become U+FFFD, the rest survives */
START_TEST(charset_to_utf8_invalid)
{
	struct buf b = BUF_INIT;
	unsigned f;

	f = charset_to_utf8(&b, "utf-8", "a\xff" "b", 3);
	ck_assert(f & CHARSET_REPLACED);
	ck_assert_str_eq(buf_cstr(&b), "a\xef\xbf\xbd" "b");
	buf_reset(&b);
	f = charset_to_utf8(&b, "shift_jis", "a\x82", 2);
	ck_assert(f & CHARSET_REPLACED);
	ck_assert(charset_utf8_valid(b.data, b.len));
	ck_assert_int_eq(b.data[0], 'a');
	buf_release(&b);
}
END_TEST

/* windows-1251 (Cyrillic) converts through iconv */
START_TEST(charset_to_utf8_cp1251)
{
	struct buf b = BUF_INIT;

	charset_to_utf8(&b, "windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", 6);
	ck_assert_str_eq(buf_cstr(&b), "Привет");
	buf_release(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("charset");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, charset_utf8_valid_cases);
	tcase_add_test(tc, charset_to_utf8_kept);
	tcase_add_test(tc, charset_to_utf8_latin1);
	tcase_add_test(tc, charset_to_utf8_iso2022jp);
	tcase_add_test(tc, charset_to_utf8_unknown);
	tcase_add_test(tc, charset_to_utf8_invalid);
	tcase_add_test(tc, charset_to_utf8_cp1251);
	suite_add_tcase(s, tc);
	return s;
}
