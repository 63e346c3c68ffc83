/*
 * storm-client: N simulated iPXE clients for tests/bench/storm.
 *
 *   storm-client IFNAME N MACBASE SPREAD_MS [PROCS [VERIFY_EVERY]]
 *
 * Client i has MAC MACBASE + i (MACBASE is 6 bytes of hex, i fits the
 * last three), starts at a random moment within SPREAD_MS (a rack
 * powering on) and then does what iPXE does: DHCP DORA on a packet
 * socket from its own MAC (options 77 "iPXE", 93 = 0, 175; DISCOVER
 * retransmitted after 1, 2, 4, 8 s and given up after that, REQUEST
 * after 1, 2, 4 s, as iPXE's config/dhcp.h), then an HTTP GET of the
 * boot file the ACK names (the menu), of the menu's default build's
 * kernel and its modules (boot_archive and .hash), as iPXE reads the
 * script: `choose --default L`, then from `:L` the `kernel`/`module`
 * lines up to `boot`.  Each body is checked against Content-Length and
 * the archive's SHA-1 against the .hash (every VERIFY_EVERY-th client,
 * default all); any HTTP failure fails the
 * boot, as in iPXE.  TCP leaves from the leased address (the harness
 * makes the pool's addresses local to the client namespace).  tftp://
 * URLs (the TFTP baseline) are fetched as iPXE does: RFC 2347 options
 * blksize 1432 (iPXE's TFTP_MAX_BLKSIZE, include/ipxe/tftp.h) and tsize,
 * lock-step ACKs, the last packet resent after 1 s, 5 times at most.
 *
 * One line per client on stdout:
 *   MAC ok|fail DHCP_S TTLB_S RETRANSMITS BYTES REASON KERNEL_URL
 * BYTES counts the kernel and modules (not the menu).
 * DHCP_S is the first DISCOVER to the ACK, TTLB_S the first DISCOVER to
 * the last byte of the last file.  Event-driven (epoll), PROCS processes
 * (default 1) each with every PROCS-th client, so that the pool costs
 * little next to the servers it measures.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "storm-sha1.h"

#define MAX_CLIENTS   65536
#define URL_MAX       512
#define MENU_MAX      65536     /* a menu bigger than this is refused */
#define HEAD_MAX      4096
#define HASH_MAX      128
#define MAX_FILES     4         /* menu, kernel, archive, hash */
/* iPXE's DHCP timers (src/config/dhcp.h, src/net/retry.c): DISCOVER
   resent after 1, 2, 4, 8 s, REQUEST after 1/4, 1/2, 1, 2, 4, 8 s (its
   minimum is the retry timer's default); each gives up when the next
   timeout would pass 10 s.  A REQUEST that times out ends DHCP: iPXE
   does not go back to DISCOVER. */
#define DISC_FIRST    1.0
#define REQ_FIRST     0.25
/* iPXE's HTTP idle watchdog (src/net/tcp/httpcore.c): a transfer fails
   after this long without a byte, however long it has run. */
#define HTTP_WATCHDOG 120.0
#define TFTP_BLKSIZE  1432
/* iPXE's retry timer (src/net/retry.c): the timeout starts at 1/4 s,
   follows the round trip (t := 7t/8 + rtt/2 after each answer that was
   not a resend's), doubles on each expiry, and the transfer fails when
   it would pass 10 s: about 16 s of silence. */
#define RT_MIN        0.25
#define RT_MAX        10.0

enum { S_WAIT, S_DISC, S_REQ, S_HTTP, S_DONE };

typedef struct {
    unsigned char  mac[6];
    int            state, tries, retransmits, ok, file, nfiles, fd;
    uint32_t       xid, yiaddr, server_id;
    double         start, t_first, t_next, t_dhcp, t_end, deadline;
    double         menu_wall;   /* when the menu arrived, CLOCK_REALTIME */
    char           url[MAX_FILES][URL_MAX];
    /* the HTTP transfer in progress */
    char           head[HEAD_MAX];
    size_t         head_len, sent, req_len;
    long long      clen, got, bytes;
    char          *body;         /* menu or hash text, else NULL */
    size_t         body_len, body_max;
    int            hashing, in_body;
    /* TFTP: the last block received, the block size, resends */
    int            tftp, tftp_conn, rt_count;
    double         rt_timeout, rt_start;   /* iPXE's retry timer */
    unsigned       block, blksize;
    struct sockaddr_in  tsa;     /* the server's port 69, for the RRQ */
    double         t_retry;
    storm_sha1_t   sha;
    char           archive_sha[41], want_sha[41];
    char           req[URL_MAX + 256];
    const char    *reason;
} client_t;

static client_t  *cl;
static int        ncl, pfd, ep, ifindex;
static int        left;          /* this process's clients not done */
static int        verify_every = 1;

static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
fail(client_t *c, const char *why)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    storm_sha1_free(&c->sha);
    left -= c->state != S_DONE;
    c->state = S_DONE;
    c->ok = 0;
    c->reason = why;
    c->t_end = now();
}

/* Internet checksum of an IPv4 header. */
static uint16_t
ip_sum(const unsigned char *p, size_t n)
{
    uint32_t  s = 0;
    size_t    i;

    for (i = 0; i + 1 < n; i += 2) {
        s += (uint32_t) p[i] << 8 | p[i + 1];
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return (uint16_t) ~s;
}

/* Broadcasts a DISCOVER (type 1) or REQUEST (3) from the client's MAC. */
static void
dhcp_send(client_t *c, int type)
{
    unsigned char       f[600], *ip = f + 14, *udp = ip + 20, *b = udp + 8;
    unsigned char      *o;
    struct sockaddr_ll  to;
    size_t              blen, n;

    memset(f, 0, sizeof(f));
    memset(f, 0xff, 6);
    memcpy(f + 6, c->mac, 6);
    f[12] = 0x08;
    b[0] = 1; b[1] = 1; b[2] = 6;
    b[4] = c->xid >> 24; b[5] = c->xid >> 16; b[6] = c->xid >> 8;
    b[7] = c->xid;
    b[10] = 0x80;                 /* broadcast replies: no ARP needed */
    memcpy(b + 28, c->mac, 6);
    b[236] = 99; b[237] = 130; b[238] = 83; b[239] = 99;
    o = b + 240;
    *o++ = 53; *o++ = 1; *o++ = (unsigned char) type;
    *o++ = 77; *o++ = 4; memcpy(o, "iPXE", 4); o += 4;
    *o++ = 93; *o++ = 2; *o++ = 0; *o++ = 0;
    *o++ = 60; *o++ = 32;
    memcpy(o, "PXEClient:Arch:00000:UNDI:002001", 32); o += 32;
    /* 175: iPXE's encapsulated options; 19 (http) = 1, 176 absent. */
    *o++ = 175; *o++ = 3; *o++ = 19; *o++ = 1; *o++ = 1;
    *o++ = 55; *o++ = 6; *o++ = 1; *o++ = 3; *o++ = 54; *o++ = 66;
    *o++ = 67; *o++ = 175;
    if (type == 3) {
        *o++ = 50; *o++ = 4; memcpy(o, &c->yiaddr, 4); o += 4;
        *o++ = 54; *o++ = 4; memcpy(o, &c->server_id, 4); o += 4;
    }
    *o++ = 255;
    blen = (size_t) (o - b) < 300 ? 300 : (size_t) (o - b);
    ip[0] = 0x45; ip[8] = 64; ip[9] = 17;
    n = 20 + 8 + blen;
    ip[2] = n >> 8; ip[3] = n & 0xff;
    memset(ip + 16, 0xff, 4);
    ip[10] = ip_sum(ip, 20) >> 8; ip[11] = ip_sum(ip, 20) & 0xff;
    /* the checksum field is zero while summing, so sum once */
    udp[1] = 68; udp[3] = 67;
    udp[4] = (8 + blen) >> 8; udp[5] = (8 + blen) & 0xff;
    memset(&to, 0, sizeof(to));
    to.sll_family = AF_PACKET;
    to.sll_ifindex = ifindex;
    to.sll_halen = 6;
    memset(to.sll_addr, 0xff, 6);
    (void) sendto(pfd, f, 14 + n, 0, (struct sockaddr *) &to, sizeof(to));
}

/* Option code from a DHCP reply's options, NULL if absent or malformed. */
static const unsigned char *
dhcp_opt(const unsigned char *o, size_t n, int code, size_t *len)
{
    size_t  i = 0;

    while (i < n && o[i] != 255) {
        if (o[i] == 0) {
            i++;
            continue;
        }
        if (i + 2 > n || i + 2 + o[i + 1] > n) {
            return NULL;
        }
        if (o[i] == code) {
            *len = o[i + 1];
            return o + i + 2;
        }
        i += 2 + o[i + 1];
    }
    return NULL;
}

static void http_start(client_t *c);

static void
dhcp_recv(void)
{
    unsigned char         f[2048];
    const unsigned char  *b, *v;
    client_t             *c;
    ssize_t               n;
    size_t                blen, vl;
    uint32_t              xid;
    unsigned              idx;
    int                   type;

    while ((n = recv(pfd, f, sizeof(f), MSG_DONTWAIT)) > 0) {
        /* the socket filter passed IPv4/UDP to port 68 only */
        if (n < 14 + 20 + 8 + 240) {
            continue;
        }
        b = f + 14 + (f[14] & 0xf) * 4 + 8;
        if (b + 240 > f + n || b[0] != 2) {
            continue;
        }
        blen = (size_t) (f + n - b);
        xid = (uint32_t) b[4] << 24 | (uint32_t) b[5] << 16
              | (uint32_t) b[6] << 8 | b[7];
        idx = xid & 0xffff;
        if ((xid >> 16) != 0x5709 || idx >= (unsigned) ncl) {
            continue;
        }
        c = &cl[idx];
        if (c->state == S_DONE || c->xid != xid
            || memcmp(b + 28, c->mac, 6) != 0)
        {
            continue;            /* another process's client */
        }
        v = dhcp_opt(b + 240, blen - 240, 53, &vl);
        if (v == NULL || vl != 1) {
            continue;
        }
        type = v[0];
        if (type == 2 && c->state == S_DISC) {
            v = dhcp_opt(b + 240, blen - 240, 54, &vl);
            if (v == NULL || vl != 4) {
                continue;
            }
            memcpy(&c->server_id, v, 4);
            memcpy(&c->yiaddr, b + 16, 4);
            c->state = S_REQ;
            c->tries = 0;
            c->t_next = now() + REQ_FIRST;
            dhcp_send(c, 3);
        } else if (type == 5 && c->state == S_REQ) {
            v = dhcp_opt(b + 240, blen - 240, 67, &vl);
            if (v == NULL) {
                v = b + 108;     /* the BOOTP file field */
                vl = strnlen((const char *) v, 128);
            }
            if (vl == 0 || vl >= URL_MAX) {
                fail(c, "no-boot-file");
                continue;
            }
            memcpy(c->url[0], v, vl);
            c->url[0][vl] = '\0';
            c->url[0][strcspn(c->url[0], "\r\n")] = '\0';
            c->t_dhcp = now();
            c->nfiles = 1;
            c->file = 0;
            c->state = S_HTTP;
            http_start(c);
        } else if (type == 6) {
            fail(c, "dhcp-nak");
        }
    }
}

/* "http|tftp://host[:port]/path" -> address, port, path; 0 if not such. */
static int
url_split(const char *u, struct sockaddr_in *sa, const char **path)
{
    char         host[64];
    const char  *h, *p, *colon;
    size_t       hl;
    long         port;

    if (strncmp(u, "http://", 7) == 0) {
        port = 80;
    } else if (strncmp(u, "tftp://", 7) == 0) {
        port = 69;
    } else {
        return 0;
    }
    h = u + 7;
    p = strchr(h, '/');
    if (p == NULL) {
        return 0;
    }
    colon = memchr(h, ':', (size_t) (p - h));
    hl = (size_t) ((colon ? colon : p) - h);
    if (hl == 0 || hl >= sizeof(host)) {
        return 0;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    if (colon) {
        port = strtol(colon + 1, NULL, 10);
        if (port <= 0 || port > 65535) {
            return 0;
        }
    }
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t) port);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        return 0;
    }
    *path = p;
    return 1;
}

static void tftp_start(client_t *c, struct sockaddr_in *sa, const char *path);
static void rt_restart(client_t *c, double t, int running);
static int http_body(client_t *c, const char *p, size_t n);
static void http_done(client_t *c);

static void
http_start(client_t *c)
{
    struct sockaddr_in   sa, me;
    struct epoll_event   ev;
    const char          *path;
    int                  n;

    if (!url_split(c->url[c->file], &sa, &path)) {
        fail(c, "bad-url");
        return;
    }
    n = snprintf(c->req, sizeof(c->req),
                 "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: iPXE/1.0.0+ "
                 "(storm)\r\nConnection: close\r\n\r\n", path,
                 inet_ntoa(sa.sin_addr));
    if (n < 0 || (size_t) n >= sizeof(c->req)) {
        fail(c, "bad-url");
        return;
    }
    c->req_len = (size_t) n;
    c->sent = c->head_len = c->body_len = 0;
    c->in_body = 0;
    c->clen = -1;
    c->got = 0;
    /* SHA-1 costs the pool ~0.7 s of CPU per GiB: with many clients
       and big archives only every verify_every-th client checks it
       (sizes are always checked) */
    c->hashing = strstr(path, "boot_archive") != NULL
                 && strstr(path, ".hash") == NULL
                 && (c - cl) % verify_every == 0;
    if (c->hashing && storm_sha1_init(&c->sha) != 0) {
        fail(c, "oom");
        return;
    }
    c->body_max = c->file == 0 ? MENU_MAX
                  : strstr(path, ".hash") != NULL ? HASH_MAX : 0;
    free(c->body);
    c->body = c->body_max ? malloc(c->body_max + 1) : NULL;
    if (c->body_max && c->body == NULL) {
        fail(c, "oom");
        return;
    }
    c->tftp = strncmp(c->url[c->file], "tftp://", 7) == 0;
    c->fd = socket(AF_INET, c->tftp ? SOCK_DGRAM | SOCK_NONBLOCK
                   : SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
        fail(c, "socket");
        return;
    }
    memset(&me, 0, sizeof(me));
    me.sin_family = AF_INET;
    me.sin_addr.s_addr = c->yiaddr;
    if (bind(c->fd, (struct sockaddr *) &me, sizeof(me)) != 0) {
        fail(c, "bind-lease");
        return;
    }
    if (c->tftp) {
        tftp_start(c, &sa, path);
        return;
    }
    if (connect(c->fd, (struct sockaddr *) &sa, sizeof(sa)) != 0
        && errno != EINPROGRESS)
    {
        fail(c, "connect");
        return;
    }
    ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = (uint32_t) (c - cl);
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
        fail(c, "epoll");
        return;
    }
    c->deadline = now() + HTTP_WATCHDOG;
}

/* Resolves ref against the menu's URL (RFC 3986, the cases iPXE meets). */
static int
url_resolve(const char *base, const char *ref, char *out)
{
    const char  *slash, *q;
    size_t       n;

    if (strncmp(ref, "http://", 7) == 0 || strncmp(ref, "tftp://", 7) == 0) {
        n = strlen(ref);
        if (n >= URL_MAX) {
            return 0;
        }
        memcpy(out, ref, n + 1);
        return 1;
    }
    q = strchr(base, '?');
    n = q ? (size_t) (q - base) : strlen(base);
    if (ref[0] == '/') {
        slash = strchr(base + 7, '/');
    } else {
        slash = NULL;
        for (q = base; q < base + n; q++) {
            if (*q == '/') {
                slash = q + 1;
            }
        }
    }
    if (slash == NULL) {
        return 0;
    }
    n = (size_t) (slash - base);
    if (n + strlen(ref) >= URL_MAX) {
        return 0;
    }
    memcpy(out, base, n);
    strcpy(out + n, ref);
    return 1;
}

/* The first non-option word after a kernel/module command, into w. */
static int
image_word(const char *s, char *w)
{
    size_t  n;

    for (;;) {
        s += strspn(s, " \t");
        n = strcspn(s, " \t");
        if (n == 0) {
            return 0;
        }
        if (s[0] != '-') {
            break;
        }
        s += n;
    }
    if (n >= URL_MAX) {
        return 0;
    }
    memmove(w, s, n);
    w[n] = '\0';
    return 1;
}

/*
 * The menu as iPXE runs it unattended: the `choose` line's --default
 * label, then from that label the kernel and module lines up to `boot`,
 * following plain `goto`s.  The menu is NUL-terminated and not changed.
 */
static const char *
menu_label(const char *m, const char *want, size_t wl)
{
    const char  *line, *end;

    for (line = m; *line; line = *end ? end + 1 : end) {
        end = line + strcspn(line, "\n");
        if (line[0] == ':' && (size_t) (end - line - 1) == wl
            && strncmp(line + 1, want, wl) == 0)
        {
            return *end ? end + 1 : end;
        }
    }
    return NULL;
}

static void
menu_parse(client_t *c)
{
    const char  *m = c->body, *line, *end, *p;
    char         word[URL_MAX];
    size_t       wl;
    int          jumps = 0;

    c->body[c->body_len] = '\0';
    p = strstr(m, "--default ");
    if (p == NULL) {
        fail(c, "menu-no-default");
        return;
    }
    p += 10;
    wl = strcspn(p, " \t\n");
    line = menu_label(m, p, wl);
    for (; line != NULL && *line; line = *end ? end + 1 : end) {
        end = line + strcspn(line, "\n");
        if (strncmp(line, "kernel ", 7) == 0
            || strncmp(line, "module ", 7) == 0)
        {
            wl = strcspn(line + 7, "\n");
            if (c->nfiles == MAX_FILES || wl >= URL_MAX) {
                fail(c, "menu-bad-image");
                return;
            }
            memcpy(word, line + 7, wl);
            word[wl] = '\0';
            if (!image_word(word, word)
                || !url_resolve(c->url[0], word, c->url[c->nfiles]))
            {
                fail(c, "menu-bad-image");
                return;
            }
            c->nfiles++;
        } else if (strncmp(line, "boot", 4) == 0) {
            return;
        } else if (strncmp(line, "goto ", 5) == 0) {
            if (jumps++ == 16) {
                break;
            }
            p = line + 5;
            end = menu_label(m, p, strcspn(p, " \t\n"));
            if (end == NULL) {
                break;
            }
            end--;              /* the loop steps past it */
        }
    }
    fail(c, line == NULL ? "menu-no-label" : "menu-no-boot");
}

static void
http_done(client_t *c)
{
    struct timespec   ts;
    char             *p;

    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    if (c->clen >= 0 && c->got != c->clen) {
        fail(c, "short-body");
        return;
    }
    if (c->file > 0) {
        c->bytes += c->got;     /* file_bytes: kernel + modules */
    }
    if (c->file == 0) {
        clock_gettime(CLOCK_REALTIME, &ts);
        c->menu_wall = ts.tv_sec + ts.tv_nsec / 1e9;
        menu_parse(c);
        if (c->state == S_DONE) {
            return;
        }
        if (c->nfiles < 3) {
            fail(c, "menu-few-images");
            return;
        }
    } else if (c->hashing) {
        storm_sha1_hex(&c->sha, c->archive_sha);
    } else if (c->body_max) {
        c->body[c->body_len] = '\0';
        p = c->body + strspn(c->body, " \t");
        if (strlen(p) < 40) {
            fail(c, "bad-hash-file");
            return;
        }
        memcpy(c->want_sha, p, 40);
        c->want_sha[40] = '\0';
    }
    if (++c->file < c->nfiles) {
        http_start(c);
        return;
    }
    if (c->want_sha[0] && c->archive_sha[0]
        && strcmp(c->want_sha, c->archive_sha) != 0)
    {
        fail(c, "sha1-mismatch");
        return;
    }
    left--;
    c->state = S_DONE;
    c->ok = 1;
    c->reason = "-";
    c->t_end = now();
}

/* Body bytes: counted, kept (menu, hash) or hashed (archive). */
static int
http_body(client_t *c, const char *p, size_t n)
{
    c->got += (long long) n;
    if (c->clen >= 0 && c->got > c->clen) {
        fail(c, "long-body");
        return -1;
    }
    if (c->hashing) {
        storm_sha1_update(&c->sha, p, n);
    } else if (c->body_max) {
        if (c->body_len + n > c->body_max) {
            fail(c, "body-too-big");
            return -1;
        }
        memcpy(c->body + c->body_len, p, n);
        c->body_len += n;
    }
    return 0;
}

static void
http_head(client_t *c, size_t hend)
{
    char  *h = c->head, *cl_h;

    h[hend] = '\0';
    if (strncmp(h, "HTTP/1.", 7) != 0 || strncmp(h + 8, " 200", 4) != 0) {
        fail(c, "http-status");
        return;
    }
    if (strcasestr(h, "\r\nTransfer-Encoding:") != NULL) {
        fail(c, "chunked");     /* nginx sends lengths for all of these */
        return;
    }
    cl_h = strcasestr(h, "\r\nContent-Length:");
    if (cl_h != NULL) {
        c->clen = strtoll(cl_h + 17, NULL, 10);
    }
}

static void
http_io(client_t *c, uint32_t events)
{
    char     buf[65536];
    ssize_t  n;
    size_t   take;
    char    *e;

    if (c->sent < c->req_len && (events & EPOLLOUT)) {
        n = send(c->fd, c->req + c->sent, c->req_len - c->sent,
                 MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN) {
            fail(c, "send");
            return;
        }
        if (n > 0) {
            c->sent += (size_t) n;
        }
        if (c->sent == c->req_len) {
            struct epoll_event  ev;

            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.u32 = (uint32_t) (c - cl);
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        }
    }
    for (;;) {
        if (c->in_body && !c->hashing && c->body_max == 0) {
            /* bytes only counted: TCP's MSG_TRUNC drops them in the
               kernel without copying, so the pool costs little */
            n = recv(c->fd, NULL, 1 << 22, MSG_TRUNC);
        } else {
            n = recv(c->fd, buf, sizeof(buf), 0);
        }
        if (n < 0) {
            if (errno != EAGAIN) {
                fail(c, "recv");
            }
            return;
        }
        c->deadline = now() + HTTP_WATCHDOG;
        if (n == 0) {
            if (c->head_len < 4 || c->clen < -1) {
                fail(c, "closed");
                return;
            }
            http_done(c);
            return;
        }
        if (!c->in_body) {
            take = HEAD_MAX - 1 - c->head_len < (size_t) n
                   ? HEAD_MAX - 1 - c->head_len : (size_t) n;
            memcpy(c->head + c->head_len, buf, take);
            c->head_len += take;
            c->head[c->head_len] = '\0';
            e = strstr(c->head, "\r\n\r\n");
            if (e == NULL) {
                if (c->head_len == HEAD_MAX - 1) {
                    fail(c, "header-too-big");
                    return;
                }
                continue;
            }
            take -= c->head_len - (size_t) (e + 4 - c->head);
            c->in_body = 1;
            http_head(c, (size_t) (e - c->head));
            if (c->state == S_DONE
                || http_body(c, buf + take, (size_t) n - take) != 0)
            {
                return;
            }
        } else if (http_body(c, buf, (size_t) n) != 0) {
            return;
        }
        if (c->clen >= 0 && c->got == c->clen) {
            http_done(c);
            return;
        }
    }
}

/* The RRQ: octet, blksize and tsize asked, as iPXE asks them. */
static void
tftp_start(client_t *c, struct sockaddr_in *sa, const char *path)
{
    struct epoll_event  ev;
    char               *q = c->req;
    size_t              n = strlen(path + 1);

    if (n + 64 > sizeof(c->req)) {
        fail(c, "bad-url");
        return;
    }
    *q++ = 0; *q++ = 1;
    memcpy(q, path + 1, n + 1);
    q += n + 1;
    memcpy(q, "octet\0blksize\0" "1432\0tsize\0" "0", 27);
    q += 27;
    c->req_len = (size_t) (q - c->req);
    c->block = 0;
    c->blksize = 512;
    c->tftp_conn = 0;
    c->rt_timeout = 0;
    c->rt_count = 0;
    rt_restart(c, now(), 0);
    c->tsa = *sa;
    ev.events = EPOLLIN;
    ev.data.u32 = (uint32_t) (c - cl);
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
        fail(c, "epoll");
        return;
    }
    c->deadline = now() + HTTP_WATCHDOG * 20;  /* resends decide */
    if (sendto(c->fd, c->req, c->req_len, 0, (struct sockaddr *) sa,
               sizeof(*sa)) < 0)
    {
        fail(c, "send");
    }
}

/* tftp_send_packet's stop_timer + start_timer: the time since the last
   send is a round trip unless a resend came in between (count). */
static void
rt_restart(client_t *c, double t, int running)
{
    if (running) {
        if (c->rt_count > 0) {
            c->rt_count--;
        } else {
            c->rt_timeout += (t - c->rt_start) / 2 - c->rt_timeout / 8;
        }
    }
    if (c->rt_timeout < RT_MIN) {
        c->rt_timeout = RT_MIN;
    }
    c->rt_start = t;
    c->t_retry = t + c->rt_timeout;
}

static void
tftp_ack(client_t *c, unsigned block)
{
    c->req[0] = 0; c->req[1] = 4;
    c->req[2] = (char) (block >> 8); c->req[3] = (char) block;
    c->req_len = 4;
    rt_restart(c, now(), 1);
    (void) send(c->fd, c->req, 4, 0);
}

/* The OACK's options: blksize (at most what was asked) and tsize. */
static int
tftp_oack(client_t *c, const char *p, size_t n)
{
    const char  *end = p + n, *name, *val;
    long         v;

    while (p < end) {
        name = p;
        p = memchr(p, '\0', (size_t) (end - p));
        if (p == NULL || ++p >= end) {
            return -1;
        }
        val = p;
        p = memchr(p, '\0', (size_t) (end - p));
        if (p == NULL) {
            return -1;
        }
        p++;
        v = strtol(val, NULL, 10);
        if (strcasecmp(name, "blksize") == 0) {
            if (v < 8 || v > TFTP_BLKSIZE) {
                return -1;
            }
            c->blksize = (unsigned) v;
        } else if (strcasecmp(name, "tsize") == 0 && v >= 0) {
            c->clen = v;
        }
    }
    return 0;
}

static void
tftp_io(client_t *c)
{
    unsigned char       pkt[4 + TFTP_BLKSIZE + 64];
    struct sockaddr_in  from;
    socklen_t           fl;
    ssize_t             n;
    unsigned            op, blk;

    /* One datagram per readiness event: lock-step TFTP has one in
       flight, and reading until EAGAIN costs a syscall per block; epoll
       is level-triggered, so anything still queued comes back. */
    fl = sizeof(from);
    n = recvfrom(c->fd, pkt, sizeof(pkt), 0, (struct sockaddr *) &from,
                 &fl);
    if (n < 0) {
        if (errno != EAGAIN) {
            fail(c, "tftp-recv");
        }
        return;
    }
    if (n < 4) {
        return;
    }
    op = (unsigned) pkt[0] << 8 | pkt[1];
    blk = (unsigned) pkt[2] << 8 | pkt[3];
    if (!c->tftp_conn && (op == 3 || op == 6)) {
        /* the server's transfer port, fixed from now on */
        if (connect(c->fd, (struct sockaddr *) &from, fl) != 0) {
            fail(c, "connect");
            return;
        }
        c->tftp_conn = 1;
    }
    if (op == 5) {
        fail(c, "tftp-error");
        return;
    }
    if (op == 6 && c->block == 0) {
        if (tftp_oack(c, (const char *) pkt + 2, (size_t) n - 2) != 0) {
            fail(c, "tftp-oack");
            return;
        }
        tftp_ack(c, 0);
    } else if (op == 3 && blk == ((c->block + 1) & 0xffff)) {
        if ((size_t) n - 4 > c->blksize) {
            fail(c, "tftp-block");
            return;
        }
        if (http_body(c, (const char *) pkt + 4, (size_t) n - 4) != 0) {
            return;
        }
        c->block++;
        tftp_ack(c, blk);
        if ((size_t) n - 4 < c->blksize) {
            http_done(c);
            return;
        }
    } else if (op == 3 && blk == (c->block & 0xffff)) {
        tftp_ack(c, blk);       /* our ACK was lost: say it again */
    }
}

static void
timers(double t)
{
    client_t  *c;
    double     wait;
    int        i;

    for (i = 0; i < ncl; i++) {
        c = &cl[i];
        if (c->state == S_WAIT && t >= c->start) {
            c->state = S_DISC;
            c->t_first = t;
            c->t_next = t + DISC_FIRST;
            dhcp_send(c, 1);
        } else if ((c->state == S_DISC || c->state == S_REQ)
                   && t >= c->t_next)
        {
            wait = (c->state == S_DISC ? DISC_FIRST : REQ_FIRST)
                   * (double) (1 << ++c->tries);
            if (wait > 10.0) {
                fail(c, c->state == S_DISC ? "no-offer" : "no-ack");
                continue;
            }
            c->retransmits++;
            c->t_next = t + wait;
            dhcp_send(c, c->state == S_DISC ? 1 : 3);
        } else if (c->state == S_HTTP && c->tftp && t >= c->t_retry) {
            /* timer_expired: back off; past the maximum, give up */
            c->rt_count++;
            c->rt_timeout *= 2;
            if (c->rt_timeout > RT_MAX) {
                fail(c, "tftp-timeout");
                continue;
            }
            rt_restart(c, t, 0);
            (void) sendto(c->fd, c->req, c->req_len, 0,
                          c->tftp_conn ? NULL : (struct sockaddr *) &c->tsa,
                          c->tftp_conn ? 0 : sizeof(c->tsa));
        } else if (c->state == S_HTTP && t >= c->deadline) {
            fail(c, "http-timeout");
        }
    }
}

static int
open_packet(const char *ifname)
{
    /* IPv4, UDP, not a fragment, destination port 68 */
    static struct sock_filter  code[] = {
        { 0x28, 0, 0, 12 }, { 0x15, 0, 8, 0x0800 },
        { 0x30, 0, 0, 23 }, { 0x15, 0, 6, 17 },
        { 0x28, 0, 0, 20 }, { 0x45, 4, 0, 0x1fff },
        { 0xb1, 0, 0, 14 }, { 0x48, 0, 0, 16 },
        { 0x15, 0, 1, 68 }, { 0x06, 0, 0, 0xffff },
        { 0x06, 0, 0, 0 },
    };
    struct sock_fprog          prog = { 11, code };
    struct sockaddr_ll         sa;
    int                        fd, rcvbuf;

    ifindex = (int) if_nametoindex(ifname);
    if (ifindex == 0) {
        perror(ifname);
        return -1;
    }
    fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
    if (fd < 0) {
        perror("packet socket");
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog))
        != 0)
    {
        perror("SO_ATTACH_FILTER");
        return -1;
    }
    /* Replies to a thousand clients arrive in bursts while this process
       is busy with HTTP: a default-sized buffer drops some, and a drop
       reads as a DHCP retransmission the servers did not cause.  As
       root, FORCE goes past rmem_max. */
    rcvbuf = 8 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf))
        != 0)
    {
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
                          sizeof(rcvbuf));
    }
    memset(&sa, 0, sizeof(sa));
    sa.sll_family = AF_PACKET;
    sa.sll_protocol = htons(ETH_P_IP);
    sa.sll_ifindex = ifindex;
    if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
        perror("bind packet socket");
        return -1;
    }
    return fd;
}

/* Runs the clients i with i % procs == me; prints their lines. */
static int
run(const char *ifname, int procs, int me)
{
    struct epoll_event  evs[256], ev;
    client_t           *c;
    double              t, last;
    int                 i, n;

    pfd = open_packet(ifname);
    ep = epoll_create1(0);
    if (pfd < 0 || ep < 0) {
        return 1;
    }
    ev.events = EPOLLIN;
    ev.data.u32 = UINT32_MAX;
    epoll_ctl(ep, EPOLL_CTL_ADD, pfd, &ev);
    for (i = 0; i < ncl; i++) {
        if (i % procs != me) {
            cl[i].state = S_DONE;
            cl[i].reason = NULL;
        }
    }
    for (i = 0; i < ncl; i++) {
        left += cl[i].state != S_DONE;
    }
    last = 0;
    while (left > 0) {
        /* the timer walk is O(N): at most once a millisecond */
        t = now();
        if (t - last >= 0.001) {
            timers(t);
            last = t;
        }
        n = epoll_wait(ep, evs, 256, 5);
        for (i = 0; i < n; i++) {
            if (evs[i].data.u32 == UINT32_MAX) {
                dhcp_recv();
                continue;
            }
            c = &cl[evs[i].data.u32];
            if (c->state == S_HTTP && c->fd >= 0 && c->tftp) {
                tftp_io(c);
            } else if (c->state == S_HTTP && c->fd >= 0) {
                http_io(c, evs[i].events);
            }
        }
    }
    for (i = 0; i < ncl; i++) {
        c = &cl[i];
        if (c->reason == NULL) {
            continue;
        }
        /* then the leased address and the server that answered it (HA:
           after a kill the survivor answers, from either pool) */
        printf("%02x:%02x:%02x:%02x:%02x:%02x %s %.6f %.6f %d %lld %s %s "
               "%s ",
               c->mac[0], c->mac[1], c->mac[2], c->mac[3], c->mac[4],
               c->mac[5], c->ok ? "ok" : "fail",
               c->t_dhcp > 0 ? c->t_dhcp - c->t_first : -1.0,
               c->ok ? c->t_end - c->t_first : -1.0, c->retransmits,
               c->bytes, c->reason, c->nfiles > 1 ? c->url[1] : "-",
               c->t_dhcp > 0 ? inet_ntoa((struct in_addr) { c->yiaddr })
                             : "-");
        printf("%s %.6f\n", c->t_dhcp > 0
                             ? inet_ntoa((struct in_addr) { c->server_id })
                             : "-", c->menu_wall);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    unsigned char  base[6];
    double         t0;
    long           spread;
    int            i, procs, status, rc = 0;
    pid_t          pid;

    if (argc < 5 || argc > 7
        || sscanf(argv[3], "%2hhx%2hhx%2hhx%2hhx%2hhx%2hhx", &base[0],
                  &base[1], &base[2], &base[3], &base[4], &base[5]) != 6)
    {
        fprintf(stderr, "usage: storm-client IFNAME N MACBASE SPREAD_MS "
                "[PROCS [VERIFY_EVERY]]\n");
        return 2;
    }
    ncl = atoi(argv[2]);
    spread = atol(argv[4]);
    procs = argc >= 6 ? atoi(argv[5]) : 1;
    verify_every = argc == 7 ? atoi(argv[6]) : 1;
    if (ncl <= 0 || ncl > MAX_CLIENTS || spread < 0 || procs < 1
        || procs > 64 || verify_every < 1 || base[5] != 0 || base[4] != 0)
    {
        fprintf(stderr, "storm-client: N 1-%d, MACBASE ending :00:00, "
                "PROCS 1-64\n", MAX_CLIENTS);
        return 2;
    }
    cl = calloc((size_t) ncl, sizeof(*cl));
    if (cl == NULL) {
        return 1;
    }
    srandom((unsigned) getpid());
    t0 = now() + 0.05;
    for (i = 0; i < ncl; i++) {
        memcpy(cl[i].mac, base, 6);
        cl[i].mac[4] = (unsigned char) (i >> 8);
        cl[i].mac[5] = (unsigned char) i;
        cl[i].xid = 0x57090000u | (uint32_t) i;
        cl[i].fd = -1;
        cl[i].start = t0 + (spread ? (double) (random() % spread) / 1e3 : 0);
    }
    fflush(stdout);
    for (i = 0; i < procs; i++) {
        pid = fork();
        if (pid == 0) {
            rc = run(argv[1], procs, i);
            fflush(stdout);
            exit(rc);           /* flushed before the fork */
        }
        if (pid < 0) {
            perror("fork");
            return 1;
        }
    }
    while (wait(&status) > 0) {
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            rc = 1;
        }
    }
    return rc;
}
