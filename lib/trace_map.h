/* trace_map.h: string -> index map for the trace (trace_map.c). */

#ifndef PXEKIT_TRACE_MAP_H
#define PXEKIT_TRACE_MAP_H

#include <stddef.h>

#include "pxekit.h"

typedef struct {
    char   **keys;               /* NULL: an empty slot */
    size_t  *vals;
    size_t   cap;                /* a power of two, or 0 */
    size_t   len;
} tr_map_t;

void pxe_tr_map_init(tr_map_t *m);
void pxe_tr_map_free(tr_map_t *m);
/* The value's address, or NULL. */
size_t *pxe_tr_map_get(const tr_map_t *m, const char *key);
/* Inserts (a copy of key) or replaces. */
int pxe_tr_map_put(tr_map_t *m, const char *key, size_t val);

#endif /* PXEKIT_TRACE_MAP_H */
