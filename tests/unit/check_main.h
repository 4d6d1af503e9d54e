/*
 * check_main.h: the main() of every unit test binary.  A test file defines
 * `static Suite *suite(void)` and includes this last.
 */
#ifndef SI_CHECK_MAIN_H
#define SI_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static Suite *suite(void);

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
