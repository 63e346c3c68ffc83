/* test_buf.c: the bounded buffer grows, stops at its maximum, fails whole. */

#include <stdlib.h>
#include <string.h>

#include "test.h"

static void
test_grows_and_terminates(void **state)
{
    pxe_buf_t  b;
    int        i;

    (void) state;
    pxe_buf_init(&b, 10000, NULL);
    for (i = 0; i < 1000; i++) {
        assert_int_equal(pxe_buf_adds(&b, "abcd"), PXE_OK);
    }
    assert_int_equal(b.len, 4000);
    assert_int_equal(b.data[4000], '\0');
    assert_memory_equal(b.data + 3996, "abcd", 4);
    pxe_buf_free(&b);
    assert_null(b.data);
    pxe_buf_free(&b);   /* twice is harmless */
}

static void
test_max_is_hard_and_failure_is_whole(void **state)
{
    pxe_buf_t  b;

    (void) state;
    pxe_buf_init(&b, 8, NULL);
    assert_int_equal(pxe_buf_adds(&b, "12345678"), PXE_OK);
    assert_int_equal(b.len, 8);
    assert_int_equal(pxe_buf_addc(&b, '9'), PXE_ETOOBIG);
    /* Nothing partial survives a failure. */
    assert_int_equal(b.len, 0);
    assert_null(b.data);
    pxe_buf_free(&b);
}

static void
test_fixed_memory(void **state)
{
    pxe_buf_t  b;
    char       mem[6];

    (void) state;
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    assert_int_equal(pxe_buf_printf(&b, "%d-%s", 12, "ab"), PXE_OK);
    assert_string_equal(mem, "12-ab");
    assert_int_equal(pxe_buf_addc(&b, 'x'), PXE_ETOOBIG);
    assert_int_equal(b.len, 0);
    assert_string_equal(mem, "");
    assert_ptr_equal(b.data, mem);
    pxe_buf_free(&b);
}

static void
test_measure_counts_without_writing(void **state)
{
    pxe_buf_t  b;

    (void) state;
    pxe_buf_init_measure(&b, 100);
    assert_int_equal(pxe_buf_adds(&b, "hello "), PXE_OK);
    assert_int_equal(pxe_buf_printf(&b, "%0300d", 1), PXE_ETOOBIG);
    pxe_buf_init_measure(&b, 1000);
    assert_int_equal(pxe_buf_printf(&b, "%0300d", 1), PXE_OK);
    assert_int_equal(b.len, 300);
    assert_null(b.data);
}

static void
test_printf_longer_than_scratch(void **state)
{
    pxe_buf_t  b;

    (void) state;
    pxe_buf_init(&b, 4096, NULL);
    assert_int_equal(pxe_buf_printf(&b, "%s%01000d", "x", 7), PXE_OK);
    assert_int_equal(b.len, 1001);
    assert_int_equal(b.data[1000], '7');
    pxe_buf_free(&b);
}

static int  allocs, frees;

static void *
count_alloc(void *ctx, size_t size)
{
    (void) ctx;
    allocs++;
    return malloc(size);
}

static void
count_free(void *ctx, void *p)
{
    (void) ctx;
    frees++;
    free(p);
}

static void
test_custom_allocator(void **state)
{
    pxe_allocator_t  a = { count_alloc, count_free, NULL };
    pxe_buf_t        b;
    int              i;

    (void) state;
    allocs = frees = 0;
    pxe_buf_init(&b, 100000, &a);
    for (i = 0; i < 300; i++) {
        assert_int_equal(pxe_buf_adds(&b, "0123456789"), PXE_OK);
    }
    assert_int_equal(b.len, 3000);
    assert_true(allocs >= 2);
    pxe_buf_free(&b);
    assert_int_equal(allocs, frees);
}

static void
test_size_overflow_guard(void **state)
{
    pxe_buf_t  b;

    (void) state;
    pxe_buf_init(&b, 16, NULL);
    assert_int_equal(pxe_buf_adds(&b, "abc"), PXE_OK);
    assert_int_equal(pxe_buf_add(&b, "x", SIZE_MAX), PXE_ETOOBIG);
    assert_int_equal(pxe_buf_add(&b, "x", SIZE_MAX - 1), PXE_ETOOBIG);
    pxe_buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grows_and_terminates),
        cmocka_unit_test(test_max_is_hard_and_failure_is_whole),
        cmocka_unit_test(test_fixed_memory),
        cmocka_unit_test(test_measure_counts_without_writing),
        cmocka_unit_test(test_printf_longer_than_scratch),
        cmocka_unit_test(test_custom_allocator),
        cmocka_unit_test(test_size_overflow_guard),
    };
    return PXE_RUN_TESTS(tests);
}
