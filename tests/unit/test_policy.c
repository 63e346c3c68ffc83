/*
 * test_policy.c: loading rules (every error names rule and key, exactly),
 * first match wins, the file/option 67 split, HTTP boot echo.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* Value trees as an adapter would build them from Kea Elements. */
#define K(k)          .key = { (k), sizeof(k) - 1 }
#define VSTR(k, s)    { .type = PXE_VALUE_STRING, K(k), \
                        .string = { (s), sizeof(s) - 1 } }
#define VINT(k, n)    { .type = PXE_VALUE_INT, K(k), .integer = (n) }
#define VBOOL(k, b)   { .type = PXE_VALUE_BOOL, K(k), .boolean = (b) }
#define VREAL(k)      { .type = PXE_VALUE_REAL, K(k) }
#define ITEMS(...)    .items = (const pxe_value_t[]) { __VA_ARGS__ }, \
                      .nitems = sizeof((const pxe_value_t[]) { __VA_ARGS__ }) \
                                / sizeof(pxe_value_t)
#define VLIST(k, ...) { .type = PXE_VALUE_LIST, K(k), ITEMS(__VA_ARGS__) }
#define VMAP(k, ...)  { .type = PXE_VALUE_MAP, K(k), ITEMS(__VA_ARGS__) }

/* The issue's example configuration. */
#define EXAMPLE_RULES                                                     \
    VLIST("rules",                                                        \
        VMAP("", VBOOL("ipxe", 1),                                        \
             VSTR("boot-file",                                            \
                  "http://192.0.2.10/smartos/menu.ipxe?mac=${mac}")),     \
        VMAP("", VLIST("arch", VINT("", 7), VINT("", 9)),                 \
             VSTR("boot-file", "ipxe.efi")),                              \
        VMAP("", VSTR("class", "rack-b"), VINT("arch", 0),                \
             VSTR("boot-file", "undionly.kpxe"),                          \
             VSTR("next-server", "192.0.2.11")),                          \
        VMAP("", VINT("arch", 0), VSTR("boot-file", "undionly.kpxe")),    \
        VMAP("", VSTR("vendor-class", "^HTTPClient"),                     \
             VSTR("boot-file", "http://192.0.2.10/ipxe.efi")))

static void
load_ok(pxe_policy_t *p, const pxe_value_t *params)
{
    pxe_policy_err_t  err;
    int               rc;

    pxe_policy_init(p);
    rc = pxe_policy_load(p, params, &err);
    if (rc != PXE_OK) {
        print_error("load: %s\n", err.msg);
    }
    assert_int_equal(rc, PXE_OK);
}

static void
client(pxe_client_t *c, const char *arch, size_t arch_len, const char *vc)
{
    pxe_client_init(c);
    assert_int_equal(pxe_client_set_mac(c,
                         (const uint8_t *) "\x52\x54\x00\x12\x34\x56", 6),
                     PXE_OK);
    if (arch != NULL) {
        (void) pxe_client_set_option(c, PXE_OPT_CLIENT_ARCH,
                                     (const uint8_t *) arch, arch_len);
    }
    if (vc != NULL) {
        assert_int_equal(pxe_client_set_option(c, PXE_OPT_VENDOR_CLASS,
                                               (const uint8_t *) vc,
                                               strlen(vc)), PXE_OK);
    }
}

static void
test_example_decisions(void **state)
{
    const pxe_value_t  params = VMAP("",
        VSTR("next-server", "192.0.2.10"),
        VSTR("server-hostname", "boot"),
        VSTR("option-67", "auto"),
        EXAMPLE_RULES);
    pxe_policy_t       p;
    pxe_client_t       c;
    pxe_decision_t     d;
    pxe_str_t          rackb = { "rack-b", 6 };

    (void) state;
    load_ok(&p, &params);
    assert_int_equal(p.nrules, 5);
    assert_true(p.needs_classes);           /* rule 2 tests one */

    /* BIOS PXE ROM. */
    client(&c, "\x00\x00", 2, "PXEClient:Arch:00000:UNDI:002001");
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 3);
    assert_string_equal(d.file, "undionly.kpxe");
    assert_true(d.file_field);
    assert_false(d.option67);       /* auto, and not asked for */
    assert_memory_equal(d.next_server, "\xc0\x00\x02\x0a", 4);
    assert_int_equal(d.sname_len, 4);
    assert_memory_equal(d.sname, "boot", 4);
    assert_int_equal(d.kind, PXE_KIND_PXE);

    /* Same, in class rack-b and asking for 67. */
    pxe_client_set_classes(&c, &rackb, 1);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_PRL,
                         (const uint8_t *) "\x01\x43", 2), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 2);
    assert_true(d.option67);
    assert_memory_equal(d.next_server, "\xc0\x00\x02\x0b", 4);

    /* UEFI x64, the second arch value matches. */
    client(&c, "\x00\x06\x00\x09", 4, NULL);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 1);
    assert_string_equal(d.file, "ipxe.efi");

    /* iPXE: the loop breaker, a URL with the MAC. */
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS,
                         (const uint8_t *) "iPXE", 4), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 0);
    assert_string_equal(d.file,
        "http://192.0.2.10/smartos/menu.ipxe?mac=52:54:00:12:34:56");
    assert_false(d.vendor_echo);
    assert_int_equal(d.kind, PXE_KIND_IPXE);

    /* UEFI HTTP boot: URL and the HTTPClient echo. */
    client(&c, "\x00\x10", 2, "HTTPClient:Arch:00016:UNDI:003001");
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 4);
    assert_string_equal(d.file, "http://192.0.2.10/ipxe.efi");
    assert_true(d.vendor_echo);
    assert_int_equal(d.kind, PXE_KIND_HTTP);

    /* ARM64 PXE: no rule. */
    client(&c, "\x00\x0b", 2, "PXEClient:Arch:00011:UNDI:003000");
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_ENOMATCH);
    assert_int_equal(d.rule, -1);
    assert_int_equal(d.kind, PXE_KIND_PXE);

    /* Not netbooting: never matched, even by a default rule. */
    client(&c, NULL, 0, "MSFT 5.0");
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_ENOMATCH);
    assert_int_equal(d.kind, PXE_KIND_NONE);
    /* No MAC hash in a policy this small: no rule is per-host. */
    for (size_t i = 0; i < p.nrules; i++) {
        assert_false(pxe_policy_rule_per_host(&p, i));
    }

    pxe_policy_free(&p);
    pxe_policy_free(&p);        /* twice is harmless */
}

static void
test_long_file_goes_to_option67(void **state)
{
    const pxe_value_t  params = VMAP("",
        VSTR("next-server", "192.0.2.10"),
        VLIST("rules",
            VMAP("", VSTR("mac", "^52:"),
                 VSTR("boot-file", "http://${next-server}/a/very/long/path/"
                      "that/goes/on/and/on/and/on/and/on/and/on/and/on/and/on/"
                      "and/on/menu.ipxe?mac=${mac}&h=${hostname}")),
            VMAP("", VSTR("boot-file", "short.kpxe"))));
    pxe_policy_t       p;
    pxe_client_t       c;
    pxe_decision_t     d;

    (void) state;
    load_ok(&p, &params);
    client(&c, "\x00\x00", 2, NULL);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 0);
    assert_true(d.file_len >= PXE_BOOTFILE_MAX);
    assert_false(d.file_field);
    assert_true(d.option67);
    pxe_policy_free(&p);

    /* option-67 never: that rule is skipped and counted. */
    {
        const pxe_value_t  with_never = VMAP("",
            VSTR("next-server", "192.0.2.10"),
            VSTR("option-67", "never"),
            VLIST("rules",
                VMAP("", VSTR("mac", "^52:"),
                     VSTR("boot-file", "http://${next-server}/a/very/long/"
                          "path/that/goes/on/and/on/and/on/and/on/and/on/and/"
                          "on/and/on/and/on/menu.ipxe?mac=${mac}")),
                VMAP("", VSTR("boot-file", "short.kpxe"))));

        load_ok(&p, &with_never);
    }
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 1);
    assert_int_equal(d.skipped, 1);
    assert_string_equal(d.file, "short.kpxe");
    assert_true(d.file_field);
    assert_false(d.option67);
    pxe_policy_free(&p);
}

static void
test_option67_always_and_sname(void **state)
{
    const pxe_value_t  params = VMAP("",
        VSTR("next-server", "10.0.0.1"),
        VSTR("option-67", "always"),
        VLIST("rules",
            VMAP("", VSTR("user-class", "^gpxe$"),
                 VSTR("server-hostname", "other"),
                 VSTR("boot-file", "${arch}/${ip}/${hostname}")),
            VMAP("", VBOOL("ipxe", 0), VSTR("next-server", "10.0.0.2"))));
    pxe_policy_t       p;
    pxe_client_t       c;
    pxe_decision_t     d;
    const uint8_t      ip[4] = { 10, 0, 0, 99 };

    (void) state;
    load_ok(&p, &params);
    client(&c, "\x00\x07", 2, NULL);
    pxe_client_set_ip(&c, ip);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_HOSTNAME,
                         (const uint8_t *) "n1", 2), PXE_OK);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS,
                         (const uint8_t *) "\x03" "abc" "\x04" "gpxe", 9),
                     PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 0);
    assert_string_equal(d.file, "7/10.0.0.99/n1");
    assert_true(d.option67);
    assert_int_equal(d.sname_len, 5);

    /* A rule with only next-server: no file at all. */
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS,
                         (const uint8_t *) "x", 1), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 1);
    assert_int_equal(d.file_len, 0);
    assert_false(d.file_field);
    assert_false(d.option67);
    assert_memory_equal(d.next_server, "\x0a\x00\x00\x02", 4);
    pxe_policy_free(&p);
}

static void
test_http_boot_echo(void **state)
{
    pxe_client_t  c;

    (void) state;
    client(&c, "\x00\x10", 2, "HTTPClient:Arch:00016:UNDI:003001");
    assert_int_equal(pxe_http_boot_echo(&c, "HTTP://x/y", 10), 1);
    assert_int_equal(pxe_http_boot_echo(&c, "https://x/y", 11), 1);
    assert_int_equal(pxe_http_boot_echo(&c, "ipxe.efi", 8), 0);
    assert_int_equal(pxe_http_boot_echo(&c, "http:/", 6), 0);
    client(&c, "\x00\x07", 2, "PXEClient:Arch:00007");
    assert_int_equal(pxe_http_boot_echo(&c, "http://x/y", 10), 0);
}

/*
 * The echo the wire and pxekit-explain share: on d's file when a rule
 * gave one, else on the file Kea set itself.
 */
static void
test_reply_http_echo(void **state)
{
    const pxe_value_t  params = VMAP("", VSTR("next-server", "192.0.2.10"),
                                     EXAMPLE_RULES);
    const pxe_value_t  noname = VMAP("", VSTR("next-server", "192.0.2.10"),
        VLIST("rules", VMAP("", VSTR("vendor-class", "^HTTPClient"),
                            VSTR("next-server", "192.0.2.12"))));
    const pxe_value_t  other = VMAP("", VSTR("next-server", "192.0.2.10"),
        VLIST("rules", VMAP("", VINT("arch", 7),
                            VSTR("boot-file", "ipxe.efi"))));
    pxe_policy_t       p;
    pxe_client_t       c;
    pxe_decision_t     d;

    (void) state;
    load_ok(&p, &params);

    /* A rule's URL: echoed, whatever Kea had in the reply. */
    client(&c, "\x00\x10", 2, "HTTPClient:Arch:00016:UNDI:003001");
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(pxe_decision_has_file(&d), 1);
    assert_int_equal(pxe_reply_http_echo(&c, &d, NULL, 0), 1);
    assert_int_equal(pxe_reply_http_echo(&c, &d, "ipxe.efi", 8), 1);

    /* A rule's plain name for an HTTP client: no echo, Kea's file unread. */
    client(&c, "\x00\x07", 2, "HTTPClient:Arch:00007");
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 1);
    assert_int_equal(pxe_decision_has_file(&d), 1);
    assert_int_equal(pxe_reply_http_echo(&c, &d, "http://k/r.efi", 14), 0);

    /* No rule (ARM64 HTTP boot): Kea's own file decides. */
    client(&c, "\x00\x13", 2, "HTTPClient:Arch:00019:UNDI:003001");
    pxe_policy_free(&p);
    load_ok(&p, &noname);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 0);
    assert_int_equal(pxe_decision_has_file(&d), 0);
    assert_int_equal(pxe_reply_http_echo(&c, &d, "http://k/r.efi", 14), 1);
    assert_int_equal(pxe_reply_http_echo(&c, &d, "r.efi", 5), 0);
    assert_int_equal(pxe_reply_http_echo(&c, &d, NULL, 0), 0);
    assert_int_equal(pxe_reply_http_echo(&c, &d, "", 0), 0);
    pxe_policy_free(&p);

    load_ok(&p, &other);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_ENOMATCH);
    assert_int_equal(d.kind, PXE_KIND_HTTP);
    assert_int_equal(pxe_decision_has_file(&d), 0);
    assert_int_equal(pxe_reply_http_echo(&c, &d, "https://k/r.efi", 15), 1);

    /* Not network booting: never. */
    memset(&d, 0, sizeof(d));
    d.rule = -1;
    d.kind = PXE_KIND_NONE;
    assert_int_equal(pxe_reply_http_echo(&c, &d, "http://k/r", 10), 0);
    pxe_policy_free(&p);
}

static void
test_client_from_value_kea_file(void **state)
{
    const pxe_value_t  args = VMAP("",
        VINT("arch", 16),
        VSTR("vendor-class", "HTTPClient:Arch:00016"),
        VSTR("kea-boot-file", "http://192.0.2.10/reserved.efi"));
    const pxe_value_t  none = VMAP("", VINT("arch", 16));
    const pxe_value_t  notstr = VMAP("", VINT("kea-boot-file", 1));
    const pxe_value_t  unknown = VMAP("", VSTR("kea-file", "x"));
    pxe_client_t       c;
    pxe_policy_err_t   err;
    pxe_str_t          classes[1];

    (void) state;
    assert_int_equal(pxe_client_from_value(&c, &args, classes, 1, &err),
                     PXE_OK);
    assert_int_equal(c.kea_file.len, 30);
    assert_memory_equal(c.kea_file.data, "http://192.0.2.10/reserved.efi",
                        30);
    assert_int_equal(pxe_client_from_value(&c, &none, classes, 1, &err),
                     PXE_OK);
    assert_null(c.kea_file.data);
    assert_int_equal(c.kea_file.len, 0);
    assert_int_equal(pxe_client_from_value(&c, &notstr, classes, 1, &err),
                     PXE_EINVAL);
    assert_string_equal(err.msg, "key 'kea-boot-file': expected a string "
                        "of at most 255 bytes");
    assert_int_equal(pxe_client_from_value(&c, &unknown, classes, 1, &err),
                     PXE_EINVAL);
    assert_string_equal(err.msg, "key 'kea-file': unknown argument (known: "
                        "mac, arch, user-class, vendor-class, classes, "
                        "hostname, ip, subnet, requests-bootfile, "
                        "kea-boot-file)");
}

/* Loads params and asserts the exact error text. */
static void
load_fails(const pxe_value_t *params, int status, long rule, const char *key,
    const char *msg)
{
    pxe_policy_t      p;
    pxe_policy_err_t  err;

    pxe_policy_init(&p);
    assert_int_equal(pxe_policy_load(&p, params, &err), status);
    assert_int_equal(err.rule, rule);
    assert_string_equal(err.key, key);
    assert_string_equal(err.msg, msg);
    assert_null(p.rules);
    assert_int_equal(p.nrules, 0);
    pxe_policy_free(&p);
}

#define NS VSTR("next-server", "192.0.2.10")
#define BF VSTR("boot-file", "x")

static void
test_load_errors(void **state)
{
    (void) state;
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", BF), VMAP("", BF),
            VMAP("", VSTR("arch", "x"), BF)));
        load_fails(&v, PXE_EINVAL, 2, "arch", "rule 2, key 'arch': expected "
                   "an integer 0-65535 or a non-empty list of them");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VLIST("arch", VINT("", 7), VINT("", 70000)), BF)));
        load_fails(&v, PXE_EINVAL, 0, "arch", "rule 0, key 'arch': expected "
                   "an integer 0-65535 or a non-empty list of them");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VSTR("mac", "^(52"), BF)));
        load_fails(&v, PXE_ESYNTAX, 0, "mac", "rule 0, key 'mac': bad "
                   "pattern at offset 4: missing closing parenthesis");
    }
    {
        /* Patterns are bounded at load: length and nesting. */
        static char        big[PXE_PATTERN_MAX + 2], deep[80];
        static char        most[PXE_PATTERN_MAX + 1];
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VSTR("vendor-class", big), BF)));
        const pxe_value_t  u = VMAP("", NS, VLIST("rules",
            VMAP("", VSTR("vendor-class", most), BF)));
        const pxe_value_t  w = VMAP("", NS, VLIST("rules",
            VMAP("", BF), VMAP("", VSTR("user-class", deep), BF)));

        memset(big, 'a', PXE_PATTERN_MAX + 1);
        load_fails(&v, PXE_ESYNTAX, 0, "vendor-class", "rule 0, key "
                   "'vendor-class': bad pattern at offset 0: pattern string "
                   "is longer than the limit set by the application");
        memset(deep, '(', 33);
        memset(deep + 33, ')', 33);
        load_fails(&w, PXE_ESYNTAX, 1, "user-class", "rule 1, key "
                   "'user-class': bad pattern at offset 33: parentheses are "
                   "too deeply nested");
        memset(most, 'a', PXE_PATTERN_MAX);
        {
            pxe_policy_t  p;

            load_ok(&p, &u);
            pxe_policy_free(&p);
        }
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", BF), VMAP("", VSTR("boot-file", "m?mac=${mca}"))));
        load_fails(&v, PXE_ESYNTAX, 1, "boot-file", "rule 1, key "
                   "'boot-file': unknown variable or unterminated \"${\" at "
                   "offset 6 (variables: ${mac} ${ip} ${arch} ${hostname} "
                   "${next-server})");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VSTR("colour", "blue"), BF)));
        load_fails(&v, PXE_EINVAL, 0, "colour", "rule 0, key 'colour': "
                   "unknown key (match: ipxe, arch, class, vendor-class, "
                   "user-class, mac, subnet, option-175; action: boot-file, "
                   "next-server, server-hostname)");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VINT("ipxe", 1), BF)));
        load_fails(&v, PXE_EINVAL, 0, "ipxe", "rule 0, key 'ipxe': expected "
                   "a boolean, got an integer");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VSTR("next-server", "192.0.2.300"), BF)));
        load_fails(&v, PXE_EINVAL, 0, "next-server", "rule 0, key "
                   "'next-server': expected an IPv4 address string");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VINT("arch", 0))));
        load_fails(&v, PXE_EINVAL, 0, "", "rule 0: no action (boot-file, "
                   "next-server or server-hostname)");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules", VINT("", 1)));
        load_fails(&v, PXE_EINVAL, 0, "", "rule 0: expected a map, got an "
                   "integer");
    }
    {
        const pxe_value_t  v = VMAP("", NS,
            { .type = PXE_VALUE_LIST, K("rules") });
        load_fails(&v, PXE_EINVAL, -1, "rules", "key 'rules': expected a "
                   "non-empty list of rules, got an empty list");
    }
    {
        const pxe_value_t  v = VMAP("", NS);
        load_fails(&v, PXE_EINVAL, -1, "rules", "key 'rules': expected a "
                   "non-empty list of rules, got nothing");
    }
    {
        const pxe_value_t  v = VMAP("", VSTR("next-server", "boot.example"),
            VLIST("rules", VMAP("", BF)));
        load_fails(&v, PXE_EINVAL, -1, "next-server", "key 'next-server': "
                   "expected an IPv4 address string");
    }
    {
        const pxe_value_t  v = VMAP("", VLIST("rules", VMAP("", BF)));
        load_fails(&v, PXE_EINVAL, -1, "next-server", "key 'next-server': "
                   "missing (an IPv4 address string is required)");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VSTR("option-67", "sometimes"),
            VLIST("rules", VMAP("", BF)));
        load_fails(&v, PXE_EINVAL, -1, "option-67", "key 'option-67': "
                   "expected \"auto\", \"always\" or \"never\"");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VREAL("debug"),
            VLIST("rules", VMAP("", BF)));
        load_fails(&v, PXE_EINVAL, -1, "debug", "key 'debug': unknown "
                   "parameter (known: next-server, server-hostname, "
                   "option-67, rules)");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VLIST("class", VSTR("", "a"), VINT("", 2)), BF)));
        load_fails(&v, PXE_EINVAL, 0, "class", "rule 0, key 'class': "
                   "expected a class name or a non-empty list of them");
    }
    {
        /* Found by policy-fuzzer: a repeated key leaked its pattern. */
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VSTR("mac", "^52"), VSTR("mac", "4"), BF)));
        load_fails(&v, PXE_EINVAL, 0, "mac", "rule 0, key 'mac': given "
                   "twice");
    }
    {
        const pxe_value_t  v = VMAP("", NS, NS, VLIST("rules",
            VMAP("", BF)));
        load_fails(&v, PXE_EINVAL, -1, "next-server", "key 'next-server': "
                   "given twice");
    }
    {
        const pxe_value_t  v = VSTR("", "x");
        load_fails(&v, PXE_EINVAL, -1, "", "parameters: expected a map, got "
                   "a string");
    }
}

static void
test_boot_file_literal_too_long(void **state)
{
    char               lit[300];
    pxe_value_t        rule_items[1], rule, rules, top[2], params;
    pxe_policy_t       p;
    pxe_policy_err_t   err;

    (void) state;
    memset(lit, 'a', sizeof(lit));
    memset(rule_items, 0, sizeof(rule_items));
    rule_items[0].type = PXE_VALUE_STRING;
    rule_items[0].key.data = "boot-file";
    rule_items[0].key.len = 9;
    rule_items[0].string.data = lit;
    rule_items[0].string.len = 256;
    memset(&rule, 0, sizeof(rule));
    rule.type = PXE_VALUE_MAP;
    rule.items = rule_items;
    rule.nitems = 1;
    memset(&rules, 0, sizeof(rules));
    rules.type = PXE_VALUE_LIST;
    rules.key.data = "rules";
    rules.key.len = 5;
    rules.items = &rule;
    rules.nitems = 1;
    memset(top, 0, sizeof(top));
    top[0].type = PXE_VALUE_STRING;
    top[0].key.data = "next-server";
    top[0].key.len = 11;
    top[0].string.data = "1.2.3.4";
    top[0].string.len = 7;
    top[1] = rules;
    memset(&params, 0, sizeof(params));
    params.type = PXE_VALUE_MAP;
    params.items = top;
    params.nitems = 2;

    pxe_policy_init(&p);
    assert_int_equal(pxe_policy_load(&p, &params, &err), PXE_ETOOBIG);
    assert_string_equal(err.msg, "rule 0, key 'boot-file': longer than 255 "
                        "bytes (option 67) even with empty variables");
    rule_items[0].string.len = 255;
    assert_int_equal(pxe_policy_load(&p, &params, &err), PXE_OK);
    pxe_policy_free(&p);
}

static void
test_pattern_limits_fail_closed(void **state)
{
    /* Catastrophic backtracking: the match limit ends it as "no match". */
    const pxe_value_t  params = VMAP("", NS, VLIST("rules",
        VMAP("", VSTR("vendor-class", "^(a+)+$"), VSTR("boot-file", "slow")),
        VMAP("", VSTR("boot-file", "fallback"))));
    pxe_policy_t       p;
    pxe_client_t       c;
    pxe_decision_t     d;
    char               vc[64];

    (void) state;
    memset(vc, 'a', sizeof(vc));
    vc[sizeof(vc) - 1] = '\0';
    vc[sizeof(vc) - 2] = 'b';
    load_ok(&p, &params);
    client(&c, "\x00\x00", 2, vc);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_string_equal(d.file, "fallback");
    pxe_policy_free(&p);
}

static void
test_client_from_value(void **state)
{
    const pxe_value_t  args = VMAP("",
        VSTR("mac", "52:54:00:12:34:56"),
        VLIST("arch", VINT("", 7), VINT("", 9)),
        VSTR("user-class", "iPXE"),
        VSTR("vendor-class", "PXEClient:Arch:00007"),
        VLIST("classes", VSTR("", "rack-b"), VSTR("", "ALL")),
        VSTR("subnet", "10.1.0.0/16"),
        VBOOL("requests-bootfile", 0));
    const pxe_value_t  bad = VMAP("", VSTR("mac", "zz"));
    const pxe_value_t  hostbits = VMAP("", VSTR("subnet", "10.1.0.1/16"));
    const pxe_value_t  nolen = VMAP("", VSTR("subnet", "10.1.0.0"));
    const uint8_t      net[4] = { 10, 1, 0, 0 };
    const uint8_t      wide[4] = { 10, 0, 0, 0 };
    const pxe_value_t  unknown = VMAP("", VSTR("macc", "zz"));
    pxe_client_t       c;
    pxe_policy_err_t   err;
    pxe_str_t          classes[4];

    (void) state;
    assert_int_equal(pxe_client_from_value(&c, &args, classes, 4, &err),
                     PXE_OK);
    assert_int_equal(c.mac_len, 6);
    assert_int_equal(c.narch, 2);
    assert_true(c.ipxe);
    assert_int_equal(c.nclasses, 2);
    assert_false(c.wants_bootfile);
    assert_true(c.has_subnet);
    assert_memory_equal(c.subnet, net, 4);
    assert_int_equal(c.subnet_len, 16);
    /* A rule's subnet key then matches as on the wire: inside 10/8. */
    assert_true(pxe_subnet_inside(c.subnet, c.subnet_len, wide, 8));
    assert_int_equal(pxe_client_from_value(&c, &hostbits, classes, 4, &err),
                     PXE_EINVAL);
    assert_string_equal(err.key, "subnet");
    assert_int_equal(pxe_client_from_value(&c, &nolen, classes, 4, &err),
                     PXE_EINVAL);
    assert_string_equal(err.key, "subnet");
    assert_int_equal(pxe_client_from_value(&c, &args, classes, 1, &err),
                     PXE_EINVAL);
    assert_string_equal(err.key, "classes");
    assert_int_equal(pxe_client_from_value(&c, &bad, classes, 4, &err),
                     PXE_EINVAL);
    assert_string_equal(err.msg, "key 'mac': expected \"aa:bb:cc:dd:ee:ff\"");
    assert_int_equal(pxe_client_from_value(&c, &unknown, classes, 4, &err),
                     PXE_EINVAL);
    assert_string_equal(err.key, "macc");
}

/*
 * 1 when a policy {key: pat, boot-file: "hit"}, {boot-file: "miss"} picks
 * its first rule for c.
 */
static int
first_rule_matches(const char *key, const char *pat, const pxe_client_t *c)
{
    pxe_value_t       r0[2], r1[1], rules[2], top[2];
    pxe_policy_t      p;
    pxe_decision_t    d;
    int               hit;

    memset(r0, 0, sizeof(r0));
    memset(r1, 0, sizeof(r1));
    memset(rules, 0, sizeof(rules));
    memset(top, 0, sizeof(top));
    r0[0].type = PXE_VALUE_STRING;
    r0[0].key = (pxe_str_t) { key, strlen(key) };
    r0[0].string = (pxe_str_t) { pat, strlen(pat) };
    r0[1].type = PXE_VALUE_STRING;
    r0[1].key = (pxe_str_t) { "boot-file", 9 };
    r0[1].string = (pxe_str_t) { "hit", 3 };
    r1[0] = r0[1];
    r1[0].string = (pxe_str_t) { "miss", 4 };
    rules[0].type = PXE_VALUE_MAP;
    rules[0].items = r0;
    rules[0].nitems = 2;
    rules[1].type = PXE_VALUE_MAP;
    rules[1].items = r1;
    rules[1].nitems = 1;
    top[0].type = PXE_VALUE_STRING;
    top[0].key = (pxe_str_t) { "next-server", 11 };
    top[0].string = (pxe_str_t) { "192.0.2.10", 10 };
    top[1].type = PXE_VALUE_LIST;
    top[1].key = (pxe_str_t) { "rules", 5 };
    top[1].items = rules;
    top[1].nitems = 2;
    {
        const pxe_value_t  params = { .type = PXE_VALUE_MAP, .items = top,
                                      .nitems = 2 };

        load_ok(&p, &params);
    }
    assert_int_equal(pxe_policy_decide(&p, c, &d), PXE_OK);
    hit = d.rule == 0;
    assert_string_equal(d.file, hit ? "hit" : "miss");
    pxe_policy_free(&p);
    return hit;
}

/*
 * Plain-text patterns skip PCRE2 (a memcmp answers "^text" and "text"):
 * each must decide exactly as PCRE2 does, which "(?:)" appended forces.
 */
static void
test_literal_patterns_as_pcre2(void **state)
{
    static const char *const  pats[] = {
        "^PXEClient:Arch:00007", "^PXEClient", "PXEClient", "HTTPClient",
        "^HTTPClient", "^", "", "^a\\.b", "a\\.b", "Arch:0000",
        "^PXEClient:Arch:00000:UNDI:002001",
        "^PXEClient:Arch:00000:UNDI:0020011", "^pxeclient", "^PXE Client",
        "^a\\-b", "PXEClient#x", "}]", "x]", "^a\\\\b", "UNDI:002001",
        "^0123456789012345678901234567890123456789012345678901234567890123"
        "4", "a.b", "^PXEClient$", "(?i)^pxeclient", "^a\\Qb",
    };
    static const char *const  vcs[] = {
        "PXEClient:Arch:00007:UNDI:003016", "PXEClient:Arch:00000:UNDI:002001",
        "HTTPClient:Arch:00016:UNDI:003001", "a.b", "axb", "xxa.bxx", "a-b",
        "PXE Client", "}]", "x]", "PXEClient#x", "a\\b", "PXEClient",
        "01234567890123456789012345678901234567890123456789012345678901234",
    };
    static const char *const  macs[] = {
        "^52:54:00", "12:34", "^aa:bb", "56", "^52:54:00:12:34:56", ":56$",
    };
    pxe_client_t  c;
    char          forced[200];
    size_t        i, j, hits = 0;

    (void) state;
    for (j = 0; j < sizeof(vcs) / sizeof(vcs[0]); j++) {
        client(&c, "\x00\x00", 2, vcs[j]);
        for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
            int  got = first_rule_matches("vendor-class", pats[i], &c);

            snprintf(forced, sizeof(forced), "%s(?:)", pats[i]);
            if (got != first_rule_matches("vendor-class", forced, &c)) {
                print_error("pattern \"%s\", vendor class \"%s\"\n", pats[i],
                            vcs[j]);
                fail();
            }
            hits += (size_t) got;
        }
    }
    /* Not all or nothing: the table exercises both answers. */
    assert_true(hits > 20);
    assert_true(hits < 150);
    client(&c, "\x00\x00", 2, "xxHTTPClient");
    assert_true(first_rule_matches("vendor-class", "HTTPClient", &c));
    assert_false(first_rule_matches("vendor-class", "^HTTPClient", &c));
    assert_true(first_rule_matches("vendor-class", "^xx", &c));
    client(&c, "\x00\x00", 2, "axb");
    assert_false(first_rule_matches("vendor-class", "^a\\.b", &c));
    assert_true(first_rule_matches("vendor-class", "^a.b", &c));
    for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
        client(&c, "\x00\x00", 2, NULL);
        snprintf(forced, sizeof(forced), "%s(?:)", macs[i]);
        assert_int_equal(first_rule_matches("mac", macs[i], &c),
                         first_rule_matches("mac", forced, &c));
    }
    client(&c, "\x00\x00", 2, NULL);
    assert_true(first_rule_matches("mac", "^52:54:00", &c));
    assert_true(first_rule_matches("mac", "34:56", &c));
    assert_false(first_rule_matches("mac", "^aa:bb", &c));
    /* iPXE's raw user class, and RFC 3004 instances, through a literal. */
    client(&c, "\x00\x00", 2, NULL);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS,
                                           (const uint8_t *) "iPXE", 4),
                     PXE_OK);
    assert_true(first_rule_matches("user-class", "^iPXE", &c));
    assert_true(first_rule_matches("user-class", "PXE", &c));
    assert_false(first_rule_matches("user-class", "^PXE", &c));
    client(&c, "\x00\x00", 2, NULL);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS,
                                           (const uint8_t *) "\x03" "abc"
                                           "\x04" "gPXE", 9), PXE_OK);
    assert_true(first_rule_matches("user-class", "^gPXE", &c));
    assert_false(first_rule_matches("user-class", "^bc", &c));
}

/* Only the variables a boot file uses are made; plain text is copied. */
/* Key subnet: the selected subnet lies inside one of the rule's. */
static void
test_subnet_key(void **state)
{
    static const char *const bad[] = {
        "10.0.0.1/24", "10.0.0.0/33", "10.0.0.0", "10.0.0/24", "010.0.0.0/8",
        "10.0.0.0/24x", "256.0.0.0/8", ""
    };
    pxe_policy_t     p;
    pxe_client_t     c;
    pxe_decision_t   d;
    size_t           i;
    const uint8_t    rack_b[4] = { 10, 89, 0, 0 }, inner[4] = { 10, 89, 4, 0 },
                     other[4] = { 10, 90, 0, 0 };

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const pxe_value_t  s = { .type = PXE_VALUE_STRING, K("subnet"),
                                 .string = { bad[i], strlen(bad[i]) } };
        const pxe_value_t  rule[] = { s, BF };
        const pxe_value_t  rules = { .type = PXE_VALUE_MAP, .items = rule,
                                     .nitems = 2 };
        const pxe_value_t  top[] = { NS, { .type = PXE_VALUE_LIST,
                                           K("rules"), .items = &rules,
                                           .nitems = 1 } };
        const pxe_value_t  v = { .type = PXE_VALUE_MAP, .items = top,
                                 .nitems = 2 };

        load_fails(&v, PXE_EINVAL, 0, "subnet", "rule 0, key 'subnet': "
                   "expected an IPv4 prefix \"a.b.c.d/n\" (no host bits set) "
                   "or a non-empty list of them");
    }
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VLIST("subnet", VSTR("", "10.89.0.0/16"),
                           VSTR("", "192.0.2.0/24")),
                 VSTR("boot-file", "rack-b.kpxe")),
            VMAP("", VBOOL("option-175", 1), VSTR("boot-file", "175")),
            VMAP("", VSTR("boot-file", "any.kpxe"))));

        load_ok(&p, &v);
    }
    assert_true(p.needs_subnet);            /* the adapter must set it */
    client(&c, "\x00\x00", 2, NULL);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 2);            /* no subnet known: no match */
    pxe_client_set_subnet(&c, rack_b, 24);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 0);
    pxe_client_set_subnet(&c, inner, 22);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 0);
    pxe_client_set_subnet(&c, rack_b, 15);  /* wider than the rule's */
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 2);
    pxe_client_set_subnet(&c, other, 24);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 2);
    /* option-175 is the option, not the user class */
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS,
                                           (const uint8_t *) "iPXE", 4),
                     PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 2);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_IPXE_ENCAP,
                                           (const uint8_t *) "\x13\x01\x01",
                                           3), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 1);
    pxe_policy_free(&p);
    {
        const pxe_value_t  v = VMAP("", NS, VLIST("rules",
            VMAP("", VSTR("boot-file", "any.kpxe"))));

        load_ok(&p, &v);
    }
    assert_false(p.needs_subnet);           /* no rule reads it */
    assert_false(p.needs_hostname);         /* nor ${hostname} */
    assert_false(p.needs_classes);          /* nor a class */
    pxe_policy_free(&p);
    assert_int_equal(pxe_subnet_inside(rack_b, 24, rack_b, 0), 1);
    assert_int_equal(pxe_subnet_inside(rack_b, 33, rack_b, 24), 0);
}

/*
 * Exact-MAC rules past PXE_MACHASH_MIN_RULES go to the hash; first match
 * is still by position, merged with the other rules; past PXE_RULES_MAX
 * only such rules may come.
 */
static void
test_mac_hash(void **state)
{
    enum { NHOSTS = 5000 };
    pxe_value_t     *items, *maps, top[2];
    pxe_value_t      list, v;
    char           (*mac)[32], (*file)[32];
    pxe_policy_t     p;
    pxe_policy_err_t err;
    pxe_client_t     c;
    pxe_decision_t   d;
    size_t           i, n = NHOSTS + 3;
    uint8_t          hw[6] = { 0x52, 0x54, 0x00, 0, 0, 0 };

    (void) state;
    items = calloc(n * 3, sizeof(*items));
    maps = calloc(n, sizeof(*maps));
    mac = calloc(n, sizeof(*mac));
    file = calloc(n, sizeof(*file));
    assert_non_null(items);
    assert_non_null(maps);
    assert_non_null(mac);
    assert_non_null(file);
    /* rule 0: iPXE first, whatever the MAC; then per-host rules (host 7
     * twice: arch 7 first); then a default. */
    for (i = 0; i < n; i++) {
        pxe_value_t  *it = &items[3 * i];
        size_t        k = 0;

        if (i == 0) {
            it[k++] = (pxe_value_t) VBOOL("ipxe", 1);
            it[k++] = (pxe_value_t) VSTR("boot-file", "menu");
        } else if (i == n - 1) {
            it[k++] = (pxe_value_t) VSTR("boot-file", "default");
        } else {
            size_t  h = i == 1 ? 7 : i - 1;

            snprintf(mac[i], sizeof(mac[i]), "^52:54:00:00:%02zx:%02zx$",
                     h >> 8, h & 0xff);
            snprintf(file[i], sizeof(file[i]), "host-%zu%s", h,
                     i == 1 ? ".efi" : "");
            it[k++] = (pxe_value_t) { .type = PXE_VALUE_STRING, K("mac"),
                                      .string = { mac[i], strlen(mac[i]) } };
            it[k++] = (pxe_value_t) { .type = PXE_VALUE_STRING,
                                      K("boot-file"),
                                      .string = { file[i], strlen(file[i]) } };
            if (i == 1) {
                it[k++] = (pxe_value_t) VINT("arch", 7);
            }
        }
        maps[i].type = PXE_VALUE_MAP;
        maps[i].items = it;
        maps[i].nitems = k;
    }
    list = (pxe_value_t) { .type = PXE_VALUE_LIST, K("rules"), .items = maps,
                           .nitems = n };
    top[0] = (pxe_value_t) NS;
    top[1] = list;
    v = (pxe_value_t) { .type = PXE_VALUE_MAP, .items = top, .nitems = 2 };
    load_ok(&p, &v);
    assert_non_null(p.machash);
    assert_null(p.index);
    /* Per-host: the hashed exact-MAC rules, not the others. */
    assert_false(pxe_policy_rule_per_host(&p, 0));
    assert_true(pxe_policy_rule_per_host(&p, 1));
    assert_true(pxe_policy_rule_per_host(&p, n - 2));
    assert_false(pxe_policy_rule_per_host(&p, n - 1));
    assert_false(pxe_policy_rule_per_host(&p, n));

    hw[4] = 0x00;
    hw[5] = 0x07;
    client(&c, "\x00\x07", 2, NULL);
    assert_int_equal(pxe_client_set_mac(&c, hw, 6), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_string_equal(d.file, "host-7.efi");
    client(&c, "\x00\x00", 2, NULL);
    assert_int_equal(pxe_client_set_mac(&c, hw, 6), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_string_equal(d.file, "host-7");
    hw[4] = 0x13;
    hw[5] = 0x87;                            /* host 4999 */
    assert_int_equal(pxe_client_set_mac(&c, hw, 6), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_string_equal(d.file, "host-4999");
    assert_int_equal(d.rule, 5000);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS,
                                           (const uint8_t *) "iPXE", 4),
                     PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_string_equal(d.file, "menu");     /* rule 0 comes first */
    client(&c, "\x00\x00", 2, NULL);
    hw[4] = 0x20;                            /* no such host */
    assert_int_equal(pxe_client_set_mac(&c, hw, 6), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_string_equal(d.file, "default");
    pxe_policy_free(&p);

    /* 1001 rules that are not exact-MAC ones: refused as before. */
    for (i = 1; i < 1002; i++) {
        snprintf(mac[i], sizeof(mac[i]), "^52:54:00:00:%02zx:", i & 0xff);
        items[3 * i].string.len = strlen(mac[i]);
    }
    list.nitems = 1003;
    top[1] = list;
    pxe_policy_init(&p);
    assert_int_equal(pxe_policy_load(&p, &v, &err), PXE_ETOOMANY);
    assert_string_equal(err.msg, "key 'rules': more than 1000 rules");
    pxe_policy_free(&p);
    free(items);
    free(maps);
    free(mac);
    free(file);
}

static void
test_boot_file_variables(void **state)
{
    const pxe_value_t  params = VMAP("",
        VSTR("next-server", "192.0.2.10"),
        VLIST("rules",
            VMAP("", VINT("arch", 7), VSTR("boot-file", "ipxe.efi")),
            VMAP("", VINT("arch", 9),
                 VSTR("boot-file", "${arch}/${ip}/${hostname}/${mac}")),
            VMAP("", VSTR("boot-file", "http://${next-server}/m?${mac}"),
                 VSTR("next-server", "198.51.100.7"))));
    pxe_policy_t       p;
    pxe_client_t       c;
    pxe_decision_t     d;

    (void) state;
    load_ok(&p, &params);
    assert_true(p.needs_hostname);          /* rule 1 has ${hostname} */
    client(&c, "\x00\x07", 2, NULL);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_string_equal(d.file, "ipxe.efi");
    assert_int_equal(d.file_len, 8);
    client(&c, "\x00\x09", 2, NULL);
    pxe_client_set_ip(&c, (const uint8_t *) "\xc0\x00\x02\x64");
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_HOSTNAME,
                                           (const uint8_t *) "cn-7", 4),
                     PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 1);
    assert_string_equal(d.file, "9/192.0.2.100/cn-7/52:54:00:12:34:56");
    client(&c, "\x00\x00", 2, NULL);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_string_equal(d.file, "http://198.51.100.7/m?52:54:00:12:34:56");
    pxe_policy_free(&p);
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_example_decisions),
        cmocka_unit_test(test_long_file_goes_to_option67),
        cmocka_unit_test(test_option67_always_and_sname),
        cmocka_unit_test(test_http_boot_echo),
        cmocka_unit_test(test_reply_http_echo),
        cmocka_unit_test(test_client_from_value_kea_file),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_boot_file_literal_too_long),
        cmocka_unit_test(test_pattern_limits_fail_closed),
        cmocka_unit_test(test_client_from_value),
        cmocka_unit_test(test_literal_patterns_as_pcre2),
        cmocka_unit_test(test_boot_file_variables),
        cmocka_unit_test(test_subnet_key),
        cmocka_unit_test(test_mac_hash),
    };

    return PXE_RUN_TESTS(tests);
}
