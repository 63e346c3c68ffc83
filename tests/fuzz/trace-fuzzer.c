/*
 * trace-fuzzer.c: lib/trace*.c, the trace's parsers of Kea, nginx and
 * in.tftpd log lines (every line goes through all three), the join and
 * the verdicts, over arbitrary lines.
 *
 * The input is split at newlines and fed line by line, then reported as
 * text and as JSON.  Every report must succeed, every JSON line must be
 * one object with no raw control byte, and the text must carry no escape
 * byte a log line could smuggle to a terminal.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"

#define FUZZ_MAX_INPUT  (16 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    int json;
} check_t;

static int
check(void *ctx, const char *text, size_t len)
{
    const check_t *c = ctx;
    size_t         i;

    if (len == 0 || text[len - 1] != '\n') {
        abort();
    }
    if (c->json && (len < 10 || memcmp(text, "{\"mac\":", 7) != 0
                    || text[len - 2] != '}'))
    {
        abort();
    }
    for (i = 0; i + 1 < len; i++) {
        unsigned char b = (unsigned char) text[i];

        if (b == 0x1b || b == 0 || b == '\r'
            || (c->json && (b < 0x20 || b >= 0x7f)))
        {
            abort();
        }
        if (c->json && b == '\n') {
            abort();                 /* one line per machine */
        }
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char      *p = (const char *) data, *end = p + size, *nl;
    pxe_trace_t     *t;
    pxe_trace_opts_t o;
    check_t          c;

    if (size > FUZZ_MAX_INPUT) {
        return 0;
    }
    t = pxe_trace_new(2026, 1796449620.0);
    if (t == NULL) {
        return 0;
    }
    while (p < end) {
        nl = memchr(p, '\n', (size_t) (end - p));
        if (nl == NULL) {
            nl = end;
        }
        (void) pxe_trace_line(t, p, (size_t) (nl - p));
        p = nl + 1;
    }
    memset(&o, 0, sizeof(o));
    c.json = 0;
    if (pxe_trace_report(t, &o, check, &c) != PXE_OK) {
        abort();
    }
    o.json = 1;
    o.changed = 1;
    c.json = 1;
    if (pxe_trace_report(t, &o, check, &c) != PXE_OK) {
        abort();
    }
    pxe_trace_free(t);
    return 0;
}
