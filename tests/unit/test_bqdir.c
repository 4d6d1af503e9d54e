#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bqdir.h"
#include "check_main.h"

static char dir[64];
static struct json_doc doc;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_bqdir.XXXXXX");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	json_doc_init(&doc);
	setenv("SALESINTEL_NOW", "2026-12-01T10:00:00Z", 1);
}

static void
teardown(void)
{
	char cmd[128];

	json_doc_release(&doc);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct json *
parse(const char *s)
{
	struct err e = ERR_INIT;
	struct json *v = json_parse(&doc, s, strlen(s), &e);

	ck_assert_msg(v != NULL, "%s", e.msg);
	return v;
}

static int
rec(struct bqdir *b, const char *table, const char *json)
{
	struct err e = ERR_INIT;
	int rc = bqdir_record(b, schema_table_find(table), parse(json), NULL, &e);

	err_release(&e);
	return rc;
}

static void
state(struct bqdir *b, const char *json)
{
	struct err e = ERR_INIT;

	ck_assert_msg(bqdir_state(b, parse(json), &e) == 0, "%s", e.msg);
}

/* Contents of DIR/rel ("" when absent), in a static buffer. */
static const char *
slurp(const char *rel)
{
	static char text[1 << 16];
	char p[256];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	text[0] = '\0';
	if (!(f = fopen(p, "r")))
		return text;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* The contents of every data file of a table, concatenated (via sh). */
static const char *
data_of(const char *table)
{
	static char text[1 << 20];
	char cmd[256];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd), "cat %s/data/%s/*.ndjson 2>/dev/null", dir,
		table);
	f = popen(cmd, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	pclose(f);
	return text;
}

static struct bqdir *
open_dir(size_t max)
{
	struct err e = ERR_INIT;
	struct bqdir *b;

	ck_assert_msg(bqdir_open(&b, dir, max, 0, &e) == 0, "%s", e.msg);
	return b;
}

/* rows become NDJSON lines of converted values; state and manifest follow */
START_TEST(bqdir_record_lines)
{
	struct bqdir *b = open_dir(0);
	const char *d;
	const char *want = "{\"contact_id\":\"c1\",\"email\":\"a@x.com\","
		"\"is_primary\":true,\"ingested_at\":\"2026-12-01T10:00:00.000Z\","
		"\"system_modstamp\":\"2026-11-28T23:59:59.000Z\",\"_sdc_batch\":"
		"\"20261201T100000000Z-";
	struct stat sb;
	char p[256];

	ck_assert_int_eq(rec(b, "sf_contacts", "{\"contact_id\":\"c1\","
		"\"email\":\"a@x.com\",\"is_primary\":1,\"system_modstamp\":"
		"\"2026-11-28T23:59:59.000+0000\",\"phone\":null}"), 0);
	ck_assert_int_eq(rec(b, "sf_contacts", "{\"contact_id\":\"c2\","
		"\"bogus\":1}"), EX_DATAERR);
	ck_assert_int_eq(rec(b, "gmail_messages", "{\"message_id\":\"m\","
		"\"mailbox_email\":\"a@x.com\",\"to_emails\":[\"b@x.com\"]}"), 0);
	state(b, "{\"bookmarks\":{\"sf_contacts\":{\"t\":1}}}");
	state(b, "{\"bookmarks\":{\"gmail_messages:a@x.com\":{\"h\":\"2\"}}}");
	ck_assert_int_eq(bqdir_close(b, NULL), 0);
	d = data_of("sf_contacts");
	ck_assert_int_eq(strncmp(d, want, strlen(want)), 0);
	ck_assert_ptr_nonnull(strstr(data_of("gmail_messages"),
		"\"to_emails\":[\"b@x.com\"]"));
	ck_assert_str_eq(slurp("state.json"), "{\"bookmarks\":{\"sf_contacts\":"
		"{\"t\":1},\"gmail_messages:a@x.com\":{\"h\":\"2\"}}}\n");
	ck_assert_ptr_nonnull(strstr(slurp("manifest.json"),
		"{\"table\":\"sf_contacts\",\"file\":\"data/sf_contacts/"));
	ck_assert_ptr_nonnull(strstr(slurp("merge/sf_contacts.sql"),
		"MERGE `sf_contacts` T"));
	ck_assert_ptr_nonnull(strstr(slurp("schema/sf_contacts.json"),
		"{\"name\": \"_sdc_sequence\", \"type\": \"INTEGER\""));
	snprintf(p, sizeof(p), "%s/state.json", dir);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
}
END_TEST

/* a run killed after a STATE: reopening cuts the files back to the state */
START_TEST(bqdir_open_recovers)
{
	pid_t pid;
	int status, i;
	struct bqdir *b;
	const char *d;
	char line[200];

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct err e = ERR_INIT;

		if (bqdir_open(&b, dir, 4096, 0, &e) != 0)
			_exit(2);
		rec(b, "sf_leads", "{\"lead_id\":\"l0\"}");
		state(b, "{\"bookmarks\":{\"sf_leads\":{\"n\":0}}}");
		/* enough to spill out of the write buffer and rotate */
		for (i = 1; i < 3000; i++) {
			snprintf(line, sizeof(line), "{\"lead_id\":\"l%d\"}", i);
			rec(b, "sf_leads", line);
		}
		_exit(0);   /* killed: no close */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_ptr_nonnull(strstr(data_of("sf_leads"), "\"l2000\""));
	b = open_dir(4096);
	d = data_of("sf_leads");
	ck_assert_ptr_nonnull(strstr(d, "\"l0\""));
	ck_assert_ptr_null(strstr(d, "\"l1\""));
	ck_assert_int_eq(rec(b, "sf_leads", "{\"lead_id\":\"l5\"}"), 0);
	ck_assert_int_eq(bqdir_close(b, NULL), 0);
	d = data_of("sf_leads");
	ck_assert_ptr_nonnull(strstr(d, "\"l5\""));
	ck_assert_ptr_null(strstr(d, "\"l1\""));
	ck_assert_str_eq(slurp("state.json"),
		"{\"bookmarks\":{\"sf_leads\":{\"n\":0}}}\n");
}
END_TEST

/* rollback cuts back what was written since the last STATE */
START_TEST(bqdir_rollback_cuts)
{
	struct bqdir *b = open_dir(0);

	ck_assert_int_eq(rec(b, "sf_leads", "{\"lead_id\":\"a\"}"), 0);
	state(b, "{\"bookmarks\":{}}");
	ck_assert_int_eq(rec(b, "sf_leads", "{\"lead_id\":\"b\"}"), 0);
	bqdir_rollback(b);
	ck_assert_int_eq(bqdir_close(b, NULL), 0);
	ck_assert_ptr_nonnull(strstr(data_of("sf_leads"), "\"a\""));
	ck_assert_ptr_null(strstr(data_of("sf_leads"), "\"b\""));
}
END_TEST

/* the MERGE keeps the latest row per key and handles deletes */
START_TEST(bqdir_merge_sql_shape)
{
	struct buf b = BUF_INIT;

	bqdir_merge_sql(&b, schema_table_find("gmail_participants"), 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "QUALIFY ROW_NUMBER() OVER "
		"(PARTITION BY participant_id\n    ORDER BY _sdc_batch DESC, "
		"_sdc_sequence DESC) = 1"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "WHEN MATCHED AND "
		"S._sdc_deleted_at IS NOT NULL THEN\n  UPDATE SET _sdc_deleted_at"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "WHEN NOT MATCHED AND "
		"S.participant_id IS NOT NULL AND S.message_id IS NOT NULL"));
	buf_reset(&b);
	bqdir_merge_sql(&b, schema_table_find("sf_leads"), 1);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "THEN\n  DELETE\n"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "WHEN NOT MATCHED AND "
		"S._sdc_deleted_at IS NULL"));
	buf_release(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("bqdir");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bqdir_record_lines);
	tcase_add_test(tc, bqdir_open_recovers);
	tcase_add_test(tc, bqdir_rollback_cuts);
	tcase_add_test(tc, bqdir_merge_sql_shape);
	suite_add_tcase(s, tc);
	return s;
}
