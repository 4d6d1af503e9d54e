#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "check_main.h"

static char dir[64];
static char path[256];
static struct json_doc doc;
static struct store *s;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_store.XXXXXX");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/db", dir);
	json_doc_init(&doc);
	s = NULL;
}

static void
teardown(void)
{
	char p[300];

	store_close(s, NULL);
	json_doc_release(&doc);
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	rmdir(dir);
}

static void
open_store(int hard)
{
	struct err e = ERR_INIT;
	struct store_opts o = { 0 };

	o.hard_delete = hard;
	ck_assert_msg(store_open(&s, path, &o, &e) == 0, "%s", e.msg);
}

/* Apply a record; returns store_record's code, the message in why. */
static int
rec(const char *table, const char *json, char *why, size_t whyn)
{
	struct err e = ERR_INIT;
	struct json *v;
	int rc;

	v = json_parse(&doc, json, strlen(json), &e);
	ck_assert_msg(v != NULL, "%s", e.msg);
	rc = store_record(s, schema_table_find(table), v, NULL, &e);
	if (why)
		snprintf(why, whyn, "%s", e.msg ? e.msg : "");
	err_release(&e);
	return rc;
}

static void
ok(const char *table, const char *json)
{
	char why[256];

	ck_assert_msg(rec(table, json, why, sizeof(why)) == 0, "%s: %s", json, why);
}

static void
bad(const char *table, const char *json, const char *reason)
{
	char why[256];

	ck_assert_int_eq(rec(table, json, why, sizeof(why)), EX_DATAERR);
	ck_assert_msg(strstr(why, reason) != NULL, "%s: got \"%s\"", json, why);
}

static int
row_cb(void *ctx, int n, char **v, char **names)
{
	struct buf *b = ctx;
	int i;

	(void)names;
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? "|" : "", v[i] ? v[i] : "NULL");
	buf_addch(b, '\n');
	return 0;
}

/* The rows of a query as "a|b\n" lines (a static buffer, per call). */
static const char *
q(const char *sql)
{
	static struct buf b = BUF_INIT;
	char *msg = NULL;

	buf_reset(&b);
	ck_assert_msg(sqlite3_exec(store_db(s), sql, row_cb, &b, &msg) ==
		SQLITE_OK, "%s: %s", sql, msg);
	return buf_cstr(&b);
}

/* a new database is created 0600 with every table, in WAL mode */
START_TEST(store_open_creates)
{
	struct stat sb;
	mode_t old = umask(0);

	open_store(0);
	umask(old);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_str_eq(q("PRAGMA journal_mode"), "wal\n");
	ck_assert_str_eq(q("SELECT count(*) FROM sqlite_master WHERE type='table'"),
		"20\n");
	ck_assert_str_eq(q("SELECT count(*) FROM sqlite_master WHERE "
		"name='sf_contacts__cluster'"), "1\n");
}
END_TEST

/* an older database gains the columns the schema added */
START_TEST(store_open_adds_columns)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE sf_contacts (contact_id "
		"TEXT NOT NULL PRIMARY KEY, email TEXT);"
		"INSERT INTO sf_contacts VALUES ('c1', 'a@x.com')", 0, 0, 0),
		SQLITE_OK);
	sqlite3_close(db);
	open_store(0);
	ck_assert_str_eq(q("SELECT contact_id, email, owner_id, _sdc_deleted_at "
		"FROM sf_contacts"), "c1|a@x.com|NULL|NULL\n");
	ok("sf_contacts", "{\"contact_id\":\"c1\",\"owner_id\":\"u1\"}");
	ck_assert_str_eq(q("SELECT email, owner_id FROM sf_contacts"),
		"a@x.com|u1\n");
}
END_TEST

/* upsert: insert, then update only the named columns */
START_TEST(store_record_upsert)
{
	struct err e = ERR_INIT;

	setenv("SALESINTEL_NOW", "2026-12-01T10:00:00Z", 1);
	open_store(0);
	ok("sf_contacts", "{\"contact_id\":\"c1\",\"email\":\"a@x.com\","
		"\"first_name\":\"Asha\"}");
	ok("sf_contacts", "{\"contact_id\":\"c2\",\"email\":\"b@x.com\"}");
	ok("sf_contacts", "{\"contact_id\":\"c1\",\"email\":\"a2@x.com\"}");
	ck_assert_int_eq(store_commit(s, &e), 0);
	ck_assert_str_eq(q("SELECT contact_id, email, first_name, ingested_at "
		"FROM sf_contacts ORDER BY 1"),
		"c1|a2@x.com|Asha|2026-12-01T10:00:00.000Z\n"
		"c2|b@x.com|NULL|2026-12-01T10:00:00.000Z\n");
	ck_assert_uint_eq(store_stats(s)->upserted, 3);
	unsetenv("SALESINTEL_NOW");
}
END_TEST

/* a table empty at its first write loses its clustering index until the
 * close rebuilds it; a table with rows keeps it */
START_TEST(store_record_empty_table_bulk)
{
	struct err e = ERR_INIT;
	const char *idx = "SELECT count(*) FROM sqlite_master WHERE name = "
		"'sf_contacts__cluster'";

	open_store(0);
	ok("sf_contacts", "{\"contact_id\":\"c1\",\"email\":\"a@x.com\"}");
	ck_assert_str_eq(q(idx), "0\n");
	ck_assert_int_eq(store_close(s, &e), 0);
	s = NULL;
	open_store(0);
	ck_assert_str_eq(q(idx), "1\n");
	ok("sf_contacts", "{\"contact_id\":\"c2\",\"email\":\"b@x.com\"}");
	ck_assert_str_eq(q(idx), "1\n");
	ck_assert_str_eq(q("SELECT count(*) FROM sf_contacts INDEXED BY "
		"sf_contacts__cluster WHERE email = 'a@x.com'"), "1\n");
}
END_TEST

/* values convert to the column types */
START_TEST(store_record_values)
{
	open_store(0);
	ok("dialpad_calls", "{\"call_id\":\"1\",\"call_time\":1356998400000,"
		"\"duration_seconds\":\"73\",\"sentiment_score\":0.25,"
		"\"was_recorded\":true,\"embedding\":[0.5,1e-3]}");
	ok("dialpad_calls", "{\"call_id\":\"2\",\"call_time\":\"1356998400123\","
		"\"duration_seconds\":9007199254740993,\"was_recorded\":\"false\"}");
	ok("sf_contacts", "{\"contact_id\":\"c1\",\"system_modstamp\":"
		"\"2026-11-28T23:59:59.000+0000\",\"created_date\":"
		"\"2026-11-28T20:00:00-05:00\",\"is_primary\":0}");
	ok("sf_opportunities", "{\"opportunity_id\":\"o1\",\"close_date\":"
		"\"2026-12-31\",\"amount\":12345.67,\"is_won\":1}");
	ok("gmail_messages", "{\"message_id\":\"m1\",\"mailbox_email\":\"a@x.com\","
		"\"to_emails\":[\"b@x.com\",\"c@x.com\"],\"labels\":[],"
		"\"sent_at\":\"2026-01-02T03:04:05.678901Z\"}");
	ok("sync_state", "{\"stream\":\"k\",\"value\":{\"a\":[1,{\"b\":null}]}}");
	ck_assert_str_eq(q("SELECT call_id, call_time, duration_seconds, "
		"typeof(duration_seconds), sentiment_score, was_recorded, embedding "
		"FROM dialpad_calls ORDER BY 1"),
		"1|2013-01-01T00:00:00.000Z|73|integer|0.25|1|[0.5,1e-3]\n"
		"2|2013-01-01T00:00:00.123Z|9007199254740993|integer|NULL|0|NULL\n");
	ck_assert_str_eq(q("SELECT system_modstamp, created_date, is_primary "
		"FROM sf_contacts"),
		"2026-11-28T23:59:59.000Z|2026-11-29T01:00:00.000Z|0\n");
	ck_assert_str_eq(q("SELECT close_date, amount, is_won FROM "
		"sf_opportunities"), "2026-12-31|12345.67|1\n");
	ck_assert_str_eq(q("SELECT to_emails, labels, sent_at FROM "
		"gmail_messages"),
		"[\"b@x.com\",\"c@x.com\"]|[]|2026-01-02T03:04:05.678Z\n");
	ck_assert_str_eq(q("SELECT value FROM sync_state"),
		"{\"a\":[1,{\"b\":null}]}\n");
}
END_TEST

/* bad records are refused with a reason; nothing of them is written */
START_TEST(store_record_bad)
{
	struct err e = ERR_INIT;

	open_store(0);
	ok("sf_contacts", "{\"contact_id\":\"c0\"}");
	bad("sf_contacts", "{\"contact_id\":\"c1\",\"bogus\":1}",
		"unknown column bogus");
	bad("sf_contacts", "{\"email\":\"a@x.com\"}", "primary key column "
		"contact_id missing");
	bad("sf_contacts", "{\"contact_id\":null}", "null in a required");
	bad("sf_contacts", "{\"contact_id\":\"c1\",\"email\":true}",
		"expected a string, got a boolean");
	bad("sf_contacts", "{\"contact_id\":\"c1\",\"is_primary\":\"yes\"}",
		"expected a boolean");
	bad("sf_contacts", "{\"contact_id\":\"c1\",\"system_modstamp\":"
		"\"2026-02-30T00:00:00Z\"}", "bad timestamp");
	bad("sf_contacts", "{\"contact_id\":\"c1\",\"system_modstamp\":"
		"1356998400000}", "expected a timestamp");
	bad("dialpad_calls", "{\"call_id\":\"1\",\"duration_seconds\":"
		"9223372036854775808}", "out of the 64-bit range");
	bad("dialpad_calls", "{\"call_id\":\"1\",\"duration_seconds\":1.5}",
		"not an integer");
	bad("gmail_messages", "{\"message_id\":\"m1\",\"mailbox_email\":\"a\","
		"\"to_emails\":\"b@x.com\"}", "expected an array");
	bad("gmail_messages", "{\"message_id\":\"m1\",\"mailbox_email\":\"a\","
		"\"to_emails\":[1]}", "array element is a number");
	bad("gmail_participants", "{\"participant_id\":\"p1\",\"message_id\":"
		"\"m1\",\"role\":\"to\"}", "required column email_address missing");
	bad("sf_contacts", "{\"contact_id\":\"c1\",\"email\":\"a\",\"email\":\"b\"}",
		"given twice");
	ok("sf_contacts", "{\"contact_id\":\"c2\"}");
	ck_assert_int_eq(store_commit(s, &e), 0);
	ck_assert_str_eq(q("SELECT contact_id FROM sf_contacts ORDER BY 1"),
		"c0\nc2\n");
	ck_assert_str_eq(q("SELECT count(*) FROM dialpad_calls"), "0\n");
}
END_TEST

/* deletes: soft by default, a delete of an unknown row is harmless */
START_TEST(store_record_soft_delete)
{
	struct err e = ERR_INIT;

	open_store(0);
	ok("gmail_participants", "{\"participant_id\":\"p1\",\"message_id\":"
		"\"m1\",\"email_address\":\"a@x.com\",\"role\":\"to\"}");
	ok("gmail_participants", "{\"participant_id\":\"p1\",\"_sdc_deleted_at\":"
		"\"2026-12-01T00:00:00Z\"}");
	ok("gmail_participants", "{\"participant_id\":\"p9\",\"_sdc_deleted_at\":"
		"\"2026-12-01T00:00:00Z\"}");
	ck_assert_int_eq(store_commit(s, &e), 0);
	ck_assert_str_eq(q("SELECT participant_id, email_address, _sdc_deleted_at "
		"FROM gmail_participants"),
		"p1|a@x.com|2026-12-01T00:00:00.000Z\n");
	/* the record comes back: live again */
	ok("gmail_participants", "{\"participant_id\":\"p1\",\"message_id\":"
		"\"m1\",\"email_address\":\"a@x.com\",\"role\":\"to\"}");
	ck_assert_str_eq(q("SELECT _sdc_deleted_at FROM gmail_participants"),
		"NULL\n");
}
END_TEST

/* --hard-delete removes the row */
START_TEST(store_record_hard_delete)
{
	open_store(1);
	ok("sf_leads", "{\"lead_id\":\"l1\",\"email\":\"a@x.com\"}");
	ok("sf_leads", "{\"lead_id\":\"l2\"}");
	ok("sf_leads", "{\"lead_id\":\"l1\",\"_sdc_deleted_at\":"
		"\"2026-12-01T00:00:00Z\"}");
	ck_assert_str_eq(q("SELECT lead_id FROM sf_leads"), "l2\n");
	ck_assert_uint_eq(store_stats(s)->deleted, 1);
}
END_TEST

/* STATE: bookmarks into sync_state (and gmail_sync_state), then commit;
 * a rollback after it keeps what it committed */
START_TEST(store_state_commits)
{
	struct err e = ERR_INIT;
	struct json *v;
	const char *st = "{\"bookmarks\":{\"sf_contacts\":{\"system_modstamp\":"
		"\"2026-11-28T23:59:59.000Z\"},\"gmail_messages:a@x.com\":"
		"{\"history_id\":\"12345\",\"sync_type\":\"incremental\"}}}";

	setenv("SALESINTEL_NOW", "2026-12-01T10:00:00Z", 1);
	open_store(0);
	ok("sf_contacts", "{\"contact_id\":\"c1\"}");
	v = json_parse(&doc, st, strlen(st), &e);
	ck_assert_int_eq(store_state(s, v, &e), 0);
	ok("sf_contacts", "{\"contact_id\":\"c2\"}");
	store_rollback(s);
	ck_assert_str_eq(q("SELECT contact_id FROM sf_contacts"), "c1\n");
	ck_assert_str_eq(q("SELECT stream, value FROM sync_state ORDER BY 1"),
		"gmail_messages:a@x.com|{\"history_id\":\"12345\",\"sync_type\":"
		"\"incremental\"}\n"
		"sf_contacts|{\"system_modstamp\":\"2026-11-28T23:59:59.000Z\"}\n");
	ck_assert_str_eq(q("SELECT mailbox_email, last_history_id, last_sync_at, "
		"sync_type FROM gmail_sync_state"),
		"a@x.com|12345|2026-12-01T10:00:00.000Z|incremental\n");
	v = json_parse(&doc, "[1]", 3, &e);
	ck_assert_int_eq(store_state(s, v, &e), EX_DATAERR);
	err_release(&e);
	unsetenv("SALESINTEL_NOW");
}
END_TEST

static int
collect(void *ctx, const char *line, size_t n)
{
	buf_add(ctx, line, n);
	return 0;
}

/* export writes SCHEMA then RECORDs in key order, typed as load takes them */
START_TEST(store_export_lines)
{
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	struct store_export_opts o = { 0 };
	const char *p;

	open_store(0);
	ok("dialpad_transcripts", "{\"transcript_id\":\"t2\",\"call_id\":\"c\","
		"\"start_time_seconds\":0.1,\"segment_index\":2,\"ingested_at\":"
		"\"2026-01-01T00:00:00Z\"}");
	ok("dialpad_transcripts", "{\"transcript_id\":\"t1\",\"call_id\":\"c\","
		"\"speaker\":\"A \\\"q\\\"\",\"ingested_at\":\"2026-01-01T00:00:00Z\"}");
	ck_assert_int_eq(store_commit(s, &e), 0);
	ck_assert_int_eq(store_export(s, schema_table_find("dialpad_transcripts"),
		&o, collect, &b, &e), 0);
	p = strchr(buf_cstr(&b), '\n');
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(strncmp(buf_cstr(&b), "{\"type\":\"SCHEMA\",\"stream\":"
		"\"dialpad_transcripts\",\"schema\":{", 50), 0);
	ck_assert_str_eq(p + 1,
		"{\"type\":\"RECORD\",\"stream\":\"dialpad_transcripts\",\"record\":"
		"{\"transcript_id\":\"t1\",\"call_id\":\"c\",\"speaker\":\"A \\\"q\\\"\","
		"\"text_segment\":null,\"start_time_seconds\":null,"
		"\"end_time_seconds\":null,\"segment_index\":null,\"created_at\":null,"
		"\"ingested_at\":\"2026-01-01T00:00:00.000Z\",\"_sdc_extracted_at\":null,"
		"\"_sdc_deleted_at\":null}}\n"
		"{\"type\":\"RECORD\",\"stream\":\"dialpad_transcripts\",\"record\":"
		"{\"transcript_id\":\"t2\",\"call_id\":\"c\",\"speaker\":null,"
		"\"text_segment\":null,\"start_time_seconds\":0.1,"
		"\"end_time_seconds\":null,\"segment_index\":2,\"created_at\":null,"
		"\"ingested_at\":\"2026-01-01T00:00:00.000Z\",\"_sdc_extracted_at\":null,"
		"\"_sdc_deleted_at\":null}}\n");
	buf_reset(&b);
	o.where_null = "speaker";
	ck_assert_int_eq(store_export(s, schema_table_find("dialpad_transcripts"),
		&o, collect, &b, &e), 0);
	ck_assert_ptr_null(strstr(buf_cstr(&b), "\"t1\""));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "\"t2\""));
	o.where_null = "nope";
	ck_assert_int_eq(store_export(s, schema_table_find("dialpad_transcripts"),
		&o, collect, &b, &e), EX_USAGE);
	err_release(&e);
	buf_release(&b);
}
END_TEST

/* ---- batches (load's pipeline) ---- */

static struct buf reports;

static void
report_cb(void *ctx, const char *file, unsigned long line, const char *why)
{
	(void)ctx;
	buf_printf(&reports, "%s:%lu:%s\n", file ? file : "-", line, why);
}

/* add record n of sf_contacts (line n) to b; title "refuse" for the
 * trigger below */
static void
batch_add(struct store_batch *b, int key, const char *title, unsigned long line)
{
	struct err e = ERR_INIT;
	char js[200];
	struct json *v;

	snprintf(js, sizeof(js), "{\"contact_id\":\"c%03d\",\"title\":\"%s\"}",
		key, title);
	v = json_parse(&doc, js, strlen(js), &e);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(store_batch_record(s, b, schema_table_find("sf_contacts"),
		v, NULL, "in", line, &e), 0);
}

static void
add_trigger(void)
{
	ck_assert_int_eq(sqlite3_exec(store_db(s), "CREATE TRIGGER refuse BEFORE "
		"INSERT ON sf_contacts WHEN NEW.title = 'refuse' BEGIN "
		"SELECT RAISE(ABORT, 'refused'); END", NULL, NULL, NULL), SQLITE_OK);
}

/* 40 rows in reverse key order (two 16-row INSERTs and singles once
 * sorted); the row SQLite refuses sits inside a multi-row INSERT: the
 * other 39 go in, and the reports (the caller's and SQLite's) come in line
 * order */
START_TEST(store_batch_refused_row_in_multi)
{
	struct store_batch *b = store_batch_new();
	struct err e = ERR_INIT;
	int i;

	open_store(0);
	add_trigger();
	buf_reset(&reports);
	for (i = 1; i <= 40; i++) {
		if (i == 10)
			store_batch_report(b, "in", 100, "caller's bad line");
		batch_add(b, 41 - i, i == 20 ? "refuse" : "t", (unsigned long)i);
		if (i == 30)
			store_batch_report(b, "in", 300, "another");
	}
	store_batch_set_commit(b);
	ck_assert_int_eq(store_apply(s, b, 0, report_cb, NULL, &e), EX_DATAERR);
	ck_assert_uint_eq(store_batch_refused(b), 1);
	ck_assert_str_eq(buf_cstr(&reports), "in:100:caller's bad line\n"
		"in:20:refused\nin:300:another\n");
	ck_assert_str_eq(q("SELECT count(*), min(contact_id), max(contact_id) "
		"FROM sf_contacts"), "39|c001|c040\n");
	ck_assert_str_eq(q("SELECT count(*) FROM sf_contacts WHERE contact_id = "
		"'c021'"), "0\n");
	store_rollback(s);      /* committed: nothing to undo */
	ck_assert_str_eq(q("SELECT count(*) FROM sf_contacts"), "39\n");
	store_batch_free(b);
	err_release(&e);
}
END_TEST

/* with stop_at_bad: the reports end at the first bad line, no commit */
START_TEST(store_batch_stop_at_bad)
{
	struct store_batch *b = store_batch_new();
	struct err e = ERR_INIT;
	int i;

	open_store(0);
	add_trigger();
	buf_reset(&reports);
	for (i = 1; i <= 40; i++) {
		batch_add(b, i, i == 25 ? "refuse" : "t", (unsigned long)i);
		if (i == 30)
			store_batch_report(b, "in", 300, "after it");
	}
	store_batch_set_commit(b);
	ck_assert_int_eq(store_apply(s, b, 1, report_cb, NULL, &e), EX_DATAERR);
	ck_assert_str_eq(buf_cstr(&reports), "in:25:refused\n");
	store_rollback(s);
	ck_assert_str_eq(q("SELECT count(*) FROM sf_contacts"), "0\n");
	store_batch_free(b);
	err_release(&e);
}
END_TEST

/* one key several times in a batch, among others: the last record wins,
 * also across 16-row INSERTs; bookmarks go in with the commit */
START_TEST(store_batch_last_wins)
{
	struct store_batch *b = store_batch_new();
	struct err e = ERR_INIT;
	struct json *v;
	const char *bm = "{\"bookmarks\":{\"sf_contacts\":{\"n\":1}}}";
	char title[16];
	int i;

	open_store(0);
	for (i = 1; i <= 100; i++) {
		snprintf(title, sizeof(title), "t%d", i);
		batch_add(b, i % 7, title, (unsigned long)i);
	}
	v = json_parse(&doc, bm, strlen(bm), &e);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(store_batch_bookmark(b, v, &e), 0);
	v = json_parse(&doc, "{\"bookmarks\":7}", 15, &e);
	ck_assert_int_eq(store_batch_bookmark(b, v, &e), EX_DATAERR);
	store_batch_set_commit(b);
	ck_assert_int_eq(store_apply(s, b, 0, report_cb, NULL, &e), 0);
	ck_assert_str_eq(q("SELECT contact_id, title FROM sf_contacts ORDER BY 1"),
		"c000|t98\nc001|t99\nc002|t100\nc003|t94\nc004|t95\nc005|t96\n"
		"c006|t97\n");
	ck_assert_str_eq(q("SELECT value FROM sync_state WHERE stream = "
		"'sf_contacts'"), "{\"n\":1}\n");
	store_batch_free(b);
	err_release(&e);
}
END_TEST

static Suite *
suite(void)
{
	Suite *su = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, store_open_creates);
	tcase_add_test(tc, store_open_adds_columns);
	tcase_add_test(tc, store_record_upsert);
	tcase_add_test(tc, store_record_values);
	tcase_add_test(tc, store_record_empty_table_bulk);
	tcase_add_test(tc, store_record_bad);
	tcase_add_test(tc, store_record_soft_delete);
	tcase_add_test(tc, store_record_hard_delete);
	tcase_add_test(tc, store_state_commits);
	tcase_add_test(tc, store_export_lines);
	tcase_add_test(tc, store_batch_refused_row_in_multi);
	tcase_add_test(tc, store_batch_stop_at_bad);
	tcase_add_test(tc, store_batch_last_wins);
	suite_add_tcase(su, tc);
	return su;
}
