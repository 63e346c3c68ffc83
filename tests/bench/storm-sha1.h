/* storm-sha1.h: the storm clients' SHA-1 (storm-sha1.c, libcrypto). */
#ifndef STORM_SHA1_H
#define STORM_SHA1_H

#include <stddef.h>

typedef struct {
    void  *ctx;                 /* EVP_MD_CTX *, NULL when not hashing */
} storm_sha1_t;

int storm_sha1_init(storm_sha1_t *c);
void storm_sha1_update(storm_sha1_t *c, const void *data, size_t n);
/* Finishes c, frees it and writes 40 lowercase hex digits and a NUL. */
void storm_sha1_hex(storm_sha1_t *c, char out[41]);
/* Frees c if a client stops before its hash is done. */
void storm_sha1_free(storm_sha1_t *c);

#endif
