/*
 * import-dnsmasq-fuzzer.c: lib/import_dnsmasq.c, import_dnsmasq_match.c
 * and lib/import.c (dnsmasq lines, dhcp-match values and their Kea class
 * tests, tags as conditions, decision lists, the JSON writers).  The
 * input is the file.  Bounds under test: length (the .options max_len,
 * 4095-byte lines), tags (256), combinations (PXE_IMPORT_ENTRIES_MAX).
 * On success both outputs must be written; on failure the message must
 * name the file.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pxe_import_t       *im = NULL;
    pxe_import_opts_t   opts = { size % 2 ? "192.0.2.1" : NULL };
    pxe_buf_t           err, out;
    const char         *name = "f", *text = (const char *) data;
    size_t              i;
    int                 rc;

    pxe_buf_init(&err, 4096, NULL);
    rc = pxe_import_dnsmasq(&im, 1, &name, &text, &size, &opts, &err);
    if (rc != PXE_OK) {
        if (im != NULL || err.len == 0 || err.data[0] != 'f') {
            abort();
        }
        pxe_buf_free(&err);
        return 0;
    }
    for (i = 0; i < pxe_import_nnotes(im); i++) {
        if (strncmp(pxe_import_note(im, i), "f:", 2) != 0) {
            abort();
        }
    }
    pxe_buf_init(&out, 64 * 1024 * 1024, NULL);
    if (pxe_import_params(im, &out) != PXE_OK || out.len == 0) {
        abort();
    }
    pxe_buf_reset(&out);
    if (pxe_import_kea(im, "/h.so", &out) != PXE_OK || out.len == 0) {
        abort();
    }
    pxe_buf_free(&out);
    pxe_buf_free(&err);
    pxe_import_free(im);
    return 0;
}
