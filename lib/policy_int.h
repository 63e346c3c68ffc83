/*
 * policy_int.h: what policy.c and policy_index.c share; not installed,
 * not part of the API.  A loaded rule, and the bit-set index that picks
 * a client's candidate rules by its cheap keys (iPXE, arch, classes).
 */

#ifndef PXEKIT_POLICY_INT_H
#define PXEKIT_POLICY_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdint.h>

#include "pxekit_private.h"

enum {
    PAT_VENDOR_CLASS = 0,
    PAT_USER_CLASS,
    PAT_MAC,
    PAT_COUNT
};

/*
 * A pattern that is only literal text ("^PXEClient:Arch:00007",
 * "HTTPClient") is answered with memcmp: even JITed, a PCRE2 call costs
 * ~300 instructions, and most site patterns are such prefixes.
 */
#define PAT_LIT_MAX          64

enum {
    LIT_NONE = 0,           /* PCRE2 decides */
    LIT_PREFIX,             /* "^text" */
    LIT_SUBSTRING,          /* "text" */
    LIT_EXACT,              /* "^text$" */
    LIT_SEQ                 /* a fixed sequence of byte sets: policy_seq.c */
};

/*
 * A pattern that is a fixed sequence of bytes and byte sets
 * ("^52:54:00:[0-9a-f]{2}:", "^PXEClient:Arch:0000[79]"), or a few such
 * sequences as alternatives ("^(00:25:90|0c:c4:7a):"), matched without
 * PCRE2 (policy_seq.c).
 */
#define PXE_SEQ_MAX          64         /* positions, {n} expanded */
#define PXE_SEQ_SETS         8          /* distinct byte sets */
#define PXE_SEQ_ALTS         16         /* sequences, alternatives expanded */

typedef struct pxe_seq_alt_s {
    uint8_t      n;
    uint8_t      anchored;              /* a leading ^ */
    uint8_t      dollar;                /* a final $ */
    uint8_t      byte[PXE_SEQ_MAX];     /* the byte, where set_of is 0 */
    uint8_t      set_of[PXE_SEQ_MAX];   /* 1 + index into sets, or 0 */
} pxe_seq_alt_t;

typedef struct pxe_seq_s {
    uint8_t        nsets;
    uint8_t        nalt;
    uint32_t       sets[PXE_SEQ_SETS][8];   /* 256-bit byte sets */
    pxe_seq_alt_t  alt[];                   /* nalt of them */
} pxe_seq_t;

/* NULL when pat is not such a pattern (PCRE2 decides), or no memory. */
pxe_seq_t *pxe_seq_compile(const char *pat, size_t len);

/*
 * Last position first: the clients a site's patterns tell apart share
 * their heads ("PXEClient:Arch:", an OUI) and differ at the tail.
 */
static inline int
pxe_seq_at(const pxe_seq_t *q, const pxe_seq_alt_t *a, const uint8_t *s,
    size_t len, size_t at)
{
    size_t    k = a->n;
    uint8_t   c;

    /* PCRE2's $ also matches before a final newline. */
    if (a->dollar && at + k != len
        && !(at + k + 1 == len && s[len - 1] == '\n'))
    {
        return 0;
    }
    s += at;
    while (k-- > 0) {
        c = s[k];
        if (a->set_of[k] == 0 ? c != a->byte[k]
            : !(q->sets[a->set_of[k] - 1][c >> 5] >> (c & 31) & 1u))
        {
            return 0;
        }
    }
    return 1;
}

/* 1 when s matches, as pcre2_match would answer.  Inline: it runs once
 * per pattern per candidate rule. */
static inline int
pxe_seq_match(const pxe_seq_t *q, const uint8_t *s, size_t len)
{
    const pxe_seq_alt_t  *a = q->alt, *end = q->alt + q->nalt;
    size_t                at, last;

    do {
        if (len >= a->n) {
            last = a->anchored ? 0 : len - a->n;
            for (at = 0; at <= last; at++) {
                if (pxe_seq_at(q, a, s, len, at)) {
                    return 1;
                }
            }
        }
    } while (++a < end);
    return 0;
}

/*
 * Exact-MAC rules by their MAC text: a client's few are found with one
 * lookup, and merged by index with the other rules (in `others`), so
 * first match still means first in the list.  Built from
 * PXE_MACHASH_MIN_RULES such rules.
 */
#define PXE_MACHASH_MIN_RULES 16

typedef struct pxe_machash_key_s {
    char         text[PAT_LIT_MAX];     /* the MAC as the rule spells it */
    uint8_t      len;
    uint32_t     first;                 /* its run in mac_rules */
    uint32_t     n;
} pxe_machash_key_t;

typedef struct pxe_machash_s {
    uint32_t            *slot;      /* 1 + index into keys, 0: empty */
    size_t               nslots;    /* a power of two, over twice nkeys */
    pxe_machash_key_t   *keys;
    size_t               nkeys;
    uint32_t            *mac_rules; /* exact-MAC rule indices, by key */
    uint32_t            *others;    /* every other rule index, ascending */
    size_t               nothers;
} pxe_machash_t;

pxe_machash_t *pxe_policy_machash_build(const struct pxe_rule_s *rules,
    size_t n);
void pxe_policy_machash_free(pxe_machash_t *mh);
/* The exact-MAC rules for a MAC text: *n indices, ascending. */
const uint32_t *pxe_policy_machash_find(const pxe_machash_t *mh,
    const char *mac, size_t len, size_t *n);

struct pxe_rule_s {
    pcre2_code  *pat[PAT_COUNT];
    uint16_t    *arch;
    size_t       narch;
    pxe_str_t   *classes;
    size_t       nclasses;
    uint8_t     (*subnets)[5];              /* a.b.c.d and prefix length */
    size_t       nsubnets;
    char        *class_mem;
    char        *boot_file;
    size_t       boot_file_len;
    pxe_tpiece_t *pieces;                   /* boot_file, parsed at load */
    size_t       npieces;
    uint8_t      next_server[4];
    char         sname[PXE_SNAME_MAX];
    size_t       sname_len;
    char         lit[PAT_COUNT][PAT_LIT_MAX];
    uint8_t      lit_len[PAT_COUNT];
    uint8_t      lit_kind[PAT_COUNT];
    pxe_seq_t   *seq[PAT_COUNT];            /* LIT_SEQ */
    uint8_t      jit[PAT_COUNT];            /* JIT compiled: pcre2_jit_match */
    unsigned     boot_file_vars;            /* 1u << PXE_VAR_*; 0: literal */
    char         ns_text[16];               /* ${next-server}, made at load */
    size_t       ns_text_len;
    unsigned     has_ipxe:1;
    unsigned     ipxe:1;
    unsigned     has_opt175:1;              /* key option-175 */
    unsigned     opt175:1;
    unsigned     has_boot_file:1;
    unsigned     has_next_server:1;
    uint8_t     *param;                     /* DHCPv6 option 60 payload */
    size_t       param_len;
};

/*
 * Policies of up to PXE_INDEX_RULES rules get an index: one bit per rule
 * in each set.  A client's candidates are the rules its iPXE flag, arch
 * codes and classes allow, found with a few lookups instead of testing
 * every rule; only the candidates' patterns are then tried, in order.
 */
#define PXE_INDEX_RULES      64
#define PXE_INDEX_MIN_RULES  6          /* fewer: rule by rule is cheaper */
#define PXE_INDEX_ARCH_DIRECT 64        /* arch codes below: a table */

/*
 * The anchored sequence patterns of up to PXE_INDEX_RULES rules on one
 * field (vendor class, MAC), matched all at once (policy_seqset.c): one
 * bit per alternative, a table per subject position from byte to the
 * alternatives that take it there.
 */
#define PXE_SEQSET_ALTS      64
#define PXE_SEQSET_MIN_RULES 4          /* fewer: a call per rule is cheaper */
#define PXE_SEQSET_LENS      (PXE_SEQ_MAX + 3)  /* the last: any longer */

typedef struct pxe_seqset_s {
    uint64_t     rules;                 /* bit i: rule i is decided here */
    uint8_t      alt_rule[PXE_SEQSET_ALTS];     /* alternative bit -> rule */
    uint64_t     len_ok[PXE_SEQSET_LENS];   /* alternatives a length suits */
    uint64_t     len_nl[PXE_SEQSET_LENS];   /* ... if its last byte is \n */
    size_t       npos;                  /* the longest alternative */
    uint64_t   (*pos)[256];             /* pos[k][c]: take byte c at k */
    /* Positions where every alternative takes one and the same byte, in
     * runs of PXE_SEQSET_RUN or more (a memcmp each, against lit), and
     * the other positions (a table lookup each), in subject order. */
    uint8_t      lit[PXE_SEQ_MAX];      /* lit[k]: that byte, in a run */
    uint8_t      run_at[PXE_SEQ_MAX];
    uint8_t      run_len[PXE_SEQ_MAX];
    size_t       nruns;
    uint8_t      vary[PXE_SEQ_MAX];
    size_t       nvary;
} pxe_seqset_t;
#define PXE_SEQSET_RUN       4

/* NULL when fewer than PXE_SEQSET_MIN_RULES rules fit, or no memory. */
pxe_seqset_t *pxe_seqset_build(const struct pxe_rule_s *rules, size_t n,
    int which);
void pxe_seqset_free(pxe_seqset_t *ss);
/* Of the rules in cand that ss decides, those whose pattern matches s. */
uint64_t pxe_seqset_rules(const pxe_seqset_t *ss, const uint8_t *s,
    size_t len, uint64_t cand);

typedef struct pxe_index_arch_s {
    uint16_t     arch;
    uint64_t     rules;
} pxe_index_arch_t;

typedef struct pxe_index_class_s {
    pxe_str_t    name;                  /* points into a rule's class_mem */
    uint64_t     rules;
} pxe_index_class_t;

typedef struct pxe_index_s {
    uint64_t             ipxe[2];       /* allowed for ipxe = 0 / 1 */
    uint64_t             arch_any;      /* rules without "arch" */
    uint64_t             arch_direct[PXE_INDEX_ARCH_DIRECT];
    pxe_index_arch_t    *arch_other;    /* codes >= PXE_INDEX_ARCH_DIRECT */
    size_t               narch_other;
    uint64_t             class_any;     /* rules without "class" */
    pxe_index_class_t   *classes;       /* one per distinct name */
    size_t               nclasses;
    /*
     * Literal-prefix patterns ("^PXEClient:Arch:00007", "^aa:bb:") by
     * their first byte; other rules (no pattern, or one PCRE2 or a
     * substring decides) are in the _any set.  A candidate's pattern is
     * still checked whole.
     */
    uint64_t             vendor_any;
    uint64_t             vendor_first[256];
    uint64_t             mac_any;
    uint64_t             mac_first[256];    /* by the MAC text's first char */
    pxe_seqset_t        *seqset[PAT_COUNT]; /* vendor class, MAC; or NULL */
} pxe_index_t;

/* NULL outside PXE_INDEX_MIN_RULES..PXE_INDEX_RULES rules, or no memory. */
pxe_index_t *pxe_policy_index_build(const struct pxe_rule_s *rules,
    size_t n);
void pxe_policy_index_free(pxe_index_t *ix);
/* Bit i set: rule i's iPXE, arch and class keys hold for c, and its
 * vendor-class and MAC patterns may. */
uint64_t pxe_policy_index_candidates(const pxe_index_t *ix,
    const pxe_client_t *c);
/* pxe_policy_decide() without the index: every rule in turn (tests). */
int pxe_policy_decide_linear(const pxe_policy_t *p, const pxe_client_t *c,
    pxe_decision_t *d);

/* policy6.c: the DHCPv6 side of loading.  Why key v (a rule's, or a
 * top-level one when top) is refused in DHCPv6, or NULL. */
const char *pxe_policy6_refused(const pxe_value_t *v, int top);
/* 1 when a boot file template is a tftp/http/https URL with its host. */
int pxe_policy6_url_ok(const char *s, size_t len);
/* `bootfile-param` into r->param; PXE_EINVAL when v is not one. */
int pxe_policy6_load_param(struct pxe_rule_s *r, const pxe_value_t *v);

#endif /* PXEKIT_POLICY_INT_H */
