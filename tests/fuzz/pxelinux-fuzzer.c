/*
 * pxelinux-fuzzer.c: lib/pxelinux.c (pxe_pxelinux_cfg) over arbitrary
 * options, prefixes and build lists.
 *
 * Input: a flags byte, then fields separated by 0xff: kernel args, root
 * shadow, prefix, then 17-byte builds (a name and a byte of bits).  In a
 * pxelinux.cfg a blank separates mboot.c32's arguments and a line break
 * starts a directive, so whatever the checks let through must add
 * neither: the config made with every accepted -B value replaced by as
 * many 'x' has as many blanks, line breaks and quotes.  A config holds
 * only printable ASCII and newlines, two labels per usable build, and its
 * default is the newest usable one; a failure leaves no output.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"

#define FUZZ_MAX_INPUT  8192
#define FUZZ_BUILDS     64

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

/* Blanks, line breaks, double and single quotes. */
static void
count_specials(const pxe_buf_t *b, size_t counts[4])
{
    size_t  i;

    memset(counts, 0, 4 * sizeof(counts[0]));
    for (i = 0; i < b->len; i++) {
        counts[0] += b->data[i] == ' ' || b->data[i] == '\t';
        counts[1] += b->data[i] == '\n' || b->data[i] == '\r';
        counts[2] += b->data[i] == '"';
        counts[3] += b->data[i] == '\'';
    }
}

static char *
neutral(const char *s, size_t len)
{
    char  *x;

    if (s == NULL || (x = malloc(len + 1)) == NULL) {
        return NULL;
    }
    memset(x, 'x', len);
    x[len] = '\0';
    return x;
}

static void
check_neutral(const pxe_buf_t *got, const pxe_scan_t *scan,
    const char *prefix, const pxe_ipxe_opts_t *o)
{
    pxe_ipxe_opts_t  n = *o;
    pxe_buf_t        b;
    size_t           want[4], have[4];
    char            *args, *shadow;

    args = neutral(o->kernel_args, o->kernel_args_len);
    shadow = neutral(o->root_shadow, o->root_shadow_len);
    if ((o->kernel_args != NULL && args == NULL)
        || (o->root_shadow != NULL && shadow == NULL))
    {
        free(args);
        free(shadow);
        return;
    }
    if (args != NULL) {
        n.kernel_args = args;
    }
    if (shadow != NULL) {
        n.root_shadow = shadow;
    }
    pxe_buf_init(&b, PXE_PXELINUX_MAX, NULL);
    if (pxe_pxelinux_cfg(scan, prefix, &n, &b) != PXE_OK) {
        abort();    /* 'x' passes wherever the value passed */
    }
    count_specials(&b, want);
    count_specials(got, have);
    if (memcmp(want, have, sizeof(want)) != 0) {
        abort();
    }
    pxe_buf_free(&b);
    free(args);
    free(shadow);
}

static size_t
count_lines(const pxe_buf_t *b, const char *start)
{
    const char  *s = b->data;
    size_t       n = 0, len = strlen(start);

    for ( ; s != NULL; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
        n += strncmp(s, start, len) == 0;
    }
    return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t      *p, *end, *f;
    const pxe_build_t  *def;
    pxe_build_t         builds[FUZZ_BUILDS];
    pxe_scan_t          scan;
    pxe_ipxe_opts_t     o;
    pxe_buf_t           b;
    size_t              len, n, i, usable = 0;
    char                prefix[256], line[64];
    int                 rc;

    if (size < 1 || size > FUZZ_MAX_INPUT) {
        return 0;
    }
    p = data + 1;
    end = data + size;

    memset(&o, 0, sizeof(o));
    o.console = (pxe_console_e) (data[0] % (PXE_CONSOLE_COUNT + 1));
    f = field(&p, end, &len);
    if (data[0] & 0x08) {
        o.kernel_args = (const char *) f;
        o.kernel_args_len = len;
    }
    f = field(&p, end, &len);
    if (data[0] & 0x10) {
        o.root_shadow = (const char *) f;
        o.root_shadow_len = len;
    }
    f = field(&p, end, &len);
    len = len < sizeof(prefix) - 1 ? len : sizeof(prefix) - 1;
    memcpy(prefix, f, len);
    prefix[len] = '\0';

    memset(builds, 0, sizeof(builds));
    for (n = 0; n < FUZZ_BUILDS && end - p >= PXE_BUILDNAME_LEN + 1; n++) {
        memcpy(builds[n].name, p, PXE_BUILDNAME_LEN);
        builds[n].bootable = p[PXE_BUILDNAME_LEN] & 1;
        builds[n].disabled = (p[PXE_BUILDNAME_LEN] >> 1) & 1;
        builds[n].hash = (p[PXE_BUILDNAME_LEN] >> 2) & 1;
        builds[n].files = (uint8_t) (p[PXE_BUILDNAME_LEN] >> 3);
        builds[n].layout = (p[PXE_BUILDNAME_LEN] & 0x80)
                           ? PXE_LAYOUT_LEGACY : PXE_LAYOUT_CANONICAL;
        usable += pxe_build_usable(&builds[n]) ? 1 : 0;
        p += PXE_BUILDNAME_LEN + 1;
    }
    pxe_scan_init(&scan);
    scan.builds = builds;
    scan.nbuilds = n;

    pxe_buf_init(&b, PXE_PXELINUX_MAX, NULL);
    rc = pxe_pxelinux_cfg(&scan, (data[0] & 0x20) ? NULL : prefix, &o, &b);
    if (rc != PXE_OK) {
        if (b.data != NULL || (rc == PXE_ENOENT && usable > 0)) {
            abort();
        }
        return 0;
    }
    if (b.data == NULL || b.len != strlen(b.data) || usable == 0) {
        abort();
    }
    for (i = 0; i < b.len; i++) {
        if (b.data[i] != '\n' && (b.data[i] < 0x20 || b.data[i] > 0x7e)) {
            abort();
        }
    }
    if (count_lines(&b, "label ") != 2 * usable
        || count_lines(&b, "default ") != 1)
    {
        abort();
    }
    def = pxe_scan_pick(&scan, NULL);
    memcpy(line, "\ndefault smartos-", 17);
    memcpy(line + 17, def->name, PXE_BUILDNAME_LEN);
    memcpy(line + 17 + PXE_BUILDNAME_LEN, "\n", 2);
    if (strstr(b.data, line) == NULL) {
        abort();
    }
    check_neutral(&b, &scan, (data[0] & 0x20) ? NULL : prefix, &o);
    pxe_buf_free(&b);
    return 0;
}
