/*
 * remap_cost.c: what glibc's regcomp() would make of a regex, estimated
 * from its text before regcomp ever sees it.  This is the fast path of
 * the check: regexes it calls cheap are compiled at once, regexes it
 * calls dangerous are refused at once, and every other one is compiled
 * first in a child process under a CPU-time limit (remap_vet.c), so the
 * model never has to be exact about glibc.
 */

#include <stdint.h>
#include <stdlib.h>

#include "pxekit.h"
#include "remap_int.h"

/* Per group depth, for copies(): size and most copies of the items
 * done, and of the last item (the one a repetition operator applies to). */
typedef struct {
    size_t  total, last, tmax, lmax;
} rx_frame_t;

/*
 * Per group depth, for shape(): of the alternative being read, whether it
 * can match the empty string so far; of the group, whether any finished
 * alternative can; of the last item, the same and its two depths.
 */
typedef struct {
    unsigned char   alt_null, grp_null, last_null;
    size_t          last_rep, last_empty, max_rep, max_empty;
} rx_shape_t;

static const char *skip_bracket(const char *rx);
static size_t nesting(const char *rx);
static size_t sat_add(size_t a, size_t b);
static size_t sat_mul(size_t a, size_t b);
static size_t copies(const char *rx, rx_frame_t *fr, size_t nframes,
    size_t *nodes);
static int bound(const char *p, size_t *min, const char **end);
static void shape_fold(rx_shape_t *f);
static void shape_open(rx_shape_t *f);
static void shape(const char *rx, rx_shape_t *fr, size_t nframes,
    pxe_remap_cost_t *cost);

int
pxe_remap_cost(const char *rx, pxe_remap_cost_t *cost)
{
    rx_frame_t  *frames;
    rx_shape_t  *shapes;

    cost->depth = nesting(rx);
    cost->copies = cost->nodes = cost->repeats = cost->empty_loops = 0;
    cost->backref = 0;
    frames = calloc(cost->depth + 1, sizeof(*frames));
    shapes = calloc(cost->depth + 1, sizeof(*shapes));
    if (frames == NULL || shapes == NULL) {
        free(frames);
        free(shapes);
        return PXE_ENOMEM;
    }
    cost->copies = copies(rx, frames, cost->depth + 1, &cost->nodes);
    shape(rx, shapes, cost->depth + 1, cost);
    free(frames);
    free(shapes);
    return PXE_OK;
}

/*
 * At the ']' that closes the bracket expression rx opens ("[...]"), or at
 * the NUL if none does.  Classes like "[:alpha:]" are skipped whole.
 */
static const char *
skip_bracket(const char *rx)
{
    rx++;
    if (*rx == '^') {
        rx++;
    }
    if (*rx == ']') {
        rx++;
    }
    while (*rx && *rx != ']') {
        if (rx[0] == '[' && (rx[1] == ':' || rx[1] == '.' || rx[1] == '=')) {
            char  end = rx[1];

            rx += 2;
            while (*rx && !(rx[0] == end && rx[1] == ']')) {
                rx++;
            }
            if (*rx) {
                rx++;
            }
        }
        if (*rx) {
            rx++;
        }
    }
    return rx;
}

/*
 * How deep the regex nests groups.  glibc's regcomp() recurses per level
 * and overflows an 8 MiB stack somewhere past 10000 (in.tftpd then dies
 * with SIGSEGV, and so would we), so a deep regex is compiled in the
 * child first.  Over-counting only sends more regexes there.
 */
static size_t
nesting(const char *rx)
{
    size_t  depth = 0, max = 0;

    for ( ; *rx; rx++) {
        if (rx[0] == '\\' && rx[1] != '\0') {
            rx++;
        } else if (rx[0] == '[') {
            rx = skip_bracket(rx);
            if (*rx == '\0') {
                break;
            }
        } else if (rx[0] == '(') {
            if (++depth > max) {
                max = depth;
            }
        } else if (rx[0] == ')' && depth > 0) {
            depth--;
        }
    }
    return max;
}

/* Saturating, so that the estimate below cannot wrap. */
static size_t
sat_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t
sat_mul(size_t a, size_t b)
{
    return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

/*
 * What glibc's regcomp() makes of the regex, roughly: *nodes in all, and
 * the most copies of any one piece (returned).  regcomp expands
 * repetition by copying the repeated subtree: "x+" is "xx*", "x{3,5}"
 * five copies, and stacked operators copy the copies, so
 * "(.++++++++++++++++++++++++++++++*)" asks for 2^30 (a fuzzer found it:
 * 2 GiB and counting), and 2^16 already spends minutes in its epsilon
 * closures.  in.tftpd would die or stall the same way, so such a regex
 * is refused before regcomp sees it.  Over-estimates only make the
 * limits stricter; real rules copy a piece a handful of times, and the
 * generated trie, long as it is, not at all.
 */
static size_t
copies(const char *rx, rx_frame_t *fr, size_t nframes, size_t *nodes)
{
    size_t       depth = 0, n, m, f, g, gmax;
    const char  *p, *q;

    fr[0].total = fr[0].last = fr[0].tmax = fr[0].lmax = 0;
    for (p = rx; *p; p++) {
        switch (*p) {
        case '*':
        case '?':
            fr[depth].last = sat_add(fr[depth].last, 1);
            continue;
        case '+':
            fr[depth].last = sat_mul(fr[depth].last, 2);
            fr[depth].lmax = sat_mul(fr[depth].lmax, 2);
            continue;
        case '{':
            /* A bound is "{n}", "{n,}" or "{n,m}"; anything else is
             * regcomp's to refuse, and costs one node here. */
            n = m = 0;
            for (q = p + 1; *q >= '0' && *q <= '9'; q++) {
                n = sat_add(sat_mul(n, 10), (size_t) (*q - '0'));
            }
            if (q > p + 1 && (*q == '}' || *q == ',')) {
                if (*q == ',') {
                    for (q++; *q >= '0' && *q <= '9'; q++) {
                        m = sat_add(sat_mul(m, 10), (size_t) (*q - '0'));
                    }
                }
                if (*q == '}') {
                    f = sat_add(m > n ? m : n, 1);
                    fr[depth].last = sat_mul(fr[depth].last, f);
                    fr[depth].lmax = sat_mul(fr[depth].lmax, f);
                    p = q;
                    continue;
                }
            }
            break;
        case '(':
            if (depth + 1 < nframes) {
                fr[depth].total = sat_add(fr[depth].total, fr[depth].last);
                fr[depth].tmax = fr[depth].tmax > fr[depth].lmax ? fr[depth].tmax
                                                        : fr[depth].lmax;
                depth++;
                fr[depth].total = fr[depth].last = fr[depth].tmax = fr[depth].lmax = 0;
            }
            continue;
        case ')':
            if (depth > 0) {
                g = sat_add(sat_add(fr[depth].total, fr[depth].last), 1);
                gmax = fr[depth].tmax > fr[depth].lmax ? fr[depth].tmax : fr[depth].lmax;
                depth--;
                fr[depth].total = sat_add(fr[depth].total, fr[depth].last);
                fr[depth].tmax = fr[depth].tmax > fr[depth].lmax ? fr[depth].tmax
                                                        : fr[depth].lmax;
                fr[depth].last = g;
                fr[depth].lmax = gmax > 1 ? gmax : 1;
            }
            continue;
        case '|':
            fr[depth].total = sat_add(fr[depth].total, fr[depth].last);
            fr[depth].tmax = fr[depth].tmax > fr[depth].lmax ? fr[depth].tmax
                                                    : fr[depth].lmax;
            fr[depth].last = fr[depth].lmax = 0;
            continue;
        case '\\':
            if (p[1] != '\0') {
                p++;
            }
            break;
        case '[':
            p = skip_bracket(p);
            if (*p == '\0') {
                p--;
            }
            break;
        default:
            break;
        }
        /* An atom: the previous item is complete. */
        fr[depth].total = sat_add(fr[depth].total, fr[depth].last);
        fr[depth].tmax = fr[depth].tmax > fr[depth].lmax ? fr[depth].tmax : fr[depth].lmax;
        fr[depth].last = 1;
        fr[depth].lmax = 1;
    }
    while (depth > 0) {
        g = sat_add(fr[depth].total, fr[depth].last);
        gmax = fr[depth].tmax > fr[depth].lmax ? fr[depth].tmax : fr[depth].lmax;
        depth--;
        fr[depth].total = sat_add(fr[depth].total, g);
        fr[depth].tmax = fr[depth].tmax > gmax ? fr[depth].tmax : gmax;
    }
    *nodes = sat_add(fr[0].total, fr[0].last);
    return fr[0].tmax > fr[0].lmax ? fr[0].tmax : fr[0].lmax;
}

/*
 * "{n}", "{n,}" or "{n,m}" at p: *min is n and *end the '}'.  0 when p
 * starts no valid bound (regcomp then reads or refuses it otherwise).
 */
static int
bound(const char *p, size_t *min, const char **end)
{
    const char  *q;
    size_t       n = 0;

    for (q = p + 1; *q >= '0' && *q <= '9'; q++) {
        n = sat_add(sat_mul(n, 10), (size_t) (*q - '0'));
    }
    if (q == p + 1 || (*q != '}' && *q != ',')) {
        return 0;
    }
    if (*q == ',') {
        for (q++; *q >= '0' && *q <= '9'; q++) {
            /* the upper bound does not change the shape */
        }
    }
    if (*q != '}') {
        return 0;
    }
    *min = n;
    *end = q;
    return 1;
}

/* The last item is complete: fold it into its alternative. */
static void
shape_fold(rx_shape_t *f)
{
    f->alt_null = f->alt_null && f->last_null;
    if (f->last_rep > f->max_rep) {
        f->max_rep = f->last_rep;
    }
    if (f->last_empty > f->max_empty) {
        f->max_empty = f->last_empty;
    }
    f->last_null = 1;                   /* no item yet: matches empty */
    f->last_rep = f->last_empty = 0;
}

static void
shape_open(rx_shape_t *f)
{
    f->alt_null = f->last_null = 1;
    f->grp_null = 0;
    f->last_rep = f->last_empty = f->max_rep = f->max_empty = 0;
}

/*
 * Two depths of the regex: how deep repetitions nest (stacked operators
 * count as nesting: "x*+" is 2), and how deep repetitions that must run
 * at least once nest over something that can match the empty string
 * ("x*+++++" is 5).  glibc's regcomp expands "x+" into "xx*", and for an
 * operand that can match empty every such copy multiplies the epsilon
 * closures it computes: here 4 of them compile in 0.01 s, 5 take 6-10 s
 * and 6 more than a minute, whatever the atom.  Over-counting (a '*'
 * with nothing before it, an anchor taken as an atom) only sends more
 * regexes to the child that measures them.
 */
static void
shape(const char *rx, rx_shape_t *fr, size_t nframes, pxe_remap_cost_t *cost)
{
    rx_shape_t  *f, *up;
    size_t       depth = 0, min;
    const char  *p, *end;

    shape_open(&fr[0]);
    for (p = rx; *p; p++) {
        f = &fr[depth];
        switch (*p) {
        case '*':
        case '?':
            f->last_rep++;
            f->last_null = 1;
            continue;
        case '+':
            f->last_rep++;
            f->last_empty += f->last_null;
            continue;
        case '{':
            if (!bound(p, &min, &end)) {
                break;                  /* a literal '{' */
            }
            f->last_rep++;
            if (min == 0) {
                f->last_null = 1;
            } else {
                f->last_empty += f->last_null;
            }
            p = end;
            continue;
        case '(':
            shape_fold(f);
            if (depth + 1 < nframes) {
                shape_open(&fr[++depth]);
            }
            continue;
        case ')':
            if (depth == 0) {
                break;                  /* a literal ')' in an ERE */
            }
            shape_fold(f);
            up = &fr[--depth];
            up->last_null = f->grp_null || f->alt_null;
            up->last_rep = f->max_rep;
            up->last_empty = f->max_empty;
            continue;
        case '|':
            shape_fold(f);
            f->grp_null = f->grp_null || f->alt_null;
            f->alt_null = 1;
            continue;
        case '^':
        case '$':
            shape_fold(f);
            continue;                   /* an anchor matches empty */
        case '\\':
            if (p[1] >= '1' && p[1] <= '9') {
                cost->backref = 1;
                shape_fold(f);
                p++;
                continue;               /* may match empty */
            }
            if (p[1] != '\0') {
                p++;
            }
            break;
        case '[':
            p = skip_bracket(p);
            if (*p == '\0') {
                p--;
            }
            break;
        default:
            break;
        }
        /* An atom that matches one character. */
        shape_fold(f);
        f->last_null = 0;
    }
    while (depth > 0) {                 /* unclosed: regcomp refuses it */
        f = &fr[depth];
        shape_fold(f);
        up = &fr[--depth];
        up->last_null = f->grp_null || f->alt_null;
        up->last_rep = f->max_rep;
        up->last_empty = f->max_empty;
    }
    shape_fold(&fr[0]);
    cost->repeats = fr[0].max_rep;
    cost->empty_loops = fr[0].max_empty;
}
