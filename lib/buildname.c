/*
 * buildname.c: SmartOS platform build names, "20121004T212912Z" (the UTC
 * time the build was made).  Anything else in a platform directory is not
 * a build, so validation is strict: fixed width, digits where digits go,
 * and a real date and time.
 */

#include <string.h>

#include "pxekit_private.h"

static int digits(const char *s, size_t n, int *out);
static int days_in_month(int year, int month);

static int
digits(const char *s, size_t n, int *out)
{
    int     v = 0;
    size_t  i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int
days_in_month(int year, int month)
{
    static const int  days[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    int               leap;

    if (month == 2) {
        leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return 28 + leap;
    }
    return days[month - 1];
}

int
pxe_buildname_parse(const char *s, size_t len, pxe_buildname_t *out)
{
    pxe_buildname_t  n;

    if (s == NULL || len != PXE_BUILDNAME_LEN || s[8] != 'T' || s[15] != 'Z'
        || digits(s, 4, &n.year) != 0
        || digits(s + 4, 2, &n.month) != 0
        || digits(s + 6, 2, &n.day) != 0
        || digits(s + 9, 2, &n.hour) != 0
        || digits(s + 11, 2, &n.minute) != 0
        || digits(s + 13, 2, &n.second) != 0)
    {
        return PXE_EBUILDNAME;
    }

    /* Leap seconds never appear in build names: 59 is the last second. */
    if (n.year < 1970 || n.month < 1 || n.month > 12 || n.day < 1
        || n.day > days_in_month(n.year, n.month)
        || n.hour > 23 || n.minute > 59 || n.second > 59)
    {
        return PXE_EBUILDNAME;
    }

    if (out != NULL) {
        *out = n;
    }
    return PXE_OK;
}

int
pxe_buildname_valid(const char *s, size_t len)
{
    return pxe_buildname_parse(s, len, NULL) == PXE_OK;
}

int
pxe_buildname_cmp_newest(const char *a, const char *b)
{
    int  c;

    /* Fixed-width big-endian digits: byte order is time order. */
    c = memcmp(a, b, PXE_BUILDNAME_LEN);
    return c > 0 ? -1 : (c < 0 ? 1 : 0);
}
