/*
 * remap-parse-fuzzer.c: tftp-hpa 5.2 remap files through the parser and
 * the linter (lib/remap.c, remap_cost.c, remap_vet.c, guard.c,
 * remap_lint.c; the linter also runs the evaluator on probe names).
 *
 * Nothing is skipped: a regex the cost model cannot vouch for is compiled
 * in the guard's child under a CPU limit, so even the repetitions that
 * make glibc's regcomp run for minutes end within the per-input timeout,
 * as findings.  Every finding must name a line of the input.
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
    pxe_remap_t  rm;
    size_t       i, lines = 1;
    int          rc;

    if (size > FUZZ_MAX_LEN) {
        return 0;
    }
    for (i = 0; i < size; i++) {
        lines += data[i] == '\n';
    }
    pxe_remap_init(&rm);
    rc = pxe_remap_parse(&rm, (const char *) data, size);
    if (rc == PXE_OK) {
        rc = pxe_remap_lint(&rm);
    }
    if (rc == PXE_EIO) {
        abort();                        /* the guard could not run */
    }
    for (i = 0; i < rm.ndiags; i++) {
        if (rm.diags[i].line == 0 || rm.diags[i].line > lines
            || (i > 0 && rm.diags[i].line < rm.diags[i - 1].line
                && rm.diags[i].severity != PXE_REMAP_WARNING))
        {
            abort();
        }
    }
    if ((rm.nerrors != 0) != (rc == PXE_ESYNTAX) || rm.ndanger > rm.nerrors) {
        abort();
    }
    for (i = 0; i < rm.nrules; i++) {
        if (rm.rules[i].rx == NULL) {
            abort();                    /* nothing uncompiled is kept */
        }
    }
    pxe_remap_free(&rm);
    pxe_remap_free(&rm);
    return 0;
}
