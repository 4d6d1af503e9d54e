#include <stdlib.h>
#include <string.h>

#include "ts.h"
#include "check_main.h"

static int64_t
must(const char *s)
{
	int64_t ms = -42;

	ck_assert_msg(ts_parse(s, strlen(s), &ms) == 0, "refused: %s", s);
	return ms;
}

static void
refuse(const char *s)
{
	int64_t ms;

	ck_assert_msg(ts_parse(s, strlen(s), &ms) == -1, "accepted: %s", s);
}

static const char *
fmt(int64_t ms)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	ts_format(&b, ms);
	return buf_cstr(&b);
}

/* the Salesforce "+0000" form and RFC 3339 Z agree */
START_TEST(ts_parse_salesforce)
{
	int64_t a = must("2026-11-28T23:59:59.000+0000");

	ck_assert_int_eq(a, must("2026-11-28T23:59:59Z"));
	ck_assert_int_eq(a, 1795910399000LL);
	ck_assert_str_eq(fmt(a), "2026-11-28T23:59:59.000Z");
}
END_TEST

/* offsets of any sign and shape move the instant, also across midnight */
START_TEST(ts_parse_offsets)
{
	ck_assert_str_eq(fmt(must("2026-11-28T23:30:00-05:00")),
	    "2026-11-29T04:30:00.000Z");
	ck_assert_str_eq(fmt(must("2026-03-01T01:00:00+05:30")),
	    "2026-02-28T19:30:00.000Z");
	ck_assert_str_eq(fmt(must("2024-03-01T01:00:00+0200")),
	    "2024-02-29T23:00:00.000Z");
	ck_assert_str_eq(fmt(must("2026-12-31T23:00:00-08")),
	    "2027-01-01T07:00:00.000Z");
	ck_assert_str_eq(fmt(must("2027-01-01T00:00:00+14:00")),
	    "2026-12-31T10:00:00.000Z");
	ck_assert_int_eq(must("2026-11-28t23:59:59z"),
	    must("2026-11-28 23:59:59+00:00"));
}
END_TEST

/* no zone means UTC; a date alone is midnight UTC; seconds optional */
START_TEST(ts_parse_partial_forms)
{
	ck_assert_int_eq(must("2026-11-28T10:11:12"),
	    must("2026-11-28T10:11:12Z"));
	ck_assert_str_eq(fmt(must("2026-11-28")), "2026-11-28T00:00:00.000Z");
	ck_assert_str_eq(fmt(must("2026-11-28T10:11")),
	    "2026-11-28T10:11:00.000Z");
	ck_assert_int_eq(must("1970-01-01"), 0);
}
END_TEST

/* fractions of any length are truncated to milliseconds */
START_TEST(ts_parse_fractions)
{
	ck_assert_str_eq(fmt(must("2026-01-02T03:04:05.1Z")),
	    "2026-01-02T03:04:05.100Z");
	ck_assert_str_eq(fmt(must("2026-01-02T03:04:05.123999999Z")),
	    "2026-01-02T03:04:05.123Z");
	ck_assert_str_eq(fmt(must("2026-01-02T03:04:05.12+01:00")),
	    "2026-01-02T02:04:05.120Z");
	refuse("2026-01-02T03:04:05.Z");
}
END_TEST

/* leap years follow the Gregorian rules (2000 yes, 1900 and 2100 no) */
START_TEST(ts_parse_leap_years)
{
	must("2024-02-29");
	must("2000-02-29T12:00:00Z");
	refuse("1900-02-29");
	refuse("2100-02-29");
	refuse("2026-02-29");
	ck_assert_int_eq(must("2024-03-01") - must("2024-02-28"),
	    2 * 86400000LL);
}
END_TEST

/* impossible dates and times, and junk, are refused */
START_TEST(ts_parse_invalid)
{
	static const char *bad[] = {
		"", "2026", "2026-11", "2026-02-30", "2026-04-31", "2026-13-01",
		"2026-00-10", "2026-01-00", "2026-01-32", "2026-11-28T24:00:00Z",
		"2026-11-28T23:60:00Z", "2026-11-28T23:59:60Z",
		"2026-11-28T23:59:59+24:00", "2026-11-28T23:59:59+05:60",
		"2026-11-28T23:59:59 Z", "2026-11-28T23:59:59Zjunk",
		"2026-11-28T23:59:59+5", "2026-11-28T23:59:59+05:3",
		"2026-11-28X23:59:59", "26-11-28", "2026/11/28", "0000-01-01",
		" 2026-11-28", "2026-11-28 ", "2026-11-28T1:2:3", "abc",
		"2026-11-28T23:59:59.000+0000\n", "1795910399000",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refuse(bad[i]);
	/* n bounds the text: a valid prefix alone is read */
	{
		int64_t ms;

		ck_assert_int_eq(ts_parse("2026-11-28XYZ", 10, &ms), 0);
	}
}
END_TEST

/* epoch milliseconds are accepted only when asked for */
START_TEST(ts_parse_flags_epoch_ms)
{
	int64_t ms;

	ck_assert_int_eq(ts_parse_flags("1795910399000", 13, TS_EPOCH_MS, &ms),
	    0);
	ck_assert_str_eq(fmt(ms), "2026-11-28T23:59:59.000Z");
	ck_assert_int_eq(ts_parse_flags("0", 1, TS_EPOCH_MS, &ms), 0);
	ck_assert_int_eq(ms, 0);
	ck_assert_int_eq(ts_parse_flags("-1", 2, TS_EPOCH_MS, &ms), -1);
	ck_assert_int_eq(ts_parse_flags("12a", 3, TS_EPOCH_MS, &ms), -1);
	ck_assert_int_eq(ts_parse_flags("9999999999999999", 16, TS_EPOCH_MS,
	    &ms), -1);
	ck_assert_int_eq(ts_parse_flags("2026-11-28", 10, TS_EPOCH_MS, &ms), 0);
}
END_TEST

/* formatting handles times before 1970 and the edges of the range */
START_TEST(ts_format_edges)
{
	struct buf b = BUF_INIT;

	ck_assert_str_eq(fmt(-1), "1969-12-31T23:59:59.999Z");
	ck_assert_str_eq(fmt(must("0001-01-01")), "0001-01-01T00:00:00.000Z");
	ck_assert_str_eq(fmt(must("9999-12-31T23:59:59.999Z")),
	    "9999-12-31T23:59:59.999Z");
	ts_format_date(&b, must("2026-11-28T23:59:59.999+0000"));
	ck_assert_str_eq(buf_cstr(&b), "2026-11-28");
	buf_reset(&b);
	ts_format_date(&b, -1);
	ck_assert_str_eq(buf_cstr(&b), "1969-12-31");
	buf_release(&b);
}
END_TEST

/* every day of 400 years formats back to the text it was parsed from */
START_TEST(ts_format_roundtrip_days)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	int y;
	unsigned m, d;

	for (y = 1900; y < 2300; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= 31; d++) {
				int64_t ms;

				buf_reset(&want);
				buf_printf(&want, "%04d-%02u-%02uT13:14:15.016Z",
				    y, m, d);
				if (!ts_valid_date(y, m, d)) {
					ck_assert_int_eq(ts_parse(want.data,
					    want.len, &ms), -1);
					continue;
				}
				ck_assert_int_eq(ts_parse(want.data, want.len,
				    &ms), 0);
				buf_reset(&b);
				ts_format(&b, ms);
				ck_assert_str_eq(b.data, want.data);
			}
	buf_release(&b);
	buf_release(&want);
}
END_TEST

/* SALESINTEL_NOW fixes the clock for reproducible tests */
START_TEST(ts_now_ms_fixed)
{
	int64_t real;

	unsetenv("SALESINTEL_NOW");
	real = ts_now_ms();
	ck_assert_int_gt(real, must("2020-01-01"));
	setenv("SALESINTEL_NOW", "2026-11-29T05:00:00.000Z", 1);
	ck_assert_str_eq(fmt(ts_now_ms()), "2026-11-29T05:00:00.000Z");
	setenv("SALESINTEL_NOW", "1000", 1);
	ck_assert_int_eq(ts_now_ms(), 1000);
	setenv("SALESINTEL_NOW", "garbage", 1);
	ck_assert_int_ge(ts_now_ms(), real);
	unsetenv("SALESINTEL_NOW");
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ts");
	TCase *tc = tcase_create("ts");

	tcase_add_test(tc, ts_parse_salesforce);
	tcase_add_test(tc, ts_parse_offsets);
	tcase_add_test(tc, ts_parse_partial_forms);
	tcase_add_test(tc, ts_parse_fractions);
	tcase_add_test(tc, ts_parse_leap_years);
	tcase_add_test(tc, ts_parse_invalid);
	tcase_add_test(tc, ts_parse_flags_epoch_ms);
	tcase_add_test(tc, ts_format_edges);
	tcase_add_test(tc, ts_format_roundtrip_days);
	tcase_add_test(tc, ts_now_ms_fixed);
	suite_add_tcase(s, tc);
	return s;
}
