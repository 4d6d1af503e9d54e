/*
 * Unit tests for lib/phone.c and lib/phone_re.c.  Expected values are what
 * python3-phonenumbers 8.12.57 returns (parse, is_valid_number,
 * format_number E164); the broad comparison is the differential test.
 */
#include <string.h>

#include "phone.h"
#include "phone_meta.h"
#include "phone_re.h"
#include "phone_value.h"
#include "check_main.h"

struct pcase {
	const char *text, *region, *status, *e164, *ext;
};

static void
check_cases(const struct pcase *c, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		struct phone_info info;
		enum phone_status st = phone_normalize(c[i].text, c[i].region, &b, &info);

		ck_assert_msg(strcmp(phone_status_name(st), c[i].status) == 0,
			"%s (%s): status %s, want %s", c[i].text,
			c[i].region ? c[i].region : "NULL", phone_status_name(st),
			c[i].status);
		ck_assert_msg(strcmp(buf_cstr(&b), c[i].e164) == 0,
			"%s (%s): got %s, want %s", c[i].text,
			c[i].region ? c[i].region : "NULL", buf_cstr(&b), c[i].e164);
		ck_assert_msg(strcmp(info.extension, c[i].ext) == 0,
			"%s: extension [%s], want [%s]", c[i].text, info.extension,
			c[i].ext);
	}
	buf_release(&b);
}

/* the fixed interface of issue 2 and the usual North American spellings */
START_TEST(phone_normalize_nanp)
{
	static const struct pcase c[] = {
		{ "(415) 555-0100", "US", "ok", "+14155550100", "" },
		{ "(415) 555-010", "US", "invalid", "+1415555010", "" },
		{ "212-555-0123", "US", "ok", "+12125550123", "" },
		{ "+1-555-0123", "US", "invalid", "+15550123", "" },
		{ "1-800-FLOWERS", "US", "ok", "+18003569377", "" },
		{ "tel:+1-415-555-0100;ext=123", "US", "ok", "+14155550100", "123" },
		{ "Tel: 415.555.0100 ext. 7", "US", "ok", "+14155550100", "7" },
		{ "+1 415 555 0100 x 1234", "DE", "ok", "+14155550100", "1234" },
		{ "462-0191", "AG", "ok", "+12684620191", "" },
		{ "\xef\xbc\x94\xef\xbc\x91\xef\xbc\x95\xef\xbc\x95\xef\xbc\x95"
		  "\xef\xbc\x95\xef\xbc\x90\xef\xbc\x91\xef\xbc\x90\xef\xbc\x90",
		  "US", "ok", "+14155550100", "" },   /* full-width digits */
		{ "12", "US", "invalid", "+112", "" },
	};

	check_cases(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

/* national prefixes, transform rules, Italian zeros, variable lengths */
START_TEST(phone_normalize_national_rules)
{
	static const struct pcase c[] = {
		{ "020 7946 0958", "GB", "ok", "+442079460958", "" },
		{ "+44 (0) 20 7946 0958", "US", "ok", "+442079460958", "" },
		{ "02 1234 5678", "IT", "ok", "+390212345678", "" },
		{ "+39 06 1234 5678", "US", "ok", "+390612345678", "" },
		{ "011 15 2345-6789", "AR", "ok", "+5491123456789", "" },
		{ "+54 9 11 2345 6789", "US", "ok", "+5491123456789", "" },
		{ "55 1234 5678", "MX", "ok", "+525512345678", "" },
		{ "+52 1 55 1234 5678", "US", "ok", "+525512345678", "" },
		{ "030 123456", "DE", "ok", "+4930123456", "" },
		{ "030 1234567890", "DE", "ok", "+49301234567890", "" },
	};

	check_cases(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

/* international prefixes of the region dialled from; no region at all */
START_TEST(phone_normalize_idd)
{
	static const struct pcase c[] = {
		{ "00 49 30 123456", "FR", "ok", "+4930123456", "" },
		{ "8 10 49 30 123456", "RU", "ok", "+4930123456", "" },
		{ "+800 1234 5678", "US", "ok", "+80012345678", "" },
		{ "+7 912 345-67-89", "ZZ", "ok", "+79123456789", "" },
		{ "+7 912 345-67-89", NULL, "ok", "+79123456789", "" },
		{ "0049 30 123456", "ZZ", "invalid-country-code", "", "" },
		{ "0049 30 123456", NULL, "invalid-country-code", "", "" },
	};

	check_cases(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

/* what is not a number says why */
START_TEST(phone_normalize_errors)
{
	static const struct pcase c[] = {
		{ "+44 1", "US", "too-short", "", "" },
		{ "+999 1234", "US", "invalid-country-code", "", "" },
		{ "hello", "US", "not-a-number", "", "" },
		{ "", "US", "not-a-number", "", "" },
		{ "+", "US", "not-a-number", "", "" },
		{ "1", "US", "not-a-number", "", "" },
	};
	char big[300];

	check_cases(c, sizeof(c) / sizeof(c[0]));
	memset(big, '1', 251);
	big[251] = '\0';
	{
		const struct pcase l[] = { { big, "US", "too-long", "", "" } };

		check_cases(l, 1);
	}
}
END_TEST

/* info carries the region, the national number and the type */
START_TEST(phone_normalize_info)
{
	struct buf b = BUF_INIT;
	struct phone_info info;

	ck_assert_int_eq(phone_normalize("+44 7400 123456", NULL, &b, &info), PHONE_OK);
	ck_assert_int_eq(info.country_code, 44);
	ck_assert_str_eq(info.national, "7400123456");
	ck_assert_str_eq(info.region, "GB");
	ck_assert_str_eq(phone_type_name(info.type), "MOBILE");
	ck_assert_int_eq(phone_normalize("+800 1234 5678", "US", &b, &info), PHONE_OK);
	ck_assert_str_eq(info.region, "001");
	/* e164_out is emptied on a parse error */
	ck_assert_int_eq(phone_normalize("nope", "US", &b, NULL), PHONE_NOT_A_NUMBER);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_release(&b);
}
END_TEST

/* a NUL character counts like any other character, as in Python */
START_TEST(phone_normalize_n_nul)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(phone_normalize_n("415\0005550100", 11, "US", &b, NULL),
		PHONE_NOT_A_NUMBER);
	ck_assert_int_eq(phone_normalize_n("(415) 555-0100\000", 15, "US", &b, NULL),
		PHONE_OK);
	ck_assert_str_eq(buf_cstr(&b), "+14155550100");
	ck_assert_int_eq(phone_normalize_n("\000+44 20 7946 0958", 18, "US", &b, NULL),
		PHONE_OK);
	ck_assert_str_eq(buf_cstr(&b), "+442079460958");
	buf_release(&b);
}
END_TEST

/* region_for_number picks among the regions sharing a calling code */
START_TEST(phone_region_for_number_shared_codes)
{
	ck_assert_str_eq(phone_region_for_number(1, "4155550100"), "US");
	ck_assert_str_eq(phone_region_for_number(1, "6135550100"), "CA");
	ck_assert_str_eq(phone_region_for_number(1, "2684620191"), "AG");
	ck_assert_str_eq(phone_region_for_number(44, "1624756789"), "IM");
	ck_assert_str_eq(phone_region_for_number(800, "12345678"), "001");
	ck_assert_ptr_null(phone_region_for_number(999, "12345678"));
	ck_assert_int_eq(phone_country_code_for_region("GB"), 44);
	ck_assert_int_eq(phone_country_code_for_region("ZZ"), 0);
	ck_assert_str_eq(phone_metadata_version(), phone_meta_version);
}
END_TEST

/* every metadata pattern compiles in the matcher's dialect */
START_TEST(phone_re_compile_all_metadata)
{
	size_t i;

	for (i = 0; i < phone_meta_npatterns; i++) {
		struct phone_re *re = phone_re_compile(phone_meta_patterns[i], 0);

		ck_assert_msg(re != NULL, "pattern %zu: %s", i, phone_meta_patterns[i]);
		phone_re_free(re);
	}
}
END_TEST

static int
re_run(const char *pat, int flags, const char *s, enum phone_re_mode mode,
	long *caps)
{
	uint32_t u[64];
	size_t n = phone_utf8_decode(s, strlen(s), u, 64);
	struct phone_re *re = phone_re_compile(pat, flags);
	int r;

	ck_assert_msg(re != NULL, "compile %s", pat);
	r = phone_re_match(re, u, n, mode, caps);
	phone_re_free(re);
	return r;
}

/* alternation is leftmost-first like Python, not POSIX leftmost-longest */
START_TEST(phone_re_match_leftmost_first)
{
	long caps[6];

	ck_assert(re_run("(1|12)", 0, "123", PHONE_RE_PREFIX, caps));
	ck_assert_int_eq(caps[1], 1);   /* POSIX would take "12" */
	ck_assert(re_run("0?(15)?", 0, "0155", PHONE_RE_PREFIX, caps));
	ck_assert_int_eq(caps[1], 3);
	ck_assert(re_run("(\\d{1,3}?)(\\d*)", 0, "12345", PHONE_RE_FULL, caps));
	ck_assert_int_eq(caps[3], 1);   /* lazy */
	ck_assert(re_run("1|([2-9]\\d{2})$", 0, "234", PHONE_RE_PREFIX, caps));
	ck_assert_int_eq(caps[2], 0);
	ck_assert(!re_run("1|([2-9]\\d{2})$", 0, "2345", PHONE_RE_PREFIX, caps));
	ck_assert_int_eq(caps[0], -1);
}
END_TEST

/* full matches need the whole input; classes, escapes and case folding */
START_TEST(phone_re_match_features)
{
	ck_assert(re_run("\\d{2}", 0, "12", PHONE_RE_FULL, NULL));
	ck_assert(!re_run("\\d{2}", 0, "123", PHONE_RE_FULL, NULL));
	ck_assert(re_run("\\d{2}", 0, "123", PHONE_RE_PREFIX, NULL));
	ck_assert(re_run("\\d", 0, "\xd9\xa3", PHONE_RE_FULL, NULL)); /* arabic 3 */
	ck_assert(re_run("[^#\\w]+", 0, " .)", PHONE_RE_FULL, NULL));
	ck_assert(!re_run("[^#\\w]+", 0, " .#", PHONE_RE_FULL, NULL));
	ck_assert(re_run("e?xt\\.?", PHONE_RE_ICASE, "EXT.", PHONE_RE_FULL, NULL));
	ck_assert(!re_run("e?xt", 0, "EXT", PHONE_RE_FULL, NULL));
	ck_assert(re_run("\\u0434\\u043E\\u0431", PHONE_RE_ICASE,
		"\xd0\x94\xd0\x9e\xd0\x91", PHONE_RE_FULL, NULL)); /* ДОБ */
	ck_assert(re_run("[a-c\\-]+", 0, "a-b", PHONE_RE_FULL, NULL));
}
END_TEST

/* patterns outside the dialect are refused, never misread */
START_TEST(phone_re_compile_refuses)
{
	ck_assert_ptr_null(phone_re_compile("(?=1)", 0));
	ck_assert_ptr_null(phone_re_compile("\\1", 0));
	ck_assert_ptr_null(phone_re_compile("(1", 0));
	ck_assert_ptr_null(phone_re_compile("[12", 0));
	ck_assert_ptr_null(phone_re_compile("(1?)*", 0));
	ck_assert_ptr_null(phone_re_compile("1{3,2}", 0));
	ck_assert_ptr_null(phone_re_compile("*1", 0));
}
END_TEST

/* invalid UTF-8 decodes to U+FFFD, one per bad byte */
START_TEST(phone_utf8_decode_invalid)
{
	uint32_t u[8];
	size_t n = phone_utf8_decode("a\xff\xc3", 3, u, 8);

	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(u[1], 0xfffd);
	ck_assert_uint_eq(u[2], 0xfffd);
	n = phone_utf8_decode("\xe2\x82\xac", 3, u, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(u[0], 0x20ac);
}
END_TEST

/* Run phone_value_normalize on member "p" of the JSON text; return the
 * object written back, and the outcome. */
static enum phone_value_outcome
value_run(const char *text, int keep, struct buf *out, struct buf *why,
	struct phone_value_counts *counts)
{
	struct json_doc doc;
	struct err e = ERR_INIT;
	struct json *root;
	struct phone_value_opts o = { "US", keep };
	enum phone_status st;
	enum phone_value_outcome r;

	json_doc_init(&doc);
	root = json_parse(&doc, text, strlen(text), &e);
	ck_assert_ptr_nonnull(root);
	r = phone_value_normalize(&doc, json_get(root, "p"), &o, counts, &st, why);
	buf_reset(out);
	json_write(out, root);
	json_doc_release(&doc);
	return r;
}

/* the value policy: E.164, null with a reason, quiet null, kept as sent */
START_TEST(phone_value_normalize_policy)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	struct phone_value_counts c = { 0, 0, 0, 0 };

	ck_assert_int_eq(value_run("{\"a\":1,\"p\":\"(415) 555-0100 x7\",\"z\":2}",
		0, &out, &why, &c), PHONE_VALUE_SET);
	ck_assert_str_eq(buf_cstr(&out), "{\"a\":1,\"p\":\"+14155550100\",\"z\":2}");
	ck_assert_uint_eq(c.extensions, 1);
	ck_assert_int_eq(value_run("{\"p\":\"+14155550100\"}", 0, &out, &why, &c),
		PHONE_VALUE_SAME);
	ck_assert_int_eq(value_run("{\"p\":\"12\"}", 0, &out, &why, &c),
		PHONE_VALUE_REJECTED);
	ck_assert_str_eq(buf_cstr(&out), "{\"p\":null}");
	ck_assert_str_eq(buf_cstr(&why), "invalid for its region: \"12\"");
	buf_reset(&why);
	ck_assert_int_eq(value_run("{\"p\":\"n/a\"}", 1, &out, &why, &c),
		PHONE_VALUE_REJECTED);
	ck_assert_str_eq(buf_cstr(&out), "{\"p\":\"n/a\"}");
	ck_assert_str_eq(buf_cstr(&why), "not a phone number: \"n/a\"");
	ck_assert_int_eq(value_run("{\"p\":\"  \"}", 0, &out, &why, &c),
		PHONE_VALUE_EMPTY);
	ck_assert_str_eq(buf_cstr(&out), "{\"p\":null}");
	ck_assert_int_eq(value_run("{\"p\":null}", 0, &out, &why, &c),
		PHONE_VALUE_SAME);
	ck_assert_int_eq(value_run("{\"p\":4155550100}", 0, &out, &why, &c),
		PHONE_VALUE_SET);
	ck_assert_str_eq(buf_cstr(&out), "{\"p\":\"+14155550100\"}");
	ck_assert_int_eq(value_run("{\"p\":true}", 0, &out, &why, &c),
		PHONE_VALUE_BAD_TYPE);
	ck_assert_int_eq(value_run("{\"p\":[\"415 555 0100\",null,\"+44 20 7946 0958\"]}",
		0, &out, &why, &c), PHONE_VALUE_ARRAY);
	ck_assert_str_eq(buf_cstr(&out),
		"{\"p\":[\"+14155550100\",null,\"+442079460958\"]}");
	ck_assert_uint_eq(c.rejected, 2);
	buf_release(&out);
	buf_release(&why);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("phone");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, phone_normalize_nanp);
	tcase_add_test(tc, phone_normalize_national_rules);
	tcase_add_test(tc, phone_normalize_idd);
	tcase_add_test(tc, phone_normalize_errors);
	tcase_add_test(tc, phone_normalize_info);
	tcase_add_test(tc, phone_normalize_n_nul);
	tcase_add_test(tc, phone_region_for_number_shared_codes);
	tcase_add_test(tc, phone_re_compile_all_metadata);
	tcase_add_test(tc, phone_re_match_leftmost_first);
	tcase_add_test(tc, phone_re_match_features);
	tcase_add_test(tc, phone_re_compile_refuses);
	tcase_add_test(tc, phone_utf8_decode_invalid);
	tcase_add_test(tc, phone_value_normalize_policy);
	suite_add_tcase(s, tc);
	return s;
}
