/*
 * kea-decide.c: what the Kea hook's core costs per packet.  Builds a
 * policy of N rules (a mix of arch lists, MAC / vendor-class patterns and
 * class names, none matching) plus a last default rule with a ${mac}
 * template, then times decoding a BIOS PXE client's options and deciding:
 * every rule visited.  Prints ns per packet for each N.
 *
 * The index filters such rules out by their cheap keys before any pattern
 * runs, so --unfilterable builds the case it cannot help: every rule
 * names the client's arch (0) and a MAC or vendor-class regex that starts
 * like the client's and fails late, the last one matches.
 *
 *     kea-decide [--unfilterable] [ITERATIONS] [N...]
 *                                          (default 200000, 1 20 200)
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pxekit.h"

#define BENCH_KEYLEN  64

typedef struct {
    pxe_value_t   top[2];
    pxe_value_t  *rules;
    pxe_value_t  *keys;         /* 2 per rule */
    pxe_value_t  *ints;
    char         *text;         /* BENCH_KEYLEN per rule */
} bench_tree_t;

static pxe_str_t
str(const char *s)
{
    pxe_str_t  v;

    v.data = s;
    v.len = strlen(s);
    return v;
}

static int  unfilterable;

/* Rule i of the unfilterable case: arch 0 and a regex that fails late. */
static void
hard_rule(bench_tree_t *t, size_t i, size_t n)
{
    pxe_value_t  *k = &t->keys[3 * i];
    char         *s = t->text + i * BENCH_KEYLEN;

    k[0].type = PXE_VALUE_LIST;
    k[0].key = str("arch");
    t->ints[i].type = PXE_VALUE_INT;
    t->ints[i].integer = 0;
    k[0].items = &t->ints[i];
    k[0].nitems = 1;
    k[1].type = PXE_VALUE_STRING;
    if (i == n - 1) {
        snprintf(s, BENCH_KEYLEN, "^PXEClient:Arch:0000[01]:");
        k[1].key = str("vendor-class");
    } else if (i % 2 == 0) {
        snprintf(s, BENCH_KEYLEN, "^52:54:00:[0-9a-f]{2}:%02zx:", i % 256);
        k[1].key = str("mac");
    } else {
        snprintf(s, BENCH_KEYLEN, "^PXEClient:Arch:0000[79]:UNDI:%zu", i);
        k[1].key = str("vendor-class");
    }
    k[1].string = str(s);
    t->rules[i].nitems = 3;
    k[2].type = PXE_VALUE_STRING;
    k[2].key = str("boot-file");
    k[2].string = str(i == n - 1
                      ? "http://${next-server}/smartos/menu.ipxe?mac=${mac}"
                      : "undionly.kpxe");
}

static int
build(bench_tree_t *t, size_t n, pxe_policy_t *p)
{
    pxe_value_t       params;
    pxe_policy_err_t  err;
    size_t            i;

    t->rules = calloc(n, sizeof(*t->rules));
    t->keys = calloc(3 * n, sizeof(*t->keys));
    t->ints = calloc(n, sizeof(*t->ints));
    t->text = calloc(n, BENCH_KEYLEN);
    if (!t->rules || !t->keys || !t->ints || !t->text) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        pxe_value_t  *k = &t->keys[3 * i];
        char         *s = t->text + i * BENCH_KEYLEN;

        t->rules[i].type = PXE_VALUE_MAP;
        t->rules[i].items = k;
        t->rules[i].nitems = 2;
        if (unfilterable) {
            hard_rule(t, i, n);
            continue;
        }
        k[1].type = PXE_VALUE_STRING;
        k[1].key = str("boot-file");
        if (i == n - 1) {
            /* The default rule: matches, with a per-client template. */
            t->rules[i].nitems = 1;
            k[0] = k[1];
            k[0].string = str("http://${next-server}/smartos/menu.ipxe"
                              "?mac=${mac}");
            continue;
        }
        k[1].string = str("undionly.kpxe");
        switch (i % 4) {
        case 0:
            k[0].type = PXE_VALUE_LIST;
            k[0].key = str("arch");
            t->ints[i].type = PXE_VALUE_INT;
            t->ints[i].integer = (int64_t) (100 + i % 60000);
            k[0].items = &t->ints[i];
            k[0].nitems = 1;
            break;
        case 1:
            snprintf(s, BENCH_KEYLEN, "^aa:bb:%02zx:", i % 256);
            k[0].type = PXE_VALUE_STRING;
            k[0].key = str("mac");
            k[0].string = str(s);
            break;
        case 2:
            snprintf(s, BENCH_KEYLEN, "^Vendor%zu:", i);
            k[0].type = PXE_VALUE_STRING;
            k[0].key = str("vendor-class");
            k[0].string = str(s);
            break;
        default:
            snprintf(s, BENCH_KEYLEN, "rack-%zu", i);
            k[0].type = PXE_VALUE_STRING;
            k[0].key = str("class");
            k[0].string = str(s);
            break;
        }
    }
    memset(t->top, 0, sizeof(t->top));
    t->top[0].type = PXE_VALUE_STRING;
    t->top[0].key = str("next-server");
    t->top[0].string = str("192.0.2.10");
    t->top[1].type = PXE_VALUE_LIST;
    t->top[1].key = str("rules");
    t->top[1].items = t->rules;
    t->top[1].nitems = n;
    memset(&params, 0, sizeof(params));
    params.type = PXE_VALUE_MAP;
    params.items = t->top;
    params.nitems = 2;
    pxe_policy_init(p);
    if (pxe_policy_load(p, &params, &err) != PXE_OK) {
        fprintf(stderr, "kea-decide: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static double
now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

int
main(int argc, char **argv)
{
    static const char  vc[] = "PXEClient:Arch:00000:UNDI:002001";
    static const char  prl[] = "\x01\x03\x06\x0c\x0f\x2b\x42\x43";
    static const pxe_str_t  classes[] = { { "ALL", 3 }, { "KNOWN", 5 } };
    long               iters;
    size_t             sizes[16] = { 1, 20, 200 }, nsizes = 3, s;
    int                a = 1;

    if (argc > 1 && strcmp(argv[1], "--unfilterable") == 0) {
        unfilterable = 1;
        a++;
    }
    iters = argc > a ? atol(argv[a]) : 200000;
    if (argc > a + 1) {
        nsizes = 0;
        for (a++; a < argc && nsizes < 16; a++) {
            sizes[nsizes++] = (size_t) atol(argv[a]);
        }
    }
    for (s = 0; s < nsizes; s++) {
        bench_tree_t    t;
        pxe_policy_t    p;
        pxe_client_t    c;
        pxe_decision_t  d;
        double          t0, t1;
        long            i, hits = 0;

        memset(&t, 0, sizeof(t));
        if (sizes[s] == 0 || build(&t, sizes[s], &p) != 0) {
            return 1;
        }
        t0 = now_ns();
        for (i = 0; i < iters; i++) {
            /* What the hook does per reply: decode, then decide. */
            pxe_client_init(&c);
            (void) pxe_client_set_mac(&c, (const uint8_t *) "\x52\x54\x00"
                                      "\x12\x34\x56", 6);
            (void) pxe_client_set_option(&c, PXE_OPT_CLIENT_ARCH,
                                         (const uint8_t *) "\x00\x00", 2);
            (void) pxe_client_set_option(&c, PXE_OPT_VENDOR_CLASS,
                                         (const uint8_t *) vc,
                                         sizeof(vc) - 1);
            (void) pxe_client_set_option(&c, PXE_OPT_PRL,
                                         (const uint8_t *) prl,
                                         sizeof(prl) - 1);
            pxe_client_set_classes(&c, classes, 2);
            if (pxe_policy_decide(&p, &c, &d) == PXE_OK
                && (size_t) d.rule == sizes[s] - 1)
            {
                hits++;
            }
        }
        t1 = now_ns();
        if (hits != iters) {
            fprintf(stderr, "kea-decide: wrong decisions\n");
            return 1;
        }
        printf("rules=%zu%s ns/decision=%.0f\n", sizes[s],
               unfilterable ? " unfilterable" : "", (t1 - t0) / iters);
        pxe_policy_free(&p);
        free(t.rules);
        free(t.keys);
        free(t.ints);
        free(t.text);
    }
    return 0;
}
