/* test_buildname.c: strict build names and newest-first order. */

#include <stdlib.h>
#include <string.h>

#include "test.h"

static int
valid(const char *s)
{
    return pxe_buildname_valid(s, strlen(s));
}

static void
test_accepts_real_names(void **state)
{
    pxe_buildname_t  n;

    (void) state;
    assert_int_equal(pxe_buildname_parse("20121004T212912Z", 16, &n), PXE_OK);
    assert_int_equal(n.year, 2012);
    assert_int_equal(n.month, 10);
    assert_int_equal(n.day, 4);
    assert_int_equal(n.hour, 21);
    assert_int_equal(n.minute, 29);
    assert_int_equal(n.second, 12);
    assert_true(valid("20240229T000000Z"));     /* leap year */
    assert_true(valid("20000229T235959Z"));     /* divisible by 400 */
    assert_true(valid("19700101T000000Z"));
    assert_true(valid("20231231T235959Z"));
}

static void
test_rejects_impossible_dates(void **state)
{
    (void) state;
    assert_false(valid("20230229T000000Z"));    /* not a leap year */
    assert_false(valid("21000229T000000Z"));    /* century, not /400 */
    assert_false(valid("20230431T000000Z"));    /* April has 30 */
    assert_false(valid("20231301T000000Z"));
    assert_false(valid("20230001T000000Z"));
    assert_false(valid("20230100T000000Z"));
    assert_false(valid("20230101T240000Z"));
    assert_false(valid("20230101T006000Z"));
    assert_false(valid("20230101T000060Z"));
    assert_false(valid("19691231T235959Z"));
}

static void
test_rejects_wrong_shapes(void **state)
{
    (void) state;
    assert_false(valid(""));
    assert_false(valid("latest"));
    assert_false(valid("20121004T212912"));
    assert_false(valid("20121004T212912ZZ"));
    assert_false(valid("20121004t212912Z"));
    assert_false(valid("20121004T212912z"));
    assert_false(valid("2012100 T212912Z"));
    assert_false(valid("20121004T21291aZ"));
    assert_false(valid("+0121004T212912Z"));
    assert_false(valid("platform-20121004T212912Z"));
    assert_false(pxe_buildname_valid("20121004T212912Z\0", 17));
    assert_false(pxe_buildname_valid(NULL, 16));
    assert_int_equal(pxe_buildname_parse("x", 1, NULL), PXE_EBUILDNAME);
}

static int
cmp(const void *a, const void *b)
{
    return pxe_buildname_cmp_newest(*(char *const *) a, *(char *const *) b);
}

static void
test_orders_newest_first(void **state)
{
    const char  *names[] = {
        "20121004T212912Z", "20240101T000000Z", "20121004T212913Z",
        "20191231T235959Z", "20121004T212912Z"
    };

    (void) state;
    qsort(names, 5, sizeof(names[0]), cmp);
    assert_string_equal(names[0], "20240101T000000Z");
    assert_string_equal(names[1], "20191231T235959Z");
    assert_string_equal(names[2], "20121004T212913Z");
    assert_string_equal(names[3], "20121004T212912Z");
    assert_string_equal(names[4], "20121004T212912Z");
    assert_int_equal(pxe_buildname_cmp_newest(names[3], names[4]), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_real_names),
        cmocka_unit_test(test_rejects_impossible_dates),
        cmocka_unit_test(test_rejects_wrong_shapes),
        cmocka_unit_test(test_orders_newest_first),
    };
    return PXE_RUN_TESTS(tests);
}
