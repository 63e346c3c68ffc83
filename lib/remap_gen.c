/*
 * remap_gen.c: a tftp-hpa 5.2 remap file that serves the canonical names
 * of legacy-only builds (<prefix>/<build>/platform/...) from their
 * platform-<build>/ trees, and touches no other name.
 *
 * The build names go into one regex as a trie (20(1(2...)|...)): glibc
 * builds its DFA per tftpd child, and a trie costs about what a generic
 * [0-9]{8}T[0-9]{6}Z rule does, where a flat alternation of the same
 * names costs ten times more (NOTES.md).  Only the head of the name is
 * matched and replaced; 5.2 keeps the rest of the name as it was, so no
 * group past \1 is needed however many groups the trie opens.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"

/* Keep every rule line well inside tftpd's 16384-byte fgets() buffer. */
#define GEN_LINE_MAX   16000

static int prefix_char(int c);
static int trie(pxe_buf_t *out, const char *const *names, size_t n, size_t depth);
static int rule_line(pxe_buf_t *out, const char *rx_prefix,
    const char *prefix, const char *const *names, size_t n);
static int cmp_name(const void *a, const void *b);

static int
prefix_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'
           || c == '+';
}

int
pxe_remap_prefix(const char *prefix, pxe_buf_t *out)
{
    const char  *p = prefix, *seg;
    size_t       len;
    int          rc, first = 1;

    if (prefix == NULL) {
        return pxe_buf_adds(out, "");
    }
    for ( ;; ) {
        while (*p == '/') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        seg = p;
        while (*p != '\0' && *p != '/') {
            if (!prefix_char((unsigned char) *p)) {
                return PXE_EINVAL;
            }
            p++;
        }
        len = (size_t) (p - seg);
        if ((len == 1 && seg[0] == '.')
            || (len == 2 && seg[0] == '.' && seg[1] == '.'))
        {
            return PXE_EDOTDOT;
        }
        if (len > PXE_PATH_MAX) {
            return PXE_ETOOLONG;
        }
        rc = first ? PXE_OK : pxe_buf_addc(out, '/');
        if (rc == PXE_OK) {
            rc = pxe_buf_add(out, seg, len);
        }
        if (rc != PXE_OK) {
            return rc;
        }
        first = 0;
    }
    return first ? pxe_buf_adds(out, "") : PXE_OK;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* names[0..n) sorted, distinct, same length; depth characters shared. */
static int
trie(pxe_buf_t *out, const char *const *names, size_t n, size_t depth)
{
    size_t  i, j;
    int     rc = PXE_OK;

    /* Shared characters first. */
    while (names[0][depth] != '\0'
           && names[0][depth] == names[n - 1][depth])
    {
        rc = pxe_buf_addc(out, names[0][depth]);
        if (rc != PXE_OK) {
            return rc;
        }
        depth++;
    }
    if (names[0][depth] == '\0') {
        return PXE_OK;
    }
    rc = pxe_buf_addc(out, '(');
    for (i = 0; i < n && rc == PXE_OK; i = j) {
        for (j = i + 1; j < n && names[j][depth] == names[i][depth]; j++) {
            /* the branch of names[i][depth] */
        }
        if (i > 0) {
            rc = pxe_buf_addc(out, '|');
        }
        if (rc == PXE_OK) {
            rc = trie(out, names + i, j - i, depth);
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_addc(out, ')');
    }
    return rc;
}

static int
rule_line(pxe_buf_t *out, const char *rx_prefix, const char *prefix,
    const char *const *names, size_t n)
{
    pxe_buf_t  line;
    int        rc;

    pxe_buf_init(&line, GEN_LINE_MAX, NULL);
    rc = pxe_buf_printf(&line, "re ^/*%s(", rx_prefix);
    if (rc == PXE_OK) {
        rc = trie(&line, names, n, 0);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(&line, ")/+platform/ %s%splatform-\\1/\n",
                            prefix, *prefix ? "/" : "");
    }
    if (rc == PXE_ETOOBIG && n > 1) {
        /* Too long for one tftpd line: two rules of half the names. */
        pxe_buf_free(&line);
        rc = rule_line(out, rx_prefix, prefix, names, n / 2);
        if (rc == PXE_OK) {
            rc = rule_line(out, rx_prefix, prefix, names + n / 2, n - n / 2);
        }
        return rc;
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_add(out, line.data, line.len);
    }
    pxe_buf_free(&line);
    return rc;
}

int
pxe_remap_generate(const pxe_scan_t *scan, const char *prefix,
    pxe_buf_t *out)
{
    pxe_buf_t    pfx, rxp;
    const char **legacy = NULL;
    const char  *p;
    size_t       i, nlegacy = 0;
    int          rc;

    pxe_buf_init(&pfx, PXE_PATH_MAX, NULL);
    pxe_buf_init(&rxp, PXE_PATH_MAX * 3, NULL);
    rc = pxe_remap_prefix(prefix, &pfx);
    if (rc != PXE_OK) {
        goto done;
    }
    /* The prefix as a regex: '.' and '+' escaped, slashes repeatable. */
    for (p = pfx.data; rc == PXE_OK && *p; p++) {
        if (*p == '.' || *p == '+') {
            rc = pxe_buf_printf(&rxp, "\\%c", *p);
        } else if (*p == '/') {
            rc = pxe_buf_adds(&rxp, "/+");
        } else {
            rc = pxe_buf_addc(&rxp, *p);
        }
    }
    if (rc == PXE_OK && pfx.len > 0) {
        rc = pxe_buf_adds(&rxp, "/+");
    }
    if (rc == PXE_OK && rxp.data == NULL) {
        rc = pxe_buf_adds(&rxp, "");
    }
    if (rc != PXE_OK) {
        goto done;
    }

    if (scan->nbuilds > 0) {
        legacy = calloc(scan->nbuilds, sizeof(*legacy));
        if (legacy == NULL) {
            rc = PXE_ENOMEM;
            goto done;
        }
    }
    for (i = 0; i < scan->nbuilds; i++) {
        if (scan->builds[i].layout == PXE_LAYOUT_LEGACY) {
            legacy[nlegacy++] = scan->builds[i].name;
        }
    }
    if (nlegacy > 1) {
        qsort(legacy, nlegacy, sizeof(*legacy), cmp_name);
    }

    rc = pxe_buf_printf(out,
        "# tftp-hpa 5.2 remap rules (in.tftpd -m FILE), made by "
        "pxekit-remap generate.\n"
        "# Canonical names of builds that exist only as platform-<build>/ "
        "are served\n"
        "# from that tree; every other name is left as it is.\n"
        "# prefix: %s\n"
        "# builds: %zu (%zu legacy-only, %zu canonical)\n",
        pfx.len ? pfx.data : "(none)", scan->nbuilds, nlegacy,
        scan->nbuilds - nlegacy);
    for (i = 0; rc == PXE_OK && i < scan->nbuilds; i++) {
        const pxe_build_t  *b = &scan->builds[i];

        rc = pxe_buf_printf(out, "#   %s %s%s%s\n", b->name,
                            b->layout == PXE_LAYOUT_LEGACY
                                ? "legacy-only, mapped" : "canonical",
                            b->bootable ? "" : ", not bootable",
                            b->disabled ? ", disabled" : "");
    }
    if (rc != PXE_OK) {
        goto done;
    }
    if (nlegacy == 0) {
        rc = pxe_buf_adds(out, "# No legacy-only build: no rule needed.\n");
        goto done;
    }
    rc = pxe_buf_adds(out,
        "# A name with a \"..\" segment is never rewritten.\n"
        "e (^|/)\\.\\.(/|$)\n"
        "# <prefix>/<build>/platform/... -> <prefix>/platform-<build>/...\n");
    if (rc == PXE_OK) {
        rc = rule_line(out, rxp.data, pfx.data, legacy, nlegacy);
    }

done:
    free(legacy);
    pxe_buf_free(&pfx);
    pxe_buf_free(&rxp);
    return rc;
}
