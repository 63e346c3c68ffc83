/* test_status.c: pxe_strerror never returns NULL and names each code. */

#include <string.h>

#include "test.h"

static void
test_every_code_has_a_sentence(void **state)
{
    int  i, j;

    (void) state;
    for (i = 0; i < PXE_STATUS_MAX; i++) {
        assert_non_null(pxe_strerror(i));
        assert_string_not_equal(pxe_strerror(i), "unknown pxekit status");
        for (j = 0; j < i; j++) {
            assert_string_not_equal(pxe_strerror(i), pxe_strerror(j));
        }
    }
}

static void
test_unknown_codes(void **state)
{
    (void) state;
    assert_string_equal(pxe_strerror(-1), "unknown pxekit status");
    assert_string_equal(pxe_strerror(PXE_STATUS_MAX), "unknown pxekit status");
    assert_string_equal(pxe_strerror(1 << 30), "unknown pxekit status");
    assert_string_equal(pxe_strerror(PXE_OK), "success");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_has_a_sentence),
        cmocka_unit_test(test_unknown_codes),
    };
    return PXE_RUN_TESTS(tests);
}
