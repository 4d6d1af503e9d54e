#include "cli.h"

#include <stdarg.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "banned.h"

#ifndef SI_VERSION
#define SI_VERSION "0"
#endif

int
cli_usage_error(const struct cli_tool *t, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_error("%s", buf_cstr(&b));
	buf_release(&b);
	fputs(t->usage, stderr);
	return EX_USAGE;
}

int
cli_common(struct cli_common *c, const struct cli_tool *t, int opt,
    const char *arg)
{
	switch (opt) {
	case 'h':
		fputs(t->usage, stdout);
		return diag_close_stdout();
	case CLI_OPT_VERSION:
		printf("%s (salesintel) %s\n", t->name, SI_VERSION);
		return diag_close_stdout();
	case CLI_OPT_LOG_FORMAT:
		if (diag_set_format(arg) < 0)
			return cli_usage_error(t, "--log-format: expected text "
			    "or json, not \"%s\"", arg);
		return CLI_CONTINUE;
	case 'v':
		if (c->verbose < 0)
			c->verbose = 0;
		c->verbose++;
		diag_set_level(DIAG_DEBUG);
		return CLI_CONTINUE;
	case 'q':
		c->verbose = -1;
		diag_set_level(DIAG_ERROR);
		return CLI_CONTINUE;
	case CLI_OPT_STRICT:
		c->strict = 1;
		return CLI_CONTINUE;
	case CLI_OPT_MAX_LINE:
		if (config_parse_size(arg, &c->max_line) < 0 || c->max_line == 0)
			return cli_usage_error(t, "--max-line: expected a size "
			    "such as 64M, not \"%s\"", arg);
		return CLI_CONTINUE;
	default:
		/* getopt has already said what was wrong */
		fputs(t->usage, stderr);
		return EX_USAGE;
	}
}

int
cli_emit_stdout(void *ctx, const char *data, size_t n, int flush)
{
	(void)ctx;
	if (n && fwrite(data, 1, n, stdout) != n)
		return EX_IOERR;
	if (flush && fflush(stdout) != 0)
		return EX_IOERR;
	return 0;
}
