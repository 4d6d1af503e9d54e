#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "check_main.h"

static struct json_doc doc;
static struct err e = ERR_INIT;
static struct buf out = BUF_INIT;

static void
setup(void)
{
	json_doc_init(&doc);
	err_release(&e);
	buf_reset(&out);
}

static void
teardown(void)
{
	json_doc_release(&doc);
	err_release(&e);
	buf_release(&out);
}

static struct json *
parse(const char *s)
{
	err_release(&e);
	return json_parse(&doc, s, strlen(s), &e);
}

/* the compact writing of s, after a successful parse */
static const char *
roundtrip(const char *s)
{
	struct json *v = parse(s);

	ck_assert_msg(v != NULL, "parse %s: %s", s, e.msg);
	buf_reset(&out);
	json_write(&out, v);
	return buf_cstr(&out);
}

static void
assert_bad(const char *s, const char *msg_part)
{
	struct json *v = parse(s);

	ck_assert_msg(v == NULL, "accepted: %s", s);
	ck_assert_int_eq(e.code, EX_DATAERR);
	ck_assert_msg(strstr(e.msg, msg_part) != NULL, "%s: message %s",
	    s, e.msg);
}

/* scalars parse with their type; numbers keep their exact text */
START_TEST(json_parse_scalars)
{
	struct json *v;

	v = parse("null");
	ck_assert_int_eq(v->type, JSON_NULL);
	ck_assert_int_eq(parse(" true ")->type, JSON_TRUE);
	ck_assert_int_eq(parse("false")->type, JSON_FALSE);
	v = parse("12345678901234567890123456789.000100e-7");
	ck_assert_int_eq(v->type, JSON_NUMBER);
	ck_assert_str_eq(v->s, "12345678901234567890123456789.000100e-7");
	v = parse("-0");
	ck_assert_str_eq(v->s, "-0");
	v = parse("\"a\\u00e9\\n\"");
	ck_assert_int_eq(v->type, JSON_STRING);
	ck_assert_str_eq(v->s, "a\xc3\xa9\n");
	ck_assert_uint_eq(v->n, 4);
}
END_TEST

/* objects keep member order, duplicates included; json_get finds the first */
START_TEST(json_parse_object_order)
{
	struct json *v = parse("{\"b\":1,\"a\":[true,{}],\"b\":2}");
	struct json *m;

	ck_assert_int_eq(v->type, JSON_OBJECT);
	ck_assert_uint_eq(v->count, 3);
	m = v->child;
	ck_assert_str_eq(m->key, "b");
	ck_assert_str_eq(m->next->key, "a");
	ck_assert_uint_eq(m->next->count, 2);
	ck_assert_str_eq(json_get(v, "b")->s, "1");
	ck_assert_ptr_null(json_get(v, "c"));
	ck_assert_ptr_null(json_get_str(v, "b"));
	ck_assert_int_eq(json_at(json_get(v, "a"), 1)->type, JSON_OBJECT);
	ck_assert_ptr_null(json_at(json_get(v, "a"), 2));
}
END_TEST

/* compact, minimally escaped input is written back byte for byte */
START_TEST(json_write_roundtrip)
{
	static const char *cases[] = {
		"{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"id\":"
		"18446744073709551617,\"amt\":1.10,\"x\":null,\"e\":[],"
		"\"o\":{},\"t\":true,\"f\":false}}",
		"[\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\",\"\xe2\x80\xa8\"]",
		"\"\xf0\x9f\x98\x80 caf\xc3\xa9\"",
		"[[[[[]]]],{\"\":{\"\":\"\"}}]",
		"-1.5E+300",
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(roundtrip(cases[i]), cases[i]);
}
END_TEST

/* white space goes, escapes normalize: \/ and \u0041 become plain text */
START_TEST(json_write_normalizes)
{
	ck_assert_str_eq(roundtrip(" { \"a\" :\t[ 1 , 2 ]\r\n, \"\\/\\u0041\":"
	    "\"\\u00e9\\ud83d\\ude00\" } "),
	    "{\"a\":[1,2],\"/A\":\"\xc3\xa9\xf0\x9f\x98\x80\"}");
	/* \u0000 survives as a NUL byte and is escaped on the way out */
	ck_assert_str_eq(roundtrip("\"a\\u0000b\""), "\"a\\u0000b\"");
	ck_assert_uint_eq(parse("\"a\\u0000b\"")->n, 3);
	ck_assert_str_eq(roundtrip("\"\x7f\""), "\"\x7f\"");
}
END_TEST

/* malformed documents are refused with a positioned EX_DATAERR message */
START_TEST(json_parse_malformed)
{
	assert_bad("", "empty input");
	assert_bad("   \n", "empty input");
	assert_bad("{", "expected a member name");
	assert_bad("{\"a\"", "expected ':'");
	assert_bad("{\"a\":", "expected a value");
	assert_bad("{\"a\":1", "expected ',' or '}'");
	assert_bad("{\"a\":1,}", "expected a member name");
	assert_bad("[1,]", "expected a value");
	assert_bad("[1 2]", "expected ',' or ']'");
	assert_bad("{'a':1}", "expected a member name");
	assert_bad("{a:1}", "byte 2");
	assert_bad("tru", "invalid literal");
	assert_bad("nul", "unexpected end");
	assert_bad("True", "expected a value");
	assert_bad("{} x", "trailing data");
	assert_bad("{}{}", "trailing data");
	assert_bad("1 2", "trailing data");
	assert_bad("NaN", "expected a value");
	assert_bad("[Infinity]", "expected a value");
	assert_bad("\"abc", "unterminated string");
	assert_bad("\"tab\there\"", "control character");
	assert_bad("\"nl\nhere\"", "control character");
}
END_TEST

/* the number grammar is strict; huge numbers are fine as text */
START_TEST(json_parse_numbers)
{
	char big[5000];

	assert_bad("01", "trailing data");
	assert_bad("+1", "expected a value");
	assert_bad("1.", "invalid number");
	assert_bad(".5", "expected a value");
	assert_bad("1e", "invalid number");
	assert_bad("1e+", "invalid number");
	assert_bad("-", "invalid number");
	assert_bad("0x10", "trailing data");
	assert_bad("[1.e5]", "invalid number");
	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_str_eq(parse(big)->s, big);
	ck_assert(json_number_valid("0.5e-10", 7));
	ck_assert(!json_number_valid("05", 2));
	ck_assert(!json_number_valid("", 0));
}
END_TEST

/* truncated or invalid escapes are refused */
START_TEST(json_parse_bad_escapes)
{
	assert_bad("\"\\", "unterminated escape");
	assert_bad("\"\\u12", "bad \\u escape");
	assert_bad("\"\\u12g4\"", "bad \\u escape");
	assert_bad("\"\\x41\"", "invalid escape");
	assert_bad("\"\\'\"", "invalid escape");
	assert_bad("\"\\", "byte 3");
}
END_TEST

/* surrogates must pair: lone high, lone low, reversed pair are errors */
START_TEST(json_parse_surrogates)
{
	struct json *v = parse("\"\\uD834\\uDD1E\"");

	ck_assert_str_eq(v->s, "\xf0\x9d\x84\x9e");
	assert_bad("\"\\ud800\"", "lone high surrogate");
	assert_bad("\"\\ud800x\"", "lone high surrogate");
	assert_bad("\"\\ud800\\u0041\"", "lone high surrogate");
	assert_bad("\"\\udc00\"", "lone low surrogate");
	assert_bad("\"\\udc00\\ud800\"", "lone low surrogate");
	assert_bad("\"\\ud800\\ud800\"", "lone high surrogate");
}
END_TEST

/* raw invalid UTF-8 is refused: overlongs, surrogates, >U+10FFFF, cuts */
START_TEST(json_parse_invalid_utf8)
{
	static const char *bad[] = {
		"\"\x80\"", "\"\xc0\xaf\"", "\"\xc1\xbf\"", "\"\xe0\x80\xaf\"",
		"\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"",
		"\"\xff\"", "\"\xc3\"", "\"\xe2\x82\"", "\"\xf0\x9f\x98\"",
		"\"\xc3", "{\"\xc3\":1}",
	};
	size_t i, off = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_bad(bad[i], "UTF-8");
	ck_assert(json_utf8_valid("\xef\xbf\xbf\xf4\x8f\xbf\xbf", 7, NULL));
	ck_assert(!json_utf8_valid("ab\xed\xbf\xbf", 5, &off));
	ck_assert_uint_eq(off, 2);
	/* outside strings, any non-ASCII byte is a syntax error */
	assert_bad("\xc3\xa9", "expected a value");
}
END_TEST

/* NUL bytes in the text are errors, also inside strings */
START_TEST(json_parse_nul_bytes)
{
	ck_assert_ptr_null(json_parse(&doc, "\"a\0b\"", 5, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "control character"));
	ck_assert_ptr_null(json_parse(&doc, "{}\0", 3, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "trailing data"));
	/* n, not a NUL, ends the text */
	ck_assert_ptr_nonnull(json_parse(&doc, "[1]]]", 3, &e));
}
END_TEST

/* 100,000 levels of nesting give a clear error, no stack overflow */
START_TEST(json_parse_deep_nesting)
{
	size_t n = 100000, i;
	char *s = malloc(2 * n + 1);

	for (i = 0; i < n; i++)
		s[i] = '[';
	for (i = 0; i < n; i++)
		s[n + i] = ']';
	s[2 * n] = '\0';
	ck_assert_ptr_null(json_parse(&doc, s, 2 * n, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "nesting deeper than 1000"));
	/* exactly at the limit parses, and writes back without recursion */
	ck_assert_ptr_nonnull(json_parse(&doc, s + n - 1000, 2000, &e));
	buf_reset(&out);
	json_write(&out, json_parse(&doc, s + n - 1000, 2000, &e));
	ck_assert_uint_eq(out.len, 2000);
	ck_assert_int_eq(memcmp(out.data, s + n - 1000, 2000), 0);
	ck_assert_ptr_null(json_parse(&doc, s + n - 1001, 2002, &e));
	/* a lower limit applies */
	json_doc_set_limits(&doc, 3, 0);
	ck_assert_ptr_nonnull(parse("[[[]]]"));
	ck_assert_ptr_null(parse("[[[[]]]]"));
	ck_assert_ptr_nonnull(strstr(e.msg, "deeper than 3"));
	/* an unclosed deep prefix is an error too */
	json_doc_set_limits(&doc, JSON_MAX_DEPTH, 0);
	ck_assert_ptr_null(json_parse(&doc, s, 500, &e));
	free(s);
}
END_TEST

/* the size limit turns a node bomb into an error, not 2 GiB of memory */
START_TEST(json_parse_size_limit)
{
	struct buf in = BUF_INIT;
	int i;

	buf_addch(&in, '[');
	for (i = 0; i < 100000; i++)
		buf_add(&in, "0,", 2);
	buf_addstr(&in, "0]");
	json_doc_set_limits(&doc, 0, 1 << 20);
	ck_assert_ptr_null(json_parse(&doc, in.data, in.len, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "too large"));
	json_doc_set_limits(&doc, 0, 1 << 26);
	ck_assert_ptr_nonnull(json_parse(&doc, in.data, in.len, &e));
	ck_assert_uint_eq(json_parse(&doc, in.data, in.len, &e)->count, 100001);
	buf_release(&in);
}
END_TEST

/* one doc parses many lines; old results die, big strings work */
START_TEST(json_parse_reuse)
{
	struct buf in = BUF_INIT;
	struct json *v;
	int i;

	for (i = 0; i < 20000; i++) {
		buf_reset(&in);
		buf_printf(&in, "{\"i\":%d,\"s\":\"%0*d\"}", i, i % 500, 0);
		v = json_parse(&doc, in.data, in.len, &e);
		ck_assert_ptr_nonnull(v);
		ck_assert_int_eq(atoi(json_get(v, "i")->s), i);
		ck_assert_uint_eq(json_get(v, "s")->n, (size_t)(i % 500 ? i % 500 : 1));
	}
	buf_reset(&in);
	buf_addch(&in, '"');
	for (i = 0; i < 300000; i++)
		buf_addch(&in, 'a' + i % 26);
	buf_addch(&in, '"');
	v = json_parse(&doc, in.data, in.len, &e);
	ck_assert_uint_eq(v->n, 300000);
	ck_assert_int_eq(memcmp(v->s, in.data + 1, 300000), 0);
	ck_assert_ptr_nonnull(parse("[1]"));
	buf_release(&in);
}
END_TEST

/* json_object_set replaces in place (order kept) or appends */
START_TEST(json_object_set_order)
{
	struct json *v = parse("{\"a\":1,\"b\":\"x\",\"c\":null}");

	json_object_set(&doc, v, "b", json_new_cstr(&doc, "y\"z"));
	json_object_set(&doc, v, "d", json_new_null(&doc));
	json_object_set(&doc, v, "a", json_new_bool(&doc, 1));
	buf_reset(&out);
	json_write(&out, v);
	ck_assert_str_eq(buf_cstr(&out),
	    "{\"a\":true,\"b\":\"y\\\"z\",\"c\":null,\"d\":null}");
	ck_assert_uint_eq(v->count, 4);
	ck_assert_ptr_nonnull(json_object_remove(v, "a"));
	ck_assert_ptr_null(json_object_remove(v, "zz"));
	json_object_remove(v, "d");
	buf_reset(&out);
	json_write(&out, v);
	ck_assert_str_eq(buf_cstr(&out), "{\"b\":\"y\\\"z\",\"c\":null}");
	ck_assert_uint_eq(v->count, 2);
}
END_TEST

/* builders make any value; numbers are checked; copies are deep */
START_TEST(json_new_builders)
{
	struct json *o, *a, *c;
	struct json_doc other;

	json_doc_reset(&doc);
	o = json_new_object(&doc);
	a = json_new_array(&doc);
	json_array_append(a, json_new_int(&doc, INT64_MIN));
	json_array_append(a, json_new_number_text(&doc, "1.50", 4));
	json_array_append(a, json_new_str(&doc, "n\0l", 3));
	json_object_set(&doc, o, "arr", a);
	json_object_set(&doc, o, "\xc3\xa9", json_new_bool(&doc, 0));
	ck_assert_ptr_null(json_new_number_text(&doc, "1.", 2));
	ck_assert_ptr_null(json_new_number_text(&doc, "abc", 3));
	json_write(&out, o);
	ck_assert_str_eq(buf_cstr(&out), "{\"arr\":[-9223372036854775808,1.50,"
	    "\"n\\u0000l\"],\"\xc3\xa9\":false}");
	json_doc_init(&other);
	c = json_copy(&other, o);
	json_doc_reset(&doc);
	buf_reset(&out);
	json_write(&out, c);
	ck_assert_str_eq(buf_cstr(&out), "{\"arr\":[-9223372036854775808,1.50,"
	    "\"n\\u0000l\"],\"\xc3\xa9\":false}");
	json_doc_release(&other);
}
END_TEST

/* json_write_str escapes quotes, backslashes and controls only */
START_TEST(json_write_str_escapes)
{
	json_write_str(&out, "a\"b\\c\x01\x1f/<>\xc3\xa9", 12);
	ck_assert_str_eq(buf_cstr(&out),
	    "\"a\\\"b\\\\c\\u0001\\u001f/<>\xc3\xa9\"");
	buf_reset(&out);
	json_write_str(&out, "", 0);
	ck_assert_str_eq(buf_cstr(&out), "\"\"");
}
END_TEST

/* the writer respects a failed (full) buffer and never overruns it */
START_TEST(json_write_full_buffer)
{
	struct buf small;
	struct json *v = parse("{\"a\":\"0123456789\"}");

	buf_init(&small, 8);
	json_write(&small, v);
	ck_assert(buf_failed(&small));
	ck_assert_uint_le(small.len, 8);
	buf_release(&small);
}
END_TEST

/* lookups on NULL or non-objects return NULL */
START_TEST(json_get_wrong_type)
{
	struct json *v = parse("[1]");

	ck_assert_ptr_null(json_get(v, "a"));
	ck_assert_ptr_null(json_get(NULL, "a"));
	ck_assert_ptr_null(json_get_str(NULL, "a"));
	ck_assert_ptr_null(json_at(NULL, 0));
	ck_assert_ptr_null(json_at(parse("1"), 0));
	v = parse("{\"a\\u0000b\":1}");
	ck_assert_ptr_null(json_get(v, "a"));
	ck_assert_ptr_nonnull(json_get_n(v, "a\0b", 3));
}
END_TEST


/*
 * The eight-byte scanners: a byte that needs attention at every position of
 * strings of every length up to 40 (so before, inside and after the 8-byte
 * words) is found by the parser and by the writer, and plain strings are
 * flagged as such.
 */
START_TEST(json_scan_every_position)
{
	static const char *const specials[] = { "\\\"", "\\\\", "\\n",
		"\xc3\xa9", "\\u0001", "\x7f" };
	static const char *const decoded[] = { "\"", "\\", "\n", "\xc3\xa9",
		"\x01", "\x7f" };
	static const char *const written[] = { "\\\"", "\\\\", "\\n",
		"\xc3\xa9", "\\u0001", "\x7f" };
	size_t len, pos, k;

	for (len = 1; len <= 40; len++) {
		for (pos = 0; pos < len; pos++) {
			for (k = 0; k < 6; k++) {
				struct buf in = BUF_INIT, want = BUF_INIT,
				    got = BUF_INIT, wout = BUF_INIT;
				struct json *v;
				size_t i;

				buf_addch(&in, '"');
				buf_addch(&wout, '"');
				for (i = 0; i < len; i++) {
					if (i == pos) {
						buf_addstr(&in, specials[k]);
						buf_addstr(&want, decoded[k]);
						buf_addstr(&wout, written[k]);
					} else {
						buf_addch(&in, 'a' + (int)(i % 26));
						buf_addch(&want, 'a' + (int)(i % 26));
						buf_addch(&wout, 'a' + (int)(i % 26));
					}
				}
				buf_addch(&in, '"');
				buf_addch(&wout, '"');
				v = json_parse(&doc, in.data, in.len, &e);
				ck_assert_ptr_nonnull(v);
				ck_assert_uint_eq(v->n, want.len);
				ck_assert_mem_eq(v->s, want.data, want.len);
				/* plain: no escape in the text */
				ck_assert_int_eq(!!(v->flags & JSON_PLAIN_STR),
				    strchr(specials[k], '\\') == NULL);
				ck_assert_int_eq(doc.canonical,
				    strchr(specials[k], '\\') == NULL);
				json_write(&got, v);
				ck_assert_str_eq(buf_cstr(&got), buf_cstr(&wout));
				/* the writer alone, without the flag */
				buf_reset(&got);
				json_write_str(&got, want.data, want.len);
				ck_assert_str_eq(buf_cstr(&got), buf_cstr(&wout));
				ck_assert_int_eq(json_str_plain(want.data, want.len),
				    k == 3 || k == 5);
				buf_release(&in);
				buf_release(&want);
				buf_release(&got);
				buf_release(&wout);
			}
		}
	}
	/* a raw control byte and bad UTF-8 at every position are refused */
	for (len = 1; len <= 20; len++) {
		for (pos = 0; pos < len; pos++) {
			char t[32];

			memset(t, 'x', sizeof(t));
			t[0] = '"';
			t[len + 1] = '"';
			t[pos + 1] = (char)(pos % 2 ? 0x1f : 0xff);
			ck_assert_ptr_null(json_parse(&doc, t, len + 2, &e));
			err_release(&e);
		}
	}
}
END_TEST

/* json_src_end and the canonical flag */
START_TEST(json_source_spans)
{
	const char t[] = "{\"a\":[1,\"]\",{\"b\":\"}\"}],\"n\":-1.5e3,"
	    "\"t\":true,\"f\":false,\"z\":null,\"s\":\"x y\"}";
	static const char *const spans[] = { "[1,\"]\",{\"b\":\"}\"}]",
		"-1.5e3", "true", "false", "null", "\"x y\"" };
	struct json *root, *m;
	size_t i = 0, end;

	root = json_parse(&doc, t, sizeof(t) - 1, &e);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(doc.canonical, 1);
	ck_assert_uint_eq(json_src_end(t, sizeof(t) - 1, root), sizeof(t) - 1);
	for (m = root->child; m; m = m->next, i++) {
		end = json_src_end(t, sizeof(t) - 1, m);
		ck_assert_uint_eq(end - (m->src - 1), strlen(spans[i]));
		ck_assert_mem_eq(t + m->src - 1, spans[i], strlen(spans[i]));
	}
	/* built nodes and nodes changed in place have no source */
	m = json_new_str(&doc, "q", 1);
	ck_assert_uint_eq(m->src, 0);
	ck_assert_uint_eq(json_src_end(t, sizeof(t) - 1, m), 0);
	json_set_str(&doc, root->child, "x", 1);
	ck_assert_uint_eq(root->child->src, 0);
	ck_assert_int_eq(root->child->type, JSON_STRING);
	ck_assert_ptr_null(root->child->child);
	/* not canonical: white space, an escape */
	ck_assert_ptr_nonnull(json_parse(&doc, "{\"a\": 1}", 8, &e));
	ck_assert_int_eq(doc.canonical, 0);
	ck_assert_ptr_nonnull(json_parse(&doc, "{\"a\":\"\\/\"}", 10, &e));
	ck_assert_int_eq(doc.canonical, 0);
	ck_assert_ptr_nonnull(json_parse(&doc, " 1", 2, &e));
	ck_assert_int_eq(doc.canonical, 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, json_parse_scalars);
	tcase_add_test(tc, json_parse_object_order);
	tcase_add_test(tc, json_write_roundtrip);
	tcase_add_test(tc, json_write_normalizes);
	tcase_add_test(tc, json_parse_malformed);
	tcase_add_test(tc, json_parse_numbers);
	tcase_add_test(tc, json_parse_bad_escapes);
	tcase_add_test(tc, json_parse_surrogates);
	tcase_add_test(tc, json_parse_invalid_utf8);
	tcase_add_test(tc, json_parse_nul_bytes);
	tcase_add_test(tc, json_parse_deep_nesting);
	tcase_add_test(tc, json_parse_size_limit);
	tcase_add_test(tc, json_parse_reuse);
	tcase_add_test(tc, json_object_set_order);
	tcase_add_test(tc, json_new_builders);
	tcase_add_test(tc, json_write_str_escapes);
	tcase_add_test(tc, json_write_full_buffer);
	tcase_add_test(tc, json_get_wrong_type);
	tcase_add_test(tc, json_scan_every_position);
	tcase_add_test(tc, json_source_spans);
	suite_add_tcase(s, tc);
	return s;
}
