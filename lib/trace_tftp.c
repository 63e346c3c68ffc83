/*
 * trace_tftp.c: in.tftpd's syslog lines (tftp-hpa, run with -v or more):
 *   RRQ from ADDR filename F [remapped to G]        (-v)
 *   sending NAK (CODE, MESSAGE) to ADDR             (-vv)
 *   tftpd: read(ack): ... / tftpd: read: ...        (a transfer aborted)
 * as a syslog file holds them ("Dec  5 05:47:27 host in.tftpd[PID]: ...",
 * or an RFC 3339 stamp), or as the e2e sink writes them (epoch seconds
 * with milliseconds, then the raw "<PRI>Dec  5 ... in.tftpd[PID]: ...").
 * Only the RRQ and NAK lines name the client; the PID ties an abort to
 * the RRQ before it.
 */

#include <string.h>

#include "trace_int.h"

static int
starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);

    return n >= k && memcmp(s, prefix, k) == 0;
}

/* "Dec  5 05:47:27": a year-less local stamp; bytes used or 0. */
static size_t
scan_bsd(const char *s, size_t n, const tr_clock_t *clk, double *t)
{
    long long d, h, mi, sec;
    int       mo;
    size_t    i = 4, k;

    mo = pxe_tr_month(s, n);
    if (mo == 0 || n < 15 || s[3] != ' ') {
        return 0;
    }
    if (s[i] == ' ') {
        i++;
    }
    k = pxe_tr_scan_uint(s + i, n - i, 2, &d);
    if (k == 0 || d < 1 || d > 31) {
        return 0;
    }
    i += k;
    if (n - i < 9 || s[i] != ' ' || pxe_tr_scan_uint(s + i + 1, 2, 2, &h) != 2
        || s[i + 3] != ':' || pxe_tr_scan_uint(s + i + 4, 2, 2, &mi) != 2
        || s[i + 6] != ':' || pxe_tr_scan_uint(s + i + 7, 2, 2, &sec) != 2
        || h > 23 || mi > 59 || sec > 60)
    {
        return 0;
    }
    /* Syslog drops the year: take this year's date, or last year's when
     * that would lie in the future (a December log read in January). */
    *t = pxe_tr_local(clk->year, mo, (int) d, (int) h, (int) mi, (double) sec);
    if (*t > clk->now + 86400.0) {
        *t = pxe_tr_local(clk->year - 1, mo, (int) d, (int) h, (int) mi,
                      (double) sec);
    }
    return i + 9;
}

static int
parse_msg(const char *s, size_t n, tr_event_t *ev)
{
    const char *p, *end = s + n, *r;
    size_t      k, i;
    long long   code;

    if (starts(s, n, "RRQ from ")) {
        p = s + 9;
        k = pxe_tr_scan_ip(p, (size_t) (end - p), ev->ip);
        if (k == 0 || !starts(p + k, (size_t) (end - p - k), " filename ")) {
            return TR_IGNORED;
        }
        p += k + 10;
        r = NULL;
        for (i = 0; p + i + 13 <= end; i++) {
            if (memcmp(p + i, " remapped to ", 13) == 0) {
                r = p + i;
            }
        }
        k = r != NULL ? (size_t) (r - p) : (size_t) (end - p);
        if (k == 0 || k > TR_TEXT_MAX) {
            return TR_IGNORED;
        }
        ev->text = pxe_tr_strndup(p, k);
        if (r != NULL && end - r > 13) {
            ev->text2 = pxe_tr_strndup(r + 13, (size_t) (end - r - 13));
        }
        ev->kind = TR_RRQ;
        return ev->text != NULL ? TR_PARSED : TR_IGNORED;
    }
    if (starts(s, n, "sending NAK (")) {
        p = s + 13;
        k = pxe_tr_scan_uint(p, (size_t) (end - p), 5, &code);
        if (k == 0 || !starts(p + k, (size_t) (end - p - k), ", ")) {
            return TR_IGNORED;
        }
        p += k + 2;
        /* The message ends at the last ") to ". */
        r = NULL;
        for (i = 0; p + i + 5 <= end; i++) {
            if (memcmp(p + i, ") to ", 5) == 0) {
                r = p + i;
            }
        }
        if (r == NULL || r - p > TR_TEXT_MAX
            || pxe_tr_scan_ip(r + 5, (size_t) (end - r - 5), ev->ip) == 0)
        {
            return TR_IGNORED;
        }
        ev->text = pxe_tr_strndup(p, (size_t) (r - p));
        ev->status = (int) code;
        ev->kind = TR_NAK;
        return ev->text != NULL ? TR_PARSED : TR_IGNORED;
    }
    /* A PXE ROM asks for tsize and then refuses the OACK on purpose, to
     * learn the size: that is not a failure. */
    if (starts(s, n, "tftp: client does not accept options")) {
        return TR_IGNORED;
    }
    if (starts(s, n, "tftpd: read") || starts(s, n, "tftpd: oack")
        || starts(s, n, "tftpd: write"))
    {
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ')) {
            n--;
        }
        if (n > TR_TEXT_MAX) {
            return TR_IGNORED;
        }
        ev->text = pxe_tr_strndup(s, n);
        ev->kind = TR_TFTP_ERROR;
        return ev->text != NULL ? TR_PARSED : TR_IGNORED;
    }
    return TR_IGNORED;
}

int
pxe_tr_parse_tftp(const char *s, size_t n, const tr_clock_t *clk,
    tr_event_t *ev)
{
    const char *p = s, *end = s + n, *tag;
    long long   whole, frac, pid, pri;
    size_t      k, f, i;
    int         have_time = 0, dt[6];
    double      sec, div;
    long        off;

    /* The e2e sink's "EPOCH.mmm " prefix. */
    k = pxe_tr_scan_uint(p, n, 12, &whole);
    if (k >= 9 && k < n && p[k] == '.') {
        f = pxe_tr_scan_uint(p + k + 1, n - k - 1, 6, &frac);
        if (f > 0 && k + 1 + f < n && p[k + 1 + f] == ' ') {
            for (div = 1.0, i = 0; i < f; i++) {
                div *= 10.0;
            }
            ev->time = (double) whole + (double) frac / div;
            have_time = 1;
            p += k + 1 + f + 1;
        }
    }
    if (p < end && *p == '<') {
        k = pxe_tr_scan_uint(p + 1, (size_t) (end - p - 1), 3, &pri);
        if (k == 0 || p + 1 + k >= end || p[1 + k] != '>') {
            return TR_NOTMINE;
        }
        p += k + 2;
    }
    k = scan_bsd(p, (size_t) (end - p), clk, have_time ? &sec : &ev->time);
    if (k == 0) {
        k = pxe_tr_scan_datetime(p, (size_t) (end - p), dt, &sec);
        if (k == 0) {
            return TR_NOTMINE;
        }
        f = pxe_tr_scan_offset(p + k, (size_t) (end - p - k), 1, &off);
        if (f == 0) {
            return TR_NOTMINE;
        }
        if (!have_time) {
            ev->time = pxe_tr_utc(dt[0], dt[1], dt[2], dt[3], dt[4], sec)
                       - (double) off;
        }
        k += f;
    }
    p += k;
    /* " [host ]in.tftpd[PID]: ": the tag is the first word that ends in
     * "tftpd[" within the next two words. */
    tag = NULL;
    for (k = 0; p + k + 6 <= end && k < 300; k++) {
        if (memcmp(p + k, "tftpd[", 6) == 0) {
            tag = p + k + 6;
            break;
        }
    }
    if (tag == NULL) {
        return TR_NOTMINE;
    }
    k = pxe_tr_scan_uint(tag, (size_t) (end - tag), 10, &pid);
    if (k == 0 || !starts(tag + k, (size_t) (end - tag - k), "]: ")) {
        return TR_NOTMINE;
    }
    ev->pid = (long) pid;
    p = tag + k + 3;
    while (end > p && (end[-1] == '\n' || end[-1] == '\r')) {
        end--;
    }
    return parse_msg(p, (size_t) (end - p), ev);
}
