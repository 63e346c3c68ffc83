/*
 * remap-eval-fuzzer.c: a remap file and a requested name through the
 * evaluator (lib/remap.c), as in.tftpd 5.2 would run them.
 *
 * Input: byte 0 picks the client (bit 0: IPv6, bit 1: PUT), then the rule
 * file, a NUL, and the name.  Inputs with more than two bounded
 * repetitions ({n}) are skipped (see remap-parse-fuzzer.c).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"

#define FUZZ_MAX_LEN  4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pxe_remap_t          rm;
    pxe_remap_client_t   c;
    pxe_remap_outcome_e  o;
    pxe_buf_t            out;
    const uint8_t       *nul;
    char                *name;
    size_t               i, braces = 0, rlen;

    if (size < 2 || size > FUZZ_MAX_LEN) {
        return 0;
    }
    for (i = 0; i < size; i++) {
        braces += data[i] == '{';
    }
    if (braces > 2) {
        return 0;
    }
    (void) pxe_remap_client(data[0] & 1 ? "2001:db8::7" : "192.0.2.7",
                            data[0] & 2, &c);
    data++;
    size--;
    nul = memchr(data, '\0', size);
    rlen = nul ? (size_t) (nul - data) : size;
    name = calloc(1, size - rlen + 1);
    if (name == NULL) {
        return 0;
    }
    if (nul != NULL) {
        memcpy(name, nul + 1, size - rlen - 1);
    }
    pxe_remap_init(&rm);
    if (pxe_remap_parse(&rm, (const char *) data, rlen) == PXE_OK) {
        pxe_buf_init(&out, PXE_REMAP_STRING_MAX, NULL);
        if (pxe_remap_eval(&rm, name, &c, &o, &out, NULL, NULL) == PXE_OK
            && (o == PXE_REMAP_SERVE || o == PXE_REMAP_DENY))
        {
            /* A result is always a whole string within its bound. */
            if (out.data == NULL || strlen(out.data) != out.len
                || out.len > PXE_REMAP_STRING_MAX)
            {
                abort();
            }
        }
        pxe_buf_free(&out);
    }
    pxe_remap_free(&rm);
    free(name);
    return 0;
}
