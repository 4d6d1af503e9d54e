/*
 * sf-pull: Salesforce objects as Singer messages (the work is in lib/sf.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "http.h"
#include "json.h"
#include "oauth.h"
#include "ratelimit.h"
#include "sf.h"
#include "state.h"
#include "ts.h"
#include "banned.h"

static const char usage[] =
	"usage: sf-pull --object NAME|all [--full] [--state FILE | --state-db DB]\n"
	"               [--api-version vNN.N] [--bulk-threshold N] [--base-url URL]\n"
	"               [--lookback SECONDS] [--start-date TS] [--batch-size N]\n"
	"               [--max-api-share FRACTION] [--max-run-share FRACTION]\n"
	"               [--requests-per-minute N] [--no-deleted-sweep]\n"
	"               [--bulk-wait SECONDS] [--sandbox] [-v]\n"
	"               [--log-format FORMAT]\n";

static int
emit_stdout(const char *line, size_t n, void *ctx)
{
	(void)ctx;
	if (fwrite(line, 1, n, stdout) != n)
		return EX_IOERR;
	/* a STATE line closes what it covers: hand it on now */
	if (n > 16 && memcmp(line, "{\"type\":\"STATE\"", 15) == 0 && fflush(stdout) != 0)
		return EX_IOERR;
	return 0;
}

static void
warn_stderr(const char *msg, void *ctx)
{
	(void)ctx;
	diag_warn("%s", msg);
}

static void
debug_stderr(const char *msg, void *ctx)
{
	(void)ctx;
	diag_debug("%s", msg);
}

static int
parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Add NAME, a comma list, or "all" to the object list. */
static int
add_objects(const char *arg, const char **objs, size_t *n)
{
	const char *const *all = sf_all_objects();
	char *copy = xstrdup(arg), *p = copy, *tok;
	size_t i;

	while ((tok = strsep(&p, ",")) != NULL) {
		const char *name;

		if (!*tok)
			continue;
		if (strcasecmp(tok, "all") == 0) {
			for (i = 0; all[i] && *n < 16; i++)
				objs[(*n)++] = all[i];
			continue;
		}
		if (!(name = sf_object_name(tok))) {
			diag_error("unknown object %s (known: Account, Contact, Lead, "
			    "Opportunity, Task, Event, EmailMessage, all)", tok);
			free(copy);
			return -1;
		}
		if (*n < 16)
			objs[(*n)++] = name;
	}
	free(copy);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "object", required_argument, NULL, 'o' },
		{ "full", no_argument, NULL, 'f' },
		{ "state", required_argument, NULL, 's' },
		{ "state-db", required_argument, NULL, 'd' },
		{ "api-version", required_argument, NULL, 'a' },
		{ "bulk-threshold", required_argument, NULL, 'b' },
		{ "base-url", required_argument, NULL, 'u' },
		{ "login-url", required_argument, NULL, 'u' },
		{ "lookback", required_argument, NULL, 'l' },
		{ "start-date", required_argument, NULL, 'S' },
		{ "batch-size", required_argument, NULL, 'B' },
		{ "max-api-share", required_argument, NULL, 'm' },
		{ "max-run-share", required_argument, NULL, 'r' },
		{ "requests-per-minute", required_argument, NULL, 'R' },
		{ "no-deleted-sweep", no_argument, NULL, 'D' },
		{ "bulk-wait", required_argument, NULL, 'W' },
		{ "sandbox", no_argument, NULL, 'X' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *objs[16], *state_file = NULL, *state_db = NULL, *base = NULL;
	const char *start = NULL;
	size_t nobj = 0;
	struct sf_opts o;
	struct oauth_sf auth;
	struct http_client *c = NULL;
	struct json_doc sdoc;
	struct json *state = NULL;
	struct err e = ERR_INIT;
	/* Salesforce's transient answers besides 408/429/5xx: 406 with an
	 * empty body, 420 from its edge network (salesforce.md 7.2) */
	static const int retry_status[] = { 406, 420, 0 };
	struct http_opts ho;
	struct ratelimit rl;
	double d, rpm = 0;
	int opt, rc, sandbox = 0;

	diag_init(argv[0]);
	sf_opts_init(&o);
	while ((opt = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (add_objects(optarg, objs, &nobj))
				return EX_USAGE;
			break;
		case 'f': o.full = 1; break;
		case 's': state_file = optarg; break;
		case 'd': state_db = optarg; break;
		case 'a':
			if (optarg[0] != 'v' || parse_num(optarg + 1, 20, 999, &d)) {
				diag_error("--api-version: want vNN.N, like v62.0");
				return EX_USAGE;
			}
			o.api_version = optarg;
			break;
		case 'b':
			if (parse_num(optarg, -1, 1e12, &d)) {
				diag_error("--bulk-threshold: want a number of rows");
				return EX_USAGE;
			}
			o.bulk_threshold = (long)d;
			break;
		case 'u': base = optarg; break;
		case 'X': sandbox = 1; break;
		case 'l':
			if (parse_num(optarg, 0, 1e8, &d)) {
				diag_error("--lookback: want seconds");
				return EX_USAGE;
			}
			o.lookback_s = (long)d;
			break;
		case 'S': start = optarg; break;
		case 'B':
			if (parse_num(optarg, 200, 2000, &d)) {
				diag_error("--batch-size: want 200 to 2000");
				return EX_USAGE;
			}
			o.batch_size = (int)d;
			break;
		case 'm':
		case 'r':
			if (parse_num(optarg, 0, 1, &d)) {
				diag_error("--max-%s-share: want a fraction, 0 to 1",
				    opt == 'm' ? "api" : "run");
				return EX_USAGE;
			}
			if (opt == 'm')
				o.max_api_share = d;
			else
				o.max_run_share = d;
			break;
		case 'R':
			if (parse_num(optarg, 1, 1e9, &rpm)) {
				diag_error("--requests-per-minute: want a positive number");
				return EX_USAGE;
			}
			break;
		case 'D': o.deleted_sweep = 0; break;
		case 'W':
			if (parse_num(optarg, 1, 1e7, &d)) {
				diag_error("--bulk-wait: want seconds");
				return EX_USAGE;
			}
			o.bulk_wait_s = (long)d;
			break;
		case 'v': diag_set_level(DIAG_DEBUG); break;
		case 'L':
			if (diag_set_format(optarg) < 0) {
				fputs(usage, stderr);
				return EX_USAGE;
			}
			break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts("sf-pull (salesintel) " SI_VERSION); return 0;
		default: fputs(usage, stderr); return EX_USAGE;
		}
	}
	if (optind < argc || nobj == 0 || (state_file && state_db) || (sandbox && base)) {
		if (nobj == 0 && optind == argc)
			diag_error("--object is required");
		else if (state_file && state_db)
			diag_error("--state and --state-db exclude each other");
		else if (sandbox && base)
			diag_error("--sandbox and --login-url exclude each other");
		fputs(usage, stderr);
		return EX_USAGE;
	}
	if (start && ts_parse(start, strlen(start), &o.start_ms) != 0) {
		diag_error("--start-date: not a timestamp: %s", start);
		return EX_USAGE;
	}
	o.now_ms = ts_now_ms();
	o.emit = emit_stdout;
	o.warn = warn_stderr;
	o.debug = debug_stderr;

	json_doc_init(&sdoc);
	if (state_file)
		rc = state_read_file(state_file, &sdoc, &state, &e);
	else if (state_db)
		rc = state_read_db(state_db, &sdoc, &state, &e);
	else {
		rc = 0;
		state = json_parse(&sdoc, "{\"bookmarks\":{}}", 16, &e);
	}
	if (rc) {
		diag_error("%s", e.msg);
		goto failed;
	}
	/* --sandbox: the sandbox login host (salesforce.md 1.1) */
	if (sandbox)
		base = "https://test.salesforce.com";
	if ((rc = oauth_sf_from_env(&auth, config_get(base, "SF_BASE_URL", NULL), &e))) {
		diag_error("%s", e.msg);
		oauth_sf_release(&auth);
		goto failed;
	}
	memset(&ho, 0, sizeof(ho));
	ho.retry_status = retry_status;
	c = http_client_new(&ho);
	if (rpm > 0) {
		ratelimit_init(&rl, rpm, rpm / 60 > 1 ? rpm / 60 : 1);
		http_client_set_ratelimit(c, &rl);
	}
	http_client_set_refresh(c, oauth_sf_refresh, &auth);
	rc = oauth_sf_login(c, &auth, &e);
	if (auth.rotated_unsaved)
		diag_warn("the refresh token was rotated but came from SF_REFRESH_TOKEN: "
		    "use SF_REFRESH_TOKEN_FILE so the new one is saved, or the next "
		    "run cannot log in");
	if (rc == 0) {
		diag_debug("logged in; instance %s", auth.tok.instance_url);
		rc = sf_pull(c, &auth, objs, nobj, &sdoc, state, &o, &e);
		if (rc)
			diag_error("%s", e.msg ? e.msg : "failed");
		oauth_sf_release(&auth);
		goto out;
	}
	diag_error("%s", e.msg ? e.msg : "failed");
	oauth_sf_release(&auth);
failed:
	/* the run still ends with its etl_runs records */
	{
		struct err fe = ERR_INIT;

		sf_fail_runs(objs, nobj, &o, e.msg, rc, &fe);
		err_release(&fe);
	}
out:
	http_client_free(c);
	json_doc_release(&sdoc);
	err_release(&e);
	{
		int crc = diag_close_stdout();

		if (!rc)
			rc = crc;
	}
	return rc;
}
