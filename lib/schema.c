/*
 * schema.c: the warehouse tables (see schema.h), and the DDL and JSON
 * schemas derived from them.
 *
 * The columns of shared/seed-schema.md come first, with their BigQuery
 * types, then the columns this suite added (DESIGN.md section 3), then the
 * metadata columns.  Append only: never reorder or retype a column here.
 */
#include <stdint.h>
#include <string.h>

#include "schema.h"
#include "banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define C(name, type, flags) { name, COL_##type, flags }
#define REQ COL_REQUIRED
#define EMAIL COL_EMAIL
#define ELIST COL_EMAIL_LIST
#define PHONE COL_PHONE
#define EPOCH COL_EPOCH_MS
#define COUNTRY COL_COUNTRY

/* Metadata every table ends with (ingested_at is in some seed tables already). */
#define INGESTED C("ingested_at", TIMESTAMP, 0)
#define SDC C("_sdc_extracted_at", TIMESTAMP, 0), \
	C("_sdc_deleted_at", TIMESTAMP, 0)
/* Salesforce audit columns, on every sf_* table where the seed lacks them. */
#define SF_MODSTAMP C("system_modstamp", TIMESTAMP, 0)

static const struct schema_column gmail_messages_cols[] = {
	C("message_id", STRING, REQ),
	C("thread_id", STRING, 0),
	C("mailbox_email", STRING, REQ | EMAIL),
	C("from_email", STRING, EMAIL),
	C("to_emails", STRING_ARRAY, ELIST),
	C("cc_emails", STRING_ARRAY, ELIST),
	C("subject", STRING, 0),
	C("body_text", STRING, 0),
	C("body_html", STRING, 0),
	C("sent_at", TIMESTAMP, EPOCH),
	C("labels", STRING_ARRAY, 0),
	C("embedding", FLOAT_ARRAY, 0),
	INGESTED,
	C("history_id", STRING, 0),
	C("internal_date", TIMESTAMP, EPOCH),
	C("message_id_header", STRING, 0),
	C("in_reply_to", STRING, 0),
	C("references_header", STRING, 0),
	C("size_estimate", INTEGER, 0),
	C("bcc_emails", STRING_ARRAY, ELIST),
	SDC,
};

static const struct schema_column gmail_participants_cols[] = {
	C("participant_id", STRING, REQ),
	C("message_id", STRING, REQ),
	C("email_address", STRING, REQ | EMAIL),
	C("role", STRING, REQ),
	C("sf_contact_id", STRING, 0),
	C("sf_account_id", STRING, 0),
	C("match_confidence", STRING, 0),
	C("display_name", STRING, 0),
	C("sf_lead_id", STRING, 0),
	C("match_method", STRING, 0),
	C("confidence_score", FLOAT, 0),
	C("is_internal", BOOLEAN, 0),
	C("mailbox_email", STRING, EMAIL),
	C("sent_at", TIMESTAMP, EPOCH),
	INGESTED,
	SDC,
};

static const struct schema_column gmail_sync_state_cols[] = {
	C("mailbox_email", STRING, REQ | EMAIL),
	C("last_history_id", STRING, 0),
	C("last_sync_at", TIMESTAMP, 0),
	C("sync_type", STRING, 0),
	C("updated_at", TIMESTAMP, 0),
	INGESTED,
	SDC,
};

static const struct schema_column sf_accounts_cols[] = {
	C("account_id", STRING, REQ),
	C("account_name", STRING, 0),
	C("website", STRING, 0),
	C("domain", STRING, 0),
	C("industry", STRING, 0),
	C("annual_revenue", FLOAT, 0),
	C("owner_id", STRING, 0),
	C("created_date", TIMESTAMP, 0),
	C("last_modified_date", TIMESTAMP, 0),
	INGESTED,
	C("phone", STRING, PHONE),
	SF_MODSTAMP,
	C("parent_account_id", STRING, 0),
	C("billing_country", STRING, COUNTRY),
	SDC,
};

static const struct schema_column sf_contacts_cols[] = {
	C("contact_id", STRING, REQ),
	C("account_id", STRING, 0),
	C("first_name", STRING, 0),
	C("last_name", STRING, 0),
	C("email", STRING, EMAIL),
	C("phone", STRING, PHONE),
	C("mobile_phone", STRING, PHONE),
	C("title", STRING, 0),
	C("is_primary", BOOLEAN, 0),
	INGESTED,
	C("owner_id", STRING, 0),
	SF_MODSTAMP,
	C("created_date", TIMESTAMP, 0),
	C("last_modified_date", TIMESTAMP, 0),
	C("mailing_country", STRING, COUNTRY),
	SDC,
};

static const struct schema_column sf_leads_cols[] = {
	C("lead_id", STRING, REQ),
	C("first_name", STRING, 0),
	C("last_name", STRING, 0),
	C("email", STRING, EMAIL),
	C("company", STRING, 0),
	C("phone", STRING, PHONE),
	C("title", STRING, 0),
	C("lead_source", STRING, 0),
	C("status", STRING, 0),
	C("owner_id", STRING, 0),
	C("created_by_system", BOOLEAN, 0),
	C("source_message_id", STRING, 0),
	C("created_date", TIMESTAMP, 0),
	INGESTED,
	C("mobile_phone", STRING, PHONE),
	C("is_converted", BOOLEAN, 0),
	C("converted_contact_id", STRING, 0),
	C("converted_account_id", STRING, 0),
	C("converted_date", DATE, 0),
	SF_MODSTAMP,
	C("last_modified_date", TIMESTAMP, 0),
	C("country", STRING, COUNTRY),
	SDC,
};

static const struct schema_column sf_opportunities_cols[] = {
	C("opportunity_id", STRING, REQ),
	C("account_id", STRING, 0),
	C("name", STRING, 0),
	C("stage", STRING, 0),
	C("amount", FLOAT, 0),
	C("close_date", DATE, 0),
	C("probability", FLOAT, 0),
	C("owner_id", STRING, 0),
	C("is_closed", BOOLEAN, 0),
	C("is_won", BOOLEAN, 0),
	INGESTED,
	SF_MODSTAMP,
	C("created_date", TIMESTAMP, 0),
	C("last_modified_date", TIMESTAMP, 0),
	SDC,
};

static const struct schema_column sf_activities_cols[] = {
	C("activity_id", STRING, REQ),
	C("activity_type", STRING, 0),
	C("what_id", STRING, 0),
	C("who_id", STRING, 0),
	C("subject", STRING, 0),
	C("description", STRING, 0),
	C("activity_date", TIMESTAMP, 0),
	C("owner_id", STRING, 0),
	C("matched_account_id", STRING, 0),
	INGESTED,
	SF_MODSTAMP,
	C("created_date", TIMESTAMP, 0),
	C("last_modified_date", TIMESTAMP, 0),
	C("status", STRING, 0),
	C("task_subtype", STRING, 0),
	SDC,
};

static const struct schema_column sf_email_messages_cols[] = {
	C("email_message_id", STRING, REQ),
	C("from_address", STRING, EMAIL),
	C("to_address", STRING, ELIST),
	C("cc_address", STRING, ELIST),
	C("bcc_address", STRING, ELIST),
	C("subject", STRING, 0),
	C("text_body", STRING, 0),
	C("html_body", STRING, 0),
	C("message_date", TIMESTAMP, 0),
	C("related_to_id", STRING, 0),
	C("created_date", TIMESTAMP, 0),
	C("last_modified_date", TIMESTAMP, 0),
	INGESTED,
	SF_MODSTAMP,
	C("from_name", STRING, 0),
	C("incoming", BOOLEAN, 0),
	C("status", STRING, 0),
	C("activity_id", STRING, 0),
	C("sf_contact_id", STRING, 0),
	C("sf_lead_id", STRING, 0),
	C("sf_account_id", STRING, 0),
	C("match_method", STRING, 0),
	C("match_confidence", STRING, 0),
	C("confidence_score", FLOAT, 0),
	SDC,
};

static const struct schema_column dialpad_calls_cols[] = {
	C("call_id", STRING, REQ),
	C("direction", STRING, 0),
	C("from_number", STRING, PHONE),
	C("to_number", STRING, PHONE),
	C("duration_seconds", INTEGER, 0),
	C("transcript_text", STRING, 0),
	C("sentiment_score", FLOAT, 0),
	C("call_time", TIMESTAMP, EPOCH),
	C("user_id", STRING, 0),
	C("matched_contact_id", STRING, 0),
	C("matched_account_id", STRING, 0),
	C("embedding", FLOAT_ARRAY, 0),
	INGESTED,
	C("external_number", STRING, PHONE),
	C("internal_number", STRING, PHONE),
	C("state", STRING, 0),
	C("was_recorded", BOOLEAN, 0),
	C("matched_lead_id", STRING, 0),
	C("match_method", STRING, 0),
	C("confidence_score", FLOAT, 0),
	C("match_confidence", STRING, 0),
	C("user_email", STRING, EMAIL),
	C("contact_name", STRING, 0),
	C("date_connected", TIMESTAMP, EPOCH),
	C("date_ended", TIMESTAMP, EPOCH),
	SDC,
};

static const struct schema_column dialpad_transcripts_cols[] = {
	C("transcript_id", STRING, REQ),
	C("call_id", STRING, REQ),
	C("speaker", STRING, 0),
	C("text_segment", STRING, 0),
	C("start_time_seconds", FLOAT, 0),
	C("end_time_seconds", FLOAT, 0),
	C("segment_index", INTEGER, 0),
	C("created_at", TIMESTAMP, EPOCH),
	INGESTED,
	SDC,
};

static const struct schema_column account_recommendations_cols[] = {
	C("recommendation_id", STRING, REQ),
	C("account_id", STRING, REQ),
	C("score_date", DATE, REQ),
	C("priority_score", INTEGER, 0),
	C("budget_likelihood", INTEGER, 0),
	C("engagement_score", INTEGER, 0),
	C("reasoning", STRING, 0),
	C("recommended_action", STRING, 0),
	C("key_signals", STRING_ARRAY, 0),
	C("last_interaction_date", DATE, 0),
	C("created_at", TIMESTAMP, 0),
	INGESTED,
	SDC,
};

static const struct schema_column hubspot_sequences_cols[] = {
	C("sequence_id", STRING, REQ),
	C("sequence_name", STRING, 0),
	C("is_active", BOOLEAN, 0),
	C("enrollment_count", INTEGER, 0),
	C("last_synced", TIMESTAMP, EPOCH),
	C("user_id", STRING, 0),
	C("step_count", INTEGER, 0),
	C("created_at", TIMESTAMP, EPOCH),
	C("updated_at", TIMESTAMP, EPOCH),
	INGESTED,
	SDC,
};

static const struct schema_column hubspot_enrollments_cols[] = {
	C("enrollment_id", STRING, REQ),
	C("sequence_id", STRING, REQ),
	C("contact_email", STRING, REQ | EMAIL),
	C("sf_contact_id", STRING, 0),
	C("enrolled_at", TIMESTAMP, EPOCH),
	C("status", STRING, 0),
	C("created_at", TIMESTAMP, EPOCH),
	C("updated_at", TIMESTAMP, EPOCH),
	C("hubspot_contact_id", STRING, 0),
	C("sf_lead_id", STRING, 0),
	C("sf_account_id", STRING, 0),
	C("match_method", STRING, 0),
	C("match_confidence", STRING, 0),
	C("confidence_score", FLOAT, 0),
	INGESTED,
	SDC,
};

static const struct schema_column etl_runs_cols[] = {
	C("run_id", STRING, REQ),
	C("source_system", STRING, REQ),
	C("job_type", STRING, 0),
	C("started_at", TIMESTAMP, 0),
	C("completed_at", TIMESTAMP, 0),
	C("rows_processed", INTEGER, 0),
	C("rows_failed", INTEGER, 0),
	C("status", STRING, 0),
	C("error_message", STRING, 0),
	C("watermark", TIMESTAMP, 0),
	C("stream_key", STRING, 0),
	INGESTED,
	SDC,
};

static const struct schema_column manual_mappings_cols[] = {
	C("mapping_id", STRING, REQ),
	C("email_address", STRING, EMAIL),
	C("phone_number", STRING, PHONE),
	C("sf_contact_id", STRING, 0),
	C("sf_account_id", STRING, 0),
	C("created_by", STRING, 0),
	C("created_at", TIMESTAMP, 0),
	C("is_active", BOOLEAN, 0),
	C("sf_lead_id", STRING, 0),
	INGESTED,
	SDC,
};

static const struct schema_column entity_resolution_emails_cols[] = {
	C("resolution_id", STRING, REQ),
	C("email_address", STRING, REQ | EMAIL),
	C("sf_contact_id", STRING, 0),
	C("sf_account_id", STRING, 0),
	C("match_confidence", STRING, 0),
	C("match_method", STRING, 0),
	C("confidence_score", FLOAT, 0),
	C("resolved_at", TIMESTAMP, 0),
	C("last_verified_at", TIMESTAMP, 0),
	C("is_active", BOOLEAN, 0),
	C("sf_lead_id", STRING, 0),
	INGESTED,
	SDC,
};

static const struct schema_column entity_resolution_phones_cols[] = {
	C("resolution_id", STRING, REQ),
	C("phone_number", STRING, REQ | PHONE),
	C("sf_contact_id", STRING, 0),
	C("sf_account_id", STRING, 0),
	C("match_confidence", STRING, 0),
	C("match_method", STRING, 0),
	C("confidence_score", FLOAT, 0),
	C("resolved_at", TIMESTAMP, 0),
	C("last_verified_at", TIMESTAMP, 0),
	C("is_active", BOOLEAN, 0),
	C("sf_lead_id", STRING, 0),
	INGESTED,
	SDC,
};

static const struct schema_column semantic_embeddings_cols[] = {
	C("embedding_id", STRING, REQ),
	C("content_type", STRING, REQ),
	C("content_id", STRING, REQ),
	C("text_content", STRING, 0),
	C("embedding", FLOAT_ARRAY, REQ),
	C("embedding_model", STRING, 0),
	C("embedding_dimensions", INTEGER, 0),
	C("created_at", TIMESTAMP, 0),
	C("updated_at", TIMESTAMP, 0),
	INGESTED,
	SDC,
};

/* The general bookmark table: one row per stream key (see state.h). */
static const struct schema_column sync_state_cols[] = {
	C("stream", STRING, REQ),
	C("value", JSON, 0),
	C("updated_at", TIMESTAMP, 0),
	INGESTED,
	SDC,
};

#define KEY(t, ...) static const char *const t##_pk[] = { __VA_ARGS__ }
#define CLU(t, ...) static const char *const t##_cl[] = { __VA_ARGS__ }

KEY(gmail_messages, "message_id");
CLU(gmail_messages, "mailbox_email", "from_email");
KEY(gmail_participants, "participant_id");
CLU(gmail_participants, "email_address", "sf_contact_id");
KEY(gmail_sync_state, "mailbox_email");
CLU(gmail_sync_state, "mailbox_email");
KEY(sf_accounts, "account_id");
CLU(sf_accounts, "owner_id", "account_name");
KEY(sf_contacts, "contact_id");
CLU(sf_contacts, "email", "account_id");
KEY(sf_leads, "lead_id");
CLU(sf_leads, "email", "owner_id");
KEY(sf_opportunities, "opportunity_id");
CLU(sf_opportunities, "account_id", "owner_id", "stage");
KEY(sf_activities, "activity_id");
CLU(sf_activities, "what_id", "who_id", "owner_id");
KEY(sf_email_messages, "email_message_id");
CLU(sf_email_messages, "from_address", "related_to_id");
KEY(dialpad_calls, "call_id");
CLU(dialpad_calls, "user_id", "matched_account_id");
KEY(dialpad_transcripts, "transcript_id");
CLU(dialpad_transcripts, "call_id", "segment_index");
KEY(account_recommendations, "recommendation_id");
CLU(account_recommendations, "account_id", "priority_score");
KEY(hubspot_sequences, "sequence_id");
KEY(hubspot_enrollments, "enrollment_id");
CLU(hubspot_enrollments, "sequence_id", "contact_email");
KEY(etl_runs, "run_id");
CLU(etl_runs, "source_system", "status");
KEY(manual_mappings, "mapping_id");
CLU(manual_mappings, "email_address", "phone_number");
KEY(entity_resolution_emails, "resolution_id");
CLU(entity_resolution_emails, "email_address", "sf_contact_id");
KEY(entity_resolution_phones, "resolution_id");
CLU(entity_resolution_phones, "phone_number", "sf_contact_id");
KEY(semantic_embeddings, "embedding_id");
CLU(semantic_embeddings, "content_type", "content_id");
KEY(sync_state, "stream");

#define T(t, part) { #t, t##_cols, N(t##_cols), t##_pk, N(t##_pk), part, \
	t##_cl, N(t##_cl) }
#define T_NOCLUSTER(t, part) { #t, t##_cols, N(t##_cols), t##_pk, N(t##_pk), \
	part, NULL, 0 }

static const struct schema_table tables[] = {
	T(gmail_messages, "sent_at"),
	T(gmail_participants, NULL),
	T(gmail_sync_state, NULL),
	T(sf_accounts, NULL),
	T(sf_contacts, NULL),
	T(sf_leads, NULL),
	T(sf_opportunities, NULL),
	T(sf_activities, "activity_date"),
	T(sf_email_messages, "message_date"),
	T(dialpad_calls, "call_time"),
	T(dialpad_transcripts, NULL),
	T(account_recommendations, "score_date"),
	T_NOCLUSTER(hubspot_sequences, NULL),
	T(hubspot_enrollments, NULL),
	T(etl_runs, "started_at"),
	T(manual_mappings, NULL),
	T(entity_resolution_emails, NULL),
	T(entity_resolution_phones, NULL),
	T(semantic_embeddings, NULL),
	T_NOCLUSTER(sync_state, NULL),
};

size_t
schema_table_count(void)
{
	return N(tables);
}

const struct schema_table *
schema_table_at(size_t i)
{
	return i < N(tables) ? &tables[i] : NULL;
}

size_t
schema_table_index(const struct schema_table *t)
{
	uintptr_t a = (uintptr_t)t, b = (uintptr_t)tables;

	if (a < b || (a - b) % sizeof(tables[0]) != 0 ||
	    (a - b) / sizeof(tables[0]) >= N(tables))
		return N(tables);
	return (a - b) / sizeof(tables[0]);
}

const struct schema_table *
schema_table_findn(const char *name, size_t n)
{
	size_t i;

	if (n == 0)
		return NULL;
	for (i = 0; i < N(tables); i++)
		if (tables[i].name[0] == name[0] &&
		    strncmp(tables[i].name, name, n) == 0 &&
		    tables[i].name[n] == '\0')
			return &tables[i];
	return NULL;
}

const struct schema_table *
schema_table_find(const char *name)
{
	return schema_table_findn(name, strlen(name));
}

int
schema_column_indexn(const struct schema_table *t, const char *name, size_t n)
{
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].name[0] == name[0] &&
		    strncmp(t->cols[i].name, name, n) == 0 &&
		    t->cols[i].name[n] == '\0')
			return (int)i;
	return -1;
}

int
schema_column_index(const struct schema_table *t, const char *name)
{
	return schema_column_indexn(t, name, strlen(name));
}

const struct schema_column *
schema_column_find(const struct schema_table *t, const char *name)
{
	int i = schema_column_index(t, name);

	return i < 0 ? NULL : &t->cols[i];
}

int
schema_column_is_pk(const struct schema_table *t, const struct schema_column *c)
{
	size_t i;

	for (i = 0; i < t->npk; i++)
		if (strcmp(t->pk[i], c->name) == 0)
			return 1;
	return 0;
}

const char *
schema_type_bigquery(enum col_type type)
{
	switch (type) {
	case COL_STRING: return "STRING";
	case COL_INTEGER: return "INTEGER";
	case COL_FLOAT: return "FLOAT64";
	case COL_BOOLEAN: return "BOOLEAN";
	case COL_TIMESTAMP: return "TIMESTAMP";
	case COL_DATE: return "DATE";
	case COL_STRING_ARRAY: return "ARRAY<STRING>";
	case COL_FLOAT_ARRAY: return "ARRAY<FLOAT64>";
	case COL_JSON: return "JSON";
	}
	return "STRING";
}

const char *
schema_type_sqlite(enum col_type type)
{
	switch (type) {
	case COL_INTEGER:
	case COL_BOOLEAN:
		return "INTEGER";
	case COL_FLOAT:
		return "REAL";
	default:
		return "TEXT";
	}
}

/* The type of `bq load` JSON schemas (legacy names) and whether it repeats. */
static const char *
bq_json_type(enum col_type type, int *repeated)
{
	*repeated = 0;
	switch (type) {
	case COL_STRING: return "STRING";
	case COL_INTEGER: return "INTEGER";
	case COL_FLOAT: return "FLOAT";
	case COL_BOOLEAN: return "BOOLEAN";
	case COL_TIMESTAMP: return "TIMESTAMP";
	case COL_DATE: return "DATE";
	case COL_STRING_ARRAY: *repeated = 1; return "STRING";
	case COL_FLOAT_ARRAY: *repeated = 1; return "FLOAT";
	case COL_JSON: return "JSON";
	}
	return "STRING";
}

/* Column and table names are plain identifiers: no JSON escaping needed. */
void
schema_json_schema(struct buf *out, const struct schema_table *t)
{
	size_t i;
	int first;

	buf_addstr(out, "{\"type\":\"object\",\"properties\":{");
	for (i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		int req = (c->flags & COL_REQUIRED) != 0;
		const char *nul = req ? "" : "\"null\",";

		buf_printf(out, "%s\"%s\":", i ? "," : "", c->name);
		switch (c->type) {
		case COL_STRING:
			buf_printf(out, "{\"type\":[%s\"string\"]}", nul);
			break;
		case COL_INTEGER:
			buf_printf(out, "{\"type\":[%s\"integer\"]}", nul);
			break;
		case COL_FLOAT:
			buf_printf(out, "{\"type\":[%s\"number\"]}", nul);
			break;
		case COL_BOOLEAN:
			buf_printf(out, "{\"type\":[%s\"boolean\"]}", nul);
			break;
		case COL_TIMESTAMP:
			if (c->flags & COL_EPOCH_MS)
				buf_printf(out, "{\"anyOf\":[{\"type\":\"string\","
					"\"format\":\"date-time\"},"
					"{\"type\":\"integer\"}%s]}",
					req ? "" : ",{\"type\":\"null\"}");
			else
				buf_printf(out, "{\"type\":[%s\"string\"],"
					"\"format\":\"date-time\"}", nul);
			break;
		case COL_DATE:
			buf_printf(out, "{\"type\":[%s\"string\"],"
				"\"format\":\"date\"}", nul);
			break;
		case COL_STRING_ARRAY:
			buf_printf(out, "{\"type\":[%s\"array\"],"
				"\"items\":{\"type\":\"string\"}}", nul);
			break;
		case COL_FLOAT_ARRAY:
			buf_printf(out, "{\"type\":[%s\"array\"],"
				"\"items\":{\"type\":\"number\"}}", nul);
			break;
		case COL_JSON:
			buf_addstr(out, "{}");
			break;
		}
	}
	buf_addstr(out, "},\"required\":[");
	first = 1;
	for (i = 0; i < t->ncols; i++) {
		if (!(t->cols[i].flags & COL_REQUIRED))
			continue;
		buf_printf(out, "%s\"%s\"", first ? "" : ",", t->cols[i].name);
		first = 0;
	}
	buf_addstr(out, "],\"additionalProperties\":false}");
}

static void
add_name_list(struct buf *out, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(out, "%s%s", i ? ", " : "", names[i]);
}

void
schema_sqlite_index_ddl(struct buf *out, const struct schema_table *t)
{
	if (t->ncluster == 0)
		return;
	buf_printf(out, "CREATE INDEX IF NOT EXISTS %s__cluster ON %s (",
		t->name, t->name);
	add_name_list(out, t->cluster, t->ncluster);
	buf_addstr(out, ");\n");
}

void
schema_sqlite_ddl(struct buf *out, const struct schema_table *t)
{
	size_t i;

	buf_printf(out, "CREATE TABLE IF NOT EXISTS %s (\n", t->name);
	for (i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];

		buf_printf(out, "\t%s %s%s,\n", c->name,
			schema_type_sqlite(c->type),
			c->flags & COL_REQUIRED ? " NOT NULL" : "");
	}
	buf_addstr(out, "\tPRIMARY KEY (");
	add_name_list(out, t->pk, t->npk);
	buf_addstr(out, ")\n);\n");
	schema_sqlite_index_ddl(out, t);
}

void
schema_bigquery_ddl(struct buf *out, const struct schema_table *t,
	const char *prefix)
{
	size_t i;
	const struct schema_column *part;

	buf_printf(out, "CREATE TABLE IF NOT EXISTS `%s%s` (\n",
		prefix ? prefix : "", t->name);
	for (i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		/* BigQuery arrays are never NULL (a NULL array is empty), and
		 * it rejects NOT NULL on them. */
		int notnull = (c->flags & COL_REQUIRED) &&
			c->type != COL_STRING_ARRAY && c->type != COL_FLOAT_ARRAY;

		buf_printf(out, "  %s %s%s,\n", c->name,
			schema_type_bigquery(c->type), notnull ? " NOT NULL" : "");
	}
	buf_addstr(out, "  PRIMARY KEY (");
	add_name_list(out, t->pk, t->npk);
	buf_addstr(out, ") NOT ENFORCED\n)");
	if (t->partition_col) {
		part = schema_column_find(t, t->partition_col);
		if (part && part->type == COL_DATE)
			buf_printf(out, "\nPARTITION BY %s", t->partition_col);
		else
			buf_printf(out, "\nPARTITION BY DATE(%s)", t->partition_col);
	}
	if (t->ncluster) {
		buf_addstr(out, "\nCLUSTER BY ");
		add_name_list(out, t->cluster, t->ncluster);
	}
	buf_addstr(out, ";\n");
}

void
schema_bigquery_json(struct buf *out, const struct schema_table *t)
{
	size_t i;

	buf_addstr(out, "[\n");
	for (i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		int rep;
		const char *type = bq_json_type(c->type, &rep);
		const char *mode = rep ? "REPEATED" :
			(c->flags & COL_REQUIRED) ? "REQUIRED" : "NULLABLE";

		buf_printf(out, "  {\"name\": \"%s\", \"type\": \"%s\", "
			"\"mode\": \"%s\"}%s\n", c->name, type, mode,
			i + 1 < t->ncols ? "," : "");
	}
	buf_addstr(out, "]\n");
}
