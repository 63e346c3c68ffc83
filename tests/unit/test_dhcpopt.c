/* test_dhcpopt.c: option decoders take bytes and a length, trust neither. */

#include <stdio.h>
#include <string.h>

#include "test.h"

#define SET(c, code, lit) \
    pxe_client_set_option((c), (code), (const uint8_t *) (lit), \
                          sizeof(lit) - 1)

static void
test_arch_list(void **state)
{
    uint16_t  arch[PXE_ARCH_MAX];
    size_t    n;

    (void) state;
    assert_int_equal(pxe_opt_arch((const uint8_t *) "\x00\x07\x00\x09", 4,
                                  arch, &n), PXE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(arch[0], 7);
    assert_int_equal(arch[1], 9);
    assert_int_equal(pxe_opt_arch((const uint8_t *) "\x01\x02", 2, arch, &n),
                     PXE_OK);
    assert_int_equal(arch[0], 0x0102);
}

static void
test_arch_odd_and_empty(void **state)
{
    pxe_client_t  c;
    uint16_t      arch[PXE_ARCH_MAX];
    uint8_t       big[256];
    size_t        n = 99;

    (void) state;
    assert_int_equal(pxe_opt_arch((const uint8_t *) "\x00\x07\x00", 3, arch,
                                  &n), PXE_EINVAL);
    assert_int_equal(n, 0);
    assert_int_equal(pxe_opt_arch((const uint8_t *) "", 0, arch, &n),
                     PXE_EINVAL);
    assert_int_equal(pxe_opt_arch(NULL, 2, arch, &n), PXE_EINVAL);
    memset(big, 0, sizeof(big));
    assert_int_equal(pxe_opt_arch(big, 254, arch, &n), PXE_OK);
    assert_int_equal(n, 127);
    assert_int_equal(pxe_opt_arch(big, 256, arch, &n), PXE_EINVAL);

    /* Malformed still counts as "option 93 present": a PXE client. */
    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_CLIENT_ARCH, "\x00"), PXE_EINVAL);
    assert_int_equal(c.narch, 0);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_PXE);
}

static void
test_user_class_raw_ipxe(void **state)
{
    pxe_client_t  c;

    (void) state;
    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_USER_CLASS, "iPXE"), PXE_OK);
    assert_int_equal(c.nuser_class, 1);
    assert_true(c.ipxe);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_IPXE);

    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_USER_CLASS, "iPXEx"), PXE_OK);
    assert_false(c.ipxe);
    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_USER_CLASS, "ipxe"), PXE_OK);
    assert_false(c.ipxe);
}

static void
test_user_class_rfc3004(void **state)
{
    pxe_client_t  c;

    (void) state;
    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_USER_CLASS, "\x03" "abc" "\x04" "iPXE"),
                     PXE_OK);
    assert_int_equal(c.nuser_class, 2);
    assert_int_equal(c.uc_off[1], 5);
    assert_int_equal(c.uc_len[1], 4);
    assert_true(c.ipxe);

    /* A bad instance list is one raw instance, never half-decoded. */
    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_USER_CLASS, "\x04" "iPXE" "\x09" "x"),
                     PXE_OK);
    assert_int_equal(c.nuser_class, 1);
    assert_int_equal(c.uc_len[0], 7);
    assert_false(c.ipxe);

    /* Zero-length instance: invalid as RFC 3004. */
    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_USER_CLASS, "\x00" "\x04" "iPXE"),
                     PXE_OK);
    assert_int_equal(c.nuser_class, 1);
    assert_false(c.ipxe);

    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_USER_CLASS, ""), PXE_EINVAL);
    assert_false(c.has_user_class);
}

static void
test_user_class_255_bytes(void **state)
{
    pxe_client_t  c;
    uint8_t       buf[255];
    size_t        i;

    (void) state;
    /* 127 one-byte instances and a stray byte: raw. */
    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = (i % 2 == 0) ? 1 : 'a';
    }
    pxe_client_init(&c);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS, buf, 255),
                     PXE_OK);
    assert_int_equal(c.nuser_class, 1);
    assert_int_equal(c.uc_len[0], 255);
    /* Exactly 127 instances and then one more full one. */
    buf[254] = 'z';
    buf[252] = 2;
    pxe_client_init(&c);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS, buf, 255),
                     PXE_OK);
    assert_int_equal(c.nuser_class, 127);
    pxe_client_init(&c);
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_USER_CLASS, buf, 256),
                     PXE_EINVAL);
}

static void
test_vendor_class_and_kind(void **state)
{
    pxe_client_t  c;

    (void) state;
    pxe_client_init(&c);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_NONE);
    assert_int_equal(SET(&c, PXE_OPT_VENDOR_CLASS, "MSFT 5.0"), PXE_OK);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_NONE);
    assert_int_equal(SET(&c, PXE_OPT_VENDOR_CLASS,
                         "PXEClient:Arch:00000:UNDI:002001"), PXE_OK);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_PXE);
    assert_int_equal(SET(&c, PXE_OPT_VENDOR_CLASS,
                         "HTTPClient:Arch:00016:UNDI:003001"), PXE_OK);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_HTTP);
    assert_int_equal(SET(&c, PXE_OPT_VENDOR_CLASS, ""), PXE_EINVAL);
    assert_false(c.has_vendor_class);

    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_CLIENT_ARCH, "\x00\x10"), PXE_OK);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_HTTP);
    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_IPXE_ENCAP, "\xb1\x05garbage"), PXE_OK);
    assert_int_equal(pxe_client_kind(&c), PXE_KIND_IPXE);
    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_IPXE_ENCAP, ""), PXE_OK);
    assert_true(c.ipxe);
}

static void
test_prl_and_hostname(void **state)
{
    pxe_client_t  c;

    (void) state;
    pxe_client_init(&c);
    assert_int_equal(SET(&c, PXE_OPT_PRL, "\x01\x03\x43\x42"), PXE_OK);
    assert_true(c.wants_bootfile);
    assert_int_equal(SET(&c, PXE_OPT_PRL, "\x01\x03"), PXE_OK);
    assert_false(c.wants_bootfile);
    assert_int_equal(SET(&c, PXE_OPT_PRL, ""), PXE_OK);
    assert_false(c.wants_bootfile);

    assert_int_equal(SET(&c, PXE_OPT_HOSTNAME, "node-1.rack.b"), PXE_OK);
    assert_string_equal(c.hostname, "node-1.rack.b");
    assert_int_equal(SET(&c, PXE_OPT_HOSTNAME, "a b"), PXE_EINVAL);
    assert_string_equal(c.hostname, "");
    assert_int_equal(SET(&c, PXE_OPT_HOSTNAME, "x\ny"), PXE_EINVAL);
    assert_int_equal(SET(&c, PXE_OPT_HOSTNAME, "a\0b"), PXE_EINVAL);
    assert_int_equal(SET(&c, PXE_OPT_HOSTNAME, "${mac}"), PXE_EINVAL);
    assert_int_equal(c.hostname_len, 0);
    assert_int_equal(SET(&c, 1, "\x01"), PXE_OK);   /* ignored */
    assert_int_equal(pxe_client_set_option(&c, PXE_OPT_HOSTNAME, NULL, 3),
                     PXE_EINVAL);
}

static void
test_mac(void **state)
{
    pxe_client_t  c;
    pxe_buf_t     b;
    char          mem[PXE_MACSTR_MAX];
    uint8_t       long_mac[17];
    unsigned      i;

    (void) state;
    pxe_client_init(&c);
    assert_int_equal(pxe_client_set_mac(&c,
                         (const uint8_t *) "\x52\x54\x00\xAB\xcd\x0f", 6),
                     PXE_OK);
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    assert_int_equal(pxe_client_mac_string(&c, &b), PXE_OK);
    assert_string_equal(mem, "52:54:00:ab:cd:0f");
    memset(long_mac, 0xff, sizeof(long_mac));
    assert_int_equal(pxe_client_set_mac(&c, long_mac, 16), PXE_OK);
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    assert_int_equal(pxe_client_mac_string(&c, &b), PXE_OK);
    assert_int_equal(b.len, 47);
    /* Every octet value, against printf's digits. */
    for (i = 0; i < 256; i++) {
        uint8_t  one = (uint8_t) i;
        char     want[3];

        assert_int_equal(pxe_client_set_mac(&c, &one, 1), PXE_OK);
        assert_int_equal(pxe_client_mac_text(&c, mem), 2);
        snprintf(want, sizeof(want), "%02x", i);
        assert_memory_equal(mem, want, 2);
    }
    assert_int_equal(pxe_client_set_mac(&c, long_mac, 17), PXE_EINVAL);
    assert_int_equal(c.mac_len, 0);

    assert_int_equal(pxe_client_parse_mac(&c, "52:54:00:AB:cd:0f", 17),
                     PXE_OK);
    assert_int_equal(c.mac_len, 6);
    assert_int_equal(c.mac[3], 0xab);
    assert_int_equal(pxe_client_parse_mac(&c, "52-54-00-ab-cd-0f", 17),
                     PXE_OK);
    assert_int_equal(pxe_client_parse_mac(&c, "52:54:0", 7), PXE_EINVAL);
    assert_int_equal(pxe_client_parse_mac(&c, "52:54:", 6), PXE_EINVAL);
    assert_int_equal(pxe_client_parse_mac(&c, "5g:54", 5), PXE_EINVAL);
    assert_int_equal(pxe_client_parse_mac(&c, "", 0), PXE_EINVAL);
    assert_int_equal(pxe_client_parse_mac(&c, "525400", 6), PXE_EINVAL);
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_arch_list),
        cmocka_unit_test(test_arch_odd_and_empty),
        cmocka_unit_test(test_user_class_raw_ipxe),
        cmocka_unit_test(test_user_class_rfc3004),
        cmocka_unit_test(test_user_class_255_bytes),
        cmocka_unit_test(test_vendor_class_and_kind),
        cmocka_unit_test(test_prl_and_hostname),
        cmocka_unit_test(test_mac),
    };

    return PXE_RUN_TESTS(tests);
}
