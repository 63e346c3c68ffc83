/*
 * trace_time.c: the timestamps of the three logs.  Kea and syslog write
 * local time (syslog without a year); nginx's $msec and the e2e syslog
 * sink write epoch seconds; $time_iso8601 and RFC 3339 carry an offset.
 * Everything becomes epoch seconds (UTC) so the steps sort together.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "trace_int.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (the era method:
 * 400-year cycles of 146097 days). */
static long
days_from_civil(long y, int m, int d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

double
pxe_tr_utc(int y, int mo, int d, int h, int mi, double s)
{
    return (double) days_from_civil(y, mo, d) * 86400.0
           + h * 3600.0 + mi * 60.0 + s;
}

double
pxe_tr_local(int y, int mo, int d, int h, int mi, double s)
{
    struct tm tm;
    time_t    t;
    int       whole = (int) s;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = whole;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    if (t == (time_t) -1) {
        return pxe_tr_utc(y, mo, d, h, mi, s);
    }
    return (double) t + (s - whole);
}

size_t
pxe_tr_scan_uint(const char *s, size_t n, size_t maxd, long long *v)
{
    size_t i;

    *v = 0;
    for (i = 0; i < n && i < maxd && s[i] >= '0' && s[i] <= '9'; i++) {
        *v = *v * 10 + (s[i] - '0');
    }
    return i;
}

/* Exactly k digits at s. */
static int
digits(const char *s, size_t n, size_t k, int *v)
{
    long long x;

    if (n < k || pxe_tr_scan_uint(s, k, k, &x) != k) {
        return 0;
    }
    *v = (int) x;
    return 1;
}

size_t
pxe_tr_scan_datetime(const char *s, size_t n, int f[6], double *sec)
{
    size_t i;
    double frac, scale;

    if (n < 19 || !digits(s, n, 4, &f[0]) || s[4] != '-'
        || !digits(s + 5, n - 5, 2, &f[1]) || s[7] != '-'
        || !digits(s + 8, n - 8, 2, &f[2]) || (s[10] != ' ' && s[10] != 'T')
        || !digits(s + 11, n - 11, 2, &f[3]) || s[13] != ':'
        || !digits(s + 14, n - 14, 2, &f[4]) || s[16] != ':'
        || !digits(s + 17, n - 17, 2, &f[5]))
    {
        return 0;
    }
    if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23
        || f[4] > 59 || f[5] > 60)
    {
        return 0;
    }
    i = 19;
    frac = 0;
    if (i < n && s[i] == '.') {
        scale = 0.1;
        for (i++; i < n && s[i] >= '0' && s[i] <= '9' && i < 29; i++) {
            frac += (s[i] - '0') * scale;
            scale /= 10;
        }
    }
    *sec = f[5] + frac;
    return i;
}

size_t
pxe_tr_scan_offset(const char *s, size_t n, int colon, long *off)
{
    int h, m;
    size_t i;

    if (n >= 1 && s[0] == 'Z') {
        *off = 0;
        return 1;
    }
    if (n < 5 || (s[0] != '+' && s[0] != '-') || !digits(s + 1, n - 1, 2, &h)) {
        return 0;
    }
    i = 3;
    if (colon) {
        if (s[i] != ':') {
            return 0;
        }
        i++;
    }
    if (!digits(s + i, n - i, 2, &m) || h > 23 || m > 59) {
        return 0;
    }
    *off = (h * 3600L + m * 60L) * (s[0] == '-' ? -1 : 1);
    return i + 2;
}

int
pxe_tr_month(const char *s, size_t n)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int m;

    if (n < 3) {
        return 0;
    }
    for (m = 0; m < 12; m++) {
        if (memcmp(names + 3 * m, s, 3) == 0) {
            return m + 1;
        }
    }
    return 0;
}

void
pxe_tr_format_time(double t, char *out, size_t cap)
{
    struct tm tm;
    time_t    whole;
    long      ms;

    if (t < 0 || t > 253402300799.0) {     /* past 9999-12-31 */
        snprintf(out, cap, "-");
        return;
    }
    whole = (time_t) t;
    ms = (long) ((t - (double) whole) * 1000.0 + 0.5);
    if (ms >= 1000) {
        whole++;
        ms -= 1000;
    }
    gmtime_r(&whole, &tm);
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, ms);
}
