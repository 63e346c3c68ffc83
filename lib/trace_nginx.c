/*
 * trace_nginx.c: nginx access log lines in the `pxekit` log_format
 * (docs/pxekit-trace.md, examples/nginx/pxekit.conf)
 *   $msec $remote_addr "$request" $status $body_bytes_sent
 *   $sent_http_content_length $request_time "$http_user_agent" ...
 * where $time_iso8601 may stand for $msec and everything after the bytes
 * may be missing (older formats), and nginx's stock `combined`
 *   $remote_addr - $remote_user [$time_local] "$request" $status
 *   $body_bytes_sent "$http_referer" "$http_user_agent"
 * (whole seconds, no Content-Length: "served whole" is then a 200).
 */

#include <string.h>

#include "trace_int.h"

typedef struct {
    const char *p, *end;
} cur_t;

static int
eat(cur_t *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

static int
eat_uint(cur_t *c, size_t maxd, long long *v)
{
    size_t k = pxe_tr_scan_uint(c->p, (size_t) (c->end - c->p), maxd, v);

    c->p += k;
    return k > 0;
}

/* "...": nginx escapes '"' and '\' in variables as \x22, so the first
 * quote ends the field. */
static int
eat_quoted(cur_t *c, const char **s, size_t *n)
{
    const char *q;

    if (!eat(c, '"')) {
        return 0;
    }
    q = memchr(c->p, '"', (size_t) (c->end - c->p));
    if (q == NULL) {
        return 0;
    }
    *s = c->p;
    *n = (size_t) (q - c->p);
    c->p = q + 1;
    return 1;
}

/* "0.004" ($request_time), or with min_whole digits before the point
 * ($msec: "1796449647.470"). */
static int
eat_decimal(cur_t *c, size_t min_whole, double *t)
{
    long long   whole, frac;
    const char *f;
    size_t      k;
    double      div;

    f = c->p;
    if (!eat_uint(c, 12, &whole) || (size_t) (c->p - f) < min_whole
        || !eat(c, '.'))
    {
        return 0;
    }
    f = c->p;
    if (!eat_uint(c, 6, &frac)) {
        return 0;
    }
    div = 1.0;
    for (k = (size_t) (c->p - f); k > 0; k--) {
        div *= 10.0;
    }
    *t = (double) whole + (double) frac / div;
    return 1;
}

/* $time_iso8601: "2026-12-05T05:47:27+00:00". */
static int
eat_iso(cur_t *c, double *t)
{
    int    f[6];
    double sec;
    long   off;
    size_t k = pxe_tr_scan_datetime(c->p, (size_t) (c->end - c->p), f, &sec);

    if (k == 0) {
        return 0;
    }
    c->p += k;
    k = pxe_tr_scan_offset(c->p, (size_t) (c->end - c->p), 1, &off);
    if (k == 0) {
        return 0;
    }
    c->p += k;
    *t = pxe_tr_utc(f[0], f[1], f[2], f[3], f[4], sec) - (double) off;
    return 1;
}

/* $time_local: "[05/Dec/2026:05:47:27 +0000]". */
static int
eat_local(cur_t *c, double *t)
{
    long long d, y, h, mi, s;
    long      off;
    int       mo;
    size_t    k;

    if (!eat(c, '[') || !eat_uint(c, 2, &d) || !eat(c, '/')) {
        return 0;
    }
    mo = pxe_tr_month(c->p, (size_t) (c->end - c->p));
    if (mo == 0) {
        return 0;
    }
    c->p += 3;
    if (!eat(c, '/') || !eat_uint(c, 4, &y) || !eat(c, ':')
        || !eat_uint(c, 2, &h) || !eat(c, ':') || !eat_uint(c, 2, &mi)
        || !eat(c, ':') || !eat_uint(c, 2, &s) || !eat(c, ' '))
    {
        return 0;
    }
    k = pxe_tr_scan_offset(c->p, (size_t) (c->end - c->p), 0, &off);
    if (k == 0 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970) {
        return 0;
    }
    c->p += k;
    if (!eat(c, ']')) {
        return 0;
    }
    *t = pxe_tr_utc((int) y, mo, (int) d, (int) h, (int) mi, (double) s)
         - (double) off;
    return 1;
}

static int
eat_ip(cur_t *c, char *out)
{
    size_t k = pxe_tr_scan_ip(c->p, (size_t) (c->end - c->p), out);

    c->p += k;
    return k > 0;
}

/* "GET /path HTTP/1.1" -> method, path. */
static int
split_request(const char *s, size_t n, tr_event_t *ev)
{
    const char *sp, *path, *sp2;

    sp = memchr(s, ' ', n);
    if (sp == NULL || sp == s || sp - s > 16) {
        return 0;
    }
    path = sp + 1;
    sp2 = memchr(path, ' ', (size_t) (s + n - path));
    if (sp2 == NULL) {
        sp2 = s + n;
    }
    if (sp2 == path || sp2 - path > TR_TEXT_MAX) {
        return 0;
    }
    ev->text2 = pxe_tr_strndup(s, (size_t) (sp - s));
    ev->text = pxe_tr_strndup(path, (size_t) (sp2 - path));
    return ev->text != NULL && ev->text2 != NULL;
}

/* The optional tail of the pxekit format: " LENGTH RTIME". */
static void
eat_tail(cur_t *c, tr_event_t *ev)
{
    long long v;
    double    rt;

    if (!eat(c, ' ')) {
        return;
    }
    if (eat_uint(c, 18, &v)) {
        ev->length = v;
    } else if (!eat(c, '-')) {
        return;
    }
    if (eat(c, ' ') && eat_decimal(c, 1, &rt)) {
        ev->rtime = rt;
    }
}

int
pxe_tr_parse_nginx(const char *s, size_t n, tr_event_t *ev)
{
    cur_t       c = { s, s + n };
    const char *req;
    size_t      reqn;
    long long   status, bytes;
    int         combined = 0;

    ev->length = -1;
    ev->rtime = -1;
    /* $msec has at least 9 digits (2001 on): an address's "10.77" is no
     * time. */
    if (eat_iso(&c, &ev->time) || (c.p = s, eat_decimal(&c, 9, &ev->time))) {
        if (!eat(&c, ' ') || !eat_ip(&c, ev->ip) || !eat(&c, ' ')) {
            return TR_NOTMINE;
        }
    } else {
        c.p = s;
        if (!eat_ip(&c, ev->ip) || !eat(&c, ' ')) {
            return TR_NOTMINE;
        }
        /* " - user " then [$time_local]. */
        c.p = memchr(c.p, '[', (size_t) (c.end - c.p));
        if (c.p == NULL || !eat_local(&c, &ev->time) || !eat(&c, ' ')) {
            return TR_NOTMINE;
        }
        combined = 1;
    }
    if (!eat_quoted(&c, &req, &reqn) || !eat(&c, ' ')
        || !eat_uint(&c, 3, &status) || !eat(&c, ' ')
        || !eat_uint(&c, 18, &bytes))
    {
        return TR_NOTMINE;
    }
    if (status < 100 || status > 999) {
        return TR_NOTMINE;
    }
    if (!split_request(req, reqn, ev)) {
        return TR_IGNORED;         /* "-", a TLS hello, a bare word */
    }
    ev->kind = TR_HTTP;
    ev->status = (int) status;
    ev->bytes = bytes;
    if (!combined) {
        eat_tail(&c, ev);
    }
    return TR_PARSED;
}
