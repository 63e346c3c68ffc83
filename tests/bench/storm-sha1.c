/*
 * storm-sha1.c: SHA-1 (FIPS 180-4) for the storm clients, which check
 * every boot_archive against its .hash as SmartOS does.  Written here
 * because the project links no crypto library (configure.ac is not the
 * storm's to change); speed matters little next to the network.
 */

#include <string.h>

#include "storm-sha1.h"

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void
sha1_block(storm_sha1_t *c, const unsigned char *p)
{
    uint32_t  w[80], a, b, d, e, f, k, t, cc;
    int       i;

    for (i = 0; i < 16; i++) {
        w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16
               | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (i = 16; i < 80; i++) {
        w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    }
    a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3]; e = c->h[4];
    for (i = 0; i < 80; i++) {
        if (i < 20) {
            f = (b & cc) | (~b & d); k = 0x5a827999;
        } else if (i < 40) {
            f = b ^ cc ^ d; k = 0x6ed9eba1;
        } else if (i < 60) {
            f = (b & cc) | (b & d) | (cc & d); k = 0x8f1bbcdc;
        } else {
            f = b ^ cc ^ d; k = 0xca62c1d6;
        }
        t = ROL(a, 5) + f + e + k + w[i];
        e = d; d = cc; cc = ROL(b, 30); b = a; a = t;
    }
    c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d; c->h[4] += e;
}

void
storm_sha1_init(storm_sha1_t *c)
{
    static const uint32_t  h0[5] = {
        0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0
    };

    memcpy(c->h, h0, sizeof(h0));
    c->len = 0;
    c->used = 0;
}

void
storm_sha1_update(storm_sha1_t *c, const void *data, size_t n)
{
    const unsigned char  *p = data;
    size_t                take;

    c->len += n;
    while (n > 0) {
        if (c->used == 0 && n >= 64) {
            sha1_block(c, p);
            p += 64;
            n -= 64;
            continue;
        }
        take = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->buf + c->used, p, take);
        c->used += take;
        p += take;
        n -= take;
        if (c->used == 64) {
            sha1_block(c, c->buf);
            c->used = 0;
        }
    }
}

void
storm_sha1_hex(storm_sha1_t *c, char out[41])
{
    static const char  hex[] = "0123456789abcdef";
    unsigned char      pad[72];
    uint64_t           bits = c->len * 8;
    size_t             n;
    int                i;

    n = (c->used < 56 ? 56 : 120) - c->used;
    memset(pad, 0, sizeof(pad));
    pad[0] = 0x80;
    for (i = 0; i < 8; i++) {
        pad[n + i] = (unsigned char) (bits >> (56 - 8 * i));
    }
    storm_sha1_update(c, pad, n + 8);
    for (i = 0; i < 20; i++) {
        out[2 * i] = hex[(c->h[i / 4] >> (24 - 8 * (i % 4)) >> 4) & 0xf];
        out[2 * i + 1] = hex[(c->h[i / 4] >> (24 - 8 * (i % 4))) & 0xf];
    }
    out[40] = '\0';
}
