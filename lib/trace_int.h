/*
 * trace_int.h: what the trace's line parsers (trace_kea.c, trace_nginx.c,
 * trace_tftp.c) hand to the collector (trace.c) and the verdict and
 * writers (trace_verdict.c, trace_out.c).  Private to lib/.
 */

#ifndef PXEKIT_TRACE_INT_H
#define PXEKIT_TRACE_INT_H

#include <stddef.h>

#include "pxekit.h"

/* What one log line said. */
typedef enum {
    TR_LEASE = 0,       /* Kea: address ADDR advertised/allocated to MAC */
    TR_DECISION,        /* the hook: rule N (kind) gave file F to MAC */
    TR_NOMATCH,         /* the hook: a netbooting MAC matched no rule */
    TR_RRQ,             /* in.tftpd: RRQ from ADDR filename F */
    TR_NAK,             /* in.tftpd: sending NAK (code, msg) to ADDR */
    TR_TFTP_ERROR,      /* in.tftpd: a transfer aborted (pid only) */
    TR_HTTP             /* nginx: one request */
} tr_kind_e;

#define TR_MAC_LEN   17          /* "aa:bb:cc:dd:ee:ff" */
#define TR_IP_LEN    45          /* INET6_ADDRSTRLEN - 1 */
#define TR_TEXT_MAX  2048        /* a file name, path or message */
#define TR_LINE_MAX  8192        /* longer lines are garbled */

typedef struct {
    double         time;         /* seconds since the epoch, UTC */
    size_t         seq;          /* input order: ties keep it */
    tr_kind_e      kind;
    char           mac[TR_MAC_LEN + 1];   /* Kea lines */
    char           ip[TR_IP_LEN + 1];     /* all but TR_TFTP_ERROR */
    long           pid;          /* in.tftpd lines */
    int            rule;         /* TR_DECISION */
    char           cls[8];       /* TR_DECISION, TR_NOMATCH: pxe, http, ipxe */
    unsigned long  tid;          /* Kea: the exchange's transaction id */
    int            status;       /* TR_HTTP: HTTP status; TR_NAK: code */
    long long      bytes;        /* TR_HTTP: body bytes sent */
    long long      length;       /* TR_HTTP: Content-Length, -1 unknown */
    double         rtime;        /* TR_HTTP: request time, -1 unknown */
    char          *text;         /* file, request or message (owned) */
    char          *text2;        /* remapped name, method (owned) or NULL */
} tr_event_t;

/* Parser results. */
#define TR_PARSED     1          /* *ev filled */
#define TR_IGNORED    0          /* this server's line, nothing to trace */
#define TR_NOTMINE   -1          /* not this server's format */

typedef struct {
    int     year;                /* for year-less syslog stamps */
    double  now;                 /* a stamp later than this is last year's */
} tr_clock_t;

int pxe_tr_parse_kea(const char *s, size_t n, tr_event_t *ev);
int pxe_tr_parse_nginx(const char *s, size_t n, tr_event_t *ev);
int pxe_tr_parse_tftp(const char *s, size_t n, const tr_clock_t *clk,
    tr_event_t *ev);

/* trace_time.c: calendar arithmetic that needs no time zone database for
 * UTC, and mktime() for the local stamps of Kea and syslog. */
double pxe_tr_utc(int y, int mo, int d, int h, int mi, double s);
double pxe_tr_local(int y, int mo, int d, int h, int mi, double s);
/* Parses "YYYY-MM-DD?hh:mm:ss[.frac]" at s (19+ bytes); fills the fields,
 * returns bytes used or 0. */
size_t pxe_tr_scan_datetime(const char *s, size_t n, int f[6], double *sec);
/* "+hh:mm", "+hhmm" or "Z": offset seconds east; bytes used or 0. */
size_t pxe_tr_scan_offset(const char *s, size_t n, int colon, long *off);
/* "Jan".."Dec" -> 1..12, else 0. */
int pxe_tr_month(const char *s, size_t n);
/* Unsigned decimal of at most maxd digits; bytes used or 0. */
size_t pxe_tr_scan_uint(const char *s, size_t n, size_t maxd, long long *v);
/* ISO 8601 UTC with milliseconds into out (>= 25 bytes). */
void pxe_tr_format_time(double t, char *out, size_t cap);

/* trace_util.c */
/* Copies an address if inet_pton() accepts it; bytes used or 0. */
size_t pxe_tr_scan_ip(const char *s, size_t n, char *out);
/* "aa:bb:cc:dd:ee:ff" (any case) -> lower case in out; 1 or 0. */
int pxe_tr_scan_mac(const char *s, size_t n, char *out);
char *pxe_tr_strndup(const char *s, size_t n);

/* What a fetched file is, from its name (before any remap). */
typedef enum {
    TR_FILE_OTHER = 0,
    TR_FILE_PROGRAM,             /* undionly.kpxe, ipxe.efi, pxelinux.0 ... */
    TR_FILE_SCRIPT,              /* menu.ipxe, *.ipxe, a PXELINUX config */
    TR_FILE_KERNEL,              /* .../kernel/amd64/unix */
    TR_FILE_ARCHIVE              /* .../boot_archive */
} tr_file_e;

tr_file_e pxe_tr_file_kind(const char *name);
/* The build name (YYYYMMDDThhmmssZ) a path names, copied into out[17],
 * or 0. */
int pxe_tr_path_build(const char *path, char *out);

/* ---- machines (trace.c), verdicts (trace_verdict.c), text ---------- */

typedef enum {
    TR_DHCP = 0,
    TR_TFTP,
    TR_HTTPS                     /* the http server (TR_HTTP is a line) */
} tr_server_e;

typedef enum {
    TR_OUT_OK = 0,               /* answered, sent (whole when known) */
    TR_OUT_NOTFOUND,             /* 404/410, or TFTP NAK 1 */
    TR_OUT_REFUSED,              /* any other error status or NAK */
    TR_OUT_STALLED,              /* fewer bytes than announced, aborted */
    TR_OUT_NORULE                /* DHCP: netbooting, no rule matched */
} tr_outcome_e;

typedef struct {
    const tr_event_t *ev;
    const tr_event_t *end;       /* TFTP: the NAK or abort that ended it */
    tr_server_e       server;
    tr_outcome_e      outcome;
    size_t            count;     /* consecutive ranged reads folded in */
    long long         bytes;     /* their bytes, summed */
    int               ip;        /* DHCP: index in ips[] leased, or -1 */
} tr_step_t;

#define TR_IPS_MAX  8

typedef struct {
    char        key[TR_IP_LEN + 4];      /* the MAC, or "ip ADDR" */
    char        mac[TR_MAC_LEN + 1];     /* "" when no lease names it */
    char        ips[TR_IPS_MAX][TR_IP_LEN + 1];
    size_t      nips;
    tr_step_t  *steps;
    size_t      nsteps, cap;
} tr_machine_t;

typedef struct {
    const char *stopped;         /* booted, no-boot-file, ... */
    size_t      last;            /* index of the last step (nsteps: none) */
    char        reason[640];
} tr_verdict_t;

void pxe_tr_verdict(const tr_machine_t *m, tr_verdict_t *v);
/* One machine as text or one JSON line, appended to out. */
int pxe_tr_render(const tr_machine_t *m, const tr_verdict_t *v, int json,
    pxe_buf_t *out);
/* "GET /path", "RRQ file", "rule 0 (ipxe): file" for a step. */
int pxe_tr_step_what(const tr_step_t *st, pxe_buf_t *out);
/* "200", "not found (NAK 1: File not found)", ... */
int pxe_tr_step_status(const tr_step_t *st, pxe_buf_t *out);

#endif /* PXEKIT_TRACE_INT_H */
