#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "check_main.h"

static char path[256];

/* a file holding content with the given mode; its name in path */
static void
make_file(const char *content, mode_t mode)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, sizeof(path), "%s/si-config-XXXXXX", tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)),
	    (ssize_t)strlen(content));
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
setup(void)
{
	unsetenv("SI_TEST_SECRET");
	unsetenv("SI_TEST_SECRET_FILE");
	path[0] = '\0';
}

static void
teardown(void)
{
	if (path[0])
		unlink(path);
}

/* a flag beats the environment, which beats the default; empty env is unset */
START_TEST(config_get_precedence)
{
	unsetenv("SI_TEST_VAR");
	ck_assert_str_eq(config_get(NULL, "SI_TEST_VAR", "def"), "def");
	ck_assert_ptr_null(config_get(NULL, "SI_TEST_VAR", NULL));
	setenv("SI_TEST_VAR", "", 1);
	ck_assert_str_eq(config_get(NULL, "SI_TEST_VAR", "def"), "def");
	setenv("SI_TEST_VAR", "env", 1);
	ck_assert_str_eq(config_get(NULL, "SI_TEST_VAR", "def"), "env");
	ck_assert_str_eq(config_get("flag", "SI_TEST_VAR", "def"), "flag");
	ck_assert_str_eq(config_get("", "SI_TEST_VAR", "def"), "");
	ck_assert_str_eq(config_get(NULL, NULL, "def"), "def");
	unsetenv("SI_TEST_VAR");
}
END_TEST

/* a secret from the environment is returned and redacted from logs */
START_TEST(config_secret_from_env)
{
	struct err e = ERR_INIT;
	char *s, *scrubbed;

	setenv("SI_TEST_SECRET", "hunter2-env-value", 1);
	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), 0);
	ck_assert_str_eq(s, "hunter2-env-value");
	scrubbed = diag_scrub("token=hunter2-env-value end");
	ck_assert_str_eq(scrubbed, "token=[redacted] end");
	free(scrubbed);
	free(s);
}
END_TEST

/* a 0600 file is read, its trailing newlines stripped, and redacted */
START_TEST(config_secret_from_file)
{
	struct err e = ERR_INIT;
	char *s, *scrubbed;

	make_file("file-secret-42\r\n\n", 0600);
	setenv("SI_TEST_SECRET_FILE", path, 1);
	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), 0);
	ck_assert_str_eq(s, "file-secret-42");
	scrubbed = diag_scrub("x file-secret-42");
	ck_assert_str_eq(scrubbed, "x [redacted]");
	free(scrubbed);
	free(s);
	/* the variable itself wins over the file */
	setenv("SI_TEST_SECRET", "from-env-wins", 1);
	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), 0);
	ck_assert_str_eq(s, "from-env-wins");
	free(s);
}
END_TEST

/* a file readable by group or others is refused with EX_CONFIG */
START_TEST(config_secret_open_mode)
{
	struct err e = ERR_INIT;
	char *s = (char *)1;

	make_file("leaky-secret\n", 0640);
	setenv("SI_TEST_SECRET_FILE", path, 1);
	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), EX_CONFIG);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(e.msg, "SI_TEST_SECRET_FILE"));
	ck_assert_ptr_nonnull(strstr(e.msg, "group or others"));
	ck_assert_ptr_null(strstr(e.msg, "leaky-secret"));
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), EX_CONFIG);
	ck_assert_int_eq(chmod(path, 0400), 0);
	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), 0);
	ck_assert_str_eq(s, "leaky-secret");
	free(s);
	err_release(&e);
}
END_TEST

/* missing: 1 and NULL; missing file or empty file: EX_CONFIG */
START_TEST(config_secret_missing)
{
	struct err e = ERR_INIT;
	char *s = (char *)1;

	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), 1);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(e.code, 0);
	setenv("SI_TEST_SECRET_FILE", "/nonexistent/si/secret", 1);
	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot open"));
	make_file("\n", 0600);
	setenv("SI_TEST_SECRET_FILE", path, 1);
	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, "empty"));
	setenv("SI_TEST_SECRET_FILE", "/", 1);
	ck_assert_int_eq(config_secret("SI_TEST_SECRET", &s, &e), EX_CONFIG);
	err_release(&e);
}
END_TEST

/* sizes take K/M/G suffixes and refuse junk and overflow */
START_TEST(config_parse_size_forms)
{
	size_t v;

	ck_assert_int_eq(config_parse_size("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(config_parse_size("64M", &v), 0);
	ck_assert_uint_eq(v, 64u << 20);
	ck_assert_int_eq(config_parse_size("2KiB", &v), 0);
	ck_assert_uint_eq(v, 2048);
	ck_assert_int_eq(config_parse_size("1g", &v), 0);
	ck_assert_uint_eq(v, 1u << 30);
	ck_assert_int_eq(config_parse_size("12345", &v), 0);
	ck_assert_uint_eq(v, 12345);
	ck_assert_int_eq(config_parse_size("", &v), -1);
	ck_assert_int_eq(config_parse_size("-1", &v), -1);
	ck_assert_int_eq(config_parse_size("10X", &v), -1);
	ck_assert_int_eq(config_parse_size("10 M", &v), -1);
	ck_assert_int_eq(config_parse_size("99999999999999999999", &v), -1);
	ck_assert_int_eq(config_parse_size("99999999999999G", &v), -1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, config_get_precedence);
	tcase_add_test(tc, config_secret_from_env);
	tcase_add_test(tc, config_secret_from_file);
	tcase_add_test(tc, config_secret_open_mode);
	tcase_add_test(tc, config_secret_missing);
	tcase_add_test(tc, config_parse_size_forms);
	suite_add_tcase(s, tc);
	return s;
}
