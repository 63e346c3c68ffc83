/*
 * policy_index.c: a policy's cheap keys as bit sets.  Trying twenty rules
 * one by one costs a reply more than everything else the Kea hook does;
 * most rules a client cannot match differ from it in iPXE, arch, class or
 * the first byte of a literal pattern, and those are answered for all
 * rules at once here.
 */

#include <stdlib.h>
#include <string.h>

#include "pxekit.h"
#include "policy_int.h"

static void add_arch(pxe_index_t *ix, uint16_t arch, uint64_t bit);
static int add_class(pxe_index_t *ix, const pxe_str_t *name, uint64_t bit,
    size_t max);

pxe_index_t *
pxe_policy_index_build(const struct pxe_rule_s *rules, size_t n)
{
    pxe_index_t  *ix;
    size_t        i, j, nclass = 0, narch = 0;

    if (n < PXE_INDEX_MIN_RULES || n > PXE_INDEX_RULES) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        nclass += rules[i].nclasses;
        narch += rules[i].narch;
    }
    ix = calloc(1, sizeof(*ix));
    if (ix == NULL) {
        return NULL;
    }
    /* Room for every name and code given: duplicates only waste a few. */
    ix->classes = nclass ? calloc(nclass, sizeof(*ix->classes)) : NULL;
    ix->arch_other = narch ? calloc(narch, sizeof(*ix->arch_other)) : NULL;
    if ((nclass && ix->classes == NULL) || (narch && ix->arch_other == NULL)) {
        pxe_policy_index_free(ix);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        const struct pxe_rule_s  *r = &rules[i];
        uint64_t                  bit = (uint64_t) 1 << i;

        if (!r->has_ipxe || !r->ipxe) {
            ix->ipxe[0] |= bit;
        }
        if (!r->has_ipxe || r->ipxe) {
            ix->ipxe[1] |= bit;
        }
        if (r->narch == 0) {
            ix->arch_any |= bit;
        }
        for (j = 0; j < r->narch; j++) {
            add_arch(ix, r->arch[j], bit);
        }
        if (r->nclasses == 0) {
            ix->class_any |= bit;
        }
        if (r->pat[PAT_VENDOR_CLASS] != NULL
            && r->lit_kind[PAT_VENDOR_CLASS] == LIT_PREFIX
            && r->lit_len[PAT_VENDOR_CLASS] > 0)
        {
            ix->vendor_first[(uint8_t) r->lit[PAT_VENDOR_CLASS][0]] |= bit;
        } else {
            ix->vendor_any |= bit;
        }
        if (r->pat[PAT_MAC] != NULL && r->lit_kind[PAT_MAC] == LIT_PREFIX
            && r->lit_len[PAT_MAC] > 0)
        {
            ix->mac_first[(uint8_t) r->lit[PAT_MAC][0]] |= bit;
        } else {
            ix->mac_any |= bit;
        }
        for (j = 0; j < r->nclasses; j++) {
            if (add_class(ix, &r->classes[j], bit, nclass) != PXE_OK) {
                pxe_policy_index_free(ix);
                return NULL;
            }
        }
    }
    /* Both tables NULL when too few rules have such patterns. */
    ix->seqset[PAT_VENDOR_CLASS] = pxe_seqset_build(rules, n,
                                                    PAT_VENDOR_CLASS);
    ix->seqset[PAT_MAC] = pxe_seqset_build(rules, n, PAT_MAC);
    return ix;
}

/* arch_other has room for every code all rules list (counted by build). */
static void
add_arch(pxe_index_t *ix, uint16_t arch, uint64_t bit)
{
    size_t  i;

    if (arch < PXE_INDEX_ARCH_DIRECT) {
        ix->arch_direct[arch] |= bit;
        return;
    }
    for (i = 0; i < ix->narch_other; i++) {
        if (ix->arch_other[i].arch == arch) {
            ix->arch_other[i].rules |= bit;
            return;
        }
    }
    ix->arch_other[ix->narch_other].arch = arch;
    ix->arch_other[ix->narch_other].rules = bit;
    ix->narch_other++;
}

static int
add_class(pxe_index_t *ix, const pxe_str_t *name, uint64_t bit, size_t max)
{
    size_t  i;

    for (i = 0; i < ix->nclasses; i++) {
        if (ix->classes[i].name.len == name->len
            && memcmp(ix->classes[i].name.data, name->data, name->len) == 0)
        {
            ix->classes[i].rules |= bit;
            return PXE_OK;
        }
    }
    if (ix->nclasses == max) {
        return PXE_ETOOMANY;
    }
    ix->classes[ix->nclasses].name = *name;
    ix->classes[ix->nclasses].rules = bit;
    ix->nclasses++;
    return PXE_OK;
}

void
pxe_policy_index_free(pxe_index_t *ix)
{
    if (ix != NULL) {
        pxe_seqset_free(ix->seqset[PAT_VENDOR_CLASS]);
        pxe_seqset_free(ix->seqset[PAT_MAC]);
        free(ix->classes);
        free(ix->arch_other);
        free(ix);
    }
}

uint64_t
pxe_policy_index_candidates(const pxe_index_t *ix, const pxe_client_t *c)
{
    static const char  hex[] = "0123456789abcdef";
    uint64_t           arch = ix->arch_any, cls = ix->class_any;
    uint64_t           vendor = ix->vendor_any, mac = ix->mac_any;
    size_t             i, j;

    for (i = 0; i < c->narch; i++) {
        if (c->arch[i] < PXE_INDEX_ARCH_DIRECT) {
            arch |= ix->arch_direct[c->arch[i]];
            continue;
        }
        for (j = 0; j < ix->narch_other; j++) {
            if (ix->arch_other[j].arch == c->arch[i]) {
                arch |= ix->arch_other[j].rules;
            }
        }
    }
    /* Only class names some rule lists are looked up; Kea's own (ALL,
     * KNOWN) fail on the length compare mostly. */
    for (i = 0; i < ix->nclasses; i++) {
        for (j = 0; j < c->nclasses; j++) {
            if (c->classes[j].len == ix->classes[i].name.len
                && memcmp(c->classes[j].data, ix->classes[i].name.data,
                          c->classes[j].len) == 0)
            {
                cls |= ix->classes[i].rules;
                break;
            }
        }
    }
    if (c->has_vendor_class && c->vendor_class_len > 0) {
        vendor |= ix->vendor_first[c->vendor_class[0]];
    }
    if (c->mac_len > 0) {
        /* The first character of "aa:bb:..": the high nibble's digit. */
        mac |= ix->mac_first[(uint8_t) hex[c->mac[0] >> 4]];
    }
    return ix->ipxe[c->ipxe] & arch & cls & vendor & mac;
}
