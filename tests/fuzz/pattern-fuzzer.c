/*
 * pattern-fuzzer.c: lib/policy_seq.c, the matcher that answers fixed
 * sequence patterns without PCRE2.  The input is a pattern, a NUL, and a
 * subject.  When PCRE2 compiles the pattern (load_pattern's options) and
 * the sequence compiler takes it, both must give the subject the same
 * answer; an input that makes them differ aborts.  So must the index's
 * one-pass matcher of many such patterns (lib/policy_seqset.c), given
 * the pattern as the vendor-class key of PXE_SEQSET_MIN_RULES rules.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rules made only of the pattern: the set answers all or none. */
static void
check_seqset(pxe_seq_t *q, const uint8_t *subj, size_t slen, int want)
{
    static struct pxe_rule_s  rules[PXE_SEQSET_MIN_RULES];
    pxe_seqset_t             *ss;
    uint64_t                  all = (1u << PXE_SEQSET_MIN_RULES) - 1, got;
    size_t                    i;

    memset(rules, 0, sizeof(rules));
    for (i = 0; i < PXE_SEQSET_MIN_RULES; i++) {
        rules[i].pat[PAT_VENDOR_CLASS] = (pcre2_code *) rules;  /* != NULL */
        rules[i].lit_kind[PAT_VENDOR_CLASS] = LIT_SEQ;
        rules[i].seq[PAT_VENDOR_CLASS] = q;
    }
    ss = pxe_seqset_build(rules, PXE_SEQSET_MIN_RULES, PAT_VENDOR_CLASS);
    if (ss == NULL) {
        return;                     /* unanchored: left to pxe_seq_match */
    }
    got = pxe_seqset_rules(ss, subj, slen, all);
    if (got != (want ? all : 0)) {
        abort();
    }
    pxe_seqset_free(ss);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t     *nul = memchr(data, '\0', size);
    size_t             plen = nul ? (size_t) (nul - data) : size;
    const uint8_t     *subj = nul ? nul + 1 : data + size;
    size_t             slen = size - plen - (nul ? 1 : 0);
    pcre2_code        *re;
    pcre2_match_data  *md;
    pxe_seq_t         *q;
    PCRE2_SIZE         off;
    int                ec, want, got;

    re = pcre2_compile((PCRE2_SPTR) data, plen,
                       PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &ec, &off, NULL);
    if (re == NULL) {
        return 0;
    }
    q = pxe_seq_compile((const char *) data, plen);
    if (q != NULL) {
        md = pcre2_match_data_create(1, NULL);
        if (md != NULL) {
            want = pcre2_match(re, subj, slen, 0, 0, md, NULL) >= 0;
            got = pxe_seq_match(q, subj, slen);
            if (want != got) {
                abort();
            }
            check_seqset(q, subj, slen, want);
            pcre2_match_data_free(md);
        }
        free(q);
    }
    pcre2_code_free(re);
    return 0;
}
