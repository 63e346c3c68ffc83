/*
 * dhcp6opt-fuzzer.c: lib/dhcp6opt.c (the DHCPv6 client view), fed a
 * DHCPv6 options area as it comes off the wire: 16-bit code, 16-bit
 * length, payload, with lengths that may run past the end.  Then the
 * client is decided on by a small v6 policy, so the decoders' output
 * reaches the matchers and the ${mac}/${ip} expansion.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pxekit_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define K(k)          .key = { (k), sizeof(k) - 1 }
#define VSTR(k, s)    { .type = PXE_VALUE_STRING, K(k), \
                        .string = { (s), sizeof(s) - 1 } }
#define VBOOL(k, b)   { .type = PXE_VALUE_BOOL, K(k), .boolean = (b) }
#define ITEMS(...)    .items = (const pxe_value_t[]) { __VA_ARGS__ }, \
                      .nitems = sizeof((const pxe_value_t[]) { __VA_ARGS__ }) \
                                / sizeof(pxe_value_t)
#define VLIST(k, ...) { .type = PXE_VALUE_LIST, K(k), ITEMS(__VA_ARGS__) }
#define VMAP(k, ...)  { .type = PXE_VALUE_MAP, K(k), ITEMS(__VA_ARGS__) }

static const pxe_value_t  params = VMAP("",
    VLIST("rules",
          VMAP("", VBOOL("ipxe", 1),
               VSTR("boot-file", "http://[2001:db8::1]/m?${mac}&${ip}")),
          VMAP("", VSTR("user-class", "^x+y$"),
               VSTR("boot-file", "http://h/${arch}")),
          VMAP("", VSTR("vendor-class", "^(HTTP|PXE)Client"),
               VSTR("boot-file", "tftp://h/${mac}"))));

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pxe_policy_t  p;
    static int           loaded;
    pxe_client_t         c;
    pxe_decision_t       d;
    char                 mac[PXE_MACSTR_MAX];
    size_t               pos = 0;

    if (size > 8192) {
        return 0;
    }
    if (!loaded) {
        pxe_policy_init(&p);
        if (pxe_policy_load6(&p, &params, NULL) != PXE_OK) {
            __builtin_trap();
        }
        loaded = 1;
    }
    pxe_client6_init(&c);
    if (size >= 16) {
        pxe_client_set_ip6(&c, data);
        pxe_client6_set_source(&c, data);
        pos = 16;
    }
    while (pos + 4 <= size) {
        unsigned  code = (unsigned) data[pos] << 8 | data[pos + 1];
        size_t    len = (size_t) data[pos + 2] << 8 | data[pos + 3];

        pos += 4;
        /* A length past the end is passed as is: the decoder gets the
         * bytes that exist, never more. */
        if (len > size - pos) {
            len = size - pos;
        }
        (void) pxe_client6_set_option(&c, code, data + pos, len);
        pos += len;
    }
    if (c.narch > PXE_ARCH_MAX || c.nuser_class > PXE_USER_CLASS_MAX
        || c.mac_len > PXE_MAC_MAX || c.vendor_class_len > PXE_OPTION_MAX
        || c.user_class_len > PXE_OPTION_MAX
        || pxe_client_mac_text(&c, mac) >= sizeof(mac))
    {
        __builtin_trap();
    }
    if (pxe_policy_decide(&p, &c, &d) == PXE_OK
        && (d.file_len == 0 || d.file_len > PXE_OPTION_MAX
            || strlen(d.file) != d.file_len))
    {
        __builtin_trap();
    }
    return 0;
}
