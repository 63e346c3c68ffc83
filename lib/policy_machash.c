/*
 * policy_machash.c: the rules whose MAC test is one exact address
 * ("^aa:bb:cc:dd:ee:ff$"), found by a hash of the client's MAC text, so
 * that thousands of per-host rules cost one lookup per packet.  The
 * decision merges a client's few with the other rules by index: first
 * match still means first in the list.
 */

#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

static uint32_t
machash(const char *s, size_t len)
{
    uint32_t  h = 2166136261u;
    size_t    i;

    for (i = 0; i < len; i++) {
        h = (h ^ (uint8_t) s[i]) * 16777619u;
    }
    return h;
}

static int
is_exact(const struct pxe_rule_s *r)
{
    return r->pat[PAT_MAC] != NULL && r->lit_kind[PAT_MAC] == LIT_EXACT;
}

int
pxe_policy_rule_per_host(const pxe_policy_t *p, size_t i)
{
    return p->machash != NULL && i < p->nrules && is_exact(&p->rules[i]);
}

void
pxe_policy_machash_free(pxe_machash_t *mh)
{
    if (mh == NULL) {
        return;
    }
    free(mh->slot);
    free(mh->keys);
    free(mh->mac_rules);
    free(mh->others);
    free(mh);
}

/* The slot holding text, or the empty slot where it would go. */
static size_t
find_slot(const pxe_machash_t *mh, const char *text, size_t len)
{
    size_t  mask = mh->nslots - 1, at = machash(text, len) & mask;

    for ( ;; at = (at + 1) & mask) {
        uint32_t  k = mh->slot[at];

        if (k == 0 || (mh->keys[k - 1].len == len
                       && memcmp(mh->keys[k - 1].text, text, len) == 0))
        {
            return at;
        }
    }
}

pxe_machash_t *
pxe_policy_machash_build(const struct pxe_rule_s *rules, size_t n)
{
    pxe_machash_t  *mh;
    uint32_t       *keyof, *fill;
    size_t          nexact = 0, i, at, pos;

    for (i = 0; i < n; i++) {
        nexact += (size_t) is_exact(&rules[i]);
    }
    if (nexact < PXE_MACHASH_MIN_RULES) {
        return NULL;
    }
    mh = calloc(1, sizeof(*mh));
    keyof = calloc(n, sizeof(*keyof));
    if (mh == NULL || keyof == NULL) {
        free(mh);
        free(keyof);
        return NULL;
    }
    for (mh->nslots = 16; mh->nslots < 2 * nexact; mh->nslots *= 2) {
    }
    mh->slot = calloc(mh->nslots, sizeof(*mh->slot));
    mh->keys = calloc(nexact, sizeof(*mh->keys));
    mh->mac_rules = calloc(nexact, sizeof(*mh->mac_rules));
    mh->others = calloc(n - nexact + 1, sizeof(*mh->others));
    if (mh->slot == NULL || mh->keys == NULL || mh->mac_rules == NULL
        || mh->others == NULL)
    {
        free(keyof);
        pxe_policy_machash_free(mh);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        const struct pxe_rule_s  *r = &rules[i];

        if (!is_exact(r)) {
            mh->others[mh->nothers++] = (uint32_t) i;
            continue;
        }
        at = find_slot(mh, r->lit[PAT_MAC], r->lit_len[PAT_MAC]);
        if (mh->slot[at] == 0) {
            pxe_machash_key_t  *k = &mh->keys[mh->nkeys];

            memcpy(k->text, r->lit[PAT_MAC], r->lit_len[PAT_MAC]);
            k->len = r->lit_len[PAT_MAC];
            mh->slot[at] = (uint32_t) ++mh->nkeys;
        }
        keyof[i] = mh->slot[at] - 1;
        mh->keys[keyof[i]].n++;
    }
    for (pos = 0, i = 0; i < mh->nkeys; i++) {
        mh->keys[i].first = (uint32_t) pos;
        pos += mh->keys[i].n;
    }
    /* Each key's run in rule order; reuse n as the fill count. */
    fill = calloc(mh->nkeys, sizeof(*fill));
    if (fill == NULL) {
        free(keyof);
        pxe_policy_machash_free(mh);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (is_exact(&rules[i])) {
            pxe_machash_key_t  *k = &mh->keys[keyof[i]];

            mh->mac_rules[k->first + fill[keyof[i]]++] = (uint32_t) i;
        }
    }
    free(fill);
    free(keyof);
    return mh;
}

const uint32_t *
pxe_policy_machash_find(const pxe_machash_t *mh, const char *mac, size_t len,
    size_t *n)
{
    uint32_t  k;

    *n = 0;
    if (len > PAT_LIT_MAX) {
        return NULL;
    }
    k = mh->slot[find_slot(mh, mac, len)];
    if (k == 0) {
        return NULL;
    }
    *n = mh->keys[k - 1].n;
    return &mh->mac_rules[mh->keys[k - 1].first];
}
