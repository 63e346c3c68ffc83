/*
 * pxekit-trace: one boot across Kea's, in.tftpd's and nginx's logs, per
 * machine, with how far it got and why it stopped.  Arguments and I/O
 * only: the parsers, the join and the verdicts are libpxekit's
 * (lib/trace*.c).
 *
 * Exit status: 0 ok, 1 a file could not be read, 2 usage.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pxekit.h"

#define EXIT_IO     1
#define EXIT_USAGE  2
#define GARBLED_SHOWN  20        /* --verbose names at most these lines */

static const char usage_text[] =
"usage: pxekit-trace [--json] [--mac MAC] [--since TIME] [--follow]\n"
"                    [--verbose] LOG... (- for standard input)\n"
"\n"
"Reads Kea's log (the hook's PXEKIT_DECISION lines at debug level 40 and\n"
"Kea's lease lines), nginx access logs (log_format pxekit, or combined)\n"
"and in.tftpd's syslog lines (-v or more), in any order and mix, and\n"
"prints per machine (MAC, addresses) its boot in time order and why it\n"
"stopped: booted, no-boot-file, tftp-not-found, http-not-found,\n"
"disabled-build, never-came-back, ipxe-loop, no-kernel-fetch, stalled,\n"
"unknown.\n"
"\n"
"  --json         one JSON object per machine and line\n"
"  --mac MAC      only this machine\n"
"  --since TIME   only steps from TIME on: YYYY-MM-DD[Thh:mm[:ss]] (local),\n"
"                 @EPOCH, or an age such as 90s, 10m, 2h, 1d\n"
"  --follow       keep reading the files (as tail -F does) and print a\n"
"                 machine again each time its trace changes\n"
"  --verbose      on standard error: the garbled lines skipped, and counts\n"
"  --help         this text\n"
"\n"
"Exit status: 0 ok, 1 a file could not be read, 2 usage.\n";

static const struct option long_opts[] = {
    { "json", no_argument, NULL, 'j' },
    { "mac", required_argument, NULL, 'm' },
    { "since", required_argument, NULL, 's' },
    { "follow", no_argument, NULL, 'f' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

/* One input: a file (reopened when rotated under --follow) or stdin. */
typedef struct {
    const char *path;
    int         fd;
    ino_t       ino;
    char       *line;            /* a line in progress */
    size_t      len;
    int         overflow;        /* the line passed PXE_TRACE_LINE_MAX */
    size_t      lineno;
    int         eof;
} source_t;

static volatile sig_atomic_t stop;
static int verbose;
static size_t garbled_shown;

static void
on_signal(int sig)
{
    (void) sig;
    stop = 1;
}

static int
emit(void *ctx, const char *text, size_t len)
{
    (void) ctx;
    if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        return PXE_EIO;
    }
    return PXE_OK;
}

static void
line_done(pxe_trace_t *t, source_t *s)
{
    int rc;

    s->lineno++;
    rc = pxe_trace_line(t, s->line, s->overflow ? PXE_TRACE_LINE_MAX + 1
                                                : s->len);
    if (rc == PXE_ESYNTAX && verbose && garbled_shown++ < GARBLED_SHOWN) {
        fprintf(stderr, "pxekit-trace: %s:%zu: not a line of Kea, nginx or "
                "in.tftpd, skipped\n", s->path, s->lineno);
    } else if (rc != PXE_OK && rc != PXE_ESYNTAX && garbled_shown++ == 0) {
        fprintf(stderr, "pxekit-trace: %s:%zu: %s\n", s->path, s->lineno,
                pxe_strerror(rc));
    }
    s->len = 0;
    s->overflow = 0;
}

/* Reads what is there; a last line without its newline waits for more
 * under --follow, and is traced at the end otherwise. */
static int
drain(pxe_trace_t *t, source_t *s, int follow)
{
    char    chunk[65536];
    ssize_t n, i;

    for (;;) {
        n = read(s->fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return 0;
        }
        if (n < 0) {
            fprintf(stderr, "pxekit-trace: %s: %s\n", s->path,
                    strerror(errno));
            return -1;
        }
        if (n == 0) {
            break;
        }
        for (i = 0; i < n; i++) {
            if (chunk[i] == '\n') {
                line_done(t, s);
            } else if (s->len < PXE_TRACE_LINE_MAX) {
                s->line[s->len++] = chunk[i];
            } else {
                s->overflow = 1;
            }
        }
        if (follow && s->fd == STDIN_FILENO) {
            return 0;            /* poll() says when there is more */
        }
    }
    if (!follow || s->fd == STDIN_FILENO) {
        if (s->len > 0 || s->overflow) {
            line_done(t, s);
        }
        s->eof = 1;
    }
    return 0;
}

static int
source_open(source_t *s)
{
    struct stat st;

    if (strcmp(s->path, "-") == 0) {
        s->fd = STDIN_FILENO;
        return 0;
    }
    s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0 || fstat(s->fd, &st) != 0) {
        fprintf(stderr, "pxekit-trace: %s: %s\n", s->path, strerror(errno));
        return -1;
    }
    s->ino = st.st_ino;
    return 0;
}

/* tail -F: the path now names another file (rotated): finish the old one,
 * then read the new one from its start. */
static void
source_rotated(pxe_trace_t *t, source_t *s)
{
    struct stat st;
    int         fd;

    if (s->fd == STDIN_FILENO || stat(s->path, &st) != 0
        || st.st_ino == s->ino)
    {
        return;
    }
    fd = open(s->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    (void) drain(t, s, 1);
    if (s->len > 0) {
        line_done(t, s);
    }
    close(s->fd);
    s->fd = fd;
    s->ino = st.st_ino;
}

static int
parse_since(const char *s, double *out)
{
    struct tm tm;
    char     *end;
    double    v;
    int       n = 0;

    if (s[0] == '@') {
        v = strtod(s + 1, &end);
        if (end == s + 1 || *end != '\0') {
            return -1;
        }
        *out = v;
        return 0;
    }
    v = strtod(s, &end);
    if (end != s && end[0] != '\0' && end[1] == '\0' && strchr("smhd", *end)
        && v >= 0 && s[0] != '-')
    {
        v *= *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : 86400;
        *out = (double) time(NULL) - v;
        return 0;
    }
    memset(&tm, 0, sizeof(tm));
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n)
        != 3)
    {
        return -1;
    }
    if (s[n] == 'T' || s[n] == ' ') {
        int k = 0;

        if (sscanf(s + n + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &k) != 2) {
            return -1;
        }
        n += 1 + k;
        if (s[n] == ':') {
            k = 0;
            if (sscanf(s + n + 1, "%2d%n", &tm.tm_sec, &k) != 1) {
                return -1;
            }
            n += 1 + k;
        }
    }
    if (s[n] != '\0' || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1
        || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59
        || tm.tm_sec > 60)
    {
        return -1;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    *out = (double) mktime(&tm);
    return 0;
}

static int
report(pxe_trace_t *t, const pxe_trace_opts_t *o)
{
    int rc = pxe_trace_report(t, o, emit, NULL);

    if (rc != PXE_OK) {
        fprintf(stderr, "pxekit-trace: %s\n", pxe_strerror(rc));
        return -1;
    }
    return 0;
}

static int
follow_loop(pxe_trace_t *t, source_t *src, int nsrc, pxe_trace_opts_t *o)
{
    struct pollfd pfd;
    int           i, stdin_live = 0;

    for (i = 0; i < nsrc; i++) {
        stdin_live |= src[i].fd == STDIN_FILENO && !src[i].eof;
    }
    while (!stop) {
        if (stdin_live) {
            pfd.fd = STDIN_FILENO;
            pfd.events = POLLIN;
            (void) poll(&pfd, 1, 500);
        } else {
            usleep(500000);
        }
        for (i = 0; i < nsrc; i++) {
            if (src[i].eof) {
                continue;
            }
            if (src[i].fd == STDIN_FILENO
                && !(pfd.revents & (POLLIN | POLLHUP)))
            {
                continue;
            }
            source_rotated(t, &src[i]);
            if (drain(t, &src[i], 1) != 0) {
                return -1;
            }
            if (src[i].fd == STDIN_FILENO && src[i].eof) {
                stdin_live = 0;
            }
        }
        if (report(t, o) != 0) {
            return -1;
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    pxe_trace_opts_t o;
    pxe_trace_t     *t;
    source_t        *src;
    size_t           lines, events, garbled;
    int              c, i, nsrc, follow = 0, status = 0, stdin_seen = 0;

    memset(&o, 0, sizeof(o));
    while ((c = getopt_long(argc, argv, "jm:s:fvh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            o.json = 1;
            break;
        case 'm':
            o.mac = optarg;
            break;
        case 's':
            if (parse_since(optarg, &o.since) != 0) {
                fprintf(stderr, "pxekit-trace: --since %s: expected "
                        "YYYY-MM-DD[Thh:mm[:ss]], @EPOCH or an age (10m)\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case 'f':
            follow = 1;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    nsrc = argc - optind;
    if (nsrc < 1) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (o.mac != NULL && pxe_trace_check_mac(o.mac) != PXE_OK) {
        fprintf(stderr, "pxekit-trace: --mac %s: expected aa:bb:cc:dd:ee:ff\n",
                o.mac);
        return EXIT_USAGE;
    }
    src = calloc((size_t) nsrc, sizeof(*src));
    t = pxe_trace_new(0, 0);
    if (src == NULL || t == NULL) {
        fprintf(stderr, "pxekit-trace: out of memory\n");
        return EXIT_IO;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    for (i = 0; i < nsrc; i++) {
        src[i].path = argv[optind + i];
        src[i].fd = -1;
        src[i].line = malloc(PXE_TRACE_LINE_MAX + 1);
        if (src[i].line == NULL) {
            fprintf(stderr, "pxekit-trace: out of memory\n");
            return EXIT_IO;
        }
        if (strcmp(src[i].path, "-") == 0 && stdin_seen++) {
            src[i].eof = 1;      /* stdin read once */
            continue;
        }
        if (source_open(&src[i]) != 0) {
            src[i].eof = 1;
            status = EXIT_IO;
            continue;
        }
        if (follow && src[i].fd == STDIN_FILENO) {
            (void) fcntl(STDIN_FILENO, F_SETFL,
                         fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
        }
        if (drain(t, &src[i], follow) != 0) {
            status = EXIT_IO;
        }
    }
    o.changed = follow;
    if (report(t, &o) != 0) {
        status = EXIT_IO;
    } else if (follow && follow_loop(t, src, nsrc, &o) != 0) {
        status = EXIT_IO;
    }
    pxe_trace_counts(t, &lines, &events, &garbled);
    if (verbose) {
        fprintf(stderr, "pxekit-trace: %zu lines, %zu traced, %zu garbled "
                "skipped\n", lines, events, garbled);
    }
    for (i = 0; i < nsrc; i++) {
        if (src[i].fd > STDIN_FILENO) {
            close(src[i].fd);
        }
        free(src[i].line);
    }
    free(src);
    pxe_trace_free(t);
    return status;
}
