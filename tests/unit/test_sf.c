#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "http.h"
#include "json.h"
#include "oauth.h"
#include "sf.h"
#include "ts.h"
#include "loopsrv.h"
#include "check_main.h"

/* ---- CSV ---- */

static void
expect_fields(struct csv_reader *r, size_t n, const char *const *want)
{
	struct err e = ERR_INIT;
	size_t i, len;

	ck_assert_int_eq(csv_next(r, &e), 1);
	ck_assert_uint_eq(r->n, n);
	for (i = 0; i < n; i++) {
		const char *f = csv_field(r, i, &len);

		ck_assert_uint_eq(len, strlen(want[i]));
		ck_assert_int_eq(memcmp(f, want[i], len), 0);
	}
	err_release(&e);
}

/* RFC 4180: quotes, doubled quotes, delimiters and newlines inside quotes, BOM */
START_TEST(csv_next_rfc4180)
{
	static const char text[] = "\xEF\xBB\xBF\"Id\",\"Body\",\"N\"\n"
	    "\"001\",\"line1\nline2, with \"\"quotes\"\"\",\"5\"\r\n"
	    "002,,\n"
	    "\"003\",\"\",\"x\"";
	static const char *const r1[] = { "Id", "Body", "N" };
	static const char *const r2[] = { "001", "line1\nline2, with \"quotes\"", "5" };
	static const char *const r3[] = { "002", "", "" };
	static const char *const r4[] = { "003", "", "x" };
	struct csv_reader r;
	struct err e = ERR_INIT;

	csv_reader_init(&r, text, sizeof(text) - 1, ',');
	expect_fields(&r, 3, r1);
	expect_fields(&r, 3, r2);
	expect_fields(&r, 3, r3);
	ck_assert_uint_eq(r.line, 4);
	expect_fields(&r, 3, r4);
	ck_assert_int_eq(csv_next(&r, &e), 0);
	csv_reader_release(&r);
	err_release(&e);
}
END_TEST

/* NUL bytes inside fields are kept with their length */
START_TEST(csv_next_nul_bytes)
{
	static const char text[] = "\"a\0b\",c\n";
	struct csv_reader r;
	struct err e = ERR_INIT;
	size_t len;
	const char *f;

	csv_reader_init(&r, text, sizeof(text) - 1, ',');
	ck_assert_int_eq(csv_next(&r, &e), 1);
	f = csv_field(&r, 0, &len);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(f, "a\0b", 3), 0);
	csv_reader_release(&r);
	err_release(&e);
}
END_TEST

/* malformed: a quote left open, text after a closing quote */
START_TEST(csv_next_malformed)
{
	struct csv_reader r;
	struct err e = ERR_INIT;

	csv_reader_init(&r, "a,\"open\nstill", 13, ',');
	ck_assert_int_eq(csv_next(&r, &e), -1);
	ck_assert_int_eq(e.code, EX_DATAERR);
	csv_reader_release(&r);
	csv_reader_init(&r, "\"x\"y,z\n", 7, ',');
	ck_assert_int_eq(csv_next(&r, &e), -1);
	csv_reader_release(&r);
	/* empty input: no records; a lone bare quote inside a field is literal */
	csv_reader_init(&r, "", 0, ',');
	ck_assert_int_eq(csv_next(&r, &e), 0);
	csv_reader_release(&r);
	csv_reader_init(&r, "ab\"c,d", 6, ',');
	ck_assert_int_eq(csv_next(&r, &e), 1);
	ck_assert_str_eq(r.data.data + r.off[0], "ab\"c");
	csv_reader_release(&r);
	err_release(&e);
}
END_TEST

/* ---- small pieces ---- */

/* Sforce-Limit-Info: api-usage found among other parts, not anchored */
START_TEST(sf_parse_limit_info_variants)
{
	long u = 0, m = 0;

	ck_assert_int_eq(sf_parse_limit_info("api-usage=18230/100000", &u, &m), 0);
	ck_assert_int_eq(u, 18230);
	ck_assert_int_eq(m, 100000);
	ck_assert_int_eq(sf_parse_limit_info("api-usage=10018/100000; api-bursts=1/750",
	    &u, &m), 0);
	ck_assert_int_eq(u, 10018);
	ck_assert_int_eq(sf_parse_limit_info("per-app-api-usage=17/250(appName=x); "
	    "api-usage=25/5000", &u, &m), 0);
	ck_assert_int_eq(u, 25);
	ck_assert_int_eq(m, 5000);
	ck_assert_int_eq(sf_parse_limit_info("per-app-api-usage=17/250", &u, &m), -1);
	ck_assert_int_eq(sf_parse_limit_info("api-usage=x/5", &u, &m), -1);
}
END_TEST

static void
check_domain(const char *w, const char *want)
{
	struct buf b = BUF_INIT;

	sf_website_domain(&b, w, strlen(w));
	ck_assert_str_eq(buf_cstr(&b), want);
	buf_release(&b);
}

/* Website -> domain: scheme, www., port, path, case and junk handled */
START_TEST(sf_website_domain_forms)
{
	check_domain("https://www.Globex.co.uk/about", "globex.co.uk");
	check_domain("globex.example", "globex.example");
	check_domain("  www.initech.example:8080?x=1 ", "initech.example");
	check_domain("http://user@shop.acme.example./", "shop.acme.example");
	check_domain("www.com", "www.com");
	check_domain("localhost", "");
	check_domain("", "");
	check_domain("not a site", "");
}
END_TEST

/* SOQL datetimes: whole seconds, truncated, Z */
START_TEST(sf_soql_datetime_truncates)
{
	struct buf b = BUF_INIT;
	int64_t ms;

	ck_assert_int_eq(ts_parse("2025-01-02T03:04:05.999Z", 24, &ms), 0);
	sf_soql_datetime(&b, ms);
	ck_assert_str_eq(buf_cstr(&b), "2025-01-02T03:04:05Z");
	buf_release(&b);
}
END_TEST

/* ---- a pull against a scripted server ---- */

static char *
resp(const char *status, const char *headers, const char *body)
{
	size_t n = strlen(body) + strlen(headers) + 256;
	char *s = malloc(n);

	snprintf(s, n, "HTTP/1.1 %s\r\n%sContent-Length: %zu\r\nConnection: close\r\n"
	    "Sforce-Limit-Info: api-usage=10/1000\r\n\r\n%s", status, headers,
	    strlen(body), body);
	return s;
}

/* Start s answering the n requests that come with the raw answers
 * bodies[0..n), in order (steps in st). */
static void
serve(struct loopsrv *s, struct loopsrv_step *st, char *const *bodies,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		st[i].action = LS_SEND;
		st[i].raw = bodies[i];
		st[i].len = 0;
	}
	ck_assert_int_eq(loopsrv_start(s, st, n), 0);
}

static const char describe_body[] =
	"{\"name\":\"Contact\",\"fields\":["
	"{\"name\":\"Id\",\"type\":\"id\"},{\"name\":\"IsDeleted\",\"type\":\"boolean\"},"
	"{\"name\":\"AccountId\",\"type\":\"reference\"},"
	"{\"name\":\"FirstName\",\"type\":\"string\"},{\"name\":\"LastName\",\"type\":\"string\"},"
	"{\"name\":\"Email\",\"type\":\"email\"},{\"name\":\"Phone\",\"type\":\"phone\"},"
	"{\"name\":\"Title\",\"type\":\"string\"},"
	"{\"name\":\"CreatedDate\",\"type\":\"datetime\"},"
	"{\"name\":\"LastModifiedDate\",\"type\":\"datetime\"},"
	"{\"name\":\"SystemModstamp\",\"type\":\"datetime\"}]}";

#define REC(id, del, mod, first, phone, title) \
	"{\"attributes\":{\"type\":\"Contact\",\"url\":\"/x\"},\"Id\":\"" id "\"," \
	"\"SystemModstamp\":\"" mod "\",\"IsDeleted\":" del ",\"AccountId\":\"001A\"," \
	"\"FirstName\":" first ",\"LastName\":\"Raman\",\"Email\":\"a@globex.example\"," \
	"\"Phone\":" phone ",\"Title\":" title ",\"CreatedDate\":\"2024-01-02T03:04:05.000+0000\"," \
	"\"LastModifiedDate\":\"2025-01-02T03:04:05.000+0000\"}"

static const char page1[] = "{\"totalSize\":3,\"done\":false,\"nextRecordsUrl\":"
	"\"/services/data/v62.0/query/01gXX-2\",\"records\":["
	REC("003A", "false", "2025-01-02T03:04:05.000+0000", "\"Asha\"", "null",
	    "\"VP \\\"Ops\\\"\"") ","
	REC("003B", "false", "2025-01-03T00:00:00.000+0000", "\"J\\u00f6rg\"",
	    "\"+44 20 7946 0000\"", "null") "]}";
static const char page2[] = "{\"totalSize\":3,\"done\":true,\"records\":["
	REC("003C", "true", "2025-01-04T00:00:00.000+0000", "null", "null", "null") "]}";

static const char csv1[] = "\"Id\",\"SystemModstamp\",\"IsDeleted\",\"AccountId\","
	"\"FirstName\",\"LastName\",\"Email\",\"Phone\",\"Title\",\"CreatedDate\","
	"\"LastModifiedDate\"\n"
	"\"003B\",\"2025-01-03T00:00:00.000Z\",\"false\",\"001A\",\"J\xc3\xb6rg\","
	"\"Raman\",\"a@globex.example\",\"+44 20 7946 0000\",\"\","
	"\"2024-01-02T03:04:05.000Z\",\"2025-01-02T03:04:05.000Z\"\n"
	"\"003A\",\"2025-01-02T03:04:05.000Z\",\"false\",\"001A\",\"Asha\",\"Raman\","
	"\"a@globex.example\",\"\",\"VP \"\"Ops\"\"\",\"2024-01-02T03:04:05.000Z\","
	"\"2025-01-02T03:04:05.000Z\"\n";
static const char csv2[] = "\"Id\",\"SystemModstamp\",\"IsDeleted\",\"AccountId\","
	"\"FirstName\",\"LastName\",\"Email\",\"Phone\",\"Title\",\"CreatedDate\","
	"\"LastModifiedDate\"\n"
	"\"003C\",\"2025-01-04T00:00:00.000Z\",\"true\",\"001A\",\"\",\"Raman\","
	"\"a@globex.example\",\"\",\"\",\"2024-01-02T03:04:05.000Z\","
	"\"2025-01-02T03:04:05.000Z\"\n";

struct out {
	struct buf all;
	int nlines;
};

static int
collect(const char *line, size_t n, void *ctx)
{
	struct out *o = ctx;

	buf_add(&o->all, line, n);
	o->nlines++;
	return 0;
}

static void
ignore_warn(const char *msg, void *ctx)
{
	(void)msg;
	(void)ctx;
}

/* Run sf_pull for Contact against the scripted server; output into o. */
static int
run_pull(struct loopsrv *s, long threshold, const char *state_json, struct out *o,
	struct err *e)
{
	struct http_client *c = http_client_new(NULL);
	struct oauth_sf auth;
	struct sf_opts opts;
	struct json_doc sdoc;
	struct json *state;
	char inst[128];
	const char *objs[] = { "Contact" };
	int rc;

	memset(&auth, 0, sizeof(auth));
	oauth_token_init(&auth.tok);
	loopsrv_url(s, NULL, "", inst, sizeof(inst));
	auth.tok.instance_url = strdup(inst);
	ck_assert_int_eq(http_set_token(c, "00Dtoken!abc", inst, e), 0);
	sf_opts_init(&opts);
	opts.bulk_threshold = threshold;
	opts.emit = collect;
	opts.warn = ignore_warn;
	opts.ctx = o;
	ts_parse("2026-12-01T00:00:00Z", 20, &opts.now_ms);
	json_doc_init(&sdoc);
	state = json_parse(&sdoc, state_json, strlen(state_json), e);
	buf_init(&o->all, 0);
	o->nlines = 0;
	rc = sf_pull(c, &auth, objs, 1, &sdoc, state, &opts, e);
	json_doc_release(&sdoc);
	free(auth.tok.instance_url);
	auth.tok.instance_url = NULL;
	http_client_free(c);
	return rc;
}

static const char *
line_at(const struct out *o, int i, size_t *len)
{
	const char *p = o->all.data, *nl;

	while (i-- > 0)
		p = strchr(p, '\n') + 1;
	nl = strchr(p, '\n');
	*len = (size_t)(nl - p);
	return p;
}

static int
line_is(const struct out *o, int i, const char *want)
{
	size_t len;
	const char *l = line_at(o, i, &len);

	if (len != strlen(want) || memcmp(l, want, len) != 0) {
		fprintf(stderr, "line %d:\n got  %.*s\n want %s\n", i, (int)len, l, want);
		return 0;
	}
	return 1;
}

#define EXTR "\"_sdc_extracted_at\":\"2026-12-01T00:00:00.000Z\""
#define TEX "\"time_extracted\":\"2026-12-01T00:00:00.000Z\"}"
static const char want_a[] = "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":"
	"{\"contact_id\":\"003A\",\"account_id\":\"001A\",\"first_name\":\"Asha\","
	"\"last_name\":\"Raman\",\"email\":\"a@globex.example\",\"phone\":null,"
	"\"title\":\"VP \\\"Ops\\\"\",\"system_modstamp\":\"2025-01-02T03:04:05.000Z\","
	"\"created_date\":\"2024-01-02T03:04:05.000Z\","
	"\"last_modified_date\":\"2025-01-02T03:04:05.000Z\"," EXTR
	",\"_sdc_deleted_at\":null}," TEX;
static const char want_c[] = "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":"
	"{\"contact_id\":\"003C\",\"account_id\":\"001A\",\"first_name\":null,"
	"\"last_name\":\"Raman\",\"email\":\"a@globex.example\",\"phone\":null,"
	"\"title\":null,\"system_modstamp\":\"2025-01-04T00:00:00.000Z\","
	"\"created_date\":\"2024-01-02T03:04:05.000Z\","
	"\"last_modified_date\":\"2025-01-02T03:04:05.000Z\"," EXTR
	",\"_sdc_deleted_at\":\"2025-01-04T00:00:00.000Z\"}," TEX;

static const char deleted_body[] = "{\"deletedRecords\":["
    "{\"id\":\"003D\",\"deletedDate\":\"2026-11-20T10:11:12.000+0000\"},"
    "{\"id\":\"bad id\",\"deletedDate\":\"2026-11-20T10:11:12.000+0000\"},"
    "{\"id\":\"003E\",\"deletedDate\":\"2026-11-21T00:00:00.000+0000\"}],"
    "\"earliestDateAvailable\":\"2026-11-16T00:00:00.000+0000\","
    "\"latestDateCovered\":\"2026-11-30T23:59:00.000+0000\"}";

/* REST: describe-driven SELECT, typed records, paging, STATE after each
 * page, then the deletion sweep */
START_TEST(sf_pull_rest_pages)
{
	struct loopsrv s;
	struct loopsrv_step st[4];
	struct out o;
	struct err e = ERR_INIT;
	char *bodies[4];
	size_t i;

	bodies[0] = resp("200 OK", "", describe_body);
	bodies[1] = resp("200 OK", "", page1);
	bodies[2] = resp("200 OK", "", page2);
	bodies[3] = resp("200 OK", "", deleted_body);
	serve(&s, st, bodies, 4);
	ck_assert_int_eq(run_pull(&s, 100000,
	    "{\"bookmarks\":{\"sf_contacts\":{\"system_modstamp\":\"2025-01-01T00:05:00.000Z\"}}}",
	    &o, &e), 0);
	ck_assert_int_eq(o.nlines, 11);
	ck_assert(strncmp(line_at(&o, 0, &i), "{\"type\":\"SCHEMA\",\"stream\":\"etl_runs\"", 35) == 0);
	ck_assert(strncmp(line_at(&o, 1, &i), "{\"type\":\"SCHEMA\",\"stream\":\"sf_contacts\"", 38) == 0);
	ck_assert(line_is(&o, 2, want_a));
	ck_assert(line_is(&o, 4, "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"sf_contacts\":"
	    "{\"system_modstamp\":\"2025-01-03T00:00:00.000Z\"}}}}"));
	ck_assert(line_is(&o, 5, want_c));
	ck_assert(line_is(&o, 6, "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"sf_contacts\":"
	    "{\"system_modstamp\":\"2025-01-04T00:00:00.000Z\"}}}}"));
	/* the deletion sweep: a RECORD per deleted id (a bad entry skipped),
	 * then a STATE with where it stopped */
	ck_assert(line_is(&o, 7, "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\","
	    "\"record\":{\"contact_id\":\"003D\"," EXTR ",\"_sdc_deleted_at\":"
	    "\"2026-11-20T10:11:12.000Z\"}," TEX));
	ck_assert(line_is(&o, 8, "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\","
	    "\"record\":{\"contact_id\":\"003E\"," EXTR ",\"_sdc_deleted_at\":"
	    "\"2026-11-21T00:00:00.000Z\"}," TEX));
	ck_assert(line_is(&o, 9, "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"sf_contacts\":"
	    "{\"system_modstamp\":\"2025-01-04T00:00:00.000Z\","
	    "\"deleted_through\":\"2026-11-30T23:59:00.000Z\"}}}}"));
	ck_assert_ptr_nonnull(strstr(line_at(&o, 10, &i), "\"status\":\"success\""));
	ck_assert_ptr_nonnull(strstr(line_at(&o, 10, &i), "\"rows_processed\":3"));
	ck_assert_ptr_nonnull(strstr(line_at(&o, 10, &i), "\"job_type\":\"incremental\""));
	/* no older than Salesforce keeps (15 days, less two minutes) */
	ck_assert_ptr_nonnull(strstr(s.reqs[3], "GET /services/data/v62.0/sobjects/Contact/"
	    "deleted/?start=2026-11-16T00%3A02%3A00%2B00%3A00&end=2026-12-01T00%3A00%3A00%2B00%3A00 "));
	/* the query: queryAll, visible fields only, >= bookmark - lookback, < run start */
	ck_assert_ptr_nonnull(strstr(s.reqs[0], "GET /services/data/v62.0/sobjects/Contact/describe"));
	ck_assert_ptr_nonnull(strstr(s.reqs[1], "GET /services/data/v62.0/queryAll?q=SELECT%20Id%2C%20"
	    "SystemModstamp%2C%20IsDeleted%2C%20AccountId%2C%20FirstName%2C%20LastName%2C%20"
	    "Email%2C%20Phone%2C%20Title%2C%20CreatedDate%2C%20LastModifiedDate%20FROM%20"
	    "Contact%20WHERE%20SystemModstamp%20%3E%3D%202025-01-01T00%3A00%3A00Z%20AND%20"
	    "SystemModstamp%20%3C%202026-12-01T00%3A00%3A00Z%20ORDER%20BY%20SystemModstamp%20"
	    "ASC%2C%20Id%20ASC "));
	ck_assert_ptr_nonnull(strstr(s.reqs[1], "Authorization: Bearer 00Dtoken!abc"));
	ck_assert_ptr_nonnull(strstr(s.reqs[1], "Sforce-Query-Options: batchSize=2000"));
	ck_assert_ptr_nonnull(strstr(s.reqs[2], "GET /services/data/v62.0/query/01gXX-2 "));
	loopsrv_stop(&s);
	buf_release(&o.all);
	for (i = 0; i < 4; i++)
		free(bodies[i]);
	err_release(&e);
}
END_TEST

/* A scripted server: one answer (status line, body) per request. */
struct script {
	struct loopsrv s;
	struct loopsrv_step st[8];
	char *bodies[8];
	size_t n;
};

static void
script_start(struct script *sc, const char *const answers[][2], size_t n)
{
	size_t i;

	ck_assert_uint_le(n, 8);
	sc->n = n;
	for (i = 0; i < n; i++)
		sc->bodies[i] = resp(answers[i][0], "", answers[i][1]);
	serve(&sc->s, sc->st, sc->bodies, n);
}

static void
script_stop(struct script *sc)
{
	size_t i;

	loopsrv_stop(&sc->s);
	for (i = 0; i < sc->n; i++)
		free(sc->bodies[i]);
}

static const char empty_page[] = "{\"totalSize\":0,\"done\":true,\"records\":[]}";
static const char swept_state[] = "{\"bookmarks\":{\"sf_contacts\":"
    "{\"system_modstamp\":\"2026-11-28T00:00:00.000Z\","
    "\"deleted_through\":\"2026-11-28T00:00:00.000Z\"}}}";

/* the sweep: EXCEEDED_ID_LIMIT splits the window in two; the deleted
 * records of both halves come out, the second half's end is kept */
START_TEST(sf_pull_deleted_split)
{
	static const char *const answers[][2] = {
		{ "200 OK", describe_body },
		{ "200 OK", empty_page },
		{ "400 Bad Request", "[{\"errorCode\":\"EXCEEDED_ID_LIMIT\","
		    "\"message\":\"record limit reached. narrow the time range\"}]" },
		{ "200 OK", "{\"deletedRecords\":[{\"id\":\"003F\","
		    "\"deletedDate\":\"2026-11-28T00:00:00.000+0000\"}],"
		    "\"latestDateCovered\":\"2026-11-29T11:59:00.000+0000\"}" },
		{ "200 OK", "{\"deletedRecords\":[{\"id\":\"003G\","
		    "\"deletedDate\":\"2026-11-30T00:00:00.000+0000\"}],"
		    "\"latestDateCovered\":\"2026-11-30T23:59:00.000+0000\"}" },
	};
	struct script sc;
	struct out o;
	struct err e = ERR_INIT;

	script_start(&sc, answers, 5);
	ck_assert_int_eq(run_pull(&sc.s, 100000, swept_state, &o, &e), 0);
	ck_assert_ptr_nonnull(strstr(sc.s.reqs[2], "deleted/?start=2026-11-28T00%3A00%3A00%2B00%3A00"
	    "&end=2026-12-01T00%3A00%3A00%2B00%3A00 "));
	ck_assert_ptr_nonnull(strstr(sc.s.reqs[3], "deleted/?start=2026-11-28T00%3A00%3A00%2B00%3A00"
	    "&end=2026-11-29T12%3A00%3A00%2B00%3A00 "));
	ck_assert_ptr_nonnull(strstr(sc.s.reqs[4], "deleted/?start=2026-11-29T12%3A00%3A00%2B00%3A00"
	    "&end=2026-12-01T00%3A00%3A00%2B00%3A00 "));
	ck_assert_ptr_nonnull(strstr(o.all.data, "\"contact_id\":\"003F\""));
	ck_assert_ptr_nonnull(strstr(o.all.data, "\"contact_id\":\"003G\""));
	ck_assert_ptr_nonnull(strstr(o.all.data, "\"deleted_through\":"
	    "\"2026-11-30T23:59:00.000Z\""));
	ck_assert_ptr_nonnull(strstr(o.all.data, "\"status\":\"success\""));
	script_stop(&sc);
	buf_release(&o.all);
	err_release(&e);
}
END_TEST

/* a failed sweep is a warning: the pull succeeds, deleted_through stays */
START_TEST(sf_pull_deleted_fails_softly)
{
	static const char *const answers[][2] = {
		{ "200 OK", describe_body },
		{ "200 OK", empty_page },
		{ "400 Bad Request", "[{\"errorCode\":\"UNKNOWN_EXCEPTION\","
		    "\"message\":\"something broke\"}]" },
	};
	struct script sc;
	struct out o;
	struct err e = ERR_INIT;

	script_start(&sc, answers, 3);
	ck_assert_int_eq(run_pull(&sc.s, 100000, swept_state, &o, &e), 0);
	ck_assert_ptr_nonnull(strstr(sc.s.reqs[2], "/sobjects/Contact/deleted/"));
	ck_assert_ptr_nonnull(strstr(o.all.data, "\"deleted_through\":"
	    "\"2026-11-28T00:00:00.000Z\""));
	ck_assert_ptr_null(strstr(o.all.data, "\"deleted_through\":"
	    "\"2026-12-01"));
	ck_assert_ptr_nonnull(strstr(o.all.data, "\"status\":\"success\""));
	script_stop(&sc);
	buf_release(&o.all);
	err_release(&e);
}
END_TEST

/* a nextRecordsUrl to another host is refused: no token leaves, etl_runs says failed */
START_TEST(sf_pull_foreign_next_url)
{
	static const char evil[] = "{\"totalSize\":3,\"done\":false,\"nextRecordsUrl\":"
	    "\"https://evil.example/services/data/v62.0/query/01gXX-2\",\"records\":[]}";
	struct loopsrv s;
	struct loopsrv_step st[2];
	struct out o;
	struct err e = ERR_INIT;
	char *b0 = resp("200 OK", "", describe_body), *b1 = resp("200 OK", "", evil);
	size_t len;

	{
		char *const two[2] = { b0, b1 };

		serve(&s, st, two, 2);
	}
	ck_assert_int_eq(run_pull(&s, -1, "{\"bookmarks\":{}}", &o, &e), EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "evil.example"));
	ck_assert_uint_eq(loopsrv_nreqs(&s), 2);
	ck_assert_ptr_nonnull(strstr(line_at(&o, o.nlines - 1, &len), "\"status\":\"failed\""));
	loopsrv_stop(&s);
	buf_release(&o.all);
	free(b0);
	free(b1);
	err_release(&e);
}
END_TEST

/* a server whose nextRecordsUrl leads back to a page already read (or that
 * says done: false with no way on) would keep the pull busy for ever, or
 * end it "successfully" short of the data: a malformed answer, 65 */
START_TEST(sf_pull_paging_loop)
{
	static const char loop[] = "{\"totalSize\":3,\"done\":false,\"nextRecordsUrl\":"
	    "\"/services/data/v62.0/query/01gXX-2\",\"records\":[]}";
	static const char stuck[] = "{\"totalSize\":3,\"done\":false,\"records\":[]}";
	static const char job[] = "{\"id\":\"7505g00000QbJobAAA\",\"state\":\"UploadComplete\"}";
	static const char done[] = "{\"id\":\"7505g00000QbJobAAA\",\"state\":\"JobComplete\"}";
	struct loopsrv s;
	struct loopsrv_step st[6];
	struct out o;
	struct err e = ERR_INIT;
	char *b[6];
	size_t i, len;

	/* nextRecordsUrl pointing at itself */
	b[0] = resp("200 OK", "", describe_body);
	b[1] = resp("200 OK", "", page1);
	b[2] = resp("200 OK", "", loop);
	serve(&s, st, b, 3);
	ck_assert_int_eq(run_pull(&s, -1, "{\"bookmarks\":{}}", &o, &e), EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "loop"));
	ck_assert_uint_le(loopsrv_nreqs(&s), 4);
	ck_assert_ptr_nonnull(strstr(line_at(&o, o.nlines - 1, &len), "\"status\":\"failed\""));
	loopsrv_stop(&s);
	buf_release(&o.all);
	for (i = 0; i < 3; i++)
		free(b[i]);

	/* done: false and no nextRecordsUrl */
	b[0] = resp("200 OK", "", describe_body);
	b[1] = resp("200 OK", "", stuck);
	serve(&s, st, b, 2);
	ck_assert_int_eq(run_pull(&s, -1, "{\"bookmarks\":{}}", &o, &e), EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "nextRecordsUrl"));
	ck_assert_ptr_nonnull(strstr(line_at(&o, o.nlines - 1, &len), "\"status\":\"failed\""));
	loopsrv_stop(&s);
	buf_release(&o.all);
	for (i = 0; i < 2; i++)
		free(b[i]);

	/* Bulk: a Sforce-Locator handed out again */
	b[0] = resp("200 OK", "", describe_body);
	b[1] = resp("200 OK", "", page1);
	b[2] = resp("200 OK", "", job);
	b[3] = resp("200 OK", "", done);
	b[4] = resp("200 OK", "Content-Type: text/csv\r\nSforce-Locator: MTAwMDA\r\n", csv1);
	serve(&s, st, b, 5);
	ck_assert_int_eq(run_pull(&s, 2, "{\"bookmarks\":{}}", &o, &e), EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "Sforce-Locator"));
	ck_assert_uint_le(loopsrv_nreqs(&s), 8);
	loopsrv_stop(&s);
	buf_release(&o.all);
	for (i = 0; i < 5; i++)
		free(b[i]);
	err_release(&e);
}
END_TEST

static int
cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the RECORD lines of o, sorted, joined */
static char *
sorted_records(const struct out *o)
{
	char *copy = strdup(o->all.data), *p = copy, *l, *lines[64];
	size_t n = 0, i;
	struct buf b = BUF_INIT;

	while ((l = strsep(&p, "\n")) != NULL)
		if (strncmp(l, "{\"type\":\"RECORD\",\"stream\":\"sf_", 29) == 0 && n < 64)
			lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), cmp_lines);
	for (i = 0; i < n; i++) {
		buf_addstr(&b, lines[i]);
		buf_addch(&b, '\n');
	}
	free(copy);
	return buf_detach(&b, NULL);
}

/* Bulk 2.0: job, polls, CSV chunks by locator: the same records as REST */
START_TEST(sf_pull_bulk_equals_rest)
{
	static const char job[] = "{\"id\":\"7505g00000QbJobAAA\",\"state\":\"UploadComplete\"}";
	static const char prog[] = "{\"id\":\"7505g00000QbJobAAA\",\"state\":\"InProgress\"}";
	static const char done[] = "{\"id\":\"7505g00000QbJobAAA\",\"state\":\"JobComplete\"}";
	struct loopsrv s;
	struct loopsrv_step st[9];
	struct out rest, bulk;
	struct err e = ERR_INIT;
	char *bodies[9], *a, *b;
	size_t i;

	bodies[0] = resp("200 OK", "", describe_body);
	bodies[1] = resp("200 OK", "", page1);
	bodies[2] = resp("200 OK", "", page2);
	serve(&s, st, bodies, 3);
	ck_assert_int_eq(run_pull(&s, 100000, "{\"bookmarks\":{}}", &rest, &e), 0);
	loopsrv_stop(&s);
	for (i = 0; i < 3; i++)
		free(bodies[i]);

	bodies[0] = resp("200 OK", "", describe_body);
	bodies[1] = resp("200 OK", "", page1);
	bodies[2] = resp("200 OK", "", job);
	bodies[3] = resp("200 OK", "", prog);
	bodies[4] = resp("200 OK", "", done);
	bodies[5] = resp("200 OK", "Content-Type: text/csv\r\nSforce-Locator: MTAwMDA\r\n"
	    "Sforce-NumberOfRecords: 2\r\n", csv1);
	bodies[6] = resp("200 OK", "Content-Type: text/csv\r\nSforce-Locator: null\r\n"
	    "Sforce-NumberOfRecords: 1\r\n", csv2);
	bodies[7] = resp("204 No Content", "", "");
	bodies[8] = resp("500 Oops", "", "unexpected request");
	serve(&s, st, bodies, 9);
	ck_assert_int_eq(run_pull(&s, 2, "{\"bookmarks\":{}}", &bulk, &e), 0);
	ck_assert_uint_eq(loopsrv_nreqs(&s), 8);
	ck_assert_ptr_nonnull(strstr(s.reqs[2], "POST /services/data/v62.0/jobs/query "));
	ck_assert_ptr_nonnull(strstr(s.reqs[2], "\"operation\":\"queryAll\""));
	ck_assert_ptr_null(strstr(s.reqs[2], "ORDER BY"));
	ck_assert_ptr_nonnull(strstr(s.reqs[3], "GET /services/data/v62.0/jobs/query/7505g00000QbJobAAA "));
	ck_assert_ptr_nonnull(strstr(s.reqs[5], "/jobs/query/7505g00000QbJobAAA/results?maxRecords=50000 "));
	ck_assert_ptr_nonnull(strstr(s.reqs[6], "&locator=MTAwMDA "));
	ck_assert_ptr_nonnull(strstr(s.reqs[7], "DELETE /services/data/v62.0/jobs/query/7505g00000QbJobAAA "));
	a = sorted_records(&rest);
	b = sorted_records(&bulk);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, want_a));
	ck_assert_ptr_nonnull(strstr(bulk.all.data, "\"job_type\":\"full-bulk\""));
	ck_assert_ptr_nonnull(strstr(bulk.all.data, "{\"type\":\"STATE\",\"value\":{\"bookmarks\":"
	    "{\"sf_contacts\":{\"system_modstamp\":\"2025-01-04T00:00:00.000Z\"}}}}"));
	free(a);
	free(b);
	loopsrv_stop(&s);
	for (i = 0; i < 9; i++)
		free(bodies[i]);
	buf_release(&rest.all);
	buf_release(&bulk.all);
	err_release(&e);
}
END_TEST

/* Bulk: a result chunk cut short (at a row end: fewer rows than
 * Sforce-NumberOfRecords; or inside a quoted field: not CSV) is fetched
 * again by its locator; every row comes out once, the same as REST */
START_TEST(sf_pull_bulk_chunk_refetch)
{
	static const char job[] = "{\"id\":\"7505g00000QbJobAAA\",\"state\":\"UploadComplete\"}";
	static const char done[] = "{\"id\":\"7505g00000QbJobAAA\",\"state\":\"JobComplete\"}";
	struct loopsrv s;
	struct loopsrv_step st[9];
	struct out rest, bulk;
	struct err e = ERR_INIT;
	char *bodies[9], *a, *b, cut[sizeof(csv1)];
	const char *nl;
	size_t i;
	int variant;

	bodies[0] = resp("200 OK", "", describe_body);
	bodies[1] = resp("200 OK", "", page1);
	bodies[2] = resp("200 OK", "", page2);
	serve(&s, st, bodies, 3);
	ck_assert_int_eq(run_pull(&s, 100000, "{\"bookmarks\":{}}", &rest, &e), 0);
	loopsrv_stop(&s);
	for (i = 0; i < 3; i++)
		free(bodies[i]);
	a = sorted_records(&rest);

	for (variant = 0; variant < 2; variant++) {
		/* header and first row; or that and half the second row */
		nl = strchr(strchr(csv1, '\n') + 1, '\n') + 1;
		if (variant)
			nl += 20;
		memcpy(cut, csv1, (size_t)(nl - csv1));
		cut[nl - csv1] = '\0';
		bodies[0] = resp("200 OK", "", describe_body);
		bodies[1] = resp("200 OK", "", page1);
		bodies[2] = resp("200 OK", "", job);
		bodies[3] = resp("200 OK", "", done);
		bodies[4] = resp("200 OK", "Sforce-Locator: MTAwMDA\r\n"
		    "Sforce-NumberOfRecords: 2\r\n", cut);
		bodies[5] = resp("200 OK", "Sforce-Locator: MTAwMDA\r\n"
		    "Sforce-NumberOfRecords: 2\r\n", csv1);
		bodies[6] = resp("200 OK", "Sforce-Locator: null\r\n"
		    "Sforce-NumberOfRecords: 1\r\n", csv2);
		bodies[7] = resp("204 No Content", "", "");
		bodies[8] = resp("500 Oops", "", "unexpected request");
		serve(&s, st, bodies, 9);
		ck_assert_int_eq(run_pull(&s, 2, "{\"bookmarks\":{}}", &bulk, &e), 0);
		ck_assert_uint_eq(loopsrv_nreqs(&s), 8);
		ck_assert_ptr_null(strstr(s.reqs[5], "&locator="));
		ck_assert_ptr_nonnull(strstr(s.reqs[6], "&locator=MTAwMDA "));
		b = sorted_records(&bulk);
		ck_assert_str_eq(a, b);
		free(b);
		loopsrv_stop(&s);
		for (i = 0; i < 9; i++)
			free(bodies[i]);
		buf_release(&bulk.all);
	}
	free(a);
	buf_release(&rest.all);
	err_release(&e);
}
END_TEST

/* Bulk: a poll answered with cut JSON (a 200) is polled again, not taken
 * for a failed job (which would fall back to REST) */
START_TEST(sf_pull_bulk_poll_cut)
{
	static const char job[] = "{\"id\":\"7505g00000QbJobAAA\",\"state\":\"UploadComplete\"}";
	static const char cutp[] = "{\"id\":\"7505g00000QbJobAAA\",\"sta";
	static const char done[] = "{\"id\":\"7505g00000QbJobAAA\",\"state\":\"JobComplete\"}";
	struct loopsrv s;
	struct loopsrv_step st[10];
	struct out bulk;
	struct err e = ERR_INIT;
	char *bodies[10];
	size_t i;

	bodies[0] = resp("200 OK", "", describe_body);
	bodies[1] = resp("200 OK", "", page1);
	bodies[2] = resp("200 OK", "", job);
	bodies[3] = resp("200 OK", "", cutp);
	bodies[4] = resp("200 OK", "", done);
	bodies[5] = resp("200 OK", "Sforce-Locator: MTAwMDA\r\n", csv1);
	bodies[6] = resp("200 OK", "Sforce-Locator: null\r\n", csv2);
	bodies[7] = resp("204 No Content", "", "");
	bodies[8] = resp("500 Oops", "", "unexpected request");
	serve(&s, st, bodies, 9);
	ck_assert_int_eq(run_pull(&s, 2, "{\"bookmarks\":{}}", &bulk, &e), 0);
	ck_assert_uint_eq(loopsrv_nreqs(&s), 8);
	ck_assert_ptr_nonnull(strstr(s.reqs[4], "GET /services/data/v62.0/jobs/query/7505g00000QbJobAAA "));
	ck_assert_ptr_nonnull(strstr(bulk.all.data, "\"job_type\":\"full-bulk\""));
	ck_assert_ptr_nonnull(strstr(bulk.all.data, want_a));
	loopsrv_stop(&s);
	for (i = 0; i < 9; i++)
		free(bodies[i]);
	buf_release(&bulk.all);
	err_release(&e);
}
END_TEST

/* the quota guard stops before writing past the share: state kept, EX_TEMPFAIL */
START_TEST(sf_pull_quota_guard)
{
	struct loopsrv s;
	struct loopsrv_step st[2];
	struct out o;
	struct err e = ERR_INIT;
	char *b0 = resp("200 OK", "", describe_body);
	char *b1 = malloc(8192);
	size_t len;

	snprintf(b1, 8192, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n"
	    "Sforce-Limit-Info: api-usage=950/1000\r\n\r\n%s", strlen(page1), page1);
	{
		char *const two[2] = { b0, b1 };

		serve(&s, st, two, 2);
	}
	ck_assert_int_eq(run_pull(&s, -1, "{\"bookmarks\":{}}", &o, &e), EX_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(e.msg, "quota guard"));
	ck_assert_ptr_null(strstr(o.all.data, "\"stream\":\"sf_contacts\",\"record\""));
	ck_assert_ptr_nonnull(strstr(line_at(&o, o.nlines - 1, &len), "\"status\":\"failed\""));
	loopsrv_stop(&s);
	buf_release(&o.all);
	free(b0);
	free(b1);
	err_release(&e);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("sf");
	TCase *t = tcase_create("sf");

	tcase_set_timeout(t, 20);
	tcase_add_test(t, csv_next_rfc4180);
	tcase_add_test(t, csv_next_nul_bytes);
	tcase_add_test(t, csv_next_malformed);
	tcase_add_test(t, sf_parse_limit_info_variants);
	tcase_add_test(t, sf_website_domain_forms);
	tcase_add_test(t, sf_soql_datetime_truncates);
	tcase_add_test(t, sf_pull_deleted_split);
	tcase_add_test(t, sf_pull_deleted_fails_softly);
	tcase_add_test(t, sf_pull_rest_pages);
	tcase_add_test(t, sf_pull_foreign_next_url);
	tcase_add_test(t, sf_pull_paging_loop);
	tcase_add_test(t, sf_pull_bulk_equals_rest);
	tcase_add_test(t, sf_pull_bulk_chunk_refetch);
	tcase_add_test(t, sf_pull_bulk_poll_cut);
	tcase_add_test(t, sf_pull_quota_guard);
	suite_add_tcase(s, t);
	return s;
}
