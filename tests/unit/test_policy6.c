/*
 * test_policy6.c: the rules in a DHCPv6 server.  What has no meaning
 * there is refused naming rule and key (exact texts); boot files must be
 * URLs; option 60's parameters are encoded at load; a v6 client decided
 * on as v4's, with ${ip} the assigned IPv6 address and the HTTPClient
 * echo taken by the same function.
 */

#include <string.h>

#include "test.h"

#define K(k)          .key = { (k), sizeof(k) - 1 }
#define VSTR(k, s)    { .type = PXE_VALUE_STRING, K(k), \
                        .string = { (s), sizeof(s) - 1 } }
#define VINT(k, n)    { .type = PXE_VALUE_INT, K(k), .integer = (n) }
#define VBOOL(k, b)   { .type = PXE_VALUE_BOOL, K(k), .boolean = (b) }
#define ITEMS(...)    .items = (const pxe_value_t[]) { __VA_ARGS__ }, \
                      .nitems = sizeof((const pxe_value_t[]) { __VA_ARGS__ }) \
                                / sizeof(pxe_value_t)
#define VLIST(k, ...) { .type = PXE_VALUE_LIST, K(k), ITEMS(__VA_ARGS__) }
#define VMAP(k, ...)  { .type = PXE_VALUE_MAP, K(k), ITEMS(__VA_ARGS__) }

#define SET6(c, code, lit) \
    pxe_client6_set_option((c), (code), (const uint8_t *) (lit), \
                           sizeof(lit) - 1)

static void
load_fails(const pxe_value_t *params, const char *msg)
{
    pxe_policy_t      p;
    pxe_policy_err_t  err;

    pxe_policy_init(&p);
    assert_int_not_equal(pxe_policy_load6(&p, params, &err), PXE_OK);
    assert_string_equal(err.msg, msg);
    assert_int_equal(p.nrules, 0);
}

static void
test_refused(void **state)
{
    (void) state;
    {
        const pxe_value_t  v = VMAP("", VSTR("next-server", "192.0.2.1"),
            VLIST("rules", VMAP("", VSTR("boot-file", "tftp://[::1]/x"))));

        load_fails(&v, "key 'next-server': has no meaning in DHCPv6 (the "
                   "boot file is a URL naming its server, option 59)");
    }
    {
        const pxe_value_t  v = VMAP("",
            VLIST("rules",
                  VMAP("", VSTR("boot-file", "tftp://[::1]/x")),
                  VMAP("", VINT("arch", 7),
                       VSTR("boot-file", "tftp://[2001:db8::1]/ipxe.efi"),
                       VSTR("next-server", "192.0.2.1"))));

        load_fails(&v, "rule 1, key 'next-server': has no meaning in DHCPv6 "
                   "(the boot file is a URL naming its server, option 59)");
    }
    {
        const pxe_value_t  v = VMAP("",
            VLIST("rules", VMAP("", VSTR("subnet", "10.0.0.0/8"),
                                VSTR("boot-file", "http://h/x"))));

        load_fails(&v, "rule 0, key 'subnet': is a DHCPv4 match key, not "
                   "supported in DHCPv6");
    }
    {
        const pxe_value_t  v = VMAP("",
            VLIST("rules", VMAP("", VSTR("boot-file", "ipxe.efi"))));

        load_fails(&v, "rule 0, key 'boot-file': in DHCPv6 the boot file is "
                   "a URL: tftp://, http:// or https:// and a server, e.g. "
                   "\"tftp://[2001:db8::1]/ipxe.efi\"");
    }
    {
        const pxe_value_t  v = VMAP("",
            VLIST("rules", VMAP("", VSTR("boot-file", "tftp://${mac}/x"))));

        load_fails(&v, "rule 0, key 'boot-file': in DHCPv6 the boot file is "
                   "a URL: tftp://, http:// or https:// and a server, e.g. "
                   "\"tftp://[2001:db8::1]/ipxe.efi\"");
    }
    {
        const pxe_value_t  v = VMAP("",
            VLIST("rules", VMAP("", VSTR("boot-file",
                                         "http://h/${next-server}"))));

        load_fails(&v, "rule 0, key 'boot-file': ${next-server} has no "
                   "meaning in DHCPv6");
    }
    {
        const pxe_value_t  v = VMAP("",
            VLIST("rules", VMAP("", VBOOL("ipxe", 1),
                                VSTR("bootfile-param", ""),
                                VSTR("boot-file", "http://h/x"))));

        load_fails(&v, "rule 0, key 'bootfile-param': expected a string or "
                   "a non-empty list of strings, each 1 to 255 bytes");
    }
    {
        /* bootfile-param is DHCPv6's: unknown to a v4 config. */
        const pxe_value_t  v = VMAP("", VSTR("next-server", "192.0.2.1"),
            VLIST("rules", VMAP("", VSTR("bootfile-param", "a"),
                                VSTR("boot-file", "x"))));
        pxe_policy_t       p;
        pxe_policy_err_t   err;

        pxe_policy_init(&p);
        assert_int_not_equal(pxe_policy_load(&p, &v, &err), PXE_OK);
        assert_string_equal(err.key, "bootfile-param");
    }
}

static void
test_decide(void **state)
{
    const pxe_value_t  v = VMAP("",
        VLIST("rules",
              VMAP("", VBOOL("ipxe", 1),
                   VSTR("boot-file",
                        "http://[2001:db8::1]/menu.ipxe?mac=${mac}&ip=${ip}")),
              VMAP("", VLIST("arch", VINT("", 7), VINT("", 9)),
                   VSTR("boot-file", "tftp://[2001:db8::1]/snponly.efi"),
                   VLIST("bootfile-param", VSTR("", "a=1"), VSTR("", "bc"))),
              VMAP("", VSTR("vendor-class", "^HTTPClient"),
                   VSTR("boot-file", "http://[2001:db8::1]/ipxe.efi"))));
    static const uint8_t  ip6[16] = {
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x05
    };
    pxe_policy_t       p;
    pxe_policy_err_t   err;
    pxe_client_t       c;
    pxe_decision_t     d;

    (void) state;
    pxe_policy_init(&p);
    assert_int_equal(pxe_policy_load6(&p, &v, &err), PXE_OK);
    assert_int_equal(p.family, 6);

    /* iPXE: user class alone, DUID-LL, the assigned address. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x03\x00\x01\x52\x54\x00\x12\x34\x56"), PXE_OK);
    assert_int_equal(SET6(&c, PXE_OPT6_USER_CLASS, "\x00\x04iPXE"), PXE_OK);
    pxe_client_set_ip6(&c, ip6);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 0);
    assert_int_equal(d.kind, PXE_KIND_IPXE);
    assert_string_equal(d.file, "http://[2001:db8::1]/menu.ipxe"
                        "?mac=52:54:00:12:34:56&ip=2001:db8::1005");
    assert_null(d.param);
    assert_false(pxe_reply_http_echo(&c, &d, NULL, 0));

    /* UEFI PXE: 61 = 7, parameters as RFC 5970 encodes them. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENT_ARCH, "\x00\x07"), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 1);
    assert_string_equal(d.file, "tftp://[2001:db8::1]/snponly.efi");
    assert_int_equal(d.param_len, 9);
    assert_memory_equal(d.param, "\x00\x03" "a=1" "\x00\x02" "bc", 9);

    /* UEFI HTTP: 61 = 16, option 16 HTTPClient: the echo. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENT_ARCH, "\x00\x10"), PXE_OK);
    assert_int_equal(SET6(&c, PXE_OPT6_VENDOR_CLASS,
                          "\x00\x00\x01\x57\x00\x15HTTPClient:Arch:00016"),
                     PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_OK);
    assert_int_equal(d.rule, 2);
    assert_int_equal(d.kind, PXE_KIND_HTTP);
    assert_true(pxe_reply_http_echo(&c, &d, NULL, 0));

    /* Not netbooting: a DUID and nothing else. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x03\x00\x01\x52\x54\x00\x12\x34\x56"), PXE_OK);
    assert_int_equal(pxe_policy_decide(&p, &c, &d), PXE_ENOMATCH);
    assert_int_equal(d.kind, PXE_KIND_NONE);
    assert_false(pxe_reply_http_echo(&c, &d, NULL, 0));
    pxe_policy_free(&p);
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_decide),
    };

    return PXE_RUN_TESTS(tests);
}
