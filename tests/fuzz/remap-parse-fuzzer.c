/*
 * remap-parse-fuzzer.c: tftp-hpa 5.2 remap files through the parser and
 * the linter (lib/remap.c, lib/remap_lint.c; the linter also runs the
 * evaluator on probe names).
 *
 * Inputs with more than two bounded repetitions ({n}) are skipped: glibc's
 * regcomp expands them eagerly, so its memory grows as the product of the
 * counts, a property of glibc rather than of this code.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pxekit.h"

#define FUZZ_MAX_LEN  4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pxe_remap_t  rm;
    size_t       i, braces = 0;

    if (size > FUZZ_MAX_LEN) {
        return 0;
    }
    for (i = 0; i < size; i++) {
        braces += data[i] == '{';
    }
    if (braces > 2) {
        return 0;
    }
    pxe_remap_init(&rm);
    if (pxe_remap_parse(&rm, (const char *) data, size) == PXE_OK) {
        (void) pxe_remap_lint(&rm);
    }
    pxe_remap_free(&rm);
    pxe_remap_free(&rm);
    return 0;
}
