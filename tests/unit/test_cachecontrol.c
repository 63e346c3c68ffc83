/*
 * test_cachecontrol.c: which answers caches may keep and for how long,
 * by route, and the exact Cache-Control text.
 */

#include <string.h>

#include "test.h"

#define B  "20240101T000000Z"

static pxe_cache_e
cls(const char *path, int consumed)
{
    pxe_route_t  r;

    assert_int_equal(pxe_route(path, strlen(path), &r), PXE_OK);
    return pxe_cache_class(&r, consumed);
}

static void
test_classes(void **state)
{
    (void) state;
    assert_int_equal(cls("menu.ipxe", 0), PXE_CACHE_MENU);
    assert_int_equal(cls("builds.json", 0), PXE_CACHE_MENU);
    assert_int_equal(cls(B "/smartos.ipxe", 0), PXE_CACHE_MENU);
    assert_int_equal(cls("latest/smartos.ipxe", 0), PXE_CACHE_MENU);
    assert_int_equal(cls(B "/platform/i86pc/kernel/amd64/unix", 0),
                     PXE_CACHE_FILE);
    assert_int_equal(cls(B "/platform/i86pc/amd64/boot_archive", 0),
                     PXE_CACHE_FILE);
    assert_int_equal(cls(B "/platform/i86pc/amd64/boot_archive.hash", 0),
                     PXE_CACHE_FILE);
    assert_int_equal(cls("pxekit-module/meta/a.json", 0), PXE_CACHE_FILE);
    assert_int_equal(cls("pxekit-node/52-54-00-12-34-56/n.json", 0),
                     PXE_CACHE_MENU);
    /* a once= answer is the menu's URL, and never kept */
    assert_int_equal(cls("menu.ipxe", 1), PXE_CACHE_NO_STORE);
}

static const char *
cc(pxe_cache_e c, long menu, long file, char *mem, size_t cap, int *rc)
{
    pxe_buf_t  b;

    pxe_buf_init_fixed(&b, mem, cap);
    *rc = pxe_cache_control(c, menu, file, &b);
    return mem;
}

static void
test_values(void **state)
{
    int   rc;
    char  m[PXE_CACHE_CONTROL_MAX];

    (void) state;
    assert_string_equal(cc(PXE_CACHE_MENU, 5, 86400, m, sizeof(m), &rc),
                        "max-age=5");
    assert_int_equal(rc, PXE_OK);
    assert_string_equal(cc(PXE_CACHE_FILE, 5, 86400, m, sizeof(m), &rc),
                        "max-age=86400");
    assert_string_equal(cc(PXE_CACHE_MENU, 0, 86400, m, sizeof(m), &rc),
                        "no-cache");
    assert_string_equal(cc(PXE_CACHE_FILE, 5, 0, m, sizeof(m), &rc),
                        "no-cache");
    assert_string_equal(cc(PXE_CACHE_NO_STORE, 5, 86400, m, sizeof(m), &rc),
                        "no-store");
    assert_string_equal(cc(PXE_CACHE_FILE, 5, PXE_MAX_AGE_MAX, m, sizeof(m),
                           &rc), "max-age=31536000");
    assert_int_equal(rc, PXE_OK);
}

static void
test_refused(void **state)
{
    int   rc;
    char  m[PXE_CACHE_CONTROL_MAX];

    (void) state;
    cc(PXE_CACHE_MENU, -1, 1, m, sizeof(m), &rc);
    assert_int_equal(rc, PXE_EINVAL);
    cc(PXE_CACHE_MENU, 1, PXE_MAX_AGE_MAX + 1, m, sizeof(m), &rc);
    assert_int_equal(rc, PXE_EINVAL);
    cc((pxe_cache_e) 7, 1, 1, m, sizeof(m), &rc);
    assert_int_equal(rc, PXE_EINVAL);
    /* too small a buffer fails whole */
    cc(PXE_CACHE_FILE, 1, 86400, m, 8, &rc);
    assert_int_equal(rc, PXE_ETOOBIG);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_refused),
    };

    return PXE_RUN_TESTS(tests);
}
