/*
 * export: write a stored table back out as a Singer stream (SCHEMA, then
 * one RECORD per row in primary-key order).  The query and the typing of
 * values live in lib/store.c (store_export).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "diag.h"
#include "schema.h"
#include "store.h"

#include "banned.h"

#ifndef SI_VERSION
#define SI_VERSION "0.1.0"
#endif

static const char usage_text[] =
	"usage: export [--db FILE] [--table] TABLE [--where-null COLUMN]"
	" [--since TIMESTAMP]\n"
	"              [--log-format text|json]\n";

enum { OPT_DB = 256, OPT_TABLE, OPT_NULL, OPT_SINCE, OPT_LOGFMT, OPT_VERSION };

static const struct option longopts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "where-null", required_argument, NULL, OPT_NULL },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "log-format", required_argument, NULL, OPT_LOGFMT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static int
emit(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	return fwrite(line, 1, len, stdout) == len ? 0 : EX_IOERR;
}

int
main(int argc, char **argv)
{
	struct store_export_opts xo = { 0 };
	struct store_opts so = { 0 };
	struct store *s;
	struct err e = ERR_INIT;
	const struct schema_table *t;
	const char *db = NULL, *table = NULL;
	int opt, rc, rc2;

	diag_init("export");
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB: db = optarg; break;
		case OPT_TABLE: table = optarg; break;
		case OPT_NULL: xo.where_null = optarg; break;
		case OPT_SINCE: xo.since = optarg; break;
		case OPT_LOGFMT:
			if (diag_set_format(optarg) != 0) {
				diag_error("bad --log-format: %s", optarg);
				return EX_USAGE;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			return diag_close_stdout();
		case OPT_VERSION:
			printf("export (salesintel) %s\n", SI_VERSION);
			return diag_close_stdout();
		default:
			fputs(usage_text, stderr);
			return EX_USAGE;
		}
	}
	if (!table && optind < argc)
		table = argv[optind++];
	db = config_get(db, "SALESINTEL_DB", NULL);
	if (!db || !table || optind != argc) {
		diag_error(!db ? "no database: give --db FILE" : !table ?
			"no table named" : "too many arguments");
		fputs(usage_text, stderr);
		return EX_USAGE;
	}
	if (!(t = schema_table_find(table))) {
		diag_error("unknown table %s", table);
		return EX_USAGE;
	}
	so.readonly = 1;
	if ((rc = store_open(&s, db, &so, &e)) != 0) {
		diag_error("%s", e.msg);
		err_release(&e);
		return rc;
	}
	rc = store_export(s, t, &xo, emit, NULL, &e);
	if (rc != 0 && e.msg)
		diag_error("%s", e.msg);
	else if (rc != 0)
		diag_error("write error");
	err_release(&e);
	store_close(s, NULL);
	rc2 = diag_close_stdout();
	return rc ? rc : rc2;
}
