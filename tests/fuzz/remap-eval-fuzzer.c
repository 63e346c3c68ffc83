/*
 * remap-eval-fuzzer.c: a remap file and a requested name through the
 * evaluator (lib/remap.c), as in.tftpd 5.2 would run them.
 *
 * Input: byte 0 picks the client (bit 0: IPv6, bit 1: PUT), then the rule
 * file, a NUL, and the name.  Nothing is skipped: the parser compiles
 * what it cannot vouch for under the guard (see remap-parse-fuzzer.c),
 * and rules with a back-reference (glibc's matcher can take exponential
 * time) or a g rule (regexec repeated over a growing name) are evaluated
 * under the guard too, as `pxekit-remap test` does, the result checked in
 * its child.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"

#define FUZZ_MAX_LEN  4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const pxe_remap_t          *rm;
    const char                 *name;
    const pxe_remap_client_t   *client;
} eval_t;

/* One evaluation; a result is always a whole string within its bound. */
static int
evaluate(void *ctx, size_t i)
{
    const eval_t         *e = ctx;
    pxe_remap_outcome_e   o;
    pxe_buf_t             out;

    (void) i;
    pxe_buf_init(&out, PXE_REMAP_STRING_MAX, NULL);
    if (pxe_remap_eval(e->rm, e->name, e->client, &o, &out, NULL, NULL)
        == PXE_OK && (o == PXE_REMAP_SERVE || o == PXE_REMAP_DENY))
    {
        if (out.data == NULL || strlen(out.data) != out.len
            || out.len > PXE_REMAP_STRING_MAX)
        {
            abort();
        }
    }
    pxe_buf_free(&out);
    return 0;
}

static int
crashed(void *ctx, size_t i, pxe_guard_fail_e why, int sig)
{
    (void) ctx;
    (void) i;
    (void) sig;
    if (why == PXE_GUARD_CRASH) {
        abort();                        /* the child's abort() or worse */
    }
    return PXE_OK;                      /* glibc's matcher, too slow */
}

/* A g rule repeats regexec up to PXE_REMAP_GROWTH_MAX times over a
 * growing name, and glibc's matcher with groups is worse than linear in
 * it ("rg (.*)^ x" took seconds): the guard's business, as in `test`. */
static int
has_global(const pxe_remap_t *rm)
{
    size_t  i;

    for (i = 0; i < rm->nrules; i++) {
        if (rm->rules[i].flags & PXE_REMAP_GLOBAL) {
            return 1;
        }
    }
    return 0;
}

static int
has_backref(const uint8_t *p, size_t n)
{
    size_t  i;

    for (i = 0; i + 1 < n; i++) {
        if (p[i] == '\\' && p[i + 1] >= '1' && p[i + 1] <= '9') {
            return 1;
        }
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pxe_remap_t          rm;
    pxe_remap_client_t   c;
    pxe_guard_t          g;
    eval_t               e;
    const uint8_t       *nul;
    char                *name;
    size_t               rlen;

    if (size < 2 || size > FUZZ_MAX_LEN) {
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
        e.rm = &rm;
        e.name = name;
        e.client = &c;
        if (!has_backref(data, rlen) && !has_global(&rm)) {
            (void) evaluate(&e, 0);
        } else {
            memset(&g, 0, sizeof(g));
            g.n = 1;
            g.limit_us = 100000;
            g.ctx = &e;
            g.run = evaluate;
            g.failed = crashed;
            if (pxe_guard_run(&g) != PXE_OK) {
                abort();
            }
        }
    }
    pxe_remap_free(&rm);
    free(name);
    return 0;
}
