/*
 * dhcpopt-fuzzer.c: lib/dhcpopt.c (option decoders) and the client kind,
 * fed a DHCPv4 options area as it comes off the wire: code, length,
 * payload, with lengths that may run past the end.  The first byte is
 * the chaddr length.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pxekit_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pxe_client_t  c;
    pxe_buf_t     b;
    char          mac[PXE_MACSTR_MAX];
    size_t        pos, hlen;

    if (size < 1 || size > 4096) {
        return 0;
    }
    pxe_client_init(&c);
    hlen = data[0] % 20;
    pos = 1;
    if (hlen <= size - pos) {
        (void) pxe_client_set_mac(&c, data + pos, hlen);
        pos += hlen;
    }
    while (pos + 2 <= size) {
        unsigned  code = data[pos];
        size_t    len = data[pos + 1];

        pos += 2;
        /* A length past the end is passed as is: the decoder gets the
         * bytes that exist, never more. */
        if (len > size - pos) {
            len = size - pos;
        }
        (void) pxe_client_set_option(&c, code, data + pos, len);
        pos += len;
    }
    (void) pxe_client_kind(&c);
    pxe_buf_init_fixed(&b, mac, sizeof(mac));
    if (pxe_client_mac_string(&c, &b) != PXE_OK || b.len >= sizeof(mac)) {
        __builtin_trap();
    }
    if (c.narch > PXE_ARCH_MAX || c.nuser_class > PXE_USER_CLASS_MAX
        || c.hostname_len > PXE_OPTION_MAX)
    {
        __builtin_trap();
    }
    (void) pxe_client_parse_mac(&c, (const char *) data, size);
    return 0;
}
