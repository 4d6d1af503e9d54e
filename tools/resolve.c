/*
 * resolve: tie email addresses and phone numbers in a stream to Salesforce
 * contacts, leads and accounts.  The rules live in lib/resolve.c; this is
 * options, loading the reference data, and the loop.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "diag.h"
#include "json.h"
#include "resolve.h"
#include "resolve_load.h"
#include "mapper.h"

#include "banned.h"

#ifndef SI_VERSION
#define SI_VERSION "0.1.0"
#endif

static const char usage_text[] =
	"usage: resolve [--db FILE] [--contacts FILE] [--leads FILE]"
	" [--accounts FILE]\n"
	"               [--mappings FILE] [--internal-domain DOMAIN]..."
	" [--freemail FILE]...\n"
	"               [--region CC] [-f FIELD]... [--strict]"
	" [--max-line SIZE]\n"
	"               [--log-format text|json]"
	" [FILE...]\n";

enum {
	OPT_DB = 256, OPT_CONTACTS, OPT_LEADS, OPT_ACCOUNTS, OPT_MAPPINGS,
	OPT_INTERNAL, OPT_FREEMAIL, OPT_REGION, OPT_STRICT, OPT_MAXLINE, OPT_LOGFMT,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "contacts", required_argument, NULL, OPT_CONTACTS },
	{ "leads", required_argument, NULL, OPT_LEADS },
	{ "accounts", required_argument, NULL, OPT_ACCOUNTS },
	{ "mappings", required_argument, NULL, OPT_MAPPINGS },
	{ "internal-domain", required_argument, NULL, OPT_INTERNAL },
	{ "freemail", required_argument, NULL, OPT_FREEMAIL },
	{ "region", required_argument, NULL, OPT_REGION },
	{ "field", required_argument, NULL, 'f' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "max-line", required_argument, NULL, OPT_MAXLINE },
	{ "log-format", required_argument, NULL, OPT_LOGFMT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

struct ctx {
	struct resolve_index *ix;
	const char **fields;    /* -f: dotted paths for plain objects */
	size_t nfields;
	unsigned long resolved, matched;
	struct resolve_ahead ahead;
};

/* The stream's look-ahead: prefetch what a coming line will look up. */
static void
on_ahead(void *arg, const char *text, size_t len)
{
	struct ctx *c = arg;

	resolve_ahead(c->ix, &c->ahead, text, len);
}

/* The mapper hands over each RECORD of a known stream, and each plain
 * object with its -f fields. */
static enum mapper_verdict
on_record(void *arg, struct mapper_record *r)
{
	struct ctx *c = arg;
	struct resolve_match m;
	size_t i;

	if (r->stream != NULL) {
		if (resolve_record_text(c->ix, r->doc, r->stream, r->obj,
		    mapper_record_tail(r), &m) != 1)
			return MAPPER_KEEP;
		c->resolved++;
		c->matched += m.rule != NULL;
		return MAPPER_CHANGED;
	}
	/* a plain object: the first -f field that holds a value decides */
	for (i = 0; i < r->nfields; i++) {
		if (resolve_plain(c->ix, r->doc, r->obj, r->fields[i], &m) == 1) {
			c->resolved++;
			c->matched += m.rule != NULL;
			return MAPPER_CHANGED;
		}
	}
	return MAPPER_KEEP;
}

static int
load(struct resolve_index *ix, const char *db, const char *const files[4])
{
	struct err e = ERR_INIT;
	int rc = 0, k;

	if (db != NULL)
		rc = resolve_load_db(ix, db, &e);
	for (k = 0; rc == 0 && k < 4; k++)
		if (files[k] != NULL)
			rc = resolve_load_jsonl(ix, (enum resolve_kind)k,
				files[k], NULL, &e);
	if (rc != 0) {
		diag_error("%s", e.msg);
		err_release(&e);
		/* reference data that cannot be read is a configuration error
		 * unless it is malformed data */
		return rc == EX_DATAERR ? EX_DATAERR : rc == EX_NOINPUT ?
			EX_NOINPUT : EX_IOERR;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctx c = { 0 };
	struct mapper_opts mo = { 0 };
	struct stream_stats stats = { 0 };
	struct resolve_stats rs;
	struct err e = ERR_INIT;
	const char *db = NULL, *files[4] = { NULL, NULL, NULL, NULL };
	const char *region = NULL;
	const char **freemail, **internal;
	size_t nfree = 0, nint = 0, i;
	int opt, rc = 0;

	diag_init("resolve");
	freemail = xcalloc((size_t)argc + 1, sizeof(*freemail));
	internal = xcalloc((size_t)argc + 1, sizeof(*internal));
	c.fields = xcalloc((size_t)argc + 1, sizeof(*c.fields));
	while (rc == 0 &&
	       (opt = getopt_long(argc, argv, "hf:", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB: db = optarg; break;
		case OPT_CONTACTS: files[RESOLVE_CONTACTS] = optarg; break;
		case OPT_LEADS: files[RESOLVE_LEADS] = optarg; break;
		case OPT_ACCOUNTS: files[RESOLVE_ACCOUNTS] = optarg; break;
		case OPT_MAPPINGS: files[RESOLVE_MAPPINGS] = optarg; break;
		case OPT_INTERNAL: internal[nint++] = optarg; break;
		case OPT_FREEMAIL: freemail[nfree++] = optarg; break;
		case OPT_REGION: region = optarg; break;
		case 'f': c.fields[c.nfields++] = optarg; break;
		case OPT_STRICT: mo.stream.strict = 1; break;
		case OPT_MAXLINE:
			if (config_parse_size(optarg, &mo.stream.max_line) != 0) {
				diag_error("bad --max-line: %s", optarg);
				rc = EX_USAGE;
			}
			break;
		case OPT_LOGFMT:
			if (diag_set_format(optarg) != 0) {
				diag_error("bad --log-format: %s", optarg);
				rc = EX_USAGE;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			rc = -1;
			break;
		case OPT_VERSION:
			printf("resolve (salesintel) %s\n", SI_VERSION);
			rc = -1;
			break;
		default:
			fputs(usage_text, stderr);
			rc = EX_USAGE;
		}
	}
	if (rc != 0)
		goto done;
	db = config_get(db, "SALESINTEL_DB", NULL);
	/* without reference data (a BigQuery-only set-up) nothing matches,
	 * but is_internal is still worth setting: say so, and go on */
	if (db == NULL && files[0] == NULL && files[1] == NULL &&
	    files[2] == NULL && files[3] == NULL)
		diag_warn("no reference data (--db, --contacts, --leads, "
			"--accounts, --mappings): nothing will match");
	c.ix = resolve_index_new();
	region = config_get(region, "SALESINTEL_REGION", "US");
	if (resolve_index_set_region(c.ix, region) != 0) {
		diag_error("bad --region: %s (an ISO 3166 code, e.g. US, GB)",
			region);
		rc = EX_USAGE;
		goto done;
	}
	for (i = 0; i < nint && rc == 0; i++)
		if (resolve_index_add_internal_domain(c.ix, internal[i]) != 0) {
			diag_error("bad --internal-domain: %s", internal[i]);
			rc = EX_USAGE;
		}
	for (i = 0; i < nfree && rc == 0; i++)
		if (resolve_index_read_freemail(c.ix, freemail[i], &e) != 0) {
			diag_error("%s", e.msg);
			rc = EX_CONFIG;
		}
	if (rc == 0)
		rc = load(c.ix, db, files);
	if (rc != 0)
		goto done;
	resolve_index_finish(c.ix);
	resolve_index_stats(c.ix, &rs);
	diag_debug("index: %zu contacts, %zu leads, %zu accounts, %zu mappings,"
		" %zu free-mail domains, %zu internal domains", rs.contacts,
		rs.leads, rs.accounts, rs.mappings, rs.freemail, rs.internal);
	mo.stream.files = (const char *const *)(argv + optind);
	mo.stream.nfiles = (size_t)(argc - optind);
	mo.stream.stats = &stats;
	mo.stream.ahead = on_ahead;
	mo.stream.ahead_lines = RESOLVE_AHEAD_RING;
	mo.fields = c.fields;
	mo.nfields = c.nfields;
	mo.record_fn = on_record;
	mo.ctx = &c;
	rc = mapper_run(&mo);
	diag_debug("%lu lines, %lu resolved, %lu matched", stats.lines,
		c.resolved, c.matched);
done:
	resolve_index_free(c.ix);
	err_release(&e);
	free(freemail);
	free(internal);
	free(c.fields);
	if (rc == -1) /* --help, --version */
		return diag_close_stdout();
	if (diag_close_stdout() != 0 && rc == 0)
		rc = EX_IOERR;
	return rc;
}
