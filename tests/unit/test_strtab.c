#include <stdio.h>
#include <string.h>

#include "strtab.h"
#include "check_main.h"

/* add keeps the first value, set replaces it, get tells absent from a
 * key without a value; keys may hold NUL and differ only after it */
START_TEST(strtab_add_set_get)
{
	struct strtab t = STRTAB_INIT;
	const char *v = "x";
	int had = -1;

	ck_assert_int_eq(strtab_get(&t, "a", 1, &v), 0);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(strtab_add(&t, "a", 1, "one"), 1);
	ck_assert_int_eq(strtab_add(&t, "a", 1, "two"), 0);
	ck_assert_int_eq(strtab_get(&t, "a", 1, &v), 1);
	ck_assert_str_eq(v, "one");
	strtab_set(&t, "a", 1, "three", &had);
	ck_assert_int_eq(had, 1);
	ck_assert_int_eq(strtab_get(&t, "a", 1, &v), 1);
	ck_assert_str_eq(v, "three");
	strtab_set(&t, "a", 1, NULL, &had);
	ck_assert_int_eq(had, 1);
	ck_assert_int_eq(strtab_get(&t, "a", 1, &v), 1);
	ck_assert_ptr_null(v);
	strtab_set(&t, "b", 1, "new", &had);
	ck_assert_int_eq(had, 0);
	ck_assert_int_eq(strtab_add(&t, "k\0x", 3, "nul-x"), 1);
	ck_assert_int_eq(strtab_add(&t, "k\0y", 3, "nul-y"), 1);
	ck_assert_int_eq(strtab_add(&t, "k", 1, NULL), 1);
	ck_assert_int_eq(strtab_get(&t, "k\0y", 3, &v), 1);
	ck_assert_str_eq(v, "nul-y");
	ck_assert_int_eq(strtab_get(&t, "k", 1, &v), 1);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(t.n, 5);
	strtab_release(&t);
	ck_assert_uint_eq(t.cap, 0);
}
END_TEST

/* many keys: every one found with its own value after the table grew */
START_TEST(strtab_grows)
{
	struct strtab t = STRTAB_INIT;
	char k[32], want[32];
	const char *v;
	int i;

	for (i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "id%d", i);
		snprintf(want, sizeof(want), "v%d", i * 7);
		ck_assert_int_eq(strtab_add(&t, k, strlen(k), want), 1);
	}
	ck_assert_uint_eq(t.n, 5000);
	ck_assert_uint_ge(t.cap, 10000);
	for (i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "id%d", i);
		snprintf(want, sizeof(want), "v%d", i * 7);
		ck_assert_int_eq(strtab_get(&t, k, strlen(k), &v), 1);
		ck_assert_str_eq(v, want);
	}
	ck_assert_int_eq(strtab_get(&t, "id5000", 6, &v), 0);
	strtab_release(&t);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("strtab");
	TCase *tc = tcase_create("strtab");

	tcase_add_test(tc, strtab_add_set_get);
	tcase_add_test(tc, strtab_grows);
	suite_add_tcase(s, tc);
	return s;
}
