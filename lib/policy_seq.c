/*
 * policy_seq.c: the patterns sites write most after plain text, answered
 * without PCRE2.  "^52:54:00:[0-9a-f]{2}:1c:" or "^PXEClient:Arch:0000[79]"
 * are a fixed sequence of byte sets: no variable repetition, so there is
 * nothing to backtrack and one pass over the subject decides.  A few
 * alternatives ("^(00:25:90|0c:c4:7a):") are expanded into as many
 * sequences (PXE_SEQ_ALTS): the pattern matches when one of them does.
 * A JITed PCRE2 call costs ~250 instructions even when it fails at the
 * first byte; this costs a few per byte compared.
 *
 * Only what PCRE2 takes the same way under load_pattern's options (bytes,
 * no UTF, default newline LF, default character tables) is accepted; any
 * other construct, however simple, leaves the pattern to PCRE2, which
 * stays the judge of what is valid (it has compiled the pattern first).
 * tests/unit/test_policy_seq.c and the pattern fuzzer compare the two.
 */

#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

static int is_plain(unsigned char c);
static int is_punct(unsigned char c);
static int add_set(pxe_seq_t *q, const uint32_t set[8]);
static int parse_class(const char *p, size_t len, size_t *i, uint32_t set[8]);
static int newline_is_lf(void);

/* Groups nest at most this deep here (PCRE2 takes 32). */
#define SEQ_DEPTH  4

typedef struct {
    size_t         n;
    pxe_seq_alt_t  a[PXE_SEQ_ALTS];
} seq_list_t;

typedef struct {
    const char    *p;
    size_t         len;
    size_t         i;
    pxe_seq_t     *q;                   /* its sets */
} seq_parse_t;

static int parse_branches(seq_parse_t *ps, int depth, seq_list_t *out);
static int parse_atom(seq_parse_t *ps, seq_list_t *cur);
static int cross(seq_list_t *cur, const seq_list_t *sub);

#define SET_ADD(set, c)  ((set)[(c) >> 5] |= 1u << ((c) & 31))

/* A byte PCRE2 takes as itself outside a class. */
static int
is_plain(unsigned char c)
{
    return c >= 0x20 && c <= 0x7e && strchr("\\^$.[]|()?*+{}", c) == NULL;
}

/* After a backslash, ASCII punctuation is always literal in PCRE2. */
static int
is_punct(unsigned char c)
{
    return c >= 0x21 && c <= 0x7e && !(c >= '0' && c <= '9')
           && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z');
}

static int
newline_is_lf(void)
{
    static int  lf = -1;
    uint32_t    nl = 0;

    if (lf < 0) {
        lf = pcre2_config(PCRE2_CONFIG_NEWLINE, &nl) >= 0
             && nl == PCRE2_NEWLINE_LF;
    }
    return lf;
}

/* Index + 1 of set in q->sets (added if new), 0 when there is no room. */
static int
add_set(pxe_seq_t *q, const uint32_t set[8])
{
    size_t  k;

    for (k = 0; k < q->nsets; k++) {
        if (memcmp(q->sets[k], set, sizeof(q->sets[k])) == 0) {
            return (int) k + 1;
        }
    }
    if (q->nsets == PXE_SEQ_SETS) {
        return 0;
    }
    memcpy(q->sets[q->nsets], set, sizeof(q->sets[0]));
    return ++q->nsets;
}

/*
 * "[...]" from p[*i] (the '['): plain bytes, escaped punctuation, \d,
 * ranges of plain or escaped bytes, a leading '^', a '-' first or last.
 * 0 for anything else (POSIX classes, ']' first, other escapes).
 */
static int
parse_class(const char *p, size_t len, size_t *i, uint32_t set[8])
{
    size_t         j = *i + 1, k;
    int            negate = 0, first = 1;
    unsigned char  lo, hi, c;

    memset(set, 0, 8 * sizeof(uint32_t));
    if (j < len && p[j] == '^') {
        negate = 1;
        j++;
    }
    for ( ;; first = 0) {
        if (j >= len) {
            return 0;
        }
        c = (unsigned char) p[j];
        if (c == ']' && !first) {
            break;
        }
        if (c == '\\') {
            if (j + 1 >= len) {
                return 0;
            }
            c = (unsigned char) p[j + 1];
            if (c == 'd') {
                for (k = '0'; k <= '9'; k++) {
                    SET_ADD(set, k);
                }
                j += 2;
                continue;
            }
            if (!is_punct(c)) {
                return 0;
            }
            lo = c;
            j += 2;
        } else if (c == '-' && (first || (j + 1 < len && p[j + 1] == ']'))) {
            lo = c;
            j++;
        } else if (c >= 0x20 && c <= 0x7e && c != '[' && c != ']'
                   && c != '-')
        {
            lo = c;
            j++;
        } else {
            return 0;
        }
        hi = lo;
        if (j + 1 < len && p[j] == '-' && p[j + 1] != ']') {
            c = (unsigned char) p[j + 1];
            if (c == '\\' && j + 2 < len && is_punct((unsigned char) p[j + 2])) {
                hi = (unsigned char) p[j + 2];
                j += 3;
            } else if (c >= 0x20 && c <= 0x7e && c != '\\' && c != '['
                       && c != ']')
            {
                hi = c;
                j += 2;
            } else {
                return 0;
            }
            if (hi < lo) {
                return 0;
            }
        }
        for (k = lo; k <= hi; k++) {
            SET_ADD(set, k);
        }
    }
    if (negate) {
        for (k = 0; k < 8; k++) {
            set[k] = ~set[k];
        }
    }
    *i = j + 1;
    return 1;
}

/*
 * One atom (a byte, an escaped byte, \d, '.', a class) and its optional
 * {n}, appended to every sequence of cur.
 */
static int
parse_atom(seq_parse_t *ps, seq_list_t *cur)
{
    const char     *p = ps->p;
    uint32_t        set[8];
    size_t          i = ps->i, k, j, count = 1, start;
    unsigned char   c = (unsigned char) p[i], byte = c;
    int             which = 0;

    if (is_plain(c)) {
        i++;
    } else if (c == '\\' && i + 1 < ps->len) {
        c = (unsigned char) p[i + 1];
        if (c == 'd') {
            memset(set, 0, sizeof(set));
            for (k = '0'; k <= '9'; k++) {
                SET_ADD(set, k);
            }
            if ((which = add_set(ps->q, set)) == 0) {
                return 0;
            }
        } else if (is_punct(c)) {
            byte = c;
        } else {
            return 0;
        }
        i += 2;
    } else if (c == '.') {
        if (!newline_is_lf()) {
            return 0;
        }
        memset(set, 0xff, sizeof(set));
        set['\n' >> 5] &= ~(1u << ('\n' & 31));
        if ((which = add_set(ps->q, set)) == 0) {
            return 0;
        }
        i++;
    } else if (c == '[') {
        if (!parse_class(p, ps->len, &i, set)
            || (which = add_set(ps->q, set)) == 0)
        {
            return 0;
        }
    } else {
        return 0;
    }
    if (i < ps->len && p[i] == '{') {
        count = 0;
        for (i++; i < ps->len && p[i] >= '0' && p[i] <= '9'; i++) {
            count = count * 10 + (size_t) (p[i] - '0');
            if (count > PXE_SEQ_MAX) {
                return 0;
            }
        }
        if (i >= ps->len || p[i] != '}' || count == 0) {
            return 0;
        }
        i++;
    }
    for (j = 0; j < cur->n; j++) {
        pxe_seq_alt_t  *a = &cur->a[j];

        start = a->n;
        if (start + count > PXE_SEQ_MAX) {
            return 0;
        }
        for (k = 0; k < count; k++) {
            a->set_of[start + k] = (uint8_t) which;
            a->byte[start + k] = byte;
        }
        a->n = (uint8_t) (start + count);
    }
    ps->i = i;
    return 1;
}

/* cur = every sequence of cur followed by every one of sub. */
static int
cross(seq_list_t *cur, const seq_list_t *sub)
{
    seq_list_t  out;
    size_t      x, y;

    if (cur->n * sub->n > PXE_SEQ_ALTS) {
        return 0;
    }
    out.n = 0;
    for (x = 0; x < cur->n; x++) {
        for (y = 0; y < sub->n; y++) {
            const pxe_seq_alt_t  *a = &cur->a[x], *b = &sub->a[y];
            pxe_seq_alt_t        *o = &out.a[out.n++];

            if (a->n + b->n > PXE_SEQ_MAX) {
                return 0;
            }
            *o = *a;
            memcpy(o->byte + a->n, b->byte, b->n);
            memcpy(o->set_of + a->n, b->set_of, b->n);
            o->n = (uint8_t) (a->n + b->n);
        }
    }
    *cur = out;
    return 1;
}

/*
 * Alternatives up to a ')' or the end, expanded into out.  Anchors only
 * where they mean "start" and "end" of the subject: a '^' opening, a '$'
 * closing a branch of the whole pattern.
 */
static int
parse_branches(seq_parse_t *ps, int depth, seq_list_t *out)
{
    seq_list_t  cur, sub;
    size_t      k;
    char        c;

    out->n = 0;
    for ( ;; ) {
        memset(&cur.a[0], 0, sizeof(cur.a[0]));
        cur.n = 1;
        if (depth == 0 && ps->i < ps->len && ps->p[ps->i] == '^') {
            cur.a[0].anchored = 1;
            ps->i++;
        }
        while (ps->i < ps->len && (c = ps->p[ps->i]) != '|' && c != ')') {
            if (c == '$') {
                ps->i++;
                if (depth != 0 || !newline_is_lf()
                    || (ps->i < ps->len && ps->p[ps->i] != '|'))
                {
                    return 0;
                }
                for (k = 0; k < cur.n; k++) {
                    cur.a[k].dollar = 1;
                }
                break;
            }
            if (c != '(') {
                if (!parse_atom(ps, &cur)) {
                    return 0;
                }
                continue;
            }
            if (depth + 1 >= SEQ_DEPTH) {
                return 0;
            }
            ps->i++;
            if (ps->i < ps->len && ps->p[ps->i] == '?') {
                /* (?:...) only: (?i), (?=...) and the rest change meaning */
                if (ps->i + 1 >= ps->len || ps->p[ps->i + 1] != ':') {
                    return 0;
                }
                ps->i += 2;
            }
            if (!parse_branches(ps, depth + 1, &sub)
                || ps->i >= ps->len || ps->p[ps->i] != ')')
            {
                return 0;
            }
            ps->i++;
            if (ps->i < ps->len && strchr("{*+?", ps->p[ps->i]) != NULL) {
                return 0;
            }
            if (!cross(&cur, &sub)) {
                return 0;
            }
        }
        if (out->n + cur.n > PXE_SEQ_ALTS) {
            return 0;
        }
        memcpy(out->a + out->n, cur.a, cur.n * sizeof(cur.a[0]));
        out->n += cur.n;
        if (ps->i < ps->len && ps->p[ps->i] == '|') {
            ps->i++;
            continue;
        }
        return 1;
    }
}

pxe_seq_t *
pxe_seq_compile(const char *p, size_t len)
{
    seq_parse_t   ps;
    seq_list_t   *all;
    pxe_seq_t    *q, *fit;

    all = malloc(sizeof(*all));
    q = calloc(1, sizeof(*q) + PXE_SEQ_ALTS * sizeof(q->alt[0]));
    if (all == NULL || q == NULL) {
        goto no;
    }
    ps.p = p;
    ps.len = len;
    ps.i = 0;
    ps.q = q;
    if (!parse_branches(&ps, 0, all) || ps.i != len) {
        goto no;
    }
    memcpy(q->alt, all->a, all->n * sizeof(q->alt[0]));
    q->nalt = (uint8_t) all->n;
    free(all);
    fit = realloc(q, sizeof(*q) + q->nalt * sizeof(q->alt[0]));
    return fit != NULL ? fit : q;

no:
    free(all);
    free(q);
    return NULL;
}
