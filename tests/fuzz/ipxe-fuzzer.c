/*
 * ipxe-fuzzer.c: lib/ipxe.c (pxe_ipxe_menu, pxe_ipxe_script,
 * pxe_ipxe_cmdline_max and the value checks) over arbitrary options and
 * build lists.
 *
 * Input: a flags byte, then fields separated by 0xff: kernel args, root
 * shadow, include, default build, EFI chain URL, then 16-byte build
 * names.  The flags byte also picks the console, the console variants
 * and kmdb.  Whatever
 * the checks let through must never put a line break, a quote or a
 * "${" of its own into a script: the same script made with every
 * accepted value replaced by as many 'x' has exactly as many of each.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"

#define FUZZ_MAX_INPUT  8192
#define FUZZ_BUILDS     64

static const uint8_t *field(const uint8_t **p, const uint8_t *end,
    size_t *len);
static void check_expansions(const pxe_buf_t *b);
static void count_specials(const pxe_buf_t *b, size_t counts[3]);
static void check_neutral(const pxe_buf_t *got, const pxe_ipxe_opts_t *o,
    const pxe_scan_t *scan, const char *def, const pxe_build_t *build);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *
field(const uint8_t **p, const uint8_t *end, size_t *len)
{
    const uint8_t  *start = *p, *sep;

    sep = memchr(start, 0xff, (size_t) (end - start));
    if (sep == NULL) {
        sep = end;
    }
    *len = (size_t) (sep - start);
    *p = sep < end ? sep + 1 : end;
    return start;
}

/*
 * Without an include, every "${" in a script is one of pxekit's own, or
 * the platform test of a SmartOS entry.
 */
static void
check_expansions(const pxe_buf_t *b)
{
    const char  *s = b->data, *end = b->data + b->len;

    while ((s = memchr(s, '$', (size_t) (end - s))) != NULL) {
        if (s + 1 < end && s[1] == '{'
            && (size_t) (end - s) >= 9 && memcmp(s, "${pxekit-", 9) != 0
            && ((size_t) (end - s) < 11 || memcmp(s, "${platform}", 11) != 0))
        {
            abort();
        }
        s++;
    }
}

/* Line breaks, double quotes and "${" in a script. */
static void
count_specials(const pxe_buf_t *b, size_t counts[3])
{
    size_t  i;

    counts[0] = counts[1] = counts[2] = 0;
    for (i = 0; i < b->len; i++) {
        counts[0] += b->data[i] == '\n' || b->data[i] == '\r';
        counts[1] += b->data[i] == '"';
        counts[2] += b->data[i] == '$' && i + 1 < b->len
                     && b->data[i + 1] == '{';
    }
}

/*
 * The menu (build NULL) or build's script again, every value the checks
 * accepted replaced by as many 'x': whatever line breaks, quotes and
 * "${" the real values add are the values' own, injected.
 */
static void
check_neutral(const pxe_buf_t *got, const pxe_ipxe_opts_t *o,
    const pxe_scan_t *scan, const char *def, const pxe_build_t *build)
{
    pxe_ipxe_opts_t  n = *o;
    pxe_buf_t        b;
    size_t           want[3], have[3];
    char            *args = NULL, *shadow = NULL, *chain = NULL;
    int              rc;

    if (o->kernel_args != NULL) {
        args = malloc(o->kernel_args_len + 1);
        if (args == NULL) {
            return;
        }
        memset(args, 'x', o->kernel_args_len);
        n.kernel_args = args;
    }
    if (o->root_shadow != NULL) {
        shadow = malloc(o->root_shadow_len + 1);
        if (shadow == NULL) {
            free(args);
            return;
        }
        memset(shadow, 'x', o->root_shadow_len);
        n.root_shadow = shadow;
    }
    if (o->efi_chain != NULL && o->efi_chain_len > 1) {
        /* "/xxx" passes the URL check as the real one did */
        chain = malloc(o->efi_chain_len + 1);
        if (chain == NULL) {
            free(args);
            free(shadow);
            return;
        }
        memset(chain, 'x', o->efi_chain_len);
        chain[0] = '/';
        n.efi_chain = chain;
    }
    pxe_buf_init(&b, build ? PXE_SCRIPT_MAX : PXE_MENU_MAX, NULL);
    rc = build ? pxe_ipxe_script(build, &n, &b)
               : pxe_ipxe_menu(scan, def, &n, &b);
    if (rc == PXE_OK) {
        count_specials(&b, want);
        count_specials(got, have);
        if (memcmp(want, have, sizeof(want)) != 0) {
            abort();
        }
    }
    pxe_buf_free(&b);
    free(args);
    free(shadow);
    free(chain);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t    *p, *end, *f;
    pxe_build_t       builds[FUZZ_BUILDS];
    pxe_scan_t        scan;
    pxe_ipxe_opts_t   o;
    pxe_buf_t         b;
    size_t            len, n, i;
    char              def[PXE_BUILDNAME_LEN + 1];
    int               rc;

    if (size < 1 || size > FUZZ_MAX_INPUT) {
        return 0;
    }
    p = data + 1;
    end = data + size;

    memset(&o, 0, sizeof(o));
    o.console = (pxe_console_e) (data[0] % (PXE_CONSOLE_COUNT + 1));
    o.timeout_ms = (data[0] & 0x80) ? 0 : 5000;

    f = field(&p, end, &len);
    if (data[0] & 0x01) {
        o.kernel_args = (const char *) f;
        o.kernel_args_len = len;
    }
    f = field(&p, end, &len);
    if (data[0] & 0x02) {
        o.root_shadow = (const char *) f;
        o.root_shadow_len = len;
    }
    f = field(&p, end, &len);
    if (data[0] & 0x04) {
        o.include = (const char *) f;
        o.include_len = len;
    }
    f = field(&p, end, &len);
    memcpy(def, f, len < PXE_BUILDNAME_LEN ? len : PXE_BUILDNAME_LEN);
    def[len < PXE_BUILDNAME_LEN ? len : PXE_BUILDNAME_LEN] = '\0';
    f = field(&p, end, &len);
    if (data[0] & 0x08) {
        o.efi_chain = (const char *) f;
        o.efi_chain_len = len;
    }
    o.consoles = (data[0] >> 2) & 0x1f;
    o.kmdb = (data[0] >> 6) & 1;

    memset(builds, 0, sizeof(builds));
    for (n = 0; n < FUZZ_BUILDS && end - p >= PXE_BUILDNAME_LEN + 1; n++) {
        memcpy(builds[n].name, p, PXE_BUILDNAME_LEN);
        builds[n].bootable = p[PXE_BUILDNAME_LEN] & 1;
        builds[n].disabled = (p[PXE_BUILDNAME_LEN] >> 1) & 1;
        builds[n].hash = (p[PXE_BUILDNAME_LEN] >> 2) & 1;
        builds[n].layout = PXE_LAYOUT_CANONICAL;
        p += PXE_BUILDNAME_LEN + 1;
    }
    pxe_scan_init(&scan);
    scan.builds = builds;
    scan.nbuilds = n;

    pxe_buf_init(&b, PXE_MENU_MAX, NULL);
    rc = pxe_ipxe_menu(&scan, def, &o, &b);
    if (rc == PXE_OK) {
        if (b.data == NULL || b.len != strlen(b.data)) {
            abort();
        }
        if (o.include == NULL) {
            check_expansions(&b);
        }
        check_neutral(&b, &o, &scan, def, NULL);
        /* options a menu accepted are options the size check accepts */
        if (pxe_ipxe_cmdline_max(&scan, &o, data[0], &len) != PXE_OK) {
            abort();
        }
    } else if (b.data != NULL) {
        abort();    /* a failure leaves nothing behind */
    }
    pxe_buf_free(&b);

    for (i = 0; i < n; i++) {
        pxe_buf_init(&b, PXE_SCRIPT_MAX, NULL);
        rc = pxe_ipxe_script(&builds[i], &o, &b);
        if (rc == PXE_OK) {
            if (!pxe_buildname_valid(builds[i].name, PXE_BUILDNAME_LEN)) {
                abort();
            }
            check_expansions(&b);
            check_neutral(&b, &o, &scan, def, &builds[i]);
        }
        pxe_buf_free(&b);
    }
    return 0;
}
