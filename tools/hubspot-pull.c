/*
 * hubspot-pull: HubSpot sequences as Singer messages (hubspot_sequences,
 * etl_runs); the work is in lib/hubspot.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "hubspot.h"
#include "json.h"
#include "state.h"
#include "banned.h"

static const char usage[] =
	"usage: hubspot-pull [--user-id ID]... [--state FILE | --state-db DB]\n"
	"                    [--base-url URL] [--sequences-path PATH]\n"
	"                    [--requests-per-second N] [--no-details]\n"
	"                    [--log-format text|json] [-v]\n";

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user-id", required_argument, NULL, 'u' },
		{ "state", required_argument, NULL, 'S' },
		{ "state-db", required_argument, NULL, 'D' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "sequences-path", required_argument, NULL, 'p' },
		{ "requests-per-second", required_argument, NULL, 'r' },
		{ "no-details", no_argument, NULL, 'N' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct hubspot_opts o;
	struct hubspot_stats st;
	struct err e = ERR_INIT;
	struct json_doc doc;
	struct json *state = NULL;
	const char *state_file = NULL, *state_db = NULL;
	const char **users = NULL;
	size_t nusers = 0;
	char *token = NULL, *end;
	int opt, rc, cl;

	diag_init(argv[0]);
	memset(&o, 0, sizeof(o));
	o.details = 1;
	users = xcalloc((size_t)argc + 1, sizeof(*users));
	while ((opt = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			if (!*optarg || strspn(optarg, "0123456789") != strlen(optarg))
				goto bad;
			users[nusers++] = optarg;
			break;
		case 'S': state_file = optarg; break;
		case 'D': state_db = optarg; break;
		case 'b': o.base_url = optarg; break;
		case 'p':
			if (optarg[0] != '/' || strpbrk(optarg, "?#"))
				goto bad;
			o.sequences_path = optarg;
			break;
		case 'r':
			o.per_second = strtod(optarg, &end);
			if (!*optarg || *end || !(o.per_second > 0))
				goto bad;
			break;
		case 'N': o.details = 0; break;
		case 'L': if (diag_set_format(optarg) < 0) goto bad; break;
		case 'v': diag_set_level(DIAG_DEBUG); break;
		case 'h': fputs(usage, stdout); free(users); return 0;
		case 'V': puts("hubspot-pull (salesintel) " SI_VERSION); free(users); return 0;
		default: goto bad;
		}
	}
	if (optind != argc || (state_file && state_db))
		goto bad;
	o.user_ids = nusers ? users : NULL;
	o.base_url = config_get(o.base_url, "HUBSPOT_BASE_URL", HUBSPOT_BASE_URL);
	o.sequences_path = config_get(o.sequences_path, "HUBSPOT_SEQUENCES_PATH", NULL);
	rc = config_secret("HUBSPOT_TOKEN", &token, &e);
	if (rc == 1) {
		diag_error("HUBSPOT_TOKEN (or HUBSPOT_TOKEN_FILE) is not set");
		free(users);
		return EX_CONFIG;
	}
	if (rc) {
		diag_error("%s", e.msg);
		err_release(&e);
		free(users);
		return rc;
	}
	o.token = token;
	json_doc_init(&doc);
	if (state_file)
		rc = state_read_file(state_file, &doc, &state, &e);
	else if (state_db)
		rc = state_read_db(state_db, &doc, &state, &e);
	if (rc) {
		diag_error("%s", e.msg);
		goto out;
	}
	o.state = state;
	o.emit = cli_emit_stdout;
	rc = hubspot_pull(&o, &st, &e);
	if (rc)
		diag_error("%s", e.msg ? e.msg : "failed");
	if (st.users_skipped)
		diag_warn("%zu users of the account skipped: HubSpot refused to "
		    "list their sequences (no sales seat?)", st.users_skipped);
	if (st.vanished)
		diag_warn("%zu sequences were deleted while being read",
		    st.vanished);
	diag_info("%zu sequences of %zu users in %zu requests", st.sequences,
	    st.users, st.requests);
out:
	err_release(&e);
	json_doc_release(&doc);
	free(token);
	free(users);
	cl = diag_close_stdout();
	return rc ? rc : cl;
bad:
	fputs(usage, stderr);
	free(users);
	return EX_USAGE;
}
