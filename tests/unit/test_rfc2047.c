#include <string.h>

#include "rfc2047.h"
#include "check_main.h"

static char *
dec(const char *s)
{
	struct buf b = BUF_INIT;

	rfc2047_decode(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

#define CHECK_DEC(in, want) do { \
	char *got_ = dec(in); \
	ck_assert_str_eq(got_, want); \
	free(got_); \
} while (0)

/* B and Q words decode; text around them stays */
START_TEST(rfc2047_decode_b_and_q)
{
	CHECK_DEC("=?UTF-8?B?Y2Fmw6k=?=", "café");
	CHECK_DEC("Re: =?iso-8859-1?Q?caf=E9_cr=E8me?= ok", "Re: café crème ok");
	CHECK_DEC("=?utf-8?q?a=5Fb?=", "a_b");
}
END_TEST

/* white space between adjacent words vanishes; a split character survives */
START_TEST(rfc2047_decode_adjacent)
{
	CHECK_DEC("=?UTF-8?Q?caf?= =?UTF-8?Q?=C3=A9?=", "café");
	CHECK_DEC("=?UTF-8?Q?caf=C3?=\r\n =?UTF-8?Q?=A9?=", "café");
	CHECK_DEC("=?UTF-8?Q?a?= b =?UTF-8?Q?c?=", "a b c");
	CHECK_DEC("=?UTF-8?Q?a?= =?ISO-8859-1?Q?=E9?=", "aé");
}
END_TEST

/* malformed words are left as written */
START_TEST(rfc2047_decode_malformed)
{
	CHECK_DEC("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=");
	CHECK_DEC("=?UTF-8?B?abc", "=?UTF-8?B?abc");
	CHECK_DEC("=?UTF-8?Q?has space?=", "=?UTF-8?Q?has space?=");
	CHECK_DEC("=?UTF-8?B?@@@@?=", "=?UTF-8?B?@@@@?=");
	CHECK_DEC("=??Q?x?=", "=??Q?x?=");
	CHECK_DEC("plain text", "plain text");
}
END_TEST

/* unfolding, iso-2022-jp words, language suffix, raw 8-bit text */
START_TEST(rfc2047_decode_misc)
{
	CHECK_DEC("a\r\n\tb", "a b");
	CHECK_DEC("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "テスト");
	CHECK_DEC("=?utf-8*en?Q?hi?=", "hi");
	CHECK_DEC("na\xefve", "naïve");
	CHECK_DEC("=?x-unknown?Q?na=EFve?=", "naïve");
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("rfc2047");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rfc2047_decode_b_and_q);
	tcase_add_test(tc, rfc2047_decode_adjacent);
	tcase_add_test(tc, rfc2047_decode_malformed);
	tcase_add_test(tc, rfc2047_decode_misc);
	suite_add_tcase(s, tc);
	return s;
}
