#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "state.h"
#include "check_main.h"

static char dir[64];
static char path[256];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_state.XXXXXX");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static void
put(const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char *
dump(struct buf *b, const struct json *v)
{
	buf_reset(b);
	json_write(b, v);
	return buf_cstr(b);
}

/* a missing state file means empty bookmarks, not an error */
START_TEST(state_read_file_missing)
{
	struct json_doc d;
	struct json *st;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;

	json_doc_init(&d);
	ck_assert_int_eq(state_read_file(path, &d, &st, &e), 0);
	ck_assert_str_eq(dump(&b, st), "{\"bookmarks\":{}}");
	json_doc_release(&d);
	buf_release(&b);
}
END_TEST

/* a plain state object, a STATE message, and lines of both merge in order */
START_TEST(state_read_file_forms)
{
	struct json_doc d;
	struct json *st;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;

	json_doc_init(&d);
	put("{\"bookmarks\":{\"sf_contacts\":{\"system_modstamp\":\"x\"}}}\n");
	ck_assert_int_eq(state_read_file(path, &d, &st, &e), 0);
	ck_assert_str_eq(dump(&b, state_bookmark(st, "sf_contacts")),
		"{\"system_modstamp\":\"x\"}");
	put("{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"a\":1,\"b\":2}}}\n"
		"\n"
		"{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"b\":3,\"c\":12345678901234567890}}}\n");
	ck_assert_int_eq(state_read_file(path, &d, &st, &e), 0);
	ck_assert_str_eq(dump(&b, st),
		"{\"bookmarks\":{\"a\":1,\"b\":3,\"c\":12345678901234567890}}");
	ck_assert_ptr_null(state_bookmark(st, "zz"));
	put("{\n  \"bookmarks\": {\n    \"k\": \"v\"\n  }\n}\n");
	ck_assert_int_eq(state_read_file(path, &d, &st, &e), 0);
	ck_assert_str_eq(dump(&b, st), "{\"bookmarks\":{\"k\":\"v\"}}");
	ck_assert_ptr_null(e.msg);
	json_doc_release(&d);
	buf_release(&b);
}
END_TEST

/* garbage and non-state messages are data errors naming the line */
START_TEST(state_read_file_bad)
{
	struct json_doc d;
	struct json *st;
	struct err e = ERR_INIT;

	json_doc_init(&d);
	put("{\"bookmarks\":{}}\nnot json\n");
	ck_assert_int_eq(state_read_file(path, &d, &st, &e), EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, ":2"));
	ck_assert_ptr_null(st);
	err_release(&e);
	put("{\"type\":\"RECORD\",\"stream\":\"x\",\"record\":{}}\n");
	ck_assert_int_eq(state_read_file(path, &d, &st, &e), EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a state"));
	err_release(&e);
	json_doc_release(&d);
}
END_TEST

/* sync_state rows become bookmarks; soft-deleted rows do not */
START_TEST(state_read_db_rows)
{
	struct json_doc d;
	struct json *st;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	sqlite3 *db;

	json_doc_init(&d);
	ck_assert_int_eq(state_read_db(path, &d, &st, &e), 0);
	ck_assert_str_eq(dump(&b, st), "{\"bookmarks\":{}}");
	ck_assert_int_eq(access(path, F_OK), -1);  /* not created */
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t(x)", 0, 0, 0), SQLITE_OK);
	ck_assert_int_eq(state_read_db(path, &d, &st, &e), 0);
	ck_assert_str_eq(dump(&b, st), "{\"bookmarks\":{}}");
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE sync_state(stream TEXT "
		"PRIMARY KEY, value TEXT, updated_at TEXT, _sdc_deleted_at TEXT);"
		"INSERT INTO sync_state VALUES('sf_leads','{\"m\":\"t\"}',NULL,NULL),"
		"('gmail_messages:a@x.com','{\"history_id\":\"9\"}',NULL,NULL),"
		"('gone','1',NULL,'2026-01-01T00:00:00.000Z')", 0, 0, 0), SQLITE_OK);
	ck_assert_int_eq(state_read_db(path, &d, &st, &e), 0);
	ck_assert_str_eq(dump(&b, st), "{\"bookmarks\":{\"gmail_messages:a@x.com\":"
		"{\"history_id\":\"9\"},\"sf_leads\":{\"m\":\"t\"}}}");
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO sync_state VALUES"
		"('bad','{',NULL,NULL)", 0, 0, 0), SQLITE_OK);
	ck_assert_int_eq(state_read_db(path, &d, &st, &e), EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "bad"));
	err_release(&e);
	sqlite3_close(db);
	json_doc_release(&d);
	buf_release(&b);
}
END_TEST

/* a file that is not a database is refused */
START_TEST(state_read_db_not_db)
{
	struct json_doc d;
	struct json *st;
	struct err e = ERR_INIT;

	json_doc_init(&d);
	put("this is not a database, not at all, no way, not one bit of it....\n");
	ck_assert_int_ne(state_read_db(path, &d, &st, &e), 0);
	ck_assert_ptr_nonnull(e.msg);
	err_release(&e);
	json_doc_release(&d);
}
END_TEST

/* keys are stream or stream:account */
START_TEST(state_key_forms)
{
	struct buf b = BUF_INIT;

	state_key(&b, "sf_contacts", NULL);
	ck_assert_str_eq(buf_cstr(&b), "sf_contacts");
	buf_reset(&b);
	state_key(&b, "gmail_messages", "a@x.com");
	ck_assert_str_eq(buf_cstr(&b), "gmail_messages:a@x.com");
	buf_release(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, state_read_file_missing);
	tcase_add_test(tc, state_read_file_forms);
	tcase_add_test(tc, state_read_file_bad);
	tcase_add_test(tc, state_read_db_rows);
	tcase_add_test(tc, state_read_db_not_db);
	tcase_add_test(tc, state_key_forms);
	suite_add_tcase(s, tc);
	return s;
}
