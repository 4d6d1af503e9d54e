/*
 * dialpad-pull: Dialpad calls and transcripts as Singer messages
 * (dialpad_calls, dialpad_transcripts, etl_runs); the work is in lib/dialpad.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "config.h"
#include "dialpad.h"
#include "diag.h"
#include "json.h"
#include "state.h"
#include "ts.h"
#include "banned.h"

static const char usage[] =
	"usage: dialpad-pull [--since DATE] [--full] [--state FILE | --state-db DB]\n"
	"                    [--window HOURS] [--lookback HOURS] [--base-url URL]\n"
	"                    [--requests-per-minute N] [--no-transcripts]\n"
	"                    [--via-stats]\n"
	"                    [--log-format text|json] [-v]\n";

static int
hours_arg(const char *s, int64_t *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v > 0) || v > 24 * 366)
		return -1;
	*ms = (int64_t)(v * 3600000.0);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "full", no_argument, NULL, 'F' },
		{ "state", required_argument, NULL, 'S' },
		{ "state-db", required_argument, NULL, 'D' },
		{ "window", required_argument, NULL, 'w' },
		{ "lookback", required_argument, NULL, 'l' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "requests-per-minute", required_argument, NULL, 'r' },
		{ "no-transcripts", no_argument, NULL, 'T' },
		{ "via-stats", no_argument, NULL, 'X' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct dialpad_opts o;
	struct dialpad_stats st;
	struct err e = ERR_INIT;
	struct json_doc doc;
	struct json *state = NULL;
	const char *state_file = NULL, *state_db = NULL, *since = NULL;
	char *key = NULL, *end;
	int opt, rc, cl;

	diag_init(argv[0]);
	memset(&o, 0, sizeof(o));
	o.since_ms = o.lookback_ms = o.settle_ms = o.now_ms = -1;
	o.transcripts = 1;
	while ((opt = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (opt) {
		case 's': since = optarg; break;
		case 'F': o.full = 1; break;
		case 'S': state_file = optarg; break;
		case 'D': state_db = optarg; break;
		case 'w': if (hours_arg(optarg, &o.window_ms)) goto bad; break;
		case 'l': if (hours_arg(optarg, &o.lookback_ms)) goto bad; break;
		case 'b': o.base_url = optarg; break;
		case 'r':
			o.per_minute = strtod(optarg, &end);
			if (!*optarg || *end || !(o.per_minute > 0))
				goto bad;
			break;
		case 'T': o.transcripts = 0; break;
		case 'X': o.via_stats = 1; break;
		case 'L': if (diag_set_format(optarg) < 0) goto bad; break;
		case 'v': diag_set_level(DIAG_DEBUG); break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts("dialpad-pull (salesintel) " SI_VERSION); return 0;
		default: goto bad;
		}
	}
	if (optind != argc || (state_file && state_db))
		goto bad;
	if (since) {
		if (ts_parse(since, strlen(since), &o.since_ms) != 0) {
			diag_error("--since: not a date: %s", since);
			return EX_USAGE;
		}
	}
	o.base_url = config_get(o.base_url, "DIALPAD_BASE_URL", DIALPAD_BASE_URL);
	rc = config_secret("DIALPAD_API_KEY", &key, &e);
	if (rc == 1) {
		diag_error("DIALPAD_API_KEY (or DIALPAD_API_KEY_FILE) is not set");
		return EX_CONFIG;
	}
	if (rc) {
		diag_error("%s", e.msg);
		err_release(&e);
		return rc;
	}
	o.api_key = key;
	json_doc_init(&doc);
	if (state_file)
		rc = state_read_file(state_file, &doc, &state, &e);
	else if (state_db)
		rc = state_read_db(state_db, &doc, &state, &e);
	if (rc) {
		diag_error("%s", e.msg);
		json_doc_release(&doc);
		free(key);
		return rc;
	}
	o.state = state;
	o.emit = cli_emit_stdout;
	rc = dialpad_pull(&o, &st, &e);
	if (rc)
		diag_error("%s", e.msg ? e.msg : "failed");
	diag_info("%zu calls, %zu with a transcript (%zu lines), %zu windows%s",
	    st.calls, st.transcripts, st.lines, st.windows,
	    st.skipped ? ", some items without a call_id skipped" : "");
	err_release(&e);
	json_doc_release(&doc);
	free(key);
	cl = diag_close_stdout();
	return rc ? rc : cl;
bad:
	fputs(usage, stderr);
	return EX_USAGE;
}
