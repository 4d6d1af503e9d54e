/*
 * dialpad.c: the fake Dialpad API v2, after shared/api/dialpad.md:
 * GET /api/v2/call (newest first, strict started_after/started_before,
 * opaque cursor, small pages), GET /api/v2/call/{id} (10 per minute),
 * GET /api/v2/transcripts/{id} (lines out of order with moments mixed in,
 * or only {"call_id"}, or 404), GET /api/v2/users[/{id}].  int64 ids and
 * millisecond timestamps are JSON strings (or numbers, --dp-ids-as-numbers).
 */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "banned.h"

static const char *const dp_prefixes[] = { "/api/v2/", "/files/dialpad/", NULL };

static const struct fake_option dp_options[] = {
	{ "dp-api-key", "dp-fake-api-key", "the API key accepted" },
	{ "dp-page-size", "25", "calls per page of GET /call" },
	{ "dp-honor-limit", "0", "1: honour a limit parameter (<= 100)" },
	{ "dp-calls", "0", "at least this many calls (filler added)" },
	{ "dp-days", "90", "seeded calls span this many days before --epoch" },
	{ "dp-ids-as-numbers", "0", "1: ids and timestamps as bare numbers" },
	{ "dp-no-calls-scope", "0", "1: the key lacks calls:list (403)" },
	{ "dp-rate-limits", "1", "0: no per-endpoint rate limits" },
	/* quirks the doc allows (shared/api/dialpad.md), off by default */
	{ "dp-transcripts-unrecorded", "0", "1: answered calls that were not "
	    "recorded may have a transcript too (Dialpad AI)" },
	{ "dp-bad-json-every", "0", "N: every Nth GET /call or /transcripts "
	    "is a 200 whose body is cut JSON" },
	{ "dp-overlap-pages", "0", "N: each page repeats the previous page's "
	    "last N calls" },
	{ "dp-stuck-cursor", "0", "1: the last page has a cursor, to itself" },
	{ "dp-target-no-email", "0", "1: call targets carry no email" },
	{ "dp-stats-polls", "2", "GET /stats/{id} says processing this many "
	    "times" },
	{ "dp-stats-expire", "0", "N: the first stats request id is not found "
	    "(404) from its Nth GET on" },
	{ "dp-stats-fail", "0", "N: the first N stats requests end failed" },
	{ NULL, NULL, NULL },
};

struct call {
	cJSON *v;            /* the CallProto, ids and ms as strings */
	int64_t started;
	char *target_id;
	cJSON *transcript;   /* NULL: 404 */
};
static struct call *calls;
static size_t ncalls, capcalls;
static cJSON *users;     /* array of UserProto */
static uint64_t next_call_id;

/* per-endpoint rate limits: request times (real clock) in a window */
struct window {
	int64_t *t;
	size_t n, cap;
};
static struct window w_get_call, w_list, w_transcripts, w_users;
static long bad_json_count;     /* dp-bad-json-every */

/* POST /stats requests: the calls (records) of a range of started times */
struct stats_req {
	int64_t from, to;    /* [from, to) */
	long gets;           /* GET /stats/{id} so far */
	int failed;
};
static struct stats_req *sreqs;
static size_t nsreqs;

static int64_t
real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Record a request; 1 when over max per period_ms. */
static int
limited(struct window *w, long max, int64_t period_ms)
{
	int64_t now = real_ms();
	size_t i, k = 0;

	if (!fake_opt_int("dp-rate-limits"))
		return 0;
	for (i = 0; i < w->n; i++)
		if (now - w->t[i] < period_ms)
			w->t[k++] = w->t[i];
	w->n = k;
	if ((long)w->n >= max)
		return 1;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->t = xrealloc(w->t, w->cap * sizeof *w->t);
	}
	w->t[w->n++] = now;
	return 0;
}

static void
dp_error(struct fake_resp *w, int status, const char *reason, const char *msg)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	cJSON *errs = cJSON_AddArrayToObject(e, "errors"), *x;

	cJSON_AddNumberToObject(e, "code", status);
	cJSON_AddStringToObject(e, "message", msg);
	x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "domain", "global");
	cJSON_AddStringToObject(x, "reason", reason);
	cJSON_AddStringToObject(x, "message", msg);
	cJSON_AddItemToArray(errs, x);
	fake_resp_json(w, status, o);
}

static char *
i64s(int64_t v)
{
	struct buf b = BUF_INIT;
	size_t n;

	buf_printf(&b, "%lld", (long long)v);
	return buf_detach(&b, &n);
}

static void
add_i64(cJSON *o, const char *k, int64_t v)
{
	char *s = i64s(v);

	cJSON_AddStringToObject(o, k, s);
	free(s);
}

static const char *
user_id(size_t rep)
{
	cJSON *u = cJSON_GetArrayItem(users, (int)(rep % (size_t)
	    cJSON_GetArraySize(users)));

	return cJSON_GetObjectItem(u, "id")->valuestring;
}

static void
make_users(void)
{
	size_t i;

	users = cJSON_CreateArray();
	for (i = 0; i < fake_dir_reps(); i++) {
		const struct fake_rep *r = fake_dir_rep(i);
		cJSON *u = cJSON_CreateObject(), *a;
		struct buf b = BUF_INIT;
		add_i64(u, "id", 5412087712374784LL + (int64_t)i * 1000003);
		buf_printf(&b, "%s %s", r->first, r->last);
		cJSON_AddStringToObject(u, "display_name", buf_cstr(&b));
		buf_release(&b);
		cJSON_AddStringToObject(u, "first_name", r->first);
		cJSON_AddStringToObject(u, "last_name", r->last);
		a = cJSON_AddArrayToObject(u, "emails");
		cJSON_AddItemToArray(a, cJSON_CreateString(r->email));
		a = cJSON_AddArrayToObject(u, "phone_numbers");
		cJSON_AddItemToArray(a, cJSON_CreateString(r->phone_e164));
		add_i64(u, "office_id", 5190333301964800LL);
		add_i64(u, "company_id", 6488211520487424LL);
		cJSON_AddStringToObject(u, "state", "active");
		cJSON_AddStringToObject(u, "timezone", "America/Los_Angeles");
		cJSON_AddBoolToObject(u, "is_admin", i == 0);
		cJSON_AddBoolToObject(u, "is_super_admin", 0);
		cJSON_AddStringToObject(u, "license", "talk");
		cJSON_AddStringToObject(u, "date_added", "2024-01-15T17:00:00");
		cJSON_AddItemToArray(users, u);
	}
}

static cJSON *
contact(const char *id, const char *name, const char *phone, const char *email,
    const char *type)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "id", id);
	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddStringToObject(c, "phone", phone);
	cJSON_AddStringToObject(c, "email", email);
	cJSON_AddStringToObject(c, "type", type);
	return c;
}

/* "+14158672301" -> "(415) 867-2301" for US numbers, else as is */
static char *
display_number(const char *e164)
{
	struct buf b = BUF_INIT;
	size_t n;

	if (strncmp(e164, "+1", 2) == 0 && strlen(e164) == 12)
		buf_printf(&b, "(%.3s) %.3s-%.4s", e164 + 2, e164 + 5, e164 + 8);
	else
		buf_addstr(&b, e164);
	return buf_detach(&b, &n);
}

static cJSON *
make_transcript(struct fake_rng *g, const char *call_id, int64_t connected,
    const char *rep_name, const char *rep_id, const char *ext_name)
{
	static const char *const rep_lines[] = {
		"Thanks for calling Northwind, this is ",
		"Sure, I can walk you through the renewal quote.",
		"I'll send the contract over this afternoon.",
		"Does Thursday at 10 work for a follow-up?",
	};
	static const char *const ext_lines[] = {
		"Hi, I'm calling about my renewal quote.",
		"We'd like to add five more seats.",
		"Can you do a discount for a two-year term?",
		"Thursday works. Talk then!",
	};
	static const char *const moments[] = { "price_inquiry",
		"competitor_mention", "next_steps", "decision_maker" };
	cJSON *t = cJSON_CreateObject(), *lines, *ls[10];
	int n = 4 + (int)fake_rng_below(g, 6), i;

	cJSON_AddStringToObject(t, "call_id", call_id);
	lines = cJSON_AddArrayToObject(t, "lines");
	for (i = 0; i < n; i++) {
		cJSON *l = cJSON_CreateObject();
		int rep = i % 2 == 0;
		int moment = fake_rng_chance(g, 0.2);
		int64_t at = connected + (int64_t)i * 4500 + 400;
		time_t s = (time_t)(at / 1000);
		struct tm tm;
		struct buf b = BUF_INIT;
		gmtime_r(&s, &tm);
		buf_printf(&b, "%04d-%02d-%02dT%02d:%02d:%02d.%03d000",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)(at % 1000));
		cJSON_AddStringToObject(l, "type", moment ? "moment" :
		    "transcript");
		cJSON_AddStringToObject(l, "name", rep ? rep_name : ext_name);
		if (rep)
			cJSON_AddStringToObject(l, "user_id", rep_id);
		else
			cJSON_AddStringToObject(l, "contact_id",
			    "ahJzfmRpYWxwYWRiZXRhLWhyZHIVCxIHQ29udGFjdBiAgMDQ5-2WCgw");
		cJSON_AddStringToObject(l, "time", buf_cstr(&b));
		buf_reset(&b);
		if (moment)
			buf_addstr(&b, moments[fake_rng_below(g, 4)]);
		else if (rep && (i / 2) % 4 == 0)
			buf_printf(&b, "%s%s.", rep_lines[0], rep_name);
		else if (rep)
			buf_addstr(&b, rep_lines[(i / 2) % 4]);
		else
			buf_addstr(&b, ext_lines[(i / 2) % 4]);
		cJSON_AddStringToObject(l, "content", buf_cstr(&b));
		buf_release(&b);
		ls[i] = l;
	}
	/* not in time order: Dialpad's own example is not.  (Swaps, not
	 * cJSON_InsertItemInArray, which breaks the list in cJSON 1.7.15.) */
	for (i = 1; i < n; i++) {
		if (fake_rng_chance(g, 0.3)) {
			int j = (int)fake_rng_below(g, (uint64_t)i);
			cJSON *x = ls[i];
			ls[i] = ls[j];
			ls[j] = x;
		}
	}
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(lines, ls[i]);
	return t;
}

static struct call *
call_add(struct fake_rng *g, size_t rep, const char *ext_e164,
    const char *ext_name, const char *ext_email, int64_t started,
    int inbound)
{
	struct call *c;
	cJSON *v = cJSON_CreateObject();
	const struct fake_rep *r = fake_dir_rep(rep);
	char *id;
	int answered = fake_rng_chance(g, 0.75);
	int64_t ring = 2000 + (int64_t)fake_rng_below(g, 15000);
	int64_t talk = answered ? 20000 + (int64_t)fake_rng_below(g, 1500000) : 0;
	int recorded = answered && fake_rng_chance(g, 0.7);
	struct buf b = BUF_INIT;
	char *disp = display_number(ext_e164);
	const char *uid = user_id(rep);
	uint64_t cid = next_call_id;

	next_call_id += 1 + fake_rng_below(g, 1000000000ULL);
	if (ncalls == capcalls) {
		capcalls = capcalls ? capcalls * 2 : 128;
		calls = xrealloc(calls, capcalls * sizeof *calls);
	}
	c = &calls[ncalls++];
	memset(c, 0, sizeof *c);
	id = i64s((int64_t)cid);
	cJSON_AddStringToObject(v, "call_id", id);
	cJSON_AddStringToObject(v, "direction", inbound ? "inbound" : "outbound");
	cJSON_AddStringToObject(v, "state", answered ? "hangup" :
	    inbound && fake_rng_chance(g, 0.5) ? "voicemail" : "missed");
	if (inbound)
		add_i64(v, "date_rang", started);
	add_i64(v, "date_started", started);
	if (answered)
		add_i64(v, "date_connected", started + ring);
	else if (fake_rng_chance(g, 0.5))
		cJSON_AddNullToObject(v, "date_connected");
	add_i64(v, "date_ended", started + ring + talk);
	buf_printf(&b, "%lld.0", (long long)talk);
	cJSON_AddItemToObject(v, "duration", cJSON_CreateRaw(buf_cstr(&b)));
	buf_reset(&b);
	buf_printf(&b, "%lld.0", (long long)(talk + ring));
	cJSON_AddItemToObject(v, "total_duration", cJSON_CreateRaw(buf_cstr(&b)));
	buf_reset(&b);
	cJSON_AddStringToObject(v, "external_number", ext_e164);
	cJSON_AddStringToObject(v, "internal_number", r->phone_e164);
	{
		char *cidc = i64s(4830219987542016LL + (int64_t)fake_hash(0,
		    ext_e164, strlen(ext_e164)) % 100000000LL);
		cJSON_AddItemToObject(v, "contact", contact(ext_name ? cidc : "",
		    ext_name ? ext_name : disp, ext_e164, ext_email ? ext_email :
		    "", "local"));
		free(cidc);
	}
	buf_printf(&b, "%s %s", r->first, r->last);
	cJSON_AddItemToObject(v, "target", contact(uid, buf_cstr(&b),
	    r->phone_e164, r->email, "user"));
	cJSON_AddStringToObject(v, "entry_point_call_id", id);
	cJSON_AddStringToObject(v, "master_call_id", id);
	cJSON_AddStringToObject(v, "group_id", "Office:5190333301964800");
	cJSON_AddBoolToObject(v, "is_transferred", 0);
	cJSON_AddBoolToObject(v, "was_recorded", recorded);
	if (recorded) {
		cJSON *a = cJSON_AddArrayToObject(v, "recording_details");
		cJSON *x = cJSON_CreateObject();
		struct buf u = BUF_INIT;
		buf_printf(&u, "r-%llx", (unsigned long long)(cid & 0xffff));
		cJSON_AddStringToObject(x, "id", buf_cstr(&u));
		cJSON_AddStringToObject(x, "recording_type", "callrecording");
		buf_reset(&u);
		buf_printf(&u, "https://dialpad.example/r/%llx",
		    (unsigned long long)cid);
		cJSON_AddStringToObject(x, "url", buf_cstr(&u));
		buf_release(&u);
		add_i64(x, "duration", talk - 500);
		add_i64(x, "start_time", started + ring + 300);
		cJSON_AddItemToArray(a, x);
	}
	if (fake_rng_chance(g, 0.3)) {
		cJSON *a = cJSON_AddArrayToObject(v, "labels");
		cJSON_AddItemToArray(a, cJSON_CreateString("renewal"));
	}
	c->v = v;
	c->started = started;
	c->target_id = xstrdup(uid);
	if (recorded || (answered && fake_opt_int("dp-transcripts-unrecorded"))) {
		uint64_t k = fake_rng_below(g, 100);
		if (k < 70)
			c->transcript = make_transcript(g, id, started + ring,
			    buf_cstr(&b), uid, ext_name ? ext_name : disp);
		else if (k < 85) {
			c->transcript = cJSON_CreateObject();
			cJSON_AddStringToObject(c->transcript, "call_id", id);
		}
	}
	buf_release(&b);
	free(disp);
	free(id);
	return c;
}

static int
by_started_desc(const void *a, const void *b)
{
	const struct call *x = a, *y = b;

	if (x->started != y->started)
		return x->started < y->started ? 1 : -1;
	return strcmp(cJSON_GetObjectItem(x->v, "call_id")->valuestring,
	    cJSON_GetObjectItem(y->v, "call_id")->valuestring);
}

static void
sort_calls(void)
{
	qsort(calls, ncalls, sizeof *calls, by_started_desc);
}

static int
dp_init(char **msg)
{
	struct fake_rng g;
	int64_t epoch = fake_epoch_ms();
	int64_t span = fake_opt_int("dp-days") * 86400000LL;
	size_t i, np = fake_dir_people();
	long long want = fake_opt_int("dp-calls");

	(void)msg;
	fake_rng_init(&g, fake_seed(), "dialpad");
	next_call_id = 5633997120880640ULL + fake_rng_below(&g, 1000000);
	make_users();
	for (i = 0; i < np; i++) {
		const struct fake_person *p = fake_dir_person(i);
		int n, k;
		if (!p->in_calls)
			continue;
		n = 1 + (int)fake_rng_below(&g, 4);
		for (k = 0; k < n; k++) {
			const char *num = p->phone_e164 && (!p->mobile_e164 ||
			    fake_rng_chance(&g, 0.6)) ? p->phone_e164 :
			    p->mobile_e164;
			struct buf name = BUF_INIT;
			int64_t t = epoch - 1 - (int64_t)fake_rng_below(&g,
			    (uint64_t)span);
			int known = fake_rng_chance(&g, 0.6);
			buf_printf(&name, "%s %s", p->first, p->last);
			call_add(&g, p->rep, num, known ? buf_cstr(&name) : NULL,
			    known && fake_rng_chance(&g, 0.5) ? p->email : NULL,
			    t, fake_rng_chance(&g, 0.4));
			buf_release(&name);
		}
	}
	/* callers nobody knows, and one id past 2^53 */
	for (i = 0; (long long)ncalls < want || i < 5; i++) {
		static const char *const unknown[] = { "+12127363100",
			"+14158672301", "+442083661234", "+493022334455",
			"+61293744000" };
		const char *num = unknown[i % 5];
		struct buf b = BUF_INIT;
		int64_t t = epoch - 1 - (int64_t)fake_rng_below(&g,
		    (uint64_t)span);
		if (i % 5 == 0) {
			/* a valid but unassigned-looking US number */
			buf_printf(&b, "+1628%07llu", (unsigned long long)
			    (2000000 + fake_rng_below(&g, 7000000)));
			num = buf_cstr(&b);
		}
		/* spread over the reps there are (--reps may be under 5) */
		call_add(&g, i % fake_dir_reps(), num, NULL, NULL, t, 1);
		buf_release(&b);
	}
	{
		uint64_t save = next_call_id;
		next_call_id = 9007199254740993ULL;
		call_add(&g, 0, "+14158672302", NULL, NULL, epoch - 3600000, 1);
		next_call_id = save;
	}
	sort_calls();
	return 0;
}

static void
dp_release(void)
{
	size_t i;

	for (i = 0; i < ncalls; i++) {
		cJSON_Delete(calls[i].v);
		cJSON_Delete(calls[i].transcript);
		free(calls[i].target_id);
	}
	free(calls);
	calls = NULL;
	ncalls = capcalls = 0;
	cJSON_Delete(users);
	users = NULL;
	bad_json_count = 0;
	free(sreqs);
	sreqs = NULL;
	nsreqs = 0;
	free(w_get_call.t);
	free(w_list.t);
	free(w_transcripts.t);
	free(w_users.t);
	memset(&w_get_call, 0, sizeof w_get_call);
	memset(&w_list, 0, sizeof w_list);
	memset(&w_transcripts, 0, sizeof w_transcripts);
	memset(&w_users, 0, sizeof w_users);
}

/* Render for the wire: optionally ids and ms as bare numbers. */
static cJSON *
wire(const cJSON *v)
{
	static const char *const keys[] = { "call_id", "date_rang",
		"date_started", "date_connected", "date_ended",
		"entry_point_call_id", "master_call_id", "id", "office_id",
		"company_id", "user_id", "duration", "start_time" };
	cJSON *o = cJSON_Duplicate(v, 1), *it;
	size_t i;

	if (!fake_opt_int("dp-ids-as-numbers"))
		return o;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		it = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
		if (cJSON_IsString(it) && *it->valuestring &&
		    strspn(it->valuestring, "0123456789") ==
		    strlen(it->valuestring))
			cJSON_ReplaceItemInObjectCaseSensitive(o, keys[i],
			    cJSON_CreateRaw(it->valuestring));
	}
	cJSON_ArrayForEach(it, o) {
		if (cJSON_IsObject(it)) {
			cJSON *id = cJSON_GetObjectItem(it, "id");
			if (cJSON_IsString(id) && *id->valuestring &&
			    strspn(id->valuestring, "0123456789") ==
			    strlen(id->valuestring))
				cJSON_ReplaceItemInObject(it, "id",
				    cJSON_CreateRaw(id->valuestring));
		}
	}
	return o;
}

static int
authorized(const struct fake_req *r, struct fake_resp *w)
{
	char *t = fake_bearer(r);
	const char *k = fake_opt("dp-api-key");
	const char *q = fake_query(r, "apikey");
	int ok = (t && strcmp(t, k) == 0) || (q && strcmp(q, k) == 0);

	free(t);
	if (!ok)
		dp_error(w, 401, "authError", "Invalid or missing API key");
	return ok;
}

/* The cursor: base64url of "offset:filterhash". */
static uint64_t
filter_hash(const struct fake_req *r)
{
	static const char *const keys[] = { "started_after", "started_before",
		"target_id", "target_type", "include_anonymized" };
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = fake_query(r, keys[i]);
		h = fake_hash(h, keys[i], strlen(keys[i]));
		if (v)
			h = fake_hash(h, v, strlen(v));
		h = fake_hash(h, "|", 1);
	}
	return h;
}

static int
parse_cursor(const char *cur, uint64_t want, size_t *off)
{
	struct buf d = BUF_INIT;
	unsigned long long o, h;
	int ok;

	ok = fake_base64_decode(&d, cur, strlen(cur)) == 0 &&
	    sscanf(buf_cstr(&d), "%llu:%llx", &o, &h) == 2 && h == want;
	buf_release(&d);
	if (ok)
		*off = (size_t)o;
	return ok ? 0 : -1;
}

static void
make_cursor(cJSON *o, size_t off, uint64_t h)
{
	struct buf p = BUF_INIT, e = BUF_INIT;

	buf_printf(&p, "%zu:%llx", off, (unsigned long long)h);
	fake_base64(&e, p.data, p.len, 1);
	cJSON_AddStringToObject(o, "cursor", buf_cstr(&e));
	buf_release(&p);
	buf_release(&e);
}

static int
num_param(const struct fake_req *r, const char *k, int64_t *v)
{
	const char *s = fake_query(r, k);
	char *end;

	if (!s)
		return 0;
	*v = strtoll(s, &end, 10);
	return *end == '\0' && *s ? 1 : -1;
}

static void
list_calls(const struct fake_req *r, struct fake_resp *w)
{
	int64_t after = 0, before = INT64_MAX, now = fake_now_ms();
	const char *tid = fake_query(r, "target_id");
	const char *ttype = fake_query(r, "target_type");
	const char *cur = fake_query(r, "cursor");
	uint64_t h = filter_hash(r);
	size_t off = 0, i, seen = 0, page = (size_t)fake_opt_int("dp-page-size");
	cJSON *o, *items;

	if (fake_opt_int("dp-no-calls-scope")) {
		dp_error(w, 403, "forbidden", "This API key lacks the "
		    "calls:list scope");
		return;
	}
	if (limited(&w_list, 1200, 60000)) {
		dp_error(w, 429, "rateLimitExceeded", "Rate limit exceeded");
		return;
	}
	if (num_param(r, "started_after", &after) < 0 ||
	    num_param(r, "started_before", &before) < 0) {
		dp_error(w, 400, "badRequest", "started_after and "
		    "started_before must be integers (UTC milliseconds)");
		return;
	}
	if (ttype && !tid) {
		dp_error(w, 400, "badRequest", "target_type requires target_id");
		return;
	}
	if (cur && *cur && parse_cursor(cur, h, &off) != 0) {
		dp_error(w, 400, "badRequest", "Invalid cursor");
		return;
	}
	if (fake_opt_int("dp-honor-limit") && fake_query(r, "limit")) {
		long l = atol(fake_query(r, "limit"));
		if (l > 0)
			page = (size_t)(l > 100 ? 100 : l);
	}
	o = cJSON_CreateObject();
	items = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < ncalls; i++) {
		struct call *c = &calls[i];
		int64_t ended = atoll(cJSON_GetObjectItem(c->v,
		    "date_ended")->valuestring);
		if (ended > now)
			continue;   /* only concluded calls */
		if (!(c->started > after && c->started < before))
			continue;
		if (tid && strcmp(tid, c->target_id) != 0)
			continue;
		if (ttype && strcmp(ttype, "user") != 0)
			continue;
		if (seen++ < off)
			continue;
		if ((size_t)cJSON_GetArraySize(items) == page) {
			size_t overlap = (size_t)fake_opt_int("dp-overlap-pages");
			make_cursor(o, off + page - (overlap < page ? overlap : 0), h);
			break;
		}
		cJSON_AddItemToArray(items, wire(c->v));
		if (fake_opt_int("dp-target-no-email"))
			cJSON_DeleteItemFromObject(cJSON_GetObjectItem(
			    cJSON_GetArrayItem(items, cJSON_GetArraySize(items) - 1),
			    "target"), "email");
	}
	if (!cJSON_GetObjectItem(o, "cursor") && fake_opt_int("dp-stuck-cursor"))
		make_cursor(o, off, h);
	fake_resp_json(w, 200, o);
}

/* dp-bad-json-every: 1 when this request gets a cut body instead. */

static int
bad_json(struct fake_resp *w)
{
	long every = (long)fake_opt_int("dp-bad-json-every");

	if (every <= 0 || ++bad_json_count % every != 0)
		return 0;
	fake_resp_json_text(w, 200, "{\"items\": [{\"call_id\": \"12");
	return 1;
}

static struct call *
call_find(const char *id)
{
	size_t i;

	for (i = 0; i < ncalls; i++)
		if (strcmp(cJSON_GetObjectItem(calls[i].v,
		    "call_id")->valuestring, id) == 0)
			return &calls[i];
	return NULL;
}

static void
list_users(const struct fake_req *r, struct fake_resp *w)
{
	const char *email = fake_query(r, "email");
	const char *cur = fake_query(r, "cursor");
	size_t off = 0, seen = 0, page = 100;
	uint64_t h = fake_hash(0, email ? email : "", email ? strlen(email) : 0);
	cJSON *o, *items, *u;

	if (fake_query(r, "limit")) {
		long l = atol(fake_query(r, "limit"));
		if (l > 0)
			page = (size_t)(l > 100 ? 100 : l);
	}
	if (cur && *cur && parse_cursor(cur, h, &off) != 0) {
		dp_error(w, 400, "badRequest", "Invalid cursor");
		return;
	}
	o = cJSON_CreateObject();
	items = cJSON_AddArrayToObject(o, "items");
	cJSON_ArrayForEach(u, users) {
		cJSON *em = cJSON_GetArrayItem(cJSON_GetObjectItem(u, "emails"),
		    0);
		if (email && (!cJSON_IsString(em) ||
		    strcasecmp(em->valuestring, email) != 0))
			continue;
		if (seen++ < off)
			continue;
		if ((size_t)cJSON_GetArraySize(items) == page) {
			make_cursor(o, off + page, h);
			break;
		}
		cJSON_AddItemToArray(items, wire(u));
	}
	fake_resp_json(w, 200, o);
}

/*
 * POST /stats (export_type records, stat_type calls): the range is whole
 * UTC days, days_ago_end days back up to days_ago_start days back (today
 * never: start 0 counts as 1), or with is_today today up to now.
 */
static void
stats_post(const struct fake_req *r, struct fake_resp *w)
{
	cJSON *b = cJSON_ParseWithLength(r->body, r->body_len), *o;
	const cJSON *et = cJSON_GetObjectItem(b, "export_type");
	const cJSON *st = cJSON_GetObjectItem(b, "stat_type");
	const cJSON *today = cJSON_GetObjectItem(b, "is_today");
	const cJSON *ds = cJSON_GetObjectItem(b, "days_ago_start");
	const cJSON *de = cJSON_GetObjectItem(b, "days_ago_end");
	int64_t now = fake_now_ms(), day0 = now - now % 86400000LL;
	long start = cJSON_IsNumber(ds) ? (long)ds->valuedouble : 1;
	long end = cJSON_IsNumber(de) ? (long)de->valuedouble : 30;
	struct stats_req *q;
	char id[32];

	if (!cJSON_IsString(et) || !cJSON_IsString(st)) {
		cJSON_Delete(b);
		dp_error(w, 400, "badRequest", "export_type and stat_type are "
		    "required");
		return;
	}
	if (strcmp(et->valuestring, "records") != 0 ||
	    strcmp(st->valuestring, "calls") != 0) {
		cJSON_Delete(b);
		dp_error(w, 400, "badRequest", "this fake exports records of "
		    "calls only");
		return;
	}
	sreqs = xrealloc(sreqs, (nsreqs + 1) * sizeof *sreqs);
	q = &sreqs[nsreqs++];
	memset(q, 0, sizeof *q);
	if (cJSON_IsTrue(today)) {
		q->from = day0;
		q->to = now;
	} else {
		if (start < 1)
			start = 1;
		q->from = day0 - (int64_t)end * 86400000LL;
		q->to = day0 - (int64_t)(start - 1) * 86400000LL;
	}
	q->failed = (long long)nsreqs <= fake_opt_int("dp-stats-fail");
	cJSON_Delete(b);
	snprintf(id, sizeof id, "%zx9f3a", nsreqs);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "request_id", id);
	cJSON_AddBoolToObject(o, "already_started", 0);
	fake_resp_json(w, 200, o);
}

static struct stats_req *
stats_find(const char *id)
{
	size_t n = strlen(id), i;
	unsigned long k = 0;

	if (n < 5 || n > 12 || strcmp(id + n - 4, "9f3a") != 0)
		return NULL;
	for (i = 0; i < n - 4; i++) {
		char c = id[i];
		if (c >= '0' && c <= '9')
			k = k * 16 + (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			k = k * 16 + (unsigned long)(c - 'a' + 10);
		else
			return NULL;
	}
	return k >= 1 && k <= nsreqs ? &sreqs[k - 1] : NULL;
}

static void
stats_get(const struct fake_req *r, struct fake_resp *w, const char *id)
{
	struct stats_req *q = stats_find(id);
	long expire = (long)fake_opt_int("dp-stats-expire");
	cJSON *o;
	struct buf b = BUF_INIT;

	if (q)
		q->gets++;
	/* the first request id expires (a slow poller), later ones not */
	if (!q || (expire > 0 && q == &sreqs[0] && q->gets >= expire)) {
		buf_printf(&b, "Request with id %s not found.", id);
		dp_error(w, 404, "notFound", buf_cstr(&b));
		buf_release(&b);
		return;
	}
	o = cJSON_CreateObject();
	if (q->gets <= fake_opt_int("dp-stats-polls")) {
		cJSON_AddStringToObject(o, "status", "processing");
	} else if (q->failed) {
		cJSON_AddStringToObject(o, "status", "failed");
	} else {
		cJSON_AddStringToObject(o, "status", "complete");
		buf_printf(&b, "%s/files/dialpad/%s.csv", r->base_url, id);
		cJSON_AddStringToObject(o, "download_url", buf_cstr(&b));
		cJSON_AddStringToObject(o, "file_type", "csv");
		buf_release(&b);
	}
	fake_resp_json(w, 200, o);
}

static void
csv_cell(struct buf *b, const cJSON *v)
{
	const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
	char num[64];

	if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof num, "%.0f", v->valuedouble);
		s = num;
	} else if (cJSON_IsRaw(v)) {
		s = v->valuestring;
	} else if (cJSON_IsBool(v)) {
		s = cJSON_IsTrue(v) ? "true" : "false";
	}
	if (s && strpbrk(s, ",\"\r\n")) {
		buf_addch(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_addch(b, '"');
			buf_addch(b, *s);
		}
		buf_addch(b, '"');
	} else if (s) {
		buf_addstr(b, s);
	}
}

/* The export: one row per concluded call in the range, newest first. */
static void
stats_file(struct fake_resp *w, const char *name)
{
	static const char *const cols[] = { "call_id", "date_started",
		"date_connected", "date_ended", "direction", "state",
		"external_number", "internal_number", "duration", "was_recorded",
		"target_id", "target_type", "name", "email", "contact_name" };
	size_t nc = sizeof cols / sizeof cols[0], i, k;
	char *id = xstrndup(name, strlen(name) > 4 ? strlen(name) - 4 : 0);
	struct stats_req *q = stats_find(id);
	struct buf b = BUF_INIT;
	int64_t now = fake_now_ms();

	free(id);
	if (!q || strlen(name) < 5 || strcmp(name + strlen(name) - 4, ".csv")) {
		fake_resp_body(w, 404, "text/plain", "not found", 9);
		return;
	}
	for (k = 0; k < nc; k++)
		buf_printf(&b, "%s%s", k ? "," : "", cols[k]);
	buf_addstr(&b, "\r\n");
	for (i = 0; i < ncalls; i++) {
		const cJSON *v = calls[i].v;
		const cJSON *tg = cJSON_GetObjectItem(v, "target");
		const cJSON *ct = cJSON_GetObjectItem(v, "contact");
		if (atoll(cJSON_GetObjectItem(v, "date_ended")->valuestring) > now)
			continue;
		if (calls[i].started < q->from || calls[i].started >= q->to)
			continue;
		for (k = 0; k < nc; k++) {
			const cJSON *x;
			if (k)
				buf_addch(&b, ',');
			if (strcmp(cols[k], "target_id") == 0)
				x = cJSON_GetObjectItem(tg, "id");
			else if (strcmp(cols[k], "target_type") == 0)
				x = cJSON_GetObjectItem(tg, "type");
			else if (strcmp(cols[k], "name") == 0)
				x = cJSON_GetObjectItem(tg, "name");
			else if (strcmp(cols[k], "email") == 0)
				x = cJSON_GetObjectItem(tg, "email");
			else if (strcmp(cols[k], "contact_name") == 0)
				x = cJSON_GetObjectItem(ct, "name");
			else
				x = cJSON_GetObjectItem(v, cols[k]);
			csv_cell(&b, x);
		}
		buf_addstr(&b, "\r\n");
	}
	fake_resp_body(w, 200, "text/csv", b.data ? b.data : "", b.len);
	buf_release(&b);
}

static int
dp_handle(const struct fake_req *r, struct fake_resp *w)
{
	const char *p = r->path + strlen("/api/v2");

	if (strncmp(r->path, "/files/dialpad/", 15) == 0) {
		/* a pre-signed link: no Authorization wanted */
		if (fake_header(r, "Authorization")) {
			fake_resp_body(w, 400, "text/plain",
			    "only one auth mechanism allowed", 31);
			return 0;
		}
		stats_file(w, r->path + 15);
		return 0;
	}
	if (!authorized(r, w))
		return 0;
	if (strcmp(p, "/stats") == 0 && strcmp(r->method, "POST") == 0) {
		stats_post(r, w);
		return 0;
	}
	if (strncmp(p, "/stats/", 7) == 0 && strcmp(r->method, "GET") == 0) {
		stats_get(r, w, p + 7);
		return 0;
	}
	if (strcmp(r->method, "GET") != 0) {
		dp_error(w, 405, "methodNotAllowed", "Method not allowed");
		return 0;
	}
	if (strcmp(p, "/call") == 0 || strcmp(p, "/call/") == 0) {
		if (!bad_json(w))
			list_calls(r, w);
		return 0;
	}
	if (strncmp(p, "/call/", 6) == 0) {
		struct call *c;
		if (limited(&w_get_call, 10, 60000)) {
			dp_error(w, 429, "rateLimitExceeded",
			    "Rate limit exceeded: 10 requests per minute");
			return 0;
		}
		c = call_find(p + 6);
		if (!c) {
			dp_error(w, 404, "notFound", "Call not found.");
			return 0;
		}
		fake_resp_json(w, 200, wire(c->v));
		return 0;
	}
	if (strncmp(p, "/transcripts/", 13) == 0) {
		struct call *c;
		const char *id = p + 13;
		if (limited(&w_transcripts, 1200, 60000)) {
			dp_error(w, 429, "rateLimitExceeded", "Rate limit exceeded");
			return 0;
		}
		if (strlen(id) > 4 && strcmp(id + strlen(id) - 4, "/url") == 0) {
			char *cid = xstrndup(id, strlen(id) - 4);
			c = call_find(cid);
			if (c && c->transcript) {
				cJSON *o = cJSON_CreateObject();
				struct buf b = BUF_INIT;
				cJSON_AddStringToObject(o, "call_id", cid);
				buf_printf(&b, "https://dialpad.com/callhistory/"
				    "callreview/%s?tab=transcript", cid);
				cJSON_AddStringToObject(o, "url", buf_cstr(&b));
				buf_release(&b);
				fake_resp_json(w, 200, o);
			} else {
				dp_error(w, 404, "notFound", "Transcript not found.");
			}
			free(cid);
			return 0;
		}
		c = call_find(id);
		if (!c || !c->transcript) {
			dp_error(w, 404, "notFound", "Transcript not found.");
			return 0;
		}
		if (bad_json(w))
			return 0;
		fake_resp_json(w, 200, wire(c->transcript));
		return 0;
	}
	if (strcmp(p, "/users") == 0 || strcmp(p, "/users/") == 0) {
		if (limited(&w_users, 1200, 60000)) {
			dp_error(w, 429, "rateLimitExceeded", "Rate limit exceeded");
			return 0;
		}
		list_users(r, w);
		return 0;
	}
	if (strncmp(p, "/users/", 7) == 0) {
		cJSON *u;
		const char *id = p + 7;
		cJSON_ArrayForEach(u, users) {
			if (strcmp(id, "me") == 0 || strcmp(cJSON_GetObjectItem(u,
			    "id")->valuestring, id) == 0) {
				fake_resp_json(w, 200, wire(u));
				return 0;
			}
		}
		dp_error(w, 404, "notFound", "User not found.");
		return 0;
	}
	dp_error(w, 404, "notFound", "Not found.");
	return 0;
}

static int
dp_fault(enum fake_fault f, const struct fake_req *r, struct fake_resp *w)
{
	(void)r;
	switch (f) {
	case FAKE_FAULT_429:
		fake_resp_header(w, "Retry-After", "%lld",
		    fake_opt_int("retry-after"));
		dp_error(w, 429, "rateLimitExceeded", "Rate limit exceeded");
		return 0;
	case FAKE_FAULT_401:
		dp_error(w, 401, "authError", "Invalid or missing API key");
		return 0;
	default:
		return 1;   /* 5xx as HTML gateway pages */
	}
}

static void
dp_dump(cJSON *o)
{
	cJSON *a = cJSON_AddArrayToObject(o, "calls");
	cJSON *t = cJSON_AddObjectToObject(o, "transcripts");
	size_t i;

	for (i = 0; i < ncalls; i++) {
		const char *id = cJSON_GetObjectItem(calls[i].v,
		    "call_id")->valuestring;
		cJSON_AddItemToArray(a, cJSON_Duplicate(calls[i].v, 1));
		if (calls[i].transcript)
			cJSON_AddItemToObject(t, id,
			    cJSON_Duplicate(calls[i].transcript, 1));
		else if (cJSON_IsTrue(cJSON_GetObjectItem(calls[i].v,
		    "was_recorded")))
			cJSON_AddNullToObject(t, id);
	}
	cJSON_AddItemToObject(o, "users", cJSON_Duplicate(users, 1));
}

static int
dp_admin(const char *rest, const struct fake_req *r, struct fake_resp *w)
{
	if (strcmp(rest, "/calls") == 0 && strcmp(r->method, "GET") == 0) {
		cJSON *o = cJSON_CreateObject();
		dp_dump(o);
		fake_resp_json(w, 200, o);
		return 0;
	}
	if ((strcmp(rest, "/calls") == 0 || strcmp(rest, "/mutate") == 0) &&
	    strcmp(r->method, "POST") == 0) {
		/* new concluded calls that started minutes ago */
		const char *n = fake_query(r, "create");
		const char *sd = fake_query(r, "seed");
		const char *ago = fake_query(r, "minutes_ago");
		long k = n ? atol(n) : 1, i;
		struct fake_rng g;
		cJSON *out = cJSON_CreateObject();
		cJSON *ids = cJSON_AddArrayToObject(out, "created");
		int64_t now = fake_now_ms();
		fake_rng_init(&g, sd ? strtoull(sd, NULL, 10) : fake_seed() +
		    ncalls, "dialpad-mutate");
		for (i = 0; i < k; i++) {
			size_t np = fake_dir_people();
			const struct fake_person *p = NULL;
			size_t tries;
			struct call *c;
			struct buf name = BUF_INIT;
			int64_t started;
			for (tries = 0; np && tries < 50; tries++) {
				p = fake_dir_person(fake_rng_below(&g, np));
				if (p->phone_e164 || p->mobile_e164)
					break;
				p = NULL;
			}
			/* ends at least a minute before now */
			started = now - (ago ? atol(ago) : 30) * 60000 -
			    (int64_t)fake_rng_below(&g, 600000);
			if (p)
				buf_printf(&name, "%s %s", p->first, p->last);
			c = call_add(&g, p ? p->rep : 0, p ? (p->phone_e164 ?
			    p->phone_e164 : p->mobile_e164) : "+14158672303",
			    p ? buf_cstr(&name) : NULL, NULL, started, 0);
			buf_release(&name);
			cJSON_AddItemToArray(ids, cJSON_CreateString(
			    cJSON_GetObjectItem(c->v, "call_id")->valuestring));
		}
		sort_calls();
		fake_resp_json(w, 200, out);
		return 0;
	}
	return -1;
}

static const struct fake_module dp_module = {
	.name = "dialpad",
	.prefixes = dp_prefixes,
	.options = dp_options,
	.init = dp_init,
	.handle = dp_handle,
	.admin = dp_admin,
	.dump = dp_dump,
	.fault = dp_fault,
	.release = dp_release,
};
FAKE_MODULE(dp_module)
