/* test.h: what every cmocka unit test includes, in cmocka's order. */

#ifndef PXEKIT_TESTS_TEST_H
#define PXEKIT_TESTS_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pxekit_private.h"

/* TAP, so automake's tap-driver counts every test, not every binary. */
#define PXE_RUN_TESTS(tests)                                               \
    (cmocka_set_message_output(CM_OUTPUT_TAP),                             \
     cmocka_run_group_tests(tests, NULL, NULL))

#endif
