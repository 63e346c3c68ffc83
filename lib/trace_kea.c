/*
 * trace_kea.c: kea-dhcp4's log lines, in Kea's default file layout
 *   2026-12-05 05:47:26.430 DEBUG [kea-dhcp4.pxekit-hooks/PID.TID] ID TEXT
 * (local time).  Four messages matter: the hook's PXEKIT_DECISION and
 * PXEKIT_NO_MATCH (debug level 40), which name the MAC, rule, kind and
 * file, and Kea's own DHCP4_LEASE_ADVERT / DHCP4_LEASE_ALLOC (INFO), which
 * tie the MAC to the address TFTP and HTTP will see.  The hook's decision
 * line ends with that address too (", address A", since 2026-12-05), so a
 * site that logs only the hook's logger still joins; older lines without
 * it join through the lease lines.
 */

#include <string.h>

#include "trace_int.h"

/* memmem over a bounded, not NUL-terminated span. */
static const char *
find(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle), i;

    for (i = 0; k <= n && i <= n - k; i++) {
        if (memcmp(s + i, needle, k) == 0) {
            return s + i;
        }
    }
    return NULL;
}

static int
starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);

    return n >= k && memcmp(s, prefix, k) == 0;
}

/* "[hwtype=1 aa:bb:..], ..., tid=0x1234: " -> mac, tid; returns the
 * offset of the text after it, or 0. */
static size_t
scan_label(const char *s, size_t n, tr_event_t *ev)
{
    const char   *p, *end = s + n;
    unsigned long tid = 0;
    int           v, digits = 0;

    p = find(s, n, "[hwtype=");
    if (p == NULL) {
        return 0;
    }
    while (p < end && *p != ' ' && *p != ']') {
        p++;
    }
    if (p >= end || *p != ' ' || !pxe_tr_scan_mac(p + 1, (size_t) (end - p - 1),
                                              ev->mac))
    {
        return 0;
    }
    p = find(p, (size_t) (end - p), ", tid=0x");
    if (p == NULL) {
        return 0;
    }
    for (p += 8; p < end && digits < 16; p++, digits++) {
        if (*p >= '0' && *p <= '9') {
            v = *p - '0';
        } else if (*p >= 'a' && *p <= 'f') {
            v = *p - 'a' + 10;
        } else {
            break;
        }
        tid = tid * 16 + (unsigned long) v;
    }
    if (digits == 0 || end - p < 2 || p[0] != ':' || p[1] != ' ') {
        return 0;
    }
    ev->tid = tid;
    return (size_t) (p + 2 - s);
}

static int
parse_decision(const char *s, size_t n, tr_event_t *ev)
{
    const char *p = s, *end = s + n, *q, *r;
    long long   rule;
    size_t      k, c;

    if (!starts(p, n, "rule ")) {
        return TR_IGNORED;
    }
    p += 5;
    k = pxe_tr_scan_uint(p, (size_t) (end - p), 6, &rule);
    if (k == 0 || end - p - (long) k < 2 || p[k] != ' ' || p[k + 1] != '(') {
        return TR_IGNORED;
    }
    p += k + 2;
    for (c = 0; p + c < end && p[c] != ')' && c < sizeof(ev->cls) - 1; c++) {
        ev->cls[c] = p[c];
    }
    ev->cls[c] = '\0';
    p += c;
    if (!starts(p, (size_t) (end - p), "): file '")) {
        return TR_IGNORED;
    }
    p += 9;
    /* The file may hold a quote: its end is the last "' (file field". */
    q = NULL;
    for (;;) {
        r = find(q != NULL ? q + 1 : p,
                 (size_t) (end - (q != NULL ? q + 1 : p)), "' (file field ");
        if (r == NULL) {
            break;
        }
        q = r;
    }
    if (q == NULL || q - p > TR_TEXT_MAX) {
        return TR_IGNORED;
    }
    ev->kind = TR_DECISION;
    ev->rule = (int) rule;
    ev->ip[0] = '\0';
    r = find(q, (size_t) (end - q), "), next-server ");
    if (r != NULL) {
        r = find(r, (size_t) (end - r), ", address ");
    }
    if (r != NULL && pxe_tr_scan_ip(r + 10, (size_t) (end - r - 10), ev->ip)
                     == 0)
    {
        ev->ip[0] = '\0';
    }
    ev->text = pxe_tr_strndup(p, (size_t) (q - p));
    return ev->text != NULL ? TR_PARSED : TR_IGNORED;
}

static int
parse_lease(const char *s, size_t n, tr_event_t *ev)
{
    size_t k;

    if (!starts(s, n, "lease ")) {
        return TR_IGNORED;
    }
    k = pxe_tr_scan_ip(s + 6, n - 6, ev->ip);
    if (k == 0 || 6 + k >= n || s[6 + k] != ' ') {
        return TR_IGNORED;
    }
    ev->kind = TR_LEASE;
    return TR_PARSED;
}

int
pxe_tr_parse_kea(const char *s, size_t n, tr_event_t *ev)
{
    int         f[6];
    double      sec;
    size_t      i, off;
    const char *p, *end = s + n;
    enum { DEC, NOMATCH, LEASE } what;

    i = pxe_tr_scan_datetime(s, n, f, &sec);
    if (i == 0 || i >= n || s[i] != ' ') {
        return TR_NOTMINE;
    }
    /* Severity, then "[logger/pid.thread]": the shape of a Kea line. */
    p = memchr(s + i, '[', (size_t) (end - s - i));
    if (p == NULL || p - (s + i) > 8) {
        return TR_NOTMINE;
    }
    p = memchr(p, ']', (size_t) (end - p));
    if (p == NULL || end - p < 2 || p[1] != ' ') {
        return TR_NOTMINE;
    }
    p += 2;
    if (starts(p, (size_t) (end - p), "PXEKIT_DECISION ")) {
        what = DEC;
    } else if (starts(p, (size_t) (end - p), "PXEKIT_NO_MATCH ")) {
        what = NOMATCH;
    } else if (starts(p, (size_t) (end - p), "DHCP4_LEASE_ADVERT ")
               || starts(p, (size_t) (end - p), "DHCP4_LEASE_ALLOC "))
    {
        what = LEASE;
    } else {
        return TR_IGNORED;
    }
    ev->time = pxe_tr_local(f[0], f[1], f[2], f[3], f[4], sec);
    off = scan_label(p, (size_t) (end - p), ev);
    if (off == 0) {
        return TR_IGNORED;
    }
    p += off;
    switch (what) {
    case DEC:
        return parse_decision(p, (size_t) (end - p), ev);
    case LEASE:
        return parse_lease(p, (size_t) (end - p), ev);
    default:
        for (i = 0; p + i < end && p[i] != ' ' && i < sizeof(ev->cls) - 1;
             i++)
        {
            ev->cls[i] = p[i];
        }
        ev->cls[i] = '\0';
        ev->kind = TR_NOMATCH;
        return TR_PARSED;
    }
}
