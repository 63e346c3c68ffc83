/*
 * trace_map.c: string -> index, open addressing.  The trace joins a
 * boot's lines through three of them (address -> MAC, in.tftpd PID ->
 * transfer, machine key -> machine); logs of a site hold many thousands
 * of each, so a linear search would be quadratic.
 */

#include <stdlib.h>
#include <string.h>

#include "trace_map.h"

static size_t
hash(const char *s)
{
    size_t h = 1469598103934665603ULL & (size_t) -1;

    while (*s != '\0') {
        h = (h ^ (unsigned char) *s++) * (1099511628211ULL & (size_t) -1);
    }
    return h;
}

void
pxe_tr_map_init(tr_map_t *m)
{
    memset(m, 0, sizeof(*m));
}

void
pxe_tr_map_free(tr_map_t *m)
{
    size_t i;

    for (i = 0; i < m->cap; i++) {
        free(m->keys[i]);
    }
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

size_t *
pxe_tr_map_get(const tr_map_t *m, const char *key)
{
    size_t i;

    if (m->cap == 0) {
        return NULL;
    }
    for (i = hash(key) & (m->cap - 1); m->keys[i] != NULL;
         i = (i + 1) & (m->cap - 1))
    {
        if (strcmp(m->keys[i], key) == 0) {
            return &m->vals[i];
        }
    }
    return NULL;
}

static int
grow(tr_map_t *m)
{
    tr_map_t n;
    size_t   i, j;

    n = *m;
    n.cap = m->cap ? m->cap * 2 : 64;
    n.keys = calloc(n.cap, sizeof(*n.keys));
    n.vals = calloc(n.cap, sizeof(*n.vals));
    if (n.keys == NULL || n.vals == NULL) {
        free(n.keys);
        free(n.vals);
        return PXE_ENOMEM;
    }
    for (i = 0; i < m->cap; i++) {
        if (m->keys[i] == NULL) {
            continue;
        }
        for (j = hash(m->keys[i]) & (n.cap - 1); n.keys[j] != NULL;
             j = (j + 1) & (n.cap - 1))
        {
        }
        n.keys[j] = m->keys[i];
        n.vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    *m = n;
    return PXE_OK;
}

int
pxe_tr_map_put(tr_map_t *m, const char *key, size_t val)
{
    size_t *v = pxe_tr_map_get(m, key);
    size_t  i;
    char   *k;

    if (v != NULL) {
        *v = val;
        return PXE_OK;
    }
    if ((m->len + 1) * 2 > m->cap && grow(m) != PXE_OK) {
        return PXE_ENOMEM;
    }
    k = strdup(key);
    if (k == NULL) {
        return PXE_ENOMEM;
    }
    for (i = hash(key) & (m->cap - 1); m->keys[i] != NULL;
         i = (i + 1) & (m->cap - 1))
    {
    }
    m->keys[i] = k;
    m->vals[i] = val;
    m->len++;
    return PXE_OK;
}
