/*
 * dhcpopt.c: decoders for the DHCPv4 options that tell a netbooting
 * client apart (93, 77, 60, 175, 55, 12).  Payloads come straight from the
 * wire: every length is checked before a byte is read, and a malformed
 * payload decodes to nothing rather than to a guess.
 */

#include <string.h>

#include "pxekit_private.h"


/*
 * Lengths and flags only: every array is read up to its length, and
 * zeroing the whole 1.3 KB cost the Kea hook more per reply than its
 * three-rule decision.
 */
void
pxe_client_init(pxe_client_t *c)
{
    c->mac_len = 0;
    memset(c->ip, 0, sizeof(c->ip));
    c->narch = 0;
    c->vendor_class_len = 0;
    c->user_class_len = 0;
    c->nuser_class = 0;
    c->hostname[0] = '\0';
    c->hostname_len = 0;
    c->classes = NULL;
    c->nclasses = 0;
    c->kea_file.data = NULL;
    c->kea_file.len = 0;
    c->has_ip = 0;
    c->has_arch = 0;
    c->has_vendor_class = 0;
    c->has_user_class = 0;
    c->has_175 = 0;
    c->ipxe = 0;
    c->wants_bootfile = 0;
    c->has_subnet = 0;
    c->subnet_len = 0;
    c->v6 = 0;
    c->has_ip6 = 0;
    c->has_enterprise = 0;
    c->mac_src = PXE_MAC6_NONE;
}

int
pxe_client_set_mac(pxe_client_t *c, const uint8_t *mac, size_t len)
{
    c->mac_len = 0;
    if (len > PXE_MAC_MAX || (len > 0 && mac == NULL)) {
        return PXE_EINVAL;
    }
    if (len > 0) {
        memcpy(c->mac, mac, len);
    }
    c->mac_len = len;
    return PXE_OK;
}

void
pxe_client_set_ip(pxe_client_t *c, const uint8_t ip[4])
{
    memcpy(c->ip, ip, 4);
    c->has_ip = 1;
}

void
pxe_client_set_classes(pxe_client_t *c, const pxe_str_t *classes, size_t n)
{
    c->classes = classes;
    c->nclasses = n;
}

/*
 * Option 93 (RFC 4578) is a list of uint16 in network order.  An odd or
 * zero length cannot be a list: decode nothing rather than half a value.
 */
int
pxe_opt_arch(const uint8_t *data, size_t len, uint16_t *arch, size_t *narch)
{
    size_t  i;

    *narch = 0;
    if (len == 0 || len % 2 != 0 || len / 2 > PXE_ARCH_MAX || data == NULL) {
        return PXE_EINVAL;
    }
    for (i = 0; i < len / 2; i++) {
        arch[i] = (uint16_t) ((data[2 * i] << 8) | data[2 * i + 1]);
    }
    *narch = len / 2;
    return PXE_OK;
}

/*
 * Option 77 comes in two shapes: RFC 3004 instances (length byte, then
 * that many bytes, each non-empty, filling the payload exactly), or, as
 * iPXE and many ROMs send it, one raw string.  A payload that is not a
 * valid instance list is one raw instance.  ("iPXE" cannot be mistaken:
 * 'i' is 105, longer than what follows.)
 */
int
pxe_opt_user_class(const uint8_t *data, size_t len, uint8_t *off,
    uint8_t *ilen, size_t *n)
{
    size_t  pos, count;

    *n = 0;
    if (len == 0 || len > PXE_OPTION_MAX || data == NULL) {
        return PXE_EINVAL;
    }
    pos = 0;
    count = 0;
    while (pos < len) {
        size_t  l = data[pos];

        if (l == 0 || l > len - pos - 1 || count == PXE_USER_CLASS_MAX) {
            break;
        }
        off[count] = (uint8_t) (pos + 1);
        ilen[count] = (uint8_t) l;
        count++;
        pos += 1 + l;
    }
    if (pos != len) {
        off[0] = 0;
        ilen[0] = (uint8_t) len;
        count = 1;
    }
    *n = count;
    return PXE_OK;
}

int
pxe_opt_requests(const uint8_t *data, size_t len, unsigned code)
{
    /* memchr: a byte loop cost the hook ~50 instructions a reply */
    return data != NULL && len > 0 && code <= 0xff
           && memchr(data, (int) code, len) != NULL;
}

/* Only what a DNS label allows: ${hostname} goes into a path or URL. */
int
pxe_opt_hostname_valid(const uint8_t *data, size_t len)
{
    size_t  i;

    if (len == 0 || len > PXE_OPTION_MAX || data == NULL) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        uint8_t  ch = data[i];

        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
              || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-'))
        {
            return 0;
        }
    }
    return 1;
}

static int
user_class_is_ipxe(const pxe_client_t *c)
{
    size_t  i;

    for (i = 0; i < c->nuser_class; i++) {
        if (c->uc_len[i] == 4
            && memcmp(c->user_class + c->uc_off[i], "iPXE", 4) == 0)
        {
            return 1;
        }
    }
    return 0;
}

int
pxe_client_set_option(pxe_client_t *c, unsigned code, const uint8_t *data,
    size_t len)
{
    int  rc;

    if (len > 0 && data == NULL) {
        return PXE_EINVAL;
    }
    switch (code) {
    case PXE_OPT_CLIENT_ARCH:
        /* Present at all means a PXE client, whatever the payload. */
        c->has_arch = 1;
        return pxe_opt_arch(data, len, c->arch, &c->narch);

    case PXE_OPT_USER_CLASS:
        c->has_user_class = 0;
        c->user_class_len = 0;
        rc = pxe_opt_user_class(data, len, c->uc_off, c->uc_len,
                                &c->nuser_class);
        if (rc != PXE_OK) {
            return rc;
        }
        memcpy(c->user_class, data, len);
        memset(c->user_class + len, 0, PXE_SUBJECT_PAD);
        c->user_class_len = len;
        c->has_user_class = 1;
        if (user_class_is_ipxe(c)) {
            c->ipxe = 1;
        }
        return PXE_OK;

    case PXE_OPT_VENDOR_CLASS:
        c->has_vendor_class = 0;
        c->vendor_class_len = 0;
        if (len == 0 || len > PXE_OPTION_MAX) {
            return PXE_EINVAL;
        }
        memcpy(c->vendor_class, data, len);
        memset(c->vendor_class + len, 0, PXE_SUBJECT_PAD);
        c->vendor_class_len = len;
        c->has_vendor_class = 1;
        return PXE_OK;

    case PXE_OPT_IPXE_ENCAP:
        /* iPXE's feature flags; only presence matters here. */
        if (len > PXE_OPTION_MAX) {
            return PXE_EINVAL;
        }
        c->has_175 = 1;
        c->ipxe = 1;
        return PXE_OK;

    case PXE_OPT_PRL:
        if (len > PXE_OPTION_MAX) {
            return PXE_EINVAL;
        }
        c->wants_bootfile = (unsigned) pxe_opt_requests(data, len,
                                                        PXE_OPT_BOOTFILE);
        return PXE_OK;

    case PXE_OPT_HOSTNAME:
        c->hostname[0] = '\0';
        c->hostname_len = 0;
        if (!pxe_opt_hostname_valid(data, len)) {
            return PXE_EINVAL;
        }
        memcpy(c->hostname, data, len);
        c->hostname[len] = '\0';
        c->hostname_len = len;
        return PXE_OK;

    default:
        return PXE_OK;
    }
}

static int
starts_with(const uint8_t *data, size_t len, const char *prefix)
{
    size_t  plen = strlen(prefix);

    return len >= plen && memcmp(data, prefix, plen) == 0;
}

pxe_kind_e
pxe_client_kind(const pxe_client_t *c)
{
    size_t  i;

    if (c->ipxe) {
        return PXE_KIND_IPXE;
    }
    if (c->has_vendor_class
        && starts_with(c->vendor_class, c->vendor_class_len, "HTTPClient"))
    {
        return PXE_KIND_HTTP;
    }
    /* RFC 4578: 16 (x64), 19 (arm64) and 15 (ia32) are UEFI HTTP. */
    for (i = 0; i < c->narch; i++) {
        if (c->arch[i] == 15 || c->arch[i] == 16 || c->arch[i] == 19) {
            return PXE_KIND_HTTP;
        }
    }
    if (c->has_arch
        || (c->has_vendor_class
            && starts_with(c->vendor_class, c->vendor_class_len,
                           "PXEClient")))
    {
        return PXE_KIND_PXE;
    }
    return PXE_KIND_NONE;
}

/* Every octet's two digits, for a copy an octet instead of two lookups
 * and shifts (decisions with a MAC pattern or ${mac} make the text each). */
static const char  hex_pairs[] =
    "000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f"
    "303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f"
    "505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f"
    "707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f"
    "909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

size_t
pxe_client_mac_text(const pxe_client_t *c, char *out)
{
    size_t  i;

    /* Three bytes an octet, the last ':' dropped: no branch per octet. */
    if (c->mac_len == 0) {
        return 0;
    }
    for (i = 0; i < c->mac_len; i++) {
        memcpy(out + 3 * i, hex_pairs + 2 * c->mac[i], 2);
        out[3 * i + 2] = ':';
    }
    return 3 * c->mac_len - 1;
}

int
pxe_client_mac_string(const pxe_client_t *c, pxe_buf_t *out)
{
    char  s[PXE_MACSTR_MAX];

    return pxe_buf_add(out, s, pxe_client_mac_text(c, s));
}

int
pxe_hexval(int ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

/* Pairs of hex digits separated by ':' or '-', 1 to PXE_MAC_MAX bytes. */
int
pxe_client_parse_mac(pxe_client_t *c, const char *s, size_t len)
{
    uint8_t  mac[PXE_MAC_MAX];
    size_t   pos, n;

    n = 0;
    pos = 0;
    for ( ;; ) {
        int  hi, lo;

        if (len - pos < 2 || n == PXE_MAC_MAX) {
            return PXE_EINVAL;
        }
        hi = pxe_hexval((unsigned char) s[pos]);
        lo = pxe_hexval((unsigned char) s[pos + 1]);
        if (hi < 0 || lo < 0) {
            return PXE_EINVAL;
        }
        mac[n++] = (uint8_t) (hi << 4 | lo);
        pos += 2;
        if (pos == len) {
            break;
        }
        if (s[pos] != ':' && s[pos] != '-') {
            return PXE_EINVAL;
        }
        pos++;
    }
    return pxe_client_set_mac(c, mac, n);
}
