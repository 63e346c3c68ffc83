/*
 * test_route.c: what each request path under the prefix means, and that
 * every other path (traversal, legacy names, near misses) is a 400/404.
 */

#include <string.h>

#include "test.h"

#define B  "20240101T000000Z"

static int
route(const char *path, pxe_route_t *r)
{
    return pxe_route(path, strlen(path), r);
}

static void
test_known_routes(void **state)
{
    pxe_route_t  r;

    (void) state;
    assert_int_equal(route("menu.ipxe", &r), PXE_OK);
    assert_int_equal(r.kind, PXE_ROUTE_MENU);
    assert_int_equal(route("builds.json", &r), PXE_OK);
    assert_int_equal(r.kind, PXE_ROUTE_BUILDS_JSON);

    assert_int_equal(route(B "/smartos.ipxe", &r), PXE_OK);
    assert_int_equal(r.kind, PXE_ROUTE_SCRIPT);
    assert_string_equal(r.name, B);
    assert_false(r.latest);

    assert_int_equal(route("latest/smartos.ipxe", &r), PXE_OK);
    assert_int_equal(r.kind, PXE_ROUTE_SCRIPT);
    assert_true(r.latest);
    assert_string_equal(r.name, "");

    assert_int_equal(route(B "/platform/i86pc/kernel/amd64/unix", &r),
                     PXE_OK);
    assert_int_equal(r.kind, PXE_ROUTE_FILE);
    assert_int_equal(r.file, PXE_FILE_KERNEL);
    assert_string_equal(r.name, B);
    assert_int_equal(route(B "/platform/i86pc/amd64/boot_archive", &r),
                     PXE_OK);
    assert_int_equal(r.file, PXE_FILE_ARCHIVE);
    assert_int_equal(route(B "/platform/i86pc/amd64/boot_archive.hash", &r),
                     PXE_OK);
    assert_int_equal(r.file, PXE_FILE_HASH);
    assert_int_equal(route(B "/platform/i86pc/amd64/boot_archive.manifest",
                           &r), PXE_OK);
    assert_int_equal(r.file, PXE_FILE_MANIFEST);
}

static void
test_everything_else_is_not_found(void **state)
{
    static const char *const nf[] = {
        "menu.ipxe.bak", "Menu.ipxe", "menu", "builds.json/x",
        "platform-" B "/i86pc/kernel/amd64/unix",   /* legacy not exposed */
        B, B "/platform", B "/platform/i86pc/amd64",
        B "/platform/i86pc/amd64/boot_archive.", B "/disable",
        B "/platform/i86pc/kernel/amd64/unix/x",
        "20241301T000000Z/smartos.ipxe", "LATEST/smartos.ipxe",
        "x/smartos.ipxe", "smartos.ipxe", "latest/platform/i86pc/kernel/"
        "amd64/unix", B "x/smartos.ipxe", "2024010T000000Z/smartos.ipxe",
    };
    pxe_route_t  r;
    size_t       i;

    (void) state;
    for (i = 0; i < sizeof(nf) / sizeof(nf[0]); i++) {
        assert_int_equal(route(nf[i], &r), PXE_ENOENT);
        assert_int_equal(r.kind, 0);
        assert_int_equal(pxe_route_http_status(PXE_ENOENT), 404);
    }
    /* a directory, as nginx would list it: not found too */
    assert_int_equal(route(B "/", &r), PXE_EEMPTYSEG);
    assert_int_equal(pxe_route_http_status(PXE_EEMPTYSEG), 404);
}

static void
test_traversal(void **state)
{
    pxe_route_t  r;
    char         big[PXE_PATH_MAX + 2];

    (void) state;
    assert_int_equal(route("../menu.ipxe", &r), PXE_EDOTDOT);
    assert_int_equal(route(B "/../../etc/passwd", &r), PXE_EDOTDOT);
    assert_int_equal(route(B "/platform/./i86pc/kernel/amd64/unix", &r),
                     PXE_EDOTDOT);
    assert_int_equal(route("/etc/passwd", &r), PXE_EEMPTYSEG);
    assert_int_equal(route(B "//platform/i86pc/kernel/amd64/unix", &r),
                     PXE_EEMPTYSEG);
    assert_int_equal(pxe_route("menu.ipxe\0x", 11, &r), PXE_ENUL);
    assert_int_equal(pxe_route("", 0, &r), PXE_EINVAL);
    memset(big, 'a', sizeof(big));
    assert_int_equal(pxe_route(big, sizeof(big), &r), PXE_ETOOLONG);

    assert_int_equal(pxe_route_http_status(PXE_EDOTDOT), 400);
    assert_int_equal(pxe_route_http_status(PXE_ENUL), 400);
    assert_int_equal(pxe_route_http_status(PXE_ETOOLONG), 400);
    assert_int_equal(pxe_route_http_status(PXE_EEMPTYSEG), 404);
    assert_int_equal(pxe_route_http_status(PXE_EINVAL), 404);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_routes),
        cmocka_unit_test(test_everything_else_is_not_found),
        cmocka_unit_test(test_traversal),
    };

    return PXE_RUN_TESTS(tests);
}
