/*
 * gmail-pull: one Gmail mailbox as Singer messages (gmail_messages,
 * gmail_participants, etl_runs); the work is in lib/gmail.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "gmail.h"
#include "json.h"
#include "state.h"
#include "ts.h"
#include "banned.h"

static const char usage[] =
	"usage: gmail-pull --mailbox ADDRESS [--full] [--since DATE]\n"
	"                  [--state FILE | --state-db DB] [--quota UNITS_PER_MINUTE]\n"
	"                  [--quota-burst UNITS] [--key-file FILE] [--token-url URL]\n"
	"                  [--base-url URL] [--window-days N] [--batch-size N]\n"
	"                  [--max-body BYTES] [--log-format text|json] [-v]\n";

static int
number_arg(const char *s, double min, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || v < min)
		return -1;
	*out = v;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mailbox", required_argument, NULL, 'm' },
		{ "full", no_argument, NULL, 'F' },
		{ "since", required_argument, NULL, 's' },
		{ "state", required_argument, NULL, 'S' },
		{ "state-db", required_argument, NULL, 'D' },
		{ "quota", required_argument, NULL, 'q' },
		{ "quota-burst", required_argument, NULL, 'Q' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "token-url", required_argument, NULL, 'u' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "window-days", required_argument, NULL, 'w' },
		{ "batch-size", required_argument, NULL, 'n' },
		{ "max-body", required_argument, NULL, 'M' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct gmail_opts o;
	struct gmail_stats st;
	struct err e = ERR_INIT;
	struct json_doc doc;
	struct json *state = NULL;
	const char *state_file = NULL, *state_db = NULL, *since = NULL;
	double v;
	int opt, rc, cl;

	diag_init(argv[0]);
	memset(&o, 0, sizeof(o));
	o.since_ms = -1;
	while ((opt = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (opt) {
		case 'm': o.mailbox = optarg; break;
		case 'F': o.full = 1; break;
		case 's': since = optarg; break;
		case 'S': state_file = optarg; break;
		case 'D': state_db = optarg; break;
		case 'k': o.key_file = optarg; break;
		case 'u': o.token_url = optarg; break;
		case 'b': o.base_url = optarg; break;
		case 'q':
			if (number_arg(optarg, 0, &v))
				goto bad;
			o.quota_per_min = v > 0 ? v : -1;
			break;
		case 'Q':
			if (number_arg(optarg, 1, &v))
				goto bad;
			o.quota_burst = v;
			break;
		case 'w':
			if (number_arg(optarg, 1, &v))
				goto bad;
			o.window_ms = (int64_t)(v * 86400000.0);
			break;
		case 'n':
			if (number_arg(optarg, 1, &v) || v > 100)
				goto bad;
			o.batch_size = (int)v;
			break;
		case 'M': {
			size_t sz;

			if (config_parse_size(optarg, &sz) || sz == 0)
				goto bad;
			o.max_body = sz;
			break;
		}
		case 'L':
			if (diag_set_format(optarg) < 0)
				goto bad;
			break;
		case 'v': diag_set_level(DIAG_DEBUG); break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts("gmail-pull (salesintel) " SI_VERSION); return 0;
		default: goto bad;
		}
	}
	if (optind != argc || !o.mailbox || !*o.mailbox ||
	    (state_file && state_db))
		goto bad;
	if (since) {
		int64_t ms;

		if (ts_parse(since, strlen(since), &ms) != 0) {
			diag_error("--since: not a date: %s", since);
			return EX_USAGE;
		}
		o.since_ms = ms;
	}
	o.key_file = config_get(o.key_file, "GMAIL_KEY_FILE", NULL);
	o.token_url = config_get(o.token_url, "GMAIL_TOKEN_URL", NULL);
	o.base_url = config_get(o.base_url, "GMAIL_BASE_URL", GMAIL_BASE_URL);

	json_doc_init(&doc);
	rc = 0;
	if (state_file)
		rc = state_read_file(state_file, &doc, &state, &e);
	else if (state_db)
		rc = state_read_db(state_db, &doc, &state, &e);
	if (rc) {
		diag_error("%s", e.msg);
		json_doc_release(&doc);
		return rc;
	}
	if (state) {
		struct buf key = BUF_INIT;

		gmail_state_key(&key, o.mailbox);
		o.bookmark = state_bookmark(state, buf_cstr(&key));
		buf_release(&key);
	}
	o.emit = cli_emit_stdout;
	rc = gmail_pull(&o, &st, &e);
	if (rc)
		diag_error("%s", e.msg ? e.msg : "failed");
	diag_info("%s: %s sync: %zu messages, %zu participants, %zu deleted, "
	    "%zu gone, %llu quota units%s", o.mailbox, st.sync_type ?
	    st.sync_type : "no", st.messages, st.participants, st.deleted,
	    st.gone, (unsigned long long)st.units, st.fallback ?
	    " (history expired: full sync)" : "");
	err_release(&e);
	json_doc_release(&doc);
	cl = diag_close_stdout();
	return rc ? rc : cl;
bad:
	fputs(usage, stderr);
	return EX_USAGE;
}
