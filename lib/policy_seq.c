/*
 * policy_seq.c: the patterns sites write most after plain text, answered
 * without PCRE2.  "^52:54:00:[0-9a-f]{2}:1c:" or "^PXEClient:Arch:0000[79]"
 * are a fixed sequence of byte sets: no alternation, no variable
 * repetition, so there is nothing to backtrack and one pass over the
 * subject decides.  A JITed PCRE2 call costs ~250 instructions even when
 * it fails at the first byte; this costs a few per byte compared.
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

pxe_seq_t *
pxe_seq_compile(const char *p, size_t len)
{
    pxe_seq_t      *q;
    uint32_t        set[8];
    size_t          i = 0, start, k, count;
    unsigned char   c, byte;
    int             which;

    q = calloc(1, sizeof(*q));
    if (q == NULL) {
        return NULL;
    }
    if (len > 0 && p[0] == '^') {
        q->anchored = 1;
        i = 1;
    }
    while (i < len) {
        c = (unsigned char) p[i];
        start = q->n;
        which = 0;
        byte = c;
        if (c == '$' && i + 1 == len) {
            if (!newline_is_lf()) {
                goto no;
            }
            q->dollar = 1;
            break;
        }
        if (is_plain(c)) {
            i++;
        } else if (c == '\\' && i + 1 < len) {
            c = (unsigned char) p[i + 1];
            if (c == 'd') {
                memset(set, 0, sizeof(set));
                for (k = '0'; k <= '9'; k++) {
                    SET_ADD(set, k);
                }
                if ((which = add_set(q, set)) == 0) {
                    goto no;
                }
            } else if (is_punct(c)) {
                byte = c;
            } else {
                goto no;
            }
            i += 2;
        } else if (c == '.') {
            if (!newline_is_lf()) {
                goto no;
            }
            memset(set, 0xff, sizeof(set));
            set['\n' >> 5] &= ~(1u << ('\n' & 31));
            if ((which = add_set(q, set)) == 0) {
                goto no;
            }
            i++;
        } else if (c == '[') {
            if (!parse_class(p, len, &i, set)
                || (which = add_set(q, set)) == 0)
            {
                goto no;
            }
        } else {
            goto no;
        }
        count = 1;
        if (i < len && p[i] == '{') {
            count = 0;
            for (i++; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
                count = count * 10 + (size_t) (p[i] - '0');
                if (count > PXE_SEQ_MAX) {
                    goto no;
                }
            }
            if (i >= len || p[i] != '}' || count == 0) {
                goto no;
            }
            i++;
        }
        if (start + count > PXE_SEQ_MAX) {
            goto no;
        }
        for (k = 0; k < count; k++) {
            q->set_of[start + k] = (uint8_t) which;
            q->byte[start + k] = byte;
        }
        q->n = (uint8_t) (start + count);
    }
    return q;

no:
    free(q);
    return NULL;
}
