/*
 * test_dhcp6opt.c: the DHCPv6 client view.  Options 61, 15, 16 and the
 * MAC sources (DUID-LL, DUID-LLT, the relay's 79) take bytes and a
 * length and trust neither; what is malformed decodes to nothing.
 */

#include <string.h>

#include "test.h"

#define SET6(c, code, lit) \
    pxe_client6_set_option((c), (code), (const uint8_t *) (lit), \
                           sizeof(lit) - 1)

static void
mac_is(const pxe_client_t *c, const char *want)
{
    char  s[PXE_MACSTR_MAX];
    size_t n = pxe_client_mac_text(c, s);

    assert_int_equal(n, strlen(want));
    assert_memory_equal(s, want, n);
}

static void
test_arch(void **state)
{
    pxe_client_t  c;

    (void) state;
    pxe_client6_init(&c);
    assert_true(c.v6);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_NONE);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENT_ARCH, "\x00\x07\x00\x10"),
                     PXE_OK);
    assert_int_equal(c.narch, 2);
    assert_int_equal(c.arch[0], 7);
    assert_int_equal(c.arch[1], 16);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_HTTP);

    /* Odd: nothing decoded, yet a client that sent 61 is netbooting. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENT_ARCH, "\x00\x07\x00"),
                     PXE_EINVAL);
    assert_int_equal(c.narch, 0);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_PXE);
}

static void
test_user_class(void **state)
{
    pxe_client_t  c;

    (void) state;
    /* As iPXE's DHCPv6 client sends it: one instance "iPXE". */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_USER_CLASS, "\x00\x04iPXE"), PXE_OK);
    assert_true(c.ipxe);
    assert_int_equal(c.nuser_class, 1);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_IPXE);

    /* Second of two instances. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_USER_CLASS,
                          "\x00\x03" "abc" "\x00\x04" "iPXE"), PXE_OK);
    assert_int_equal(c.nuser_class, 2);
    assert_int_equal(c.uc_off[1], 7);
    assert_true(c.ipxe);

    /* v4's raw shape is not v6's: "iPXE" alone is malformed here. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_USER_CLASS, "iPXE"), PXE_EINVAL);
    assert_false(c.ipxe);
    assert_false(c.has_user_class);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_NONE);

    /* Overrun, short length field, empty instance, empty option. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_USER_CLASS, "\x00\x05iPXE"),
                     PXE_EINVAL);
    assert_int_equal(SET6(&c, PXE_OPT6_USER_CLASS, "\x00\x04iPXE\x00"),
                     PXE_EINVAL);
    assert_int_equal(SET6(&c, PXE_OPT6_USER_CLASS, "\x00\x00"), PXE_EINVAL);
    assert_int_equal(pxe_client6_set_option(&c, PXE_OPT6_USER_CLASS, NULL, 0),
                     PXE_EINVAL);
    assert_false(c.ipxe);
    assert_int_equal(c.nuser_class, 0);
}

static void
test_user_class_too_long(void **state)
{
    pxe_client_t  c;
    uint8_t       big[300];

    (void) state;
    memset(big, 'a', sizeof(big));
    big[0] = 0x01;
    big[1] = 0x2a;                  /* 298: fills the payload exactly */
    pxe_client6_init(&c);
    assert_int_equal(pxe_client6_set_option(&c, PXE_OPT6_USER_CLASS, big,
                                            sizeof(big)), PXE_EINVAL);
    assert_false(c.has_user_class);
}

static void
test_vendor_class(void **state)
{
    pxe_client_t  c;

    (void) state;
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_VENDOR_CLASS,
                          "\x00\x00\x01\x57\x00\x15HTTPClient:Arch:00016"),
                     PXE_OK);
    assert_true(c.has_enterprise);
    assert_int_equal(c.enterprise, 343);
    assert_int_equal(c.vendor_class_len, 21);
    assert_memory_equal(c.vendor_class, "HTTPClient:Arch:00016", 21);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_HTTP);

    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_VENDOR_CLASS,
                          "\x00\x00\x01\x57\x00\x09PXEClient\x00\x01x"),
                     PXE_OK);
    assert_int_equal(c.vendor_class_len, 9);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_PXE);

    /* No instance, short enterprise, overrun: nothing. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_VENDOR_CLASS, "\x00\x00\x01\x57"),
                     PXE_EINVAL);
    assert_int_equal(SET6(&c, PXE_OPT6_VENDOR_CLASS, "\x00\x00\x01"),
                     PXE_EINVAL);
    assert_int_equal(SET6(&c, PXE_OPT6_VENDOR_CLASS,
                          "\x00\x00\x01\x57\x00\x0aHTTPClient!"),
                     PXE_EINVAL);
    assert_false(c.has_vendor_class);
    assert_false(c.has_enterprise);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_NONE);
}

static void
test_mac_sources(void **state)
{
    pxe_client_t  c;

    (void) state;
    /* DUID-LL: type 3, hw type 1, address. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x03\x00\x01\x52\x54\x00\x12\x34\x56"), PXE_OK);
    mac_is(&c, "52:54:00:12:34:56");
    /* DUID-LLT: type 1, hw type, 4 bytes of time, address. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x01\x00\x01\x2a\x2b\x2c\x2d"
                          "\x52\x54\x00\xaa\xbb\xcc"), PXE_OK);
    mac_is(&c, "52:54:00:aa:bb:cc");
    /* DUID-EN and DUID-UUID carry no address. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x02\x00\x00\x01\x57\x01\x02"), PXE_OK);
    assert_int_equal(c.mac_len, 0);
    /* Truncated DUIDs: nothing. */
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID, "\x00\x03\x00\x01"),
                     PXE_EINVAL);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID, "\x00"), PXE_EINVAL);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x01\x00\x01\x2a\x2b\x2c\x2d"), PXE_EINVAL);
    assert_int_equal(c.mac_len, 0);

    /* 79 wins over the DUID, in either order. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENT_LLADDR,
                          "\x00\x01\x02\x00\x00\x00\x00\x79"), PXE_OK);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x03\x00\x01\x52\x54\x00\x12\x34\x56"), PXE_OK);
    mac_is(&c, "02:00:00:00:00:79");
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x03\x00\x01\x52\x54\x00\x12\x34\x56"), PXE_OK);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENT_LLADDR,
                          "\x00\x01\x02\x00\x00\x00\x00\x79"), PXE_OK);
    mac_is(&c, "02:00:00:00:00:79");
    /* A 79 of 0-2 bytes or past 16 address bytes: ignored. */
    pxe_client6_init(&c);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENT_LLADDR, "\x00\x01"),
                     PXE_EINVAL);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENT_LLADDR,
                          "\x00\x01" "0123456789abcdefg"), PXE_EINVAL);
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x03\x00\x01\x52\x54\x00\x12\x34\x56"), PXE_OK);
    mac_is(&c, "52:54:00:12:34:56");

    /* The EUI-64 link-local source: last of the three. */
    pxe_client6_init(&c);
    pxe_client6_set_source(&c, (const uint8_t *)
        "\xfe\x80\0\0\0\0\0\0\x50\x54\x00\xff\xfe\x12\x34\x56");
    assert_int_equal(c.mac_src, PXE_MAC6_LINK_LOCAL);
    mac_is(&c, "52:54:00:12:34:56");
    assert_int_equal(SET6(&c, PXE_OPT6_CLIENTID,
                          "\x00\x03\x00\x01\x52\x54\x00\xaa\xbb\xcc"), PXE_OK);
    mac_is(&c, "52:54:00:aa:bb:cc");
    pxe_client6_set_source(&c, (const uint8_t *)
        "\xfe\x80\0\0\0\0\0\0\x50\x54\x00\xff\xfe\x12\x34\x56");
    mac_is(&c, "52:54:00:aa:bb:cc");
    /* Not EUI-64, not link-local: nothing. */
    pxe_client6_init(&c);
    pxe_client6_set_source(&c, (const uint8_t *)
        "\xfe\x80\0\0\0\0\0\0\x50\x54\x00\x01\x02\x12\x34\x56");
    pxe_client6_set_source(&c, (const uint8_t *)
        "\xfd\x00\0\0\0\0\0\0\x50\x54\x00\xff\xfe\x12\x34\x56");
    assert_int_equal(c.mac_len, 0);
}

static void
test_echo_and_text(void **state)
{
    uint8_t  echo[PXE_ECHO6_LEN];
    char     s[48];
    static const struct {
        const char  *bytes;
        const char  *text;
    } cases[] = {
        { "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", "2001:db8::1" },
        { "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "::" },
        { "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", "::1" },
        { "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "fe80::" },
        { "\x20\x01\x0d\xb8\0\0\0\x01\0\0\0\0\0\0\0\x01",
          "2001:db8:0:1::1" },               /* one zero group: no "::" */
        { "\x20\x01\x0d\xb8\0\0\0\0\0\x01\0\0\0\0\0\x01",
          "2001:db8::1:0:0:1" },             /* first of equal runs */
        { "\x20\x01\x0d\xb8\x00\x01\x00\x02\x00\x03\x00\x04\x00\x05\x00\x06",
          "2001:db8:1:2:3:4:5:6" },
    };
    size_t   i;

    (void) state;
    assert_int_equal(pxe_reply6_http_echo(echo), 16);
    assert_memory_equal(echo, "\x00\x00\x01\x57\x00\x0aHTTPClient", 16);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(pxe_ipv6_text((const uint8_t *) cases[i].bytes, s),
                         strlen(cases[i].text));
        assert_string_equal(s, cases[i].text);
    }
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_arch),
        cmocka_unit_test(test_user_class),
        cmocka_unit_test(test_user_class_too_long),
        cmocka_unit_test(test_vendor_class),
        cmocka_unit_test(test_mac_sources),
        cmocka_unit_test(test_echo_and_text),
    };

    return PXE_RUN_TESTS(tests);
}
