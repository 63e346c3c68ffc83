/*
 * trace.c: the trace's collector.  Lines of the three logs come in any
 * order (files given in any order, rotated, interleaved); each becomes an
 * event, and a report sorts them by time and joins them per machine:
 * Kea's lease lines say which MAC held an address at that moment, so a
 * TFTP or HTTP line from that address belongs to that MAC until the
 * address is leased to another; in.tftpd's PID ties a NAK or an abort to
 * the request before it.  The verdicts are in trace_verdict.c, the text
 * in trace_out.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pxekit_private.h"
#include "trace_int.h"
#include "trace_map.h"

struct pxe_trace_s {
    tr_clock_t    clk;
    tr_event_t  **ev;
    size_t        nev, cap;
    size_t        lines, garbled;
    tr_map_t      seen;          /* machine key -> hash of its last report */
};

pxe_trace_t *
pxe_trace_new(int year, double now)
{
    pxe_trace_t *t = calloc(1, sizeof(*t));
    struct tm    tm;
    time_t       clock;

    if (t == NULL) {
        return NULL;
    }
    if (year == 0) {
        clock = time(NULL);
        localtime_r(&clock, &tm);
        year = tm.tm_year + 1900;
        now = (double) clock;
    }
    t->clk.year = year;
    t->clk.now = now;
    pxe_tr_map_init(&t->seen);
    return t;
}

static void
ev_clear(tr_event_t *ev)
{
    free(ev->text);
    free(ev->text2);
    ev->text = NULL;
    ev->text2 = NULL;
}

void
pxe_trace_free(pxe_trace_t *t)
{
    size_t i;

    if (t == NULL) {
        return;
    }
    for (i = 0; i < t->nev; i++) {
        ev_clear(t->ev[i]);
        free(t->ev[i]);
    }
    free(t->ev);
    pxe_tr_map_free(&t->seen);
    free(t);
}

void
pxe_trace_counts(const pxe_trace_t *t, size_t *lines, size_t *events,
    size_t *garbled)
{
    *lines = t->lines;
    *events = t->nev;
    *garbled = t->garbled;
}

static int
push(pxe_trace_t *t, const tr_event_t *ev)
{
    tr_event_t **nv;
    size_t       ncap;

    if (t->nev >= PXE_TRACE_EVENTS_MAX) {
        return PXE_ETOOMANY;
    }
    if (t->nev == t->cap) {
        ncap = t->cap ? t->cap * 2 : 256;
        nv = realloc(t->ev, ncap * sizeof(*nv));
        if (nv == NULL) {
            return PXE_ENOMEM;
        }
        t->ev = nv;
        t->cap = ncap;
    }
    t->ev[t->nev] = malloc(sizeof(*ev));
    if (t->ev[t->nev] == NULL) {
        return PXE_ENOMEM;
    }
    *t->ev[t->nev] = *ev;
    t->ev[t->nev]->seq = t->nev;
    t->nev++;
    return PXE_OK;
}

int
pxe_trace_line(pxe_trace_t *t, const char *line, size_t len)
{
    tr_event_t ev;
    int        r, rc, which;

    t->lines++;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
        len--;
    }
    if (len == 0) {
        return PXE_OK;
    }
    if (len > PXE_TRACE_LINE_MAX || memchr(line, '\0', len) != NULL) {
        t->garbled++;
        return PXE_ESYNTAX;
    }
    for (which = 0; which < 3; which++) {
        memset(&ev, 0, sizeof(ev));
        switch (which) {
        case 0:
            r = pxe_tr_parse_kea(line, len, &ev);
            break;
        case 1:
            r = pxe_tr_parse_nginx(line, len, &ev);
            break;
        default:
            r = pxe_tr_parse_tftp(line, len, &t->clk, &ev);
            break;
        }
        if (r == TR_PARSED) {
            rc = push(t, &ev);
            if (rc != PXE_OK) {
                ev_clear(&ev);
            }
            return rc;
        }
        ev_clear(&ev);
        if (r == TR_IGNORED) {
            return PXE_OK;
        }
    }
    t->garbled++;
    return PXE_ESYNTAX;
}

/* ---- the join ------------------------------------------------------ */

typedef struct {
    tr_machine_t  *m;
    size_t         n, cap;
    tr_map_t       bykey;        /* machine key -> index */
    tr_map_t       byip;         /* address -> index of the MAC's machine */
    tr_map_t       bypid;        /* in.tftpd PID -> index into xfer */
    size_t        *xfer;         /* machine index * 2, step index * 2 + 1 */
    size_t         nxfer, capxfer;
} join_t;

static int
by_time(const void *a, const void *b)
{
    const tr_event_t *x = *(tr_event_t *const *) a;
    const tr_event_t *y = *(tr_event_t *const *) b;

    if (x->time != y->time) {
        return x->time < y->time ? -1 : 1;
    }
    /* Kea logs a lease before the hook's decision, often in the same
     * millisecond: keep that order whatever order the lines came in. */
    if ((x->kind == TR_LEASE) != (y->kind == TR_LEASE)) {
        return x->kind == TR_LEASE ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
join_free(join_t *j)
{
    size_t i;

    for (i = 0; i < j->n; i++) {
        free(j->m[i].steps);
    }
    free(j->m);
    free(j->xfer);
    pxe_tr_map_free(&j->bykey);
    pxe_tr_map_free(&j->byip);
    pxe_tr_map_free(&j->bypid);
}

/* The machine named key (a MAC, or "ip ADDR"), created if new. */
static tr_machine_t *
machine(join_t *j, const char *key, const char *mac)
{
    size_t       *i = pxe_tr_map_get(&j->bykey, key);
    tr_machine_t *nm;
    size_t        ncap;

    if (i != NULL) {
        return &j->m[*i];
    }
    if (j->n == j->cap) {
        ncap = j->cap ? j->cap * 2 : 16;
        nm = realloc(j->m, ncap * sizeof(*nm));
        if (nm == NULL) {
            return NULL;
        }
        j->m = nm;
        j->cap = ncap;
    }
    nm = &j->m[j->n];
    memset(nm, 0, sizeof(*nm));
    snprintf(nm->key, sizeof(nm->key), "%s", key);
    snprintf(nm->mac, sizeof(nm->mac), "%s", mac);
    if (pxe_tr_map_put(&j->bykey, nm->key, j->n) != PXE_OK) {
        return NULL;
    }
    j->n++;
    return nm;
}

/* The machine that held ip at this point of the logs. */
static tr_machine_t *
machine_ip(join_t *j, const char *ip)
{
    size_t *i = pxe_tr_map_get(&j->byip, ip);
    char    key[TR_IP_LEN + 4];

    if (i != NULL) {
        return &j->m[*i];
    }
    snprintf(key, sizeof(key), "ip %s", ip);
    return machine(j, key, "");
}

static void
add_ip(tr_machine_t *m, const char *ip)
{
    size_t i;

    for (i = 0; i < m->nips; i++) {
        if (strcmp(m->ips[i], ip) == 0) {
            return;
        }
    }
    if (m->nips < TR_IPS_MAX) {
        snprintf(m->ips[m->nips++], sizeof(m->ips[0]), "%s", ip);
    }
}

static tr_step_t *
add_step(tr_machine_t *m, const tr_event_t *ev, tr_server_e server)
{
    tr_step_t *ns;
    size_t     ncap;

    if (m->nsteps == m->cap) {
        ncap = m->cap ? m->cap * 2 : 16;
        ns = realloc(m->steps, ncap * sizeof(*ns));
        if (ns == NULL) {
            return NULL;
        }
        m->steps = ns;
        m->cap = ncap;
    }
    ns = &m->steps[m->nsteps++];
    memset(ns, 0, sizeof(*ns));
    ns->ev = ev;
    ns->server = server;
    ns->count = 1;
    ns->ip = -1;
    ns->bytes = ev->bytes;
    return ns;
}

/* Two lines per exchange (OFFER, ACK) say the same: keep one. */
static int
same_dhcp(const tr_machine_t *m, const tr_event_t *ev)
{
    const tr_step_t *last;

    if (m->nsteps == 0) {
        return 0;
    }
    last = &m->steps[m->nsteps - 1];
    return last->server == TR_DHCP && last->ev->kind == ev->kind
           && last->ev->tid == ev->tid && last->ev->rule == ev->rule
           && strcmp(last->ev->text ? last->ev->text : "",
                     ev->text ? ev->text : "") == 0;
}

static tr_outcome_e
http_outcome(const tr_event_t *ev)
{
    if (ev->status == 404 || ev->status == 410) {
        return TR_OUT_NOTFOUND;
    }
    if (ev->status == 499) {
        return TR_OUT_STALLED;     /* nginx: the client closed first */
    }
    if (ev->status >= 400) {
        return TR_OUT_REFUSED;
    }
    if ((ev->status == 200 || ev->status == 206) && ev->length >= 0
        && ev->bytes < ev->length && strcmp(ev->text2, "HEAD") != 0)
    {
        return TR_OUT_STALLED;
    }
    return TR_OUT_OK;
}

static int
join_http(join_t *j, const tr_event_t *ev, int keep)
{
    tr_machine_t *m = machine_ip(j, ev->ip);
    tr_step_t    *st;

    if (m == NULL) {
        return PXE_ENOMEM;
    }
    add_ip(m, ev->ip);
    if (!keep) {
        return PXE_OK;
    }
    /* sanboot reads an image in thousands of ranges: fold a run of 206s
     * of one file into one step. */
    if (ev->status == 206 && m->nsteps > 0) {
        st = &m->steps[m->nsteps - 1];
        if (st->server == TR_HTTPS && st->ev->status == 206
            && st->outcome == TR_OUT_OK && http_outcome(ev) == TR_OUT_OK
            && strcmp(st->ev->text, ev->text) == 0
            && strcmp(st->ev->text2, ev->text2) == 0)
        {
            st->count++;
            st->bytes += ev->bytes;
            return PXE_OK;
        }
    }
    st = add_step(m, ev, TR_HTTPS);
    if (st == NULL) {
        return PXE_ENOMEM;
    }
    st->outcome = http_outcome(ev);
    return PXE_OK;
}

static int
join_tftp(join_t *j, const tr_event_t *ev, int keep)
{
    tr_machine_t *m;
    tr_step_t    *st;
    size_t       *x, mi, si;
    char          pid[24];

    snprintf(pid, sizeof(pid), "%ld", ev->pid);
    if (ev->kind != TR_RRQ) {
        /* A NAK or abort: the request this in.tftpd process served. */
        x = pxe_tr_map_get(&j->bypid, pid);
        if (x != NULL) {
            mi = j->xfer[*x * 2];
            si = j->xfer[*x * 2 + 1];
            st = &j->m[mi].steps[si];
            if (st->end == NULL && (ev->kind == TR_TFTP_ERROR
                                    || strcmp(st->ev->ip, ev->ip) == 0))
            {
                st->end = ev;
                st->outcome = ev->kind == TR_TFTP_ERROR ? TR_OUT_STALLED
                              : ev->status == 1 ? TR_OUT_NOTFOUND
                              : TR_OUT_REFUSED;
                return PXE_OK;
            }
        }
        /* A NAK without its RRQ (a remap rule's refusal is sent before
         * the RRQ is logged) stands alone; an abort without it is lost. */
        if (ev->kind == TR_TFTP_ERROR || !keep) {
            return PXE_OK;
        }
    }
    m = machine_ip(j, ev->ip);
    if (m == NULL) {
        return PXE_ENOMEM;
    }
    add_ip(m, ev->ip);
    if (!keep) {
        return PXE_OK;
    }
    st = add_step(m, ev, TR_TFTP);
    if (st == NULL) {
        return PXE_ENOMEM;
    }
    if (ev->kind == TR_NAK) {
        st->end = ev;
        st->outcome = ev->status == 1 ? TR_OUT_NOTFOUND : TR_OUT_REFUSED;
        return PXE_OK;
    }
    if (j->nxfer == j->capxfer) {
        size_t  ncap = j->capxfer ? j->capxfer * 2 : 64;
        size_t *nx = realloc(j->xfer, ncap * 2 * sizeof(*nx));

        if (nx == NULL) {
            return PXE_ENOMEM;
        }
        j->xfer = nx;
        j->capxfer = ncap;
    }
    j->xfer[j->nxfer * 2] = (size_t) (m - j->m);
    j->xfer[j->nxfer * 2 + 1] = m->nsteps - 1;
    if (pxe_tr_map_put(&j->bypid, pid, j->nxfer) != PXE_OK) {
        return PXE_ENOMEM;
    }
    j->nxfer++;
    return PXE_OK;
}

static int
join_dhcp(join_t *j, const tr_event_t *ev, int keep)
{
    tr_machine_t *m = machine(j, ev->mac, ev->mac);
    tr_step_t    *st;
    size_t        i;

    if (m == NULL) {
        return PXE_ENOMEM;
    }
    if (ev->kind == TR_LEASE) {
        add_ip(m, ev->ip);
        /* From now on this address is this MAC's, whoever had it before. */
        return pxe_tr_map_put(&j->byip, ev->ip,
                          (size_t) (m - j->m));
    }
    /* A decision that names the address joins like a lease line. */
    if (ev->kind == TR_DECISION && ev->ip[0] != '\0'
        && strcmp(ev->ip, "0.0.0.0") != 0)
    {
        add_ip(m, ev->ip);
        if (pxe_tr_map_put(&j->byip, ev->ip, (size_t) (m - j->m))
            != PXE_OK)
        {
            return PXE_ENOMEM;
        }
    }
    if (!keep || same_dhcp(m, ev)) {
        return PXE_OK;
    }
    st = add_step(m, ev, TR_DHCP);
    if (st == NULL) {
        return PXE_ENOMEM;
    }
    st->outcome = ev->kind == TR_NOMATCH ? TR_OUT_NORULE : TR_OUT_OK;
    /* The address of this exchange: the one it holds now (Kea logs the
     * lease before the hook's decision). */
    st->ip = -1;
    for (i = 0; i < m->nips; i++) {
        size_t *k = pxe_tr_map_get(&j->byip, m->ips[i]);

        if (k != NULL && &j->m[*k] == m) {
            st->ip = (int) i;
        }
    }
    return PXE_OK;
}

static size_t
fnv(const char *s, size_t n)
{
    size_t h = (size_t) 1469598103934665603ULL, i;

    for (i = 0; i < n; i++) {
        h = (h ^ (unsigned char) s[i]) * (size_t) 1099511628211ULL;
    }
    return h;
}

static int
emit_machine(pxe_trace_t *t, const tr_machine_t *m,
    const pxe_trace_opts_t *o, pxe_trace_emit_pt emit, void *ctx)
{
    tr_verdict_t v;
    pxe_buf_t    out;
    size_t      *seen, h;
    int          rc;

    pxe_tr_verdict(m, &v);
    pxe_buf_init(&out, PXE_TRACE_MACHINE_MAX, NULL);
    rc = pxe_tr_render(m, &v, o->json, &out);
    if (rc == PXE_OK && o->changed) {
        h = fnv(out.data, out.len);
        seen = pxe_tr_map_get(&t->seen, m->key);
        if (seen != NULL && *seen == h) {
            pxe_buf_free(&out);
            return PXE_OK;
        }
        rc = pxe_tr_map_put(&t->seen, m->key, h);
    }
    if (rc == PXE_OK) {
        rc = emit(ctx, out.data, out.len);
    }
    pxe_buf_free(&out);
    return rc;
}

int
pxe_trace_check_mac(const char *mac)
{
    char norm[TR_MAC_LEN + 1];

    return strlen(mac) == TR_MAC_LEN && pxe_tr_scan_mac(mac, TR_MAC_LEN, norm)
           ? PXE_OK : PXE_EINVAL;
}

int
pxe_trace_report(pxe_trace_t *t, const pxe_trace_opts_t *o,
    pxe_trace_emit_pt emit, void *ctx)
{
    tr_event_t **sorted;
    join_t       j;
    char         mac[TR_MAC_LEN + 1];
    size_t       i;
    int          rc = PXE_OK, keep;

    if (o->mac != NULL && (pxe_trace_check_mac(o->mac) != PXE_OK
                           || !pxe_tr_scan_mac(o->mac, TR_MAC_LEN, mac)))
    {
        return PXE_EINVAL;
    }
    sorted = malloc((t->nev ? t->nev : 1) * sizeof(*sorted));
    if (sorted == NULL) {
        return PXE_ENOMEM;
    }
    if (t->nev > 0) {
        memcpy(sorted, t->ev, t->nev * sizeof(*sorted));
        qsort(sorted, t->nev, sizeof(*sorted), by_time);
    }
    memset(&j, 0, sizeof(j));
    for (i = 0; i < t->nev && rc == PXE_OK; i++) {
        /* Lines before --since still join addresses to MACs. */
        keep = sorted[i]->time >= o->since;
        switch (sorted[i]->kind) {
        case TR_LEASE:
        case TR_DECISION:
        case TR_NOMATCH:
            rc = join_dhcp(&j, sorted[i], keep);
            break;
        case TR_HTTP:
            rc = join_http(&j, sorted[i], keep);
            break;
        default:
            rc = join_tftp(&j, sorted[i], keep);
            break;
        }
    }
    for (i = 0; i < j.n && rc == PXE_OK; i++) {
        if (j.m[i].nsteps == 0
            || (o->mac != NULL && strcmp(j.m[i].mac, mac) != 0))
        {
            continue;
        }
        rc = emit_machine(t, &j.m[i], o, emit, ctx);
    }
    join_free(&j);
    free(sorted);
    return rc;
}
