#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "freemail.h"
#include "check_main.h"

/* the built-in list holds the big providers and at least 1,000 domains */
START_TEST(freemail_new_default_big_providers)
{
	struct freemail *fm = freemail_new_default();
	const char *must[] = { "gmail.com", "googlemail.com", "yahoo.com",
		"outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com",
		"aol.com", "protonmail.com", "gmx.de", "mail.ru", "yandex.ru",
		"qq.com", "163.com" };
	size_t i;

	ck_assert_uint_ge(freemail_count(fm), 1000);
	for (i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		ck_assert_msg(freemail_contains(fm, must[i]), "%s missing", must[i]);
	ck_assert(!freemail_contains(fm, "globex.co.uk"));
	ck_assert(!freemail_contains(fm, "salesforce.com"));
	ck_assert(!freemail_contains(fm, "com"));
	freemail_free(fm);
}
END_TEST

/* covers: a subdomain of a free-mail domain is free mail; a TLD is not */
START_TEST(freemail_covers_parents)
{
	struct freemail *fm = freemail_new_default();

	ck_assert(freemail_covers(fm, "gmail.com"));
	ck_assert(freemail_covers(fm, "us.mail.yahoo.com"));
	ck_assert(!freemail_covers(fm, "gmail.com.evil.org"));
	ck_assert(!freemail_covers(fm, "globex.com"));
	ck_assert(!freemail_covers(fm, ""));
	freemail_free(fm);
}
END_TEST

/* add takes any spelling and stores the canonical one; invalid refused */
START_TEST(freemail_add_canonical)
{
	struct freemail *fm = freemail_new();
	int i;
	char name[32];

	ck_assert_int_eq(freemail_add(fm, " Mail.Example.ORG. ", 19), 0);
	ck_assert(freemail_contains(fm, "mail.example.org"));
	ck_assert_int_eq(freemail_add(fm, "bücher.de", strlen("bücher.de")), 0);
	ck_assert(freemail_contains(fm, "xn--bcher-kva.de"));
	ck_assert_int_eq(freemail_add(fm, "not a domain", 12), -1);
	ck_assert_int_eq(freemail_add(fm, "mail.example.org", 16), 0);
	ck_assert_uint_eq(freemail_count(fm), 2);
	/* growth past the first table */
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "d%d.example.net", i);
		ck_assert_int_eq(freemail_add(fm, name, strlen(name)), 0);
	}
	ck_assert_uint_eq(freemail_count(fm), 5002);
	ck_assert(freemail_contains(fm, "d4999.example.net"));
	ck_assert(freemail_contains(fm, "d0.example.net"));
	ck_assert(!freemail_contains(fm, "d5000.example.net"));
	freemail_free(fm);
}
END_TEST

/* remove takes a domain out; adding it back works */
START_TEST(freemail_remove_and_readd)
{
	struct freemail *fm = freemail_new_default();
	size_t n = freemail_count(fm);

	ck_assert_int_eq(freemail_remove(fm, "gmail.com", 9), 0);
	ck_assert(!freemail_contains(fm, "gmail.com"));
	ck_assert(freemail_contains(fm, "yahoo.com"));
	ck_assert_uint_eq(freemail_count(fm), n - 1);
	ck_assert_int_eq(freemail_add(fm, "gmail.com", 9), 0);
	ck_assert(freemail_contains(fm, "gmail.com"));
	ck_assert_uint_eq(freemail_count(fm), n);
	freemail_free(fm);
}
END_TEST

static char *
write_tmp(const char *text)
{
	char *path = strdup("/tmp/freemail-test.XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

/* a user file: comments, blanks, removals, CRLF */
START_TEST(freemail_load_user_file)
{
	struct freemail *fm = freemail_new_default();
	struct err e = ERR_INIT;
	char *path = write_tmp("# mine\n\nmail.globex-staff.com\r\n"
		"  Other.Example  # trailing comment\n!gmx.de\n");

	ck_assert_int_eq(freemail_load(fm, path, &e), 0);
	ck_assert(freemail_contains(fm, "mail.globex-staff.com"));
	ck_assert(freemail_contains(fm, "other.example"));
	ck_assert(!freemail_contains(fm, "gmx.de"));
	unlink(path);
	free(path);
	freemail_free(fm);
}
END_TEST

/* a bad line or a missing file is a configuration error naming the place */
START_TEST(freemail_load_errors)
{
	struct freemail *fm = freemail_new();
	struct err e = ERR_INIT;
	char *path = write_tmp("good.example.com\nnot a domain\nlater.example.com\n");

	ck_assert_int_eq(freemail_load(fm, path, &e), EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, ":2: not a domain"));
	ck_assert(freemail_contains(fm, "good.example.com"));
	ck_assert(!freemail_contains(fm, "later.example.com"));
	err_release(&e);
	ck_assert_int_eq(freemail_load(fm, "/nonexistent/freemail.txt", &e), EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent/freemail.txt"));
	err_release(&e);
	unlink(path);
	free(path);
	freemail_free(fm);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("freemail");
	TCase *tc = tcase_create("freemail");

	tcase_add_test(tc, freemail_new_default_big_providers);
	tcase_add_test(tc, freemail_covers_parents);
	tcase_add_test(tc, freemail_add_canonical);
	tcase_add_test(tc, freemail_remove_and_readd);
	tcase_add_test(tc, freemail_load_user_file);
	tcase_add_test(tc, freemail_load_errors);
	suite_add_tcase(s, tc);
	return s;
}
