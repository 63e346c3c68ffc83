/*
 * test_policy_seqset.c: the one-pass matcher of many sequence patterns
 * (lib/policy_seqset.c) must answer, for every rule it takes, what
 * pxe_seq_match() answers for that rule's pattern alone; and a policy
 * that uses it must decide as rule by rule does.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "policy_int.h"

#define RULES       40
#define SUBJECTS    400

static uint32_t  seed = 4242;

static uint32_t
rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

/* Few bytes, so that patterns overlap and subjects often match. */
static const char *const  atoms[] = {
    "a", "b", "0", "[ab]", "[0-9]", ".", "(a|b)", "(ab|b0)", "[^a]", "a{2}",
};
static const char  alphabet[] = "ab01\n";

/*
 * shared: a literal every pattern of the round starts with (after ^), so
 * that the set has runs of positions all its alternatives spell alike;
 * after it, the pattern's own atoms.
 */
static void
make_pattern(char *out, size_t max, const char *shared)
{
    size_t  n = 0, k, parts = rnd(7);

    /* One in eight unanchored: such rules stay out of the set. */
    if (rnd(8) != 0) {
        out[n++] = '^';
    }
    memcpy(out + n, shared, strlen(shared));
    n += strlen(shared);
    for (k = 0; k < parts; k++) {
        const char  *a = atoms[rnd(sizeof(atoms) / sizeof(atoms[0]))];

        if (n + strlen(a) + 2 >= max) {
            break;
        }
        memcpy(out + n, a, strlen(a));
        n += strlen(a);
    }
    if (rnd(2) == 0) {
        out[n++] = '$';
    }
    out[n] = '\0';
}

static void
test_agrees_with_each_pattern(void **state)
{
    static struct pxe_rule_s  rules[RULES];
    static pcre2_code        *dummy;    /* only compared with NULL */
    char                      pat[64];
    char                      shared[12];
    uint8_t                   s[24];
    pxe_seqset_t             *ss;
    uint64_t                  got, all = ((uint64_t) 1 << RULES) - 1;
    size_t                    round, i, j, len, built = 0, taken = 0,
                              matched = 0, differ = 0, with_runs = 0;
    int                       want, anchored;

    (void) state;
    for (round = 0; round < 400; round++) {
        size_t  n = 1 + rnd(RULES);

        /* Every other round, a shared start of 0 to 10 literal bytes. */
        len = round % 2 ? rnd(sizeof(shared) - 1) : 0;
        for (i = 0; i < len; i++) {
            shared[i] = alphabet[rnd(sizeof(alphabet) - 2)];
        }
        shared[len] = '\0';
        memset(rules, 0, sizeof(rules));
        for (i = 0; i < n; i++) {
            make_pattern(pat, sizeof(pat), shared);
            rules[i].seq[PAT_MAC] = pxe_seq_compile(pat, strlen(pat));
            if (rules[i].seq[PAT_MAC] != NULL) {
                rules[i].pat[PAT_MAC] = (pcre2_code *) &dummy;
                rules[i].lit_kind[PAT_MAC] = LIT_SEQ;
            }
        }
        ss = pxe_seqset_build(rules, n, PAT_MAC);
        if (ss != NULL) {
            built++;
            with_runs += ss->nruns > 0;
            for (i = 0; i < n; i++) {
                const pxe_seq_t  *q = rules[i].seq[PAT_MAC];

                anchored = q != NULL;
                for (j = 0; q != NULL && j < q->nalt; j++) {
                    anchored &= q->alt[j].anchored;
                }
                /* Unanchored ones never; anchored ones while bits last. */
                if (!anchored) {
                    assert_false(ss->rules >> i & 1);
                }
                taken += ss->rules >> i & 1;
            }
            for (j = 0; j < SUBJECTS; j++) {
                len = rnd(sizeof(s));
                for (i = 0; i < len; i++) {
                    s[i] = (uint8_t) alphabet[rnd(sizeof(alphabet) - 1)];
                }
                /* Mostly the shared start, whole or cut short, with a
                 * byte changed now and then: runs that hold and fail. */
                for (i = 0; i < len && shared[i] != '\0' && rnd(8) != 0; i++) {
                    s[i] = (uint8_t) shared[i];
                }
                got = pxe_seqset_rules(ss, s, len, all);
                assert_int_equal(got & ~ss->rules, 0);
                for (i = 0; i < n; i++) {
                    if (!(ss->rules >> i & 1)) {
                        continue;
                    }
                    want = pxe_seq_match(rules[i].seq[PAT_MAC], s, len);
                    matched += (size_t) want;
                    if (want != (int) (got >> i & 1) && differ++ < 5) {
                        fprintf(stderr, "rule %zu subject \"%.*s\": alone %d,"
                                " set %d\n", i, (int) len, (char *) s, want,
                                (int) (got >> i & 1));
                    }
                }
                /* Rules outside cand are never answered. */
                assert_int_equal(pxe_seqset_rules(ss, s, len, 0), 0);
            }
            pxe_seqset_free(ss);
        }
        for (i = 0; i < n; i++) {
            free(rules[i].seq[PAT_MAC]);
        }
    }
    fprintf(stderr, "# %zu sets (%zu with runs), %zu rules taken, %zu"
            " matches\n", built, with_runs, taken, matched);
    assert_int_equal(differ, 0);
    /* Not vacuous: many sets, runs in many, and both answers in bulk. */
    assert_true(built > 200);
    assert_true(with_runs > 40);
    assert_true(matched > taken * SUBJECTS / 50);
    assert_true(matched < taken * SUBJECTS / 2);
}

static pxe_str_t
str(const char *s)
{
    pxe_str_t  v = { s, strlen(s) };

    return v;
}

/*
 * kea-bench.py's pxekit24 and pxekit24re: 24 rules that all name arch 0
 * and differ only at the end of their vendor-class pattern; and MAC
 * patterns that differ in the fifth octet.  Each client matches exactly
 * its rule, through the set, as rule by rule.
 */
static void
check_family(const char *pre, const char *post, const char *key, int alts)
{
    static char        pats[24][64];
    pxe_value_t        keys[24][3], rules[24], top[2], params, arch;
    pxe_policy_t       p;
    pxe_policy_err_t   err;
    pxe_client_t       c;
    pxe_decision_t     a, b;
    char               subj[64];
    size_t             i;
    int                want, which = strcmp(key, "mac") == 0 ? PAT_MAC
                                                             : PAT_VENDOR_CLASS;

    memset(keys, 0, sizeof(keys));
    memset(&arch, 0, sizeof(arch));
    arch.type = PXE_VALUE_INT;
    arch.integer = 0;
    for (i = 0; i < 24; i++) {
        snprintf(pats[i], sizeof(pats[i]),
                 which == PAT_MAC ? "%s%02x%s" : "%s%02d%s", pre, (int) i,
                 post);
        keys[i][0].type = PXE_VALUE_STRING;
        keys[i][0].key = str(key);
        keys[i][0].string = str(pats[i]);
        keys[i][1].type = PXE_VALUE_LIST;
        keys[i][1].key = str("arch");
        keys[i][1].items = &arch;
        keys[i][1].nitems = 1;
        keys[i][2].type = PXE_VALUE_STRING;
        keys[i][2].key = str("boot-file");
        keys[i][2].string = str("f/${mac}");
        memset(&rules[i], 0, sizeof(rules[i]));
        rules[i].type = PXE_VALUE_MAP;
        rules[i].items = keys[i];
        rules[i].nitems = 3;
    }
    memset(top, 0, sizeof(top));
    top[0].type = PXE_VALUE_STRING;
    top[0].key = str("next-server");
    top[0].string = str("192.0.2.10");
    top[1].type = PXE_VALUE_LIST;
    top[1].key = str("rules");
    top[1].items = rules;
    top[1].nitems = 24;
    memset(&params, 0, sizeof(params));
    params.type = PXE_VALUE_MAP;
    params.items = top;
    params.nitems = 2;
    pxe_policy_init(&p);
    if (pxe_policy_load(&p, &params, &err) != PXE_OK) {
        print_error("load: %s\n", err.msg);
        fail();
    }
    /* The set is what answers these rules (their alternatives too). */
    assert_non_null(p.index);
    assert_non_null(p.index->seqset[which]);
    assert_int_equal(p.index->seqset[which]->rules, ((uint64_t) 1 << 24) - 1);
    assert_int_equal(p.index->seqset[which]->alt_rule[23 * alts], 23);
    assert_int_equal(p.index->seqset[which]->alt_rule[24 * alts - 1], 23);
    for (want = -1; want < 24; want++) {
        static const uint8_t  arch0[2] = { 0, 0 };

        pxe_client_init(&c);
        assert_int_equal(pxe_client_set_option(&c, PXE_OPT_CLIENT_ARCH, arch0,
                                               2), PXE_OK);
        /* want -1: a client no rule takes (index 99 / octet 0xee). */
        if (which == PAT_MAC) {
            snprintf(subj, sizeof(subj), "52:54:00:12:%02x:56",
                     want < 0 ? 0xee : want);
            assert_int_equal(pxe_client_parse_mac(&c, subj, strlen(subj)),
                             PXE_OK);
            snprintf(subj, sizeof(subj), "PXEClient:Arch:00000:UNDI:002001");
        } else {
            snprintf(subj, sizeof(subj), "PXEClient:Arch:00000:UNDI:0020%02d",
                     want < 0 ? 99 : want);
        }
        assert_int_equal(pxe_client_set_option(&c, PXE_OPT_VENDOR_CLASS,
                                                (const uint8_t *) subj,
                                                strlen(subj)), PXE_OK);
        assert_int_equal(pxe_policy_decide(&p, &c, &a) == PXE_OK,
                         pxe_policy_decide_linear(&p, &c, &b) == PXE_OK);
        assert_int_equal(a.rule, want);
        assert_int_equal(b.rule, want);
        assert_int_equal(a.file_len, b.file_len);
        assert_memory_equal(a.file, b.file, a.file_len);
    }
    pxe_policy_free(&p);
}

static void
test_bench_families(void **state)
{
    (void) state;
    check_family("^PXEClient:Arch:0000[0-9]:UNDI:0020", "$", "vendor-class",
                 1);
    check_family("^PXEClient:Arch:0000[0-9]:UNDI:(0030|0020)", "$",
                 "vendor-class", 2);
    check_family("^52:54:00:[0-9a-f]{2}:", ":", "mac", 1);
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_agrees_with_each_pattern),
        cmocka_unit_test(test_bench_families),
    };

    return PXE_RUN_TESTS(tests);
}
