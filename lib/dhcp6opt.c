/*
 * dhcp6opt.c: decoders for the DHCPv6 options that tell a netbooting
 * client apart (61, 15, 16) and give its MAC (the relay's 79, the DUID,
 * and last the client's EUI-64 link-local source address).
 * They fill the same pxe_client_t as the v4 decoders, so one policy
 * decides for both.  Payloads come straight from the wire (a DHCPv6
 * option may be 65535 bytes): every length is checked before a byte is
 * read, and a malformed payload decodes to nothing rather than a guess.
 */

#include <stdio.h>
#include <string.h>

#include "pxekit_private.h"


void
pxe_client6_init(pxe_client_t *c)
{
    pxe_client_init(c);
    c->v6 = 1;
}

void
pxe_client_set_ip6(pxe_client_t *c, const uint8_t ip[16])
{
    memcpy(c->ip6, ip, 16);
    c->has_ip6 = 1;
}

/*
 * RFC 8415 user class (15) and the data of vendor class (16): instances
 * of a 16-bit length and that many bytes, filling the payload exactly.
 * Offsets are kept in bytes, so a payload past PXE_OPTION_MAX (which the
 * client's copy could not hold) is refused whole.  An empty instance is
 * malformed: nothing could match it, and no client sends one.
 */
int
pxe_opt6_instances(const uint8_t *data, size_t len, uint8_t *off,
    uint8_t *ilen, size_t *n)
{
    size_t  pos = 0, count = 0;

    *n = 0;
    if (len == 0 || len > PXE_OPTION_MAX || data == NULL) {
        return PXE_EINVAL;
    }
    while (pos < len) {
        size_t  l;

        if (len - pos < 2 || count == PXE_USER_CLASS_MAX) {
            return PXE_EINVAL;
        }
        l = (size_t) data[pos] << 8 | data[pos + 1];
        if (l == 0 || l > len - pos - 2) {
            return PXE_EINVAL;
        }
        off[count] = (uint8_t) (pos + 2);
        ilen[count] = (uint8_t) l;
        count++;
        pos += 2 + l;
    }
    *n = count;
    return PXE_OK;
}

static int
set_user_class(pxe_client_t *c, const uint8_t *data, size_t len)
{
    size_t  i;
    int     rc;

    c->has_user_class = 0;
    c->user_class_len = 0;
    rc = pxe_opt6_instances(data, len, c->uc_off, c->uc_len,
                            &c->nuser_class);
    if (rc != PXE_OK) {
        c->nuser_class = 0;
        return rc;
    }
    /* `user-class` patterns see each instance, as RFC 3004's in v4. */
    memcpy(c->user_class, data, len);
    memset(c->user_class + len, 0, PXE_SUBJECT_PAD);
    c->user_class_len = len;
    c->has_user_class = 1;
    for (i = 0; i < c->nuser_class; i++) {
        if (c->uc_len[i] == 4
            && memcmp(c->user_class + c->uc_off[i], "iPXE", 4) == 0)
        {
            c->ipxe = 1;
        }
    }
    return PXE_OK;
}

/*
 * Option 16: enterprise number, then instances.  The first instance is
 * the vendor class ("PXEClient:Arch:00007:UNDI:003016",
 * "HTTPClient:Arch:00016"): what v4 sends alone in option 60.
 */
static int
set_vendor_class(pxe_client_t *c, const uint8_t *data, size_t len)
{
    uint8_t  off[PXE_USER_CLASS_MAX], ilen[PXE_USER_CLASS_MAX];
    size_t   n;

    c->has_vendor_class = 0;
    c->vendor_class_len = 0;
    c->has_enterprise = 0;
    if (len < 4 || data == NULL
        || pxe_opt6_instances(data + 4, len - 4, off, ilen, &n) != PXE_OK)
    {
        return PXE_EINVAL;
    }
    c->enterprise = (uint32_t) data[0] << 24 | (uint32_t) data[1] << 16
                    | (uint32_t) data[2] << 8 | data[3];
    c->has_enterprise = 1;
    memcpy(c->vendor_class, data + 4 + off[0], ilen[0]);
    memset(c->vendor_class + ilen[0], 0, PXE_SUBJECT_PAD);
    c->vendor_class_len = ilen[0];
    c->has_vendor_class = 1;
    return PXE_OK;
}

/* The MAC from source src, unless a better source gave one already. */
static int
take_mac(pxe_client_t *c, unsigned src, const uint8_t *mac, size_t len)
{
    if (c->mac_src > src) {
        return PXE_OK;
    }
    c->mac_src = src & 3;
    return pxe_client_set_mac(c, mac, len);
}

/*
 * The relay's option 79 (RFC 6939: 16-bit hardware type, address) is
 * what the wire showed; a DUID-LLT's address may be another NIC's, and
 * only LL and LLT carry one at all.  So 79 wins whenever present.
 */
static int
set_mac(pxe_client_t *c, unsigned code, const uint8_t *data, size_t len)
{
    size_t  skip;

    if (code == PXE_OPT6_CLIENT_LLADDR) {
        if (len < 3 || len - 2 > PXE_MAC_MAX || data == NULL) {
            return PXE_EINVAL;
        }
        return take_mac(c, PXE_MAC6_RELAY, data + 2, len - 2);
    }
    if (len < 2 || data == NULL) {
        return PXE_EINVAL;
    }
    switch ((unsigned) data[0] << 8 | data[1]) {
    case 1:                         /* LLT: type, hw type, time, address */
        skip = 8;
        break;
    case 3:                         /* LL: type, hw type, address */
        skip = 4;
        break;
    default:                        /* EN, UUID: no link-layer address */
        return PXE_OK;
    }
    if (len <= skip || len - skip > PXE_MAC_MAX) {
        return PXE_EINVAL;
    }
    return take_mac(c, PXE_MAC6_DUID, data + skip, len - skip);
}

/* RFC 4291 appendix A: fe80::/64, interface id with ff:fe in the middle
 * and the universal/local bit flipped. */
void
pxe_client6_set_source(pxe_client_t *c, const uint8_t ip[16])
{
    static const uint8_t  prefix[8] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0 };
    uint8_t               mac[6];

    if (memcmp(ip, prefix, 8) != 0 || ip[11] != 0xff || ip[12] != 0xfe) {
        return;
    }
    mac[0] = ip[8] ^ 0x02;
    mac[1] = ip[9];
    mac[2] = ip[10];
    mac[3] = ip[13];
    mac[4] = ip[14];
    mac[5] = ip[15];
    (void) take_mac(c, PXE_MAC6_LINK_LOCAL, mac, sizeof(mac));
}

int
pxe_client6_set_option(pxe_client_t *c, unsigned code, const uint8_t *data,
    size_t len)
{
    if (len > 0 && data == NULL) {
        return PXE_EINVAL;
    }
    switch (code) {
    case PXE_OPT6_CLIENT_ARCH:
        /* Present at all means a PXE client, whatever the payload. */
        c->has_arch = 1;
        return pxe_opt_arch(data, len, c->arch, &c->narch);

    case PXE_OPT6_USER_CLASS:
        return set_user_class(c, data, len);

    case PXE_OPT6_VENDOR_CLASS:
        return set_vendor_class(c, data, len);

    case PXE_OPT6_CLIENTID:
    case PXE_OPT6_CLIENT_LLADDR:
        return set_mac(c, code, data, len);

    default:
        return PXE_OK;
    }
}

size_t
pxe_reply6_http_echo(uint8_t out[PXE_ECHO6_LEN])
{
    static const uint8_t  echo[PXE_ECHO6_LEN] = {
        0, 0, PXE_ENTERPRISE_UEFI >> 8, PXE_ENTERPRISE_UEFI & 0xff,
        0, 10, 'H', 'T', 'T', 'P', 'C', 'l', 'i', 'e', 'n', 't'
    };

    memcpy(out, echo, sizeof(echo));
    return sizeof(echo);
}

/* RFC 5952: lowercase, no leading zeros, the longest run (first if tied)
 * of two or more zero groups as "::". */
size_t
pxe_ipv6_text(const uint8_t ip[16], char *out)
{
    unsigned  g[8];
    int       i, best = -1, best_len = 0, run = -1, run_len = 0;
    size_t    n = 0;

    for (i = 0; i < 8; i++) {
        g[i] = (unsigned) ip[2 * i] << 8 | ip[2 * i + 1];
        if (g[i] == 0) {
            if (run < 0) {
                run = i;
                run_len = 0;
            }
            run_len++;
            if (run_len > best_len) {
                best = run;
                best_len = run_len;
            }
        } else {
            run = -1;
        }
    }
    if (best_len < 2) {
        best = -1;
    }
    for (i = 0; i < 8; i++) {
        if (i == best) {
            out[n++] = ':';
            out[n++] = ':';
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best + best_len) {
            out[n++] = ':';
        }
        n += (size_t) sprintf(out + n, "%x", g[i]);
    }
    out[n] = '\0';
    return n;
}
