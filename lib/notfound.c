/*
 * notfound.c: why a request under the prefix found nothing.  The nginx
 * module answers 404 where the core said so (route, pick, file); this
 * names the cause once, for counters and logs, so no adapter re-tests
 * what "disabled" or "unbootable" means.
 */

#include <string.h>

#include "pxekit.h"

static const char *const notfound_names[PXE_NOTFOUND_COUNT] = {
    "route",
    "no-build",
    "disabled",
    "unbootable",
    "no-file"
};

const char *
pxe_notfound_name(pxe_notfound_e reason)
{
    if ((unsigned) reason >= PXE_NOTFOUND_COUNT) {
        return notfound_names[PXE_NOTFOUND_ROUTE];
    }
    return notfound_names[reason];
}

pxe_notfound_e
pxe_notfound(const pxe_scan_t *scan, const pxe_route_t *route)
{
    const pxe_build_t  *b;

    if (route == NULL) {
        return PXE_NOTFOUND_ROUTE;
    }

    switch (route->kind) {

    case PXE_ROUTE_SCRIPT:
        if (route->name[0] == '\0') {
            /* "latest": nothing usable at all */
            return PXE_NOTFOUND_BUILD;
        }
        b = pxe_scan_find(scan, route->name,
                          strnlen(route->name, PXE_BUILDNAME_LEN + 1));
        if (b == NULL) {
            return PXE_NOTFOUND_BUILD;
        }
        if (b->disabled) {
            return PXE_NOTFOUND_DISABLED;
        }
        return pxe_build_usable(b) ? PXE_NOTFOUND_FILE
                                   : PXE_NOTFOUND_UNBOOTABLE;

    case PXE_ROUTE_FILE:
        b = pxe_scan_find(scan, route->name,
                          strnlen(route->name, PXE_BUILDNAME_LEN + 1));
        return b == NULL ? PXE_NOTFOUND_BUILD : PXE_NOTFOUND_FILE;

    default:
        /* the menu and builds.json always exist */
        return PXE_NOTFOUND_ROUTE;
    }
}
