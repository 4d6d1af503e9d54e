/*
 * cli.h: the options every tool has, handled in one place (owner: core).
 *
 *   -h, --help            usage (the man page SYNOPSIS) on stdout, exit 0
 *   --version             "TOOL (salesintel) VERSION" on stdout, exit 0
 *   --log-format=FORMAT   text (default) or json diagnostics
 *   -v, --verbose         debug diagnostics too (the count is kept)
 *   -q, --quiet           errors only
 *   --strict              stop at the first bad line (stream tools)
 *   --max-line=SIZE       longest input line, e.g. 64M (stream tools)
 *
 * Use in main():
 *	static const struct option longopts[] = {
 *		{ "field", required_argument, NULL, 'f' },
 *		CLI_COMMON_LONGOPTS,
 *		{ NULL, 0, NULL, 0 }
 *	};
 *	struct cli_common c = CLI_COMMON_INIT;
 *	diag_init(argv[0]);
 *	while ((opt = getopt_long(argc, argv, "f:" CLI_COMMON_SHORTOPTS,
 *	    longopts, NULL)) != -1) {
 *		switch (opt) {
 *		case 'f': ...; break;
 *		default:
 *			if ((rc = cli_common(&c, &tool, opt, optarg)) != CLI_CONTINUE)
 *				return rc;
 *		}
 *	}
 *
 * This is tool-side glue: it prints the usage and version (that is its
 * job), but it never exits; it returns what main() should return.
 */
#ifndef SI_CLI_H
#define SI_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

enum {
	CLI_OPT_VERSION = 0x1000,
	CLI_OPT_LOG_FORMAT,
	CLI_OPT_STRICT,
	CLI_OPT_MAX_LINE
};

#define CLI_COMMON_SHORTOPTS "hvq"
#define CLI_COMMON_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, CLI_OPT_VERSION }, \
	{ "log-format", required_argument, NULL, CLI_OPT_LOG_FORMAT }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "strict", no_argument, NULL, CLI_OPT_STRICT }, \
	{ "max-line", required_argument, NULL, CLI_OPT_MAX_LINE }

struct cli_tool {
	const char *name;       /* "normalize-email" */
	const char *usage;      /* "usage: normalize-email [-f FIELD]... ...\n" */
};

struct cli_common {
	int strict;
	size_t max_line;        /* 0: the default (64 MiB) */
	int verbose;            /* -v count; -1 after -q */
};
#define CLI_COMMON_INIT { 0, 0, 0 }

/* cli_common's "handled, go on parsing" */
#define CLI_CONTINUE (-1)

/*
 * Handle a getopt_long result opt (with its optarg) that the tool did not
 * handle itself.  Returns CLI_CONTINUE, or the exit code main() returns
 * now: 0 after --help/--version, EX_USAGE after an unknown option or a bad
 * value (with a message and the usage on stderr).
 */
int cli_common(struct cli_common *c, const struct cli_tool *t, int opt,
    const char *arg);
/* Print "tool: message" and the usage on stderr; returns EX_USAGE. */
int cli_usage_error(const struct cli_tool *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The pulls' output sink: write n bytes of data to stdout, flushing when
 * flush is set (a commit point).  0, or EX_IOERR on a write error.
 */
int cli_emit_stdout(void *ctx, const char *data, size_t n, int flush);

#endif
