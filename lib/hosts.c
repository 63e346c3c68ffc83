/*
 * hosts.c: pxekit_hosts, the per-host boot state: the format of a
 * host's file and what it decides (a pinned default build, the local
 * disk, a build booted once).
 *
 * The files are written by people and scripts, so the parser is strict
 * and fails whole: a typo must not half-apply ("buld=" ignored while
 * "local" holds), and the adapter then serves the normal menu.  Reading
 * and rewriting the file is hosts_file.c.
 */

#include <string.h>

#include "pxekit_private.h"

static int host_line(const char *w, size_t n, pxe_host_t *h);

/* One line without its newline, blanks around it trimmed. */
static int
host_line(const char *w, size_t n, pxe_host_t *h)
{
    const char  *eq, *v;
    size_t       klen, vlen;
    char        *dst;

    eq = memchr(w, '=', n);
    klen = eq != NULL ? (size_t) (eq - w) : n;
    v = eq != NULL ? eq + 1 : w + n;
    vlen = eq != NULL ? n - klen - 1 : 0;

    if (klen == 5 && memcmp(w, "local", 5) == 0) {
        /* "local", or "local=yes" / "local=no" for scripts that write
           key=value only */
        if (h->local || (eq != NULL && !(vlen == 3
                                         && memcmp(v, "yes", 3) == 0)
                         && !(vlen == 2 && memcmp(v, "no", 2) == 0)))
        {
            return PXE_ESYNTAX;
        }
        h->local = eq == NULL || vlen == 3;
        return PXE_OK;
    }
    if (klen == 5 && memcmp(w, "build", 5) == 0 && eq != NULL) {
        if (h->has_build) {
            return PXE_ESYNTAX;
        }
        h->has_build = 1;
        dst = h->build;
    } else if (klen == 4 && memcmp(w, "once", 4) == 0 && eq != NULL) {
        if (h->has_once) {
            return PXE_ESYNTAX;
        }
        h->has_once = 1;
        dst = h->once;
    } else {
        return PXE_ESYNTAX;
    }
    /* "" would mean latest to pxe_build_ref_parse: say it */
    if (vlen == 0 || pxe_build_ref_parse(v, vlen, dst) != PXE_OK) {
        return PXE_ESYNTAX;
    }
    return PXE_OK;
}

int
pxe_host_parse(const char *s, size_t len, pxe_host_t *h)
{
    const char  *p, *end, *nl, *w, *e;
    size_t       line = 0;
    int          rc, once;

    memset(h, 0, sizeof(*h));
    if (len > PXE_HOST_FILE_MAX) {
        return PXE_ETOOBIG;
    }
    end = s + len;
    for (p = s; p < end; p = nl + 1) {
        line++;
        nl = memchr(p, '\n', (size_t) (end - p));
        if (nl == NULL) {
            nl = end;
        }
        for (w = p; w < nl && (*w == ' ' || *w == '\t'); w++) {
            /* leading blanks */
        }
        for (e = nl; e > w && (e[-1] == ' ' || e[-1] == '\t'
                               || e[-1] == '\r'); e--)
        {
            /* trailing blanks, and a CR from an editor elsewhere */
        }
        if (e == w || *w == '#') {
            if (memchr(w, '\0', (size_t) (e - w)) != NULL) {
                memset(h, 0, sizeof(*h));
                h->line = line;
                return PXE_ESYNTAX;
            }
            if (nl == end) {
                break;
            }
            continue;
        }
        once = h->has_once;
        rc = host_line(w, (size_t) (e - w), h);
        if (rc != PXE_OK) {
            memset(h, 0, sizeof(*h));
            h->line = line;
            return rc;
        }
        if (!once && h->has_once) {
            h->once_off = (size_t) (p - s);
            h->once_len = (size_t) (nl - p) + (nl < end ? 1 : 0);
        }
        if (nl == end) {
            break;
        }
    }
    return PXE_OK;
}

void
pxe_host_decide(const pxe_host_t *h, const pxe_scan_t *scan,
    pxe_host_decision_t *d)
{
    const pxe_build_t  *b;

    memset(d, 0, sizeof(*d));
    if (h->has_once) {
        b = pxe_scan_pick(scan, h->once);
        if (b != NULL) {
            d->action = PXE_HOST_ONCE;
            d->build = b;
            return;
        }
        d->once_unusable = 1;
    }
    if (h->local) {
        d->action = PXE_HOST_LOCAL;
        return;
    }
    if (h->has_build) {
        d->build = pxe_scan_pick(scan, h->build);
        d->build_unusable = d->build == NULL;
    }
}

int
pxe_host_after_once(const char *s, size_t len, const pxe_host_t *h,
    pxe_buf_t *out)
{
    int  rc;

    if (!h->has_once || h->once_off + h->once_len > len) {
        return PXE_EINVAL;
    }
    rc = pxe_buf_add(out, s, h->once_off);
    if (rc == PXE_OK) {
        rc = pxe_buf_add(out, s + h->once_off + h->once_len,
                         len - h->once_off - h->once_len);
    }
    return rc;
}
