/*
 * buf.c: the bounded buffer every core output goes through.  Growth
 * doubles up to a hard maximum; going past it frees the buffer and fails,
 * so a caller can never act on a truncated script, path or option.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit_private.h"

#define BUF_MIN_ALLOC  256

static int buf_grow(pxe_buf_t *b, size_t need);
static void buf_fail(pxe_buf_t *b);

void
pxe_buf_init(pxe_buf_t *b, size_t max, const pxe_allocator_t *allocator)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
    b->allocator = allocator;
}

void
pxe_buf_init_fixed(pxe_buf_t *b, char *mem, size_t cap)
{
    memset(b, 0, sizeof(*b));
    b->data = mem;
    b->cap = cap;
    b->max = cap > 0 ? cap - 1 : 0;
    b->fixed = 1;
    if (cap > 0) {
        mem[0] = '\0';
    }
}

void
pxe_buf_init_measure(pxe_buf_t *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
    b->measure = 1;
}

void
pxe_buf_free(pxe_buf_t *b)
{
    if (!b->fixed && !b->measure && b->data != NULL) {
        if (b->allocator != NULL) {
            if (b->allocator->free != NULL) {
                b->allocator->free(b->allocator->ctx, b->data);
            }
        } else {
            free(b->data);
        }
    }
    if (!b->fixed) {
        b->data = NULL;
        b->cap = 0;
    } else if (b->cap > 0) {
        b->data[0] = '\0';
    }
    b->len = 0;
}

void
pxe_buf_reset(pxe_buf_t *b)
{
    b->len = 0;
    if (b->data != NULL && b->cap > 0) {
        b->data[0] = '\0';
    }
}

/* Failure frees a growing buffer and empties a fixed one: nothing partial. */
static void
buf_fail(pxe_buf_t *b)
{
    pxe_buf_free(b);
}

static int
buf_grow(pxe_buf_t *b, size_t need)
{
    size_t  cap;
    char   *p;

    /* need includes the NUL; it is at most max + 1, which cannot wrap. */
    if (need <= b->cap) {
        return PXE_OK;
    }
    if (b->fixed) {
        return PXE_ETOOBIG;
    }

    cap = b->cap ? b->cap : BUF_MIN_ALLOC;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    }
    if (cap > b->max + 1) {
        cap = b->max + 1;
    }

    if (b->allocator != NULL) {
        p = b->allocator->alloc(b->allocator->ctx, cap);
        if (p == NULL) {
            return PXE_ENOMEM;
        }
        if (b->len > 0) {
            memcpy(p, b->data, b->len);
        }
        if (b->data != NULL && b->allocator->free != NULL) {
            b->allocator->free(b->allocator->ctx, b->data);
        }
    } else {
        p = realloc(b->data, cap);
        if (p == NULL) {
            return PXE_ENOMEM;
        }
    }
    b->data = p;
    b->cap = cap;
    return PXE_OK;
}

int
pxe_buf_add(pxe_buf_t *b, const void *mem, size_t len)
{
    int  rc;

    if (len > b->max || b->len > b->max - len) {
        buf_fail(b);
        return PXE_ETOOBIG;
    }
    if (b->measure) {
        b->len += len;
        return PXE_OK;
    }
    rc = buf_grow(b, b->len + len + 1);
    if (rc != PXE_OK) {
        buf_fail(b);
        return rc;
    }
    if (len > 0) {
        memcpy(b->data + b->len, mem, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
    return PXE_OK;
}

int
pxe_buf_adds(pxe_buf_t *b, const char *s)
{
    return pxe_buf_add(b, s, strlen(s));
}

int
pxe_buf_addc(pxe_buf_t *b, char c)
{
    return pxe_buf_add(b, &c, 1);
}

int
pxe_buf_printf(pxe_buf_t *b, const char *fmt, ...)
{
    va_list  ap;
    char     small[256];
    char    *big;
    int      n, rc;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf_fail(b);
        return PXE_EINVAL;
    }
    if ((size_t) n < sizeof(small)) {
        return pxe_buf_add(b, small, (size_t) n);
    }
    if ((size_t) n > b->max) {
        buf_fail(b);
        return PXE_ETOOBIG;
    }

    big = malloc((size_t) n + 1);
    if (big == NULL) {
        buf_fail(b);
        return PXE_ENOMEM;
    }
    va_start(ap, fmt);
    (void) vsnprintf(big, (size_t) n + 1, fmt, ap);
    va_end(ap);
    rc = pxe_buf_add(b, big, (size_t) n);
    free(big);
    return rc;
}
