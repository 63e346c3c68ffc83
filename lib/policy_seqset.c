/*
 * policy_seqset.c: every rule's anchored sequence pattern on one field,
 * decided in one pass over the subject.  Rules that all pass the index's
 * cheap keys and differ only deep inside a vendor-class or MAC pattern
 * ("^PXEClient:Arch:00000:UNDI:0020NN$", one NN per rule) cost a pattern
 * call each, ~100 instructions even when it fails at once; twenty-four of
 * them cost a reply more than the rest of the hook.  Here each
 * alternative of those patterns is one bit, each subject position has a
 * table from byte to the alternatives that accept it there, and the
 * subject's bytes AND the tables together: a few instructions a byte for
 * all rules at once, however many, wherever their patterns differ (and
 * one memcmp for a stretch that every alternative spells alike).
 *
 * It answers exactly what pxe_seq_match() answers for each rule (tests:
 * tests/unit/test_policy_seqset.c, the pattern fuzzer): an anchored
 * alternative of n positions matches when the subject's first n bytes
 * are in its sets and, with a final $, the subject is n bytes long or
 * n + 1 with a final newline (PCRE2's $).  Unanchored alternatives stay
 * with pxe_seq_match(): their rules are not taken here.
 */

#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

static int rule_fits(const struct pxe_rule_s *r, int which);
static void add_alt(pxe_seqset_t *ss, const pxe_seq_t *q,
    const pxe_seq_alt_t *a, uint64_t bit);
static void find_runs(pxe_seqset_t *ss, uint64_t all);

/* A rule whose pattern on the field is a sequence of anchored
 * alternatives only. */
static int
rule_fits(const struct pxe_rule_s *r, int which)
{
    const pxe_seq_t  *q = r->seq[which];
    size_t            k;

    if (r->pat[which] == NULL || r->lit_kind[which] != LIT_SEQ || q == NULL
        || q->nalt == 0)
    {
        return 0;
    }
    for (k = 0; k < q->nalt; k++) {
        if (!q->alt[k].anchored) {
            return 0;
        }
    }
    return 1;
}

pxe_seqset_t *
pxe_seqset_build(const struct pxe_rule_s *rules, size_t n, int which)
{
    pxe_seqset_t  *ss;
    size_t         i, k, nalt = 0, nrules = 0, npos = 0;
    uint64_t       take = 0;

    if (n > PXE_INDEX_RULES) {
        return NULL;
    }
    /* Rules in order while their alternatives fit the bits. */
    for (i = 0; i < n; i++) {
        const pxe_seq_t  *q = rules[i].seq[which];

        if (!rule_fits(&rules[i], which) || nalt + q->nalt > PXE_SEQSET_ALTS) {
            continue;
        }
        take |= (uint64_t) 1 << i;
        nalt += q->nalt;
        nrules++;
        for (k = 0; k < q->nalt; k++) {
            if (q->alt[k].n > npos) {
                npos = q->alt[k].n;
            }
        }
    }
    /* Below that, a pattern call per rule costs less than a table pass. */
    if (nrules < PXE_SEQSET_MIN_RULES) {
        return NULL;
    }
    ss = calloc(1, sizeof(*ss));
    if (ss == NULL) {
        return NULL;
    }
    ss->npos = npos;
    ss->pos = npos ? calloc(npos, sizeof(*ss->pos)) : NULL;
    if (npos && ss->pos == NULL) {
        free(ss);
        return NULL;
    }
    ss->rules = take;
    nalt = 0;
    for (i = 0; i < n; i++) {
        const pxe_seq_t  *q = rules[i].seq[which];

        if (!(take >> i & 1)) {
            continue;
        }
        for (k = 0; k < q->nalt; k++) {
            uint64_t  bit = (uint64_t) 1 << nalt++;

            ss->alt_rule[nalt - 1] = (uint8_t) i;
            add_alt(ss, q, &q->alt[k], bit);
        }
    }
    find_runs(ss, nalt == 64 ? ~(uint64_t) 0 : ((uint64_t) 1 << nalt) - 1);
    return ss;
}

/*
 * Rules told apart deep in a long pattern share most of its bytes
 * ("PXEClient:Arch:0000" in all of "^PXEClient:Arch:0000[0-9]:UNDI:0020NN$"):
 * a run of such positions is one memcmp, not a table lookup a byte.  A
 * position is fixed when every alternative takes exactly one byte there,
 * the same (one that ended earlier takes any byte: not fixed).
 */
static void
find_runs(pxe_seqset_t *ss, uint64_t all)
{
    size_t    k, start;
    unsigned  c;
    int       fixed[PXE_SEQ_MAX];

    for (k = 0; k < ss->npos; k++) {
        fixed[k] = 0;
        for (c = 0; c < 256; c++) {
            if (ss->pos[k][c] == all && !fixed[k]) {
                fixed[k] = 1;
                ss->lit[k] = (uint8_t) c;
            } else if (ss->pos[k][c] != 0) {
                fixed[k] = 0;
                break;
            }
        }
    }
    ss->nruns = 0;
    ss->nvary = 0;
    for (k = 0; k < ss->npos; k = start) {
        start = k;
        while (start < ss->npos && fixed[start]) {
            start++;
        }
        if (start - k >= PXE_SEQSET_RUN) {
            ss->run_at[ss->nruns] = (uint8_t) k;
            ss->run_len[ss->nruns++] = (uint8_t) (start - k);
        } else {
            for (; k < start; k++) {
                ss->vary[ss->nvary++] = (uint8_t) k;
            }
        }
        if (start < ss->npos) {
            ss->vary[ss->nvary++] = (uint8_t) start++;
        }
    }
}

static void
add_alt(pxe_seqset_t *ss, const pxe_seq_t *q, const pxe_seq_alt_t *a,
    uint64_t bit)
{
    size_t    k, len;
    unsigned  c;

    for (k = 0; k < ss->npos; k++) {
        for (c = 0; c < 256; c++) {
            /* Past its end an alternative takes any byte. */
            if (k >= a->n
                || (a->set_of[k] == 0 ? c == a->byte[k]
                    : (q->sets[a->set_of[k] - 1][c >> 5] >> (c & 31) & 1u)))
            {
                ss->pos[k][c] |= bit;
            }
        }
    }
    /* Lengths past PXE_SEQSET_LENS - 1 share its entry: longer than any
     * alternative, they suit exactly those without $. */
    for (len = 0; len < PXE_SEQSET_LENS; len++) {
        if (a->dollar) {
            if (len == a->n) {
                ss->len_ok[len] |= bit;
            } else if (len == (size_t) a->n + 1) {
                ss->len_nl[len] |= bit;
            }
        } else if (len >= a->n) {
            ss->len_ok[len] |= bit;
        }
    }
}

void
pxe_seqset_free(pxe_seqset_t *ss)
{
    if (ss != NULL) {
        free(ss->pos);
        free(ss);
    }
}

uint64_t
pxe_seqset_rules(const pxe_seqset_t *ss, const uint8_t *s, size_t len,
    uint64_t cand)
{
    size_t    i, k, n, end = len < ss->npos ? len : ss->npos;
    uint64_t  m, out = 0;

    m = ss->len_ok[len < PXE_SEQSET_LENS ? len : PXE_SEQSET_LENS - 1];
    if (len > 0 && s[len - 1] == '\n') {
        m |= ss->len_nl[len < PXE_SEQSET_LENS ? len : PXE_SEQSET_LENS - 1];
    }
    /* Only the first end bytes count: an alternative longer than the
     * subject is out by its length already. */
    for (i = 0; m != 0 && i < ss->nruns && ss->run_at[i] < end; i++) {
        k = ss->run_at[i];
        n = end - k < ss->run_len[i] ? end - k : ss->run_len[i];
        if (memcmp(s + k, ss->lit + k, n) != 0) {
            m = 0;
        }
    }
    for (i = 0; m != 0 && i < ss->nvary && ss->vary[i] < end; i++) {
        m &= ss->pos[ss->vary[i]][s[ss->vary[i]]];
    }
    /* The alternatives left are the few that matched: by them, not by
     * candidate rule. */
    while (m != 0) {
        out |= (uint64_t) 1 << ss->alt_rule[__builtin_ctzll(m)];
        m &= m - 1;
    }
    return out & cand;
}
