/*
 * remap_gen.c: a tftp-hpa 5.2 remap file that serves the canonical names
 * (<prefix>/<build>/platform/...) of the builds the scan found in another
 * layout from their platform-<build>/, platform_<build>/ or unversioned
 * platform/ trees, and touches no other name.  One rule per layout.
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
    const char *prefix, const char *target, const char *const *names,
    size_t n);
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

/* target: the directory replacing "<build>/platform/", \1 the build. */
static int
rule_line(pxe_buf_t *out, const char *rx_prefix, const char *prefix,
    const char *target, const char *const *names, size_t n)
{
    pxe_buf_t  line;
    int        rc;

    pxe_buf_init(&line, GEN_LINE_MAX, NULL);
    rc = pxe_buf_printf(&line, "re ^/*%s(", rx_prefix);
    if (rc == PXE_OK) {
        rc = trie(&line, names, n, 0);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(&line, ")/+platform/ %s%s%s/\n",
                            prefix, *prefix ? "/" : "", target);
    }
    if (rc == PXE_ETOOBIG && n > 1) {
        /* Too long for one tftpd line: two rules of half the names. */
        pxe_buf_free(&line);
        rc = rule_line(out, rx_prefix, prefix, target, names, n / 2);
        if (rc == PXE_OK) {
            rc = rule_line(out, rx_prefix, prefix, target, names + n / 2,
                           n - n / 2);
        }
        return rc;
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_add(out, line.data, line.len);
    }
    pxe_buf_free(&line);
    return rc;
}

/* Indexed by pxe_layout_e: what replaces "<build>/platform" in a name. */
static const char *const layout_target[PXE_LAYOUT_MAX + 1] = {
    [PXE_LAYOUT_LEGACY] = "platform-\\1",
    [PXE_LAYOUT_UNDERSCORE] = "platform_\\1",
    [PXE_LAYOUT_UNVERSIONED] = "platform",
};
static const char *const layout_note[PXE_LAYOUT_MAX + 1] = {
    [PXE_LAYOUT_CANONICAL] = "canonical",
    [PXE_LAYOUT_LEGACY] = "legacy-only, mapped",
    [PXE_LAYOUT_UNDERSCORE] = "platform_<build> only, mapped",
    [PXE_LAYOUT_UNVERSIONED] = "unversioned platform/ only, mapped",
};

int
pxe_remap_generate(const pxe_scan_t *scan, const char *prefix,
    pxe_buf_t *out)
{
    pxe_buf_t    pfx, rxp;
    const char **names = NULL;
    const char  *p;
    size_t       i, n, count[PXE_LAYOUT_MAX + 1] = { 0 };
    int          rc, l, k;

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
        names = calloc(scan->nbuilds, sizeof(*names));
        if (names == NULL) {
            rc = PXE_ENOMEM;
            goto done;
        }
    }
    for (i = 0; i < scan->nbuilds; i++) {
        if ((unsigned) scan->builds[i].layout <= PXE_LAYOUT_MAX) {
            count[scan->builds[i].layout]++;
        }
    }

    rc = pxe_buf_printf(out,
        "# tftp-hpa 5.2 remap rules (in.tftpd -m FILE), made by "
        "pxekit-remap generate.\n"
        "# Canonical names of builds that exist only as platform-<build>/, "
        "platform_<build>/\n"
        "# or an unversioned platform/ are served from that tree; every "
        "other name is\n"
        "# left as it is.\n"
        "# prefix: %s\n"
        "# builds: %zu (%zu legacy-only, %zu platform_<build>, "
        "%zu unversioned, %zu canonical)\n",
        pfx.len ? pfx.data : "(none)", scan->nbuilds,
        count[PXE_LAYOUT_LEGACY], count[PXE_LAYOUT_UNDERSCORE],
        count[PXE_LAYOUT_UNVERSIONED], count[PXE_LAYOUT_CANONICAL]);
    for (i = 0; rc == PXE_OK && i < scan->nbuilds; i++) {
        const pxe_build_t  *b = &scan->builds[i];

        rc = pxe_buf_printf(out, "#   %s %s%s%s", b->name,
                            (unsigned) b->layout <= PXE_LAYOUT_MAX
                            && layout_note[b->layout]
                                ? layout_note[b->layout] : "unknown",
                            b->bootable ? "" : ", not bootable",
                            b->disabled ? ", disabled" : "");
        for (k = 1; rc == PXE_OK && k <= PXE_LAYOUT_MAX; k++) {
            if (b->also & (1u << k)) {
                rc = pxe_buf_printf(out, ", also %s (not served)",
                                    pxe_layout_form((pxe_layout_e) k));
            }
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_addc(out, '\n');
        }
    }
    if (rc == PXE_OK && scan->unversioned != PXE_STAMP_NONE
        && scan->unversioned != PXE_STAMP_OK)
    {
        rc = pxe_buf_printf(out, "# %s\n",
                            pxe_stamp_describe(scan->unversioned));
    }
    if (rc != PXE_OK) {
        goto done;
    }
    if (scan->nbuilds == count[PXE_LAYOUT_CANONICAL]) {
        rc = pxe_buf_adds(out, "# Every build is canonical: no rule "
                          "needed.\n");
        goto done;
    }
    rc = pxe_buf_adds(out,
        "# A name with a \"..\" segment is never rewritten.\n"
        "e (^|/)\\.\\.(/|$)\n");
    for (l = PXE_LAYOUT_LEGACY; rc == PXE_OK && l <= PXE_LAYOUT_MAX; l++) {
        for (i = 0, n = 0; i < scan->nbuilds; i++) {
            if (scan->builds[i].layout == (pxe_layout_e) l) {
                names[n++] = scan->builds[i].name;
            }
        }
        if (n == 0) {
            continue;
        }
        if (n > 1) {
            qsort(names, n, sizeof(*names), cmp_name);
        }
        rc = pxe_buf_printf(out, "# <prefix>/<build>/platform/... -> "
                            "<prefix>/%s...\n",
                            pxe_layout_form((pxe_layout_e) l));
        if (rc == PXE_OK) {
            rc = rule_line(out, rxp.data, pfx.data, layout_target[l], names,
                           n);
        }
    }

done:
    free(names);
    pxe_buf_free(&pfx);
    pxe_buf_free(&rxp);
    return rc;
}
