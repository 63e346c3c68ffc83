/*
 * remap_vet.c: the regexes the cost model (remap_cost.c) cannot vouch
 * for are compiled first in a child process under a CPU limit (guard.c),
 * because a regex can keep glibc's regcomp() busy for minutes, and
 * in.tftpd, which compiles every rule at startup and on every SIGHUP,
 * would spin the same way and never answer.  Measuring with the very
 * compiler tftpd uses means the model need not be exact about glibc.
 */

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"
#include "remap_int.h"

typedef struct {
    pxe_remap_t    *rm;
    unsigned char  *ok;         /* per rule: compiled in the child */
} vet_t;

static int vet_wanted(void *ctx, size_t i);
static int vet_run(void *ctx, size_t i);
static uint64_t vet_charge(void *ctx, int result, uint64_t cpu_us);
static int vet_done(void *ctx, size_t i, int result);
static int vet_failed(void *ctx, size_t i, pxe_guard_fail_e why, int sig);
static int finish(pxe_remap_t *rm, const unsigned char *ok);
static int sort_diags(pxe_remap_t *rm, size_t n0);

int
pxe_remap_vet(pxe_remap_t *rm)
{
    pxe_guard_t  g;
    vet_t        v;
    size_t       i, ndiags0 = rm->ndiags;
    int          rc, frc;

    for (i = 0; i < rm->nrules && rm->rules[i].rx != NULL; i++) {
        /* the model vouched for these */
    }
    if (i == rm->nrules) {
        return PXE_OK;
    }
    v.rm = rm;
    v.ok = calloc(rm->nrules, 1);
    if (v.ok == NULL) {
        return PXE_ENOMEM;
    }
    memset(&g, 0, sizeof(g));
    g.n = rm->nrules;
    g.limit_us = PXE_GUARD_US(PXE_REMAP_COMPILE_MS);
    g.budget_us = PXE_GUARD_US(PXE_REMAP_BUDGET_MS);
    g.spent_us = rm->compile_us;
    g.ctx = &v;
    g.wanted = vet_wanted;
    g.run = vet_run;
    g.charge = vet_charge;
    g.done = vet_done;
    g.failed = vet_failed;
    rc = pxe_guard_run(&g);
    rm->compile_us = (unsigned long) g.spent_us;
    if (rc != PXE_OK) {
        memset(v.ok, 0, rm->nrules);    /* nothing half-vetted is used */
    }
    frc = finish(rm, v.ok);
    free(v.ok);
    if (rc == PXE_OK) {
        rc = frc;
    }
    return rc != PXE_OK ? rc : sort_diags(rm, ndiags0);
}

/* A rule left out because the file's budget is spent (a danger). */
int
pxe_remap_unchecked(pxe_remap_t *rm, unsigned line, uint64_t spent)
{
    return pxe_remap_diag(rm, line, PXE_REMAP_DANGER, "regex not checked: "
        "checking the regexes before it already took %llu ms of CPU (a "
        "file may take %d): in.tftpd would spend comparable time compiling "
        "them at startup and on every reload",
        (unsigned long long) (spent / 1000 / PXE_GUARD_SCALE),
        PXE_REMAP_BUDGET_MS);
}

static int
vet_wanted(void *ctx, size_t i)
{
    const vet_t  *v = ctx;

    return v->rm->rules[i].rx == NULL;
}

static int
vet_run(void *ctx, size_t i)
{
    const pxe_remap_rule_t  *r = &((vet_t *) ctx)->rm->rules[i];
    regex_t                  rx;
    int                      rc;

    rc = regcomp(&rx, r->regex, REG_EXTENDED
                 | ((r->flags & PXE_REMAP_ICASE) ? REG_ICASE : 0));
    if (rc == 0) {
        regfree(&rx);
    }
    return rc;
}

/* A regex that compiled is compiled once more here (finish()): the
 * budget pays for both. */
static uint64_t
vet_charge(void *ctx, int result, uint64_t cpu_us)
{
    (void) ctx;
    return result == 0 ? 2 * cpu_us : cpu_us;
}

static int
vet_done(void *ctx, size_t i, int result)
{
    vet_t                   *v = ctx;
    const pxe_remap_rule_t  *r = &v->rm->rules[i];
    regex_t                  dummy;
    char                     err[128];

    if (result == 0) {
        v->ok[i] = 1;
        return PXE_OK;
    }
    memset(&dummy, 0, sizeof(dummy));
    (void) regerror(result, &dummy, err, sizeof(err));
    return pxe_remap_diag(v->rm, r->line, PXE_REMAP_ERROR,
        "regex \"%.60s\" does not compile: %s (in.tftpd exits with "
        "status 78)", r->regex, err);
}

static int
vet_failed(void *ctx, size_t i, pxe_guard_fail_e why, int sig)
{
    vet_t     *v = ctx;
    unsigned   line = v->rm->rules[i].line;

    switch (why) {
    case PXE_GUARD_SLOW:
        return pxe_remap_diag(v->rm, line, PXE_REMAP_DANGER,
            "regex too costly for glibc's regcomp (more than %d ms of "
            "CPU; stopped there): in.tftpd would stall compiling it at "
            "startup and on every reload (SIGHUP), for minutes on some "
            "regexes", PXE_REMAP_COMPILE_MS);
    case PXE_GUARD_CRASH:
        return pxe_remap_diag(v->rm, line, PXE_REMAP_DANGER,
            "glibc's regcomp crashed on this regex (signal %d): in.tftpd "
            "would die the same way at startup", sig);
    default:
        return pxe_remap_unchecked(v->rm, line, PXE_GUARD_US(PXE_REMAP_BUDGET_MS));
    }
}

/*
 * Compiles in this process what the child compiled in time (it costs
 * what it cost there) and drops every rule still not compiled.
 */
static int
finish(pxe_remap_t *rm, const unsigned char *ok)
{
    pxe_remap_rule_t  *r;
    size_t             i, kept = 0;
    int                rc = PXE_OK;

    for (i = 0; i < rm->nrules; i++) {
        r = &rm->rules[i];
        if (r->rx == NULL && ok[i] && rc == PXE_OK) {
            r->rx = malloc(sizeof(regex_t));
            if (r->rx == NULL
                || regcomp(r->rx, r->regex, REG_EXTENDED
                           | ((r->flags & PXE_REMAP_ICASE) ? REG_ICASE : 0))
                   != 0)
            {
                free(r->rx);
                r->rx = NULL;
                rc = PXE_ENOMEM;        /* it compiled in the child */
            } else {
                r->nsub = ((regex_t *) r->rx)->re_nsub;
            }
        }
        if (r->rx == NULL) {
            pxe_remap_rule_free(r);
            continue;
        }
        rm->rules[kept++] = *r;
    }
    rm->nrules = kept;
    return rc;
}

/* The parser's diagnostics [0, n0) and ours [n0, ndiags) are each in
 * line order: merge them. */
static int
sort_diags(pxe_remap_t *rm, size_t n0)
{
    pxe_remap_diag_t  *m;
    size_t             a = 0, b = n0, k = 0;

    if (n0 == 0 || n0 == rm->ndiags) {
        return PXE_OK;
    }
    m = malloc(rm->ndiags * sizeof(*m));
    if (m == NULL) {
        return PXE_ENOMEM;
    }
    while (a < n0 || b < rm->ndiags) {
        if (b == rm->ndiags
            || (a < n0 && rm->diags[a].line <= rm->diags[b].line))
        {
            m[k++] = rm->diags[a++];
        } else {
            m[k++] = rm->diags[b++];
        }
    }
    free(rm->diags);
    rm->diags = m;
    return PXE_OK;
}
