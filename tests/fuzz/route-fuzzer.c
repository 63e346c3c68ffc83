/*
 * route-fuzzer.c: lib/route.c (pxe_route) and the path checks of
 * lib/layout.c it relies on, over arbitrary request paths.
 *
 * Whatever routes must name a valid build and be exactly the canonical
 * URL the core would write for it; nothing with a "." or ".." segment,
 * an empty segment or a NUL routes at all.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit_private.h"

#define FUZZ_MAX_INPUT  (PXE_PATH_MAX + 64)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pxe_route_t   r;
    pxe_buf_t     b;
    const char   *path = (const char *) data;
    char          mem[PXE_PATH_MAX + 1];
    int           rc, st;

    if (size > FUZZ_MAX_INPUT) {
        return 0;
    }
    rc = pxe_route(path, size, &r);
    if (rc != PXE_OK) {
        st = pxe_route_http_status(rc);
        if ((st != 400 && st != 404) || r.kind != 0) {
            abort();
        }
        return 0;
    }
    if (pxe_path_check(path, size) != PXE_OK) {
        abort();
    }

    switch (r.kind) {
    case PXE_ROUTE_MENU:
        if (size != 9 || memcmp(path, "menu.ipxe", 9) != 0) {
            abort();
        }
        break;
    case PXE_ROUTE_BUILDS_JSON:
        if (size != 11 || memcmp(path, "builds.json", 11) != 0) {
            abort();
        }
        break;
    case PXE_ROUTE_SCRIPT:
        if (!r.latest && !pxe_buildname_valid(r.name, PXE_BUILDNAME_LEN)) {
            abort();
        }
        break;
    case PXE_ROUTE_FILE:
        pxe_buf_init_fixed(&b, mem, sizeof(mem));
        if (pxe_build_url(r.name, r.file, &b) != PXE_OK
            || b.len != size || memcmp(b.data, path, size) != 0)
        {
            abort();
        }
        break;
    case PXE_ROUTE_MODULE:
        /* the name is the rest of the path; a node only in its form */
        if (r.module != path + size - r.module_len || r.module_len == 0) {
            abort();
        }
        if (r.node[0] != '\0'
            && (size < 12 + PXE_MACFILE_LEN
                || memcmp(path, PXE_NODE_URL, 12) != 0
                || memcmp(path + 12, r.node, PXE_MACFILE_LEN) != 0))
        {
            abort();
        }
        if (r.node[0] == '\0'
            && memcmp(path, PXE_MODULE_URL, sizeof(PXE_MODULE_URL) - 1) != 0)
        {
            abort();
        }
        break;
    default:
        abort();
    }
    return 0;
}
