#include <string.h>

#include "singer.h"
#include "check_main.h"

static struct json_doc doc;
static struct err e = ERR_INIT;
static struct singer_msg m;

static void
setup(void)
{
	json_doc_init(&doc);
}

static void
teardown(void)
{
	json_doc_release(&doc);
	err_release(&e);
}

/* classify s; returns singer_classify's result */
static int
classify(const char *s)
{
	struct json *root;

	err_release(&e);
	root = json_parse(&doc, s, strlen(s), &e);
	ck_assert_msg(root != NULL, "%s: %s", s, e.msg);
	return singer_classify(root, &m, &e);
}

static void
refuse(const char *s, const char *why)
{
	ck_assert_msg(classify(s) == EX_DATAERR, "accepted %s", s);
	ck_assert_msg(strstr(e.msg, why) != NULL, "%s: %s", s, e.msg);
}

/* a RECORD gives its stream, record and time_extracted */
START_TEST(singer_classify_record)
{
	ck_assert_int_eq(classify("{\"type\":\"RECORD\",\"stream\":\"sf_leads\","
	    "\"record\":{\"lead_id\":\"00Q1\"},\"time_extracted\":\"2026\"}"), 0);
	ck_assert_int_eq(m.type, SINGER_RECORD);
	ck_assert_str_eq(m.stream, "sf_leads");
	ck_assert_uint_eq(m.stream_n, 8);
	ck_assert_str_eq(json_get_str(m.record, "lead_id"), "00Q1");
	ck_assert_str_eq(m.time_extracted->s, "2026");
	ck_assert_str_eq(singer_type_name(m.type), "RECORD");
}
END_TEST

/* SCHEMA, STATE and ACTIVATE_VERSION are recognised with their parts */
START_TEST(singer_classify_others)
{
	ck_assert_int_eq(classify("{\"type\":\"SCHEMA\",\"stream\":\"a\","
	    "\"schema\":{},\"key_properties\":[\"id\"]}"), 0);
	ck_assert_int_eq(m.type, SINGER_SCHEMA);
	ck_assert_uint_eq(m.key_properties->count, 1);
	ck_assert_int_eq(classify("{\"type\":\"SCHEMA\",\"stream\":\"a\","
	    "\"schema\":{}}"), 0);
	ck_assert_ptr_null(m.key_properties);
	ck_assert_int_eq(classify("{\"value\":{\"bookmarks\":{}},"
	    "\"type\":\"STATE\"}"), 0);
	ck_assert_int_eq(m.type, SINGER_STATE);
	ck_assert_int_eq(m.value->type, JSON_OBJECT);
	ck_assert_int_eq(classify("{\"type\":\"ACTIVATE_VERSION\","
	    "\"stream\":\"a\",\"version\":1700000000000}"), 0);
	ck_assert_int_eq(m.type, SINGER_ACTIVATE_VERSION);
	ck_assert_str_eq(m.version->s, "1700000000000");
}
END_TEST

/* objects without a Singer type are plain, whatever "type" holds */
START_TEST(singer_classify_plain)
{
	ck_assert_int_eq(classify("{\"who\":\"x\"}"), 0);
	ck_assert_int_eq(m.type, SINGER_PLAIN);
	ck_assert_int_eq(classify("{\"type\":\"call\",\"stream\":1}"), 0);
	ck_assert_int_eq(m.type, SINGER_PLAIN);
	ck_assert_int_eq(classify("{\"type\":7}"), 0);
	ck_assert_int_eq(m.type, SINGER_PLAIN);
	ck_assert_int_eq(classify("{\"type\":\"record\"}"), 0);
	ck_assert_int_eq(m.type, SINGER_PLAIN);
	ck_assert_int_eq(classify("{}"), 0);
	ck_assert_int_eq(m.type, SINGER_PLAIN);
}
END_TEST

/* incomplete Singer messages and non-objects are EX_DATAERR */
START_TEST(singer_classify_malformed)
{
	refuse("[1]", "not a JSON object");
	refuse("\"RECORD\"", "not a JSON object");
	refuse("{\"type\":\"RECORD\",\"record\":{}}", "without \"stream\"");
	refuse("{\"type\":\"RECORD\",\"stream\":\"\",\"record\":{}}",
	    "non-empty string");
	refuse("{\"type\":\"RECORD\",\"stream\":5,\"record\":{}}",
	    "non-empty string");
	refuse("{\"type\":\"RECORD\",\"stream\":\"s\"}", "\"record\"");
	refuse("{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":[]}",
	    "not an object");
	refuse("{\"type\":\"SCHEMA\",\"stream\":\"s\"}", "\"schema\"");
	refuse("{\"type\":\"SCHEMA\",\"stream\":\"s\",\"schema\":{},"
	    "\"key_properties\":\"id\"}", "not an array");
	refuse("{\"type\":\"SCHEMA\",\"stream\":\"s\",\"schema\":{},"
	    "\"key_properties\":[1]}", "non-string");
	refuse("{\"type\":\"STATE\"}", "without \"value\"");
	refuse("{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"s\"}", "version");
	refuse("{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"s\","
	    "\"version\":\"1\"}", "not a number");
}
END_TEST

/* the record writer makes a valid RECORD that classifies back */
START_TEST(singer_rec_roundtrip)
{
	struct buf b = BUF_INIT;
	struct singer_rec r;

	singer_rec_begin(&r, &b, "sf_contacts");
	singer_rec_cstr(&r, "contact_id", "003\"x");
	singer_rec_str(&r, "email", NULL, 0);
	singer_rec_number(&r, "amount", "18446744073709551617.50", 23);
	singer_rec_number(&r, "bad_num", "12abc", 5);
	singer_rec_int(&r, "n", -5);
	singer_rec_bool(&r, "flag", 1);
	singer_rec_null(&r, "z");
	singer_rec_ts(&r, "system_modstamp", 1795910399000LL);
	singer_rec_end(&r, 0);
	ck_assert_str_eq(buf_cstr(&b), "{\"type\":\"RECORD\",\"stream\":"
	    "\"sf_contacts\",\"record\":{\"contact_id\":\"003\\\"x\","
	    "\"email\":null,\"amount\":18446744073709551617.50,\"bad_num\":null,"
	    "\"n\":-5,\"flag\":true,\"z\":null,\"system_modstamp\":"
	    "\"2026-11-28T23:59:59.000Z\"},\"time_extracted\":"
	    "\"1970-01-01T00:00:00.000Z\"}");
	ck_assert_int_eq(classify(b.data), 0);
	ck_assert_int_eq(m.type, SINGER_RECORD);
	ck_assert_uint_eq(m.record->count, 8);
	buf_reset(&b);
	singer_rec_begin(&r, &b, "s");
	singer_rec_json(&r, "j", json_get(m.record, "amount"));
	singer_rec_json(&r, "k", NULL);
	singer_rec_end(&r, -1);
	ck_assert_str_eq(buf_cstr(&b), "{\"type\":\"RECORD\",\"stream\":\"s\","
	    "\"record\":{\"j\":18446744073709551617.50,\"k\":null}}");
	buf_release(&b);
}
END_TEST

/* STATE and ACTIVATE_VERSION writers */
START_TEST(singer_write_state_forms)
{
	struct buf b = BUF_INIT;

	classify("{ \"bookmarks\" : { \"a\" : 1 } }");
	singer_write_state(&b, m.root);
	ck_assert_str_eq(buf_cstr(&b),
	    "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"a\":1}}}");
	buf_reset(&b);
	singer_write_state_raw(&b, "{}", 2);
	ck_assert_str_eq(buf_cstr(&b), "{\"type\":\"STATE\",\"value\":{}}");
	buf_reset(&b);
	singer_write_activate_version(&b, "t", 42);
	ck_assert_str_eq(buf_cstr(&b),
	    "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"t\",\"version\":42}");
	buf_release(&b);
}
END_TEST

/* the SCHEMA writer embeds the table's JSON Schema and primary key */
START_TEST(singer_write_schema_table)
{
	struct buf b = BUF_INIT;
	const struct schema_table *t = schema_table_find("sf_contacts");
	static const char *const bm[] = { "system_modstamp" };

	ck_assert_ptr_nonnull(t);
	singer_write_schema(&b, t, bm, 1);
	ck_assert_int_eq(classify(b.data), 0);
	ck_assert_int_eq(m.type, SINGER_SCHEMA);
	ck_assert_str_eq(m.stream, "sf_contacts");
	ck_assert_str_eq(m.key_properties->child->s, "contact_id");
	ck_assert_ptr_nonnull(json_get(json_get(m.schema, "properties"),
	    "email"));
	ck_assert_str_eq(json_at(json_get(m.root, "bookmark_properties"), 0)->s,
	    "system_modstamp");
	buf_reset(&b);
	singer_write_schema(&b, t, NULL, 0);
	ck_assert_int_eq(classify(b.data), 0);
	ck_assert_ptr_null(json_get(m.root, "bookmark_properties"));
	buf_release(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("singer");
	TCase *tc = tcase_create("singer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, singer_classify_record);
	tcase_add_test(tc, singer_classify_others);
	tcase_add_test(tc, singer_classify_plain);
	tcase_add_test(tc, singer_classify_malformed);
	tcase_add_test(tc, singer_rec_roundtrip);
	tcase_add_test(tc, singer_write_state_forms);
	tcase_add_test(tc, singer_write_schema_table);
	suite_add_tcase(s, tc);
	return s;
}
