/*
 * test_policy_index.c: the bit-set index must never change a decision.
 * Random policies (1 to 70 rules: with and without an index) and random
 * clients, built from the values that make keys match or not (arch codes
 * above and below the direct table, class names Kea and sites use,
 * literal and PCRE2 patterns sharing first bytes), decided with the index
 * and rule by rule: every field of the two decisions must agree.
 */

#include <stdio.h>
#include <string.h>

#include "test.h"
#include "policy_int.h"

#define MAX_RULES   70
#define MAX_KEYS    8

static uint32_t  seed = 12345;

static uint32_t
rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

static pxe_str_t
str(const char *s)
{
    pxe_str_t  v = { s, strlen(s) };

    return v;
}

static const char *const  classes[] = { "ALL", "KNOWN", "rack-a", "rack-b",
                                        "r" };
static const int          archs[] = { 0, 6, 7, 9, 10, 11, 16, 19, 63, 64,
                                      100, 300, 65535 };
static const char *const  vendors[] = {
    "^PXEClient", "^PXEClient:Arch:00007", "^HTTPClient", "HTTPClient",
    "^P", "^", "Arch:0000[79]", "(?i)^pxe", "^X", "^PXEClient:Arch:00000",
};
static const char *const  users[] = { "^iPXE$", "iPXE", "^gPXE", "^" };
static const char *const  macs[] = {
    "^52:54", "^aa:", "^5", "54:00", "(?i)^52", "^52:54:00:12:34:5[0-9]",
    "^0", "^A",
};
static const char *const  files[] = {
    "undionly.kpxe", "http://${next-server}/m.ipxe?mac=${mac}", "ipxe.efi",
    "http://192.0.2.10/a/long/path/that/does/not/fit/in/the/bootp/file/"
    "field/because/it/is/longer/than/one/hundred/and/twenty/seven/x.ipxe",
    "${mac}${mac}${mac}${mac}${mac}${mac}${mac}${mac}${mac}${mac}${mac}"
    "${mac}${mac}${mac}${mac}${mac}",
};

typedef struct {
    pxe_value_t  top[4];
    pxe_value_t  params;
    pxe_value_t  rules[MAX_RULES];
    pxe_value_t  keys[MAX_RULES][MAX_KEYS];
    pxe_value_t  lists[MAX_RULES][2][3];
} tree_t;

static void
add_list(pxe_value_t *k, pxe_value_t *items, const char *key, int is_int)
{
    size_t  i, n = 1 + rnd(3);

    k->type = PXE_VALUE_LIST;
    k->key = str(key);
    for (i = 0; i < n; i++) {
        memset(&items[i], 0, sizeof(items[i]));
        if (is_int) {
            items[i].type = PXE_VALUE_INT;
            items[i].integer = archs[rnd(sizeof(archs) / sizeof(archs[0]))];
        } else {
            items[i].type = PXE_VALUE_STRING;
            items[i].string = str(classes[rnd(sizeof(classes)
                                              / sizeof(classes[0]))]);
        }
    }
    k->items = items;
    k->nitems = n;
}

static void
set_str(pxe_value_t *k, const char *key, const char *v)
{
    k->type = PXE_VALUE_STRING;
    k->key = str(key);
    k->string = str(v);
}

static void
random_policy(tree_t *t, size_t n)
{
    static const char *const  o67[] = { "auto", "always", "never" };
    size_t                    i;

    memset(t, 0, sizeof(*t));
    for (i = 0; i < n; i++) {
        pxe_value_t  *k = t->keys[i];
        size_t        nk = 0;

        if (rnd(5) == 0) {
            k[nk].type = PXE_VALUE_BOOL;
            k[nk].key = str("ipxe");
            k[nk++].boolean = (int) rnd(2);
        }
        if (rnd(5) < 2) {
            add_list(&k[nk++], t->lists[i][0], "arch", 1);
        }
        if (rnd(10) < 3) {
            add_list(&k[nk++], t->lists[i][1], "class", 0);
        }
        if (rnd(5) < 2) {
            set_str(&k[nk++], "vendor-class",
                    vendors[rnd(sizeof(vendors) / sizeof(vendors[0]))]);
        }
        if (rnd(7) == 0) {
            set_str(&k[nk++], "user-class",
                    users[rnd(sizeof(users) / sizeof(users[0]))]);
        }
        if (rnd(10) < 3) {
            set_str(&k[nk++], "mac", macs[rnd(sizeof(macs) / sizeof(macs[0]))]);
        }
        set_str(&k[nk++], "boot-file",
                files[rnd(sizeof(files) / sizeof(files[0]))]);
        if (rnd(4) == 0) {
            set_str(&k[nk++], "next-server", "192.0.2.11");
        }
        t->rules[i].type = PXE_VALUE_MAP;
        t->rules[i].items = k;
        t->rules[i].nitems = nk;
    }
    set_str(&t->top[0], "next-server", "192.0.2.10");
    set_str(&t->top[1], "option-67", o67[rnd(3)]);
    t->top[2].type = PXE_VALUE_LIST;
    t->top[2].key = str("rules");
    t->top[2].items = t->rules;
    t->top[2].nitems = n;
    set_str(&t->top[3], "server-hostname", "boot");
    t->params.type = PXE_VALUE_MAP;
    t->params.items = t->top;
    t->params.nitems = 3 + rnd(2);
}

static void
random_client(pxe_client_t *c, pxe_str_t *cls)
{
    static const char *const  vcs[] = {
        "PXEClient:Arch:00007:UNDI:003016", "PXEClient:Arch:00000:UNDI:002001",
        "HTTPClient:Arch:00016:UNDI:003001", "MSFT 5.0", "X", "pxeclient",
    };
    static const char *const  ucs[] = { "iPXE", "\x04iPXE", "\x04gPXE\x04iPXE",
                                        "other" };
    static const char *const  mtext[] = {
        "52:54:00:12:34:56", "aa:bb:cc:dd:ee:ff", "00:11:22:33:44:55",
        "5a:00:00:00:00:01", "a0:00:00:00:00:02",
    };
    uint8_t                   arch[6];
    size_t                    i, na, ncls = 0;

    pxe_client_init(c);
    if (rnd(6) != 0) {
        const char  *m = mtext[rnd(sizeof(mtext) / sizeof(mtext[0]))];

        assert_int_equal(pxe_client_parse_mac(c, m, strlen(m)), PXE_OK);
    }
    na = rnd(4);
    for (i = 0; i < na && i < 3; i++) {
        int  a = archs[rnd(sizeof(archs) / sizeof(archs[0]))];

        arch[2 * i] = (uint8_t) (a >> 8);
        arch[2 * i + 1] = (uint8_t) a;
    }
    if (na > 0) {
        /* na == 3 sometimes sends an odd length: malformed, still PXE. */
        (void) pxe_client_set_option(c, PXE_OPT_CLIENT_ARCH, arch,
                                     na == 3 && rnd(2) ? 5 : 2 * (na > 3
                                                                  ? 3 : na));
    }
    if (rnd(5) != 0) {
        const char  *v = vcs[rnd(sizeof(vcs) / sizeof(vcs[0]))];

        (void) pxe_client_set_option(c, PXE_OPT_VENDOR_CLASS,
                                     (const uint8_t *) v, strlen(v));
    }
    if (rnd(3) == 0) {
        const char  *u = ucs[rnd(sizeof(ucs) / sizeof(ucs[0]))];

        (void) pxe_client_set_option(c, PXE_OPT_USER_CLASS,
                                     (const uint8_t *) u, strlen(u));
    }
    if (rnd(8) == 0) {
        (void) pxe_client_set_option(c, PXE_OPT_IPXE_ENCAP,
                                     (const uint8_t *) "\x13\x01\x01", 3);
    }
    if (rnd(2) == 0) {
        (void) pxe_client_set_option(c, PXE_OPT_PRL,
                                     (const uint8_t *) "\x01\x03\x43", 3);
    }
    for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        if (rnd(3) == 0) {
            cls[ncls++] = str(classes[i]);
        }
    }
    pxe_client_set_classes(c, cls, ncls);
}

static void
test_index_agrees_with_linear(void **state)
{
    static tree_t     t;
    pxe_policy_t      p;
    pxe_policy_err_t  err;
    pxe_client_t      c;
    pxe_str_t         cls[8];
    pxe_decision_t    a, b;
    size_t            n, k, indexed = 0, decided = 0;
    int               round, ra, rb;

    (void) state;
    for (round = 0; round < 400; round++) {
        n = 1 + rnd(round % 4 == 0 ? MAX_RULES : 24);
        random_policy(&t, n);
        pxe_policy_init(&p);
        if (pxe_policy_load(&p, &t.params, &err) != PXE_OK) {
            print_error("load: %s\n", err.msg);
            fail();
        }
        assert_true((p.index != NULL)
                    == (n >= PXE_INDEX_MIN_RULES && n <= PXE_INDEX_RULES));
        indexed += p.index != NULL;
        for (k = 0; k < 60; k++) {
            random_client(&c, cls);
            ra = pxe_policy_decide(&p, &c, &a);
            rb = pxe_policy_decide_linear(&p, &c, &b);
            assert_int_equal(ra, rb);
            assert_int_equal(a.rule, b.rule);
            assert_int_equal(a.kind, b.kind);
            assert_int_equal(a.skipped, b.skipped);
            assert_int_equal(a.file_len, b.file_len);
            assert_memory_equal(a.file, b.file, a.file_len);
            assert_memory_equal(a.next_server, b.next_server, 4);
            assert_int_equal(a.sname_len, b.sname_len);
            assert_memory_equal(a.sname, b.sname, a.sname_len);
            assert_int_equal(a.file_field, b.file_field);
            assert_int_equal(a.option67, b.option67);
            assert_int_equal(a.vendor_echo, b.vendor_echo);
            decided += ra == PXE_OK;
        }
        pxe_policy_free(&p);
    }
    /* The generator must exercise both paths and both outcomes. */
    assert_true(indexed > 200 && indexed < 400);
    assert_true(decided > 2000 && decided < 22000);
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_index_agrees_with_linear),
    };

    return PXE_RUN_TESTS(tests);
}
