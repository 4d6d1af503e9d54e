/*
 * salesforce.c: the fake Salesforce org's HTTP side, after
 * shared/api/salesforce.md: OAuth token endpoint (password, refresh token
 * with optional rotation, JWT bearer, client credentials), versions list,
 * limits, describe global / describe, query and queryAll with cursors,
 * getDeleted / getUpdated, record retrieve, Lead create and sObject
 * Collections, Bulk API 2.0 query jobs with CSV results, Sforce-Limit-Info.
 * See README.md for options and admin calls.
 */
#include "sf.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "banned.h"

static const char *const sf_prefixes[] = { "/services/", NULL };

static const struct fake_option sf_options[] = {
	{ "sf-contacts", "0", "at least this many contacts (filler added)" },
	{ "sf-leads", "0", "at least this many leads (filler added)" },
	{ "sf-tasks", "0", "at least this many tasks (filler added)" },
	{ "sf-client-id", "3MVG9fake.client.id", "connected app consumer key" },
	{ "sf-client-secret", "fake-client-secret", "consumer secret" },
	{ "sf-username", "integration@northwind.example", "API user" },
	{ "sf-password", "p4ss&word+1", "API user's password" },
	{ "sf-security-token", "SECTOKEN123", "API user's security token" },
	{ "sf-refresh-token", "5Aep861fake.refresh.token", "valid refresh token" },
	{ "sf-rotation", "0", "1: refresh-token rotation (new token each time, "
	    "old session and its cursors die)" },
	{ "sf-password-flow", "1", "0: username-password flow blocked" },
	{ "sf-jwt-public-key", "", "PEM public key checking JWT signatures "
	    "(empty: signatures not checked)" },
	{ "sf-token", "00D5g000004FAKE!static.session.token", "an access token "
	    "valid from the start (empty: none)" },
	{ "sf-api-max", "100000", "daily API request allocation" },
	{ "sf-api-used", "0", "API requests already used today" },
	{ "sf-limit-info", "plain", "Sforce-Limit-Info style: plain, bursts, "
	    "perapp" },
	{ "sf-max-batch", "2000", "most rows per query page" },
	{ "sf-short-pages", "0.1", "share of query pages cut short" },
	{ "sf-cursor-idle", "900", "seconds a query cursor lives unused" },
	{ "sf-cursor-max", "10", "open cursors per user" },
	{ "sf-bulk-polls", "2", "polls before a Bulk job completes" },
	{ "sf-bulk-chunk", "50000", "Bulk result rows per chunk by default" },
	{ "sf-query-timeout-days", "0", "QUERY_TIMEOUT when a query's "
	    "SystemModstamp window is wider (0: never)" },
	{ "sf-hidden", "", "fields hidden by FLS: Obj.Field,..." },
	{ "sf-no-emailmessage", "0", "1: the org has no EmailMessage" },
	{ "sf-dup-rule", "block", "duplicate rule on Lead Email: block, alert, "
	    "off" },
	{ NULL, NULL, NULL },
};

#define ORG_ID "00D5g000004FAKEAAA"
#define ORG_ID15 "00D5g000004FAKE"
#define QUEUE_NAME "Inbound Lead Queue"

/* ---- sessions ---- */

struct session {
	char *token;
	char *user_id;
	int valid;
	int rotated;      /* ended by a refresh with rotation */
	char *refresh;    /* the refresh token that made it, if any */
};
static struct session *sessions;
static size_t nsessions;
static char *refresh_tokens_valid;  /* the current refresh token */
static unsigned long token_counter;
static long long api_used;

/* ---- FLS ---- */

static char *hidden_query;     /* ",Obj.Field," lists */
static char *hidden_describe;

static int
in_list(const char *list, const char *obj, const char *field)
{
	struct buf b = BUF_INIT;
	int r;

	if (!list || !*list)
		return 0;
	buf_printf(&b, ",%s.%s,", obj, field);
	r = strcasestr(list, buf_cstr(&b)) != NULL;
	buf_release(&b);
	return r;
}

int
sf_field_hidden(const struct sf_obj *o, const struct sf_field *f,
    int for_query)
{
	/* /fls?hide=F hides F from queries only (describe still lists it:
	 * INVALID_FIELD); &describe=1 and --sf-hidden hide it from both */
	if (for_query)
		return in_list(hidden_query, o->name, f->name);
	return in_list(hidden_describe, o->name, f->name);
}

static void
list_add(char **list, const char *item)
{
	struct buf b = BUF_INIT;
	size_t n;

	buf_addstr(&b, *list && **list ? *list : ",");
	buf_printf(&b, "%s,", item);
	free(*list);
	*list = buf_detach(&b, &n);
}

static void
list_remove(char **list, const char *item)
{
	struct buf pat = BUF_INIT;
	char *p;

	if (!*list)
		return;
	buf_printf(&pat, ",%s,", item);
	while ((p = strcasestr(*list, buf_cstr(&pat))) != NULL)
		memmove(p, p + pat.len - 1, strlen(p + pat.len - 1) + 1);
	buf_release(&pat);
}

/* ---- cursors ---- */

struct cursor {
	char loc[19];
	struct sf_query *q;
	struct sf_obj *obj;
	size_t *idx;
	size_t n;
	char *user;
	size_t session;
	int64_t used_ms;     /* real clock */
	unsigned long age;   /* creation order */
	char version[16];
};
static struct cursor *cursors;
static size_t ncursors;
static unsigned long cursor_counter;

static void
cursor_drop(size_t i)
{
	sf_query_free(cursors[i].q);
	free(cursors[i].idx);
	free(cursors[i].user);
	cursors[i] = cursors[--ncursors];
}

static int64_t
real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Bulk jobs ---- */

struct job {
	char id[19];
	char *operation, *object, *query;
	char version[16];
	char *created;
	int polls;
	int state;    /* 0 UploadComplete, 1 InProgress, 2 JobComplete,
	                 3 Failed, 4 Aborted, 5 deleted */
	int fail;     /* will fail */
	struct buf csv;
	size_t *rows; /* offsets of row starts in csv (after header) */
	size_t nrows;
	size_t header_len;
	char delim;
	char *eol;
	char *user;
};
static struct job *jobs;
static size_t njobs;
static int bulk_fail_next;
static unsigned long job_counter;

/* ---- injected failures ---- */

struct failure {
	char *code;
	long count;
	char *prefix;
	struct failure *next;
};
static struct failure *failures;

/* ---- helpers ---- */

static void
sf_error(struct fake_resp *w, int status, const char *code, const char *msg)
{
	cJSON *a = cJSON_CreateArray(), *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddStringToObject(o, "errorCode", code);
	cJSON_AddItemToArray(a, o);
	fake_resp_json(w, status, a);
}

static void
oauth_error(struct fake_resp *w, int status, const char *err,
    const char *desc)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "error", err);
	cJSON_AddStringToObject(o, "error_description", desc);
	fake_resp_json(w, status, o);
}

static const char *
user_id_for(const char *username)
{
	struct sf_obj *u = sf_obj_find("User");
	size_t i;

	for (i = 0; i < u->n; i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(u->recs[i].v,
		    "Username");
		if (cJSON_IsString(v) && strcasecmp(v->valuestring,
		    username) == 0)
			return cJSON_GetObjectItemCaseSensitive(u->recs[i].v,
			    "Id")->valuestring;
	}
	return NULL;
}

static size_t
session_new(const char *user_id, const char *refresh)
{
	struct buf b = BUF_INIT;
	struct fake_rng g;
	size_t n;

	fake_rng_init(&g, fake_seed() + token_counter, "sf-token");
	buf_printf(&b, "%s!AQ4AQ%016llx%04lu", ORG_ID15,
	    (unsigned long long)fake_rng_next(&g), ++token_counter);
	sessions = xrealloc(sessions, (nsessions + 1) * sizeof *sessions);
	sessions[nsessions].token = buf_detach(&b, &n);
	sessions[nsessions].user_id = xstrdup(user_id);
	sessions[nsessions].valid = 1;
	sessions[nsessions].rotated = 0;
	sessions[nsessions].refresh = refresh ? xstrdup(refresh) : NULL;
	return nsessions++;
}

/* The session of a request, or -1. */
static long
session_of(const struct fake_req *r)
{
	char *t = fake_bearer(r);
	size_t i;
	long found = -1;

	if (!t)
		return -1;
	for (i = 0; i < nsessions; i++)
		if (strcmp(sessions[i].token, t) == 0) {
			found = sessions[i].valid ? (long)i : -1;
			break;
		}
	free(t);
	return found;
}

/* /_admin/salesforce/instance-url: token answers name another instance
 * (the same server under another name), after `instance_after` more */
static char *instance_url_override;
static long instance_after;

static void
token_response(const struct fake_req *r, struct fake_resp *w, size_t s,
    const char *flow, const char *new_refresh)
{
	cJSON *o = cJSON_CreateObject();
	struct buf b = BUF_INIT;

	cJSON_AddStringToObject(o, "access_token", sessions[s].token);
	if (new_refresh)
		cJSON_AddStringToObject(o, "refresh_token", new_refresh);
	if (strcmp(flow, "password") != 0)
		cJSON_AddStringToObject(o, "scope", "api refresh_token");
	if (instance_after == 0 && instance_url_override)
		cJSON_AddStringToObject(o, "instance_url", instance_url_override);
	else
		cJSON_AddStringToObject(o, "instance_url", r->base_url);
	if (instance_after > 0)
		instance_after--;
	buf_printf(&b, "%s/id/%s/%s", r->base_url, ORG_ID, sessions[s].user_id);
	cJSON_AddStringToObject(o, "id", buf_cstr(&b));
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	if (strcmp(flow, "jwt") != 0) {
		unsigned char sig[32];
		buf_reset(&b);
		buf_printf(&b, "%lld", (long long)real_ms());
		cJSON_AddStringToObject(o, "issued_at", buf_cstr(&b));
		buf_reset(&b);
		memset(sig, 0, sizeof sig);
		memcpy(sig, sessions[s].token, 16);
		fake_base64(&b, sig, sizeof sig, 0);
		cJSON_AddStringToObject(o, "signature", buf_cstr(&b));
	}
	buf_release(&b);
	fake_resp_json(w, 200, o);
}

static int
jwt_check(const char *assertion, char **sub, const char **err)
{
	const char *d1 = strchr(assertion, '.');
	const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	struct buf hdr = BUF_INIT, claims = BUF_INIT, sig = BUF_INIT;
	cJSON *h = NULL, *c = NULL, *v;
	const char *keyfile = fake_opt("sf-jwt-public-key");
	int rc = -1;
	double exp = 0;

	*err = "invalid assertion";
	if (!d1 || !d2 || fake_base64_decode(&hdr, assertion,
	    (size_t)(d1 - assertion)) || fake_base64_decode(&claims, d1 + 1,
	    (size_t)(d2 - d1 - 1)) || fake_base64_decode(&sig, d2 + 1,
	    strlen(d2 + 1)))
		goto out;
	h = cJSON_ParseWithLength(hdr.data ? hdr.data : "", hdr.len);
	c = cJSON_ParseWithLength(claims.data ? claims.data : "", claims.len);
	if (!h || !c)
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(h, "alg");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "RS256") != 0) {
		*err = "invalid assertion: algorithm not supported";
		goto out;
	}
	if (keyfile && *keyfile) {
		FILE *fp = fopen(keyfile, "r");
		EVP_PKEY *pk = fp ? PEM_read_PUBKEY(fp, NULL, NULL, NULL) : NULL;
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		int ok = 0;
		if (fp)
			fclose(fp);
		if (pk && ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(),
		    NULL, pk) == 1 && EVP_DigestVerify(ctx,
		    (const unsigned char *)sig.data, sig.len,
		    (const unsigned char *)assertion,
		    (size_t)(d2 - assertion)) == 1)
			ok = 1;
		EVP_MD_CTX_free(ctx);
		EVP_PKEY_free(pk);
		if (!ok) {
			*err = "invalid assertion: signature";
			goto out;
		}
	}
	v = cJSON_GetObjectItemCaseSensitive(c, "iss");
	if (!cJSON_IsString(v) || strcmp(v->valuestring,
	    fake_opt("sf-client-id")) != 0) {
		*err = "invalid client identifier";
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(c, "aud");
	if (!cJSON_IsString(v) || (strcmp(v->valuestring,
	    "https://login.salesforce.com") != 0 && strcmp(v->valuestring,
	    "https://test.salesforce.com") != 0)) {
		*err = "audience is invalid";
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(c, "exp");
	if (cJSON_IsNumber(v))
		exp = v->valuedouble;
	else if (cJSON_IsString(v))
		exp = strtod(v->valuestring, NULL);
	if (exp < (double)time(NULL) - 5) {
		*err = "expired authorization code";
		goto out;
	}
	if (exp > (double)time(NULL) + 3600) {
		*err = "invalid assertion: exp too far in the future";
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(c, "sub");
	if (!cJSON_IsString(v) || !user_id_for(v->valuestring)) {
		*err = "user hasn't approved this consumer";
		goto out;
	}
	*sub = xstrdup(v->valuestring);
	rc = 0;
out:
	cJSON_Delete(h);
	cJSON_Delete(c);
	buf_release(&hdr);
	buf_release(&claims);
	buf_release(&sig);
	return rc;
}

static int
token_endpoint(const struct fake_req *r, struct fake_resp *w)
{
	char *grant = fake_form_get(r, "grant_type");
	char *cid = fake_form_get(r, "client_id");
	char *secret = fake_form_get(r, "client_secret");

	if (strcmp(r->method, "POST") != 0) {
		oauth_error(w, 400, "invalid_request", "must use HTTP POST");
		goto out;
	}
	if (!grant) {
		oauth_error(w, 400, "unsupported_grant_type",
		    "grant type not supported");
	} else if (strcmp(grant, "password") == 0) {
		char *user = fake_form_get(r, "username");
		char *pass = fake_form_get(r, "password");
		struct buf want = BUF_INIT;
		buf_printf(&want, "%s%s", fake_opt("sf-password"),
		    fake_opt("sf-security-token"));
		if (!cid || strcmp(cid, fake_opt("sf-client-id")) != 0)
			oauth_error(w, 400, "invalid_client_id",
			    "client identifier invalid");
		else if (!secret || strcmp(secret,
		    fake_opt("sf-client-secret")) != 0)
			oauth_error(w, 400, "invalid_client",
			    "invalid client credentials");
		else if (!fake_opt_int("sf-password-flow") || !user || !pass ||
		    strcmp(user, fake_opt("sf-username")) != 0 ||
		    strcmp(pass, buf_cstr(&want)) != 0)
			oauth_error(w, 400, "invalid_grant",
			    "authentication failure");
		else
			token_response(r, w, session_new(user_id_for(user),
			    NULL), "password", NULL);
		buf_release(&want);
		free(user);
		free(pass);
	} else if (strcmp(grant, "refresh_token") == 0) {
		char *rt = fake_form_get(r, "refresh_token");
		if (!cid || strcmp(cid, fake_opt("sf-client-id")) != 0)
			oauth_error(w, 400, "invalid_client_id",
			    "client identifier invalid");
		else if (secret && strcmp(secret,
		    fake_opt("sf-client-secret")) != 0)
			oauth_error(w, 400, "invalid_client",
			    "invalid client credentials");
		else if (!rt || !refresh_tokens_valid ||
		    strcmp(rt, refresh_tokens_valid) != 0)
			oauth_error(w, 400, "invalid_grant",
			    "expired access/refresh token");
		else {
			char *newrt = NULL;
			size_t i, s;
			if (fake_opt_int("sf-rotation")) {
				struct buf b = BUF_INIT;
				size_t n;
				/* the old refresh token and its sessions die */
				for (i = 0; i < nsessions; i++)
					if (sessions[i].refresh &&
					    strcmp(sessions[i].refresh, rt) == 0 &&
					    sessions[i].valid) {
						sessions[i].valid = 0;
						sessions[i].rotated = 1;
					}
				buf_printf(&b, "5Aep861rotated.%lu.%llx",
				    ++token_counter, (unsigned long long)
				    fake_hash(0, rt, strlen(rt)));
				newrt = buf_detach(&b, &n);
				free(refresh_tokens_valid);
				refresh_tokens_valid = xstrdup(newrt);
			}
			s = session_new(user_id_for(fake_opt("sf-username")),
			    refresh_tokens_valid);
			token_response(r, w, s, "refresh", newrt);
			free(newrt);
		}
		free(rt);
	} else if (strcmp(grant,
	    "urn:ietf:params:oauth:grant-type:jwt-bearer") == 0) {
		char *as = fake_form_get(r, "assertion");
		char *sub = NULL;
		const char *err;
		if (!as)
			oauth_error(w, 400, "invalid_request",
			    "assertion is required");
		else if (jwt_check(as, &sub, &err) != 0)
			oauth_error(w, 400, strcmp(err, "invalid client "
			    "identifier") == 0 ? "invalid_client_id" :
			    "invalid_grant", err);
		else
			token_response(r, w, session_new(user_id_for(sub), NULL),
			    "jwt", NULL);
		free(as);
		free(sub);
	} else if (strcmp(grant, "client_credentials") == 0) {
		if (!cid || strcmp(cid, fake_opt("sf-client-id")) != 0 ||
		    !secret || strcmp(secret, fake_opt("sf-client-secret")) != 0)
			oauth_error(w, 400, "invalid_client",
			    "invalid client credentials");
		else
			token_response(r, w, session_new(user_id_for(
			    fake_opt("sf-username")), NULL), "client", NULL);
	} else {
		oauth_error(w, 400, "unsupported_grant_type",
		    "grant type not supported");
	}
out:
	free(grant);
	free(cid);
	free(secret);
	return 0;
}

/* ---- versions ---- */

static const char *const seasons[] = { "Winter", "Spring", "Summer" };

static void
versions(struct fake_resp *w)
{
	cJSON *a = cJSON_CreateArray();
	int v;

	for (v = 31; v <= 66; v++) {
		cJSON *o = cJSON_CreateObject();
		struct buf b = BUF_INIT;
		int k = v - 59 + 3 * 100;   /* keep it positive */
		int year = 24 + (k / 3 - 100);
		buf_printf(&b, "%s '%02d", seasons[k % 3], year);
		cJSON_AddStringToObject(o, "label", buf_cstr(&b));
		buf_reset(&b);
		buf_printf(&b, "/services/data/v%d.0", v);
		cJSON_AddStringToObject(o, "url", buf_cstr(&b));
		buf_reset(&b);
		buf_printf(&b, "%d.0", v);
		cJSON_AddStringToObject(o, "version", buf_cstr(&b));
		buf_release(&b);
		cJSON_AddItemToArray(a, o);
	}
	fake_resp_json(w, 200, a);
}

/* ---- limits ---- */

static void
limit_header(struct fake_resp *w)
{
	const char *style = fake_opt("sf-limit-info");

	if (strcmp(style, "bursts") == 0)
		fake_resp_header(w, "Sforce-Limit-Info",
		    "api-usage=%lld/%lld; api-bursts=1/750", api_used,
		    fake_opt_int("sf-api-max"));
	else if (strcmp(style, "perapp") == 0)
		fake_resp_header(w, "Sforce-Limit-Info",
		    "api-usage=%lld/%lld; per-app-api-usage=%lld/250"
		    "(appName=salesintel)", api_used,
		    fake_opt_int("sf-api-max"), api_used % 250);
	else
		fake_resp_header(w, "Sforce-Limit-Info", "api-usage=%lld/%lld",
		    api_used, fake_opt_int("sf-api-max"));
}

static void
add_limit(cJSON *o, const char *name, long long max, long long rem)
{
	cJSON *x = cJSON_AddObjectToObject(o, name);

	cJSON_AddNumberToObject(x, "Max", (double)max);
	cJSON_AddNumberToObject(x, "Remaining", (double)rem);
}

static void
limits(struct fake_resp *w)
{
	cJSON *o = cJSON_CreateObject();
	long long max = fake_opt_int("sf-api-max");
	long long rem = max - api_used;

	add_limit(o, "DailyApiRequests", max, rem < 0 ? 0 : rem);
	add_limit(o, "DailyBulkApiRequests", 15000, 15000);
	add_limit(o, "DailyBulkV2QueryJobs", 10000, 10000 - (long long)njobs);
	add_limit(o, "DailyBulkV2QueryFileStorageMB", 976562, 976562);
	add_limit(o, "DataStorageMB", 5, 5);
	fake_resp_json(w, 200, o);
}

/* ---- describe ---- */

static const char *
ftype_name(enum sf_ftype t)
{
	static const char *const n[] = { "id", "string", "textarea",
		"picklist", "email", "phone", "url", "boolean", "int", "double",
		"currency", "percent", "date", "datetime", "reference",
		"address" };
	return n[t];
}

static const char *
soap_type(enum sf_ftype t)
{
	switch (t) {
	case SF_ID: case SF_REFERENCE: return "tns:ID";
	case SF_BOOLEAN: return "xsd:boolean";
	case SF_INT: return "xsd:int";
	case SF_DOUBLE: case SF_CURRENCY: case SF_PERCENT: return "xsd:double";
	case SF_DATE: return "xsd:date";
	case SF_DATETIME: return "xsd:dateTime";
	case SF_ADDRESS: return "urn:address";
	default: return "xsd:string";
	}
}

static char *
label_of(const char *name)
{
	struct buf b = BUF_INIT;
	size_t i, n;
	const char *end = strstr(name, "__c");
	size_t len = end ? (size_t)(end - name) : strlen(name);

	for (i = 0; i < len; i++) {
		if (name[i] == '_') {
			buf_addch(&b, ' ');
			continue;
		}
		if (i && isupper((unsigned char)name[i]) &&
		    islower((unsigned char)name[i - 1]))
			buf_addch(&b, ' ');
		buf_addch(&b, name[i]);
	}
	return buf_detach(&b, &n);
}

static cJSON *
describe_field(const struct sf_obj *o, const struct sf_field *f)
{
	cJSON *x = cJSON_CreateObject();
	char *label = label_of(f->name);
	int isnum = f->type == SF_DOUBLE || f->type == SF_CURRENCY ||
	    f->type == SF_PERCENT;
	int isstr = f->type != SF_BOOLEAN && f->type != SF_INT && !isnum &&
	    f->type != SF_DATE && f->type != SF_DATETIME &&
	    f->type != SF_ADDRESS;
	cJSON *refs, *pl;

	(void)o;
	cJSON_AddBoolToObject(x, "autoNumber", 0);
	cJSON_AddNumberToObject(x, "byteLength", isstr ? f->length * 3 : 0);
	cJSON_AddBoolToObject(x, "calculated", (f->flags & SFF_CALC) != 0);
	if (f->compound)
		cJSON_AddStringToObject(x, "compoundFieldName", f->compound);
	else
		cJSON_AddNullToObject(x, "compoundFieldName");
	cJSON_AddBoolToObject(x, "createable", (f->flags & SFF_CREATE) != 0);
	cJSON_AddBoolToObject(x, "custom", (f->flags & SFF_CUSTOM) != 0);
	cJSON_AddBoolToObject(x, "defaultedOnCreate", f->type == SF_BOOLEAN ||
	    strcmp(f->name, "Id") == 0 || strcmp(f->name, "OwnerId") == 0);
	cJSON_AddNumberToObject(x, "digits", f->type == SF_INT ? 9 : 0);
	cJSON_AddBoolToObject(x, "externalId", 0);
	cJSON_AddBoolToObject(x, "filterable", f->type != SF_TEXTAREA ||
	    f->length <= 255);
	cJSON_AddBoolToObject(x, "idLookup", f->type == SF_ID ||
	    f->type == SF_EMAIL);
	cJSON_AddStringToObject(x, "label", label);
	cJSON_AddNumberToObject(x, "length", isstr ? f->length : 0);
	cJSON_AddStringToObject(x, "name", f->name);
	cJSON_AddBoolToObject(x, "nillable", (f->flags & SFF_NILLABLE) != 0);
	pl = cJSON_AddArrayToObject(x, "picklistValues");
	if (f->picklist) {
		const char *p = f->picklist;
		int first = 1;
		while (*p) {
			const char *e = strchr(p, '|');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char *v = xstrndup(p, n);
			cJSON *pv = cJSON_CreateObject();
			cJSON_AddBoolToObject(pv, "active", 1);
			cJSON_AddBoolToObject(pv, "defaultValue", first &&
			    strcmp(f->name, "Status") == 0);
			cJSON_AddStringToObject(pv, "label", v);
			cJSON_AddNullToObject(pv, "validFor");
			cJSON_AddStringToObject(pv, "value", v);
			cJSON_AddItemToArray(pl, pv);
			free(v);
			first = 0;
			p = e ? e + 1 : p + n;
		}
	}
	cJSON_AddNumberToObject(x, "precision", f->type == SF_CURRENCY ? 18 :
	    isnum ? 18 : 0);
	refs = cJSON_AddArrayToObject(x, "referenceTo");
	if (f->ref) {
		const char *p = f->ref;
		while (*p) {
			const char *e = strchr(p, '|');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char *v = xstrndup(p, n);
			cJSON_AddItemToArray(refs, cJSON_CreateString(v));
			free(v);
			p = e ? e + 1 : p + n;
		}
	}
	if (f->rel)
		cJSON_AddStringToObject(x, "relationshipName", f->rel);
	else
		cJSON_AddNullToObject(x, "relationshipName");
	cJSON_AddNumberToObject(x, "scale", f->type == SF_CURRENCY ? 2 :
	    isnum ? 2 : 0);
	cJSON_AddStringToObject(x, "soapType", soap_type(f->type));
	cJSON_AddBoolToObject(x, "sortable", f->type != SF_TEXTAREA ||
	    f->length <= 255);
	cJSON_AddStringToObject(x, "type", ftype_name(f->type));
	cJSON_AddBoolToObject(x, "unique", 0);
	cJSON_AddBoolToObject(x, "updateable", (f->flags & SFF_UPDATE) != 0);
	free(label);
	return x;
}

static int
obj_visible(const struct sf_obj *o)
{
	return !(strcmp(o->name, "EmailMessage") == 0 &&
	    fake_opt_int("sf-no-emailmessage"));
}

static void
obj_urls(cJSON *x, const struct sf_obj *o, const char *ver)
{
	cJSON *u = cJSON_AddObjectToObject(x, "urls");
	struct buf b = BUF_INIT;

	buf_printf(&b, "/services/data/%s/sobjects/%s", ver, o->name);
	cJSON_AddStringToObject(u, "sobject", buf_cstr(&b));
	buf_addstr(&b, "/describe");
	cJSON_AddStringToObject(u, "describe", buf_cstr(&b));
	buf_reset(&b);
	buf_printf(&b, "/services/data/%s/sobjects/%s/{ID}", ver, o->name);
	cJSON_AddStringToObject(u, "rowTemplate", buf_cstr(&b));
	buf_release(&b);
}

static cJSON *
obj_summary(const struct sf_obj *o, const char *ver)
{
	cJSON *x = cJSON_CreateObject();
	int act = strcmp(o->name, "User") != 0 && strcmp(o->name, "Group") != 0;

	cJSON_AddBoolToObject(x, "activateable", 0);
	cJSON_AddBoolToObject(x, "createable", act);
	cJSON_AddBoolToObject(x, "custom", 0);
	cJSON_AddBoolToObject(x, "deletable", act);
	cJSON_AddStringToObject(x, "keyPrefix", o->prefix);
	cJSON_AddStringToObject(x, "label", o->label);
	cJSON_AddStringToObject(x, "name", o->name);
	cJSON_AddBoolToObject(x, "queryable", 1);
	cJSON_AddBoolToObject(x, "replicateable", 1);
	cJSON_AddBoolToObject(x, "retrieveable", 1);
	cJSON_AddBoolToObject(x, "searchable", 1);
	cJSON_AddBoolToObject(x, "updateable", act);
	obj_urls(x, o, ver);
	return x;
}

static int
not_modified(const struct fake_req *r)
{
	const char *ims = fake_header(r, "If-Modified-Since");
	struct tm tm;

	if (!ims)
		return 0;
	memset(&tm, 0, sizeof tm);
	if (!strptime(ims, "%a, %d %b %Y %H:%M:%S", &tm))
		return 0;
	/* the schema never changes after start */
	return (int64_t)timegm(&tm) * 1000 >= fake_epoch_ms();
}

static void
describe_global(const struct fake_req *r, struct fake_resp *w,
    const char *ver)
{
	cJSON *o, *a;
	size_t i;

	if (not_modified(r)) {
		fake_resp_body(w, 304, NULL, "", 0);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "encoding", "UTF-8");
	cJSON_AddNumberToObject(o, "maxBatchSize", 200);
	a = cJSON_AddArrayToObject(o, "sobjects");
	for (i = 0; i < sf_nobjects; i++)
		if (obj_visible(&sf_objects[i]))
			cJSON_AddItemToArray(a, obj_summary(&sf_objects[i], ver));
	fake_resp_json(w, 200, o);
}

static void
describe(const struct fake_req *r, struct fake_resp *w, const struct sf_obj *ob,
    const char *ver)
{
	cJSON *o, *a;
	size_t i;

	if (not_modified(r)) {
		fake_resp_body(w, 304, NULL, "", 0);
		return;
	}
	o = obj_summary(ob, ver);
	cJSON_AddItemToObject(o, "childRelationships", cJSON_CreateArray());
	a = cJSON_AddArrayToObject(o, "fields");
	for (i = 0; i < ob->nfields; i++)
		if (!sf_field_hidden(ob, &ob->fields[i], 0))
			cJSON_AddItemToArray(a, describe_field(ob,
			    &ob->fields[i]));
	cJSON_AddItemToObject(o, "recordTypeInfos", cJSON_CreateArray());
	fake_resp_json(w, 200, o);
}

/* ---- query ---- */

static long
page_size(const struct fake_req *r, const struct sf_query *q)
{
	const char *h = fake_header(r, "Sforce-Query-Options");
	long n = 2000, max = (long)fake_opt_int("sf-max-batch");
	const char *p;

	if (h && (p = strcasestr(h, "batchSize=")) != NULL) {
		n = strtol(p + 10, NULL, 10);
		if (n < 200)
			n = 200;
		if (n > 2000)
			n = 2000;
	}
	if (sf_query_wide(q) && n > 200)
		n = 200;
	if (max > 0 && n > max)
		n = max;
	return n < 1 ? 1 : n;
}

static void
query_page(const struct fake_req *r, struct fake_resp *w, size_t ci,
    size_t off)
{
	struct cursor *c = &cursors[ci];
	cJSON *o = cJSON_CreateObject(), *recs;
	long size = page_size(r, c->q);
	size_t end, i;
	struct fake_rng g;

	/* sometimes a page is short: never infer the end from its size */
	fake_rng_init(&g, fake_seed() + off, c->loc);
	if (size > 1 && fake_rng_chance(&g, fake_opt_double("sf-short-pages")))
		size = size / 2;
	end = off + (size_t)size;
	if (end > c->n)
		end = c->n;
	cJSON_AddNumberToObject(o, "totalSize", (double)c->n);
	cJSON_AddBoolToObject(o, "done", end >= c->n);
	if (end < c->n) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "/services/data/%s/query/%s-%zu", c->version,
		    c->loc, end);
		cJSON_AddStringToObject(o, "nextRecordsUrl", buf_cstr(&b));
		buf_release(&b);
	}
	recs = cJSON_AddArrayToObject(o, "records");
	for (i = off; i < end; i++)
		cJSON_AddItemToArray(recs, sf_query_render(c->q,
		    &c->obj->recs[c->idx[i]], c->version));
	c->used_ms = real_ms();
	fake_resp_json(w, 200, o);
	if (end >= c->n)
		cursor_drop(ci);
}

static int
query_error(struct fake_resp *w, const char *code, char *msg)
{
	sf_error(w, 400, code, msg);
	free(msg);
	return 0;
}

static void
query_start(const struct fake_req *r, struct fake_resp *w, long s,
    const char *ver, int all)
{
	const char *soql = fake_query(r, "q");
	const char *code;
	char *msg = NULL;
	struct sf_query *q;
	struct sf_rec **rows;
	size_t n, i, ci;
	long days = (long)fake_opt_int("sf-query-timeout-days");

	if (!soql || !*soql) {
		sf_error(w, 400, "MALFORMED_QUERY", "A query string has to be "
		    "specified");
		return;
	}
	q = sf_query_parse(soql, 0, &code, &msg);
	if (!q) {
		query_error(w, code, msg);
		return;
	}
	if (days > 0) {
		int64_t lo, hi;
		sf_query_modstamp_span(q, &lo, &hi);
		if (hi == INT64_MAX)
			hi = fake_now_ms();
		if (hi - lo > (int64_t)days * 86400000LL) {
			sf_query_free(q);
			sf_error(w, 400, "QUERY_TIMEOUT", "Your query request "
			    "was running for too long.");
			return;
		}
	}
	rows = sf_query_run(q, all, &n);
	if (sf_query_is_count(q)) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "totalSize", (double)n);
		cJSON_AddBoolToObject(o, "done", 1);
		cJSON_AddArrayToObject(o, "records");
		fake_resp_json(w, 200, o);
		free(rows);
		sf_query_free(q);
		return;
	}
	/* a new cursor; the user's oldest goes when over the limit */
	{
		size_t mine = 0, oldest = (size_t)-1;
		for (i = 0; i < ncursors; i++)
			if (strcmp(cursors[i].user, sessions[s].user_id) == 0) {
				mine++;
				if (oldest == (size_t)-1 ||
				    cursors[i].age < cursors[oldest].age)
					oldest = i;
			}
		if ((long long)mine >= fake_opt_int("sf-cursor-max") &&
		    oldest != (size_t)-1)
			cursor_drop(oldest);
	}
	cursors = xrealloc(cursors, (ncursors + 1) * sizeof *cursors);
	ci = ncursors++;
	memset(&cursors[ci], 0, sizeof cursors[ci]);
	{
		struct fake_rng g;
		int k;
		static const char al[] =
		    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
		fake_rng_init(&g, fake_seed() + ++cursor_counter, "sf-cursor");
		memcpy(cursors[ci].loc, "01g5g0000", 9);
		for (k = 9; k < 18; k++)
			cursors[ci].loc[k] = al[fake_rng_below(&g, 62)];
		cursors[ci].loc[18] = '\0';
	}
	cursors[ci].q = q;
	cursors[ci].obj = (struct sf_obj *)sf_query_obj(q);
	cursors[ci].idx = xmalloc((n ? n : 1) * sizeof(size_t));
	for (i = 0; i < n; i++)
		cursors[ci].idx[i] = (size_t)(rows[i] - cursors[ci].obj->recs);
	cursors[ci].n = n;
	cursors[ci].user = xstrdup(sessions[s].user_id);
	cursors[ci].session = (size_t)s;
	cursors[ci].age = cursor_counter;
	snprintf(cursors[ci].version, sizeof cursors[ci].version, "%s", ver);
	free(rows);
	query_page(r, w, ci, 0);
}

static void
query_more(const struct fake_req *r, struct fake_resp *w, long s,
    const char *locoff)
{
	const char *dash = strrchr(locoff, '-');
	size_t i, off;
	int64_t idle = fake_opt_int("sf-cursor-idle") * 1000;

	if (!dash || dash - locoff != 18) {
		sf_error(w, 400, "INVALID_QUERY_LOCATOR", "invalid query locator");
		return;
	}
	off = strtoul(dash + 1, NULL, 10);
	for (i = 0; i < ncursors; i++) {
		if (strncmp(cursors[i].loc, locoff, 18) != 0)
			continue;
		if (real_ms() - cursors[i].used_ms > idle ||
		    sessions[cursors[i].session].rotated ||
		    strcmp(cursors[i].user, sessions[s].user_id) != 0 ||
		    off > cursors[i].n) {
			if (off <= cursors[i].n)
				cursor_drop(i);
			break;
		}
		query_page(r, w, i, off);
		return;
	}
	sf_error(w, 400, "INVALID_QUERY_LOCATOR", "invalid query locator");
}

/* ---- deleted / updated ---- */

static void
deleted_or_updated(const struct fake_req *r, struct fake_resp *w,
    struct sf_obj *o, int deleted)
{
	const char *st = fake_query(r, "start"), *en = fake_query(r, "end");
	int64_t start, end, now = fake_now_ms(), earliest;
	cJSON *out, *a;
	struct buf b = BUF_INIT;
	size_t i, count = 0;

	if (!st || !en || fake_parse_iso(st, &start) ||
	    fake_parse_iso(en, &end)) {
		sf_error(w, 400, "MALFORMED_QUERY", "Bad date format: "
		    "start and end must be ISO 8601 dateTimes");
		return;
	}
	earliest = now - (deleted ? 15 : 30) * 86400000LL;
	earliest -= earliest % 60000;
	if (start < earliest) {
		sf_error(w, 400, "INVALID_REPLICATION_DATE",
		    "startDate before org replication enabled date");
		return;
	}
	if (end - start < 60000) {
		sf_error(w, 400, "INVALID_REPLICATION_DATE",
		    "startDate must chronologically precede endDate by more "
		    "than one minute");
		return;
	}
	if (end > now)
		end = now;
	end -= end % 60000;
	out = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(out, deleted ? "deletedRecords" : "ids");
	for (i = 0; i < o->n; i++) {
		struct sf_rec *x = &o->recs[i];
		const char *id = cJSON_GetObjectItemCaseSensitive(x->v,
		    "Id")->valuestring;
		if (deleted) {
			if (!x->deleted || x->deleted_at < start ||
			    x->deleted_at >= end)
				continue;
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "id", id);
			buf_reset(&b);
			sf_fmt_dt(&b, x->deleted_at);
			cJSON_AddStringToObject(d, "deletedDate", buf_cstr(&b));
			cJSON_AddItemToArray(a, d);
		} else {
			if (x->deleted || x->purged || x->modstamp < start ||
			    x->modstamp >= end)
				continue;
			cJSON_AddItemToArray(a, cJSON_CreateString(id));
		}
		count++;
	}
	if (count > 600000) {
		cJSON_Delete(out);
		sf_error(w, 400, "EXCEEDED_ID_LIMIT", "record limit reached. "
		    "narrow the time range");
		buf_release(&b);
		return;
	}
	if (deleted) {
		buf_reset(&b);
		sf_fmt_dt(&b, earliest);
		cJSON_AddStringToObject(out, "earliestDateAvailable",
		    buf_cstr(&b));
	}
	buf_reset(&b);
	sf_fmt_dt(&b, end);
	cJSON_AddStringToObject(out, "latestDateCovered", buf_cstr(&b));
	buf_release(&b);
	fake_resp_json(w, 200, out);
}

/* ---- create ---- */

static int
valid_email(const char *s)
{
	const char *at = strchr(s, '@');

	return at && at > s && strchr(at, '.') && !strchr(s, ' ') &&
	    strchr(at + 1, '@') == NULL;
}

static const char *
queue_id(void)
{
	struct sf_obj *gr = sf_obj_find("Group");

	return gr->n ? cJSON_GetObjectItemCaseSensitive(gr->recs[0].v,
	    "Id")->valuestring : NULL;
}

static struct sf_rec *
find_by_email(const char *email, const char **type)
{
	static const char *const objs[] = { "Lead", "Contact" };
	size_t k, i;

	for (k = 0; k < 2; k++) {
		struct sf_obj *o = sf_obj_find(objs[k]);
		for (i = 0; i < o->n; i++) {
			cJSON *e = cJSON_GetObjectItemCaseSensitive(o->recs[i].v,
			    "Email");
			if (o->recs[i].deleted || o->recs[i].purged)
				continue;
			if (cJSON_IsString(e) && strcasecmp(e->valuestring,
			    email) == 0) {
				*type = objs[k];
				return &o->recs[i];
			}
		}
	}
	return NULL;
}

/* Validate and (unless dry) create one record of type from JSON fields.
 * On error fills *code, *msg (static or malloc'd in *msgbuf), *field and,
 * for duplicates, *dup. Returns the new record or NULL. */
struct create_err {
	const char *code;
	struct buf msg;
	const char *field;
	struct sf_rec *dup;
	const char *dup_type;
	int allow_save;
};

static struct sf_rec *
create_record(struct sf_obj *o, const cJSON *in, const struct fake_req *r,
    struct create_err *e, int dry)
{
	const cJSON *f;
	const char *hdr = fake_header(r, "Sforce-Duplicate-Rule-Header");
	const char *aa = fake_header(r, "Sforce-Auto-Assign");
	const char *rule = fake_opt("sf-dup-rule");
	struct sf_rec *rec;
	size_t i;

	cJSON_ArrayForEach(f, in) {
		const struct sf_field *sf;
		if (strcmp(f->string, "attributes") == 0)
			continue;
		if (strcasecmp(f->string, "Id") == 0) {
			e->code = "INVALID_FIELD";
			buf_addstr(&e->msg, "The Id field should not be "
			    "specified in the sobject data.");
			return NULL;
		}
		sf = sf_field_find(o, f->string);
		if (!sf || sf_field_hidden(o, sf, 1)) {
			e->code = "INVALID_FIELD";
			buf_printf(&e->msg, "No such column '%s' on sobject of "
			    "type %s", f->string, o->name);
			return NULL;
		}
		if (!(sf->flags & SFF_CREATE)) {
			e->code = "INVALID_FIELD_FOR_INSERT_UPDATE";
			buf_printf(&e->msg, "Unable to create/update fields: %s. "
			    "Please check the security settings of this field "
			    "and verify that it is read/write for your profile "
			    "or permission set.", sf->name);
			e->field = sf->name;
			return NULL;
		}
		if (cJSON_IsString(f) && sf->length && (int)strlen(
		    f->valuestring) > sf->length && sf->type != SF_TEXTAREA) {
			e->code = "STRING_TOO_LONG";
			buf_printf(&e->msg, "%s: data value too large: %s (max "
			    "length=%d)", sf->name, f->valuestring, sf->length);
			e->field = sf->name;
			return NULL;
		}
	}
	if (strcmp(o->name, "Lead") == 0 || strcmp(o->name, "Contact") == 0) {
		const cJSON *ln = cJSON_GetObjectItem(in, "LastName");
		const cJSON *co = cJSON_GetObjectItem(in, "Company");
		const cJSON *em = cJSON_GetObjectItem(in, "Email");
		int need_co = strcmp(o->name, "Lead") == 0;
		if (!cJSON_IsString(ln) || !*ln->valuestring ||
		    (need_co && (!cJSON_IsString(co) || !*co->valuestring))) {
			int both = !cJSON_IsString(ln) && need_co &&
			    !cJSON_IsString(co);
			e->code = "REQUIRED_FIELD_MISSING";
			buf_printf(&e->msg, "Required fields are missing: [%s]",
			    both ? "LastName, Company" : !cJSON_IsString(ln) ||
			    !*ln->valuestring ? "LastName" : "Company");
			e->field = !cJSON_IsString(ln) ? "LastName" : "Company";
			return NULL;
		}
		if (cJSON_IsString(em) && *em->valuestring &&
		    !valid_email(em->valuestring)) {
			e->code = "INVALID_EMAIL_ADDRESS";
			buf_printf(&e->msg, "Email: invalid email address: %s",
			    em->valuestring);
			e->field = "Email";
			return NULL;
		}
		if (cJSON_IsString(em) && *em->valuestring &&
		    strcmp(rule, "off") != 0 && strcmp(o->name, "Lead") == 0) {
			const char *t = NULL;
			struct sf_rec *d = find_by_email(em->valuestring, &t);
			int allow = strcmp(rule, "alert") == 0;
			int want = hdr && strcasestr(hdr, "allowSave=true");
			if (d && !(allow && want)) {
				e->code = "DUPLICATES_DETECTED";
				buf_addstr(&e->msg, "Use one of these records?");
				e->dup = d;
				e->dup_type = t;
				e->allow_save = allow;
				return NULL;
			}
		}
	}
	if (dry)
		return (struct sf_rec *)1;
	rec = sf_rec_new(o, fake_now_ms());
	cJSON_ArrayForEach(f, in) {
		const struct sf_field *sf;
		if (strcmp(f->string, "attributes") == 0)
			continue;
		sf = sf_field_find(o, f->string);
		if (sf->type == SF_CURRENCY || sf->type == SF_DOUBLE ||
		    sf->type == SF_PERCENT) {
			struct buf b = BUF_INIT;
			if (cJSON_IsNumber(f)) {
				buf_printf(&b, "%.17g", f->valuedouble);
				if (!strchr(buf_cstr(&b), '.'))
					buf_addstr(&b, ".0");
				cJSON_ReplaceItemInObjectCaseSensitive(rec->v,
				    sf->name, cJSON_CreateRaw(buf_cstr(&b)));
			}
			buf_release(&b);
			continue;
		}
		cJSON_ReplaceItemInObjectCaseSensitive(rec->v, sf->name,
		    cJSON_Duplicate(f, 1));
	}
	for (i = 0; i < o->nfields; i++)
		if (strcmp(o->fields[i].name, "Name") == 0) {
			cJSON *fn = cJSON_GetObjectItem(in, "FirstName");
			cJSON *ln = cJSON_GetObjectItem(in, "LastName");
			struct buf b = BUF_INIT;
			if (cJSON_IsString(ln)) {
				if (cJSON_IsString(fn) && *fn->valuestring)
					buf_printf(&b, "%s %s", fn->valuestring,
					    ln->valuestring);
				else
					buf_addstr(&b, ln->valuestring);
				cJSON_ReplaceItemInObjectCaseSensitive(rec->v,
				    "Name", cJSON_CreateString(buf_cstr(&b)));
			}
			buf_release(&b);
		}
	if (strcmp(o->name, "Lead") == 0) {
		if (!cJSON_GetObjectItem(in, "Status"))
			cJSON_ReplaceItemInObjectCaseSensitive(rec->v, "Status",
			    cJSON_CreateString("Open - Not Contacted"));
		/* assignment rules run unless Sforce-Auto-Assign: FALSE */
		if (!(aa && strcasecmp(aa, "FALSE") == 0) && queue_id())
			cJSON_ReplaceItemInObjectCaseSensitive(rec->v, "OwnerId",
			    cJSON_CreateString(queue_id()));
	}
	{
		cJSON *ow = cJSON_GetObjectItemCaseSensitive(rec->v, "OwnerId");
		long s = session_of(r);
		if (ow && cJSON_IsNull(ow) && s >= 0)
			cJSON_ReplaceItemInObjectCaseSensitive(rec->v, "OwnerId",
			    cJSON_CreateString(sessions[s].user_id));
		if (s >= 0) {
			cJSON_ReplaceItemInObjectCaseSensitive(rec->v,
			    "CreatedById", cJSON_CreateString(
			    sessions[s].user_id));
			cJSON_ReplaceItemInObjectCaseSensitive(rec->v,
			    "LastModifiedById", cJSON_CreateString(
			    sessions[s].user_id));
		}
	}
	return rec;
}

static cJSON *
dup_result(const struct create_err *e, const char *ver)
{
	cJSON *d = cJSON_CreateObject(), *mr, *m, *recs, *rec, *at;
	struct buf b = BUF_INIT;
	const char *id = cJSON_GetObjectItemCaseSensitive(e->dup->v,
	    "Id")->valuestring;

	cJSON_AddBoolToObject(d, "allowSave", e->allow_save);
	cJSON_AddStringToObject(d, "duplicateRule",
	    "Standard_Lead_Duplicate_Rule");
	cJSON_AddStringToObject(d, "duplicateRuleEntityType", "Lead");
	cJSON_AddStringToObject(d, "errorMessage", "Use one of these records?");
	mr = cJSON_AddArrayToObject(d, "matchResults");
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "entityType", e->dup_type);
	cJSON_AddArrayToObject(m, "errors");
	cJSON_AddStringToObject(m, "matchEngine", "FuzzyMatchEngine");
	recs = cJSON_AddArrayToObject(m, "matchRecords");
	rec = cJSON_CreateObject();
	cJSON_AddArrayToObject(rec, "additionalInformation");
	cJSON_AddArrayToObject(rec, "fieldDiffs");
	cJSON_AddItemToObject(rec, "matchConfidence", cJSON_CreateRaw("100.0"));
	at = cJSON_CreateObject();
	{
		cJSON *x = cJSON_AddObjectToObject(at, "attributes");
		cJSON_AddStringToObject(x, "type", e->dup_type);
		buf_printf(&b, "/services/data/%s/sobjects/%s/%s", ver,
		    e->dup_type, id);
		cJSON_AddStringToObject(x, "url", buf_cstr(&b));
		cJSON_AddStringToObject(at, "Id", id);
	}
	cJSON_AddItemToObject(rec, "record", at);
	cJSON_AddItemToArray(recs, rec);
	cJSON_AddStringToObject(m, "rule", strcmp(e->dup_type, "Lead") == 0 ?
	    "Standard_Lead_Match_Rule_v1_0" : "Standard_Contact_Match_Rule_v1_1");
	cJSON_AddNumberToObject(m, "size", 1);
	cJSON_AddBoolToObject(m, "success", 1);
	cJSON_AddItemToArray(mr, m);
	buf_release(&b);
	return d;
}

static void
create_one(const struct fake_req *r, struct fake_resp *w, struct sf_obj *o,
    const char *ver)
{
	cJSON *in = cJSON_ParseWithLength(r->body, r->body_len);
	struct create_err e;
	struct sf_rec *rec;

	memset(&e, 0, sizeof e);
	if (!cJSON_IsObject(in)) {
		cJSON_Delete(in);
		sf_error(w, 400, "JSON_PARSER_ERROR", "Unexpected character: "
		    "was expecting a JSON object");
		return;
	}
	rec = create_record(o, in, r, &e, 0);
	cJSON_Delete(in);
	if (!rec) {
		cJSON *a = cJSON_CreateArray(), *x = cJSON_CreateObject();
		if (e.dup)
			cJSON_AddItemToObject(x, "duplicateResut",
			    dup_result(&e, ver));
		cJSON_AddStringToObject(x, "errorCode", e.code);
		cJSON_AddStringToObject(x, "message", buf_cstr(&e.msg));
		if (!e.dup) {
			cJSON *fl = cJSON_AddArrayToObject(x, "fields");
			if (e.field)
				cJSON_AddItemToArray(fl,
				    cJSON_CreateString(e.field));
		}
		cJSON_AddItemToArray(a, x);
		fake_resp_json(w, 400, a);
	} else {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "id", cJSON_GetObjectItemCaseSensitive(
		    rec->v, "Id")->valuestring);
		cJSON_AddBoolToObject(x, "success", 1);
		cJSON_AddArrayToObject(x, "errors");
		fake_resp_json(w, 201, x);
	}
	buf_release(&e.msg);
}

static void
collections(const struct fake_req *r, struct fake_resp *w, const char *ver)
{
	cJSON *in = cJSON_ParseWithLength(r->body, r->body_len);
	cJSON *recs = in ? cJSON_GetObjectItem(in, "records") : NULL;
	cJSON *aon = in ? cJSON_GetObjectItem(in, "allOrNone") : NULL;
	cJSON *out, *x;
	int all = cJSON_IsTrue(aon), any_fail = 0, pass;
	int n, i;

	if (!cJSON_IsArray(recs)) {
		cJSON_Delete(in);
		sf_error(w, 400, "JSON_PARSER_ERROR", "records: expected an "
		    "array");
		return;
	}
	n = cJSON_GetArraySize(recs);
	if (n > 200) {
		cJSON_Delete(in);
		sf_error(w, 400, "EXCEEDED_ID_LIMIT", "record limit reached. "
		    "cannot submit more than 200 records into this call");
		return;
	}
	/* pass 0 validates everything (allOrNone), pass 1 applies */
	out = cJSON_CreateArray();
	for (pass = all ? 0 : 1; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			cJSON *rec = cJSON_GetArrayItem(recs, i);
			cJSON *at = cJSON_GetObjectItem(rec, "attributes");
			cJSON *ty = at ? cJSON_GetObjectItem(at, "type") : NULL;
			struct sf_obj *o = cJSON_IsString(ty) ?
			    sf_obj_find(ty->valuestring) : NULL;
			struct create_err e;
			struct sf_rec *made;
			memset(&e, 0, sizeof e);
			if (!o) {
				e.code = "INVALID_TYPE";
				buf_addstr(&e.msg, "Must send a concrete entity "
				    "type.");
				made = NULL;
			} else {
				made = create_record(o, rec, r, &e, pass == 0 ||
				    (all && any_fail));
			}
			if (pass == 0) {
				if (!made)
					any_fail = 1;
				buf_release(&e.msg);
				continue;
			}
			x = cJSON_CreateObject();
			if (made && !(all && any_fail)) {
				cJSON_AddStringToObject(x, "id",
				    cJSON_GetObjectItemCaseSensitive(made->v,
				    "Id")->valuestring);
				cJSON_AddBoolToObject(x, "success", 1);
				cJSON_AddArrayToObject(x, "errors");
			} else {
				cJSON *errs, *er;
				cJSON_AddBoolToObject(x, "success", 0);
				errs = cJSON_AddArrayToObject(x, "errors");
				er = cJSON_CreateObject();
				if (made) {
					cJSON_AddStringToObject(er, "statusCode",
					    "ALL_OR_NONE_OPERATION_ROLLED_BACK");
					cJSON_AddStringToObject(er, "message",
					    "Record rolled back because not all "
					    "records were valid and the request "
					    "was using AllOrNone header");
				} else {
					cJSON_AddStringToObject(er, "statusCode",
					    e.code);
					cJSON_AddStringToObject(er, "message",
					    buf_cstr(&e.msg));
					if (e.dup)
						cJSON_AddItemToObject(er,
						    "duplicateResut",
						    dup_result(&e, ver));
				}
				cJSON *fl = cJSON_AddArrayToObject(er, "fields");
				if (e.field)
					cJSON_AddItemToArray(fl,
					    cJSON_CreateString(e.field));
				cJSON_AddItemToArray(errs, er);
			}
			cJSON_AddItemToArray(out, x);
			buf_release(&e.msg);
		}
	}
	cJSON_Delete(in);
	fake_resp_json(w, 200, out);
}

/* ---- Bulk 2.0 ---- */

static const char *const job_states[] = { "UploadComplete", "InProgress",
	"JobComplete", "Failed", "Aborted", "Deleted" };

static struct job *
job_find(const char *id)
{
	size_t i;

	for (i = 0; i < njobs; i++)
		if (strncmp(jobs[i].id, id, 15) == 0 && jobs[i].state != 5)
			return &jobs[i];
	return NULL;
}

static cJSON *
job_info(const struct job *j, int full)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", j->id);
	cJSON_AddStringToObject(o, "operation", j->operation);
	cJSON_AddStringToObject(o, "object", j->object);
	cJSON_AddStringToObject(o, "createdById", j->user);
	cJSON_AddStringToObject(o, "createdDate", j->created);
	cJSON_AddStringToObject(o, "systemModstamp", j->created);
	cJSON_AddStringToObject(o, "state", job_states[j->state]);
	cJSON_AddStringToObject(o, "concurrencyMode", "Parallel");
	cJSON_AddStringToObject(o, "contentType", "CSV");
	cJSON_AddItemToObject(o, "apiVersion", cJSON_CreateRaw(j->version + 1));
	cJSON_AddStringToObject(o, "lineEnding", strcmp(j->eol, "\r\n") == 0 ?
	    "CRLF" : "LF");
	cJSON_AddStringToObject(o, "columnDelimiter", j->delim == ',' ? "COMMA" :
	    j->delim == '\t' ? "TAB" : j->delim == '|' ? "PIPE" :
	    j->delim == ';' ? "SEMICOLON" : j->delim == '^' ? "CARET" :
	    "BACKQUOTE");
	if (full) {
		cJSON_AddStringToObject(o, "jobType", "V2Query");
		cJSON_AddNumberToObject(o, "numberRecordsProcessed",
		    j->state == 2 ? (double)j->nrows : 0);
		cJSON_AddNumberToObject(o, "retries", 0);
		cJSON_AddNumberToObject(o, "totalProcessingTime",
		    j->state >= 2 ? 250 : 0);
		cJSON_AddBoolToObject(o, "isPkChunkingSupported", 1);
		if (j->state == 3)
			cJSON_AddStringToObject(o, "errorMessage",
			    "Query failed: retried more than 15 times; add "
			    "filters to the query");
	}
	return o;
}

static void
bulk_create(const struct fake_req *r, struct fake_resp *w, long s,
    const char *ver)
{
	cJSON *in = cJSON_ParseWithLength(r->body, r->body_len);
	cJSON *op = in ? cJSON_GetObjectItem(in, "operation") : NULL;
	cJSON *qs = in ? cJSON_GetObjectItem(in, "query") : NULL;
	cJSON *cd = in ? cJSON_GetObjectItem(in, "columnDelimiter") : NULL;
	cJSON *le = in ? cJSON_GetObjectItem(in, "lineEnding") : NULL;
	cJSON *ct = in ? cJSON_GetObjectItem(in, "contentType") : NULL;
	struct sf_query *q;
	const char *code;
	char *msg = NULL;
	struct job *j;
	struct sf_rec **rows;
	size_t n, i;
	char delim = ',';
	struct buf b = BUF_INIT;

	if (!cJSON_IsString(op) || !cJSON_IsString(qs) ||
	    (strcmp(op->valuestring, "query") != 0 &&
	    strcmp(op->valuestring, "queryAll") != 0)) {
		cJSON_Delete(in);
		sf_error(w, 400, "INVALIDJOB", "InvalidJob : Invalid job: "
		    "operation and query are required");
		return;
	}
	if (ct && (!cJSON_IsString(ct) || strcmp(ct->valuestring, "CSV"))) {
		cJSON_Delete(in);
		sf_error(w, 400, "INVALIDJOB", "InvalidJob : contentType: "
		    "only CSV is supported");
		return;
	}
	if (cJSON_IsString(cd)) {
		const char *c = cd->valuestring;
		delim = strcmp(c, "TAB") == 0 ? '\t' : strcmp(c, "PIPE") == 0 ?
		    '|' : strcmp(c, "SEMICOLON") == 0 ? ';' :
		    strcmp(c, "CARET") == 0 ? '^' : strcmp(c, "BACKQUOTE") == 0 ?
		    '`' : ',';
	}
	q = sf_query_parse(qs->valuestring, 1, &code, &msg);
	if (!q) {
		cJSON_Delete(in);
		sf_error(w, 400, code, msg);
		free(msg);
		return;
	}
	jobs = xrealloc(jobs, (njobs + 1) * sizeof *jobs);
	j = &jobs[njobs++];
	memset(j, 0, sizeof *j);
	{
		static const char al[] =
		    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
		int k;
		unsigned long c = ++job_counter + 3844;
		memcpy(j->id, "7505g00000", 10);
		for (k = 14; k >= 10; k--) {
			j->id[k] = al[c % 62];
			c /= 62;
		}
		memcpy(j->id + 15, "AAA", 3);
		j->id[18] = '\0';
	}
	j->operation = xstrdup(op->valuestring);
	j->object = xstrdup(sf_query_obj(q)->name);
	j->query = xstrdup(qs->valuestring);
	snprintf(j->version, sizeof j->version, "%s", ver);
	sf_fmt_dt(&b, fake_now_ms());
	j->created = xstrdup(buf_cstr(&b));
	buf_release(&b);
	j->delim = delim;
	j->eol = xstrdup(cJSON_IsString(le) && strcmp(le->valuestring,
	    "CRLF") == 0 ? "\r\n" : "\n");
	j->user = xstrdup(sessions[s].user_id);
	j->fail = bulk_fail_next > 0;
	if (bulk_fail_next > 0)
		bulk_fail_next--;
	/* the results are the data as of job creation */
	buf_init(&j->csv, 0);
	sf_query_csv_header(q, &j->csv, delim, j->eol);
	j->header_len = j->csv.len;
	rows = sf_query_run(q, strcmp(op->valuestring, "queryAll") == 0, &n);
	j->rows = xmalloc((n + 1) * sizeof *j->rows);
	for (i = 0; i < n; i++) {
		j->rows[i] = j->csv.len;
		sf_query_csv_row(q, rows[i], &j->csv, delim, j->eol);
	}
	j->rows[n] = j->csv.len;
	j->nrows = n;
	free(rows);
	sf_query_free(q);
	cJSON_Delete(in);
	fake_resp_json(w, 200, job_info(j, 0));
}

static void
bulk_results(const struct fake_req *r, struct fake_resp *w, struct job *j,
    const char *ver)
{
	const char *loc = fake_query(r, "locator");
	const char *mr = fake_query(r, "maxRecords");
	size_t start = 0, max = (size_t)fake_opt_int("sf-bulk-chunk"), end;
	struct buf b = BUF_INIT;

	if (strcmp(ver, j->version) != 0) {
		sf_error(w, 409, "INVALIDJOBSTATE", "The API version of the "
		    "request does not match the version of the job");
		return;
	}
	if (j->state != 2) {
		sf_error(w, 400, "JOB_NOT_COMPLETE", "Job is not complete: "
		    "results are available once the job is JobComplete");
		return;
	}
	if (loc && *loc && strcmp(loc, "null") != 0) {
		struct buf d = BUF_INIT;
		if (fake_base64_decode(&d, loc, strlen(loc)) != 0 || !d.len) {
			buf_release(&d);
			sf_error(w, 400, "INVALIDLOCATOR", "Invalid locator");
			return;
		}
		start = strtoul(buf_cstr(&d), NULL, 10);
		buf_release(&d);
		if (start > j->nrows) {
			sf_error(w, 400, "INVALIDLOCATOR", "Invalid locator");
			return;
		}
	}
	if (mr && strtol(mr, NULL, 10) > 0)
		max = (size_t)strtol(mr, NULL, 10);
	end = start + max;
	if (end > j->nrows)
		end = j->nrows;
	buf_add(&b, j->csv.data, j->header_len);
	buf_add(&b, j->csv.data + j->rows[start], j->rows[end] - j->rows[start]);
	fake_resp_body(w, 200, "text/csv", b.data, b.len);
	fake_resp_header(w, "Sforce-NumberOfRecords", "%zu", end - start);
	if (end < j->nrows) {
		struct buf n = BUF_INIT, e = BUF_INIT;
		buf_printf(&n, "%zu", end);
		fake_base64(&e, n.data, n.len, 1);
		fake_resp_header(w, "Sforce-Locator", "%s", buf_cstr(&e));
		buf_release(&n);
		buf_release(&e);
	} else {
		fake_resp_header(w, "Sforce-Locator", "null");
	}
	buf_release(&b);
}

static void
bulk(const struct fake_req *r, struct fake_resp *w, long s, const char *ver,
    const char *rest)
{
	struct job *j;
	const char *slash;

	if (*rest == '\0' || strcmp(rest, "/") == 0) {
		if (strcmp(r->method, "POST") == 0) {
			bulk_create(r, w, s, ver);
		} else if (strcmp(r->method, "GET") == 0) {
			cJSON *o = cJSON_CreateObject(), *a;
			size_t i;
			cJSON_AddBoolToObject(o, "done", 1);
			a = cJSON_AddArrayToObject(o, "records");
			for (i = 0; i < njobs; i++)
				if (jobs[i].state != 5)
					cJSON_AddItemToArray(a, job_info(&jobs[i], 0));
			cJSON_AddNullToObject(o, "nextRecordsUrl");
			fake_resp_json(w, 200, o);
		} else {
			sf_error(w, 405, "METHOD_NOT_ALLOWED", "HTTP Method not "
			    "allowed");
		}
		return;
	}
	rest++;
	j = job_find(rest);
	if (!j) {
		sf_error(w, 404, "NOT_FOUND", "The requested resource does not "
		    "exist");
		return;
	}
	slash = strchr(rest, '/');
	if (slash && strcmp(slash, "/results") == 0 &&
	    strcmp(r->method, "GET") == 0) {
		bulk_results(r, w, j, ver);
		return;
	}
	if (slash) {
		sf_error(w, 404, "NOT_FOUND", "The requested resource does not "
		    "exist");
		return;
	}
	if (strcmp(r->method, "GET") == 0) {
		if (j->state < 2) {
			j->polls++;
			if (j->polls >= fake_opt_int("sf-bulk-polls"))
				j->state = j->fail ? 3 : 2;
			else
				j->state = 1;
		}
		fake_resp_json(w, 200, job_info(j, 1));
	} else if (strcmp(r->method, "PATCH") == 0) {
		cJSON *in = cJSON_ParseWithLength(r->body, r->body_len);
		cJSON *st = in ? cJSON_GetObjectItem(in, "state") : NULL;
		if (cJSON_IsString(st) && strcmp(st->valuestring, "Aborted") == 0) {
			if (j->state < 2)
				j->state = 4;
			fake_resp_json(w, 200, job_info(j, 0));
		} else {
			sf_error(w, 400, "INVALIDJOBSTATE", "Invalid state");
		}
		cJSON_Delete(in);
	} else if (strcmp(r->method, "DELETE") == 0) {
		j->state = 5;
		buf_release(&j->csv);
		fake_resp_body(w, 204, NULL, "", 0);
	} else {
		sf_error(w, 405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed");
	}
}

/* ---- record retrieve ---- */

static void
retrieve(struct fake_resp *w, struct sf_obj *o, const char *id,
    const char *ver)
{
	struct sf_obj *fo = NULL;
	struct sf_rec *rec = sf_rec_find(id, &fo);
	struct buf soql = BUF_INIT;
	struct sf_query *q;
	const char *code;
	char *msg = NULL;
	size_t i;

	if (!rec || fo != o || rec->deleted || rec->purged) {
		sf_error(w, 404, "NOT_FOUND", "The requested resource does not "
		    "exist");
		return;
	}
	buf_addstr(&soql, "SELECT ");
	for (i = 0; i < o->nfields; i++) {
		if (sf_field_hidden(o, &o->fields[i], 1))
			continue;
		buf_printf(&soql, "%s%s", i ? ", " : "", o->fields[i].name);
	}
	buf_printf(&soql, " FROM %s", o->name);
	q = sf_query_parse(buf_cstr(&soql), 0, &code, &msg);
	buf_release(&soql);
	if (!q) {
		sf_error(w, 500, "UNKNOWN_EXCEPTION", msg);
		free(msg);
		return;
	}
	fake_resp_json(w, 200, sf_query_render(q, rec, ver));
	sf_query_free(q);
}

/* ---- dispatch ---- */

static int
failure_take(const struct fake_req *r, struct fake_resp *w, long s)
{
	struct failure **pp, *f;
	static const struct {
		const char *code;
		int status;
		const char *errcode, *msg;
	} tab[] = {
		{ "INVALID_SESSION_ID", 401, "INVALID_SESSION_ID",
		    "Session expired or invalid" },
		{ "REST_SESSION", 401, "INVALID_SESSION_ID",
		    "This session is not valid for use with the REST API" },
		{ "REQUEST_LIMIT_EXCEEDED", 403, "REQUEST_LIMIT_EXCEEDED",
		    "TotalRequests Limit exceeded." },
		{ "CONCURRENT", 403, "REQUEST_LIMIT_EXCEEDED",
		    "ConcurrentPerOrgLongTxn Limit exceeded." },
		{ "QUERY_TIMEOUT", 400, "QUERY_TIMEOUT",
		    "Your query request was running for too long." },
		{ "INVALID_QUERY_LOCATOR", 400, "INVALID_QUERY_LOCATOR",
		    "invalid query locator" },
		{ "UNKNOWN_EXCEPTION", 500, "UNKNOWN_EXCEPTION",
		    "An unexpected error occurred. Please include this ErrorId "
		    "if you contact support: 1029384756-12345 (-1234567)" },
		{ "GONE", 410, "GONE", "The requested resource is no longer "
		    "available" },
		{ "406", 406, NULL, NULL },
		{ "420", 420, NULL, NULL },
		{ "414", 414, NULL, NULL },
		{ "BADJSON", 200, NULL, NULL },
	};
	size_t i;

	for (pp = &failures; (f = *pp) != NULL; pp = &f->next) {
		if (f->prefix && !strstr(r->target, f->prefix))
			continue;
		for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
			if (strcmp(tab[i].code, f->code) == 0)
				break;
		if (i == sizeof tab / sizeof tab[0])
			continue;
		if (tab[i].errcode) {
			if (tab[i].status == 401) {
				fake_resp_header(w, "WWW-Authenticate", "Token");
				if (s >= 0 && strcmp(f->code, "INVALID_SESSION_ID")
				    == 0)
					sessions[s].valid = 0;
			}
			sf_error(w, tab[i].status, tab[i].errcode, tab[i].msg);
		} else if (tab[i].status == 406) {
			fake_resp_body(w, 406, NULL, "", 0);
		} else if (tab[i].status == 200) {
			fake_resp_body(w, 200, "application/json;charset=UTF-8",
			    "{\"totalSize\":3,\"done\":tr", 24);
		} else {
			static const char h420[] = "<html><body><h1>We are "
			    "setting things up</h1></body></html>";
			static const char h414[] = "<h1>Bad Message 414</h1>"
			    "<pre>reason: URI Too Long</pre>";
			if (tab[i].status == 420)
				fake_resp_body(w, 420, "text/html", h420,
				    sizeof h420 - 1);
			else
				fake_resp_body(w, 414, "text/html", h414,
				    sizeof h414 - 1);
		}
		if (--f->count <= 0) {
			*pp = f->next;
			free(f->code);
			free(f->prefix);
			free(f);
		}
		return 1;
	}
	return 0;
}

static int
sf_handle(const struct fake_req *r, struct fake_resp *w)
{
	const char *p = r->path;
	char ver[16];
	const char *rest;
	long s;
	int vnum;

	if (strcmp(p, "/services/oauth2/token") == 0)
		return token_endpoint(r, w);
	if (strcmp(p, "/services/data") == 0 || strcmp(p, "/services/data/") == 0) {
		versions(w);
		return 0;
	}
	if (strncmp(p, "/services/data/v", 16) != 0)
		return -1;
	rest = strchr(p + 16, '/');
	if (!rest)
		rest = p + strlen(p);
	if ((size_t)(rest - (p + 15)) >= sizeof ver)
		return -1;
	memcpy(ver, p + 15, (size_t)(rest - (p + 15)));
	ver[rest - (p + 15)] = '\0';
	vnum = atoi(ver + 1);
	if (!isdigit((unsigned char)ver[1]) || !strchr(ver, '.'))
		return -1;

	/* every data call: a valid session, counted against the limit */
	s = session_of(r);
	if (s < 0) {
		fake_resp_header(w, "WWW-Authenticate", "Token");
		sf_error(w, 401, "INVALID_SESSION_ID",
		    "Session expired or invalid");
		return 0;
	}
	api_used++;
	limit_header(w);
	if (api_used > fake_opt_int("sf-api-max")) {
		sf_error(w, 403, "REQUEST_LIMIT_EXCEEDED",
		    "TotalRequests Limit exceeded.");
		return 0;
	}
	if (vnum < 31) {
		sf_error(w, 410, "GONE", "The requested resource is no longer "
		    "available");
		return 0;
	}
	if (vnum > 66) {
		sf_error(w, 404, "NOT_FOUND", "The requested resource does not "
		    "exist");
		return 0;
	}
	if (failure_take(r, w, s))
		return 0;

	if (*rest == '\0' || strcmp(rest, "/") == 0) {
		cJSON *o = cJSON_CreateObject();
		struct buf b = BUF_INIT;
		static const char *const res[] = { "sobjects", "query",
			"queryAll", "limits", "jobs", "composite" };
		size_t i;
		for (i = 0; i < 6; i++) {
			buf_reset(&b);
			buf_printf(&b, "/services/data/%s/%s", ver, res[i]);
			cJSON_AddStringToObject(o, res[i], buf_cstr(&b));
		}
		buf_release(&b);
		fake_resp_json(w, 200, o);
		return 0;
	}
	if (strcmp(rest, "/limits") == 0 || strcmp(rest, "/limits/") == 0) {
		limits(w);
		return 0;
	}
	if (strcmp(rest, "/query") == 0 || strcmp(rest, "/query/") == 0 ||
	    strcmp(rest, "/queryAll") == 0 || strcmp(rest, "/queryAll/") == 0) {
		query_start(r, w, s, ver, strncmp(rest, "/queryAll", 9) == 0);
		return 0;
	}
	if (strncmp(rest, "/query/", 7) == 0) {
		query_more(r, w, s, rest + 7);
		return 0;
	}
	if (strncmp(rest, "/queryAll/", 10) == 0) {
		query_more(r, w, s, rest + 10);
		return 0;
	}
	if (strncmp(rest, "/jobs/query", 11) == 0 &&
	    (rest[11] == '\0' || rest[11] == '/')) {
		bulk(r, w, s, ver, rest + 11);
		return 0;
	}
	if (strcmp(rest, "/composite/sobjects") == 0 &&
	    strcmp(r->method, "POST") == 0) {
		collections(r, w, ver);
		return 0;
	}
	if (strcmp(rest, "/sobjects") == 0 || strcmp(rest, "/sobjects/") == 0) {
		describe_global(r, w, ver);
		return 0;
	}
	if (strncmp(rest, "/sobjects/", 10) == 0) {
		const char *name = rest + 10;
		const char *sl = strchr(name, '/');
		char *oname = xstrndup(name, sl ? (size_t)(sl - name) :
		    strlen(name));
		struct sf_obj *o = sf_obj_find(oname);
		const char *tail = sl ? sl : "";
		free(oname);
		if (!o || !obj_visible(o)) {
			sf_error(w, 404, "NOT_FOUND", "The requested resource "
			    "does not exist");
			return 0;
		}
		if (strcmp(tail, "/describe") == 0 ||
		    strcmp(tail, "/describe/") == 0) {
			describe(r, w, o, ver);
		} else if (strncmp(tail, "/deleted", 8) == 0) {
			deleted_or_updated(r, w, o, 1);
		} else if (strncmp(tail, "/updated", 8) == 0) {
			deleted_or_updated(r, w, o, 0);
		} else if ((*tail == '\0' || strcmp(tail, "/") == 0) &&
		    strcmp(r->method, "POST") == 0) {
			create_one(r, w, o, ver);
		} else if (*tail == '\0' || strcmp(tail, "/") == 0) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddItemToObject(x, "objectDescribe",
			    obj_summary(o, ver));
			cJSON_AddArrayToObject(x, "recentItems");
			fake_resp_json(w, 200, x);
		} else if (strcmp(r->method, "GET") == 0) {
			retrieve(w, o, tail + 1, ver);
		} else {
			sf_error(w, 405, "METHOD_NOT_ALLOWED", "HTTP Method "
			    "not allowed");
		}
		return 0;
	}
	sf_error(w, 404, "NOT_FOUND", "The requested resource does not exist");
	return 0;
}

static int
sf_fault(enum fake_fault f, const struct fake_req *r, struct fake_resp *w)
{
	int token = strcmp(r->path, "/services/oauth2/token") == 0;
	int versions_list = strcmp(r->path, "/services/data") == 0 ||
	    strcmp(r->path, "/services/data/") == 0;

	switch (f) {
	case FAKE_FAULT_401:
		if (token || versions_list)
			return -1;
		fake_resp_header(w, "WWW-Authenticate", "Token");
		sf_error(w, 401, "INVALID_SESSION_ID",
		    "Session expired or invalid");
		return 0;
	case FAKE_FAULT_429:
		fake_resp_header(w, "Retry-After", "%lld",
		    fake_opt_int("retry-after"));
		if (token)
			oauth_error(w, 429, "rate_limit_exceeded",
			    "rate limit exceeded");
		else
			sf_error(w, 429, "REQUEST_LIMIT_EXCEEDED",
			    "ConcurrentRequests (Concurrent API Requests) "
			    "Limit exceeded.");
		return 0;
	case FAKE_FAULT_500:
		if (token)
			return 1;
		sf_error(w, 500, "UNKNOWN_EXCEPTION", "An unexpected error "
		    "occurred. Please include this ErrorId if you contact "
		    "support: 1029384756-12345 (-1234567)");
		return 0;
	default:
		return 1;
	}
}

/* ---- admin ---- */

static struct sf_rec *
admin_rec(const char *rest, struct sf_obj **o, const char **tail)
{
	/* /records/Type[/Id] */
	const char *t = rest + 9;
	const char *sl = strchr(t, '/');
	char *name = xstrndup(t, sl ? (size_t)(sl - t) : strlen(t));
	struct sf_obj *fo = NULL;
	struct sf_rec *r = NULL;

	*o = sf_obj_find(name);
	free(name);
	*tail = sl ? sl + 1 : "";
	if (*o && sl) {
		r = sf_rec_find(sl + 1, &fo);
		if (fo != *o)
			r = NULL;
	}
	return r;
}

static void
apply_fields(struct sf_obj *o, struct sf_rec *rec, const cJSON *in,
    struct buf *why)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, in) {
		const struct sf_field *sf = sf_field_find(o, f->string);
		if (!sf || strcmp(sf->name, "Id") == 0 || sf->type == SF_ADDRESS ||
		    (sf->flags & SFF_CALC)) {
			buf_printf(why, "%s: not a settable field; ", f->string);
			continue;
		}
		if ((sf->type == SF_CURRENCY || sf->type == SF_DOUBLE ||
		    sf->type == SF_PERCENT) && cJSON_IsNumber(f)) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "%.17g", f->valuedouble);
			if (!strchr(buf_cstr(&b), '.'))
				buf_addstr(&b, ".0");
			cJSON_ReplaceItemInObjectCaseSensitive(rec->v, sf->name,
			    cJSON_CreateRaw(buf_cstr(&b)));
			buf_release(&b);
			continue;
		}
		cJSON_ReplaceItemInObjectCaseSensitive(rec->v, sf->name,
		    cJSON_Duplicate(f, 1));
	}
	if (sf_field_find(o, "Name") && (cJSON_GetObjectItem(in, "FirstName") ||
	    cJSON_GetObjectItem(in, "LastName")) && strcmp(o->name,
	    "Account") != 0 && strcmp(o->name, "Opportunity") != 0) {
		cJSON *fn = cJSON_GetObjectItemCaseSensitive(rec->v, "FirstName");
		cJSON *ln = cJSON_GetObjectItemCaseSensitive(rec->v, "LastName");
		struct buf b = BUF_INIT;
		if (cJSON_IsString(fn) && *fn->valuestring)
			buf_printf(&b, "%s ", fn->valuestring);
		if (cJSON_IsString(ln))
			buf_addstr(&b, ln->valuestring);
		cJSON_ReplaceItemInObjectCaseSensitive(rec->v, "Name",
		    cJSON_CreateString(buf_cstr(&b)));
		buf_release(&b);
	}
}

static void
soft_delete_now(struct sf_rec *rec)
{
	int64_t now = fake_now_ms();

	now -= now % 1000;
	cJSON_ReplaceItemInObjectCaseSensitive(rec->v, "IsDeleted",
	    cJSON_CreateTrue());
	rec->deleted = 1;
	rec->deleted_at = now;
	sf_rec_touch(rec, now, 0);
}

static cJSON *
rec_json(const struct sf_obj *o, const struct sf_rec *rec)
{
	cJSON *x = cJSON_Duplicate(rec->v, 1);

	(void)o;
	return x;
}

static void
sf_dump_obj(cJSON *arr, const struct sf_obj *o, int all)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (o->recs[i].purged || (!all && o->recs[i].deleted))
			continue;
		cJSON_AddItemToArray(arr, rec_json(o, &o->recs[i]));
	}
}

static void
sf_dump(cJSON *out)
{
	cJSON *objs = cJSON_AddObjectToObject(out, "objects");
	size_t i;

	for (i = 0; i < sf_nobjects; i++)
		sf_dump_obj(cJSON_AddArrayToObject(objs, sf_objects[i].name),
		    &sf_objects[i], 1);
	cJSON_AddNumberToObject(out, "api_used", (double)api_used);
	cJSON_AddNumberToObject(out, "open_cursors", (double)ncursors);
	cJSON_AddNumberToObject(out, "bulk_jobs", (double)njobs);
}

static void
mutate(const struct fake_req *r, struct fake_resp *w)
{
	const char *type = fake_query(r, "type");
	const char *sd = fake_query(r, "seed");
	long ncreate = fake_query(r, "create") ? atol(fake_query(r, "create")) : 0;
	long nupdate = fake_query(r, "update") ? atol(fake_query(r, "update")) : 0;
	long ndelete = fake_query(r, "delete") ? atol(fake_query(r, "delete")) : 0;
	struct sf_obj *o = sf_obj_find(type ? type : "Contact");
	struct fake_rng g;
	cJSON *out = cJSON_CreateObject();
	cJSON *ca = cJSON_AddArrayToObject(out, "created");
	cJSON *ua = cJSON_AddArrayToObject(out, "updated");
	cJSON *da = cJSON_AddArrayToObject(out, "deleted");
	long i;
	int64_t now = fake_now_ms();

	if (!o) {
		cJSON_Delete(out);
		fake_resp_error(w, 400, "type: unknown object");
		return;
	}
	fake_rng_init(&g, sd ? strtoull(sd, NULL, 10) : fake_seed(), "sf-mutate");
	for (i = 0; i < ncreate; i++) {
		struct sf_rec *rec = sf_rec_new(o, now);
		size_t np = fake_dir_people();
		const struct fake_person *p = np ? fake_dir_person(
		    fake_rng_below(&g, np)) : NULL;
		struct buf b = BUF_INIT;
		cJSON *in = cJSON_CreateObject();
		if (sf_field_find(o, "LastName")) {
			cJSON_AddStringToObject(in, "FirstName", p ? p->first : "New");
			buf_printf(&b, "%s-%lu", p ? p->last : "Person",
			    (unsigned long)o->next_id);
			cJSON_AddStringToObject(in, "LastName", buf_cstr(&b));
			buf_reset(&b);
			if (p) {
				const char *at = strchr(p->email, '@');
				buf_printf(&b, "%.*s.new%lu%s", (int)(at - p->email),
				    p->email, (unsigned long)o->next_id, at);
				cJSON_AddStringToObject(in, "Email", buf_cstr(&b));
				if (p->phone)
					cJSON_AddStringToObject(in, "Phone", p->phone);
			}
		} else if (sf_field_find(o, "Name")) {
			buf_printf(&b, "New %s %lu", o->name,
			    (unsigned long)o->next_id);
			cJSON_AddStringToObject(in, "Name", buf_cstr(&b));
		} else if (sf_field_find(o, "Subject")) {
			cJSON_AddStringToObject(in, "Subject", "Call");
		}
		if (strcmp(o->name, "Lead") == 0)
			cJSON_AddStringToObject(in, "Company",
			    p && p->company ? p->company->name : "[not provided]");
		buf_release(&b);
		apply_fields(o, rec, in, &b);
		buf_release(&b);
		cJSON_Delete(in);
		cJSON_AddItemToArray(ca, cJSON_CreateString(
		    cJSON_GetObjectItemCaseSensitive(rec->v, "Id")->valuestring));
	}
	for (i = 0; i < nupdate && o->n; i++) {
		struct sf_rec *rec = &o->recs[fake_rng_below(&g, o->n)];
		if (rec->deleted || rec->purged)
			continue;
		if (sf_field_find(o, "Title"))
			cJSON_ReplaceItemInObjectCaseSensitive(rec->v, "Title",
			    cJSON_CreateString(fake_rng_chance(&g, 0.5) ?
			    "Head of Revenue" : "Director of Operations"));
		else if (sf_field_find(o, "Description"))
			cJSON_ReplaceItemInObjectCaseSensitive(rec->v,
			    "Description", cJSON_CreateString("Updated"));
		sf_rec_touch(rec, now, 1);
		cJSON_AddItemToArray(ua, cJSON_CreateString(
		    cJSON_GetObjectItemCaseSensitive(rec->v, "Id")->valuestring));
	}
	for (i = 0; i < ndelete && o->n; i++) {
		struct sf_rec *rec = &o->recs[fake_rng_below(&g, o->n)];
		if (rec->deleted || rec->purged)
			continue;
		soft_delete_now(rec);
		cJSON_AddItemToArray(da, cJSON_CreateString(
		    cJSON_GetObjectItemCaseSensitive(rec->v, "Id")->valuestring));
	}
	fake_resp_json(w, 200, out);
}

static int
sf_admin(const char *rest, const struct fake_req *r, struct fake_resp *w)
{
	int get = strcmp(r->method, "GET") == 0;

	if (strncmp(rest, "/records/", 9) == 0) {
		struct sf_obj *o;
		const char *tail;
		struct sf_rec *rec = admin_rec(rest, &o, &tail);
		if (!o) {
			fake_resp_error(w, 404, "unknown object");
			return 0;
		}
		if (*tail == '\0') {
			if (get) {
				cJSON *a = cJSON_CreateArray();
				sf_dump_obj(a, o, fake_query(r, "all") != NULL);
				fake_resp_json(w, 200, a);
			} else if (strcmp(r->method, "POST") == 0) {
				cJSON *in = cJSON_ParseWithLength(r->body,
				    r->body_len);
				struct buf why = BUF_INIT;
				if (!cJSON_IsObject(in)) {
					cJSON_Delete(in);
					fake_resp_error(w, 400, "body: a JSON "
					    "object of fields");
					return 0;
				}
				rec = sf_rec_new(o, fake_now_ms());
				apply_fields(o, rec, in, &why);
				cJSON_Delete(in);
				buf_release(&why);
				fake_resp_json(w, 201, rec_json(o, rec));
			} else {
				fake_resp_error(w, 405, "GET or POST");
			}
			return 0;
		}
		if (!rec) {
			fake_resp_error(w, 404, "no such record");
			return 0;
		}
		if (get) {
			fake_resp_json(w, 200, rec_json(o, rec));
		} else if (strcmp(r->method, "PATCH") == 0) {
			cJSON *in = cJSON_ParseWithLength(r->body, r->body_len);
			struct buf why = BUF_INIT;
			if (!cJSON_IsObject(in)) {
				cJSON_Delete(in);
				fake_resp_error(w, 400, "body: a JSON object");
				return 0;
			}
			apply_fields(o, rec, in, &why);
			cJSON_Delete(in);
			buf_release(&why);
			sf_rec_touch(rec, fake_now_ms(), 1);
			fake_resp_json(w, 200, rec_json(o, rec));
		} else if (strcmp(r->method, "DELETE") == 0) {
			if (fake_query(r, "hard")) {
				rec->purged = 1;
				if (!rec->deleted)
					soft_delete_now(rec);
			} else if (!rec->deleted) {
				soft_delete_now(rec);
			}
			fake_resp_json(w, 200, rec_json(o, rec));
		} else if (strcmp(r->method, "POST") == 0 &&
		    fake_query(r, "touch")) {
			/* a system-only change: SystemModstamp moves alone */
			sf_rec_touch(rec, fake_now_ms(), 0);
			fake_resp_json(w, 200, rec_json(o, rec));
		} else if (strcmp(r->method, "POST") == 0 &&
		    fake_query(r, "undelete")) {
			rec->deleted = 0;
			rec->purged = 0;
			cJSON_ReplaceItemInObjectCaseSensitive(rec->v,
			    "IsDeleted", cJSON_CreateFalse());
			sf_rec_touch(rec, fake_now_ms(), 1);
			fake_resp_json(w, 200, rec_json(o, rec));
		} else {
			fake_resp_error(w, 405, "GET, PATCH, DELETE, POST?touch=1");
		}
		return 0;
	}
	if (strcmp(rest, "/mutate") == 0 && !get) {
		mutate(r, w);
		return 0;
	}
	if (strcmp(rest, "/instance-url") == 0 && !get) {
		const char *u = fake_query(r, "url");
		const char *after = fake_query(r, "after");
		free(instance_url_override);
		instance_url_override = u && *u ? strdup(u) : NULL;
		instance_after = after ? atol(after) : 0;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/expire-sessions") == 0 && !get) {
		size_t i;
		for (i = 0; i < nsessions; i++)
			sessions[i].valid = 0;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/fail") == 0 && !get) {
		const char *code = fake_query(r, "code");
		const char *count = fake_query(r, "count");
		const char *path = fake_query(r, "path");
		struct failure *f, **pp;
		if (!code) {
			fake_resp_error(w, 400, "code: required");
			return 0;
		}
		f = xcalloc(1, sizeof *f);
		f->code = xstrdup(code);
		f->count = count ? atol(count) : 1;
		f->prefix = path ? xstrdup(path) : NULL;
		for (pp = &failures; *pp; pp = &(*pp)->next)
			;
		*pp = f;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/bulk-fail") == 0 && !get) {
		const char *count = fake_query(r, "count");
		bulk_fail_next += count ? atoi(count) : 1;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/fls") == 0 && !get) {
		const char *hide = fake_query(r, "hide");
		const char *show = fake_query(r, "show");
		int desc_too = fake_query(r, "describe") != NULL;
		if (hide) {
			list_add(&hidden_query, hide);
			if (desc_too)
				list_add(&hidden_describe, hide);
		}
		if (show) {
			list_remove(&hidden_query, show);
			list_remove(&hidden_describe, show);
		}
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/sessions") == 0 && get) {
		cJSON *a = cJSON_CreateArray();
		size_t i;
		for (i = 0; i < nsessions; i++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "user_id", sessions[i].user_id);
			cJSON_AddBoolToObject(x, "valid", sessions[i].valid);
			cJSON_AddBoolToObject(x, "rotated", sessions[i].rotated);
			cJSON_AddItemToArray(a, x);
		}
		fake_resp_json(w, 200, a);
		return 0;
	}
	if (strcmp(rest, "/refresh-token") == 0 && get) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "refresh_token",
		    refresh_tokens_valid ? refresh_tokens_valid : "");
		fake_resp_json(w, 200, x);
		return 0;
	}
	return -1;
}

/* ---- lifecycle ---- */

static int
sf_init(char **msg)
{
	const char *t = fake_opt("sf-token");
	const char *h = fake_opt("sf-hidden");

	(void)msg;
	sf_data_generate();
	refresh_tokens_valid = xstrdup(fake_opt("sf-refresh-token"));
	api_used = fake_opt_int("sf-api-used");
	if (t && *t) {
		sessions = xrealloc(sessions, (nsessions + 1) * sizeof *sessions);
		sessions[nsessions].token = xstrdup(t);
		sessions[nsessions].user_id = xstrdup(user_id_for(
		    fake_opt("sf-username")) ? user_id_for(
		    fake_opt("sf-username")) : "005000000000000AAA");
		sessions[nsessions].valid = 1;
		sessions[nsessions].rotated = 0;
		sessions[nsessions].refresh = NULL;
		nsessions++;
	}
	if (h && *h) {
		char *copy = xstrdup(h), *save = NULL, *tok;
		for (tok = strtok_r(copy, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save))
			list_add(&hidden_query, tok), list_add(&hidden_describe,
			    tok);
		free(copy);
	}
	return 0;
}

static void
sf_release(void)
{
	size_t i;

	free(instance_url_override);
	instance_url_override = NULL;
	instance_after = 0;
	while (ncursors)
		cursor_drop(ncursors - 1);
	free(cursors);
	cursors = NULL;
	for (i = 0; i < nsessions; i++) {
		free(sessions[i].token);
		free(sessions[i].user_id);
		free(sessions[i].refresh);
	}
	free(sessions);
	sessions = NULL;
	nsessions = 0;
	for (i = 0; i < njobs; i++) {
		free(jobs[i].operation);
		free(jobs[i].object);
		free(jobs[i].query);
		free(jobs[i].created);
		free(jobs[i].eol);
		free(jobs[i].user);
		free(jobs[i].rows);
		buf_release(&jobs[i].csv);
	}
	free(jobs);
	jobs = NULL;
	njobs = 0;
	while (failures) {
		struct failure *f = failures;
		failures = f->next;
		free(f->code);
		free(f->prefix);
		free(f);
	}
	free(refresh_tokens_valid);
	refresh_tokens_valid = NULL;
	free(hidden_query);
	free(hidden_describe);
	hidden_query = hidden_describe = NULL;
	bulk_fail_next = 0;
	sf_data_release();
}

static const struct fake_module sf_module = {
	.name = "salesforce",
	.prefixes = sf_prefixes,
	.options = sf_options,
	.init = sf_init,
	.handle = sf_handle,
	.admin = sf_admin,
	.dump = sf_dump,
	.fault = sf_fault,
	.release = sf_release,
};
FAKE_MODULE(sf_module)
