/*
 * ipxe_efi.c: SmartOS entries on EFI iPXE.
 *
 * SmartOS boots by multiboot, which only BIOS iPXE offers: stock EFI iPXE
 * (Debian's ipxe.efi and snponly.efi, what the UEFI clients of a site get)
 * has no multiboot2 and answers a SmartOS `boot` with "Exec format
 * error", which tells an operator nothing.  So every SmartOS entry first
 * tests ${platform}: on efi it chains the site's EFI loader
 * (pxekit_efi_chain, e.g. a multiboot2-capable iPXE build) or says why it
 * cannot go on, and exits with a failure status, on which the firmware
 * tries its next boot option (a status of 0 would stop it in its setup
 * screen).
 */

#include <string.h>

#include "pxekit_private.h"

/* Said on the console before anything else, in the menu and a script. */
#define EFI_WHY  "echo pxekit: ${pxekit-build}: this is EFI iPXE, which" \
                 " cannot start SmartOS (no multiboot2).\n"

int
pxe_ipxe_efi_guard(pxe_buf_t *out)
{
    return pxe_buf_adds(out, "iseq ${platform} efi && goto pxekit-efi ||\n");
}

int
pxe_ipxe_efi_section(pxe_buf_t *out, const pxe_ipxe_opts_t *opts,
    int in_menu)
{
    int  rc;

    rc = pxe_buf_adds(out, "\n:pxekit-efi\n" EFI_WHY);
    if (rc != PXE_OK) {
        return rc;
    }
    if (opts->efi_chain != NULL) {
        /* The chained loader's own failure returns here, then moves on. */
        return pxe_buf_printf(out, "echo pxekit: chaining %.*s"
                              " (pxekit_efi_chain)\n"
                              "chain --autofree %.*s || goto pxekit-failed\n",
                              (int) opts->efi_chain_len, opts->efi_chain,
                              (int) opts->efi_chain_len, opts->efi_chain);
    }
    rc = pxe_buf_adds(out, "echo pxekit: boot this machine in BIOS/CSM mode,"
                      " or set pxekit_efi_chain to an EFI loader that can.\n"
                      "echo pxekit: leaving iPXE: the firmware goes on"
                      " with its next boot option.\n");
    if (rc == PXE_OK && in_menu) {
        rc = pxe_buf_adds(out, "prompt --timeout 5000 Press a key for the"
                          " menu && goto pxekit-menu ||\n");
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "exit 1\n");
    }
    return rc;
}
