#include <string.h>

#include "country.h"
#include "check_main.h"

static const char *
region(const char *s)
{
	return country_region(s, strlen(s));
}

/* the spellings CRM data holds */
START_TEST(country_spellings)
{
	static const char *const cases[][2] = {
		{ "United Kingdom", "GB" }, { "UK", "GB" }, { "u.k.", "GB" },
		{ "GB", "GB" }, { "gbr", "GB" }, { "England", "GB" },
		{ "  great   britain ", "GB" },
		{ "United Kingdom of Great Britain and Northern Ireland", "GB" },
		{ "United States", "US" }, { "USA", "US" }, { "U.S.A.", "US" },
		{ "us", "US" }, { "United States of America", "US" },
		{ "Germany", "DE" }, { "Deutschland", "DE" }, { "DEU", "DE" },
		{ "France", "FR" }, { "Australia", "AU" }, { "India", "IN" },
		{ "Netherlands", "NL" }, { "The Netherlands", "NL" },
		{ "Holland", "NL" }, { "Trinidad & Tobago", "TT" },
		{ "Trinidad and Tobago", "TT" }, { "Côte d'Ivoire", "CI" },
		{ "Ivory Coast", "CI" }, { "Korea, Republic of", "KR" },
		{ "South Korea", "KR" }, { "Viet Nam", "VN" }, { "Vietnam", "VN" },
		{ "Bosnia-Herzegovina", NULL }, { "Bosnia and Herzegovina", "BA" },
		{ "México", "MX" }, { "Mexico", "MX" }, { "Brasil", "BR" },
		{ "Narnia", NULL }, { "", NULL }, { "   ", NULL }, { "U", NULL },
		{ "12345", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = region(cases[i][0]);

		if (cases[i][1] == NULL)
			ck_assert_msg(got == NULL, "%s: %s, want none",
			    cases[i][0], got);
		else
			ck_assert_msg(got != NULL && strcmp(got, cases[i][1]) == 0,
			    "%s: %s, want %s", cases[i][0], got ? got : "none",
			    cases[i][1]);
	}
}
END_TEST

/* every key of the table finds itself (the table is sorted the way the
 * lookup compares, and keys are in normal form) */
START_TEST(country_table_sorted)
{
	unsigned long i;

	ck_assert_uint_gt(country_nkeys, 700);
	for (i = 0; i < country_nkeys; i++) {
		const char *got = region(country_keys[i].key);

		ck_assert_msg(got && strcmp(got, country_keys[i].cc) == 0,
		    "%s", country_keys[i].key);
		if (i > 0)
			ck_assert_int_lt(strcmp(country_keys[i - 1].key,
			    country_keys[i].key), 0);
	}
}
END_TEST

/* long or odd input is no country, and never overflows */
START_TEST(country_long_input)
{
	char big[1000];

	memset(big, 'a', sizeof(big));
	ck_assert_ptr_null(country_region(big, sizeof(big)));
	memset(big, '&', sizeof(big));
	ck_assert_ptr_null(country_region(big, 300));
	ck_assert_ptr_null(country_region(NULL, 0));
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("country");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, country_spellings);
	tcase_add_test(tc, country_table_sorted);
	tcase_add_test(tc, country_long_input);
	suite_add_tcase(s, tc);
	return s;
}
