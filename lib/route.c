/*
 * route.c: what a request path under the location prefix asks for.  The
 * adapter hands over the path after the prefix and acts on the answer;
 * it never looks at the path itself.  Only canonical URLs route: a legacy
 * tree is served behind its canonical name, never as it is stored.
 */

#include <string.h>

#include "pxekit_private.h"

#define ROUTE_MENU      "menu.ipxe"
#define ROUTE_JSON      "builds.json"
#define ROUTE_SCRIPT    "/smartos.ipxe"

static int is(const char *path, size_t len, const char *s);
static int module_route(const char *path, size_t len, pxe_route_t *route);

static int
is(const char *path, size_t len, const char *s)
{
    return len == strlen(s) && memcmp(path, s, len) == 0;
}

int
pxe_route(const char *path, size_t len, pxe_route_t *route)
{
    size_t  slen = sizeof(ROUTE_SCRIPT) - 1;
    int     rc;

    memset(route, 0, sizeof(*route));

    /* Exact names first: they cannot hide a traversal. */
    if (is(path, len, ROUTE_MENU)) {
        route->kind = PXE_ROUTE_MENU;
        return PXE_OK;
    }
    if (is(path, len, ROUTE_JSON)) {
        route->kind = PXE_ROUTE_BUILDS_JSON;
        return PXE_OK;
    }
    if (is(path, len, PXE_BUILD_LATEST ROUTE_SCRIPT)) {
        route->kind = PXE_ROUTE_SCRIPT;
        route->latest = 1;
        return PXE_OK;
    }
    if (len == PXE_BUILDNAME_LEN + slen
        && memcmp(path + PXE_BUILDNAME_LEN, ROUTE_SCRIPT, slen) == 0
        && pxe_buildname_valid(path, PXE_BUILDNAME_LEN))
    {
        route->kind = PXE_ROUTE_SCRIPT;
        memcpy(route->name, path, PXE_BUILDNAME_LEN);
        return PXE_OK;
    }

    rc = module_route(path, len, route);
    if (rc != PXE_ENOENT) {
        return rc;
    }

    /*
     * The hot path (sanboot reads by many small ranges): one path check
     * and one name check, both inside pxe_request_file().
     */
    rc = pxe_request_file(path, len, route->name, &route->file);
    if (rc == PXE_OK) {
        /* "platform-<b>/..." parses too, but is not a URL we serve. */
        if (memcmp(path, route->name, PXE_BUILDNAME_LEN) != 0) {
            memset(route, 0, sizeof(*route));
            return PXE_ENOENT;
        }
        route->kind = PXE_ROUTE_FILE;
        return PXE_OK;
    }
    memset(route, 0, sizeof(*route));
    if (rc != PXE_ENOENT) {
        return rc;
    }
    rc = pxe_path_check(path, len);
    return rc != PXE_OK ? rc : PXE_ENOENT;
}

/*
 * pxekit-module/<name> and pxekit-node/<mac>/<name>: which module is
 * the adapter's to look up (by name), but the MAC is checked here and
 * must be the form the core writes, so one node has one URL per file.
 */
static int
module_route(const char *path, size_t len, pxe_route_t *route)
{
    size_t  n, skip;
    char    mac[PXE_MACFILE_LEN + 1];
    int     rc;

    n = sizeof(PXE_NODE_URL) - 1;
    if (len > n && memcmp(path, PXE_NODE_URL, n) == 0) {
        if (len < n + PXE_MACFILE_LEN + 2
            || path[n + PXE_MACFILE_LEN] != '/'
            || pxe_macfile(path + n, PXE_MACFILE_LEN, mac) != PXE_OK
            || memcmp(mac, path + n, PXE_MACFILE_LEN) != 0)
        {
            rc = pxe_path_check(path, len);
            return rc != PXE_OK ? rc : PXE_ENOENT;
        }
        memcpy(route->node, mac, sizeof(mac));
        skip = n + PXE_MACFILE_LEN + 1;
    } else {
        n = sizeof(PXE_MODULE_URL) - 1;
        if (len <= n || memcmp(path, PXE_MODULE_URL, n) != 0) {
            return PXE_ENOENT;
        }
        skip = n;
    }
    rc = pxe_path_check(path, len);
    if (rc != PXE_OK) {
        memset(route, 0, sizeof(*route));
        return rc;
    }
    route->kind = PXE_ROUTE_MODULE;
    route->module = path + skip;
    route->module_len = len - skip;
    return PXE_OK;
}

int
pxe_route_http_status(int status)
{
    switch (status) {
    case PXE_EDOTDOT:
    case PXE_ENUL:
    case PXE_ETOOLONG:
        return 400;
    default:
        return 404;
    }
}
