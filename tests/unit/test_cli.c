#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "check_main.h"

static const struct cli_tool tool = {
	"frob", "usage: frob [--strict] [FILE...]\n"
};

/* common options set their fields and let parsing go on */
START_TEST(cli_common_sets)
{
	struct cli_common c = CLI_COMMON_INIT;

	ck_assert_int_eq(cli_common(&c, &tool, CLI_OPT_STRICT, NULL),
	    CLI_CONTINUE);
	ck_assert_int_eq(c.strict, 1);
	ck_assert_int_eq(cli_common(&c, &tool, CLI_OPT_MAX_LINE, "1M"),
	    CLI_CONTINUE);
	ck_assert_uint_eq(c.max_line, 1u << 20);
	ck_assert_int_eq(cli_common(&c, &tool, 'v', NULL), CLI_CONTINUE);
	ck_assert_int_eq(cli_common(&c, &tool, 'v', NULL), CLI_CONTINUE);
	ck_assert_int_eq(c.verbose, 2);
	ck_assert(diag_enabled(DIAG_DEBUG));
	ck_assert_int_eq(cli_common(&c, &tool, 'q', NULL), CLI_CONTINUE);
	ck_assert(!diag_enabled(DIAG_WARN));
	ck_assert_int_eq(cli_common(&c, &tool, CLI_OPT_LOG_FORMAT, "json"),
	    CLI_CONTINUE);
}
END_TEST

/* bad values and unknown options are usage errors (64) */
START_TEST(cli_common_usage_errors)
{
	struct cli_common c = CLI_COMMON_INIT;

	ck_assert_int_eq(cli_common(&c, &tool, CLI_OPT_MAX_LINE, "lots"),
	    EX_USAGE);
	ck_assert_int_eq(cli_common(&c, &tool, CLI_OPT_MAX_LINE, "0"),
	    EX_USAGE);
	ck_assert_int_eq(cli_common(&c, &tool, CLI_OPT_LOG_FORMAT, "xml"),
	    EX_USAGE);
	ck_assert_int_eq(cli_common(&c, &tool, '?', NULL), EX_USAGE);
	ck_assert_int_eq(cli_usage_error(&tool, "missing %s", "FILE"),
	    EX_USAGE);
}
END_TEST

/* --help and --version print on stdout and end with 0 */
START_TEST(cli_common_help_version)
{
	struct cli_common c = CLI_COMMON_INIT;
	char line[128];
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(dup2(fileno(f), fileno(stdout)), fileno(stdout));
	ck_assert_int_eq(cli_common(&c, &tool, 'h', NULL), 0);
	ck_assert_int_eq(cli_common(&c, &tool, CLI_OPT_VERSION, NULL), 0);
	fflush(stdout);
	rewind(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, tool.usage);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_int_eq(strncmp(line, "frob (salesintel) ", 18), 0);
	fclose(f);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_test(tc, cli_common_sets);
	tcase_add_test(tc, cli_common_usage_errors);
	tcase_add_test(tc, cli_common_help_version);
	suite_add_tcase(s, tc);
	return s;
}
