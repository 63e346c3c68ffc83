/*
 * remap_int.h: internal to libpxekit, shared by the remap sources: the
 * one way to add a diagnostic to a pxe_remap_t (bounded count; errors
 * counted even when no longer kept), the cost model of a regex
 * (remap_cost.c) and the child process that compiles the regexes the
 * model cannot vouch for (remap_vet.c).
 */

#ifndef PXEKIT_REMAP_INT_H
#define PXEKIT_REMAP_INT_H

#include <stdarg.h>
#include <stdint.h>

#include "pxekit.h"

int pxe_remap_diagv(pxe_remap_t *rm, unsigned line,
    pxe_remap_severity_e sev, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 0)))
#endif
    ;
int pxe_remap_diag(pxe_remap_t *rm, unsigned line,
    pxe_remap_severity_e sev, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Frees what a rule points to; safe on a half-built rule. */
void pxe_remap_rule_free(pxe_remap_rule_t *r);

/*
 * Regexes the model calls cheap: repetitions nested at most this deep
 * ("x*" yes, "(x+)*" no), no back-reference, at most this many nodes.
 * Compiled in-process at once; everything else goes to the child.
 */
#define PXE_REMAP_CHEAP_REPEATS  1
#define PXE_REMAP_CHEAP_NODES    2000

/* Repetitions over something that can match empty, nested this deep,
 * are refused without compiling: "x*+++++" spins regcomp for seconds. */
#define PXE_REMAP_EMPTY_LOOPS_MAX  4

/* The lint's probes of risky rules, under the guard: CPU per rule, and
 * for all of them on top of what compiling the file took. */
#define PXE_REMAP_PROBE_MS         100
#define PXE_REMAP_PROBE_BUDGET_MS  150

typedef struct {
    size_t      depth;          /* group nesting */
    size_t      copies;         /* most copies of one piece */
    size_t      nodes;          /* nodes in all (saturating) */
    size_t      repeats;        /* repetition nesting ("x*+" is 2) */
    size_t      empty_loops;    /* "+"-like nesting over a nullable operand */
    int         backref;        /* \1..\9 in the regex */
} pxe_remap_cost_t;

int pxe_remap_cost(const char *rx, pxe_remap_cost_t *cost);

/*
 * Compiles every rule whose regex is not compiled yet (rx NULL) in a
 * child process (guard.c), one rule at a time under PXE_REMAP_COMPILE_MS
 * of CPU and the whole file (rm->compile_us counts what the parser's own
 * compiles took) under PXE_REMAP_BUDGET_MS; then compiles in-process
 * those that passed.  Rules that did not are reported (a compile error,
 * or dangerous: too slow or the compiler crashed) and removed.
 */
int pxe_remap_vet(pxe_remap_t *rm);
/* A rule left out because the file's budget is spent (a danger). */
int pxe_remap_unchecked(pxe_remap_t *rm, unsigned line, uint64_t spent);

#endif
