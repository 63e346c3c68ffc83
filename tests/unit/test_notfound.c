/*
 * test_notfound.c: the cause the core gives for each 404 the nginx
 * module can answer, against a scan built in memory.
 */

#include <string.h>

#include "test.h"

#define ON   "20240101T000000Z"
#define OFF  "20230101T000000Z"
#define BRK  "20220101T000000Z"

static pxe_build_t  builds[3];
static pxe_scan_t   scan = { builds, 3, PXE_STAMP_NONE, 0, 0, 0 };

static void
add(pxe_build_t *b, const char *name, int bootable, int disabled)
{
    memset(b, 0, sizeof(*b));
    memcpy(b->name, name, PXE_BUILDNAME_LEN + 1);
    b->bootable = bootable;
    b->disabled = disabled;
}

static int
setup(void **state)
{
    (void) state;
    add(&builds[0], ON, 1, 0);
    add(&builds[1], OFF, 1, 1);
    add(&builds[2], BRK, 0, 0);
    return 0;
}

static pxe_notfound_e
why(const char *path)
{
    pxe_route_t  r;

    if (pxe_route(path, strlen(path), &r) != PXE_OK) {
        return pxe_notfound(&scan, NULL);
    }
    return pxe_notfound(&scan, &r);
}

static void
test_reasons(void **state)
{
    (void) state;
    assert_int_equal(why("nothing-here"), PXE_NOTFOUND_ROUTE);
    assert_int_equal(why("platform-" ON "/i86pc/kernel/amd64/unix"),
                     PXE_NOTFOUND_ROUTE);
    assert_int_equal(why("20990101T000000Z/smartos.ipxe"),
                     PXE_NOTFOUND_BUILD);
    assert_int_equal(why(OFF "/smartos.ipxe"), PXE_NOTFOUND_DISABLED);
    assert_int_equal(why(BRK "/smartos.ipxe"), PXE_NOTFOUND_UNBOOTABLE);
    assert_int_equal(why("20990101T000000Z/platform/i86pc/amd64/boot_archive"),
                     PXE_NOTFOUND_BUILD);
    assert_int_equal(why(ON "/platform/i86pc/amd64/boot_archive.manifest"),
                     PXE_NOTFOUND_FILE);
    assert_int_equal(why("menu.ipxe"), PXE_NOTFOUND_ROUTE);
}

static void
test_latest_without_usable_build(void **state)
{
    pxe_scan_t  none = { builds + 1, 2, PXE_STAMP_NONE, 0, 0, 0 };
    pxe_route_t r;

    (void) state;
    assert_int_equal(pxe_route("latest/smartos.ipxe", 19, &r), PXE_OK);
    assert_int_equal(pxe_notfound(&none, &r), PXE_NOTFOUND_BUILD);
}

static void
test_names(void **state)
{
    (void) state;
    assert_string_equal(pxe_notfound_name(PXE_NOTFOUND_ROUTE), "route");
    assert_string_equal(pxe_notfound_name(PXE_NOTFOUND_BUILD), "no-build");
    assert_string_equal(pxe_notfound_name(PXE_NOTFOUND_DISABLED), "disabled");
    assert_string_equal(pxe_notfound_name(PXE_NOTFOUND_UNBOOTABLE),
                        "unbootable");
    assert_string_equal(pxe_notfound_name(PXE_NOTFOUND_FILE), "no-file");
    assert_string_equal(pxe_notfound_name(PXE_NOTFOUND_COUNT), "route");
    assert_string_equal(pxe_notfound_name((pxe_notfound_e) -1), "route");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reasons, setup),
        cmocka_unit_test_setup(test_latest_without_usable_build, setup),
        cmocka_unit_test(test_names),
    };

    return PXE_RUN_TESTS(tests);
}
