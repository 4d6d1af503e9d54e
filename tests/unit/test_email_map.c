#include <stdlib.h>
#include <string.h>

#include "email_map.h"
#include "check_main.h"

struct warnings {
	struct buf log;         /* "value|why|outcome\n" per warning */
};

static void
warn(void *arg, const char *value, size_t n, const char *why,
	const char *outcome)
{
	struct warnings *w = arg;

	buf_add(&w->log, value, n);
	buf_printf(&w->log, "|%s|%s\n", why, outcome);
}

/* Map the JSON text in as kind/flags; returns the result and the value
 * written back as JSON in *out (malloc'd). */
static enum email_map_result
run(const char *in, enum email_map_kind kind, unsigned flags, char **out,
	struct warnings *w)
{
	struct json_doc doc;
	struct email_map m;
	struct err e = ERR_INIT;
	struct json *root, *slot;
	struct buf b = BUF_INIT;
	enum email_map_result r;

	json_doc_init(&doc);
	email_map_init(&m, warn, w);
	root = json_parse(&doc, in, strlen(in), &e);
	ck_assert_ptr_nonnull(root);
	slot = root;
	r = email_map_value(&m, &doc, &slot, kind, flags);
	json_write(&b, slot);
	*out = buf_detach(&b, NULL);
	email_map_release(&m);
	json_doc_release(&doc);
	return r;
}

#define MAP(in, kind, flags, want_r, want) do { \
	struct warnings w_ = { BUF_INIT }; \
	char *o_; \
	enum email_map_result r_ = run((in), (kind), (flags), &o_, &w_); \
	ck_assert_msg(r_ == (want_r), "%s: result %d, want %d", (in), r_, (want_r)); \
	ck_assert_msg(strcmp(o_, (want)) == 0, "%s -> %s, want %s", (in), o_, (want)); \
	free(o_); \
	buf_release(&w_.log); \
} while (0)

/* one address: canonical, unchanged when already canonical */
START_TEST(email_map_value_one)
{
	MAP("\" Asha <ASHA@Globex.co.UK>\"", EMAIL_MAP_ONE, 0, EMAIL_MAP_CHANGED,
		"\"asha@globex.co.uk\"");
	MAP("\"asha@globex.co.uk\"", EMAIL_MAP_ONE, 0, EMAIL_MAP_SAME,
		"\"asha@globex.co.uk\"");
	MAP("null", EMAIL_MAP_ONE, 0, EMAIL_MAP_SAME, "null");
	MAP("\"\"", EMAIL_MAP_ONE, 0, EMAIL_MAP_CHANGED, "null");
	MAP("\"   \"", EMAIL_MAP_ONE, 0, EMAIL_MAP_CHANGED, "null");
}
END_TEST

/* a bad value: null with a warning; kept as sent in a required column */
START_TEST(email_map_value_one_invalid)
{
	struct warnings w = { BUF_INIT };
	char *o;

	ck_assert_int_eq(run("\"asha@\"", EMAIL_MAP_ONE, 0, &o, &w),
		EMAIL_MAP_CHANGED);
	ck_assert_str_eq(o, "null");
	ck_assert_str_eq(buf_cstr(&w.log), "asha@|no domain|set to null\n");
	free(o);
	buf_reset(&w.log);
	ck_assert_int_eq(run("\"a@x.com, b@y.com\"", EMAIL_MAP_ONE,
		EMAIL_MAP_KEEP_INVALID, &o, &w), EMAIL_MAP_SAME);
	ck_assert_str_eq(o, "\"a@x.com, b@y.com\"");
	ck_assert_ptr_nonnull(strstr(buf_cstr(&w.log), "kept as sent"));
	free(o);
	buf_release(&w.log);
}
END_TEST

/* wrong types make the line bad; arrays only for -f fields */
START_TEST(email_map_value_wrong_type)
{
	MAP("42", EMAIL_MAP_ONE, 0, EMAIL_MAP_WRONG_TYPE, "42");
	MAP("{\"a\":1}", EMAIL_MAP_ONE, 0, EMAIL_MAP_WRONG_TYPE, "{\"a\":1}");
	MAP("[\"a@x.com\"]", EMAIL_MAP_ONE, 0, EMAIL_MAP_WRONG_TYPE, "[\"a@x.com\"]");
	MAP("true", EMAIL_MAP_LIST, 0, EMAIL_MAP_WRONG_TYPE, "true");
	MAP("[\"a@x.com\",7]", EMAIL_MAP_LIST, 0, EMAIL_MAP_WRONG_TYPE,
		"[\"a@x.com\",7]");
	MAP("[[\"a@x.com\"]]", EMAIL_MAP_ONE, EMAIL_MAP_ARRAY_OK,
		EMAIL_MAP_WRONG_TYPE, "[[\"a@x.com\"]]");
}
END_TEST

/* -f on an array: element by element, positions kept */
START_TEST(email_map_value_one_array)
{
	MAP("[\"A@X.com\",null,\"junk\",\"b@y.com\"]", EMAIL_MAP_ONE,
		EMAIL_MAP_ARRAY_OK, EMAIL_MAP_CHANGED,
		"[\"a@x.com\",null,null,\"b@y.com\"]");
	MAP("[\"a@x.com\"]", EMAIL_MAP_ONE, EMAIL_MAP_ARRAY_OK, EMAIL_MAP_SAME,
		"[\"a@x.com\"]");
	MAP("[]", EMAIL_MAP_ONE, EMAIL_MAP_ARRAY_OK, EMAIL_MAP_SAME, "[]");
}
END_TEST

/* list arrays: split, canonical, deduplicated, invalid and null dropped */
START_TEST(email_map_value_list_array)
{
	MAP("[\"Asha <A@X.com>, b@y.com\",null,\"junk\",\"a@x.com\",\"c@z.com\"]",
		EMAIL_MAP_LIST, 0, EMAIL_MAP_CHANGED,
		"[\"a@x.com\",\"b@y.com\",\"c@z.com\"]");
	MAP("[\"a@x.com\",\"b@y.com\"]", EMAIL_MAP_LIST, 0, EMAIL_MAP_SAME,
		"[\"a@x.com\",\"b@y.com\"]");
	MAP("[\"a@x.com\",\"a@x.com\"]", EMAIL_MAP_LIST, 0, EMAIL_MAP_CHANGED,
		"[\"a@x.com\"]");
	MAP("[\"junk\"]", EMAIL_MAP_LIST, 0, EMAIL_MAP_CHANGED, "[]");
	MAP("[]", EMAIL_MAP_LIST, 0, EMAIL_MAP_SAME, "[]");
	MAP("null", EMAIL_MAP_LIST, 0, EMAIL_MAP_SAME, "null");
}
END_TEST

/* Salesforce strings stay strings joined with "; " */
START_TEST(email_map_value_list_string)
{
	struct warnings w = { BUF_INIT };
	char *o;

	MAP("\"A@X.com;b@y.com ; a@x.com\"", EMAIL_MAP_LIST, 0, EMAIL_MAP_CHANGED,
		"\"a@x.com; b@y.com\"");
	MAP("\"a@x.com; b@y.com\"", EMAIL_MAP_LIST, 0, EMAIL_MAP_SAME,
		"\"a@x.com; b@y.com\"");
	MAP("\"a@x.com\"", EMAIL_MAP_LIST, 0, EMAIL_MAP_SAME, "\"a@x.com\"");
	MAP("\"\"", EMAIL_MAP_LIST, 0, EMAIL_MAP_CHANGED, "null");
	ck_assert_int_eq(run("\"junk; a@x.com; b@\"", EMAIL_MAP_LIST, 0, &o, &w),
		EMAIL_MAP_CHANGED);
	ck_assert_str_eq(o, "\"a@x.com\"");
	ck_assert_str_eq(buf_cstr(&w.log),
		"junk|no @ and domain|dropped from the list\n"
		"b@|no domain|dropped from the list\n");
	free(o);
	buf_release(&w.log);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("email_map");
	TCase *tc = tcase_create("email_map");

	tcase_add_test(tc, email_map_value_one);
	tcase_add_test(tc, email_map_value_one_invalid);
	tcase_add_test(tc, email_map_value_wrong_type);
	tcase_add_test(tc, email_map_value_one_array);
	tcase_add_test(tc, email_map_value_list_array);
	tcase_add_test(tc, email_map_value_list_string);
	suite_add_tcase(s, tc);
	return s;
}
