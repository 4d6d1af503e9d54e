/*
 * sf_data.c: the fake Salesforce org's objects, fields and seeded records.
 *
 * Records come from the shared directory: each person's Salesforce role
 * decides whether they are a contact, an open lead, or a lead converted into
 * a contact; companies are accounts.  Opportunities, tasks (some archived),
 * events and email messages hang off them.  Dates lie before --epoch, in
 * whole seconds; some records share one SystemModstamp (a bulk update).
 */
#include "sf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

#define N SFF_NILLABLE
#define CU (SFF_CREATE | SFF_UPDATE)
#define NCU (N | CU)

#define SYSTEM_FIELDS(obj) \
	{ "Id", SF_ID, 18, 0, NULL, NULL, NULL, NULL }, \
	{ "IsDeleted", SF_BOOLEAN, 0, 0, NULL, NULL, NULL, NULL }, \
	{ "CreatedDate", SF_DATETIME, 0, 0, NULL, NULL, NULL, NULL }, \
	{ "CreatedById", SF_REFERENCE, 18, 0, "User", "CreatedBy", NULL, NULL }, \
	{ "LastModifiedDate", SF_DATETIME, 0, 0, NULL, NULL, NULL, NULL }, \
	{ "LastModifiedById", SF_REFERENCE, 18, 0, "User", "LastModifiedBy", \
	    NULL, NULL }, \
	{ "SystemModstamp", SF_DATETIME, 0, 0, NULL, NULL, NULL, NULL }

static const struct sf_field account_fields[] = {
	SYSTEM_FIELDS(Account),
	{ "MasterRecordId", SF_REFERENCE, 18, N, "Account", "MasterRecord", NULL, NULL },
	{ "Name", SF_STRING, 255, CU, NULL, NULL, NULL, NULL },
	{ "Type", SF_PICKLIST, 255, NCU, NULL, NULL, NULL,
	    "Prospect|Customer - Direct|Customer - Channel|Partner|Other" },
	{ "ParentId", SF_REFERENCE, 18, NCU, "Account", "Parent", NULL, NULL },
	{ "BillingStreet", SF_TEXTAREA, 255, NCU | SFF_COMPOUND, NULL, NULL, "BillingAddress", NULL },
	{ "BillingCity", SF_STRING, 40, NCU | SFF_COMPOUND, NULL, NULL, "BillingAddress", NULL },
	{ "BillingState", SF_STRING, 80, NCU | SFF_COMPOUND, NULL, NULL, "BillingAddress", NULL },
	{ "BillingPostalCode", SF_STRING, 20, NCU | SFF_COMPOUND, NULL, NULL, "BillingAddress", NULL },
	{ "BillingCountry", SF_STRING, 80, NCU | SFF_COMPOUND, NULL, NULL, "BillingAddress", NULL },
	{ "BillingAddress", SF_ADDRESS, 0, N, NULL, NULL, NULL, NULL },
	{ "Phone", SF_PHONE, 40, NCU, NULL, NULL, NULL, NULL },
	{ "Website", SF_URL, 255, NCU, NULL, NULL, NULL, NULL },
	{ "Industry", SF_PICKLIST, 255, NCU, NULL, NULL, NULL,
	    "Technology|Manufacturing|Finance|Healthcare|Retail|Education|Energy|Transportation|Media|Consulting" },
	{ "AnnualRevenue", SF_CURRENCY, 0, NCU, NULL, NULL, NULL, NULL },
	{ "NumberOfEmployees", SF_INT, 0, NCU, NULL, NULL, NULL, NULL },
	{ "OwnerId", SF_REFERENCE, 18, CU, "User", "Owner", NULL, NULL },
	{ "AccountSource", SF_PICKLIST, 255, NCU, NULL, NULL, NULL, "Web|Phone Inquiry|Partner Referral|Trade Show|Other" },
	{ "Days_Since_Created__c", SF_DOUBLE, 0, N | SFF_CALC | SFF_CUSTOM, NULL, NULL, NULL, NULL },
};

static const struct sf_field contact_fields[] = {
	SYSTEM_FIELDS(Contact),
	{ "MasterRecordId", SF_REFERENCE, 18, N, "Contact", "MasterRecord", NULL, NULL },
	{ "AccountId", SF_REFERENCE, 18, NCU, "Account", "Account", NULL, NULL },
	{ "LastName", SF_STRING, 80, CU, NULL, NULL, NULL, NULL },
	{ "FirstName", SF_STRING, 40, NCU, NULL, NULL, NULL, NULL },
	{ "Name", SF_STRING, 121, 0, NULL, NULL, NULL, NULL },
	{ "MailingCity", SF_STRING, 40, NCU | SFF_COMPOUND, NULL, NULL, "MailingAddress", NULL },
	{ "MailingCountry", SF_STRING, 80, NCU | SFF_COMPOUND, NULL, NULL, "MailingAddress", NULL },
	{ "MailingAddress", SF_ADDRESS, 0, N, NULL, NULL, NULL, NULL },
	{ "Phone", SF_PHONE, 40, NCU, NULL, NULL, NULL, NULL },
	{ "MobilePhone", SF_PHONE, 40, NCU, NULL, NULL, NULL, NULL },
	{ "Email", SF_EMAIL, 80, NCU, NULL, NULL, NULL, NULL },
	{ "Title", SF_STRING, 128, NCU, NULL, NULL, NULL, NULL },
	{ "Department", SF_STRING, 80, NCU, NULL, NULL, NULL, NULL },
	{ "LeadSource", SF_PICKLIST, 255, NCU, NULL, NULL, NULL, "Web|Phone Inquiry|Partner Referral|Trade Show|Other" },
	{ "OwnerId", SF_REFERENCE, 18, CU, "User", "Owner", NULL, NULL },
	{ "HasOptedOutOfEmail", SF_BOOLEAN, 0, CU, NULL, NULL, NULL, NULL },
	{ "Birthdate", SF_DATE, 0, NCU, NULL, NULL, NULL, NULL },
	{ "Description", SF_TEXTAREA, 32000, NCU, NULL, NULL, NULL, NULL },
};

static const struct sf_field lead_fields[] = {
	SYSTEM_FIELDS(Lead),
	{ "MasterRecordId", SF_REFERENCE, 18, N, "Lead", "MasterRecord", NULL, NULL },
	{ "LastName", SF_STRING, 80, CU, NULL, NULL, NULL, NULL },
	{ "FirstName", SF_STRING, 40, NCU, NULL, NULL, NULL, NULL },
	{ "Name", SF_STRING, 121, 0, NULL, NULL, NULL, NULL },
	{ "Title", SF_STRING, 128, NCU, NULL, NULL, NULL, NULL },
	{ "Company", SF_STRING, 255, CU, NULL, NULL, NULL, NULL },
	{ "City", SF_STRING, 40, NCU | SFF_COMPOUND, NULL, NULL, "Address", NULL },
	{ "Country", SF_STRING, 80, NCU | SFF_COMPOUND, NULL, NULL, "Address", NULL },
	{ "Address", SF_ADDRESS, 0, N, NULL, NULL, NULL, NULL },
	{ "Phone", SF_PHONE, 40, NCU, NULL, NULL, NULL, NULL },
	{ "MobilePhone", SF_PHONE, 40, NCU, NULL, NULL, NULL, NULL },
	{ "Fax", SF_PHONE, 40, NCU, NULL, NULL, NULL, NULL },
	{ "Email", SF_EMAIL, 80, NCU, NULL, NULL, NULL, NULL },
	{ "Website", SF_URL, 255, NCU, NULL, NULL, NULL, NULL },
	{ "LeadSource", SF_PICKLIST, 255, NCU, NULL, NULL, NULL, "Web|Phone Inquiry|Partner Referral|Trade Show|Other" },
	{ "Status", SF_PICKLIST, 255, CU, NULL, NULL, NULL,
	    "Open - Not Contacted|Working - Contacted|Closed - Converted|Closed - Not Converted" },
	{ "Industry", SF_PICKLIST, 255, NCU, NULL, NULL, NULL,
	    "Technology|Manufacturing|Finance|Healthcare|Retail|Education|Energy|Transportation|Media|Consulting" },
	{ "Rating", SF_PICKLIST, 255, NCU, NULL, NULL, NULL, "Hot|Warm|Cold" },
	{ "AnnualRevenue", SF_CURRENCY, 0, NCU, NULL, NULL, NULL, NULL },
	{ "NumberOfEmployees", SF_INT, 0, NCU, NULL, NULL, NULL, NULL },
	{ "OwnerId", SF_REFERENCE, 18, CU, "User|Group", "Owner", NULL, NULL },
	{ "IsConverted", SF_BOOLEAN, 0, 0, NULL, NULL, NULL, NULL },
	{ "ConvertedDate", SF_DATE, 0, N, NULL, NULL, NULL, NULL },
	{ "ConvertedAccountId", SF_REFERENCE, 18, N, "Account", "ConvertedAccount", NULL, NULL },
	{ "ConvertedContactId", SF_REFERENCE, 18, N, "Contact", "ConvertedContact", NULL, NULL },
	{ "ConvertedOpportunityId", SF_REFERENCE, 18, N, "Opportunity", "ConvertedOpportunity", NULL, NULL },
	{ "IsUnreadByOwner", SF_BOOLEAN, 0, CU, NULL, NULL, NULL, NULL },
	{ "HasOptedOutOfEmail", SF_BOOLEAN, 0, CU, NULL, NULL, NULL, NULL },
	{ "DoNotCall", SF_BOOLEAN, 0, CU, NULL, NULL, NULL, NULL },
	{ "Source_Message_Id__c", SF_STRING, 255, NCU | SFF_CUSTOM, NULL, NULL, NULL, NULL },
	{ "Created_By_System__c", SF_BOOLEAN, 0, CU | SFF_CUSTOM, NULL, NULL, NULL, NULL },
};

static const struct sf_field opportunity_fields[] = {
	SYSTEM_FIELDS(Opportunity),
	{ "AccountId", SF_REFERENCE, 18, NCU, "Account", "Account", NULL, NULL },
	{ "Name", SF_STRING, 120, CU, NULL, NULL, NULL, NULL },
	{ "StageName", SF_PICKLIST, 255, CU, NULL, NULL, NULL,
	    "Prospecting|Qualification|Needs Analysis|Proposal/Price Quote|Negotiation/Review|Closed Won|Closed Lost" },
	{ "Amount", SF_CURRENCY, 0, NCU, NULL, NULL, NULL, NULL },
	{ "Probability", SF_PERCENT, 0, NCU, NULL, NULL, NULL, NULL },
	{ "CloseDate", SF_DATE, 0, CU, NULL, NULL, NULL, NULL },
	{ "Type", SF_PICKLIST, 255, NCU, NULL, NULL, NULL, "New Customer|Existing Customer - Upgrade|Existing Customer - Renewal" },
	{ "LeadSource", SF_PICKLIST, 255, NCU, NULL, NULL, NULL, "Web|Phone Inquiry|Partner Referral|Trade Show|Other" },
	{ "IsClosed", SF_BOOLEAN, 0, 0, NULL, NULL, NULL, NULL },
	{ "IsWon", SF_BOOLEAN, 0, 0, NULL, NULL, NULL, NULL },
	{ "ForecastCategory", SF_PICKLIST, 40, 0, NULL, NULL, NULL, "Omitted|Pipeline|BestCase|Forecast|Closed" },
	{ "OwnerId", SF_REFERENCE, 18, CU, "User", "Owner", NULL, NULL },
};

static const struct sf_field task_fields[] = {
	SYSTEM_FIELDS(Task),
	{ "WhoId", SF_REFERENCE, 18, NCU, "Contact|Lead", "Who", NULL, NULL },
	{ "WhatId", SF_REFERENCE, 18, NCU, "Account|Opportunity", "What", NULL, NULL },
	{ "Subject", SF_STRING, 255, NCU, NULL, NULL, NULL, NULL },
	{ "ActivityDate", SF_DATE, 0, NCU, NULL, NULL, NULL, NULL },
	{ "Status", SF_PICKLIST, 40, CU, NULL, NULL, NULL, "Not Started|In Progress|Completed|Waiting on someone else|Deferred" },
	{ "Priority", SF_PICKLIST, 40, CU, NULL, NULL, NULL, "High|Normal|Low" },
	{ "IsHighPriority", SF_BOOLEAN, 0, 0, NULL, NULL, NULL, NULL },
	{ "OwnerId", SF_REFERENCE, 18, CU, "User", "Owner", NULL, NULL },
	{ "Description", SF_TEXTAREA, 32000, NCU, NULL, NULL, NULL, NULL },
	{ "AccountId", SF_REFERENCE, 18, N, "Account", "Account", NULL, NULL },
	{ "IsClosed", SF_BOOLEAN, 0, 0, NULL, NULL, NULL, NULL },
	{ "IsArchived", SF_BOOLEAN, 0, 0, NULL, NULL, NULL, NULL },
	{ "CallDurationInSeconds", SF_INT, 0, NCU, NULL, NULL, NULL, NULL },
	{ "CallType", SF_PICKLIST, 40, NCU, NULL, NULL, NULL, "Internal|Inbound|Outbound" },
	{ "CallDisposition", SF_STRING, 255, NCU, NULL, NULL, NULL, NULL },
	{ "TaskSubtype", SF_PICKLIST, 40, N | SFF_CREATE, NULL, NULL, NULL, "Task|Email|ListEmail|Cadence|Call|LinkedIn" },
	{ "CompletedDateTime", SF_DATETIME, 0, N, NULL, NULL, NULL, NULL },
};

static const struct sf_field event_fields[] = {
	SYSTEM_FIELDS(Event),
	{ "WhoId", SF_REFERENCE, 18, NCU, "Contact|Lead", "Who", NULL, NULL },
	{ "WhatId", SF_REFERENCE, 18, NCU, "Account|Opportunity", "What", NULL, NULL },
	{ "Subject", SF_STRING, 255, NCU, NULL, NULL, NULL, NULL },
	{ "Location", SF_STRING, 255, NCU, NULL, NULL, NULL, NULL },
	{ "IsAllDayEvent", SF_BOOLEAN, 0, CU, NULL, NULL, NULL, NULL },
	{ "ActivityDateTime", SF_DATETIME, 0, NCU, NULL, NULL, NULL, NULL },
	{ "ActivityDate", SF_DATE, 0, NCU, NULL, NULL, NULL, NULL },
	{ "DurationInMinutes", SF_INT, 0, NCU, NULL, NULL, NULL, NULL },
	{ "StartDateTime", SF_DATETIME, 0, NCU, NULL, NULL, NULL, NULL },
	{ "EndDateTime", SF_DATETIME, 0, NCU, NULL, NULL, NULL, NULL },
	{ "Description", SF_TEXTAREA, 32000, NCU, NULL, NULL, NULL, NULL },
	{ "AccountId", SF_REFERENCE, 18, N, "Account", "Account", NULL, NULL },
	{ "OwnerId", SF_REFERENCE, 18, CU, "User", "Owner", NULL, NULL },
	{ "Type", SF_PICKLIST, 40, NCU, NULL, NULL, NULL, "Call|Email|Meeting|Other" },
	{ "IsPrivate", SF_BOOLEAN, 0, CU, NULL, NULL, NULL, NULL },
	{ "ShowAs", SF_PICKLIST, 40, NCU, NULL, NULL, NULL, "Busy|OutOfOffice|Free" },
	{ "IsArchived", SF_BOOLEAN, 0, 0, NULL, NULL, NULL, NULL },
	{ "EventSubtype", SF_PICKLIST, 40, N | SFF_CREATE, NULL, NULL, NULL, "Event" },
};

static const struct sf_field emailmessage_fields[] = {
	SYSTEM_FIELDS(EmailMessage),
	{ "ParentId", SF_REFERENCE, 18, NCU, "Case", "Parent", NULL, NULL },
	{ "ActivityId", SF_REFERENCE, 18, N, "Task", "Activity", NULL, NULL },
	{ "TextBody", SF_TEXTAREA, 32000, NCU, NULL, NULL, NULL, NULL },
	{ "HtmlBody", SF_TEXTAREA, 131072, NCU, NULL, NULL, NULL, NULL },
	{ "Headers", SF_TEXTAREA, 32000, NCU, NULL, NULL, NULL, NULL },
	{ "Subject", SF_STRING, 3000, NCU, NULL, NULL, NULL, NULL },
	{ "FromName", SF_STRING, 1000, NCU, NULL, NULL, NULL, NULL },
	{ "FromAddress", SF_EMAIL, 1000, NCU, NULL, NULL, NULL, NULL },
	{ "ToAddress", SF_STRING, 4000, NCU, NULL, NULL, NULL, NULL },
	{ "CcAddress", SF_STRING, 4000, NCU, NULL, NULL, NULL, NULL },
	{ "BccAddress", SF_STRING, 4000, NCU, NULL, NULL, NULL, NULL },
	{ "Incoming", SF_BOOLEAN, 0, CU, NULL, NULL, NULL, NULL },
	{ "HasAttachment", SF_BOOLEAN, 0, 0, NULL, NULL, NULL, NULL },
	{ "Status", SF_PICKLIST, 40, CU, NULL, NULL, NULL, "0|1|2|3|4|5" },
	{ "MessageDate", SF_DATETIME, 0, NCU, NULL, NULL, NULL, NULL },
	{ "RelatedToId", SF_REFERENCE, 18, NCU, "Account|Opportunity|Contact|Lead", "RelatedTo", NULL, NULL },
	{ "MessageIdentifier", SF_STRING, 255, NCU, NULL, NULL, NULL, NULL },
	{ "ThreadIdentifier", SF_STRING, 255, NCU, NULL, NULL, NULL, NULL },
	{ "IsExternallyVisible", SF_BOOLEAN, 0, CU, NULL, NULL, NULL, NULL },
};

static const struct sf_field user_fields[] = {
	SYSTEM_FIELDS(User),
	{ "Username", SF_STRING, 80, CU, NULL, NULL, NULL, NULL },
	{ "FirstName", SF_STRING, 40, NCU, NULL, NULL, NULL, NULL },
	{ "LastName", SF_STRING, 80, CU, NULL, NULL, NULL, NULL },
	{ "Name", SF_STRING, 121, 0, NULL, NULL, NULL, NULL },
	{ "Email", SF_EMAIL, 128, CU, NULL, NULL, NULL, NULL },
	{ "Phone", SF_PHONE, 40, NCU, NULL, NULL, NULL, NULL },
	{ "Title", SF_STRING, 80, NCU, NULL, NULL, NULL, NULL },
	{ "IsActive", SF_BOOLEAN, 0, CU, NULL, NULL, NULL, NULL },
};

static const struct sf_field group_fields[] = {
	SYSTEM_FIELDS(Group),
	{ "Name", SF_STRING, 40, CU, NULL, NULL, NULL, NULL },
	{ "Type", SF_PICKLIST, 40, CU, NULL, NULL, NULL, "Queue|Regular" },
};

#define OBJ(n, p, l, f, a) { n, p, l, f, sizeof f / sizeof f[0], a, NULL, 0, 0, 0 }
struct sf_obj sf_objects[] = {
	OBJ("Account", "001", "Account", account_fields, 0),
	OBJ("Contact", "003", "Contact", contact_fields, 0),
	OBJ("Lead", "00Q", "Lead", lead_fields, 0),
	OBJ("Opportunity", "006", "Opportunity", opportunity_fields, 0),
	OBJ("Task", "00T", "Task", task_fields, 1),
	OBJ("Event", "00U", "Event", event_fields, 1),
	OBJ("EmailMessage", "02s", "Email Message", emailmessage_fields, 0),
	OBJ("User", "005", "User", user_fields, 0),
	OBJ("Group", "00G", "Group", group_fields, 0),
};
const size_t sf_nobjects = sizeof sf_objects / sizeof sf_objects[0];

struct sf_obj *
sf_obj_find(const char *name)
{
	size_t i;

	for (i = 0; i < sf_nobjects; i++)
		if (strcasecmp(sf_objects[i].name, name) == 0)
			return &sf_objects[i];
	return NULL;
}

const struct sf_field *
sf_field_find(const struct sf_obj *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nfields; i++)
		if (strcasecmp(o->fields[i].name, name) == 0)
			return &o->fields[i];
	return NULL;
}

static const char b62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void
make_id(const struct sf_obj *o, uint64_t n, char out[19])
{
	static const char suf[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
	int i, j;

	memcpy(out, o->prefix, 3);
	memcpy(out + 3, "5g0000", 6);
	n += 62ULL * 62 * 62 * 62 * 10;
	for (i = 14; i >= 9; i--) {
		out[i] = b62[n % 62];
		n /= 62;
	}
	for (i = 0; i < 3; i++) {
		int flags = 0;
		for (j = 0; j < 5; j++)
			if (out[i * 5 + j] >= 'A' && out[i * 5 + j] <= 'Z')
				flags |= 1 << j;
		out[15 + i] = suf[flags];
	}
	out[18] = '\0';
}

static const char *
rec_id(const struct sf_rec *r)
{
	return cJSON_GetObjectItemCaseSensitive(r->v, "Id")->valuestring;
}

struct sf_rec *
sf_rec_find(const char *id, struct sf_obj **obj)
{
	size_t i, lo, hi;
	size_t n = strlen(id);

	if (n != 15 && n != 18)
		return NULL;
	for (i = 0; i < sf_nobjects; i++) {
		struct sf_obj *o = &sf_objects[i];
		if (strncmp(o->prefix, id, 3) != 0)
			continue;
		lo = 0;
		hi = o->n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c = strncmp(rec_id(&o->recs[mid]), id, 15);
			if (c == 0) {
				if (obj)
					*obj = o;
				return &o->recs[mid];
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return NULL;
}

void
sf_fmt_dt(struct buf *b, int64_t ms)
{
	struct buf t = BUF_INIT;

	fake_fmt_iso(&t, ms);
	buf_add(b, t.data, 23);   /* YYYY-MM-DDTHH:MM:SS.sss */
	buf_addstr(b, "+0000");
	buf_release(&t);
}

void
sf_fmt_date(struct buf *b, int64_t ms)
{
	struct buf t = BUF_INIT;

	fake_fmt_iso(&t, ms);
	buf_add(b, t.data, 10);
	buf_release(&t);
}

static void
set(struct sf_rec *r, const char *k, cJSON *v)
{
	cJSON_ReplaceItemInObjectCaseSensitive(r->v, k, v);
}

static void
set_str(struct sf_rec *r, const char *k, const char *s)
{
	set(r, k, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static void
set_bool(struct sf_rec *r, const char *k, int v)
{
	set(r, k, cJSON_CreateBool(v));
}

static void
set_int(struct sf_rec *r, const char *k, long long v)
{
	set(r, k, cJSON_CreateNumber((double)v));
}

static void
set_raw(struct sf_rec *r, const char *k, const char *text)
{
	set(r, k, cJSON_CreateRaw(text));
}

static void
set_dt(struct sf_rec *r, const char *k, int64_t ms)
{
	struct buf b = BUF_INIT;

	sf_fmt_dt(&b, ms);
	set_str(r, k, buf_cstr(&b));
	buf_release(&b);
}

static void
set_date(struct sf_rec *r, const char *k, int64_t ms)
{
	struct buf b = BUF_INIT;

	sf_fmt_date(&b, ms);
	set_str(r, k, buf_cstr(&b));
	buf_release(&b);
}

static const char *
get_str(const struct sf_rec *r, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(r->v, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *default_user;  /* Id of the integration user */

struct sf_rec *
sf_rec_new(struct sf_obj *o, int64_t ms)
{
	struct sf_rec *r;
	char id[19];
	size_t i;

	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->recs = xrealloc(o->recs, o->cap * sizeof *o->recs);
	}
	r = &o->recs[o->n++];
	memset(r, 0, sizeof *r);
	r->v = cJSON_CreateObject();
	for (i = 0; i < o->nfields; i++) {
		const struct sf_field *f = &o->fields[i];
		if (f->type == SF_ADDRESS || (f->flags & SFF_CALC))
			continue;   /* computed when rendered */
		if (f->type == SF_BOOLEAN)
			cJSON_AddFalseToObject(r->v, f->name);
		else
			cJSON_AddNullToObject(r->v, f->name);
	}
	make_id(o, o->next_id++, id);
	set_str(r, "Id", id);
	ms -= ms % 1000;
	set_dt(r, "CreatedDate", ms);
	if (default_user) {
		set_str(r, "CreatedById", default_user);
		set_str(r, "LastModifiedById", default_user);
	}
	sf_rec_touch(r, ms, 1);
	return r;
}

void
sf_rec_touch(struct sf_rec *r, int64_t ms, int user)
{
	ms -= ms % 1000;   /* Salesforce stamps have whole seconds */
	if (user)
		set_dt(r, "LastModifiedDate", ms);
	set_dt(r, "SystemModstamp", ms);
	r->modstamp = ms;
}

/* ---- generation ---- */

#define DAY 86400000LL

static struct fake_rng g;
static int64_t epoch;

/* created within [epoch - 400d, epoch - 10d], whole seconds */
static int64_t
rand_created(void)
{
	int64_t t = epoch - 10 * DAY - (int64_t)fake_rng_below(&g,
	    390 * 86400) * 1000;

	return t - t % 1000;
}

static int64_t bulk_stamps[3];

/* Stamp a seeded record: modified some time after creation; 10 % share a
 * bulk-update stamp (ties), 15 % got a later system-only change. */
static void
stamp(struct sf_rec *r, int64_t created)
{
	int64_t mod = created + (int64_t)fake_rng_below(&g,
	    (uint64_t)((epoch - created) / 1000)) * 1000;
	int64_t sys = mod;

	set_dt(r, "CreatedDate", created);
	if (fake_rng_chance(&g, 0.10)) {
		int64_t b = bulk_stamps[fake_rng_below(&g, 3)];
		if (b >= created)
			mod = sys = b;
	} else if (fake_rng_chance(&g, 0.15)) {
		sys = mod + (int64_t)fake_rng_below(&g, 3 * 86400) * 1000;
		if (sys >= epoch)
			sys = mod;
	}
	set_dt(r, "LastModifiedDate", mod);
	set_dt(r, "SystemModstamp", sys);
	r->modstamp = sys;
}

static const char *
user_id_of_rep(size_t rep)
{
	struct sf_obj *u = sf_obj_find("User");

	return rec_id(&u->recs[1 + rep % fake_dir_reps()]);
}

static char *
full_name(const char *first, const char *last)
{
	struct buf b = BUF_INIT;
	size_t n;

	if (first && *first)
		buf_printf(&b, "%s %s", first, last);
	else
		buf_addstr(&b, last);
	return buf_detach(&b, &n);
}

static void
set_name(struct sf_rec *r, const char *first, const char *last)
{
	char *n = full_name(first, last);

	set_str(r, "FirstName", first);
	set_str(r, "LastName", last);
	set_str(r, "Name", n);
	free(n);
}

static const char *const country_names[][2] = {
	{ "US", "United States" }, { "GB", "United Kingdom" },
	{ "DE", "Germany" }, { "FR", "France" }, { "AU", "Australia" },
	{ "IN", "India" }, { "NL", "Netherlands" },
};
static const char *const cities[][2] = {
	{ "US", "San Francisco" }, { "GB", "London" }, { "DE", "Berlin" },
	{ "FR", "Paris" }, { "AU", "Sydney" }, { "IN", "Mumbai" },
	{ "NL", "Amsterdam" },
};

static const char *
lookup2(const char *const tab[][2], size_t n, const char *cc)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(tab[i][0], cc) == 0)
			return tab[i][1];
	return NULL;
}

#define COUNTRY(cc) lookup2(country_names, 7, cc)
#define CITY(cc) lookup2(cities, 7, cc)

static char *
stored_email(const struct fake_person *p)
{
	/* most as typed in lower case; some mixed case, as CRMs keep it */
	return fake_dir_email_variant(p, fake_rng_chance(&g, 0.2) ? 1 : 0);
}

static struct sf_rec *
make_contact(const struct fake_person *p, const char **acct_ids, int alt)
{
	struct sf_obj *o = sf_obj_find("Contact");
	struct sf_rec *r = sf_rec_new(o, 0);
	char *em = stored_email(p);

	stamp(r, rand_created());
	set_name(r, p->first, p->last);
	set_str(r, "Email", em);
	free(em);
	set_str(r, "Phone", alt && p->phone_e164 ? p->phone_e164 : p->phone);
	set_str(r, "MobilePhone", p->mobile);
	set_str(r, "Title", p->title);
	if (p->company)
		set_str(r, "AccountId", acct_ids[p->company->index]);
	set_str(r, "OwnerId", user_id_of_rep(p->rep));
	set_str(r, "MailingCity", CITY(p->country));
	set_str(r, "MailingCountry", COUNTRY(p->country));
	set_str(r, "LeadSource", fake_rng_chance(&g, 0.5) ? "Web" : NULL);
	if (fake_rng_chance(&g, 0.1))
		set_str(r, "Description", "Met at the \"Future of Ops\" "
		    "summit.\nPrefers calls after 3pm; won't take cold email.");
	return r;
}

static struct sf_rec *
make_lead(const struct fake_person *p)
{
	struct sf_obj *o = sf_obj_find("Lead");
	struct sf_rec *r = sf_rec_new(o, 0);
	char *em = stored_email(p);

	stamp(r, rand_created());
	set_name(r, p->first, p->last);
	set_str(r, "Email", em);
	free(em);
	set_str(r, "Phone", p->phone);
	set_str(r, "MobilePhone", p->mobile);
	set_str(r, "Title", p->title);
	set_str(r, "Company", p->company ? p->company->name : "[not provided]");
	if (p->company) {
		set_str(r, "Website", p->company->website);
		set_str(r, "Industry", p->company->industry);
	}
	set_str(r, "City", CITY(p->country));
	set_str(r, "Country", COUNTRY(p->country));
	set_str(r, "LeadSource", fake_rng_chance(&g, 0.6) ? "Web" : "Trade Show");
	set_str(r, "Status", fake_rng_chance(&g, 0.5) ? "Open - Not Contacted" :
	    "Working - Contacted");
	set_str(r, "Rating", fake_rng_chance(&g, 0.3) ? "Hot" : NULL);
	set_str(r, "OwnerId", user_id_of_rep(p->rep));
	set_bool(r, "IsUnreadByOwner", fake_rng_chance(&g, 0.3));
	return r;
}

static const char *
text_body(void)
{
	static const char *const bodies[] = {
		"Hi,\n\nThanks for the call today. As promised, the proposal "
		"is attached.\n\nBest,\n",
		"Quick follow-up: are you free Thursday for a \"deep dive\"? "
		"Our CTO's joining.\n",
		"Bonjour, merci pour votre réponse — à bientôt !\n",
		"Grüße aus Berlin. Die Unterlagen schicke ich Ihnen morgen.\n",
		"Re: pricing\n> Can you do 10% off?\nWe can do 8% on a two-year "
		"term.\n",
	};
	return bodies[fake_rng_below(&g, 5)];
}

static void
add_email_message(const struct fake_person *p, struct sf_rec *who,
    const char *related, const char *task_id)
{
	struct sf_obj *o = sf_obj_find("EmailMessage");
	struct sf_rec *r = sf_rec_new(o, 0);
	const struct fake_rep *rep = fake_dir_rep(p->rep);
	int incoming = fake_rng_chance(&g, 0.4);
	char *pe = fake_dir_email_variant(p, fake_rng_below(&g, 2));
	struct buf b = BUF_INIT, html = BUF_INIT;
	const char *body = text_body();
	int64_t created = rand_created();

	(void)who;
	stamp(r, created);
	set_dt(r, "MessageDate", created);
	if (incoming) {
		char *n = full_name(p->first, p->last);
		set_str(r, "FromAddress", pe);
		set_str(r, "FromName", n);
		free(n);
		set_str(r, "ToAddress", rep->email);
		set_str(r, "Status", "1");
	} else {
		char *n = full_name(rep->first, rep->last);
		set_str(r, "FromAddress", rep->email);
		set_str(r, "FromName", n);
		free(n);
		if (fake_rng_chance(&g, 0.3)) {
			const struct fake_person *q = fake_dir_person(
			    (p->index + 1) % fake_dir_people());
			buf_printf(&b, "%s; %s", pe, q->email);
			set_str(r, "ToAddress", buf_cstr(&b));
			buf_reset(&b);
		} else {
			set_str(r, "ToAddress", pe);
		}
		if (fake_rng_chance(&g, 0.2))
			set_str(r, "CcAddress", fake_dir_rep((p->rep + 1) %
			    fake_dir_reps())->email);
		set_str(r, "Status", "3");
	}
	set_bool(r, "Incoming", incoming);
	buf_printf(&b, "%s %s", incoming ? "Re:" : "Following up,",
	    p->company ? p->company->name : p->first);
	set_str(r, "Subject", buf_cstr(&b));
	set_str(r, "TextBody", body);
	buf_addstr(&html, "<html><body><p>");
	buf_addstr(&html, body);
	if (fake_rng_chance(&g, 0.05)) {
		/* a long quoted thread */
		int i;
		for (i = 0; i < 600; i++)
			buf_addstr(&html, "<blockquote>&gt; earlier message "
			    "text, quoted again and again</blockquote>\n");
	}
	buf_addstr(&html, "</p></body></html>");
	set_str(r, "HtmlBody", buf_cstr(&html));
	buf_reset(&b);
	buf_printf(&b, "<%08llx.%s@mail.%s>",
	    (unsigned long long)fake_rng_next(&g) & 0xffffffffULL,
	    rec_id(r), fake_dir_internal_domain());
	set_str(r, "MessageIdentifier", buf_cstr(&b));
	set_str(r, "RelatedToId", related);
	set_str(r, "ActivityId", task_id);
	set_str(r, "CreatedById", user_id_of_rep(p->rep));
	free(pe);
	buf_release(&b);
	buf_release(&html);
}

static void
add_activities(const struct fake_person *p, struct sf_rec *who,
    const char *account, const char *opp)
{
	struct sf_obj *task = sf_obj_find("Task");
	struct sf_obj *ev = sf_obj_find("Event");
	int n = 1 + (int)fake_rng_below(&g, 3), i;
	const char *task_id = NULL;

	for (i = 0; i < n; i++) {
		struct sf_rec *r = sf_rec_new(task, 0);
		int call = p->in_calls && fake_rng_chance(&g, 0.6);
		int64_t created = rand_created();
		int archived = created < epoch - 300 * DAY &&
		    fake_rng_chance(&g, 0.5);
		stamp(r, created);
		set_str(r, "WhoId", rec_id(who));
		set_str(r, "WhatId", opp && fake_rng_chance(&g, 0.5) ? opp :
		    account);
		set_str(r, "AccountId", account);
		set_str(r, "Subject", call ? "Call" : "Email: follow-up");
		set_str(r, "TaskSubtype", call ? "Call" : "Email");
		set_date(r, "ActivityDate", created);
		set_str(r, "Status", "Completed");
		set_str(r, "Priority", "Normal");
		set_bool(r, "IsClosed", 1);
		set_bool(r, "IsArchived", archived);
		set_dt(r, "CompletedDateTime", created + 3600000);
		set_str(r, "OwnerId", user_id_of_rep(p->rep));
		if (call) {
			set_int(r, "CallDurationInSeconds",
			    30 + (long long)fake_rng_below(&g, 1800));
			set_str(r, "CallType", fake_rng_chance(&g, 0.5) ?
			    "Outbound" : "Inbound");
			set_str(r, "CallDisposition", "Connected");
		} else {
			task_id = rec_id(r);
		}
	}
	if (fake_rng_chance(&g, 0.3)) {
		struct sf_rec *r = sf_rec_new(ev, 0);
		int64_t created = rand_created();
		int64_t start = created + 2 * DAY;
		start -= start % 1800000;
		stamp(r, created);
		set_str(r, "WhoId", rec_id(who));
		set_str(r, "WhatId", opp ? opp : account);
		set_str(r, "AccountId", account);
		set_str(r, "Subject", fake_rng_chance(&g, 0.5) ? "Demo" :
		    "Quarterly business review");
		set_dt(r, "ActivityDateTime", start);
		set_date(r, "ActivityDate", start);
		set_dt(r, "StartDateTime", start);
		set_dt(r, "EndDateTime", start + 3600000);
		set_int(r, "DurationInMinutes", 60);
		set_str(r, "Location", fake_rng_chance(&g, 0.5) ?
		    "Zoom" : "Client office");
		set_str(r, "Type", "Meeting");
		set_str(r, "ShowAs", "Busy");
		set_str(r, "EventSubtype", "Event");
		set_str(r, "OwnerId", user_id_of_rep(p->rep));
		set_bool(r, "IsArchived", created < epoch - 330 * DAY);
	}
	if (p->in_mail) {
		int m = 1 + (int)fake_rng_below(&g, 2);
		for (i = 0; i < m; i++)
			add_email_message(p, who, opp ? opp : account,
			    i == 0 ? task_id : NULL);
	}
}

static void
soft_delete(struct sf_rec *r, int64_t when)
{
	set_bool(r, "IsDeleted", 1);
	r->deleted = 1;
	r->deleted_at = when;
	set_dt(r, "SystemModstamp", when);
	r->modstamp = when;
}

void
sf_data_generate(void)
{
	size_t nc = fake_dir_companies(), np = fake_dir_people(), i;
	const char **acct = xcalloc(nc, sizeof *acct);
	const char **acct_opp = xcalloc(nc, sizeof *acct_opp);
	struct sf_obj *users = sf_obj_find("User");
	struct sf_obj *groups = sf_obj_find("Group");
	long long extra;

	epoch = fake_epoch_ms();
	fake_rng_init(&g, fake_seed(), "salesforce");
	bulk_stamps[0] = epoch - 30 * DAY + 3723000;
	bulk_stamps[1] = epoch - 7 * DAY + 7200000;
	bulk_stamps[2] = epoch - 2 * DAY + 45296000;
	for (i = 0; i < sf_nobjects; i++)
		sf_objects[i].next_id = 1000 + fake_rng_below(&g, 50000);

	/* users: the integration user, then the reps */
	{
		struct sf_rec *r = sf_rec_new(users, epoch - 800 * DAY);
		set_str(r, "Username", fake_opt("sf-username"));
		set_name(r, "Integration", "User");
		set_str(r, "Email", "integration@northwind.example");
		set_bool(r, "IsActive", 1);
		default_user = rec_id(r);
		set_str(r, "CreatedById", default_user);
		set_str(r, "LastModifiedById", default_user);
	}
	for (i = 0; i < fake_dir_reps(); i++) {
		const struct fake_rep *rp = fake_dir_rep(i);
		struct sf_rec *r = sf_rec_new(users, epoch - 700 * DAY);
		set_str(r, "Username", rp->email);
		set_name(r, rp->first, rp->last);
		set_str(r, "Email", rp->email);
		set_str(r, "Phone", rp->phone_e164);
		set_str(r, "Title", rp->title);
		set_bool(r, "IsActive", 1);
	}
	{
		struct sf_rec *r = sf_rec_new(groups, epoch - 700 * DAY);
		set_str(r, "Name", "Inbound Lead Queue");
		set_str(r, "Type", "Queue");
	}

	for (i = 0; i < nc; i++) {
		const struct fake_company *c = fake_dir_company(i);
		struct sf_rec *r = sf_rec_new(sf_obj_find("Account"), 0);
		struct buf b = BUF_INIT;
		stamp(r, rand_created());
		set_str(r, "Name", c->name);
		set_str(r, "Website", c->website);
		set_str(r, "Phone", c->phone);
		set_str(r, "Industry", c->industry);
		if (c->revenue) {
			buf_printf(&b, "%lld.0", c->revenue);
			set_raw(r, "AnnualRevenue", buf_cstr(&b));
		}
		buf_release(&b);
		set_int(r, "NumberOfEmployees", c->employees);
		set_str(r, "BillingCity", CITY(c->country));
		set_str(r, "BillingCountry", COUNTRY(c->country));
		set_str(r, "Type", fake_rng_chance(&g, 0.5) ? "Customer - Direct" :
		    "Prospect");
		set_str(r, "OwnerId", user_id_of_rep(i));
		acct[i] = xstrdup(rec_id(r));
	}
	/* opportunities for 60 % of accounts */
	for (i = 0; i < nc; i++) {
		static const char *const stages[] = { "Prospecting",
			"Qualification", "Needs Analysis", "Proposal/Price Quote",
			"Negotiation/Review", "Closed Won", "Closed Lost" };
		static const int prob[] = { 10, 20, 25, 50, 80, 100, 0 };
		int k, n;
		if (!fake_rng_chance(&g, 0.6))
			continue;
		n = 1 + (int)fake_rng_below(&g, 2);
		for (k = 0; k < n; k++) {
			struct sf_rec *r = sf_rec_new(sf_obj_find("Opportunity"), 0);
			size_t s = fake_rng_below(&g, 7);
			struct buf b = BUF_INIT;
			int64_t created = rand_created();
			stamp(r, created);
			set_str(r, "AccountId", acct[i]);
			buf_printf(&b, "%s - %s", fake_dir_company(i)->name,
			    k ? "Expansion" : "New Business");
			set_str(r, "Name", buf_cstr(&b));
			buf_reset(&b);
			set_str(r, "StageName", stages[s]);
			if (fake_rng_chance(&g, 0.85)) {
				buf_printf(&b, "%llu.%s", (unsigned long long)
				    (fake_rng_below(&g, 500) + 5) * 1000,
				    fake_rng_chance(&g, 0.2) ? "5" : "0");
				set_raw(r, "Amount", buf_cstr(&b));
				buf_reset(&b);
			}
			buf_printf(&b, "%d.0", prob[s]);
			set_raw(r, "Probability", buf_cstr(&b));
			buf_release(&b);
			set_date(r, "CloseDate", created + 60 * DAY);
			set_bool(r, "IsClosed", s >= 5);
			set_bool(r, "IsWon", s == 5);
			set_str(r, "ForecastCategory", s == 5 ? "Closed" :
			    s == 6 ? "Omitted" : "Pipeline");
			set_str(r, "OwnerId", user_id_of_rep(i));
			if (k == 0)
				acct_opp[i] = xstrdup(rec_id(r));
		}
	}

	for (i = 0; i < np; i++) {
		const struct fake_person *p = fake_dir_person(i);
		const char *a = p->company ? acct[p->company->index] : NULL;
		const char *opp = p->company ? acct_opp[p->company->index] : NULL;
		struct sf_rec *c = NULL, *l = NULL;

		switch (p->sf_role) {
		case FAKE_SF_NONE:
			continue;
		case FAKE_SF_CONTACT:
			c = make_contact(p, acct, 0);
			break;
		case FAKE_SF_LEAD:
			l = make_lead(p);
			break;
		case FAKE_SF_CONVERTED: {
			int64_t conv;
			l = make_lead(p);
			c = make_contact(p, acct, 0);
			conv = ((struct sf_rec *)c)->modstamp;
			set_bool(l, "IsConverted", 1);
			set_str(l, "Status", "Closed - Converted");
			set_str(l, "ConvertedContactId", get_str(c, "Id"));
			set_str(l, "ConvertedAccountId", a ? a : acct[i % nc]);
			if (!a)
				set_str(c, "AccountId", acct[i % nc]);
			set_date(l, "ConvertedDate", conv);
			if (l->modstamp < conv)
				sf_rec_touch(l, conv, 0);
			break;
		}
		}
		if (p->sf_dup && c) {
			/* a second contact with the same address: a tie */
			struct sf_rec *d = make_contact(p, acct, 1);
			set_str(d, "Email", get_str(c, "Email"));
			if (p->company && p->company->shares_domain)
				set_str(d, "AccountId", acct[p->company->index
				    == 1 ? 3 : 1]);
		}
		add_activities(p, c ? c : l, c ? (a ? a : get_str(c,
		    "AccountId")) : NULL, c ? opp : NULL);
	}

	/* filler records when the options ask for more than the directory */
	extra = fake_opt_int("sf-contacts") - (long long)sf_obj_find("Contact")->n;
	for (i = 0; extra > 0 && (long long)i < extra; i++) {
		const struct fake_person *p = fake_dir_person(i % (np ? np : 1));
		struct sf_rec *r = sf_rec_new(sf_obj_find("Contact"), 0);
		struct buf b = BUF_INIT;
		stamp(r, rand_created());
		if (p) {
			const char *at = strchr(p->email, '@');
			set_name(r, p->first, p->last);
			buf_printf(&b, "%.*s.%zu%s", (int)(at - p->email),
			    p->email, i, at);
			set_str(r, "Email", buf_cstr(&b));
			set_str(r, "Phone", p->phone);
		} else {
			set_name(r, "Filler", "Contact");
		}
		set_str(r, "AccountId", acct[i % nc]);
		set_str(r, "OwnerId", user_id_of_rep(i));
		buf_release(&b);
	}
	extra = fake_opt_int("sf-leads") - (long long)sf_obj_find("Lead")->n;
	for (i = 0; extra > 0 && (long long)i < extra; i++) {
		struct sf_rec *r = sf_rec_new(sf_obj_find("Lead"), 0);
		struct buf b = BUF_INIT;
		stamp(r, rand_created());
		buf_printf(&b, "Prospect%zu", i);
		set_name(r, "Pat", buf_cstr(&b));
		buf_reset(&b);
		buf_printf(&b, "pat.prospect%zu@%s", i,
		    fake_dir_company(i % nc)->domain);
		set_str(r, "Email", buf_cstr(&b));
		set_str(r, "Company", fake_dir_company(i % nc)->name);
		set_str(r, "Status", "Open - Not Contacted");
		set_str(r, "OwnerId", user_id_of_rep(i));
		buf_release(&b);
	}
	extra = fake_opt_int("sf-tasks") - (long long)sf_obj_find("Task")->n;
	for (i = 0; extra > 0 && (long long)i < extra; i++) {
		struct sf_obj *co = sf_obj_find("Contact");
		struct sf_rec *r = sf_rec_new(sf_obj_find("Task"), 0);
		int64_t created = rand_created();
		stamp(r, created);
		if (co->n)
			set_str(r, "WhoId", rec_id(&co->recs[i % co->n]));
		set_str(r, "Subject", "Call");
		set_str(r, "TaskSubtype", "Call");
		set_date(r, "ActivityDate", created);
		set_str(r, "Status", "Completed");
		set_str(r, "Priority", "Normal");
		set_bool(r, "IsClosed", 1);
		set_str(r, "OwnerId", user_id_of_rep(i));
	}

	/* the recycle bin: a few soft-deleted rows, one merged contact */
	{
		struct sf_obj *co = sf_obj_find("Contact");
		struct sf_obj *le = sf_obj_find("Lead");
		for (i = 5; i < co->n; i += 37)
			soft_delete(&co->recs[i], epoch - 3 * DAY + (int64_t)i * 1000);
		for (i = 7; i < le->n; i += 41)
			soft_delete(&le->recs[i], epoch - 2 * DAY + (int64_t)i * 1000);
		if (co->n > 12) {
			struct sf_rec *m = &co->recs[11];
			set_str(m, "MasterRecordId", rec_id(&co->recs[10]));
			soft_delete(m, epoch - 1 * DAY);
		}
	}

	for (i = 0; i < nc; i++) {
		free((char *)acct[i]);
		free((char *)acct_opp[i]);
	}
	free(acct);
	free(acct_opp);
}

void
sf_data_release(void)
{
	size_t i, k;

	for (i = 0; i < sf_nobjects; i++) {
		struct sf_obj *o = &sf_objects[i];
		for (k = 0; k < o->n; k++)
			cJSON_Delete(o->recs[k].v);
		free(o->recs);
		o->recs = NULL;
		o->n = o->cap = 0;
	}
	default_user = NULL;
}
