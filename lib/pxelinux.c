/*
 * pxelinux.c: a pxelinux.cfg fragment for sites whose machines boot
 * PXELINUX (syslinux) instead of iPXE.  SmartOS is a multiboot kernel,
 * which PXELINUX loads through mboot.c32: the kernel and its modules are
 * one `append` line, separated by " --- ", each path relative to the
 * directory pxelinux.0 was loaded from.
 *
 * The config is read by a boot loader, not by a shell, but it is still
 * code: a blank or newline in a value would start a new module or a new
 * directive.  So the same checks as the iPXE writer's apply (build names
 * by their parser, -B values by pxe_ipxe_check_opts(), the prefix by
 * pxe_remap_prefix()), and the -B text comes from the same function.
 */

#include <string.h>

#include "pxekit_private.h"

#define LABEL_PREFIX    "smartos-"
#define LABEL_RESCUE    "-rescue"

static int add_path(pxe_buf_t *out, const char *pfx, const char *name,
    pxe_file_e file);
static int add_label(pxe_buf_t *out, const char *pfx, const pxe_build_t *b,
    const pxe_ipxe_opts_t *opts, int rescue);

/* " <pfx>/<build>/platform/...": one canonical path, blank first. */
static int
add_path(pxe_buf_t *out, const char *pfx, const char *name, pxe_file_e file)
{
    int  rc;

    rc = pxe_buf_printf(out, " %s%s", pfx, *pfx ? "/" : "");
    if (rc == PXE_OK) {
        rc = pxe_build_url(name, file, out);
    }
    return rc;
}

static int
add_label(pxe_buf_t *out, const char *pfx, const pxe_build_t *b,
    const pxe_ipxe_opts_t *opts, int rescue)
{
    const char  *sfx = rescue ? LABEL_RESCUE : "";
    int          rc;

    rc = pxe_buf_printf(out, "\nlabel " LABEL_PREFIX "%s%s\n"
                        "  menu label SmartOS %s%s\n"
                        "  kernel %s%smboot.c32\n"
                        "  append", b->name, sfx, b->name,
                        rescue ? " rescue (noimport)" : "",
                        pfx, *pfx ? "/" : "");
    if (rc == PXE_OK) {
        rc = add_path(out, pfx, b->name, PXE_FILE_KERNEL);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_addc(out, ' ');
    }
    if (rc == PXE_OK) {
        rc = pxe_ipxe_bootargs(out, opts, rescue ? PXE_RESCUE_ARGS : NULL);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, " ---");
    }
    if (rc == PXE_OK) {
        rc = add_path(out, pfx, b->name, PXE_FILE_ARCHIVE);
    }
    /* The core says whether a boot fetches the hash: the scan found it. */
    if (rc == PXE_OK && pxe_build_boot_file(b, PXE_FILE_HASH)) {
        rc = pxe_buf_adds(out, " ---");
        if (rc == PXE_OK) {
            rc = add_path(out, pfx, b->name, PXE_FILE_HASH);
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_addc(out, '\n');
    }
    return rc;
}

int
pxe_pxelinux_cfg(const pxe_scan_t *scan, const char *prefix,
    const pxe_ipxe_opts_t *opts, pxe_buf_t *out)
{
    const pxe_build_t  *def, *b;
    pxe_buf_t           pfx;
    size_t              i, n = 0;
    int                 rc;

    pxe_buf_init(&pfx, PXE_PATH_MAX, NULL);
    rc = pxe_ipxe_check_opts(opts);
    if (rc == PXE_OK) {
        rc = pxe_remap_prefix(prefix, &pfx);
    }
    def = pxe_scan_pick(scan, NULL);
    if (rc == PXE_OK && def == NULL) {
        rc = PXE_ENOENT;
    }
    if (rc != PXE_OK) {
        goto done;
    }
    for (i = 0; i < scan->nbuilds; i++) {
        n += pxe_build_usable(&scan->builds[i]) ? 1 : 0;
    }

    rc = pxe_buf_printf(out,
        "# pxelinux.cfg fragment made by pxekit-remap pxelinux: %zu "
        "bootable build(s),\n"
        "# newest first.  Paths are relative to pxelinux.0's directory;\n"
        "# mboot.c32 is loaded as %s%smboot.c32, its com32 libraries\n"
        "# from beside pxelinux.0.\n"
        "default " LABEL_PREFIX "%s\n", n,
        pfx.data, pfx.len ? "/" : "", def->name);
    for (i = 0; rc == PXE_OK && i < scan->nbuilds; i++) {
        b = &scan->builds[i];
        if (!pxe_build_usable(b)) {
            continue;
        }
        rc = add_label(out, pfx.data, b, opts, 0);
        if (rc == PXE_OK) {
            rc = add_label(out, pfx.data, b, opts, 1);
        }
    }

done:
    pxe_buf_free(&pfx);
    if (rc != PXE_OK) {
        pxe_buf_free(out);
    }
    return rc;
}
