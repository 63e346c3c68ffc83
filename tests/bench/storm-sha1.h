/* storm-sha1.h: the storm clients' SHA-1 (storm-sha1.c). */
#ifndef STORM_SHA1_H
#define STORM_SHA1_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t       h[5];
    uint64_t       len;
    unsigned char  buf[64];
    size_t         used;
} storm_sha1_t;

void storm_sha1_init(storm_sha1_t *c);
void storm_sha1_update(storm_sha1_t *c, const void *data, size_t n);
/* Finishes c and writes 40 lowercase hex digits and a NUL. */
void storm_sha1_hex(storm_sha1_t *c, char out[41]);

#endif
