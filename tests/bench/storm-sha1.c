/*
 * storm-sha1.c: SHA-1 for the storm clients, which check boot_archives
 * against their .hash as SmartOS does.  libcrypto's (SHA-NI or SIMD,
 * ~1.4 GB/s here) and not a portable one (~150 MB/s): at 200 clients and
 * 64 MiB the portable one was most of the clients' CPU and starved the
 * servers the storm measures.
 */

#include <stdio.h>

#include <openssl/evp.h>

#include "storm-sha1.h"

int
storm_sha1_init(storm_sha1_t *c)
{
    c->ctx = EVP_MD_CTX_new();
    if (c->ctx == NULL || EVP_DigestInit_ex(c->ctx, EVP_sha1(), NULL) != 1) {
        storm_sha1_free(c);
        return -1;
    }
    return 0;
}

void
storm_sha1_update(storm_sha1_t *c, const void *data, size_t n)
{
    if (c->ctx != NULL) {
        (void) EVP_DigestUpdate(c->ctx, data, n);
    }
}

void
storm_sha1_hex(storm_sha1_t *c, char out[41])
{
    unsigned char  md[EVP_MAX_MD_SIZE];
    unsigned int   len = 0, i;

    out[0] = '\0';
    if (c->ctx != NULL && EVP_DigestFinal_ex(c->ctx, md, &len) == 1
        && len == 20)
    {
        for (i = 0; i < len; i++) {
            snprintf(out + 2 * i, 3, "%02x", md[i]);
        }
    }
    storm_sha1_free(c);
}

void
storm_sha1_free(storm_sha1_t *c)
{
    EVP_MD_CTX_free(c->ctx);
    c->ctx = NULL;
}
