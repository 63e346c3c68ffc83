/*
 * cachecontrol.c: what a cache in front of the nginx module may do with
 * each answer.  The route says what an answer is made of; so the core,
 * not the adapter, decides which answers are mutable (menus, scripts,
 * builds.json, a node's own files: the menu's max-age), which never
 * change once a build is named (its files and the shared module files:
 * the file max-age), and which must never be replayed (an answer that
 * used up a pxekit_hosts once=).
 */

#include "pxekit.h"

pxe_cache_e
pxe_cache_class(const pxe_route_t *route, int consumed)
{
    if (consumed) {
        return PXE_CACHE_NO_STORE;
    }

    switch (route->kind) {

    case PXE_ROUTE_FILE:
        return PXE_CACHE_FILE;

    case PXE_ROUTE_MODULE:
        /* pxekit-node/<mac>/...: the node's files come and go */
        return route->node[0] == '\0' ? PXE_CACHE_FILE : PXE_CACHE_MENU;

    default:
        return PXE_CACHE_MENU;
    }
}

int
pxe_cache_control(pxe_cache_e cls, long menu_max_age, long file_max_age,
    pxe_buf_t *out)
{
    long  age;

    if (menu_max_age < 0 || menu_max_age > PXE_MAX_AGE_MAX
        || file_max_age < 0 || file_max_age > PXE_MAX_AGE_MAX)
    {
        return PXE_EINVAL;
    }

    switch (cls) {

    case PXE_CACHE_NO_STORE:
        return pxe_buf_adds(out, "no-store");

    case PXE_CACHE_FILE:
        age = file_max_age;
        break;

    case PXE_CACHE_MENU:
        age = menu_max_age;
        break;

    default:
        return PXE_EINVAL;
    }

    /*
     * 0: a cache may keep the answer but must revalidate it before every
     * use (RFC 9111, 5.2.2.4); nginx's proxy cache keeps neither this nor
     * max-age=0, so every request reaches the origin.
     */
    if (age == 0) {
        return pxe_buf_adds(out, "no-cache");
    }

    return pxe_buf_printf(out, "max-age=%ld", age);
}
