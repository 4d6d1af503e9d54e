#include <string.h>

#include "ts.h"
#include "value.h"
#include "check_main.h"

static const struct schema_column epoch_col = { "t", COL_TIMESTAMP, COL_EPOCH_MS };
static const struct schema_column date_col = { "d", COL_DATE, 0 };

/* epoch milliseconds format exactly like ts_format, across centuries,
 * leap days and before 1970 */
START_TEST(value_convert_epoch_matches_ts_format)
{
	struct json_doc d;
	struct buf scratch = BUF_INIT, want = BUF_INIT, txt = BUF_INIT;
	struct err e = ERR_INIT;
	struct value v;
	int64_t ms;
	int i;

	json_doc_init(&d);
	for (i = 0, ms = -62135596800000LL; i < 20000; i++) {
		struct json *n;

		ms += 1234567890123LL / 97 + i;     /* an irregular walk */
		if (ms > 253402300799999LL)
			break;
		buf_reset(&txt);
		buf_printf(&txt, "%lld", (long long)ms);
		n = json_new_number_text(&d, txt.data, txt.len);
		ck_assert_int_eq(value_convert(&scratch, &epoch_col, n, &v, &e), 0);
		buf_reset(&want);
		ts_format(&want, ms);
		ck_assert_int_eq(v.kind, V_TEXT);
		ck_assert_uint_eq(v.n, want.len);
		ck_assert_msg(memcmp(v.p, want.data, v.n) == 0, "%lld: %.*s != %s",
			(long long)ms, (int)v.n, v.p, want.data);
		n = json_new_str(&d, want.data, want.len);
		ck_assert_int_eq(value_convert(&scratch, &date_col, n, &v, &e), 0);
		ck_assert_uint_eq(v.n, 10);
		ck_assert_int_eq(memcmp(v.p, want.data, 10), 0);
	}
	ck_assert_int_gt(i, 1000);
	json_doc_release(&d);
	buf_release(&scratch);
	buf_release(&want);
	buf_release(&txt);
}
END_TEST

/* a timestamp already in the stored form passes through; a bad one in
 * that shape does not */
START_TEST(value_convert_canonical)
{
	static const struct schema_column c = { "t", COL_TIMESTAMP, 0 };
	struct json_doc d;
	struct buf scratch = BUF_INIT;
	struct err e = ERR_INIT;
	struct value v;
	struct json *n;

	json_doc_init(&d);
	n = json_new_cstr(&d, "2024-02-29T23:59:59.999Z");
	ck_assert_int_eq(value_convert(&scratch, &c, n, &v, &e), 0);
	ck_assert_ptr_eq(v.p, n->s);
	n = json_new_cstr(&d, "2023-02-29T23:59:59.999Z");
	ck_assert_int_eq(value_convert(&scratch, &c, n, &v, &e), EX_DATAERR);
	err_release(&e);
	n = json_new_cstr(&d, "2024-03-01T01:00:00+01:00");
	ck_assert_int_eq(value_convert(&scratch, &c, n, &v, &e), 0);
	ck_assert_int_eq(memcmp(v.p, "2024-03-01T00:00:00.000Z", 24), 0);
	json_doc_release(&d);
	buf_release(&scratch);
}
END_TEST

/* integers: exact within int64, a zero fraction allowed, nothing else */
START_TEST(value_parse_int_edges)
{
	int64_t v;

	ck_assert_int_eq(value_parse_int("9223372036854775807", 19, &v), 0);
	ck_assert(v == INT64_MAX);
	ck_assert_int_eq(value_parse_int("-9223372036854775808", 20, &v), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_int_eq(value_parse_int("9223372036854775808", 19, &v), -2);
	ck_assert_int_eq(value_parse_int("5.000", 5, &v), 0);
	ck_assert(v == 5);
	ck_assert_int_eq(value_parse_int("5.01", 4, &v), -1);
	ck_assert_int_eq(value_parse_int("1e3", 3, &v), -1);
	ck_assert_int_eq(value_parse_int("-", 1, &v), -1);
	ck_assert_int_eq(value_parse_int("", 0, &v), -1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("value");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, value_convert_epoch_matches_ts_format);
	tcase_add_test(tc, value_convert_canonical);
	tcase_add_test(tc, value_parse_int_edges);
	suite_add_tcase(s, tc);
	return s;
}
