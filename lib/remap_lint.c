/*
 * remap_lint.c: what tftpd 5.2 accepts but a site does not want: rules
 * that can never fire or do nothing, replacements naming groups the regex
 * lacks, g rules that spin the server, inverted a rules with a message
 * (5.2 writes those outside its buffer).  pxekit-remap check reports these
 * beside the lines tftpd itself rejects.
 */

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"
#include "remap_int.h"

static int lint_add(pxe_remap_t *rm, unsigned line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int matches_everything(const pxe_remap_rule_t *r);
static void loop_probes(const pxe_remap_rule_t *r, char *lit, size_t size,
    const char **probes);
static int probe_loops(const pxe_remap_rule_t *r);
static int probe(const pxe_remap_rule_t *r);
static int risky(const pxe_remap_rule_t *r);
static int needs_probe(const pxe_remap_rule_t *r);
static int probe_wanted(void *ctx, size_t i);
static int probe_run(void *ctx, size_t i);
static int probe_done(void *ctx, size_t i, int result);
static int probe_failed(void *ctx, size_t i, pxe_guard_fail_e why, int sig);
static int has_backref(const pxe_remap_rule_t *r);
static int probe_warning(pxe_remap_t *rm, unsigned line, int why);

static int
lint_add(pxe_remap_t *rm, unsigned line, const char *fmt, ...)
{
    va_list  ap;
    int      rc;

    va_start(ap, fmt);
    rc = pxe_remap_diagv(rm, line, PXE_REMAP_WARNING, fmt, ap);
    va_end(ap);
    return rc;
}

/*
 * Whether the regex matches every name.  Proved only in the sense of a
 * few probes that differ in every way a regex could care about; enough to
 * flag `e ^` or `a .*` as shadowing what follows.
 */
static int
matches_everything(const pxe_remap_rule_t *r)
{
    static const char *const probes[] = {
        "", "x", "/", "a/b.c", "Z9-_", "//..//", "\t \x7f\xff"
    };
    size_t  i;

    if (r->flags & PXE_REMAP_INVERSE) {
        return 0;
    }
    for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        if (regexec(r->rx, probes[i], 0, NULL, 0) != 0) {
            return 0;
        }
    }
    return 1;
}

/* The names probe_loops() tries: the rule's own replacement text (its
 * literal part, into lit), the empty name, "a" and "/". */
#define LOOP_PROBES  4

static void
loop_probes(const pxe_remap_rule_t *r, char *lit, size_t size,
    const char **probes)
{
    const char  *p;
    size_t       n = 0;

    for (p = r->replacement; *p && n < size - 1; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            if (strchr("0123456789ULEix", *p) != NULL) {
                continue;
            }
        }
        lit[n++] = *p;
    }
    lit[n] = '\0';
    probes[0] = lit;
    probes[1] = "";
    probes[2] = "a";
    probes[3] = "/";
}

/*
 * A g rule loops when some name keeps matching.  Probe with names that
 * the rule itself produces (loop_probes()), run through the same
 * evaluator (which detects hangs).  The probe's index + 1, or 0.
 */
static int
probe_loops(const pxe_remap_rule_t *r)
{
    pxe_remap_t           one;
    pxe_remap_rule_t      copy;
    pxe_remap_client_t    c;
    pxe_remap_outcome_e   o;
    pxe_buf_t             out;
    char                  lit[256];
    const char           *probes[LOOP_PROBES];
    size_t                i;
    int                   rc;

    loop_probes(r, lit, sizeof(lit), probes);
    copy = *r;
    one.rules = &copy;
    one.nrules = 1;
    one.diags = NULL;
    one.ndiags = 0;
    one.nerrors = 0;
    (void) pxe_remap_client("127.0.0.1", (r->mode == 'P'), &c);
    if (r->flags & PXE_REMAP_IPV6) {
        (void) pxe_remap_client("::1", (r->mode == 'P'), &c);
    }
    for (i = 0; i < LOOP_PROBES; i++) {
        pxe_buf_init(&out, PXE_REMAP_STRING_MAX, NULL);
        rc = pxe_remap_eval(&one, probes[i], &c, &o, &out, NULL, NULL);
        pxe_buf_free(&out);
        if (rc == PXE_OK && o == PXE_REMAP_HANG) {
            return (int) i + 1;
        }
    }
    return 0;
}

/*
 * What the probes find about a rule, as one int (a guard result):
 * PROBE_EVERYTHING, and the loop probe's index + 1 above it.
 */
#define PROBE_EVERYTHING  0x01
#define PROBE_LOOP_SHIFT  1
#define PROBE_FAILED      (-1)          /* stopped: see probe_failed() */

static int
stops_all(const pxe_remap_rule_t *r)
{
    return (r->flags & (PXE_REMAP_EXIT | PXE_REMAP_ABORT))
           && !(r->flags & (PXE_REMAP_IPV4 | PXE_REMAP_IPV6))
           && r->mode == 0;
}

static int
loops(const pxe_remap_rule_t *r)
{
    return (r->flags & PXE_REMAP_GLOBAL) && !(r->flags & PXE_REMAP_ABORT);
}

static int
needs_probe(const pxe_remap_rule_t *r)
{
    return stops_all(r) || loops(r);
}

static int
probe(const pxe_remap_rule_t *r)
{
    int  bits = 0;

    if (stops_all(r) && matches_everything(r)) {
        bits |= PROBE_EVERYTHING;
    }
    if (loops(r)) {
        bits |= probe_loops(r) << PROBE_LOOP_SHIFT;
    }
    return bits;
}

/*
 * Probes that may not end in reasonable time run under the guard: a g
 * rule evaluates up to PXE_REMAP_GLOBAL_MAX times, a back-reference can
 * make glibc's matcher exponential, and a regex the cost model did not
 * call cheap can build large automata.
 */
static int
risky(const pxe_remap_rule_t *r)
{
    pxe_remap_cost_t  cost;

    if (loops(r)) {
        return 1;
    }
    if (pxe_remap_cost(r->regex, &cost) != PXE_OK) {
        return 1;
    }
    return cost.backref || cost.repeats > PXE_REMAP_CHEAP_REPEATS
           || cost.nodes > PXE_REMAP_CHEAP_NODES;
}

typedef struct {
    pxe_remap_t  *rm;
    int          *found;        /* per rule: probe() or PROBE_FAILED */
    unsigned char *guarded;     /* per rule: probed in the child */
    int          *why;          /* per rule: pxe_guard_fail_e when failed */
} lint_t;

static int probe_all(pxe_remap_t *rm, lint_t *l);

static int
probe_wanted(void *ctx, size_t i)
{
    return ((lint_t *) ctx)->guarded[i];
}

static int
probe_run(void *ctx, size_t i)
{
    return probe(&((lint_t *) ctx)->rm->rules[i]);
}

static int
probe_done(void *ctx, size_t i, int result)
{
    ((lint_t *) ctx)->found[i] = result;
    return PXE_OK;
}

static int
probe_failed(void *ctx, size_t i, pxe_guard_fail_e why, int sig)
{
    lint_t  *l = ctx;

    (void) sig;
    l->found[i] = PROBE_FAILED;
    l->why[i] = (int) why;
    return PXE_OK;
}

int
pxe_remap_lint(pxe_remap_t *rm)
{
    const pxe_remap_rule_t  *r;
    const char              *p;
    const char              *probes[LOOP_PROBES];
    size_t                   i, j, nrules = rm->nrules;
    unsigned                 action;
    int                      rc;
    char                     lit[256];
    lint_t                   l;

    rc = probe_all(rm, &l);
    for (i = 0; i < nrules && rc == PXE_OK; i++) {
        r = &rm->rules[i];
        action = r->flags & (PXE_REMAP_REWRITE | PXE_REMAP_ABORT
                             | PXE_REMAP_EXIT | PXE_REMAP_RESTART);

        if ((r->flags & PXE_REMAP_IPV4) && (r->flags & PXE_REMAP_IPV6)) {
            rc = lint_add(rm, r->line, "flags 4 and 6 together: the rule "
                          "can never fire");
        }
        if (rc == PXE_OK && r->gp_both) {
            rc = lint_add(rm, r->line, "flags G and P together: tftpd 5.2 "
                          "keeps only the last one (%c)", r->mode);
        }
        if (rc == PXE_OK && (r->flags & PXE_REMAP_GFLAG)
            && !(r->flags & PXE_REMAP_REWRITE))
        {
            rc = lint_add(rm, r->line, "flag g has no effect without r");
        }
        if (rc == PXE_OK && action == 0) {
            rc = lint_add(rm, r->line, "rule has no action (r, a, e or s): "
                          "it never changes anything");
        }
        if (rc == PXE_OK && r->replacement[0] != '\0'
            && !(r->flags & (PXE_REMAP_REWRITE | PXE_REMAP_ABORT)))
        {
            rc = lint_add(rm, r->line, "replacement \"%.60s\" is ignored "
                          "without r or a", r->replacement);
        }
        if (rc == PXE_OK && (r->flags & PXE_REMAP_ABORT)
            && (r->flags & PXE_REMAP_INVERSE) && r->replacement[0] != '\0')
        {
            rc = lint_add(rm, r->line, "an inverted a rule with a message "
                          "(\"%.60s\"): tftpd 5.2 writes it one byte before "
                          "its buffer and the client gets it without its "
                          "first character", r->replacement);
        }
        for (p = r->replacement; rc == PXE_OK && *p; p++) {
            if (p[0] == '\\' && p[1] != '\0') {
                p++;
                if (*p >= '1' && *p <= '9'
                    && (size_t) (*p - '0') > r->nsub)
                {
                    char  ref[3] = { '\\', *p, '\0' };

                    rc = lint_add(rm, r->line, "replacement refers to %s "
                                  "but the regex has %zu group(s): it "
                                  "expands to nothing", ref, r->nsub);
                }
            }
        }
        if (rc == PXE_OK && has_backref(r)) {
            rc = lint_add(rm, r->line, "regex has a back-reference: glibc's "
                          "matcher can take exponential time on some names "
                          "(long runs of one character), so one TFTP "
                          "request can keep in.tftpd busy for minutes");
        }
        if (rc == PXE_OK && l.found[i] == PROBE_FAILED) {
            rc = probe_warning(rm, r->line, l.why[i]);
        } else if (rc == PXE_OK && l.found[i] > 0
                   && (l.found[i] >> PROBE_LOOP_SHIFT) != 0)
        {
            loop_probes(r, lit, sizeof(lit), probes);
            rc = lint_add(rm, r->line, "g rule can loop forever (tftpd 5.2 "
                          "hangs), e.g. on \"%.60s\"",
                          probes[(l.found[i] >> PROBE_LOOP_SHIFT) - 1]);
        }
        if (rc == PXE_OK && l.found[i] > 0
            && (l.found[i] & PROBE_EVERYTHING))
        {
            for (j = i + 1; j < nrules && rc == PXE_OK; j++) {
                rc = lint_add(rm, rm->rules[j].line, "rule can never fire: "
                              "line %u stops every request first", r->line);
            }
            break;
        }
    }
    free(l.found);
    free(l.guarded);
    free(l.why);
    return rc;
}

/*
 * Runs every probe the lint needs: in this process for rules the cost
 * model calls cheap, under the guard for the rest, on the budget the
 * parser left (rm->compile_us).
 */
static int
probe_all(pxe_remap_t *rm, lint_t *l)
{
    pxe_guard_t  g;
    size_t       i, nguarded = 0;
    int          rc;

    l->rm = rm;
    l->found = calloc(rm->nrules + 1, sizeof(*l->found));
    l->guarded = calloc(rm->nrules + 1, 1);
    l->why = calloc(rm->nrules + 1, sizeof(*l->why));
    if (l->found == NULL || l->guarded == NULL || l->why == NULL) {
        return PXE_ENOMEM;
    }
    for (i = 0; i < rm->nrules; i++) {
        if (!needs_probe(&rm->rules[i])) {
            continue;
        }
        if (risky(&rm->rules[i])) {
            l->guarded[i] = 1;
            nguarded++;
        } else {
            l->found[i] = probe(&rm->rules[i]);
        }
    }
    if (nguarded == 0) {
        return PXE_OK;
    }
    memset(&g, 0, sizeof(g));
    g.n = rm->nrules;
    g.limit_us = PXE_GUARD_US(PXE_REMAP_PROBE_MS);
    g.budget_us = rm->compile_us + PXE_GUARD_US(PXE_REMAP_PROBE_BUDGET_MS);
    g.spent_us = rm->compile_us;
    g.ctx = l;
    g.wanted = probe_wanted;
    g.run = probe_run;
    g.done = probe_done;
    g.failed = probe_failed;
    rc = pxe_guard_run(&g);
    rm->compile_us = (unsigned long) g.spent_us;
    return rc;
}

static int
has_backref(const pxe_remap_rule_t *r)
{
    pxe_remap_cost_t  cost;

    return strchr(r->regex, '\\') != NULL
           && pxe_remap_cost(r->regex, &cost) == PXE_OK && cost.backref;
}

static int
probe_warning(pxe_remap_t *rm, unsigned line, int why)
{
    if (why == PXE_GUARD_SLOW) {
        return lint_add(rm, line, "probing this rule with a few short names "
                        "took more than %d ms of CPU: in.tftpd would be as "
                        "slow on such requests", PXE_REMAP_PROBE_MS);
    }
    if (why == PXE_GUARD_CRASH) {
        return lint_add(rm, line, "glibc's matcher crashed probing this "
                        "rule: in.tftpd would die on such requests");
    }
    return lint_add(rm, line, "rule not probed for loops and shadowing: "
                    "checking the rules before it took all the CPU a file "
                    "may take");
}
