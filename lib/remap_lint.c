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
#include "remap_diag.h"

static int lint_add(pxe_remap_t *rm, unsigned line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int matches_everything(const pxe_remap_rule_t *r);
static int probe_loops(const pxe_remap_rule_t *r, char *example,
    size_t size);

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

/*
 * A g rule loops when some name keeps matching.  Probe with names that
 * the rule itself produces: its own replacement text, and the empty
 * name; run through the same evaluator (which detects hangs).
 */
static int
probe_loops(const pxe_remap_rule_t *r, char *example, size_t size)
{
    pxe_remap_t           one;
    pxe_remap_rule_t      copy;
    pxe_remap_client_t    c;
    pxe_remap_outcome_e   o;
    pxe_buf_t             out;
    char                  lit[256];
    const char           *p;
    const char           *probes[4];
    size_t                n = 0, i;
    int                   rc;

    for (p = r->replacement; *p && n < sizeof(lit) - 1; p++) {
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
    for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        pxe_buf_init(&out, PXE_REMAP_STRING_MAX, NULL);
        rc = pxe_remap_eval(&one, probes[i], &c, &o, &out, NULL, NULL);
        pxe_buf_free(&out);
        if (rc == PXE_OK && o == PXE_REMAP_HANG) {
            (void) snprintf(example, size, "%s", probes[i]);
            return 1;
        }
    }
    return 0;
}

int
pxe_remap_lint(pxe_remap_t *rm)
{
    const pxe_remap_rule_t  *r;
    const char              *p;
    size_t                   i, j, nrules = rm->nrules;
    unsigned                 action;
    int                      rc = PXE_OK;
    char                     example[128];

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
        if (rc == PXE_OK && (r->flags & PXE_REMAP_GLOBAL)
            && !(r->flags & PXE_REMAP_ABORT)
            && probe_loops(r, example, sizeof(example)))
        {
            rc = lint_add(rm, r->line, "g rule can loop forever (tftpd 5.2 "
                          "hangs), e.g. on \"%.60s\"", example);
        }
        if (rc == PXE_OK
            && (r->flags & (PXE_REMAP_EXIT | PXE_REMAP_ABORT))
            && !(r->flags & (PXE_REMAP_IPV4 | PXE_REMAP_IPV6))
            && r->mode == 0 && matches_everything(r))
        {
            for (j = i + 1; j < nrules && rc == PXE_OK; j++) {
                rc = lint_add(rm, rm->rules[j].line, "rule can never fire: "
                              "line %u stops every request first", r->line);
            }
            break;
        }
    }
    return rc;
}
