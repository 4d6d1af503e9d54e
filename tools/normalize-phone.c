/*
 * normalize-phone: every phone number of a salesintel stream in E.164.
 * The parsing is lib/phone.c (libphonenumber's rules), the value policy
 * lib/phone_value.c, the loop lib/mapper.c; see normalize-phone(1).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "country.h"
#include "diag.h"
#include "mapper.h"
#include "phone.h"
#include "phone_value.h"
#include "regionmap.h"
#include "schema.h"
#include "banned.h"

static const char usage[] =
	"usage: normalize-phone [--region CC] [--ignore-country] [--db FILE]\n"
	"                       [-f FIELD]... [--keep-invalid] [--strict]\n"
	"                       [--max-line SIZE]\n"
	"                       [--log-format text|json] [-v] [-q] [FILE...]\n";

struct ctx {
	struct phone_value_opts opts;
	struct phone_value_counts counts;
	struct buf why, scratch;
	int use_country;                /* not --ignore-country */
	/* the record whose region was worked out last, and that region */
	const char *rfile;
	unsigned long rline;
	const char *rregion;
	int rby_account;
	unsigned long by_country;       /* values read in a record's country */
	unsigned long by_account;       /* in its account's country */
	/* accounts' regions: from --db, then from the sf_accounts records
	 * of the stream as they pass */
	struct regionmap *accounts;
};

/*
 * The region of a record's numbers: its country column (COL_COUNTRY, e.g.
 * sf_contacts.mailing_country) when it names a country the phone metadata
 * knows; else, for a record that belongs to an account (a contact: an
 * account_id member), the account's region when it is known (--db, or an
 * sf_accounts record earlier in the stream); else NULL (the default
 * region applies).  *by_account says which.
 */
static const char *
record_region(struct ctx *c, const struct mapper_value *v, int *by_account)
{
	const struct schema_table *t = v->table;
	const struct json *cv;
	size_t i;

	if (c->rfile == v->line->file && c->rline == v->line->lineno) {
		*by_account = c->rby_account;
		return c->rregion;
	}
	c->rfile = v->line->file;
	c->rline = v->line->lineno;
	c->rregion = NULL;
	c->rby_account = 0;
	for (i = 0; i < t->ncols && c->rregion == NULL; i++) {
		if (!(t->cols[i].flags & COL_COUNTRY))
			continue;
		cv = json_get(v->obj, t->cols[i].name);
		if (json_is_str(cv))
			c->rregion = regionmap_region_of(cv->s, cv->n);
	}
	if (c->rregion == NULL && strcmp(t->name, "sf_accounts") != 0 &&
	    json_is_str(cv = json_get(v->obj, "account_id")) &&
	    (c->rregion = regionmap_get(c->accounts, cv->s, cv->n)) != NULL)
		c->rby_account = 1;
	*by_account = c->rby_account;
	return c->rregion;
}

/* Every sf_accounts record passing notes its account's region, for the
 * contacts after it. */
static enum mapper_verdict
on_record(void *p, struct mapper_record *r)
{
	struct ctx *c = p;
	const struct json *id, *country;

	if (!c->use_country || r->table == NULL ||
	    strcmp(r->table->name, "sf_accounts") != 0)
		return MAPPER_KEEP;
	id = json_get(r->obj, "account_id");
	country = json_get(r->obj, "billing_country");
	/* a record without the column (a deletion) leaves what is known */
	if (!json_is_str(id) || country == NULL)
		return MAPPER_KEEP;
	regionmap_set(c->accounts, id->s, id->n, json_is_str(country) ?
		regionmap_region_of(country->s, country->n) : NULL);
	return MAPPER_KEEP;
}

/* Is the string or number v a valid number dialled from region? */
static int
valid_in(struct ctx *c, const struct json *v, const char *region)
{
	if (v->type != JSON_STRING && v->type != JSON_NUMBER)
		return 0;
	buf_reset(&c->scratch);
	return phone_normalize_n(v->s, v->n, region, &c->scratch, NULL) ==
		PHONE_OK;
}

static enum mapper_verdict
on_value(void *p, struct mapper_value *v)
{
	struct ctx *c = p;
	enum phone_status st;
	enum phone_value_outcome r;
	struct phone_value_opts o;
	int required;

	buf_reset(&c->why);
	/* a required column (a key) keeps a rejected value: null would make
	 * the row unloadable */
	required = v->col && (v->col->flags & COL_REQUIRED);
	o = c->opts;
	if (required)
		o.keep_invalid = 1;
	if (c->use_country && v->table && v->obj) {
		int by_account;
		const char *cc = record_region(c, v, &by_account);

		if (cc && by_account && valid_in(c, *v->slot, o.region)) {
			/* the account's country is a guess (a company has
			 * people abroad): a number valid as dialled from the
			 * default region stays read from there */
		} else if (cc) {
			o.region = cc;
			if (by_account)
				c->by_account++;
			else
				c->by_country++;
		}
	}
	r = phone_value_normalize(v->doc, *v->slot, &o, &c->counts, &st,
		&c->why);
	switch (r) {
	case PHONE_VALUE_SAME:
		return MAPPER_KEEP;
	case PHONE_VALUE_BAD_TYPE:
		buf_printf(v->why, "%s: a phone number must be a string, not %s",
			v->field, (*v->slot)->type == JSON_OBJECT ? "an object" :
			(*v->slot)->type == JSON_ARRAY ? "an array" : "a boolean");
		return MAPPER_BAD;
	case PHONE_VALUE_REJECTED:
		/* a warning (-q hides it), in the form of a bad-input line */
		if (diag_enabled(DIAG_WARN))
			diag_input(v->line->file, v->line->lineno, "%s: %s, %s",
				v->field, buf_cstr(&c->why), o.keep_invalid ? (required ?
				"kept as sent (required column)" : "kept as sent") :
				"set to null");
		return o.keep_invalid ? MAPPER_KEEP : MAPPER_CHANGED;
	case PHONE_VALUE_EMPTY:
	case PHONE_VALUE_SET:
	case PHONE_VALUE_ARRAY:
		break;
	}
	return MAPPER_CHANGED;
}

static int
on_end(void *p, struct stream *st)
{
	struct ctx *c = p;

	(void)st;
	if (c->counts.rejected)
		diag_warn("%lu %s", c->counts.rejected, c->counts.rejected == 1 ?
			"value was not a valid phone number" :
			"values were not valid phone numbers");
	if (c->by_country)
		diag_debug("%lu value%s read in their record's country",
			c->by_country, c->by_country == 1 ? "" : "s");
	if (c->by_account)
		diag_debug("%lu value%s read in their account's country",
			c->by_account, c->by_account == 1 ? "" : "s");
	if (c->counts.extensions)
		diag_info("%lu extension%s dropped (E.164 has none)",
			c->counts.extensions, c->counts.extensions == 1 ? "" : "s");
	return 0;
}

/* "gb" -> "GB" in out; 0 when it names a region (or "ZZ": none). */
static int
region_check(const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[i] = '\0';
	if (s[i])
		return -1;
	if (strcmp(out, "ZZ") == 0 || phone_country_code_for_region(out) != 0)
		return 0;
	return -1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "field", required_argument, NULL, 'f' },
		{ "keep-invalid", no_argument, NULL, 'k' },
		{ "ignore-country", no_argument, NULL, 'C' },
		{ "db", required_argument, NULL, 'D' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const struct cli_tool tool = { "normalize-phone", usage };
	struct cli_common cc = CLI_COMMON_INIT;
	struct mapper_opts mo;
	struct ctx c;
	const char **fields;
	const char *region_flag = NULL, *region, *db = NULL;
	char region_buf[8];
	size_t nfields = 0;
	int opt, rc;

	diag_init(argv[0]);
	memset(&mo, 0, sizeof(mo));
	memset(&c, 0, sizeof(c));
	fields = xcalloc((size_t)argc + 1, sizeof(*fields));
	while ((opt = getopt_long(argc, argv, "f:" CLI_COMMON_SHORTOPTS,
			longopts, NULL)) != -1) {
		switch (opt) {
		case 'r': region_flag = optarg; break;
		case 'f': fields[nfields++] = optarg; break;
		case 'k': c.opts.keep_invalid = 1; break;
		case 'C': c.use_country = -1; break;
		case 'D': db = optarg; break;
		case CLI_OPT_VERSION:
			printf("normalize-phone (salesintel) %s, libphonenumber metadata %s\n",
				SI_VERSION, phone_metadata_version());
			free(fields);
			return diag_close_stdout();
		default:
			if ((rc = cli_common(&cc, &tool, opt, optarg)) != CLI_CONTINUE) {
				free(fields);
				return rc;
			}
		}
	}
	region = config_get(region_flag, "SALESINTEL_PHONE_REGION", "US");
	if (region_check(region, region_buf, sizeof(region_buf)) < 0) {
		free(fields);
		if (region_flag)
			return cli_usage_error(&tool, "unknown region %s", region);
		diag_error("unknown region %s (from SALESINTEL_PHONE_REGION)", region);
		return EX_CONFIG;
	}
	c.opts.region = region_buf;
	c.use_country = c.use_country == 0;
	c.accounts = regionmap_new();
	if (db != NULL && c.use_country) {
		struct err e = ERR_INIT;

		if ((rc = regionmap_load_db(c.accounts, db, &e)) != 0) {
			diag_error("%s", e.msg);
			err_release(&e);
			regionmap_free(c.accounts);
			free(fields);
			return rc;
		}
		diag_debug("%s: %zu accounts with a country", db,
			regionmap_count(c.accounts));
	}
	buf_init(&c.why, 0);
	buf_init(&c.scratch, 0);
	mo.stream.files = (const char *const *)(argv + optind);
	mo.stream.nfiles = (size_t)(argc - optind);
	mo.stream.strict = cc.strict;
	mo.stream.max_line = cc.max_line;
	mo.stream.on_end = on_end;
	mo.fields = fields;
	mo.nfields = nfields;
	mo.col_flags = COL_PHONE;
	mo.each_element = 1;
	mo.value_fn = on_value;
	mo.record_fn = on_record;
	mo.ctx = &c;
	rc = mapper_run(&mo);
	buf_release(&c.why);
	buf_release(&c.scratch);
	regionmap_free(c.accounts);
	free(fields);
	{
		int rc2 = diag_close_stdout();

		if (rc == 0)
			rc = rc2;
	}
	return rc;
}
