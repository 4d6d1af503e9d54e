#include "sf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csv.h"
#include "hash.h"
#include "schema.h"
#include "singer.h"
#include "state.h"
#include "ts.h"
#include "banned.h"

/* --- the mapping --- */

enum sf_conv {
	CV_STR,         /* string */
	CV_NUM,         /* exact number text */
	CV_BOOL,
	CV_TS,          /* datetime -> YYYY-MM-DDTHH:MM:SS.sssZ */
	CV_DATE,        /* date -> YYYY-MM-DD */
	CV_DATE_TS,     /* date -> its midnight as a timestamp */
	CV_DOMAIN,      /* the domain of a Website */
	CV_CONST        /* field is the value itself */
};

struct sf_col {
	const char *column;
	const char *field;
	enum sf_conv conv;
	const char *field2;     /* used when field is null or missing */
	enum sf_conv conv2;
	int custom;             /* a custom field many orgs lack: no warning */
};

struct sf_object {
	const char *name;
	const char *stream;
	const struct sf_col *cols;
	size_t ncols;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct sf_col account_cols[] = {
	{ "account_id", "Id", CV_STR, 0, 0 },
	{ "account_name", "Name", CV_STR, 0, 0 },
	{ "website", "Website", CV_STR, 0, 0 },
	{ "domain", "Website", CV_DOMAIN, 0, 0 },
	{ "industry", "Industry", CV_STR, 0, 0 },
	{ "annual_revenue", "AnnualRevenue", CV_NUM, 0, 0 },
	{ "owner_id", "OwnerId", CV_STR, 0, 0 },
	{ "created_date", "CreatedDate", CV_TS, 0, 0 },
	{ "last_modified_date", "LastModifiedDate", CV_TS, 0, 0 },
	{ "phone", "Phone", CV_STR, 0, 0 },
	{ "system_modstamp", "SystemModstamp", CV_TS, 0, 0 },
	{ "parent_account_id", "ParentId", CV_STR, 0, 0 },
	{ "billing_country", "BillingCountry", CV_STR, 0, 0 },
};

static const struct sf_col contact_cols[] = {
	{ "contact_id", "Id", CV_STR, 0, 0 },
	{ "account_id", "AccountId", CV_STR, 0, 0 },
	{ "first_name", "FirstName", CV_STR, 0, 0 },
	{ "last_name", "LastName", CV_STR, 0, 0 },
	{ "email", "Email", CV_STR, 0, 0 },
	{ "phone", "Phone", CV_STR, 0, 0 },
	{ "mobile_phone", "MobilePhone", CV_STR, 0, 0 },
	{ "title", "Title", CV_STR, 0, 0 },
	{ "owner_id", "OwnerId", CV_STR, 0, 0 },
	{ "system_modstamp", "SystemModstamp", CV_TS, 0, 0 },
	{ "created_date", "CreatedDate", CV_TS, 0, 0 },
	{ "last_modified_date", "LastModifiedDate", CV_TS, 0, 0 },
	{ "mailing_country", "MailingCountry", CV_STR, 0, 0 },
};

static const struct sf_col lead_cols[] = {
	{ "lead_id", "Id", CV_STR, 0, 0 },
	{ "first_name", "FirstName", CV_STR, 0, 0 },
	{ "last_name", "LastName", CV_STR, 0, 0 },
	{ "email", "Email", CV_STR, 0, 0 },
	{ "company", "Company", CV_STR, 0, 0 },
	{ "phone", "Phone", CV_STR, 0, 0 },
	{ "title", "Title", CV_STR, 0, 0 },
	{ "lead_source", "LeadSource", CV_STR, 0, 0 },
	{ "status", "Status", CV_STR, 0, 0 },
	{ "owner_id", "OwnerId", CV_STR, 0, 0 },
	/* set by sf-push on the leads it creates */
	{ "created_by_system", "Created_By_System__c", CV_BOOL, 0, 0, 1 },
	{ "source_message_id", "Source_Message_Id__c", CV_STR, 0, 0, 1 },
	{ "created_date", "CreatedDate", CV_TS, 0, 0 },
	{ "mobile_phone", "MobilePhone", CV_STR, 0, 0 },
	{ "is_converted", "IsConverted", CV_BOOL, 0, 0 },
	{ "converted_contact_id", "ConvertedContactId", CV_STR, 0, 0 },
	{ "converted_account_id", "ConvertedAccountId", CV_STR, 0, 0 },
	{ "converted_date", "ConvertedDate", CV_DATE, 0, 0 },
	{ "system_modstamp", "SystemModstamp", CV_TS, 0, 0 },
	{ "last_modified_date", "LastModifiedDate", CV_TS, 0, 0 },
	{ "country", "Country", CV_STR, 0, 0 },
};

static const struct sf_col opportunity_cols[] = {
	{ "opportunity_id", "Id", CV_STR, 0, 0 },
	{ "account_id", "AccountId", CV_STR, 0, 0 },
	{ "name", "Name", CV_STR, 0, 0 },
	{ "stage", "StageName", CV_STR, 0, 0 },
	{ "amount", "Amount", CV_NUM, 0, 0 },
	{ "close_date", "CloseDate", CV_DATE, 0, 0 },
	{ "probability", "Probability", CV_NUM, 0, 0 },
	{ "owner_id", "OwnerId", CV_STR, 0, 0 },
	{ "is_closed", "IsClosed", CV_BOOL, 0, 0 },
	{ "is_won", "IsWon", CV_BOOL, 0, 0 },
	{ "system_modstamp", "SystemModstamp", CV_TS, 0, 0 },
	{ "created_date", "CreatedDate", CV_TS, 0, 0 },
	{ "last_modified_date", "LastModifiedDate", CV_TS, 0, 0 },
};

static const struct sf_col task_cols[] = {
	{ "activity_id", "Id", CV_STR, 0, 0 },
	{ "activity_type", "Task", CV_CONST, 0, 0 },
	{ "what_id", "WhatId", CV_STR, 0, 0 },
	{ "who_id", "WhoId", CV_STR, 0, 0 },
	{ "subject", "Subject", CV_STR, 0, 0 },
	{ "description", "Description", CV_STR, 0, 0 },
	{ "activity_date", "ActivityDate", CV_DATE_TS, "CompletedDateTime", CV_TS },
	{ "owner_id", "OwnerId", CV_STR, 0, 0 },
	{ "matched_account_id", "AccountId", CV_STR, 0, 0 },
	{ "system_modstamp", "SystemModstamp", CV_TS, 0, 0 },
	{ "created_date", "CreatedDate", CV_TS, 0, 0 },
	{ "last_modified_date", "LastModifiedDate", CV_TS, 0, 0 },
	{ "status", "Status", CV_STR, 0, 0 },
	{ "task_subtype", "TaskSubtype", CV_STR, 0, 0 },
};

static const struct sf_col event_cols[] = {
	{ "activity_id", "Id", CV_STR, 0, 0 },
	{ "activity_type", "Event", CV_CONST, 0, 0 },
	{ "what_id", "WhatId", CV_STR, 0, 0 },
	{ "who_id", "WhoId", CV_STR, 0, 0 },
	{ "subject", "Subject", CV_STR, 0, 0 },
	{ "description", "Description", CV_STR, 0, 0 },
	{ "activity_date", "ActivityDateTime", CV_TS, "ActivityDate", CV_DATE_TS },
	{ "owner_id", "OwnerId", CV_STR, 0, 0 },
	{ "matched_account_id", "AccountId", CV_STR, 0, 0 },
	{ "system_modstamp", "SystemModstamp", CV_TS, 0, 0 },
	{ "created_date", "CreatedDate", CV_TS, 0, 0 },
	{ "last_modified_date", "LastModifiedDate", CV_TS, 0, 0 },
	{ "task_subtype", "EventSubtype", CV_STR, 0, 0 },
};

static const struct sf_col email_cols[] = {
	{ "email_message_id", "Id", CV_STR, 0, 0 },
	{ "from_address", "FromAddress", CV_STR, 0, 0 },
	{ "to_address", "ToAddress", CV_STR, 0, 0 },
	{ "cc_address", "CcAddress", CV_STR, 0, 0 },
	{ "bcc_address", "BccAddress", CV_STR, 0, 0 },
	{ "subject", "Subject", CV_STR, 0, 0 },
	{ "text_body", "TextBody", CV_STR, 0, 0 },
	{ "html_body", "HtmlBody", CV_STR, 0, 0 },
	{ "message_date", "MessageDate", CV_TS, 0, 0 },
	{ "related_to_id", "RelatedToId", CV_STR, 0, 0 },
	{ "created_date", "CreatedDate", CV_TS, 0, 0 },
	{ "last_modified_date", "LastModifiedDate", CV_TS, 0, 0 },
	{ "system_modstamp", "SystemModstamp", CV_TS, 0, 0 },
	{ "from_name", "FromName", CV_STR, 0, 0 },
	{ "incoming", "Incoming", CV_BOOL, 0, 0 },
	{ "status", "Status", CV_STR, 0, 0 },
	{ "activity_id", "ActivityId", CV_STR, 0, 0 },
};

static const struct sf_object objects[] = {
	{ "Account", "sf_accounts", account_cols, N(account_cols) },
	{ "Contact", "sf_contacts", contact_cols, N(contact_cols) },
	{ "Lead", "sf_leads", lead_cols, N(lead_cols) },
	{ "Opportunity", "sf_opportunities", opportunity_cols, N(opportunity_cols) },
	{ "Task", "sf_activities", task_cols, N(task_cols) },
	{ "Event", "sf_activities", event_cols, N(event_cols) },
	{ "EmailMessage", "sf_email_messages", email_cols, N(email_cols) },
};

static const char *const all_objects[] = {
	"Account", "Contact", "Lead", "Opportunity", "Task", "Event", "EmailMessage", NULL };

static const struct sf_object *
object_find(const char *name)
{
	size_t i;

	for (i = 0; i < N(objects); i++)
		if (strcasecmp(objects[i].name, name) == 0)
			return &objects[i];
	return NULL;
}

const char *
sf_object_name(const char *name)
{
	const struct sf_object *ob = object_find(name);

	return ob ? ob->name : NULL;
}

const char *const *
sf_all_objects(void)
{
	return all_objects;
}

const char *
sf_object_stream(const char *object)
{
	const struct sf_object *ob = object_find(object);

	return ob ? ob->stream : NULL;
}

void
sf_opts_init(struct sf_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->api_version = "v62.0";
	o->bulk_threshold = 100000;
	o->lookback_s = 300;
	o->max_api_share = 0.8;
	o->max_run_share = 0.25;
	o->batch_size = 2000;
	o->bulk_chunk = 50000;
	o->bulk_wait_s = 3600;
	o->deleted_sweep = 1;
}

/* --- small pieces --- */

int
sf_parse_limit_info(const char *v, long *used, long *max)
{
	const char *p = v;

	while ((p = strstr(p, "api-usage=")) != NULL) {
		if (p == v || p[-1] == ';' || p[-1] == ' ' || p[-1] == ',') {
			char *end;

			*used = strtol(p + 10, &end, 10);
			if (end != p + 10 && *end == '/') {
				const char *m = end + 1;

				*max = strtol(m, &end, 10);
				if (end != m && *max > 0)
					return 0;
			}
		}
		p += 10;
	}
	return -1;
}

void
sf_website_domain(struct buf *out, const char *w, size_t n)
{
	const char *p = w, *end = w + n, *h, *he, *at;

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	for (h = p; h + 2 < end; h++) {
		if (h[0] == ':' && h[1] == '/' && h[2] == '/') {
			p = h + 3;
			break;
		}
		if (!isalnum((unsigned char)*h) && *h != '+' && *h != '-' && *h != '.')
			break;
	}
	he = p;
	while (he < end && *he != '/' && *he != '?' && *he != '#')
		he++;
	at = memchr(p, '@', (size_t)(he - p));
	if (at)
		p = at + 1;
	h = p;
	while (h < he && *h != ':')
		h++;
	he = h;
	while (he > p && he[-1] == '.')
		he--;
	if (he - p > 4 && strncasecmp(p, "www.", 4) == 0 &&
	    memchr(p + 4, '.', (size_t)(he - p - 4)) != NULL)
		p += 4;
	if (he <= p || memchr(p, '.', (size_t)(he - p)) == NULL)
		return;
	for (h = p; h < he; h++) {
		unsigned char ch = (unsigned char)*h;

		if (ch <= ' ' || ch == '"' || ch == '\\')
			return;
	}
	for (h = p; h < he; h++)
		buf_addch(out, tolower((unsigned char)*h));
}

void
sf_soql_datetime(struct buf *out, int64_t ms)
{
	struct buf t = BUF_INIT;

	if (ms < 0)
		ms = 0;
	ts_format(&t, ms);
	buf_add(out, t.data, 19);
	buf_addch(out, 'Z');
	buf_release(&t);
}

/* --- a pull --- */

enum v_kind { V_NULL, V_STR, V_NUM, V_BOOL };

struct val {
	enum v_kind k;
	const char *s;
	size_t n;
	int b;
};

/* A field of the SELECT list. */
struct sel {
	char *name;             /* describe's spelling */
	enum v_kind csv_kind;   /* how a Bulk CSV text is typed */
};

struct pull {
	struct http_client *c;
	struct oauth_sf *auth;
	const struct sf_opts *o;
	struct json_doc *sdoc;
	struct json *state;
	const struct sf_object *ob;
	struct buf key;          /* bookmark key */
	struct buf base;         /* instance_url + /services/data/vNN.N */
	/* describe */
	char **dnames;
	char **dtypes;
	size_t nd;
	/* the SELECT list; colsel[i]/colsel2[i]: index into sels or -1 */
	struct sel *sels;
	size_t nsels;
	int *colsel, *colsel2;
	int sel_deleted, sel_modstamp, sel_id;
	/* progress */
	int64_t bookmark;        /* stream bookmark (ms), -1 none */
	int64_t old_bookmark;
	int64_t del_through;     /* deletions swept up to here (ms), -1 none */
	long swept;              /* deletions the sweep reported */
	int out_failed;          /* an emit failed (the output is gone) */
	int64_t win_end;         /* E */
	long rows;
	long deleted;
	int used_bulk;
	long usage0;             /* api usage at the first response, -1 unknown */
	int guard_hit;
	struct buf line;
	struct buf tmp;
	struct buf extracted;    /* the run's time_extracted text */
	struct json_doc page;
	const char *streams_done[16];
	size_t nstreams_done;
};

static void
warnf(struct pull *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
warnf(struct pull *p, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (!p->o->warn)
		return;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	p->o->warn(buf_cstr(&b), p->o->ctx);
	buf_release(&b);
}

static void debugf(struct pull *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
debugf(struct pull *p, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (!p->o->debug)
		return;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	p->o->debug(buf_cstr(&b), p->o->ctx);
	buf_release(&b);
}

static int
emit(struct pull *p, struct buf *line, struct err *e)
{
	int rc;

	buf_addch(line, '\n');
	if (buf_failed(line))
		return err_set(e, EX_SOFTWARE, "output line too large");
	rc = p->o->emit(line->data, line->len, p->o->ctx);
	buf_reset(line);
	if (rc) {
		p->out_failed = 1;
		return err_set(e, rc, "write error");
	}
	return 0;
}

/* Write s[0..n) as a JSON string, leaving out NUL bytes (Bulk CSV and REST
 * both can carry them; SQLite text cannot). */
static void
write_str(struct buf *out, const char *s, size_t n)
{
	if (memchr(s, '\0', n) == NULL) {
		json_write_str(out, s, n);
		return;
	}
	{
		struct buf t = BUF_INIT;
		size_t i;

		for (i = 0; i < n; i++)
			if (s[i])
				buf_addch(&t, s[i]);
		json_write_str(out, t.data ? t.data : "", t.len);
		buf_release(&t);
	}
}

static void
write_ts(struct buf *out, int64_t ms)
{
	buf_addch(out, '"');
	ts_format(out, ms);
	buf_addch(out, '"');
}

/* Convert v by conv into out; returns 0, or -1 when it was written as null
 * although a value was there (bad value). */
static int
write_val(struct buf *out, enum sf_conv conv, const struct val *v)
{
	int64_t ms;

	if (v->k == V_NULL) {
		buf_addstr(out, "null");
		return 0;
	}
	switch (conv) {
	case CV_STR:
		if (v->k == V_BOOL)
			json_write_str(out, v->b ? "true" : "false", v->b ? 4 : 5);
		else
			write_str(out, v->s, v->n);
		return 0;
	case CV_NUM:
		if ((v->k == V_NUM || v->k == V_STR) && json_number_valid(v->s, v->n)) {
			buf_add(out, v->s, v->n);
			return 0;
		}
		break;
	case CV_BOOL:
		if (v->k == V_BOOL) {
			buf_addstr(out, v->b ? "true" : "false");
			return 0;
		}
		if (v->k == V_STR && (strcasecmp(v->s, "true") == 0 ||
		    strcasecmp(v->s, "false") == 0)) {
			buf_addstr(out, (v->s[0] | 0x20) == 't' ? "true" : "false");
			return 0;
		}
		break;
	case CV_TS:
	case CV_DATE_TS:
		if (v->k == V_STR && ts_parse(v->s, v->n, &ms) == 0) {
			write_ts(out, ms);
			return 0;
		}
		break;
	case CV_DATE:
		if (v->k == V_STR && ts_parse(v->s, v->n, &ms) == 0) {
			buf_addch(out, '"');
			ts_format_date(out, ms);
			buf_addch(out, '"');
			return 0;
		}
		break;
	case CV_DOMAIN: {
		struct buf d = BUF_INIT;

		if (v->k == V_STR)
			sf_website_domain(&d, v->s, v->n);
		if (d.len)
			json_write_str(out, d.data, d.len);
		else
			buf_addstr(out, "null");
		buf_release(&d);
		return 0;
	}
	case CV_CONST:
		break;
	}
	buf_addstr(out, "null");
	return -1;
}

/* --- the row accessors --- */

struct row {
	const struct json *rec;          /* REST */
	struct csv_reader *csv;          /* Bulk */
	const int *csvcol;               /* sel index -> CSV column, -1 */
};

static void
row_get(const struct pull *p, const struct row *r, int si, struct val *v)
{
	v->k = V_NULL;
	v->s = "";
	v->n = 0;
	v->b = 0;
	if (si < 0)
		return;
	if (r->rec) {
		const char *name = p->sels[si].name;
		const struct json *m;

		for (m = r->rec->child; m; m = m->next)
			if (m->key && strcasecmp(m->key, name) == 0)
				break;
		if (!m)
			return;
		switch (m->type) {
		case JSON_STRING:
			v->k = V_STR;
			v->s = m->s;
			v->n = m->n;
			break;
		case JSON_NUMBER:
			v->k = V_NUM;
			v->s = m->s;
			v->n = m->n;
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			v->k = V_BOOL;
			v->b = m->type == JSON_TRUE;
			break;
		default:
			break;
		}
		return;
	}
	if (r->csv && r->csvcol[si] >= 0 && (size_t)r->csvcol[si] < r->csv->n) {
		size_t n;
		const char *s = csv_field(r->csv, (size_t)r->csvcol[si], &n);

		if (n == 0)
			return;         /* Bulk: null and "" are one thing */
		v->s = s;
		v->n = n;
		v->k = p->sels[si].csv_kind;
		if (v->k == V_BOOL) {
			if (strcasecmp(s, "true") == 0)
				v->b = 1;
			else if (strcasecmp(s, "false") == 0)
				v->b = 0;
			else
				v->k = V_STR;
		}
	}
}

static int
write_schema_once(struct pull *p, const char *stream, const char *bookmark_prop,
	struct err *e)
{
	const struct schema_table *t = schema_table_find(stream);
	size_t i;

	for (i = 0; i < p->nstreams_done; i++)
		if (strcmp(p->streams_done[i], stream) == 0)
			return 0;
	if (!t)
		return 0;
	if (p->nstreams_done < 16)
		p->streams_done[p->nstreams_done++] = stream;
	singer_write_schema(&p->line, t, &bookmark_prop, bookmark_prop ? 1 : 0);
	return emit(p, &p->line, e);
}

/* One RECORD from a row; updates the bookmark and counters. */
static int
write_record(struct pull *p, const struct row *r, struct err *e)
{
	const struct sf_object *ob = p->ob;
	struct buf *l = &p->line;
	struct val v, dv;
	int64_t mod = -1;
	size_t i;
	int first = 1;

	buf_addstr(l, "{\"type\":\"RECORD\",\"stream\":");
	json_write_str(l, ob->stream, strlen(ob->stream));
	buf_addstr(l, ",\"record\":{");
	for (i = 0; i < ob->ncols; i++) {
		const struct sf_col *col = &ob->cols[i];

		if (col->conv != CV_CONST && p->colsel[i] < 0 && p->colsel2[i] < 0)
			continue;       /* the field is not in this org */
		if (!first)
			buf_addch(l, ',');
		first = 0;
		json_write_str(l, col->column, strlen(col->column));
		buf_addch(l, ':');
		if (col->conv == CV_CONST) {
			json_write_str(l, col->field, strlen(col->field));
			continue;
		}
		row_get(p, r, p->colsel[i], &v);
		if (v.k == V_NULL && p->colsel2[i] >= 0) {
			row_get(p, r, p->colsel2[i], &v);
			write_val(l, col->conv2, &v);
		} else
			write_val(l, col->conv, &v);
	}
	row_get(p, r, p->sel_modstamp, &v);
	if (v.k == V_STR)
		ts_parse(v.s, v.n, &mod);
	row_get(p, r, p->sel_deleted, &dv);
	buf_addstr(l, ",\"_sdc_extracted_at\":");
	buf_add(l, p->extracted.data, p->extracted.len);
	buf_addstr(l, ",\"_sdc_deleted_at\":");
	if ((dv.k == V_BOOL && dv.b) || (dv.k == V_STR && strcasecmp(dv.s, "true") == 0)) {
		if (mod >= 0)
			write_ts(l, mod);
		else
			buf_add(l, p->extracted.data, p->extracted.len);
		p->deleted++;
	} else
		buf_addstr(l, "null");
	buf_addstr(l, "},\"time_extracted\":");
	buf_add(l, p->extracted.data, p->extracted.len);
	buf_addch(l, '}');
	p->rows++;
	if (mod > p->bookmark && mod < p->win_end)
		p->bookmark = mod;
	return emit(p, l, e);
}

static int
write_state(struct pull *p, struct err *e)
{
	struct json *bms = json_get(p->state, "bookmarks");
	struct json *bm;

	if (!bms || bms->type != JSON_OBJECT)
		bms = json_object_set(p->sdoc, p->state, "bookmarks", json_new_object(p->sdoc));
	if (p->bookmark >= 0) {
		buf_reset(&p->tmp);
		ts_format(&p->tmp, p->bookmark);
		bm = json_new_object(p->sdoc);
		json_object_set(p->sdoc, bm, "system_modstamp",
		    json_new_str(p->sdoc, p->tmp.data, p->tmp.len));
		if (p->del_through >= 0) {
			buf_reset(&p->tmp);
			ts_format(&p->tmp, p->del_through);
			json_object_set(p->sdoc, bm, "deleted_through",
			    json_new_str(p->sdoc, p->tmp.data, p->tmp.len));
		}
		json_object_set(p->sdoc, bms, buf_cstr(&p->key), bm);
	}
	singer_write_state(&p->line, p->state);
	return emit(p, &p->line, e);
}

/* --- HTTP with Salesforce's error shapes --- */

/* errorCode and message of a data-API error body (a JSON array), or of an
 * object; empty when the body is something else (HTML, empty). */
static void
sf_error_of(const struct http_response *r, struct buf *code, struct buf *msg)
{
	struct json_doc d;
	struct err pe = ERR_INIT;
	struct json *root, *first;
	const char *s;

	buf_reset(code);
	buf_reset(msg);
	json_doc_init(&d);
	root = json_parse(&d, buf_cstr(&r->body), r->body.len, &pe);
	first = root && root->type == JSON_ARRAY ? root->child : root;
	if (first && first->type == JSON_OBJECT) {
		if ((s = json_get_str(first, "errorCode")) != NULL)
			buf_addstr(code, s);
		if ((s = json_get_str(first, "message")) != NULL)
			buf_addstr(msg, s);
	}
	json_doc_release(&d);
	err_release(&pe);
}

/* After each response: the quota guard. */
static int
check_quota(struct pull *p, const struct http_response *r, struct err *e)
{
	long used, max;

	buf_reset(&p->tmp);
	if (http_header_get(r, "Sforce-Limit-Info", &p->tmp) != 0 ||
	    sf_parse_limit_info(buf_cstr(&p->tmp), &used, &max) != 0)
		return 0;
	if (p->usage0 < 0)
		p->usage0 = used;
	if ((double)used >= p->o->max_api_share * (double)max) {
		p->guard_hit = 1;
		return err_set(e, EX_TEMPFAIL, "API quota guard: the org has used "
		    "%ld of %ld daily API requests (limit %.0f%%); stopping, "
		    "state saved", used, max, p->o->max_api_share * 100);
	}
	if ((double)(used - p->usage0) >= p->o->max_run_share * (double)max) {
		p->guard_hit = 1;
		return err_set(e, EX_TEMPFAIL, "API quota guard: this run used "
		    "%ld of %ld daily API requests (limit %.0f%% a run); stopping, "
		    "state saved", used - p->usage0, max, p->o->max_run_share * 100);
	}
	return 0;
}

enum sf_outcome {
	SF_OK = 0,
	SF_RESTART,     /* cursor lost (session renewed, locator invalid) */
	SF_TIMEOUT,     /* QUERY_TIMEOUT */
	SF_BADFIELD,    /* INVALID_FIELD */
	SF_NOTYPE,      /* the object does not exist here */
	SF_FAIL
};

/* When the session's instance_url is no longer the one p->base was built
 * on (a re-login moved it), build p->base anew: 1; else 0. */
static int
rebase(struct pull *p)
{
	const char *inst = p->auth->tok.instance_url;
	size_t n = strlen(inst);

	if (p->base.len > n && strncmp(p->base.data, inst, n) == 0 &&
	    strncmp(p->base.data + n, "/services/data/", 15) == 0)
		return 0;
	buf_reset(&p->base);
	buf_printf(&p->base, "%s/services/data/%s", inst, p->o->api_version);
	warnf(p, "the session moved to another instance: %s", inst);
	return 1;
}

/* A 403 REQUEST_LIMIT_EXCEEDED for concurrent (long-running) requests is
 * transient: back off and retry (salesforce.md 2.5, 7.2).  The daily limit
 * (TotalRequests) is not: that one ends the run with EX_TEMPFAIL. */
static int
sf_transient(const struct http_response *r, void *ctx)
{
	struct buf code = BUF_INIT, msg = BUF_INIT;
	int yes;

	(void)ctx;
	if (r->status != 403)
		return 0;
	sf_error_of(r, &code, &msg);
	yes = strcmp(buf_cstr(&code), "REQUEST_LIMIT_EXCEEDED") == 0 &&
	    strstr(buf_cstr(&msg), "Concurrent") != NULL;
	buf_release(&code);
	buf_release(&msg);
	return yes;
}

/*
 * One call.  Returns SF_OK (2xx, resp holds it), another outcome the caller
 * handles, or SF_FAIL with e filled and its code in *code.
 */
static int
sf_call(struct pull *p, const char *method, const char *url, const char *const *hdrs,
	const char *body, struct http_response *resp, int *code, struct buf *ecode,
	struct err *e)
{
	struct http_request q;
	struct buf emsg = BUF_INIT;
	int rc;

	memset(&q, 0, sizeof(q));
	q.method = method;
	q.url = url;
	q.headers = hdrs;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	q.auth = 1;
	q.transient = sf_transient;
	*code = 0;
	rc = http_do(p->c, &q, resp, e);
	if (rc && p->auth && p->auth->tok.instance_url && rebase(p) &&
	    rc == EX_SOFTWARE && resp->status == 0) {
		/* a login during this call answered another instance_url
		 * (salesforce.md 1.1: it can change), so the token was not
		 * sent to the old one: the same path on the new instance */
		const char *path = strstr(url, "://");
		struct buf nu = BUF_INIT;

		path = path ? strchr(path + 3, '/') : NULL;
		buf_addstr(&nu, p->auth->tok.instance_url);
		buf_addstr(&nu, path ? path : "/");
		err_release(e);
		q.url = buf_cstr(&nu);
		rc = http_do(p->c, &q, resp, e);
		buf_release(&nu);
	}
	if (resp->status && check_quota(p, resp, e)) {
		*code = e->code;
		buf_release(&emsg);
		return SF_FAIL;
	}
	if (rc == 0) {
		buf_release(&emsg);
		return SF_OK;
	}
	sf_error_of(resp, ecode, &emsg);
	rc = SF_FAIL;
	if (strcmp(buf_cstr(ecode), "INVALID_QUERY_LOCATOR") == 0)
		rc = SF_RESTART;
	else if (strcmp(buf_cstr(ecode), "QUERY_TIMEOUT") == 0)
		rc = SF_TIMEOUT;
	else if (strcmp(buf_cstr(ecode), "INVALID_FIELD") == 0)
		rc = SF_BADFIELD;
	else if (strcmp(buf_cstr(ecode), "INVALID_TYPE") == 0 ||
	    strcmp(buf_cstr(ecode), "NOT_FOUND") == 0 ||
	    (resp->status == 404 && ecode->len == 0))
		rc = SF_NOTYPE;
	else if (strcmp(buf_cstr(ecode), "REQUEST_LIMIT_EXCEEDED") == 0)
		e->code = EX_TEMPFAIL;
	else if (resp->status == 400 && (strcmp(buf_cstr(ecode), "MALFORMED_QUERY") == 0 ||
	    strcmp(buf_cstr(ecode), "INVALID_QUERY_FILTER_OPERATOR") == 0))
		e->code = EX_SOFTWARE;
	else if (resp->status == 502 || resp->status == 503)
		/* still unavailable after the retries: 69, not 75
		 * (salesforce.md 7.2) */
		e->code = EX_UNAVAILABLE;
	if (rc == SF_FAIL && emsg.len)
		err_set(e, e->code, "%s: %s", buf_cstr(ecode), buf_cstr(&emsg));
	else if (rc != SF_FAIL)
		err_set(e, EX_DATAERR, "%s: %s", buf_cstr(ecode), buf_cstr(&emsg));
	*code = e->code ? e->code : EX_UNAVAILABLE;
	buf_release(&emsg);
	return rc;
}

static const char *const json_hdrs[] = { "Accept: application/json", NULL };

/* --- describe and the SELECT list --- */

static void
describe_free(struct pull *p)
{
	size_t i;

	for (i = 0; i < p->nd; i++) {
		free(p->dnames[i]);
		free(p->dtypes[i]);
	}
	free(p->dnames);
	free(p->dtypes);
	p->dnames = p->dtypes = NULL;
	p->nd = 0;
	for (i = 0; i < p->nsels; i++)
		free(p->sels[i].name);
	free(p->sels);
	p->sels = NULL;
	p->nsels = 0;
	free(p->colsel);
	free(p->colsel2);
	p->colsel = p->colsel2 = NULL;
}

static int
describe(struct pull *p, int *code, struct err *e)
{
	struct http_response r;
	struct buf url = BUF_INIT, ec = BUF_INIT;
	struct err pe = ERR_INIT;
	struct json *root, *fields = NULL, *f;
	int rc, tries;

	http_response_init(&r);
	buf_printf(&url, "%s/sobjects/%s/describe", buf_cstr(&p->base), p->ob->name);
	/* a 200 whose JSON is cut or broken is a transient fault: ask again
	 * (salesforce.md 7.2, the last paragraph) */
	for (tries = 1;; tries++) {
		rc = sf_call(p, "GET", buf_cstr(&url), json_hdrs, NULL, &r, code, &ec, e);
		if (rc != SF_OK)
			goto out;
		err_release(&pe);
		root = json_parse(&p->page, buf_cstr(&r.body), r.body.len, &pe);
		fields = root ? json_get(root, "fields") : NULL;
		if (fields && fields->type == JSON_ARRAY)
			break;
		if (tries >= 3) {
			rc = SF_FAIL;
			*code = err_set(e, EX_UNAVAILABLE, "describe %s: no fields "
			    "array%s%s", p->ob->name, pe.msg ? ": " : "",
			    pe.msg ? pe.msg : "");
			goto out;
		}
		warnf(p, "describe %s: the answer is not a describe result; "
		    "asking again", p->ob->name);
	}
	p->dnames = xcalloc(fields->count + 1, sizeof(char *));
	p->dtypes = xcalloc(fields->count + 1, sizeof(char *));
	for (f = fields->child; f; f = f->next) {
		const char *name = json_get_str(f, "name");
		const char *type = json_get_str(f, "type");

		if (!name)
			continue;
		p->dnames[p->nd] = xstrdup(name);
		p->dtypes[p->nd] = xstrdup(type ? type : "string");
		p->nd++;
	}
out:
	http_response_release(&r);
	buf_release(&url);
	buf_release(&ec);
	err_release(&pe);
	return rc;
}

static int
describe_index(const struct pull *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nd; i++)
		if (strcasecmp(p->dnames[i], name) == 0)
			return (int)i;
	return -1;
}

/* Add a field to the SELECT list (if described and not dropped); its index. */
static int
sel_add(struct pull *p, const char *field)
{
	int d = describe_index(p, field);
	size_t i;
	const char *t;

	if (d < 0)
		return -1;
	for (i = 0; i < p->nsels; i++)
		if (strcasecmp(p->sels[i].name, field) == 0)
			return (int)i;
	p->sels = xrealloc(p->sels, (p->nsels + 1) * sizeof(*p->sels));
	p->sels[p->nsels].name = xstrdup(p->dnames[d]);
	t = p->dtypes[d];
	if (strcmp(t, "boolean") == 0)
		p->sels[p->nsels].csv_kind = V_BOOL;
	else if (strcmp(t, "int") == 0 || strcmp(t, "double") == 0 ||
	    strcmp(t, "currency") == 0 || strcmp(t, "percent") == 0 ||
	    strcmp(t, "long") == 0)
		p->sels[p->nsels].csv_kind = V_NUM;
	else
		p->sels[p->nsels].csv_kind = V_STR;
	return (int)p->nsels++;
}

static void
build_selects(struct pull *p, int warn_missing)
{
	size_t i;

	for (i = 0; i < p->nsels; i++)
		free(p->sels[i].name);
	p->nsels = 0;
	free(p->colsel);
	free(p->colsel2);
	p->colsel = xcalloc(p->ob->ncols, sizeof(int));
	p->colsel2 = xcalloc(p->ob->ncols, sizeof(int));
	p->sel_id = sel_add(p, "Id");
	p->sel_modstamp = sel_add(p, "SystemModstamp");
	p->sel_deleted = sel_add(p, "IsDeleted");
	for (i = 0; i < p->ob->ncols; i++) {
		const struct sf_col *col = &p->ob->cols[i];

		p->colsel[i] = p->colsel2[i] = -1;
		if (col->conv == CV_CONST)
			continue;
		p->colsel[i] = sel_add(p, col->field);
		if (col->field2)
			p->colsel2[i] = sel_add(p, col->field2);
		if (warn_missing && !col->custom && p->colsel[i] < 0 &&
		    (!col->field2 || p->colsel2[i] < 0))
			warnf(p, "%s.%s is not visible in this org: %s.%s left out",
			    p->ob->name, col->field, p->ob->stream, col->column);
	}
}

/* Drop a field (INVALID_FIELD) from the described set; 0, or -1 if unknown. */
static int
drop_field(struct pull *p, const char *msg)
{
	const char *q = strstr(msg, "No such column '");
	size_t n;
	int d;
	char name[256];

	if (!q)
		return -1;
	q += 16;
	n = strcspn(q, "'");
	if (n == 0 || n >= sizeof(name))
		return -1;
	memcpy(name, q, n);
	name[n] = '\0';
	d = describe_index(p, name);
	if (d < 0 || strcasecmp(name, "Id") == 0 || strcasecmp(name, "SystemModstamp") == 0)
		return -1;
	warnf(p, "%s.%s became invisible (INVALID_FIELD): left out", p->ob->name, name);
	free(p->dnames[d]);
	free(p->dtypes[d]);
	p->dnames[d] = p->dnames[p->nd - 1];
	p->dtypes[d] = p->dtypes[p->nd - 1];
	p->nd--;
	build_selects(p, 0);
	return 0;
}

static void
soql(struct pull *p, struct buf *out, int64_t from, int64_t to, int ordered)
{
	size_t i;

	buf_reset(out);
	buf_addstr(out, "SELECT ");
	for (i = 0; i < p->nsels; i++) {
		if (i)
			buf_addstr(out, ", ");
		buf_addstr(out, p->sels[i].name);
	}
	buf_printf(out, " FROM %s WHERE SystemModstamp >= ", p->ob->name);
	sf_soql_datetime(out, from);
	buf_addstr(out, " AND SystemModstamp < ");
	/* whole seconds, rounded up: rows of the run's last second are read
	 * now (the bookmark still stays below the run start) */
	sf_soql_datetime(out, (to + 999) / 1000 * 1000);
	if (ordered)
		buf_addstr(out, " ORDER BY SystemModstamp ASC, Id ASC");
}

/* --- REST --- */

/*
 * Links already followed (nextRecordsUrl, Bulk locators), by a 64-bit
 * FNV-1a hash: a server that hands out a link it handed out before would
 * keep a pull busy for ever (salesforce.md 2.3: cursors only move forward).
 */
struct seen {
	uint64_t *h;
	size_t n;
};

/* 1 when s[0..n) was seen before; else remember it and return 0. */
static int
seen_add(struct seen *sn, const char *s, size_t n)
{
	uint64_t h = hash_fnv1a(s, n);
	size_t i;

	for (i = 0; i < sn->n; i++)
		if (sn->h[i] == h)
			return 1;
	sn->h = xrealloc(sn->h, (sn->n + 1) * sizeof(*sn->h));
	sn->h[sn->n++] = h;
	return 0;
}

/*
 * Query [from, to) page by page.  *total gets totalSize of the first page;
 * with probe set, stop after the first page when totalSize > threshold
 * (returns SF_OK with *switched = 1).
 */
static int
rest_window(struct pull *p, int64_t from, int64_t to, int probe, int *switched,
	int *code, struct err *e)
{
	struct http_response r;
	struct buf url = BUF_INIT, q = BUF_INIT, ec = BUF_INIT, hdr = BUF_INIT;
	const char *hdrs[3];
	struct err pe = ERR_INIT;
	int rc = SF_OK, first = 1, logins = p->auth ? p->auth->logins : 0;
	struct seen seen = { NULL, 0 };

	http_response_init(&r);
	buf_printf(&hdr, "Sforce-Query-Options: batchSize=%d", p->o->batch_size);
	hdrs[0] = "Accept: application/json";
	hdrs[1] = buf_cstr(&hdr);
	hdrs[2] = NULL;
	soql(p, &q, from, to, 1);
	buf_printf(&url, "%s/queryAll?q=", buf_cstr(&p->base));
	http_urlencode(&url, q.data, q.len);
	for (;;) {
		struct json *root, *recs, *rec, *next;
		struct row row;

		rc = sf_call(p, "GET", buf_cstr(&url), hdrs, NULL, &r, code, &ec, e);
		if (rc == SF_FAIL && !first && p->auth && p->auth->logins != logins &&
		    r.status == 401)
			rc = SF_RESTART;        /* the cursor died with the session */
		if (rc != SF_OK)
			break;
		root = json_parse(&p->page, buf_cstr(&r.body), r.body.len, &pe);
		recs = root ? json_get(root, "records") : NULL;
		if (!recs || recs->type != JSON_ARRAY) {
			/* a 200 with a broken body: treat as a lost cursor, once */
			rc = SF_RESTART;
			err_set(e, EX_UNAVAILABLE, "query response without records: %s",
			    pe.msg ? pe.msg : "not a query result");
			*code = EX_UNAVAILABLE;
			break;
		}
		if (first && probe) {
			const struct json *ts = json_get(root, "totalSize");

			first = 0;
			if (ts && ts->type == JSON_NUMBER &&
			    strtoll(ts->s, NULL, 10) > p->o->bulk_threshold) {
				*switched = 1;
				break;
			}
		}
		first = 0;
		memset(&row, 0, sizeof(row));
		for (rec = recs->child; rec; rec = rec->next) {
			row.rec = rec;
			if (write_record(p, &row, e)) {
				*code = e->code;
				rc = SF_FAIL;
				goto out;
			}
		}
		if (write_state(p, e)) {
			*code = e->code;
			rc = SF_FAIL;
			goto out;
		}
		debugf(p, "%s: page of %zu records (%ld so far)", p->ob->name,
		    (size_t)recs->count, p->rows);
		next = json_get(root, "nextRecordsUrl");
		{
			const struct json *dn = json_get(root, "done");

			if (dn && dn->type == JSON_TRUE)
				break;
			if (!next || next->type != JSON_STRING) {
				if (!dn || dn->type != JSON_FALSE)
					break;
				/* more to come, but no way to it: the rows
				 * not read would go unnoticed */
				*code = err_set(e, EX_DATAERR, "query page says "
				    "done: false but has no nextRecordsUrl");
				rc = SF_FAIL;
				goto out;
			}
		}
		{
			struct buf nu = BUF_INIT;

			if (http_link_resolve(p->auth && p->auth->tok.instance_url ?
			    p->auth->tok.instance_url : buf_cstr(&p->base), next->s, &nu, e)) {
				*code = e->code;
				rc = SF_FAIL;
				buf_release(&nu);
				goto out;
			}
			if (seen_add(&seen, nu.data, nu.len)) {
				*code = err_set(e, EX_DATAERR, "nextRecordsUrl "
				    "leads back to a page already read (a paging "
				    "loop)");
				rc = SF_FAIL;
				buf_release(&nu);
				goto out;
			}
			buf_reset(&url);
			buf_add(&url, nu.data, nu.len);
			buf_release(&nu);
		}
	}
out:
	free(seen.h);
	http_response_release(&r);
	buf_release(&url);
	buf_release(&q);
	buf_release(&ec);
	buf_release(&hdr);
	err_release(&pe);
	return rc;
}

static int
rest_pull(struct pull *p, int64_t from, int probe, int *switched, int *code, struct err *e)
{
	int64_t wfrom = from, wto = p->win_end, restart_mark = p->bookmark;
	int restarts = 0, badfields = 0, rc;

	while (wfrom < p->win_end) {
		rc = rest_window(p, wfrom, wto, probe, switched, code, e);
		if (*switched)
			return SF_OK;
		probe = 0;
		switch (rc) {
		case SF_OK: {
			/* the next window: twice as wide as the one that worked */
			int64_t width = wto - wfrom;

			wfrom = wto;
			wto = width > (p->win_end - wfrom) / 2 ? p->win_end :
			    wfrom + 2 * width;
			restarts = 0;
			continue;
		}
		case SF_RESTART:
			/* a cursor may die any number of times (idle expiry,
			 * eviction, a new session): give up only when five
			 * restarts in a row read nothing new */
			if (p->bookmark > restart_mark)
				restarts = 0;
			restart_mark = p->bookmark;
			if (++restarts > 5) {
				*code = EX_TEMPFAIL;
				err_prefix(e, "query cursor lost 5 times");
				return SF_FAIL;
			}
			warnf(p, "%s: query cursor lost (%s); restarting from the "
			    "bookmark", p->ob->name, e->msg ? e->msg : "");
			if (p->bookmark > wfrom)
				wfrom = p->bookmark;
			continue;
		case SF_TIMEOUT:
			if (wto - wfrom <= 60000) {
				*code = EX_TEMPFAIL;
				return SF_FAIL;
			}
			wto = wfrom + (wto - wfrom) / 2;
			warnf(p, "%s: QUERY_TIMEOUT; narrowing the window", p->ob->name);
			continue;
		case SF_BADFIELD:
			if (++badfields > 10 || drop_field(p, e->msg ? e->msg : "") != 0) {
				*code = EX_CONFIG;
				return SF_FAIL;
			}
			if (p->bookmark > wfrom)
				wfrom = p->bookmark;
			continue;
		default:
			return rc;
		}
	}
	return SF_OK;
}

/* --- Bulk API 2.0 --- */

static int
id_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s))
			return 0;
	return 1;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* PATCH or DELETE a Bulk job, once, its outcome ignored (clean-up). */
static void
bulk_job_call(struct pull *p, const char *method, const char *jid, const char *body)
{
	static const char *const hdrs[] = { "Content-Type: application/json",
		"Accept: application/json", NULL };
	struct http_response r;
	struct err e = ERR_INIT;
	struct http_request q;
	struct buf url = BUF_INIT;

	memset(&q, 0, sizeof(q));
	buf_printf(&url, "%s/jobs/query/%s", buf_cstr(&p->base), jid);
	q.method = method;
	q.url = buf_cstr(&url);
	q.auth = 1;
	q.no_retry = 1;
	if (body) {
		q.headers = hdrs;
		q.body = body;
		q.body_len = strlen(body);
	}
	http_response_init(&r);
	http_do(p->c, &q, &r, &e);
	http_response_release(&r);
	err_release(&e);
	buf_release(&url);
}

/* Returns SF_OK, SF_RESTART (fall back to REST) or SF_FAIL. */
static int
bulk_pull(struct pull *p, int64_t from, int *code, struct err *e)
{
	static const char *const csv_hdrs[] = { "Accept: text/csv", NULL };
	static const char *const post_hdrs[] = { "Content-Type: application/json",
		"Accept: application/json", NULL };
	struct http_response r;
	struct buf url = BUF_INIT, q = BUF_INIT, body = BUF_INIT, ec = BUF_INIT;
	struct buf jid = BUF_INIT, loc = BUF_INIT;
	struct err pe = ERR_INIT;
	struct json *root;
	int rc, *csvcol = NULL;
	long waited = 0, delay = 200;
	int badpolls = 0;
	struct seen seen = { NULL, 0 };

	http_response_init(&r);
	soql(p, &q, from, p->win_end, 0);
	buf_addstr(&body, "{\"operation\":\"queryAll\",\"query\":");
	json_write_str(&body, q.data, q.len);
	buf_addstr(&body, ",\"contentType\":\"CSV\",\"columnDelimiter\":\"COMMA\","
	    "\"lineEnding\":\"LF\"}");
	buf_printf(&url, "%s/jobs/query", buf_cstr(&p->base));
	rc = sf_call(p, "POST", buf_cstr(&url), post_hdrs, buf_cstr(&body), &r, code, &ec, e);
	if (rc != SF_OK) {
		if (rc != SF_FAIL || (*code != EX_TEMPFAIL && *code != EX_NOPERM)) {
			warnf(p, "%s: Bulk job not created (%s); using REST",
			    p->ob->name, e->msg ? e->msg : "");
			rc = SF_RESTART;
		}
		goto out;
	}
	root = json_parse(&p->page, buf_cstr(&r.body), r.body.len, &pe);
	if (!root || !json_get_str(root, "id") || !id_ok(json_get_str(root, "id"))) {
		warnf(p, "%s: Bulk job answer without a usable id; using REST", p->ob->name);
		rc = SF_RESTART;
		goto out;
	}
	buf_addstr(&jid, json_get_str(root, "id"));
	p->used_bulk = 1;
	for (;;) {
		const char *st;

		buf_reset(&url);
		buf_printf(&url, "%s/jobs/query/%s", buf_cstr(&p->base), buf_cstr(&jid));
		rc = sf_call(p, "GET", buf_cstr(&url), json_hdrs, NULL, &r, code, &ec, e);
		if (rc != SF_OK)
			goto out;
		err_release(&pe);
		root = json_parse(&p->page, buf_cstr(&r.body), r.body.len, &pe);
		st = root ? json_get_str(root, "state") : NULL;
		if (st && strcmp(st, "JobComplete") == 0)
			break;
		if (!root && ++badpolls < 3) {
			/* a 200 whose JSON is cut: poll again (7.2) */
			sleep_ms(delay);
			waited += delay;
			continue;
		}
		if (!st || strcmp(st, "Failed") == 0 || strcmp(st, "Aborted") == 0) {
			const char *em = root ? json_get_str(root, "errorMessage") : NULL;

			warnf(p, "%s: Bulk job %s %s%s%s; using REST", p->ob->name,
			    buf_cstr(&jid), st ? st : "in an unknown state",
			    em ? ": " : "", em ? em : "");
			p->used_bulk = 0;
			rc = SF_RESTART;
			goto out;
		}
		if (waited >= p->o->bulk_wait_s * 1000) {
			*code = err_set(e, EX_TEMPFAIL, "%s: Bulk job %s not complete "
			    "after %ld s", p->ob->name, buf_cstr(&jid), p->o->bulk_wait_s);
			rc = SF_FAIL;
			/* abort it (salesforce.md 5.2) before deleting it */
			bulk_job_call(p, "PATCH", buf_cstr(&jid), "{\"state\":\"Aborted\"}");
			goto out;
		}
		sleep_ms(delay);
		waited += delay;
		if (delay < 2000)
			delay = delay * 2 > 2000 ? 2000 : delay * 2;
	}
	for (;;) {
		long skip = 0;
		int attempt;

		/*
		 * One chunk.  A chunk that is not well-formed CSV, or holds
		 * fewer or more rows than its Sforce-NumberOfRecords says, was
		 * cut or mangled on the way: fetch it again by the same locator
		 * (salesforce.md 5.3: a locator can be re-fetched), writing only
		 * the rows not written yet.
		 */
		for (attempt = 1;; attempt++) {
			struct csv_reader cr;
			struct row row;
			size_t i;
			long nrows = 0, want = -1;
			int more;

			buf_reset(&url);
			buf_printf(&url, "%s/jobs/query/%s/results?maxRecords=%ld",
			    buf_cstr(&p->base), buf_cstr(&jid), p->o->bulk_chunk);
			if (loc.len) {
				buf_addstr(&url, "&locator=");
				http_urlencode(&url, loc.data, loc.len);
			}
			rc = sf_call(p, "GET", buf_cstr(&url), csv_hdrs, NULL, &r, code, &ec, e);
			if (rc != SF_OK)
				goto out;
			csv_reader_init(&cr, buf_cstr(&r.body), r.body.len, ',');
			more = csv_next(&cr, e);
			if (more > 0) {
				free(csvcol);
				csvcol = xcalloc(p->nsels + 1, sizeof(int));
				for (i = 0; i < p->nsels; i++) {
					size_t j, n;

					csvcol[i] = -1;
					for (j = 0; j < cr.n; j++)
						if (strcasecmp(csv_field(&cr, j, &n),
						    p->sels[i].name) == 0)
							csvcol[i] = (int)j;
				}
				while ((more = csv_next(&cr, e)) > 0) {
					memset(&row, 0, sizeof(row));
					row.csv = &cr;
					row.csvcol = csvcol;
					if (cr.n == 1 && cr.len[0] == 0)
						continue;       /* a blank line */
					if (nrows++ < skip)
						continue;       /* written before */
					if (write_record(p, &row, e)) {
						csv_reader_release(&cr);
						*code = e->code;
						rc = SF_FAIL;
						goto out;
					}
				}
			}
			csv_reader_release(&cr);
			if (nrows > skip)
				skip = nrows;
			buf_reset(&p->tmp);
			if (http_header_get(&r, "Sforce-NumberOfRecords", &p->tmp) == 0) {
				char *end;

				want = strtol(buf_cstr(&p->tmp), &end, 10);
				if (end == buf_cstr(&p->tmp) || *end || want < 0)
					want = -1;
			}
			if (more == 0 && (want < 0 || want == nrows))
				break;
			if (attempt >= 3) {
				if (more < 0) {
					*code = e->code;
					rc = SF_FAIL;
					goto out;
				}
				/* well-formed every time: believe the rows */
				warnf(p, "%s: Bulk job %s: a chunk holds %ld rows, "
				    "Sforce-NumberOfRecords says %ld", p->ob->name,
				    buf_cstr(&jid), nrows, want);
				break;
			}
			warnf(p, "%s: Bulk job %s: a result chunk came cut or "
			    "mangled (%s); fetching it again", p->ob->name,
			    buf_cstr(&jid), more < 0 && e->msg ? e->msg :
			    "row count differs from Sforce-NumberOfRecords");
			err_release(e);
			*code = 0;
		}
		debugf(p, "%s: Bulk job %s: %ld records so far", p->ob->name,
		    buf_cstr(&jid), p->rows);
		if (http_header_get(&r, "Sforce-Locator", &loc) != 0 ||
		    loc.len == 0 || strcmp(buf_cstr(&loc), "null") == 0)
			break;
		if (seen_add(&seen, loc.data, loc.len)) {
			*code = err_set(e, EX_DATAERR, "%s: Bulk job %s: "
			    "Sforce-Locator leads back to a chunk already read",
			    p->ob->name, buf_cstr(&jid));
			rc = SF_FAIL;
			goto out;
		}
	}
	rc = write_state(p, e) ? SF_FAIL : SF_OK;
	if (rc)
		*code = e->code;
out:
	if (jid.len)
		bulk_job_call(p, "DELETE", buf_cstr(&jid), NULL);
	free(csvcol);
	free(seen.h);
	http_response_release(&r);
	buf_release(&url);
	buf_release(&q);
	buf_release(&body);
	buf_release(&ec);
	buf_release(&jid);
	buf_release(&loc);
	err_release(&pe);
	return rc;
}

/* --- etl_runs --- */

static int
write_etl_run(struct pull *p, int64_t started, int code, const char *msg, struct err *e)
{
	struct buf *l = &p->line;
	struct buf run = BUF_INIT;
	int64_t done = ts_now_ms();

	buf_printf(&run, "sf-pull:%s:", p->ob->name);
	ts_format(&run, started);
	buf_addstr(l, "{\"type\":\"RECORD\",\"stream\":\"etl_runs\",\"record\":{\"run_id\":");
	json_write_str(l, run.data, run.len);
	buf_addstr(l, ",\"source_system\":\"salesforce\",\"job_type\":");
	buf_reset(&run);
	buf_printf(&run, "%s%s", p->old_bookmark >= 0 ? "incremental" : "full",
	    p->used_bulk ? "-bulk" : "");
	json_write_str(l, run.data, run.len);
	buf_addstr(l, ",\"started_at\":");
	write_ts(l, started);
	buf_addstr(l, ",\"completed_at\":");
	write_ts(l, done < started ? started : done);
	buf_printf(l, ",\"rows_processed\":%ld,\"rows_failed\":0,\"status\":", p->rows);
	buf_addstr(l, code == 0 ? "\"success\"" : "\"failed\"");
	buf_addstr(l, ",\"error_message\":");
	if (code && msg)
		json_write_str(l, msg, strlen(msg));
	else
		buf_addstr(l, "null");
	buf_addstr(l, ",\"watermark\":");
	if (p->bookmark >= 0)
		write_ts(l, p->bookmark);
	else
		buf_addstr(l, "null");
	buf_addstr(l, ",\"stream_key\":");
	json_write_str(l, p->key.data, p->key.len);
	buf_addstr(l, ",\"_sdc_extracted_at\":");
	buf_add(l, p->extracted.data, p->extracted.len);
	buf_addstr(l, ",\"_sdc_deleted_at\":null},\"time_extracted\":");
	buf_add(l, p->extracted.data, p->extracted.len);
	buf_addch(l, '}');
	buf_release(&run);
	return emit(p, l, e);
}

/* --- deletions: getDeleted (salesforce.md 3.4) --- */

/* getDeleted keeps 15 days; stay two minutes inside */
#define SWEEP_KEEP_MS ((int64_t)15 * 86400000 - 120000)
/* the API wants start before end by more than a minute */
#define SWEEP_MIN_MS ((int64_t)120000)

/* A getDeleted start or end: "2025-01-01T00:00:00+00:00" (the form of
 * Salesforce's own examples), URL-encoded. */
static void
deleted_param(struct pull *p, struct buf *url, int64_t ms)
{
	buf_reset(&p->tmp);
	sf_soql_datetime(&p->tmp, ms);
	buf_truncate(&p->tmp, p->tmp.len - 1);  /* the 'Z' */
	buf_addstr(&p->tmp, "+00:00");
	http_urlencode(url, p->tmp.data, p->tmp.len);
}

/* The object's primary-key column (the one read from Id). */
static const char *
pk_column(const struct sf_object *ob)
{
	size_t i;

	for (i = 0; i < ob->ncols; i++)
		if (strcmp(ob->cols[i].field, "Id") == 0)
			return ob->cols[i].column;
	return NULL;
}

/*
 * One getDeleted call over [from, to): a RECORD per deleted id (the
 * primary key and _sdc_deleted_at only: load keeps the row's other
 * columns).  *covered gets latestDateCovered.  EXCEEDED_ID_LIMIT splits the
 * window in two.
 */
static int
sweep_window(struct pull *p, int64_t from, int64_t to, int64_t *covered,
    int depth, int *code, struct err *e)
{
	struct http_response r;
	struct buf url = BUF_INIT, ec = BUF_INIT, *l = &p->line;
	struct err pe = ERR_INIT;
	struct json *root, *recs, *d;
	const char *pk = pk_column(p->ob), *s;
	int64_t ms;
	int rc, tries;

	http_response_init(&r);
	buf_printf(&url, "%s/sobjects/%s/deleted/?start=", buf_cstr(&p->base),
	    p->ob->name);
	deleted_param(p, &url, from);
	buf_addstr(&url, "&end=");
	deleted_param(p, &url, to);
	for (tries = 1;; tries++) {
		rc = sf_call(p, "GET", buf_cstr(&url), json_hdrs, NULL, &r, code, &ec, e);
		if (rc != SF_OK)
			break;
		/* a 200 whose JSON is cut or broken: ask again (7.2) */
		err_release(&pe);
		root = json_parse(&p->page, buf_cstr(&r.body), r.body.len, &pe);
		recs = root ? json_get(root, "deletedRecords") : NULL;
		if ((recs && recs->type == JSON_ARRAY) || tries >= 3)
			break;
	}
	if (rc != SF_OK) {
		if (strcmp(buf_cstr(&ec), "EXCEEDED_ID_LIMIT") == 0 &&
		    depth < 20 && to - from > 2 * SWEEP_MIN_MS) {
			int64_t mid = from + (to - from) / 2, c1;

			err_release(e);
			*code = 0;
			rc = sweep_window(p, from, mid, &c1, depth + 1, code, e);
			if (rc == SF_OK)
				rc = sweep_window(p, mid, to, covered,
				    depth + 1, code, e);
		} else if (strcmp(buf_cstr(&ec), "INVALID_REPLICATION_DATE") == 0) {
			buf_reset(&p->tmp);
			sf_soql_datetime(&p->tmp, from);
			warnf(p, "%s: deletions cannot be listed from %s: %s; "
			    "rows hard-deleted before then may remain", p->ob->name,
			    buf_cstr(&p->tmp), e->msg ? e->msg : "refused");
			err_release(e);
			*code = 0;
			*covered = to;
			rc = SF_OK;
		}
		goto out;
	}
	if (!recs || recs->type != JSON_ARRAY || pk == NULL) {
		*code = err_set(e, EX_UNAVAILABLE, "%s: getDeleted: not a "
		    "deleted-records result%s%s", p->ob->name,
		    pe.msg ? ": " : "", pe.msg ? pe.msg : "");
		rc = SF_FAIL;
		goto out;
	}
	s = json_get_str(root, "earliestDateAvailable");
	if (s && p->del_through >= 0 && ts_parse(s, strlen(s), &ms) == 0 &&
	    ms > p->del_through)
		warnf(p, "%s: Salesforce no longer lists deletions before %s "
		    "(the last sweep reached this far only): rows hard-deleted "
		    "in between may remain", p->ob->name, s);
	for (d = recs->child; d; d = d->next) {
		const char *id = json_get_str(d, "id");
		const char *dd = json_get_str(d, "deletedDate");

		if (!id || !id_ok(id) || !dd || ts_parse(dd, strlen(dd), &ms)) {
			warnf(p, "%s: getDeleted: an entry without a usable id "
			    "and deletedDate: skipped", p->ob->name);
			continue;
		}
		buf_addstr(l, "{\"type\":\"RECORD\",\"stream\":");
		json_write_str(l, p->ob->stream, strlen(p->ob->stream));
		buf_addstr(l, ",\"record\":{");
		json_write_str(l, pk, strlen(pk));
		buf_addch(l, ':');
		json_write_str(l, id, strlen(id));
		buf_addstr(l, ",\"_sdc_extracted_at\":");
		buf_add(l, p->extracted.data, p->extracted.len);
		buf_addstr(l, ",\"_sdc_deleted_at\":");
		write_ts(l, ms);
		buf_addstr(l, "},\"time_extracted\":");
		buf_add(l, p->extracted.data, p->extracted.len);
		buf_addch(l, '}');
		if (emit(p, l, e)) {
			*code = e->code;
			rc = SF_FAIL;
			goto out;
		}
		p->swept++;
	}
	s = json_get_str(root, "latestDateCovered");
	*covered = s && ts_parse(s, strlen(s), &ms) == 0 && ms > from &&
	    ms <= to ? ms : to;
out:
	http_response_release(&r);
	buf_release(&url);
	buf_release(&ec);
	err_release(&pe);
	return rc;
}

/*
 * After an incremental pull: the deletions since the last sweep (at least
 * the last two minutes, at most what Salesforce keeps), then a STATE with
 * the new deleted_through.  A first pull only notes where sweeping starts.
 * The sweep is a cross-check of a pull that already succeeded: when it
 * fails, that is a warning, deleted_through stays, and the next run tries
 * again; only a failed write of the output fails the pull.
 */
static int
sweep_deleted(struct pull *p, int *code, struct err *e)
{
	int64_t to = p->win_end, from, covered = -1;
	int rc;

	if (!p->o->deleted_sweep)
		return SF_OK;
	if (p->old_bookmark < 0 && p->del_through < 0) {
		/* the first pull read every live row: sweep from now on */
		p->del_through = to;
		return write_state(p, e) ? (*code = e->code, SF_FAIL) : SF_OK;
	}
	from = p->del_through >= 0 ? p->del_through :
	    p->old_bookmark - p->o->lookback_s * 1000;
	if (from > to - SWEEP_MIN_MS)
		from = to - SWEEP_MIN_MS;
	if (from < to - SWEEP_KEEP_MS) {
		warnf(p, "%s: the last deletion sweep is older than the 15 days "
		    "Salesforce keeps: rows hard-deleted before then may remain",
		    p->ob->name);
		from = to - SWEEP_KEEP_MS;
	}
	rc = sweep_window(p, from, to, &covered, 0, code, e);
	if (rc != SF_OK) {
		if (p->out_failed)
			return rc;
		warnf(p, "%s: listing the deletions failed (the next run tries "
		    "again): %s", p->ob->name, e->msg ? e->msg : "error");
		err_release(e);
		*code = 0;
		return SF_OK;
	}
	debugf(p, "%s: %ld deletions listed by getDeleted", p->ob->name,
	    p->swept);
	p->del_through = covered;
	return write_state(p, e) ? (*code = e->code, SF_FAIL) : SF_OK;
}

/*
 * After a describe answered "no such object": is the pinned API version one
 * the org offers at all?  GET {instance}/services/data/ (no auth, not
 * counted; salesforce.md 2.7) lists them.  Returns 1 yes, 0 no (offered
 * gets the newest offered), -1 unknown (no usable list).  Without this, a
 * version the org does not have (404 for every path) would skip every
 * object and end "successfully" with nothing pulled.
 */
static int
version_offered(struct pull *p, struct buf *offered)
{
	struct http_request q;
	struct http_response r;
	struct err e = ERR_INIT, pe = ERR_INIT;
	struct json_doc d;
	struct json *root, *v;
	struct buf url = BUF_INIT;
	const char *want = p->o->api_version;
	int rc = -1;

	if (!p->auth || !p->auth->tok.instance_url)
		return -1;
	if (*want == 'v')
		want++;
	memset(&q, 0, sizeof(q));
	buf_printf(&url, "%s/services/data/", p->auth->tok.instance_url);
	q.url = buf_cstr(&url);
	q.headers = json_hdrs;
	http_response_init(&r);
	json_doc_init(&d);
	if (http_do(p->c, &q, &r, &e) == 0 &&
	    (root = json_parse(&d, buf_cstr(&r.body), r.body.len, &pe)) != NULL &&
	    root->type == JSON_ARRAY && root->child) {
		rc = 0;
		for (v = root->child; v; v = v->next) {
			const char *ver = json_get_str(v, "version");

			if (!ver)
				continue;
			if (strcmp(ver, want) == 0)
				rc = 1;
			if (!offered->len || strtod(ver, NULL) >
			    strtod(buf_cstr(offered), NULL)) {
				buf_reset(offered);
				buf_addstr(offered, ver);
			}
		}
	}
	json_doc_release(&d);
	http_response_release(&r);
	buf_release(&url);
	err_release(&e);
	err_release(&pe);
	return rc;
}

/* --- one object --- */

static int
pull_object(struct pull *p, const struct sf_object *ob, struct err *e)
{
	struct json *bm;
	int64_t from, started = p->o->now_ms;
	int code = 0, rc, switched = 0;
	const char *tsv;

	p->ob = ob;
	p->rows = p->deleted = 0;
	p->used_bulk = 0;
	buf_reset(&p->key);
	if (strcmp(ob->stream, "sf_activities") == 0)
		state_key(&p->key, ob->stream, ob->name);
	else
		buf_addstr(&p->key, ob->stream);
	p->bookmark = p->old_bookmark = p->del_through = -1;
	p->swept = 0;
	bm = p->o->full ? NULL : json_get(json_get(p->state, "bookmarks"), buf_cstr(&p->key));
	tsv = bm ? json_get_str(bm, "system_modstamp") : NULL;
	if (tsv && ts_parse(tsv, strlen(tsv), &p->old_bookmark) == 0)
		p->bookmark = p->old_bookmark;
	else
		p->old_bookmark = -1;
	/* a --full run keeps sweeping from where the last sweep stopped */
	bm = json_get(json_get(p->state, "bookmarks"), buf_cstr(&p->key));
	tsv = bm ? json_get_str(bm, "deleted_through") : NULL;
	if (!tsv || ts_parse(tsv, strlen(tsv), &p->del_through) != 0)
		p->del_through = -1;
	if (p->old_bookmark >= 0) {
		from = p->old_bookmark - p->o->lookback_s * 1000;
		if (from < 0)
			from = 0;
	} else
		from = p->o->start_ms;
	p->win_end = p->o->now_ms;

	rc = describe(p, &code, e);
	if (rc == SF_NOTYPE) {
		struct buf newest = BUF_INIT;

		if (version_offered(p, &newest) == 0) {
			code = err_set(e, EX_CONFIG, "API version %s is not offered "
			    "by this org (newest: %s): see --api-version",
			    p->o->api_version, newest.len ? buf_cstr(&newest) : "none");
			buf_release(&newest);
			goto done;
		}
		buf_release(&newest);
		warnf(p, "%s is not available in this org: skipped", ob->name);
		describe_free(p);
		return 0;
	}
	if (rc != SF_OK)
		goto done;
	build_selects(p, 1);
	if (p->sel_id < 0 || p->sel_modstamp < 0) {
		code = err_set(e, EX_UNAVAILABLE, "%s: describe lists no Id or "
		    "SystemModstamp", ob->name);
		goto done;
	}
	if (write_schema_once(p, ob->stream, "system_modstamp", e)) {
		code = e->code;
		goto done;
	}
	if (from >= p->win_end) {
		rc = write_state(p, e) ? SF_FAIL : SF_OK;
		code = rc ? e->code : 0;
		goto done;
	}
	rc = rest_pull(p, from, p->old_bookmark < 0 && p->o->bulk_threshold >= 0,
	    &switched, &code, e);
	if (rc == SF_OK && switched) {
		rc = bulk_pull(p, from, &code, e);
		if (rc == SF_RESTART) {
			switched = 0;
			rc = rest_pull(p, from, 0, &switched, &code, e);
		}
	}
	if (rc == SF_OK)
		rc = sweep_deleted(p, &code, e);
	if (rc == SF_OK)
		code = 0;
	else if (!code)
		code = e->code ? e->code : EX_UNAVAILABLE;
done:
	if (code && e->msg)
		err_prefix(e, "%s", ob->name);
	{
		struct err we = ERR_INIT;
		int wrc = write_etl_run(p, started, code, code ? e->msg : NULL, &we);

		if (wrc && !code) {
			err_set(e, wrc, "%s", we.msg);
			code = wrc;
		}
		err_release(&we);
	}
	describe_free(p);
	return code;
}

int
sf_pull(struct http_client *c, struct oauth_sf *auth, const char *const *objs,
	size_t n, struct json_doc *sdoc, struct json *state, const struct sf_opts *o,
	struct err *e)
{
	struct pull p;
	size_t i;
	int rc = 0;
	int etl_schema = 0;

	memset(&p, 0, sizeof(p));
	p.c = c;
	p.auth = auth;
	p.o = o;
	p.sdoc = sdoc;
	p.state = state;
	p.usage0 = -1;
	json_doc_init(&p.page);
	buf_printf(&p.base, "%s/services/data/%s",
	    auth && auth->tok.instance_url ? auth->tok.instance_url : "", o->api_version);
	buf_addch(&p.extracted, '"');
	ts_format(&p.extracted, o->now_ms);
	buf_addch(&p.extracted, '"');
	for (i = 0; i < n && rc == 0; i++) {
		const struct sf_object *ob = object_find(objs[i]);

		if (!ob) {
			rc = err_set(e, EX_USAGE, "unknown object %s", objs[i]);
			break;
		}
		if (!etl_schema) {
			if ((rc = write_schema_once(&p, "etl_runs", NULL, e)))
				break;
			etl_schema = 1;
		}
		rc = pull_object(&p, ob, e);
	}
	json_doc_release(&p.page);
	buf_release(&p.key);
	buf_release(&p.base);
	buf_release(&p.line);
	buf_release(&p.tmp);
	buf_release(&p.extracted);
	return rc;
}

int
sf_fail_runs(const char *const *objs, size_t n, const struct sf_opts *o,
	const char *msg, int code, struct err *e)
{
	struct pull p;
	size_t i;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	p.o = o;
	buf_addch(&p.extracted, '"');
	ts_format(&p.extracted, o->now_ms);
	buf_addch(&p.extracted, '"');
	rc = write_schema_once(&p, "etl_runs", NULL, e);
	for (i = 0; i < n && rc == 0; i++) {
		const struct sf_object *ob = object_find(objs[i]);

		if (!ob)
			continue;
		p.ob = ob;
		p.bookmark = p.old_bookmark = -1;
		buf_reset(&p.key);
		if (strcmp(ob->stream, "sf_activities") == 0)
			state_key(&p.key, ob->stream, ob->name);
		else
			buf_addstr(&p.key, ob->stream);
		rc = write_etl_run(&p, o->now_ms, code ? code : EX_SOFTWARE, msg, e);
	}
	buf_release(&p.key);
	buf_release(&p.line);
	buf_release(&p.tmp);
	buf_release(&p.extracted);
	return rc;
}
