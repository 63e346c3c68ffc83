/*
 * template-fuzzer.c: lib/template.c.  A template that passes the check
 * must expand (or fail whole with PXE_ETOOBIG) into a bounded buffer; an
 * unchecked one must never write past it either.  Compiled pieces, run
 * per packet by the Kea hook, must give the same bytes and errors.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pxekit_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pxe_vars_t  vars;
    pxe_buf_t   b;
    char        out[PXE_OPTION_MAX + 1];
    size_t      where = 0;
    int         rc;

    if (size > 2048) {
        return 0;
    }
    memset(&vars, 0, sizeof(vars));
    vars.v[PXE_VAR_MAC].data = "52:54:00:12:34:56";
    vars.v[PXE_VAR_MAC].len = 17;
    vars.v[PXE_VAR_IP].data = "192.0.2.100";
    vars.v[PXE_VAR_IP].len = 11;
    vars.v[PXE_VAR_ARCH].data = "7";
    vars.v[PXE_VAR_ARCH].len = 1;
    vars.v[PXE_VAR_NEXT_SERVER].data = "192.0.2.10";
    vars.v[PXE_VAR_NEXT_SERVER].len = 10;

    rc = pxe_template_check((const char *) data, size, &where);
    if (rc != PXE_OK && where > size) {
        __builtin_trap();
    }
    pxe_buf_init_fixed(&b, out, sizeof(out));
    if (pxe_template_expand((const char *) data, size, &vars, &b) == PXE_OK) {
        if (rc != PXE_OK || b.len > PXE_OPTION_MAX || out[b.len] != '\0') {
            __builtin_trap();
        }
    } else if (b.len != 0) {
        __builtin_trap();
    }
    {
        pxe_tpiece_t  pieces[64];
        char          run[PXE_OPTION_MAX];
        size_t        n = 0, len = 0;
        int           crc;

        crc = pxe_template_compile((const char *) data, size, pieces, 64, &n);
        if (crc != PXE_ETOOBIG && crc != rc) {
            __builtin_trap();
        }
        if (crc == PXE_OK) {
            int  rrc = pxe_template_run((const char *) data, pieces, n,
                                        &vars, run, sizeof(run), &len);

            pxe_buf_init_fixed(&b, out, sizeof(out));
            if (rrc != pxe_template_expand((const char *) data, size, &vars,
                                           &b)
                || len != (rrc == PXE_OK ? b.len : 0)
                || memcmp(run, out, len) != 0)
            {
                __builtin_trap();
            }
        }
    }
    pxe_buf_init(&b, PXE_BOOTFILE_MAX, NULL);
    (void) pxe_template_expand((const char *) data, size, &vars, &b);
    pxe_buf_free(&b);
    return 0;
}
