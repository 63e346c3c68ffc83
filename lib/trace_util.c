/*
 * trace_util.c: small scanners the three log parsers share (addresses,
 * MACs) and what a fetched file is to a boot (program, script, kernel,
 * boot archive), which the verdict turns on.
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit_private.h"
#include "trace_int.h"

size_t
pxe_tr_scan_ip(const char *s, size_t n, char *out)
{
    unsigned char addr[16];
    size_t        i;

    for (i = 0; i < n && i < TR_IP_LEN
         && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')
             || (s[i] >= 'A' && s[i] <= 'F') || s[i] == '.' || s[i] == ':');
         i++)
    {
        out[i] = s[i];
    }
    out[i] = '\0';
    if (i == 0 || (inet_pton(AF_INET, out, addr) != 1
                   && inet_pton(AF_INET6, out, addr) != 1))
    {
        out[0] = '\0';
        return 0;
    }
    return i;
}

int
pxe_tr_scan_mac(const char *s, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;
    int    hi, lo;

    if (n < TR_MAC_LEN) {
        return 0;
    }
    for (i = 0; i < TR_MAC_LEN; i += 3) {
        hi = pxe_hexval((unsigned char) s[i]);
        lo = pxe_hexval((unsigned char) s[i + 1]);
        if (hi < 0 || lo < 0 || (i + 2 < TR_MAC_LEN && s[i + 2] != ':')) {
            return 0;
        }
        out[i] = hex[hi];
        out[i + 1] = hex[lo];
        if (i + 2 < TR_MAC_LEN) {
            out[i + 2] = ':';
        }
    }
    out[TR_MAC_LEN] = '\0';
    return 1;
}

char *
pxe_tr_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int
ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

tr_file_e
pxe_tr_file_kind(const char *name)
{
    const char *base, *q;
    size_t      n;

    /* The path without a query string, then its last segment. */
    q = strchr(name, '?');
    n = q != NULL ? (size_t) (q - name) : strlen(name);
    base = name;
    for (q = name; q < name + n; q++) {
        if (*q == '/') {
            base = q + 1;
        }
    }
    n -= (size_t) (base - name);
    if (n == 4 && memcmp(base, "unix", 4) == 0) {
        return TR_FILE_KERNEL;
    }
    if (n == 12 && memcmp(base, "boot_archive", 12) == 0) {
        return TR_FILE_ARCHIVE;
    }
    if (ends_with(base, n, ".kpxe") || ends_with(base, n, ".kkpxe")
        || ends_with(base, n, ".efi") || ends_with(base, n, ".pxe")
        || ends_with(base, n, ".lkrn") || ends_with(base, n, ".0"))
    {
        return TR_FILE_PROGRAM;
    }
    if (ends_with(base, n, ".ipxe") || ends_with(base, n, ".cfg")
        || (n == 7 && memcmp(base, "default", 7) == 0)
        || (name[0] != '\0' && strstr(name, "pxelinux.cfg/") != NULL))
    {
        return TR_FILE_SCRIPT;
    }
    return TR_FILE_OTHER;
}

int
pxe_tr_path_build(const char *path, char *out)
{
    const char *p;
    size_t      n;

    for (p = path; *p != '\0' && *p != '?'; p++) {
        if (p != path && p[-1] != '/' && p[-1] != '-') {
            continue;
        }
        n = strspn(p, "0123456789TZ");
        if (n != PXE_BUILDNAME_LEN) {
            continue;
        }
        if (pxe_buildname_valid(p, n)) {
            memcpy(out, p, n);
            out[n] = '\0';
            return 1;
        }
    }
    return 0;
}
