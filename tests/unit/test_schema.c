#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "schema.h"
#include "check_main.h"

static const struct schema_column *
col(const char *table, const char *name)
{
	const struct schema_table *t = schema_table_find(table);

	ck_assert_msg(t != NULL, "no table %s", table);
	return schema_column_find(t, name);
}

static void
assert_flag(const char *table, const char *name, unsigned flag)
{
	const struct schema_column *c = col(table, name);

	ck_assert_msg(c != NULL, "no column %s.%s", table, name);
	ck_assert_msg(c->flags & flag, "%s.%s lacks flag %u", table, name, flag);
}

/* the 13 tables of the old system's documentation and the added ones exist */
START_TEST(schema_table_find_known)
{
	static const char *names[] = { "gmail_messages", "gmail_participants",
		"gmail_sync_state", "sf_accounts", "sf_contacts", "sf_leads",
		"sf_opportunities", "sf_activities", "dialpad_calls",
		"hubspot_sequences", "account_recommendations", "etl_runs",
		"manual_mappings", "sf_email_messages", "dialpad_transcripts",
		"hubspot_enrollments", "sync_state", "entity_resolution_emails",
		"entity_resolution_phones", "semantic_embeddings" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(schema_table_find(names[i]) != NULL, "%s", names[i]);
	ck_assert_ptr_null(schema_table_find("sf_contact"));
	ck_assert_ptr_null(schema_table_find(""));
	ck_assert_ptr_null(schema_table_findn("sf_contactsX", 10));
	ck_assert_ptr_nonnull(schema_table_findn("sf_contactsX", 11));
	ck_assert_uint_eq(schema_table_count(), 20);
	ck_assert_ptr_null(schema_table_at(20));
}
END_TEST

/* seed columns keep their BigQuery types */
START_TEST(schema_column_find_seed_types)
{
	ck_assert_int_eq(col("gmail_messages", "to_emails")->type, COL_STRING_ARRAY);
	ck_assert_int_eq(col("gmail_messages", "embedding")->type, COL_FLOAT_ARRAY);
	ck_assert_int_eq(col("gmail_messages", "sent_at")->type, COL_TIMESTAMP);
	ck_assert_int_eq(col("sf_accounts", "annual_revenue")->type, COL_FLOAT);
	ck_assert_int_eq(col("sf_opportunities", "close_date")->type, COL_DATE);
	ck_assert_int_eq(col("sf_contacts", "is_primary")->type, COL_BOOLEAN);
	ck_assert_int_eq(col("dialpad_calls", "duration_seconds")->type, COL_INTEGER);
	ck_assert_int_eq(col("account_recommendations", "key_signals")->type,
		COL_STRING_ARRAY);
	ck_assert(col("semantic_embeddings", "embedding")->flags & COL_REQUIRED);
	ck_assert(!(col("sf_contacts", "email")->flags & COL_REQUIRED));
	ck_assert_ptr_null(col("sf_contacts", "nope"));
	ck_assert_int_eq(schema_column_index(schema_table_find("sf_contacts"),
		"contact_id"), 0);
	ck_assert_int_eq(schema_column_indexn(schema_table_find("sf_contacts"),
		"emailX", 5), 4);
}
END_TEST

/* the email, email-list and phone columns of INTERFACES.md are flagged */
START_TEST(schema_column_find_flags)
{
	assert_flag("gmail_messages", "from_email", COL_EMAIL);
	assert_flag("gmail_messages", "to_emails", COL_EMAIL_LIST);
	assert_flag("gmail_messages", "cc_emails", COL_EMAIL_LIST);
	assert_flag("gmail_participants", "email_address", COL_EMAIL);
	assert_flag("sf_contacts", "email", COL_EMAIL);
	assert_flag("sf_leads", "email", COL_EMAIL);
	assert_flag("sf_email_messages", "from_address", COL_EMAIL);
	assert_flag("sf_email_messages", "to_address", COL_EMAIL_LIST);
	assert_flag("sf_email_messages", "cc_address", COL_EMAIL_LIST);
	assert_flag("sf_email_messages", "bcc_address", COL_EMAIL_LIST);
	assert_flag("hubspot_enrollments", "contact_email", COL_EMAIL);
	assert_flag("manual_mappings", "email_address", COL_EMAIL);
	assert_flag("entity_resolution_emails", "email_address", COL_EMAIL);
	assert_flag("gmail_sync_state", "mailbox_email", COL_EMAIL);
	assert_flag("sf_contacts", "phone", COL_PHONE);
	assert_flag("sf_contacts", "mobile_phone", COL_PHONE);
	assert_flag("sf_leads", "phone", COL_PHONE);
	assert_flag("sf_leads", "mobile_phone", COL_PHONE);
	assert_flag("sf_accounts", "phone", COL_PHONE);
	assert_flag("dialpad_calls", "from_number", COL_PHONE);
	assert_flag("dialpad_calls", "to_number", COL_PHONE);
	assert_flag("dialpad_calls", "external_number", COL_PHONE);
	assert_flag("dialpad_calls", "internal_number", COL_PHONE);
	assert_flag("manual_mappings", "phone_number", COL_PHONE);
	assert_flag("entity_resolution_phones", "phone_number", COL_PHONE);
	/* the string-typed email list of Salesforce is still a string */
	ck_assert_int_eq(col("sf_email_messages", "to_address")->type, COL_STRING);
	ck_assert(!(col("sf_contacts", "first_name")->flags &
		(COL_EMAIL | COL_EMAIL_LIST | COL_PHONE)));
}
END_TEST

/* every table: metadata columns, required key columns, valid cluster and
 * partition columns; every sf_* table its audit columns */
START_TEST(schema_table_at_invariants)
{
	size_t i, j;

	for (i = 0; i < schema_table_count(); i++) {
		const struct schema_table *t = schema_table_at(i);
		const struct schema_column *c;

		ck_assert_ptr_eq(schema_table_find(t->name), t);
		ck_assert_ptr_nonnull(schema_column_find(t, "ingested_at"));
		ck_assert_ptr_nonnull(schema_column_find(t, "_sdc_extracted_at"));
		ck_assert_ptr_nonnull(schema_column_find(t, "_sdc_deleted_at"));
		ck_assert_uint_ge(t->npk, 1);
		for (j = 0; j < t->npk; j++) {
			c = schema_column_find(t, t->pk[j]);
			ck_assert_msg(c && (c->flags & COL_REQUIRED), "%s.%s",
				t->name, t->pk[j]);
			ck_assert(schema_column_is_pk(t, c));
		}
		ck_assert_uint_le(t->ncluster, 4);
		for (j = 0; j < t->ncluster; j++)
			ck_assert_msg(schema_column_find(t, t->cluster[j]) != NULL,
				"%s.%s", t->name, t->cluster[j]);
		if (t->partition_col) {
			c = schema_column_find(t, t->partition_col);
			ck_assert(c && (c->type == COL_TIMESTAMP ||
				c->type == COL_DATE));
		}
		for (j = 0; j < t->ncols; j++) {
			size_t k;

			for (k = j + 1; k < t->ncols; k++)
				ck_assert_msg(strcmp(t->cols[j].name,
					t->cols[k].name) != 0, "%s.%s twice",
					t->name, t->cols[j].name);
		}
		if (strncmp(t->name, "sf_", 3) == 0) {
			ck_assert_ptr_nonnull(schema_column_find(t, "system_modstamp"));
			ck_assert_ptr_nonnull(schema_column_find(t, "created_date"));
			ck_assert_ptr_nonnull(schema_column_find(t, "last_modified_date"));
		}
	}
	ck_assert_int_eq(schema_column_find(schema_table_find("sf_leads"),
		"is_converted")->type, COL_BOOLEAN);
}
END_TEST

/* the JSON Schema parses, lists every column, and requires the key */
START_TEST(schema_json_schema_valid)
{
	size_t i;

	for (i = 0; i < schema_table_count(); i++) {
		const struct schema_table *t = schema_table_at(i);
		struct buf b = BUF_INIT;
		cJSON *root, *props, *req;

		schema_json_schema(&b, t);
		root = cJSON_Parse(buf_cstr(&b));
		ck_assert_msg(root != NULL, "%s: %s", t->name, buf_cstr(&b));
		props = cJSON_GetObjectItem(root, "properties");
		ck_assert_int_eq(cJSON_GetArraySize(props), (int)t->ncols);
		req = cJSON_GetObjectItem(root, "required");
		ck_assert_str_eq(cJSON_GetArrayItem(req, 0)->valuestring, t->pk[0]);
		cJSON_Delete(root);
		buf_release(&b);
	}
	{
		struct buf b = BUF_INIT;

		schema_json_schema(&b, schema_table_find("sf_contacts"));
		ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
			"\"email\":{\"type\":[\"null\",\"string\"]}"));
		ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
			"\"contact_id\":{\"type\":[\"string\"]}"));
		ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
			"\"is_primary\":{\"type\":[\"null\",\"boolean\"]}"));
		buf_release(&b);
	}
}
END_TEST

/* the SQLite DDL of every table runs, twice (IF NOT EXISTS) */
START_TEST(schema_sqlite_ddl_runs)
{
	sqlite3 *db;
	size_t i;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (i = 0; i < 2 * schema_table_count(); i++) {
		struct buf b = BUF_INIT;

		schema_sqlite_ddl(&b, schema_table_at(i % schema_table_count()));
		ck_assert_msg(sqlite3_exec(db, buf_cstr(&b), NULL, NULL, &msg) ==
			SQLITE_OK, "%s", msg ? msg : "");
		buf_release(&b);
	}
	sqlite3_close(db);
}
END_TEST

/* BigQuery DDL: partition by DATE() of a timestamp, plain DATE column as is */
START_TEST(schema_bigquery_ddl_partition)
{
	struct buf b = BUF_INIT;

	schema_bigquery_ddl(&b, schema_table_find("gmail_messages"), NULL);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "PARTITION BY DATE(sent_at)\n"
		"CLUSTER BY mailbox_email, from_email;\n"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "  to_emails ARRAY<STRING>,\n"));
	buf_reset(&b);
	schema_bigquery_ddl(&b, schema_table_find("account_recommendations"),
		"stg_");
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
		"`stg_account_recommendations`"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "PARTITION BY score_date\n"));
	buf_reset(&b);
	schema_bigquery_ddl(&b, schema_table_find("semantic_embeddings"), NULL);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "embedding ARRAY<FLOAT64>,"));
	buf_release(&b);
}
END_TEST

/* bq load JSON schema: arrays repeated, keys required */
START_TEST(schema_bigquery_json_modes)
{
	struct buf b = BUF_INIT;
	cJSON *root;

	schema_bigquery_json(&b, schema_table_find("gmail_messages"));
	root = cJSON_Parse(buf_cstr(&b));
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(root, 0),
		"mode")->valuestring, "REQUIRED");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(root, 4),
		"mode")->valuestring, "REPEATED");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(root, 11),
		"type")->valuestring, "FLOAT");
	cJSON_Delete(root);
	buf_release(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, schema_table_find_known);
	tcase_add_test(tc, schema_column_find_seed_types);
	tcase_add_test(tc, schema_column_find_flags);
	tcase_add_test(tc, schema_table_at_invariants);
	tcase_add_test(tc, schema_json_schema_valid);
	tcase_add_test(tc, schema_sqlite_ddl_runs);
	tcase_add_test(tc, schema_bigquery_ddl_partition);
	tcase_add_test(tc, schema_bigquery_json_modes);
	suite_add_tcase(s, tc);
	return s;
}
