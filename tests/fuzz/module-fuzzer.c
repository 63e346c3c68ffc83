/*
 * module-fuzzer.c: lib/modules.c, the pxekit_module directive's words
 * and ${mac}, over arbitrary input: "PATH word word ...\nMAC".
 *
 * Whatever parses gives, for any MAC the core accepts, a path that
 * passes the path check (no traversal, no absolute path) and a URL that
 * routes back to the same module name and node.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit_private.h"

#define FUZZ_WORDS  8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char    *s = (const char *) data, *end, *nl, *p, *q;
    const char    *name;
    pxe_str_t      words[FUZZ_WORDS];
    pxe_module_t   m;
    pxe_route_t    r;
    pxe_buf_t      b;
    char           mem[PXE_PATH_MAX + 1], url[PXE_PATH_MAX + 64];
    char           mac[PXE_MACFILE_LEN + 1];
    size_t         n = 0, path_len;
    int            have_mac;

    if (size > 4096) {
        return 0;
    }
    end = s + size;
    nl = memchr(s, '\n', size);
    if (nl == NULL) {
        nl = end;
    }
    have_mac = nl < end
               && pxe_macfile(nl + 1, (size_t) (end - nl - 1), mac) == PXE_OK;

    q = memchr(s, ' ', (size_t) (nl - s));
    path_len = (size_t) ((q != NULL ? q : nl) - s);
    for (p = s + path_len; p < nl && n < FUZZ_WORDS; p = q + 1) {
        while (p < nl && *p == ' ') {
            p++;
        }
        q = memchr(p, ' ', (size_t) (nl - p));
        if (q == NULL) {
            q = nl;
        }
        if (q > p) {
            words[n].data = p;
            words[n].len = (size_t) (q - p);
            n++;
        }
    }

    if (pxe_module_parse(s, path_len, words, n, &m) != PXE_OK) {
        if (m.path_len != 0 || m.name[0] != '\0') {
            abort();
        }
        return 0;
    }
    if (m.per_node && !have_mac) {
        return 0;
    }
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    if (pxe_module_path(&m, m.per_node ? mac : NULL, &b) != PXE_OK
        || pxe_path_check(b.data, b.len) != PXE_OK)
    {
        abort();
    }
    pxe_buf_init_fixed(&b, url, sizeof(url));
    if (pxe_module_url(&m, m.per_node ? mac : NULL, &b) != PXE_OK
        || pxe_route(b.data, b.len, &r) != PXE_OK
        || r.kind != PXE_ROUTE_MODULE)
    {
        abort();
    }
    name = m.name[0] == '/' ? m.name + 1 : m.name;
    if (r.module_len != strlen(name)
        || memcmp(r.module, name, r.module_len) != 0
        || (m.per_node && strcmp(r.node, mac) != 0)
        || (!m.per_node && r.node[0] != '\0'))
    {
        abort();
    }
    return 0;
}
