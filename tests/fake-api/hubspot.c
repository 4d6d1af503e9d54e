/*
 * hubspot.c: the fake HubSpot API, after shared/api/hubspot.md: sequences
 * (legacy /automation/v4/sequences and dated /automation/sequences/2026-03,
 * same shapes) that require userId, sequence details with steps,
 * enrollments, contacts (search, read by id or email, list), owners and
 * users, `after` paging, the X-HubSpot-RateLimit-* headers and 429s with
 * policyName, errors in HubSpot's shape.
 */
#include "fake.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "banned.h"

static const char *const hs_prefixes[] = { "/automation/", "/crm/",
	"/settings/", NULL };

static const struct fake_option hs_options[] = {
	{ "hs-token", "pat-na1-fake-hubspot-token", "the private app token" },
	{ "hs-scopes", "automation.sequences.read,"
	    "automation.sequences.enrollments.write,crm.objects.contacts.read,"
	    "crm.objects.owners.read,settings.users.read", "the token's scopes" },
	{ "hs-page-size", "10", "default page size of lists (limit, max 100)" },
	{ "hs-max-page", "100", "the most a list page holds, whatever limit asks" },
	{ "hs-burst", "100", "requests per 10 s rolling window (0: off)" },
	{ "hs-daily", "250000", "requests per day" },
	{ "hs-search-per-second", "5", "search requests per second (0: off)" },
	{ "hs-sequences", "3", "sequences per user (about)" },
	{ "hs-users-api", "1", "serve GET /settings/v3/users (0: not found, "
	    "as shared/api/hubspot.md, which documents only /crm/v3/owners)" },
	{ NULL, NULL, NULL },
};

static cJSON *hs_users;       /* settings users */
static cJSON *owners;
static cJSON *sequences;      /* full PublicSequenceResponse objects */
static cJSON *contacts;       /* {id, properties{...}, createdAt, updatedAt} */
static cJSON *enrollments;    /* {id, toEmail, sequenceId, ..., contactId} */
static unsigned long next_enroll_id;
static long long daily_used;
static int not_indexed;       /* searches left that find nothing */

/*
 * Quirks (POST /_admin/hubspot/quirk?kind=K[&n=N][&match=S][&ms=M]): the
 * next N requests (default 1) whose target contains S answer as K:
 * empty200, badjson, noresults (200 without the results/id the endpoint
 * has), emptylist (200, no results), repeat-after (a list page's paging.next.after repeats the cursor
 * of the request: a loop), 400, 403, 404, 423, 477 (Retry-After: 1),
 * 429-daily (policyName DAILY, Retry-After: 3600), 429-rolling
 * (TEN_SECONDLY_ROLLING without Retry-After; the window then stays shut
 * for M ms, default 100), junk-headers (X-HubSpot-RateLimit-Remaining
 * not a number).  Kinds after auth, before the limiter.
 */
struct quirk {
	char kind[24];
	char match[200];
	long n;
	long ms;
};
static struct quirk quirks[16];
static size_t nquirks;
static int64_t shut_until;    /* 429-rolling: refuse until then (real ms) */

struct window {
	int64_t *t;
	size_t n, cap;
};
static struct window w_burst, w_search;

static int64_t
real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t
window_count(struct window *w, int64_t period)
{
	int64_t now = real_ms();
	size_t i, k = 0;

	for (i = 0; i < w->n; i++)
		if (now - w->t[i] < period)
			w->t[k++] = w->t[i];
	w->n = k;
	return k;
}

static void
window_add(struct window *w)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 128;
		w->t = xrealloc(w->t, w->cap * sizeof *w->t);
	}
	w->t[w->n++] = real_ms();
}

static void
correlation(struct buf *b, uint64_t seq)
{
	uint64_t h = fake_hash(0, &seq, sizeof seq);

	buf_printf(b, "%08llx-%04llx-4%03llx-9%03llx-%012llx",
	    (unsigned long long)(h >> 32), (unsigned long long)(h & 0xffff),
	    (unsigned long long)((h >> 16) & 0xfff),
	    (unsigned long long)((h >> 28) & 0xfff),
	    (unsigned long long)(h & 0xffffffffffffULL));
}

static void
hs_error(struct fake_resp *w, const struct fake_req *r, int status,
    const char *category, const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	struct buf b = BUF_INIT;

	correlation(&b, r->seq);
	cJSON_AddStringToObject(o, "status", "error");
	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddStringToObject(o, "correlationId", buf_cstr(&b));
	if (category)
		cJSON_AddStringToObject(o, "category", category);
	fake_resp_header(w, "x-hubspot-correlation-id", "%s", buf_cstr(&b));
	buf_release(&b);
	fake_resp_json(w, status, o);
}

static void
hs_validation(struct fake_resp *w, const struct fake_req *r, const char *msg,
    const char *param, const char *in)
{
	cJSON *o = cJSON_CreateObject(), *errs, *e, *ctx;
	struct buf b = BUF_INIT;

	correlation(&b, r->seq);
	cJSON_AddStringToObject(o, "status", "error");
	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddStringToObject(o, "correlationId", buf_cstr(&b));
	cJSON_AddStringToObject(o, "category", "VALIDATION_ERROR");
	errs = cJSON_AddArrayToObject(o, "errors");
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "message", msg);
	cJSON_AddStringToObject(e, "code", "REQUIRED_FIELD");
	cJSON_AddStringToObject(e, "in", in);
	ctx = cJSON_AddObjectToObject(e, "context");
	cJSON_AddItemToObject(ctx, "propertyName", cJSON_CreateStringArray(
	    &param, 1));
	cJSON_AddItemToArray(errs, e);
	buf_release(&b);
	fake_resp_json(w, 400, o);
}

static void
rate_429(struct fake_resp *w, const struct fake_req *r, const char *policy,
    const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	struct buf b = BUF_INIT;

	correlation(&b, r->seq);
	cJSON_AddStringToObject(o, "status", "error");
	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddStringToObject(o, "errorType", "RATE_LIMIT");
	cJSON_AddStringToObject(o, "correlationId", buf_cstr(&b));
	cJSON_AddStringToObject(o, "policyName", policy);
	cJSON_AddStringToObject(o, "category", "RATE_LIMITS");
	buf_reset(&b);
	buf_printf(&b, "%llx", (unsigned long long)fake_hash(0, &r->seq,
	    sizeof r->seq));
	cJSON_AddStringToObject(o, "requestId", buf_cstr(&b));
	buf_release(&b);
	fake_resp_json(w, 429, o);
}

static void
iso(struct buf *b, int64_t ms)
{
	fake_fmt_iso(b, ms);
}

static cJSON *
str_of(const char *k, const char *v, cJSON *o)
{
	cJSON_AddStringToObject(o, k, v);
	return o;
}

/* ---- data ---- */

static const char *
user_id_of(size_t rep)
{
	cJSON *u = cJSON_GetArrayItem(hs_users, (int)(rep % (size_t)
	    cJSON_GetArraySize(hs_users)));

	return cJSON_GetObjectItem(u, "id")->valuestring;
}

static void
add_ts(cJSON *o, const char *k, int64_t ms)
{
	struct buf b = BUF_INIT;

	iso(&b, ms);
	cJSON_AddStringToObject(o, k, buf_cstr(&b));
	buf_release(&b);
}

static void
add_id(cJSON *o, const char *k, unsigned long long v)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%llu", v);
	cJSON_AddStringToObject(o, k, buf_cstr(&b));
	buf_release(&b);
}

static cJSON *
make_sequence(struct fake_rng *g, unsigned long long id, const char *name,
    const char *user, int64_t created, int bare)
{
	cJSON *s = cJSON_CreateObject(), *steps, *deps;
	int64_t updated = created + (int64_t)fake_rng_below(g, 90 * 86400) *
	    1000 + (int64_t)fake_rng_below(g, 1000);
	int nsteps = 2 + (int)fake_rng_below(g, 4), i;
	unsigned long long step0 = 8800 + id % 1000 * 10;

	add_id(s, "id", id);
	cJSON_AddStringToObject(s, "name", name);
	cJSON_AddStringToObject(s, "userId", user);
	if (!bare)
		add_id(s, "folderId", 4400 + id % 7);
	add_ts(s, "createdAt", created);
	add_ts(s, "updatedAt", updated);
	steps = cJSON_AddArrayToObject(s, "steps");
	for (i = 0; i < nsteps; i++) {
		cJSON *st = cJSON_CreateObject();
		int last = i == nsteps - 1;
		int task = !last && i % 2 == 1;
		add_id(st, "id", step0 + (unsigned)i);
		cJSON_AddNumberToObject(st, "stepOrder", i);
		cJSON_AddStringToObject(st, "actionType", last ?
		    "FINISH_ENROLLMENT" : task ? "TASK" : "EMAIL");
		cJSON_AddNumberToObject(st, "delayMillis", i == 0 ? 0 :
		    (double)(86400000LL * (1 + (int64_t)fake_rng_below(g, 3))));
		add_ts(st, "createdAt", created);
		add_ts(st, "updatedAt", created);
		if (!last && !task) {
			cJSON *ep = cJSON_AddObjectToObject(st, "emailPattern");
			add_id(ep, "id", 5500 + step0 + (unsigned)i);
			add_id(ep, "templateId", 31337000ULL + step0 + (unsigned)i);
			add_ts(ep, "createdAt", created);
			add_ts(ep, "updatedAt", created);
			if (i > 0)
				cJSON_AddNumberToObject(ep,
				    "threadEmailToStepOrder", 0);
		} else if (task) {
			cJSON *tp = cJSON_AddObjectToObject(st, "taskPattern");
			add_id(tp, "id", 6600 + step0 + (unsigned)i);
			cJSON_AddStringToObject(tp, "taskType", i % 4 == 1 ?
			    "CALL" : "LINKED_IN_CONNECT");
			cJSON_AddStringToObject(tp, "taskPriority", "MEDIUM");
			add_ts(tp, "createdAt", created);
			add_ts(tp, "updatedAt", created);
			cJSON_AddStringToObject(tp, "subject", i % 4 == 1 ?
			    "Call about renewal" : "Connect on LinkedIn");
		}
		cJSON_AddItemToArray(steps, st);
	}
	deps = cJSON_AddArrayToObject(s, "dependencies");
	if (nsteps >= 3) {
		cJSON *d = cJSON_CreateObject();
		add_id(d, "id", 9900 + step0);
		cJSON_AddStringToObject(d, "dependencyType", "TASK_COMPLETION");
		add_id(d, "reliesOnSequenceStepId", step0 + 1);
		cJSON_AddNumberToObject(d, "reliesOnStepOrder", 1);
		add_id(d, "requiredBySequenceStepId", step0 + 2);
		cJSON_AddNumberToObject(d, "requiredByStepOrder", 2);
		add_ts(d, "createdAt", created);
		add_ts(d, "updatedAt", created);
		cJSON_AddItemToArray(deps, d);
	}
	if (!bare) {
		cJSON *se = cJSON_AddObjectToObject(s, "settings");
		add_id(se, "id", 7700 + id % 1000);
		cJSON_AddStringToObject(se, "eligibleFollowUpDays",
		    "BUSINESS_DAYS");
		cJSON_AddBoolToObject(se, "individualTaskRemindersEnabled", 1);
		cJSON_AddStringToObject(se, "sellingStrategy", id % 2 ?
		    "LEAD_BASED" : "ACCOUNT_BASED");
		cJSON_AddNumberToObject(se, "sendWindowStartMinute", 480);
		cJSON_AddNumberToObject(se, "sendWindowEndMinute", 1080);
		cJSON_AddNumberToObject(se, "taskReminderMinute", 480);
		add_ts(se, "createdAt", created);
		add_ts(se, "updatedAt", updated);
	}
	return s;
}

static int
hs_init(char **msg)
{
	struct fake_rng g;
	size_t i, np = fake_dir_people(), nr = fake_dir_reps();
	int64_t epoch = fake_epoch_ms();
	long per = (long)fake_opt_int("hs-sequences");
	unsigned long long seq_id = 198765432ULL, contact_id = 93415;
	static const char *const names[] = { "Q3 renewal follow-up",
		"Demo no-show", "Inbound lead nurture", "Trade show follow-up",
		"Champion left the company", "Expansion upsell" };

	(void)msg;
	fake_rng_init(&g, fake_seed(), "hubspot");
	hs_users = cJSON_CreateArray();
	owners = cJSON_CreateArray();
	sequences = cJSON_CreateArray();
	contacts = cJSON_CreateArray();
	enrollments = cJSON_CreateArray();
	next_enroll_id = 552200117;
	daily_used = 0;
	not_indexed = 0;
	for (i = 0; i < nr; i++) {
		const struct fake_rep *rp = fake_dir_rep(i);
		cJSON *u = cJSON_CreateObject(), *o = cJSON_CreateObject();
		add_id(u, "id", 70112233ULL + i * 17);
		cJSON_AddStringToObject(u, "email", rp->email);
		cJSON_AddStringToObject(u, "firstName", rp->first);
		cJSON_AddStringToObject(u, "lastName", rp->last);
		cJSON_AddItemToObject(u, "roleIds", cJSON_CreateArray());
		cJSON_AddBoolToObject(u, "superAdmin", i == 0);
		cJSON_AddItemToArray(hs_users, u);
		add_id(o, "id", 311905ULL + i * 3);
		cJSON_AddStringToObject(o, "email", rp->email);
		cJSON_AddStringToObject(o, "type", "PERSON");
		cJSON_AddStringToObject(o, "firstName", rp->first);
		cJSON_AddStringToObject(o, "lastName", rp->last);
		cJSON_AddNumberToObject(o, "userId", (double)(70112233ULL + i * 17));
		cJSON_AddNumberToObject(o, "userIdIncludingInactive",
		    (double)(70112233ULL + i * 17));
		add_ts(o, "createdAt", epoch - 700 * 86400000LL);
		add_ts(o, "updatedAt", epoch - 30 * 86400000LL);
		cJSON_AddBoolToObject(o, "archived", 0);
		cJSON_AddItemToArray(owners, o);
	}
	for (i = 0; i < nr; i++) {
		long n = per > 0 ? per - 1 + (long)fake_rng_below(&g, 3) : 0, k;
		for (k = 0; k < n; k++) {
			int64_t created = epoch - (int64_t)(30 +
			    fake_rng_below(&g, 500)) * 86400000LL -
			    (int64_t)fake_rng_below(&g, 86400000);
			cJSON_AddItemToArray(sequences, make_sequence(&g,
			    seq_id, names[(i + (size_t)k) % 6], user_id_of(i),
			    created, i == 0 && k == 0));
			seq_id += 1 + fake_rng_below(&g, 50);
		}
	}
	for (i = 0; i < np; i++) {
		const struct fake_person *p = fake_dir_person(i);
		cJSON *c, *pr;
		int64_t created;
		char *em;
		if (!p->in_hubspot)
			continue;
		created = epoch - (int64_t)(10 + fake_rng_below(&g, 400)) *
		    86400000LL - (int64_t)fake_rng_below(&g, 86400000);
		c = cJSON_CreateObject();
		add_id(c, "id", contact_id);
		pr = cJSON_AddObjectToObject(c, "properties");
		/* HubSpot keeps what was typed; some in mixed case */
		em = fake_dir_email_variant(p, fake_rng_chance(&g, 0.2) ? 1 : 0);
		cJSON_AddStringToObject(pr, "email", em);
		free(em);
		cJSON_AddStringToObject(pr, "firstname", p->first);
		cJSON_AddStringToObject(pr, "lastname", p->last);
		add_id(pr, "hs_object_id", contact_id);
		add_ts(pr, "createdate", created);
		add_ts(pr, "lastmodifieddate", created + 86400000);
		add_id(pr, "hubspot_owner_id", 311905ULL + p->rep % nr * 3);
		if (p->phone)
			cJSON_AddStringToObject(pr, "phone", p->phone);
		else
			cJSON_AddNullToObject(pr, "phone");
		add_ts(c, "createdAt", created);
		add_ts(c, "updatedAt", created + 86400000);
		cJSON_AddBoolToObject(c, "archived", 0);
		cJSON_AddItemToArray(contacts, c);
		/* most of them sit in one of their rep's sequences */
		if (fake_rng_chance(&g, 0.8)) {
			cJSON *s, *e = NULL;
			const char *uid = user_id_of(p->rep);
			cJSON_ArrayForEach(s, sequences) {
				if (strcmp(cJSON_GetObjectItem(s,
				    "userId")->valuestring, uid) == 0) {
					e = s;
					if (fake_rng_chance(&g, 0.5))
						break;
				}
			}
			if (e) {
				cJSON *en = cJSON_CreateObject();
				const struct fake_rep *rp = fake_dir_rep(p->rep);
				int64_t at = created + 2 * 86400000LL +
				    (int64_t)fake_rng_below(&g, 86400) * 1000;
				add_id(en, "id", next_enroll_id++);
				cJSON_AddStringToObject(en, "toEmail", p->email);
				str_of("sequenceId", cJSON_GetObjectItem(e,
				    "id")->valuestring, en);
				str_of("sequenceName", cJSON_GetObjectItem(e,
				    "name")->valuestring, en);
				cJSON_AddStringToObject(en, "enrolledBy", uid);
				cJSON_AddStringToObject(en, "enrolledByEmail",
				    rp->email);
				add_ts(en, "enrolledAt", at);
				add_ts(en, "updatedAt", at + 86400000);
				add_id(en, "contactId", contact_id);
				cJSON_AddItemToArray(enrollments, en);
			}
		}
		contact_id += 1 + fake_rng_below(&g, 300);
	}
	return 0;
}

static void
hs_release(void)
{
	cJSON_Delete(hs_users);
	cJSON_Delete(owners);
	cJSON_Delete(sequences);
	cJSON_Delete(contacts);
	cJSON_Delete(enrollments);
	hs_users = owners = sequences = contacts = enrollments = NULL;
	free(w_burst.t);
	free(w_search.t);
	memset(&w_burst, 0, sizeof w_burst);
	memset(&w_search, 0, sizeof w_search);
	nquirks = 0;
	shut_until = 0;
}

/* ---- paging ---- */

static int
page_params(const struct fake_req *r, struct fake_resp *w, size_t *off,
    size_t *limit)
{
	const char *a = fake_query(r, "after");
	const char *l = fake_query(r, "limit");

	*off = 0;
	*limit = (size_t)fake_opt_int("hs-page-size");
	if (l) {
		long v = atol(l);
		if (v < 1) {
			hs_error(w, r, 400, "VALIDATION_ERROR",
			    "limit must be a positive integer");
			return -1;
		}
		*limit = (size_t)(v > 100 ? 100 : v);
	}
	if (fake_opt_int("hs-max-page") > 0 &&
	    *limit > (size_t)fake_opt_int("hs-max-page"))
		*limit = (size_t)fake_opt_int("hs-max-page");
	if (a && *a) {
		struct buf d = BUF_INIT;
		char *end;
		if (fake_base64_decode(&d, a, strlen(a)) != 0 || !d.len) {
			buf_release(&d);
			hs_error(w, r, 400, "VALIDATION_ERROR",
			    "Invalid after cursor");
			return -1;
		}
		*off = strtoul(buf_cstr(&d), &end, 10);
		if (*end != '\0') {
			buf_release(&d);
			hs_error(w, r, 400, "VALIDATION_ERROR",
			    "Invalid after cursor");
			return -1;
		}
		buf_release(&d);
	}
	return 0;
}

/* Add paging.next when more remain; link repeats the request's query. */
static int repeat_after;      /* the current answer repeats the cursor */
static int junk_headers;      /* the current answer's Remaining is junk */

static void
paging_next(cJSON *o, const struct fake_req *r, size_t next)
{
	struct buf n = BUF_INIT, e = BUF_INIT, link = BUF_INIT;
	cJSON *pg, *nx;
	size_t i;

	buf_printf(&n, "%zu", next);
	if (repeat_after && fake_query(r, "after"))
		buf_addstr(&e, fake_query(r, "after"));
	else
		fake_base64(&e, n.data, n.len, 1);
	pg = cJSON_AddObjectToObject(o, "paging");
	nx = cJSON_AddObjectToObject(pg, "next");
	cJSON_AddStringToObject(nx, "after", buf_cstr(&e));
	buf_printf(&link, "%s%s?", r->base_url, r->path);
	for (i = 0; i < r->nquery; i++) {
		if (strcmp(r->query[i].name, "after") == 0)
			continue;
		fake_urlencode(&link, r->query[i].name);
		buf_addch(&link, '=');
		fake_urlencode(&link, r->query[i].value);
		buf_addch(&link, '&');
	}
	buf_printf(&link, "after=%s", buf_cstr(&e));
	cJSON_AddStringToObject(nx, "link", buf_cstr(&link));
	buf_release(&n);
	buf_release(&e);
	buf_release(&link);
}

/* ---- endpoints ---- */

static int
has_scope(const char *scope)
{
	const char *list = fake_opt("hs-scopes");
	size_t n = strlen(scope);
	const char *p = list;

	while ((p = strstr(p, scope)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
		p += n;
	}
	return 0;
}

static int
need_scope(const struct fake_req *r, struct fake_resp *w, const char *scope)
{
	cJSON *o, *errs, *e, *ctx;
	struct buf b = BUF_INIT;

	if (has_scope(scope))
		return 1;
	o = cJSON_CreateObject();
	correlation(&b, r->seq);
	cJSON_AddStringToObject(o, "status", "error");
	cJSON_AddStringToObject(o, "message", "This app hasn't been granted "
	    "all required scopes to make this call. Read more about required "
	    "scopes here: https://developers.hubspot.com/scopes.");
	cJSON_AddStringToObject(o, "correlationId", buf_cstr(&b));
	errs = cJSON_AddArrayToObject(o, "errors");
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "message", "One or more of the following "
	    "scopes are required.");
	ctx = cJSON_AddObjectToObject(e, "context");
	cJSON_AddItemToObject(ctx, "requiredGranularScopes",
	    cJSON_CreateStringArray(&scope, 1));
	cJSON_AddItemToArray(errs, e);
	cJSON_AddItemToObject(o, "links", str_of("scopes",
	    "https://developers.hubspot.com/scopes", cJSON_CreateObject()));
	cJSON_AddStringToObject(o, "category", "MISSING_SCOPES");
	buf_release(&b);
	fake_resp_json(w, 403, o);
	return 0;
}

static int
known_user(const char *uid)
{
	cJSON *u;

	cJSON_ArrayForEach(u, hs_users)
		if (strcmp(cJSON_GetObjectItem(u, "id")->valuestring, uid) == 0)
			return 1;
	return 0;
}

static cJSON *
seq_lite(const cJSON *s)
{
	static const char *const keys[] = { "id", "name", "userId", "folderId",
		"createdAt", "updatedAt" };
	cJSON *o = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < 6; i++) {
		cJSON *v = cJSON_GetObjectItem(s, keys[i]);
		if (v)
			cJSON_AddItemToObject(o, keys[i], cJSON_Duplicate(v, 1));
	}
	return o;
}

static void
list_sequences(const struct fake_req *r, struct fake_resp *w)
{
	const char *uid = fake_query(r, "userId");
	const char *name = fake_query(r, "name");
	size_t off, limit, total = 0, i = 0;
	cJSON *o, *res, *s;

	if (!uid || !*uid) {
		hs_validation(w, r, "userId is required", "userId", "query");
		return;
	}
	if (!known_user(uid)) {
		hs_error(w, r, 400, "VALIDATION_ERROR",
		    "userId does not belong to a user of this account");
		return;
	}
	if (page_params(r, w, &off, &limit) != 0)
		return;
	o = cJSON_CreateObject();
	res = cJSON_CreateArray();
	cJSON_ArrayForEach(s, sequences) {
		if (strcmp(cJSON_GetObjectItem(s, "userId")->valuestring,
		    uid) != 0)
			continue;
		if (name && !strcasestr(cJSON_GetObjectItem(s,
		    "name")->valuestring, name))
			continue;
		total++;
		if (i++ < off || (size_t)cJSON_GetArraySize(res) >= limit)
			continue;
		cJSON_AddItemToArray(res, seq_lite(s));
	}
	cJSON_AddNumberToObject(o, "total", (double)total);
	cJSON_AddItemToObject(o, "results", res);
	if (off + limit < total)
		paging_next(o, r, off + limit);
	fake_resp_json(w, 200, o);
}

static cJSON *
find_by(cJSON *arr, const char *key, const char *val, int nocase)
{
	cJSON *x;

	cJSON_ArrayForEach(x, arr) {
		cJSON *v = cJSON_GetObjectItem(x, key);
		if (cJSON_IsString(v) && (nocase ? strcasecmp(v->valuestring,
		    val) : strcmp(v->valuestring, val)) == 0)
			return x;
	}
	return NULL;
}

static cJSON *
contact_by_email(const char *email)
{
	cJSON *c;

	cJSON_ArrayForEach(c, contacts) {
		cJSON *e = cJSON_GetObjectItem(cJSON_GetObjectItem(c,
		    "properties"), "email");
		if (cJSON_IsString(e) && strcasecmp(e->valuestring, email) == 0)
			return c;
	}
	return NULL;
}

static cJSON *
enrollment_public(const cJSON *en, int lite)
{
	cJSON *o = cJSON_Duplicate(en, 1);

	cJSON_DeleteItemFromObject(o, "contactId");
	if (lite) {
		cJSON_DeleteItemFromObject(o, "sequenceId");
		cJSON_DeleteItemFromObject(o, "sequenceName");
		cJSON_DeleteItemFromObject(o, "enrolledBy");
		cJSON_DeleteItemFromObject(o, "enrolledByEmail");
	}
	return o;
}

static void
enroll(const struct fake_req *r, struct fake_resp *w)
{
	const char *uid = fake_query(r, "userId");
	cJSON *in = cJSON_ParseWithLength(r->body, r->body_len);
	static const char *const req[] = { "contactId", "sequenceId",
		"senderEmail" };
	cJSON *c, *s, *en, *x;
	size_t i;
	int64_t now = fake_now_ms();
	const cJSON *u;

	if (!need_scope(r, w, "automation.sequences.enrollments.write"))
		goto out;
	if (!uid || !*uid) {
		hs_validation(w, r, "userId is required", "userId", "query");
		goto out;
	}
	if (!cJSON_IsObject(in)) {
		hs_error(w, r, 400, "VALIDATION_ERROR", "Invalid input JSON on "
		    "line 1");
		goto out;
	}
	for (i = 0; i < 3; i++) {
		x = cJSON_GetObjectItem(in, req[i]);
		if (!cJSON_IsString(x) || !*x->valuestring) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "%s is required", req[i]);
			hs_validation(w, r, buf_cstr(&b), req[i], "body");
			buf_release(&b);
			goto out;
		}
	}
	c = find_by(contacts, "id", cJSON_GetObjectItem(in,
	    "contactId")->valuestring, 0);
	s = find_by(sequences, "id", cJSON_GetObjectItem(in,
	    "sequenceId")->valuestring, 0);
	if (!c || !s) {
		hs_error(w, r, 404, "OBJECT_NOT_FOUND", !c ?
		    "Contact not found" : "Sequence not found");
		goto out;
	}
	if (find_by(enrollments, "contactId", cJSON_GetObjectItem(c,
	    "id")->valuestring, 0)) {
		hs_error(w, r, 400, "VALIDATION_ERROR", "Contact is already "
		    "enrolled in a sequence (ALREADY_ENROLLED)");
		goto out;
	}
	u = find_by(hs_users, "id", uid, 0);
	if (!u) {
		hs_error(w, r, 400, "VALIDATION_ERROR",
		    "userId does not belong to a user of this account");
		goto out;
	}
	en = cJSON_CreateObject();
	add_id(en, "id", next_enroll_id++);
	cJSON_AddStringToObject(en, "toEmail", cJSON_GetObjectItem(
	    cJSON_GetObjectItem(c, "properties"), "email")->valuestring);
	str_of("sequenceId", cJSON_GetObjectItem(s, "id")->valuestring, en);
	str_of("sequenceName", cJSON_GetObjectItem(s, "name")->valuestring, en);
	cJSON_AddStringToObject(en, "enrolledBy", uid);
	cJSON_AddStringToObject(en, "enrolledByEmail", cJSON_GetObjectItem(u,
	    "email")->valuestring);
	add_ts(en, "enrolledAt", now);
	add_ts(en, "updatedAt", now);
	str_of("contactId", cJSON_GetObjectItem(c, "id")->valuestring, en);
	cJSON_AddItemToArray(enrollments, en);
	fake_resp_json(w, 200, enrollment_public(en, 1));
out:
	cJSON_Delete(in);
}

static cJSON *
contact_out(const cJSON *c, const cJSON *props)
{
	cJSON *o = cJSON_CreateObject(), *p = cJSON_AddObjectToObject(o,
	    "properties"), *all = cJSON_GetObjectItem(c, "properties"), *x;
	static const char *const def[] = { "createdate", "email", "firstname",
		"hs_object_id", "lastmodifieddate", "lastname" };
	size_t i;

	cJSON_AddItemToObject(o, "id", cJSON_Duplicate(cJSON_GetObjectItem(c,
	    "id"), 1));
	if (cJSON_IsArray(props) && cJSON_GetArraySize(props) > 0) {
		cJSON_ArrayForEach(x, props) {
			cJSON *v;
			if (!cJSON_IsString(x))
				continue;
			v = cJSON_GetObjectItem(all, x->valuestring);
			cJSON_AddItemToObject(p, x->valuestring, v ?
			    cJSON_Duplicate(v, 1) : cJSON_CreateNull());
		}
	} else {
		for (i = 0; i < 6; i++)
			cJSON_AddItemToObject(p, def[i], cJSON_Duplicate(
			    cJSON_GetObjectItem(all, def[i]), 1));
	}
	cJSON_AddItemToObject(o, "createdAt", cJSON_Duplicate(
	    cJSON_GetObjectItem(c, "createdAt"), 1));
	cJSON_AddItemToObject(o, "updatedAt", cJSON_Duplicate(
	    cJSON_GetObjectItem(c, "updatedAt"), 1));
	cJSON_AddFalseToObject(o, "archived");
	return o;
}

static int
filter_match(const cJSON *c, const cJSON *f)
{
	cJSON *pn = cJSON_GetObjectItem(f, "propertyName");
	cJSON *op = cJSON_GetObjectItem(f, "operator");
	cJSON *val = cJSON_GetObjectItem(f, "value");
	cJSON *v;

	if (!cJSON_IsString(pn) || !cJSON_IsString(op))
		return 0;
	v = cJSON_GetObjectItem(cJSON_GetObjectItem(c, "properties"),
	    pn->valuestring);
	if (strcmp(op->valuestring, "HAS_PROPERTY") == 0)
		return cJSON_IsString(v);
	if (strcmp(op->valuestring, "NOT_HAS_PROPERTY") == 0)
		return !cJSON_IsString(v);
	if (!cJSON_IsString(v) || !cJSON_IsString(val))
		return 0;
	if (strcmp(op->valuestring, "EQ") == 0)
		return strcasecmp(v->valuestring, val->valuestring) == 0;
	if (strcmp(op->valuestring, "NEQ") == 0)
		return strcasecmp(v->valuestring, val->valuestring) != 0;
	if (strcmp(op->valuestring, "CONTAINS_TOKEN") == 0)
		return strcasestr(v->valuestring, val->valuestring) != NULL;
	return 0;
}

static void
search(const struct fake_req *r, struct fake_resp *w)
{
	cJSON *in = cJSON_ParseWithLength(r->body, r->body_len);
	cJSON *groups, *props, *lim, *aft, *c, *o, *res;
	size_t off = 0, limit = 10, total = 0, i = 0;
	long per = (long)fake_opt_int("hs-search-per-second");

	if (per > 0 && (long)window_count(&w_search, 1000) >= per) {
		rate_429(w, r, "SECONDLY", "You have reached your secondly "
		    "limit.");
		cJSON_Delete(in);
		return;
	}
	window_add(&w_search);
	if (!cJSON_IsObject(in)) {
		hs_error(w, r, 400, "VALIDATION_ERROR", "Invalid input JSON on "
		    "line 1");
		cJSON_Delete(in);
		return;
	}
	groups = cJSON_GetObjectItem(in, "filterGroups");
	props = cJSON_GetObjectItem(in, "properties");
	lim = cJSON_GetObjectItem(in, "limit");
	aft = cJSON_GetObjectItem(in, "after");
	if (cJSON_IsNumber(lim) && lim->valueint > 0)
		limit = (size_t)(lim->valueint > 200 ? 200 : lim->valueint);
	if (cJSON_IsString(aft))
		off = strtoul(aft->valuestring, NULL, 10);
	o = cJSON_CreateObject();
	res = cJSON_CreateArray();
	cJSON_ArrayForEach(c, contacts) {
		int any = !cJSON_IsArray(groups) ||
		    cJSON_GetArraySize(groups) == 0;
		cJSON *g;
		if (not_indexed > 0)
			break;
		cJSON_ArrayForEach(g, groups) {
			cJSON *fs = cJSON_GetObjectItem(g, "filters"), *f;
			int all = 1;
			cJSON_ArrayForEach(f, fs)
				all = all && filter_match(c, f);
			if (all)
				any = 1;
		}
		if (!any)
			continue;
		total++;
		if (i++ < off || (size_t)cJSON_GetArraySize(res) >= limit)
			continue;
		cJSON_AddItemToArray(res, contact_out(c, props));
	}
	if (not_indexed > 0)
		not_indexed--;
	cJSON_AddNumberToObject(o, "total", (double)total);
	cJSON_AddItemToObject(o, "results", res);
	if (off + limit < total) {
		struct buf b = BUF_INIT;
		cJSON *pg = cJSON_AddObjectToObject(o, "paging");
		cJSON *nx = cJSON_AddObjectToObject(pg, "next");
		buf_printf(&b, "%zu", off + limit);
		cJSON_AddStringToObject(nx, "after", buf_cstr(&b));
		buf_release(&b);
	}
	cJSON_Delete(in);
	fake_resp_json(w, 200, o);
}

static void
list_array(const struct fake_req *r, struct fake_resp *w, cJSON *arr,
    const char *email_key)
{
	size_t off, limit, total = 0, i = 0;
	const char *email = fake_query(r, "email");
	cJSON *o, *res, *x;

	if (page_params(r, w, &off, &limit) != 0)
		return;
	o = cJSON_CreateObject();
	res = cJSON_CreateArray();
	cJSON_ArrayForEach(x, arr) {
		if (email && email_key) {
			cJSON *e = cJSON_GetObjectItem(x, email_key);
			if (!cJSON_IsString(e) || strcasecmp(e->valuestring,
			    email) != 0)
				continue;
		}
		total++;
		if (i++ < off || (size_t)cJSON_GetArraySize(res) >= limit)
			continue;
		cJSON_AddItemToArray(res, cJSON_Duplicate(x, 1));
	}
	cJSON_AddItemToObject(o, "results", res);
	if (off + limit < total)
		paging_next(o, r, off + limit);
	fake_resp_json(w, 200, o);
}

/* The sequences path prefix: legacy or dated; returns the rest or NULL. */
static const char *
seq_rest(const char *p)
{
	if (strncmp(p, "/automation/v4/sequences", 24) == 0)
		return p + 24;
	if (strncmp(p, "/automation/sequences/2026-03", 29) == 0)
		return p + 29;
	return NULL;
}

static const char *
contacts_rest(const char *p)
{
	if (strncmp(p, "/crm/v3/objects/contacts", 24) == 0)
		return p + 24;
	if (strncmp(p, "/crm/objects/2026-03/contacts", 29) == 0)
		return p + 29;
	return NULL;
}

/* The quirk for this request, used up by one; NULL when none. */
static const char *
quirk_take(const struct fake_req *r, long *ms)
{
	size_t i;

	for (i = 0; i < nquirks; i++) {
		struct quirk *q = &quirks[i];

		if (q->n <= 0 || (q->match[0] && !strstr(r->target, q->match)))
			continue;
		q->n--;
		*ms = q->ms;
		return q->kind;
	}
	return NULL;
}

/* Answer r as quirk k; 1 when the request goes on normally after all. */
static int
quirk_answer(const char *k, long ms, const struct fake_req *r,
    struct fake_resp *w)
{
	if (strcmp(k, "empty200") == 0)
		fake_resp_body(w, 200, "application/json", "", 0);
	else if (strcmp(k, "badjson") == 0)
		fake_resp_body(w, 200, "application/json", "{\"results\":[{\"id\":",
		    strlen("{\"results\":[{\"id\":"));
	else if (strcmp(k, "emptylist") == 0)
		fake_resp_json_text(w, 200, "{\"total\":0,\"results\":[]}");
	else if (strcmp(k, "noresults") == 0)
		fake_resp_json_text(w, 200, "{\"total\":0,\"status\":\"ok\"}");
	else if (strcmp(k, "400") == 0)
		hs_error(w, r, 400, "VALIDATION_ERROR", "userId does not "
		    "belong to a user with a sales seat");
	else if (strcmp(k, "403") == 0)
		hs_error(w, r, 403, "FORBIDDEN", "This user has no access to "
		    "sequences");
	else if (strcmp(k, "404") == 0)
		hs_error(w, r, 404, "OBJECT_NOT_FOUND", "Sequence not found");
	else if (strcmp(k, "423") == 0)
		hs_error(w, r, 423, "LOCKED", "The resource is locked");
	else if (strcmp(k, "477") == 0) {
		fake_resp_header(w, "Retry-After", "1");
		hs_error(w, r, 477, "MIGRATION_IN_PROGRESS", "Migration in "
		    "progress");
	} else if (strcmp(k, "429-daily") == 0) {
		fake_resp_header(w, "Retry-After", "3600");
		rate_429(w, r, "DAILY", "You have reached your daily limit.");
	} else if (strcmp(k, "429-rolling") == 0) {
		shut_until = real_ms() + (ms > 0 ? ms : 100);
		rate_429(w, r, "TEN_SECONDLY_ROLLING", "You have reached your "
		    "ten_secondly_rolling limit.");
	} else if (strcmp(k, "junk-headers") == 0) {
		junk_headers = 1;
		return 1;
	} else if (strcmp(k, "repeat-after") == 0) {
		repeat_after = 1;
		return 1;
	} else
		return 1;
	return 0;
}

static int
hs_handle(const struct fake_req *r, struct fake_resp *w)
{
	char *t = fake_bearer(r);
	const char *rest;
	int is_search;
	long burst = (long)fake_opt_int("hs-burst");
	long long daily = fake_opt_int("hs-daily");

	if (!t || strcmp(t, fake_opt("hs-token")) != 0) {
		free(t);
		hs_error(w, r, 401, "INVALID_AUTHENTICATION", "Authentication "
		    "credentials not found. This API supports OAuth 2.0 "
		    "authentication and you can find more details at "
		    "https://developers.hubspot.com/docs/methods/auth/"
		    "oauth-overview");
		return 0;
	}
	free(t);
	if (fake_query(r, "hapikey")) {
		hs_error(w, r, 401, "INVALID_AUTHENTICATION", "API keys are "
		    "no longer supported");
		return 0;
	}
	repeat_after = 0;
	junk_headers = 0;
	if (shut_until && real_ms() < shut_until) {
		rate_429(w, r, "TEN_SECONDLY_ROLLING", "You have reached your "
		    "ten_secondly_rolling limit.");
		return 0;
	}
	{
		long ms = 0;
		const char *k = quirk_take(r, &ms);

		if (k && quirk_answer(k, ms, r, w) == 0)
			return 0;
	}
	rest = contacts_rest(r->path);
	is_search = rest && strcmp(rest, "/search") == 0;
	if (!is_search) {
		size_t used;
		if (daily_used >= daily) {
			rate_429(w, r, "DAILY", "You have reached your daily "
			    "limit.");
			return 0;
		}
		used = window_count(&w_burst, 10000);
		if (burst > 0 && (long)used >= burst) {
			fake_resp_header(w, "X-HubSpot-RateLimit-Max", "%ld", burst);
			fake_resp_header(w, "X-HubSpot-RateLimit-Remaining", "0");
			fake_resp_header(w, "X-HubSpot-RateLimit-Interval-Milliseconds",
			    "10000");
			rate_429(w, r, "TEN_SECONDLY_ROLLING", "You have reached "
			    "your ten_secondly_rolling limit.");
			return 0;
		}
		window_add(&w_burst);
		daily_used++;
		if (burst > 0) {
			fake_resp_header(w, "X-HubSpot-RateLimit-Max", "%ld", burst);
			if (junk_headers)
				fake_resp_header(w, "X-HubSpot-RateLimit-Remaining",
				    "many");
			else
				fake_resp_header(w, "X-HubSpot-RateLimit-Remaining",
				    "%ld", burst - (long)used - 1);
			fake_resp_header(w, "X-HubSpot-RateLimit-Interval-Milliseconds",
			    "10000");
		}
		fake_resp_header(w, "X-HubSpot-RateLimit-Daily", "%lld", daily);
		fake_resp_header(w, "X-HubSpot-RateLimit-Daily-Remaining", "%lld",
		    daily - daily_used);
	}

	if ((rest = seq_rest(r->path)) != NULL) {
		if (!need_scope(r, w, "automation.sequences.read"))
			return 0;
		if (strcmp(rest, "") == 0 || strcmp(rest, "/") == 0) {
			if (strcmp(r->method, "GET") != 0)
				return -1;
			list_sequences(r, w);
			return 0;
		}
		if (strcmp(rest, "/enrollments") == 0 ||
		    strcmp(rest, "/enrollments/") == 0) {
			if (strcmp(r->method, "POST") != 0)
				return -1;
			enroll(r, w);
			return 0;
		}
		if (strncmp(rest, "/enrollments/contact/", 21) == 0) {
			cJSON *en = find_by(enrollments, "contactId", rest + 21, 0);
			if (!en)
				hs_error(w, r, 404, "OBJECT_NOT_FOUND",
				    "No enrollment found for this contact");
			else
				fake_resp_json(w, 200, enrollment_public(en, 0));
			return 0;
		}
		if (rest[0] == '/' && strchr(rest + 1, '/') == NULL) {
			const char *uid = fake_query(r, "userId");
			cJSON *s;
			if (!uid || !*uid) {
				hs_validation(w, r, "userId is required",
				    "userId", "query");
				return 0;
			}
			s = find_by(sequences, "id", rest + 1, 0);
			if (!s) {
				hs_error(w, r, 404, "OBJECT_NOT_FOUND",
				    "Sequence not found");
				return 0;
			}
			fake_resp_json(w, 200, cJSON_Duplicate(s, 1));
			return 0;
		}
		return -1;
	}
	if ((rest = contacts_rest(r->path)) != NULL) {
		if (!need_scope(r, w, "crm.objects.contacts.read"))
			return 0;
		if (is_search && strcmp(r->method, "POST") == 0) {
			search(r, w);
			return 0;
		}
		if ((strcmp(rest, "") == 0 || strcmp(rest, "/") == 0) &&
		    strcmp(r->method, "GET") == 0) {
			size_t off, limit, i = 0;
			cJSON *o, *res, *c;
			if (page_params(r, w, &off, &limit) != 0)
				return 0;
			o = cJSON_CreateObject();
			res = cJSON_AddArrayToObject(o, "results");
			cJSON_ArrayForEach(c, contacts) {
				if (i++ < off || (size_t)cJSON_GetArraySize(res) >=
				    limit)
					continue;
				cJSON_AddItemToArray(res, contact_out(c, NULL));
			}
			if (off + limit < (size_t)cJSON_GetArraySize(contacts))
				paging_next(o, r, off + limit);
			fake_resp_json(w, 200, o);
			return 0;
		}
		if (rest[0] == '/' && strcmp(r->method, "GET") == 0) {
			const char *idp = fake_query(r, "idProperty");
			cJSON *c = idp && strcmp(idp, "email") == 0 ?
			    contact_by_email(rest + 1) :
			    find_by(contacts, "id", rest + 1, 0);
			if (!c) {
				hs_error(w, r, 404, "OBJECT_NOT_FOUND",
				    "Object not found.");
				return 0;
			}
			fake_resp_json(w, 200, contact_out(c, NULL));
			return 0;
		}
		return -1;
	}
	if (strcmp(r->path, "/crm/v3/owners") == 0 ||
	    strcmp(r->path, "/crm/v3/owners/") == 0) {
		if (!need_scope(r, w, "crm.objects.owners.read"))
			return 0;
		list_array(r, w, owners, "email");
		return 0;
	}
	if ((strcmp(r->path, "/settings/v3/users") == 0 ||
	    strcmp(r->path, "/settings/v3/users/") == 0) &&
	    fake_opt_int("hs-users-api")) {
		if (!need_scope(r, w, "settings.users.read"))
			return 0;
		list_array(r, w, hs_users, "email");
		return 0;
	}
	return -1;
}

static int
hs_fault(enum fake_fault f, const struct fake_req *r, struct fake_resp *w)
{
	switch (f) {
	case FAKE_FAULT_429:
		fake_resp_header(w, "Retry-After", "%lld",
		    fake_opt_int("retry-after"));
		rate_429(w, r, "TEN_SECONDLY_ROLLING", "You have reached your "
		    "ten_secondly_rolling limit.");
		return 0;
	case FAKE_FAULT_401:
		hs_error(w, r, 401, "INVALID_AUTHENTICATION", "Authentication "
		    "credentials not found. This API supports OAuth 2.0 "
		    "authentication and you can find more details at "
		    "https://developers.hubspot.com/docs/methods/auth/"
		    "oauth-overview");
		return 0;
	default:
		return 1;
	}
}

static void
hs_dump(cJSON *o)
{
	cJSON_AddItemToObject(o, "users", cJSON_Duplicate(hs_users, 1));
	cJSON_AddItemToObject(o, "owners", cJSON_Duplicate(owners, 1));
	cJSON_AddItemToObject(o, "sequences", cJSON_Duplicate(sequences, 1));
	cJSON_AddItemToObject(o, "contacts", cJSON_Duplicate(contacts, 1));
	cJSON_AddItemToObject(o, "enrollments", cJSON_Duplicate(enrollments, 1));
	cJSON_AddNumberToObject(o, "daily_used", (double)daily_used);
}

static int
hs_admin(const char *rest, const struct fake_req *r, struct fake_resp *w)
{
	int post = strcmp(r->method, "POST") == 0;

	if (strcmp(rest, "/not-indexed") == 0 && post) {
		const char *n = fake_query(r, "n");
		not_indexed = n ? atoi(n) : 1;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/quirk") == 0 && post) {
		const char *k = fake_query(r, "kind");
		const char *m = fake_query(r, "match");
		const char *n = fake_query(r, "n");
		const char *ms = fake_query(r, "ms");
		struct quirk *q;

		if (!k || strlen(k) >= sizeof q->kind || (m && strlen(m) >=
		    sizeof q->match) || nquirks == sizeof quirks / sizeof *quirks) {
			fake_resp_error(w, 400, "kind=K[&n=N][&match=S][&ms=M]");
			return 0;
		}
		q = &quirks[nquirks++];
		memset(q, 0, sizeof *q);
		memcpy(q->kind, k, strlen(k) + 1);
		if (m)
			memcpy(q->match, m, strlen(m) + 1);
		q->n = n ? atol(n) : 1;
		q->ms = ms ? atol(ms) : 0;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/sequences") == 0 && post) {
		/* a new sequence for ?userId= (default the first user) */
		const char *uid = fake_query(r, "userId");
		const char *name = fake_query(r, "name");
		struct fake_rng g;
		cJSON *last = cJSON_GetArrayItem(sequences,
		    cJSON_GetArraySize(sequences) - 1);
		unsigned long long id = last ? strtoull(cJSON_GetObjectItem(
		    last, "id")->valuestring, NULL, 10) + 7 : 198765432ULL;
		cJSON *s;
		fake_rng_init(&g, fake_seed() + id, "hubspot-admin");
		if (!uid)
			uid = user_id_of(0);
		if (!known_user(uid)) {
			fake_resp_error(w, 400, "userId: unknown user");
			return 0;
		}
		s = make_sequence(&g, id, name ? name : "New sequence", uid,
		    fake_now_ms(), 0);
		cJSON_AddItemToArray(sequences, s);
		fake_resp_json(w, 201, cJSON_Duplicate(s, 1));
		return 0;
	}
	if (strcmp(rest, "/sequences") == 0) {
		fake_resp_json(w, 200, cJSON_Duplicate(sequences, 1));
		return 0;
	}
	if (strcmp(rest, "/enrollments") == 0) {
		fake_resp_json(w, 200, cJSON_Duplicate(enrollments, 1));
		return 0;
	}
	return -1;
}

static const struct fake_module hs_module = {
	.name = "hubspot",
	.prefixes = hs_prefixes,
	.options = hs_options,
	.init = hs_init,
	.handle = hs_handle,
	.admin = hs_admin,
	.dump = hs_dump,
	.fault = hs_fault,
	.release = hs_release,
};
FAKE_MODULE(hs_module)
