/*
 * server.c: fake-api's HTTP/1.1 server, fault injection, admin endpoints.
 *
 * One thread per connection (keep-alive, Content-Length or chunked request
 * bodies, Expect: 100-continue); every module callback runs under one global
 * lock.  See README.md for the command line and the /_admin/ endpoints, and
 * fake.h for the module interface.
 */
#include "fake.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

#define MAX_MODULES 16
#define MAX_OPTS 256
#define MAX_REQUEST ((size_t)64 << 20)
#define IDLE_TIMEOUT_MS 120000

static const struct fake_module *modules[MAX_MODULES];
static size_t nmodules;

struct opt {
	const char *name;
	char *value;
	const char *help;
	const char *module;
};
static struct opt opts[MAX_OPTS];
static size_t nopts;

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stopping;
static atomic_int active_conns;
static atomic_ullong req_seq;
static int stop_pipe[2] = { -1, -1 };
static FILE *log_fp;
static char base_url[64];
static uint64_t seed_value = 1;

/* ---- modules and options ---- */

void
fake_module_register(const struct fake_module *m)
{
	if (nmodules < MAX_MODULES)
		modules[nmodules++] = m;
}

static struct opt *
opt_find(const char *name)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

static void
opt_add(const char *name, const char *def, const char *help,
    const char *module)
{
	if (nopts >= MAX_OPTS || opt_find(name))
		return;
	opts[nopts].name = name;
	opts[nopts].value = xstrdup(def ? def : "");
	opts[nopts].help = help;
	opts[nopts].module = module;
	nopts++;
}

const char *
fake_opt(const char *name)
{
	struct opt *o = opt_find(name);

	return o ? o->value : NULL;
}

long long
fake_opt_int(const char *name)
{
	const char *v = fake_opt(name);

	return v ? strtoll(v, NULL, 10) : 0;
}

double
fake_opt_double(const char *name)
{
	const char *v = fake_opt(name);

	return v ? strtod(v, NULL) : 0;
}

int
fake_module_enabled(const char *name)
{
	const char *list = fake_opt("modules");
	size_t n = strlen(name);
	const char *p;

	if (list == NULL || *list == '\0' || strcmp(list, "all") == 0)
		return 1;
	for (p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

uint64_t
fake_seed(void)
{
	return seed_value;
}

/* ---- clock ---- */

static int64_t clock_offset;     /* added to the real clock */
static int64_t clock_frozen = -1; /* --now TS: fixed time, moved by admin */
static int64_t clock_last;
static int64_t epoch_ms;

static int64_t
real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
fake_now_ms(void)
{
	int64_t t = clock_frozen >= 0 ? clock_frozen : real_ms() + clock_offset;

	if (t < clock_last)
		t = clock_last;
	clock_last = t;
	return t;
}

int64_t
fake_epoch_ms(void)
{
	return epoch_ms;
}

static void
clock_advance(int64_t ms)
{
	if (clock_frozen >= 0)
		clock_frozen += ms;
	else
		clock_offset += ms;
}

/* ---- requests ---- */

const char *
fake_query(const struct fake_req *r, const char *name)
{
	return fake_query_at(r, name, 0);
}

size_t
fake_query_count(const struct fake_req *r, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].name, name) == 0)
			n++;
	return n;
}

const char *
fake_query_at(const struct fake_req *r, const char *name, size_t k)
{
	size_t i;

	for (i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].name, name) == 0 && k-- == 0)
			return r->query[i].value;
	return NULL;
}

const char *
fake_header(const struct fake_req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

char *
fake_bearer(const struct fake_req *r)
{
	const char *h = fake_header(r, "Authorization");

	if (h == NULL)
		return NULL;
	if (strncasecmp(h, "Bearer ", 7) == 0)
		h += 7;
	else if (strncasecmp(h, "OAuth ", 6) == 0)
		h += 6;
	else
		return NULL;
	while (*h == ' ')
		h++;
	return *h ? xstrdup(h) : NULL;
}

char *
fake_form_get(const struct fake_req *r, const char *name)
{
	const char *p = r->body, *end = r->body + r->body_len;
	size_t n = strlen(name);

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(e - p));
		const char *kend = eq ? eq : e;
		char *k = fake_urldecode(p, (size_t)(kend - p), 1);
		if (strlen(k) == n && memcmp(k, name, n) == 0) {
			free(k);
			if (!eq)
				return xstrdup("");
			return fake_urldecode(eq + 1, (size_t)(e - eq - 1), 1);
		}
		free(k);
		p = e + 1;
	}
	return NULL;
}

/* ---- responses ---- */

void
fake_resp_status(struct fake_resp *w, int status)
{
	w->status = status;
}

void
fake_resp_header(struct fake_resp *w, const char *name, const char *fmt, ...)
{
	va_list ap;

	buf_addstr(&w->headers, name);
	buf_addstr(&w->headers, ": ");
	va_start(ap, fmt);
	buf_vprintf(&w->headers, fmt, ap);
	va_end(ap);
	buf_addstr(&w->headers, "\r\n");
}

void
fake_resp_body(struct fake_resp *w, int status, const char *content_type,
    const char *data, size_t n)
{
	w->status = status;
	if (content_type)
		fake_resp_header(w, "Content-Type", "%s", content_type);
	buf_reset(&w->body);
	buf_add(&w->body, data, n);
}

void
fake_resp_json_text(struct fake_resp *w, int status, const char *json)
{
	fake_resp_body(w, status, "application/json;charset=UTF-8", json,
	    strlen(json));
}

void
fake_resp_json(struct fake_resp *w, int status, cJSON *doc)
{
	char *s = cJSON_PrintUnformatted(doc);

	fake_resp_json_text(w, status, s ? s : "null");
	free(s);
	cJSON_Delete(doc);
}

void
fake_resp_error(struct fake_resp *w, int status, const char *msg)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "error", msg);
	fake_resp_json(w, status, o);
}

static const char *
reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 300: return "Multiple Choices";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 423: return "Locked";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Status";
	}
}

/* ---- faults ---- */

static const char *const fault_names[FAKE_FAULT_COUNT] = {
	"none", "429", "500", "503", "slow", "reset", "truncate", "401",
	"hang", "endless",
};
static double fault_rate[FAKE_FAULT_COUNT];

const char *
fake_fault_name(enum fake_fault f)
{
	return (unsigned)f < FAKE_FAULT_COUNT ? fault_names[f] : "?";
}

static enum fake_fault
fault_by_name(const char *s, size_t n)
{
	int i;

	for (i = 1; i < FAKE_FAULT_COUNT; i++)
		if (strlen(fault_names[i]) == n &&
		    strncmp(fault_names[i], s, n) == 0)
			return (enum fake_fault)i;
	return FAKE_FAULT_NONE;
}

/* Parse "429=0.05,500=0.05,..." into rates; -1 on a bad spec. */
static int
faults_parse(const char *spec, double *rates, struct buf *why)
{
	const char *p = spec;
	double sum = 0;
	int i;

	for (i = 0; i < FAKE_FAULT_COUNT; i++)
		rates[i] = 0;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		enum fake_fault f;
		char *end;
		double v;

		if (len == 0) {
			p = e ? e + 1 : p + len;
			continue;
		}
		if (!eq) {
			buf_printf(why, "fault '%.*s' has no rate", (int)len, p);
			return -1;
		}
		f = fault_by_name(p, (size_t)(eq - p));
		if (f == FAKE_FAULT_NONE) {
			buf_printf(why, "unknown fault class '%.*s'",
			    (int)(eq - p), p);
			return -1;
		}
		v = strtod(eq + 1, &end);
		if (end != p + len || v < 0 || v > 1) {
			buf_printf(why, "bad rate for %s", fault_names[f]);
			return -1;
		}
		rates[f] = v;
		sum += v;
		p = e ? e + 1 : p + len;
	}
	if (sum > 1.0 + 1e-9) {
		buf_addstr(why, "fault rates add up to more than 1");
		return -1;
	}
	return 0;
}

/* Occurrences of each distinct request (method, target, body): the n-th
 * sending of the same request always draws the same fault, whatever the
 * interleaving with other requests. */
struct occ {
	uint64_t key;
	uint32_t count;
	uint32_t run;   /* consecutive faulted attempts */
};
static struct occ *occ_tab;
static size_t occ_cap, occ_used;

static struct occ *
occ_get(uint64_t key)
{
	size_t i;

	if (key == 0)
		key = 1;
	if (occ_used * 2 >= occ_cap) {
		size_t ncap = occ_cap ? occ_cap * 2 : 1024, j;
		struct occ *nt = xcalloc(ncap, sizeof *nt);
		for (j = 0; j < occ_cap; j++) {
			if (occ_tab[j].key == 0)
				continue;
			i = occ_tab[j].key & (ncap - 1);
			while (nt[i].key)
				i = (i + 1) & (ncap - 1);
			nt[i] = occ_tab[j];
		}
		free(occ_tab);
		occ_tab = nt;
		occ_cap = ncap;
	}
	i = key & (occ_cap - 1);
	while (occ_tab[i].key && occ_tab[i].key != key)
		i = (i + 1) & (occ_cap - 1);
	if (occ_tab[i].key == 0) {
		occ_tab[i].key = key;
		occ_used++;
	}
	return &occ_tab[i];
}

struct forced {
	enum fake_fault kind;
	long count;
	char *prefix;
	char *method;
	struct forced *next;
};
static struct forced *forced_head;

static unsigned long fault_counts[FAKE_FAULT_COUNT];
static unsigned long long total_requests;

/* Decide the fault for a request (big lock held). */
static enum fake_fault
fault_decide(const struct fake_req *r)
{
	struct forced **pp, *f;
	uint64_t key, h;
	struct occ *o;
	double u, acc = 0;
	long burst = fake_opt_int("fault-burst");
	int i;

	for (pp = &forced_head; (f = *pp) != NULL; pp = &f->next) {
		if (f->prefix && strncmp(r->path, f->prefix,
		    strlen(f->prefix)) != 0)
			continue;
		if (f->method && strcmp(r->method, f->method) != 0)
			continue;
		enum fake_fault k = f->kind;
		if (--f->count <= 0) {
			*pp = f->next;
			free(f->prefix);
			free(f->method);
			free(f);
		}
		return k;
	}
	key = fake_hash(0, r->method, strlen(r->method));
	key = fake_hash(key, " ", 1);
	key = fake_hash(key, r->target, strlen(r->target));
	key = fake_hash(key, " ", 1);
	key = fake_hash(key, r->body, r->body_len);
	o = occ_get(key);
	o->count++;
	h = fake_hash(0, &seed_value, sizeof seed_value);
	h = fake_hash(h, &key, sizeof key);
	h = fake_hash(h, &o->count, sizeof o->count);
	{
		struct fake_rng g = { h };
		u = fake_rng_unit(&g);
	}
	for (i = 1; i < FAKE_FAULT_COUNT; i++) {
		acc += fault_rate[i];
		if (u < acc)
			break;
	}
	if (i >= FAKE_FAULT_COUNT) {
		o->run = 0;
		return FAKE_FAULT_NONE;
	}
	if (burst > 0 && o->run >= (uint32_t)burst) {
		o->run = 0;
		return FAKE_FAULT_NONE;
	}
	o->run++;
	return (enum fake_fault)i;
}

static void
fault_render_generic(enum fake_fault f, struct fake_resp *w)
{
	static const char html500[] =
	    "<html><head><title>500 Internal Server Error</title></head>"
	    "<body><h1>Internal Server Error</h1></body></html>\n";
	static const char html503[] =
	    "<html><head><title>503 Service Unavailable</title></head>"
	    "<body><h1>Service Unavailable</h1></body></html>\n";

	switch (f) {
	case FAKE_FAULT_429:
		fake_resp_header(w, "Retry-After", "%lld",
		    fake_opt_int("retry-after"));
		fake_resp_error(w, 429, "rate limited");
		break;
	case FAKE_FAULT_500:
		fake_resp_body(w, 500, "text/html", html500,
		    sizeof html500 - 1);
		break;
	case FAKE_FAULT_503:
		fake_resp_body(w, 503, "text/html", html503,
		    sizeof html503 - 1);
		break;
	case FAKE_FAULT_401:
		fake_resp_error(w, 401, "invalid_token");
		break;
	default:
		break;
	}
}

/* ---- log ---- */

static void
log_request(const struct fake_req *r, const char *module, int status,
    enum fake_fault f, int64_t ms)
{
	cJSON *o;
	char *s;
	struct buf t = BUF_INIT;
	size_t n;

	if (log_fp == NULL)
		return;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "seq", (double)r->seq);
	fake_fmt_iso(&t, real_ms());
	cJSON_AddStringToObject(o, "time", buf_cstr(&t));
	cJSON_AddStringToObject(o, "method", r->method);
	cJSON_AddStringToObject(o, "target", r->target);
	cJSON_AddStringToObject(o, "module", module ? module : "");
	cJSON_AddNumberToObject(o, "status", status);
	cJSON_AddStringToObject(o, "fault", fake_fault_name(f));
	cJSON_AddBoolToObject(o, "auth",
	    fake_header(r, "Authorization") != NULL);
	cJSON_AddNumberToObject(o, "ms", (double)ms);
	if (r->body_len) {
		n = r->body_len > 4096 ? 4096 : r->body_len;
		buf_reset(&t);
		buf_add(&t, r->body, n);
		cJSON_AddStringToObject(o, "body", buf_cstr(&t));
	}
	buf_release(&t);
	s = cJSON_PrintUnformatted(o);
	pthread_mutex_lock(&log_lock);
	if (s) {
		fputs(s, log_fp);
		fputc('\n', log_fp);
		fflush(log_fp);
	}
	pthread_mutex_unlock(&log_lock);
	free(s);
	cJSON_Delete(o);
}

/* ---- admin ---- */

static const struct fake_module *
module_find(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < nmodules; i++)
		if (strlen(modules[i]->name) == n &&
		    strncmp(modules[i]->name, name, n) == 0 &&
		    fake_module_enabled(modules[i]->name))
			return modules[i];
	return NULL;
}

static int
modules_init(struct buf *why)
{
	size_t i;

	for (i = 0; i < nmodules; i++) {
		char *msg = NULL;
		if (!fake_module_enabled(modules[i]->name) || !modules[i]->init)
			continue;
		if (modules[i]->init(&msg) != 0) {
			buf_printf(why, "%s: %s", modules[i]->name,
			    msg ? msg : "init failed");
			free(msg);
			return -1;
		}
	}
	return 0;
}

static void
modules_release(void)
{
	size_t i;

	for (i = 0; i < nmodules; i++)
		if (fake_module_enabled(modules[i]->name) &&
		    modules[i]->release)
			modules[i]->release();
}

static void
faults_json(cJSON *o)
{
	cJSON *rates = cJSON_AddObjectToObject(o, "rates");
	cJSON *counts = cJSON_AddObjectToObject(o, "counts");
	int i;

	for (i = 1; i < FAKE_FAULT_COUNT; i++) {
		cJSON_AddNumberToObject(rates, fault_names[i], fault_rate[i]);
		cJSON_AddNumberToObject(counts, fault_names[i],
		    (double)fault_counts[i]);
	}
	cJSON_AddNumberToObject(o, "burst", (double)fake_opt_int("fault-burst"));
}

static int64_t
parse_ms_param(const struct fake_req *r)
{
	const char *v;

	if ((v = fake_query(r, "ms")) != NULL)
		return strtoll(v, NULL, 10);
	if ((v = fake_query(r, "seconds")) != NULL)
		return strtoll(v, NULL, 10) * 1000;
	if ((v = fake_query(r, "minutes")) != NULL)
		return strtoll(v, NULL, 10) * 60000;
	if ((v = fake_query(r, "hours")) != NULL)
		return strtoll(v, NULL, 10) * 3600000;
	if ((v = fake_query(r, "days")) != NULL)
		return strtoll(v, NULL, 10) * 86400000;
	return 0;
}

/* /_admin/... (big lock held). */
static void
admin(const struct fake_req *r, struct fake_resp *w)
{
	const char *p = r->path + strlen("/_admin");
	int is_get = strcmp(r->method, "GET") == 0;
	cJSON *o;
	size_t i;

	if (strcmp(p, "/health") == 0 || strcmp(p, "") == 0 ||
	    strcmp(p, "/") == 0) {
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ok", 1);
		cJSON_AddNumberToObject(o, "seed", (double)seed_value);
		cJSON *m = cJSON_AddArrayToObject(o, "modules");
		for (i = 0; i < nmodules; i++)
			if (fake_module_enabled(modules[i]->name))
				cJSON_AddItemToArray(m,
				    cJSON_CreateString(modules[i]->name));
		fake_resp_json(w, 200, o);
		return;
	}
	if (strcmp(p, "/truth") == 0 && is_get) {
		const char *only = fake_query(r, "module");
		o = cJSON_CreateObject();
		for (i = 0; i < nmodules; i++) {
			const struct fake_module *m = modules[i];
			if (!fake_module_enabled(m->name) || !m->dump)
				continue;
			if (only && strcmp(only, m->name) != 0)
				continue;
			m->dump(cJSON_AddObjectToObject(o, m->name));
		}
		fake_resp_json(w, 200, o);
		return;
	}
	if (strcmp(p, "/faults") == 0) {
		if (!is_get) {
			const char *spec = fake_query(r, "spec");
			struct buf why = BUF_INIT;
			double rates[FAKE_FAULT_COUNT];
			const char *b;
			if (spec == NULL)
				spec = r->body;
			if (faults_parse(spec, rates, &why) != 0) {
				fake_resp_error(w, 400, buf_cstr(&why));
				buf_release(&why);
				return;
			}
			buf_release(&why);
			memcpy(fault_rate, rates, sizeof rates);
			if ((b = fake_query(r, "burst")) != NULL) {
				struct opt *op = opt_find("fault-burst");
				free(op->value);
				op->value = xstrdup(b);
			}
		}
		o = cJSON_CreateObject();
		faults_json(o);
		fake_resp_json(w, 200, o);
		return;
	}
	if (strcmp(p, "/fault") == 0 && !is_get) {
		const char *kind = fake_query(r, "kind");
		const char *count = fake_query(r, "count");
		const char *prefix = fake_query(r, "prefix");
		const char *method = fake_query(r, "method");
		enum fake_fault k = kind ? fault_by_name(kind, strlen(kind)) :
		    FAKE_FAULT_NONE;
		struct forced *f, **pp;
		if (k == FAKE_FAULT_NONE) {
			fake_resp_error(w, 400, "kind: unknown fault class");
			return;
		}
		f = xcalloc(1, sizeof *f);
		f->kind = k;
		f->count = count ? strtol(count, NULL, 10) : 1;
		if (f->count < 1)
			f->count = 1;
		f->prefix = prefix ? xstrdup(prefix) : NULL;
		f->method = method ? xstrdup(method) : NULL;
		for (pp = &forced_head; *pp; pp = &(*pp)->next)
			;
		*pp = f;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return;
	}
	if (strncmp(p, "/clock", 6) == 0) {
		struct buf t = BUF_INIT;
		const char *to;
		if (strcmp(p, "/clock/advance") == 0 && !is_get) {
			clock_advance(parse_ms_param(r));
		} else if (strcmp(p, "/clock/set") == 0 && !is_get &&
		    (to = fake_query(r, "to")) != NULL) {
			int64_t target;
			if (fake_parse_iso(to, &target) != 0) {
				fake_resp_error(w, 400, "to: bad timestamp");
				return;
			}
			if (target > fake_now_ms())
				clock_advance(target - fake_now_ms());
		} else if (strcmp(p, "/clock") != 0) {
			fake_resp_error(w, 404, "no such admin call");
			return;
		}
		o = cJSON_CreateObject();
		int64_t now = fake_now_ms();
		cJSON_AddNumberToObject(o, "now_ms", (double)now);
		fake_fmt_iso(&t, now);
		cJSON_AddStringToObject(o, "now", buf_cstr(&t));
		buf_release(&t);
		fake_resp_json(w, 200, o);
		return;
	}
	if (strcmp(p, "/stats") == 0) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "requests", (double)total_requests);
		faults_json(o);
		fake_resp_json(w, 200, o);
		return;
	}
	if (strcmp(p, "/reset") == 0 && !is_get) {
		struct buf why = BUF_INIT;
		modules_release();
		if (modules_init(&why) != 0) {
			fake_resp_error(w, 500, buf_cstr(&why));
			buf_release(&why);
			return;
		}
		buf_release(&why);
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return;
	}
	if (p[0] == '/') {
		const char *name = p + 1;
		const char *slash = strchr(name, '/');
		size_t n = slash ? (size_t)(slash - name) : strlen(name);
		const struct fake_module *m = module_find(name, n);
		if (m && m->admin && m->admin(name + n, r, w) == 0)
			return;
	}
	fake_resp_error(w, 404, "no such admin call");
}

/* ---- HTTP ---- */

struct conn {
	int fd;
	struct buf in;
};

static int
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Read more bytes into c->in; 1 read, 0 closed, -1 error/stop/timeout. */
static int
conn_fill(struct conn *c, int idle_ms)
{
	char tmp[65536];
	int waited = 0;

	for (;;) {
		struct pollfd pfd = { c->fd, POLLIN, 0 };
		int k = poll(&pfd, 1, 200);
		if (k < 0 && errno != EINTR)
			return -1;
		if (k > 0)
			break;
		if (atomic_load(&stopping))
			return -1;
		waited += 200;
		if (waited >= idle_ms)
			return -1;
	}
	ssize_t n = recv(c->fd, tmp, sizeof tmp, 0);
	if (n < 0)
		return errno == EINTR ? 1 : -1;
	if (n == 0)
		return 0;
	if (c->in.len + (size_t)n > MAX_REQUEST)
		return -1;
	buf_add(&c->in, tmp, (size_t)n);
	return 1;
}

static void
kv_free(struct fake_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].name);
		free(kv[i].value);
	}
	free(kv);
}

static void
parse_query(const char *q, struct fake_kv **out, size_t *nout)
{
	size_t cap = 0, n = 0;
	struct fake_kv *kv = NULL;

	while (*q) {
		const char *amp = strchr(q, '&');
		const char *e = amp ? amp : q + strlen(q);
		const char *eq = memchr(q, '=', (size_t)(e - q));
		if (e > q) {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				kv = xrealloc(kv, cap * sizeof *kv);
			}
			kv[n].name = fake_urldecode(q, (size_t)((eq ? eq : e) - q), 1);
			kv[n].value = eq ? fake_urldecode(eq + 1,
			    (size_t)(e - eq - 1), 1) : xstrdup("");
			n++;
		}
		q = amp ? amp + 1 : e;
	}
	*out = kv;
	*nout = n;
}

/* Decode a chunked body starting at p; returns bytes consumed, 0 if more
 * input is needed, -1 if malformed. */
static long
dechunk(const char *p, size_t n, struct buf *out)
{
	size_t off = 0;

	buf_reset(out);
	for (;;) {
		const char *eol = memmem(p + off, n - off, "\r\n", 2);
		char *end;
		unsigned long sz;
		if (!eol)
			return 0;
		sz = strtoul(p + off, &end, 16);
		if (end == p + off)
			return -1;
		off = (size_t)(eol - p) + 2;
		if (sz == 0) {
			/* trailers until an empty line */
			for (;;) {
				const char *e2 = memmem(p + off, n - off,
				    "\r\n", 2);
				if (!e2)
					return 0;
				if (e2 == p + off)
					return (long)(off + 2);
				off = (size_t)(e2 - p) + 2;
			}
		}
		if (n - off < sz + 2)
			return 0;
		buf_add(out, p + off, sz);
		off += sz + 2;
	}
}

static const struct fake_module *
route(const char *path)
{
	const struct fake_module *best = NULL;
	size_t bestlen = 0, i;

	for (i = 0; i < nmodules; i++) {
		const char *const *pp;
		if (!fake_module_enabled(modules[i]->name))
			continue;
		for (pp = modules[i]->prefixes; pp && *pp; pp++) {
			size_t n = strlen(*pp);
			if (n > bestlen && strncmp(path, *pp, n) == 0) {
				best = modules[i];
				bestlen = n;
			}
		}
	}
	return best;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
peer_closed(int fd)
{
	struct pollfd pfd = { fd, POLLIN | POLLRDHUP, 0 };
	char ch;

	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))
		return 1;
	return recv(fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* A 200 whose chunked JSON body never ends, until the client hangs up. */
static void
endless(int fd)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "a\r\n{\"items\":[\r\n";
	struct buf chunk = BUF_INIT;
	int i;

	buf_printf(&chunk, "%x\r\n", 8 * 1024);
	for (i = 0; i < 1024; i++)
		buf_addstr(&chunk, "{\"n\":1},");
	buf_addstr(&chunk, "\r\n");
	if (send_all(fd, head, sizeof head - 1) == 0) {
		while (!atomic_load(&stopping)) {
			struct pollfd pfd = { fd, POLLOUT, 0 };
			int k = poll(&pfd, 1, 200);
			if (k < 0 && errno != EINTR)
				break;
			if (k <= 0)
				continue;
			if (pfd.revents & (POLLERR | POLLHUP))
				break;
			if (send_all(fd, chunk.data, chunk.len) != 0)
				break;
		}
	}
	buf_release(&chunk);
}

static void
send_reset(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

/* Serve one request already complete in c->in (head ends at head_end,
 * body decoded into body).  Returns 0 to keep the connection, -1 to close. */
static int
serve(struct conn *c, char *head, const struct buf *body, int want_close)
{
	struct fake_req r;
	struct fake_resp w;
	struct fake_kv *hdrs = NULL, *query = NULL;
	size_t nh = 0, capn = 0, nq = 0;
	char *line, *save = NULL, *method, *target, *version, *sp;
	char *path = NULL, *raw_path = NULL;
	const char *qs;
	const struct fake_module *m = NULL;
	enum fake_fault fault = FAKE_FAULT_NONE;
	struct buf out = BUF_INIT;
	int64_t t0 = real_ms();
	int keep = !want_close, rc = 0, is_head;

	memset(&r, 0, sizeof r);
	memset(&w, 0, sizeof w);
	w.status = 200;
	buf_init(&w.headers, 0);
	buf_init(&w.body, 0);

	line = strtok_r(head, "\r\n", &save);
	method = line;
	sp = line ? strchr(line, ' ') : NULL;
	if (!sp)
		return -1;
	*sp = '\0';
	target = sp + 1;
	sp = strchr(target, ' ');
	if (!sp)
		return -1;
	*sp = '\0';
	version = sp + 1;
	if (strcmp(version, "HTTP/1.0") == 0)
		keep = 0;
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		char *colon = strchr(line, ':');
		char *v;
		if (!colon)
			continue;
		*colon = '\0';
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vl = strlen(v);
		while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			v[--vl] = '\0';
		if (nh == capn) {
			capn = capn ? capn * 2 : 16;
			hdrs = xrealloc(hdrs, capn * sizeof *hdrs);
		}
		hdrs[nh].name = xstrdup(line);
		hdrs[nh].value = xstrdup(v);
		nh++;
	}
	qs = strchr(target, '?');
	raw_path = xstrndup(target, qs ? (size_t)(qs - target) : strlen(target));
	path = fake_urldecode(raw_path, strlen(raw_path), 0);
	parse_query(qs ? qs + 1 : "", &query, &nq);

	r.method = method;
	r.target = target;
	r.path = path;
	r.raw_path = raw_path;
	r.query_string = qs ? qs + 1 : "";
	r.query = query;
	r.nquery = nq;
	r.headers = hdrs;
	r.nheaders = nh;
	r.body = buf_cstr(body);
	r.body_len = body->len;
	r.base_url = base_url;
	r.seq = atomic_fetch_add(&req_seq, 1) + 1;
	{
		const char *conn_h = fake_header(&r, "Connection");
		if (conn_h && strcasecmp(conn_h, "close") == 0)
			keep = 0;
		if (conn_h && strcasecmp(conn_h, "keep-alive") == 0 &&
		    strcmp(version, "HTTP/1.0") == 0)
			keep = 1;
	}
	is_head = strcmp(method, "HEAD") == 0;

	if (strncmp(path, "/_admin", 7) == 0 &&
	    (path[7] == '\0' || path[7] == '/')) {
		pthread_mutex_lock(&big_lock);
		admin(&r, &w);
		pthread_mutex_unlock(&big_lock);
	} else {
		pthread_mutex_lock(&big_lock);
		total_requests++;
		m = route(path);
		if (m)
			fault = fault_decide(&r);
		if (fault == FAKE_FAULT_TRUNCATE && strcmp(method, "GET") != 0)
			fault = FAKE_FAULT_NONE;
		fault_counts[fault]++;
		pthread_mutex_unlock(&big_lock);

		if (fault == FAKE_FAULT_RESET) {
			send_reset(c->fd);
			log_request(&r, m->name, 0, fault, real_ms() - t0);
			rc = -1;
			goto done;
		}
		if (fault == FAKE_FAULT_HANG) {
			/* accept, read, never answer: until the client gives up */
			while (!atomic_load(&stopping) && !peer_closed(c->fd))
				sleep_ms(100);
			log_request(&r, m->name, 0, fault, real_ms() - t0);
			rc = -1;
			goto done;
		}
		if (fault == FAKE_FAULT_ENDLESS) {
			endless(c->fd);
			log_request(&r, m->name, 200, fault, real_ms() - t0);
			rc = -1;
			goto done;
		}
		if (fault == FAKE_FAULT_SLOW) {
			long ms = (long)fake_opt_int("slow-ms");
			while (ms > 0 && !atomic_load(&stopping)) {
				long step = ms > 100 ? 100 : ms;
				sleep_ms(step);
				ms -= step;
				if (peer_closed(c->fd))
					break;
			}
			if (peer_closed(c->fd) || atomic_load(&stopping)) {
				/* the client gave up: never apply the request */
				log_request(&r, m->name, 0, fault,
				    real_ms() - t0);
				rc = -1;
				goto done;
			}
		}
		pthread_mutex_lock(&big_lock);
		int handled = 0;
		if (m == NULL) {
			fake_resp_error(&w, 404, "no module serves this path");
			handled = 1;
		} else if (fault == FAKE_FAULT_429 || fault == FAKE_FAULT_500 ||
		    fault == FAKE_FAULT_503 || fault == FAKE_FAULT_401) {
			int how = m->fault ? m->fault(fault, &r, &w) : 1;
			if (how == 1)
				fault_render_generic(fault, &w);
			if (how >= 0)
				handled = 1;
			else
				fault = FAKE_FAULT_NONE;
		}
		if (!handled) {
			if (m->handle(&r, &w) != 0) {
				buf_reset(&w.headers);
				fake_resp_error(&w, 404, "not found");
			}
		}
		pthread_mutex_unlock(&big_lock);
	}

	if (w.close)
		keep = 0;
	buf_printf(&out, "HTTP/1.1 %d %s\r\n", w.status, reason(w.status));
	buf_add(&out, w.headers.data ? w.headers.data : "", w.headers.len);
	if (w.status != 204 && w.status != 304)
		buf_printf(&out, "Content-Length: %zu\r\n", w.body.len);
	if (fault == FAKE_FAULT_TRUNCATE || !keep)
		buf_addstr(&out, "Connection: close\r\n");
	buf_addstr(&out, "\r\n");
	if (!is_head && w.status != 204 && w.status != 304) {
		size_t n = w.body.len;
		if (fault == FAKE_FAULT_TRUNCATE)
			n = n / 2;
		buf_add(&out, w.body.data ? w.body.data : "", n);
	}
	/* logged before the answer goes out: a client (a test) that has its
	 * answer finds the request in the log */
	log_request(&r, m ? m->name : (strncmp(path, "/_admin", 7) == 0 ?
	    "_admin" : ""), w.status, fault, real_ms() - t0);
	if (send_all(c->fd, out.data, out.len) != 0)
		rc = -1;
	if (fault == FAKE_FAULT_TRUNCATE || !keep)
		rc = -1;
done:
	buf_release(&out);
	buf_release(&w.headers);
	buf_release(&w.body);
	kv_free(hdrs, nh);
	kv_free(query, nq);
	free(path);
	free(raw_path);
	return rc;
}

static void
bad_request(int fd, int status)
{
	struct buf out = BUF_INIT;
	const char *body = "{\"error\":\"bad request\"}";

	buf_printf(&out, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", status,
	    reason(status), strlen(body), body);
	send_all(fd, out.data, out.len);
	buf_release(&out);
}

static const char *
head_value(const char *head, size_t head_len, const char *name)
{
	size_t n = strlen(name);
	const char *p = head, *end = head + head_len;

	while (p < end) {
		const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':') {
			p += n + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
		p = eol + 2;
	}
	return NULL;
}

static void *
conn_main(void *arg)
{
	struct conn *c = arg;
	struct buf body = BUF_INIT;

	for (;;) {
		char *he;
		size_t head_len, need;
		const char *te, *cl, *ex;
		int chunked = 0, continued = 0, want_close = 0;
		long consumed;

		/* the head */
		while ((he = c->in.len ? memmem(c->in.data, c->in.len,
		    "\r\n\r\n", 4) : NULL) == NULL) {
			if (c->in.len > 65536) {
				bad_request(c->fd, 431 == 0 ? 400 : 400);
				goto out;
			}
			if (conn_fill(c, IDLE_TIMEOUT_MS) <= 0)
				goto out;
		}
		head_len = (size_t)(he - c->in.data) + 4;
		/* skip stray CRLFs between requests */
		if (head_len == 4) {
			memmove(c->in.data, c->in.data + 4, c->in.len - 4);
			buf_truncate(&c->in, c->in.len - 4);
			continue;
		}
		te = head_value(c->in.data, head_len, "Transfer-Encoding");
		cl = head_value(c->in.data, head_len, "Content-Length");
		ex = head_value(c->in.data, head_len, "Expect");
		if (te && strncasecmp(te, "chunked", 7) == 0)
			chunked = 1;
		need = cl && !chunked ? strtoull(cl, NULL, 10) : 0;
		if (need > MAX_REQUEST) {
			bad_request(c->fd, 413);
			goto out;
		}
		for (;;) {
			if (chunked) {
				consumed = dechunk(c->in.data + head_len,
				    c->in.len - head_len, &body);
				if (consumed < 0) {
					bad_request(c->fd, 400);
					goto out;
				}
				if (consumed > 0)
					break;
			} else if (c->in.len - head_len >= need) {
				buf_reset(&body);
				buf_add(&body, c->in.data + head_len, need);
				consumed = (long)need;
				break;
			}
			if (ex && strncasecmp(ex, "100-continue", 12) == 0 &&
			    !continued) {
				static const char cont[] =
				    "HTTP/1.1 100 Continue\r\n\r\n";
				continued = 1;
				if (send_all(c->fd, cont, sizeof cont - 1) != 0)
					goto out;
			}
			if (conn_fill(c, 30000) <= 0)
				goto out;
		}
		{
			char *head = xstrndup(c->in.data, head_len);
			size_t used = head_len + (size_t)consumed;
			memmove(c->in.data, c->in.data + used, c->in.len - used);
			buf_truncate(&c->in, c->in.len - used);
			if (atomic_load(&stopping))
				want_close = 1;
			int rc = serve(c, head, &body, want_close);
			free(head);
			if (rc != 0)
				goto out;
		}
	}
out:
	close(c->fd);
	buf_release(&c->in);
	buf_release(&body);
	free(c);
	atomic_fetch_sub(&active_conns, 1);
	return NULL;
}

/* ---- main ---- */

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&stopping, 1);
	if (stop_pipe[1] >= 0) {
		ssize_t k = write(stop_pipe[1], "x", 1);
		(void)k;
	}
}

static void
usage(FILE *fp)
{
	size_t i;

	fputs("usage: fake-api [--port N] [--port-file FILE] [--seed N] "
	    "[--faults SPEC]\n"
	    "                [--modules LIST] [--log FILE] [--OPTION VALUE]...\n"
	    "options (default in brackets):\n", fp);
	for (i = 0; i < nopts; i++)
		fprintf(fp, "  --%-20s %s [%s]\n", opts[i].name,
		    opts[i].help ? opts[i].help : "", opts[i].value);
}

static int
write_port_file(const char *file, int port)
{
	struct buf tmp = BUF_INIT;
	FILE *fp;
	int rc = -1;

	buf_printf(&tmp, "%s.tmp.%ld", file, (long)getpid());
	fp = fopen(buf_cstr(&tmp), "w");
	if (fp) {
		fprintf(fp, "%d\n", port);
		if (fclose(fp) == 0 && rename(buf_cstr(&tmp), file) == 0)
			rc = 0;
		else
			unlink(buf_cstr(&tmp));
	}
	buf_release(&tmp);
	return rc;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	socklen_t slen = sizeof sa;
	struct buf why = BUF_INIT;
	struct sigaction act;
	int lfd, one = 1, i, port;
	size_t k;
	const char *v;

	opt_add("port", "0", "TCP port on 127.0.0.1 (0: any free one)", NULL);
	opt_add("port-file", "", "write the port here once listening", NULL);
	opt_add("seed", "1", "seed of the data and of the faults", NULL);
	opt_add("faults", "", "fault rates: 429=0.05,500=0.05,503=,slow=,"
	    "reset=,truncate=,401=", NULL);
	opt_add("fault-burst", "3", "most faults in a row for one request "
	    "(0: no limit)", NULL);
	opt_add("retry-after", "1", "Retry-After seconds on 429 faults", NULL);
	opt_add("slow-ms", "1500", "delay of a slow fault, milliseconds", NULL);
	opt_add("modules", "all", "comma-separated modules to serve", NULL);
	opt_add("log", "", "append one JSON line per request here", NULL);
	opt_add("now", "real", "fake clock: 'real' or a frozen RFC 3339 time",
	    NULL);
	opt_add("epoch", "2026-06-01T00:00:00Z", "seeded data lies before "
	    "this time", NULL);
	for (k = 0; k < nmodules; k++) {
		const struct fake_option *o;
		for (o = modules[k]->options; o && o->name; o++)
			opt_add(o->name, o->def, o->help, modules[k]->name);
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		struct opt *o;
		const char *eq;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "fake-api: unexpected argument: %s\n", a);
			usage(stderr);
			return 64;
		}
		a += 2;
		eq = strchr(a, '=');
		{
			char *name = xstrndup(a, eq ? (size_t)(eq - a) : strlen(a));
			o = opt_find(name);
			free(name);
		}
		if (!o) {
			fprintf(stderr, "fake-api: unknown option: %s\n", argv[i]);
			usage(stderr);
			return 64;
		}
		if (!eq && i + 1 >= argc) {
			fprintf(stderr, "fake-api: %s needs a value\n", argv[i]);
			return 64;
		}
		free(o->value);
		o->value = xstrdup(eq ? eq + 1 : argv[++i]);
	}
	seed_value = strtoull(fake_opt("seed"), NULL, 10);
	if (faults_parse(fake_opt("faults"), fault_rate, &why) != 0) {
		fprintf(stderr, "fake-api: --faults: %s\n", buf_cstr(&why));
		return 64;
	}
	if (fake_parse_iso(fake_opt("epoch"), &epoch_ms) != 0) {
		fprintf(stderr, "fake-api: --epoch: bad timestamp\n");
		return 64;
	}
	v = fake_opt("now");
	if (strcmp(v, "real") != 0 && fake_parse_iso(v, &clock_frozen) != 0) {
		fprintf(stderr, "fake-api: --now: bad timestamp\n");
		return 64;
	}
	v = fake_opt("log");
	if (*v && (log_fp = fopen(v, "a")) == NULL) {
		fprintf(stderr, "fake-api: %s: %s\n", v, strerror(errno));
		return 74;
	}

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		perror("fake-api: socket");
		return 71;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)fake_opt_int("port"));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(lfd, 128) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &slen) != 0) {
		fprintf(stderr, "fake-api: bind: %s\n", strerror(errno));
		return 69;
	}
	port = ntohs(sa.sin_port);
	snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", port);

	pthread_mutex_lock(&big_lock);
	if (modules_init(&why) != 0) {
		fprintf(stderr, "fake-api: %s\n", buf_cstr(&why));
		return 70;
	}
	pthread_mutex_unlock(&big_lock);
	buf_release(&why);

	if (pipe2(stop_pipe, O_CLOEXEC) != 0) {
		perror("fake-api: pipe");
		return 71;
	}
	memset(&act, 0, sizeof act);
	act.sa_handler = on_signal;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	signal(SIGPIPE, SIG_IGN);

	v = fake_opt("port-file");
	if (*v && write_port_file(v, port) != 0) {
		fprintf(stderr, "fake-api: %s: %s\n", v, strerror(errno));
		return 74;
	}
	fprintf(stderr, "fake-api: listening on %s (seed %llu)\n", base_url,
	    (unsigned long long)seed_value);

	while (!atomic_load(&stopping)) {
		struct pollfd pfd[2] = { { lfd, POLLIN, 0 },
		    { stop_pipe[0], POLLIN, 0 } };
		pthread_t th;
		pthread_attr_t attr;
		struct conn *c;
		int fd;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c = xcalloc(1, sizeof *c);
		c->fd = fd;
		buf_init(&c->in, 0);
		atomic_fetch_add(&active_conns, 1);
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&th, &attr, conn_main, c) != 0) {
			close(fd);
			free(c);
			atomic_fetch_sub(&active_conns, 1);
		}
		pthread_attr_destroy(&attr);
	}
	close(lfd);
	/* let connection threads notice and finish (bounded) */
	for (i = 0; i < 100 && atomic_load(&active_conns) > 0; i++)
		sleep_ms(50);
	if (atomic_load(&active_conns) == 0) {
		pthread_mutex_lock(&big_lock);
		modules_release();
		pthread_mutex_unlock(&big_lock);
		free(occ_tab);
		while (forced_head) {
			struct forced *f = forced_head;
			forced_head = f->next;
			free(f->prefix);
			free(f->method);
			free(f);
		}
		for (k = 0; k < nopts; k++)
			free(opts[k].value);
	}
	if (log_fp)
		fclose(log_fp);
	fprintf(stderr, "fake-api: stopped\n");
	return 0;
}
