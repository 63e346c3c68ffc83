/*
 * trace_verdict.c: how far one machine's boot got and why it stopped.
 * A machine's logs may hold several boots: a new one starts at a DHCP
 * step after a boot that completed, and the verdict is about the last.
 * Within it the order of the questions is the answer's precedence: a
 * boot whose kernel and boot archive were served whole booted, whatever
 * failed before; otherwise the last fetch's failure names the cause
 * (404, NAK, cut short), then the loops and silences that leave no error
 * behind (iPXE given iPXE again, a boot program taken and never followed,
 * a script served and no kernel asked for, no rule for a netbooting
 * client).
 */

#include <stdio.h>
#include <string.h>

#include "trace_int.h"

static const char *
name_of(const tr_step_t *st)
{
    return st->ev->text != NULL ? st->ev->text : "";
}

static tr_file_e
kind_of(const tr_step_t *st)
{
    const char *name = name_of(st);

    return pxe_tr_file_kind(name);
}

static int
is_fetch(const tr_step_t *st)
{
    return st->server != TR_DHCP;
}

/* in.tftpd logs a request and never its end: a transfer whose client
 * went away ends silently once its retransmissions run out.  iPXE and
 * PXELINUX ask for their files one after the other, so the next request
 * of the same boot (no DHCP between) is what says that one finished. */
static int
followed(const tr_machine_t *m, size_t i)
{
    return i + 1 < m->nsteps && m->steps[i + 1].server != TR_DHCP;
}

/* A kernel or boot archive served whole: a GET answered 200 with every
 * byte (when the log says how many), or a TFTP request no NAK or abort
 * ended and the client's next request followed. */
static int
whole(const tr_machine_t *m, size_t i)
{
    const tr_step_t *st = &m->steps[i];

    if (st->outcome != TR_OUT_OK) {
        return 0;
    }
    if (st->server == TR_TFTP) {
        return st->ev->kind == TR_RRQ && followed(m, i);
    }
    return st->ev->status == 200 && strcmp(st->ev->text2, "GET") == 0;
}

static int
kernel_or_archive(const tr_step_t *st)
{
    return kind_of(st) == TR_FILE_KERNEL || kind_of(st) == TR_FILE_ARCHIVE;
}

static int
ranged_read(const tr_step_t *st)
{
    return st->server == TR_HTTPS && st->ev->status == 206
           && st->outcome == TR_OUT_OK;
}

static const char *
server_name(tr_server_e s)
{
    return s == TR_DHCP ? "DHCP" : s == TR_TFTP ? "TFTP" : "HTTP";
}

#define SAY(...) snprintf(v->reason, sizeof(v->reason), __VA_ARGS__)

/* The last fetch failed: that failure is the cause. */
static int
failed_fetch(const tr_step_t *st, tr_verdict_t *v)
{
    char build[PXE_BUILDNAME_LEN + 1];

    switch (st->outcome) {
    case TR_OUT_NOTFOUND:
        if (st->server == TR_TFTP) {
            v->stopped = "tftp-not-found";
            SAY("in.tftpd has no %s (NAK %d, %s)", name_of(st),
                st->end->status, st->end->text);
        } else if (pxe_tr_path_build(name_of(st), build)) {
            v->stopped = "disabled-build";
            SAY("nginx answered %d for %s: build %s is disabled or missing",
                st->ev->status, name_of(st), build);
        } else {
            v->stopped = "http-not-found";
            SAY("nginx answered %d for %s", st->ev->status, name_of(st));
        }
        return 1;
    case TR_OUT_STALLED:
        v->stopped = "stalled";
        if (st->server == TR_TFTP) {
            SAY("the TFTP transfer of %s was cut short (%s)", name_of(st),
                st->end != NULL ? st->end->text : "aborted");
        } else if (st->ev->length >= 0) {
            SAY("nginx sent %lld of %lld bytes of %s (status %d)",
                st->ev->bytes, st->ev->length, name_of(st), st->ev->status);
        } else {
            SAY("the client closed the connection during %s (status %d, "
                "%lld bytes)", name_of(st), st->ev->status, st->ev->bytes);
        }
        return 1;
    case TR_OUT_REFUSED:
        v->stopped = "unknown";
        if (st->server == TR_TFTP) {
            SAY("in.tftpd refused %s (NAK %d, %s)", name_of(st),
                st->end->status, st->end->text);
        } else {
            SAY("nginx answered %d for %s", st->ev->status, name_of(st));
        }
        return 1;
    default:
        return 0;
    }
}

void
pxe_tr_verdict(const tr_machine_t *m, tr_verdict_t *v)
{
    const tr_step_t *st, *last, *lastfetch = NULL, *script = NULL;
    const tr_step_t *program = NULL, *loop = NULL, *san = NULL;
    size_t           i, start = 0, ranged = 0;
    int              kernel = 0, archive = 0, kernel_after = 0;

    memset(v, 0, sizeof(*v));
    v->last = m->nsteps;
    v->stopped = "unknown";
    if (m->nsteps == 0) {
        SAY("no step in the logs");
        return;
    }
    /* The last boot: after one that got its kernel and archive, the next
     * DHCP step starts another. */
    for (i = 0; i < m->nsteps; i++) {
        st = &m->steps[i];
        if (st->server == TR_DHCP && kernel && archive) {
            start = i;
            kernel = archive = 0;
        }
        if (whole(m, i) && kind_of(st) == TR_FILE_KERNEL) {
            kernel = 1;
        }
        if (whole(m, i) && kind_of(st) == TR_FILE_ARCHIVE) {
            archive = 1;
        }
    }
    kernel = archive = 0;
    for (i = start; i < m->nsteps; i++) {
        st = &m->steps[i];
        if (is_fetch(st)) {
            lastfetch = st;
        }
        switch (st->server == TR_DHCP ? TR_FILE_OTHER : kind_of(st)) {
        case TR_FILE_KERNEL:
            kernel |= whole(m, i);
            kernel_after = 1;
            break;
        case TR_FILE_ARCHIVE:
            archive |= whole(m, i);
            kernel_after = 1;
            break;
        case TR_FILE_SCRIPT:
            if (st->outcome == TR_OUT_OK) {
                script = st;
                kernel_after = 0;
            }
            break;
        case TR_FILE_PROGRAM:
            if (st->server == TR_TFTP && st->outcome == TR_OUT_OK) {
                program = st;
            }
            break;
        default:
            break;
        }
        if (ranged_read(st)) {
            ranged += st->count;
            san = st;
        }
        /* iPXE (user class iPXE) handed a boot program after one was
         * already fetched: it will load iPXE again, for ever. */
        if (st->server == TR_DHCP && st->ev->kind == TR_DECISION
            && strcmp(st->ev->cls, "ipxe") == 0 && program != NULL
            && pxe_tr_file_kind(name_of(st)) == TR_FILE_PROGRAM)
        {
            loop = st;
        }
    }
    last = &m->steps[m->nsteps - 1];
    v->last = m->nsteps - 1;

    if (kernel && archive) {
        v->stopped = "booted";
        SAY("the kernel and the boot archive were served whole");
        return;
    }
    /* A SAN image read by ranges: what it boots (an ISO's own iPXE may
     * DHCP again) is past what the logs can judge. */
    if (ranged > 0 && lastfetch != NULL
        && (lastfetch->outcome == TR_OUT_OK || ranged_read(lastfetch)))
    {
        v->stopped = "booted";
        SAY("a SAN image was read by ranges (sanboot): %zu ranged reads of "
            "%s", ranged, name_of(san));
        return;
    }
    if (lastfetch != NULL && failed_fetch(lastfetch, v)) {
        return;
    }
    for (i = start; i < m->nsteps; i++) {
        st = &m->steps[i];
        if (st->outcome == TR_OUT_STALLED && kernel_or_archive(st)) {
            (void) failed_fetch(st, v);
            return;
        }
    }
    /* A TFTP kernel or archive that nothing followed (see followed()). */
    if (lastfetch != NULL && lastfetch->server == TR_TFTP
        && lastfetch->outcome == TR_OUT_OK && kernel_or_archive(lastfetch))
    {
        v->stopped = "stalled";
        SAY("in.tftpd logged the request for %s and no request after it: it "
            "logs no end of a transfer, and the next file was never asked "
            "for, so the transfer was cut short (or the logs end during it)",
            name_of(lastfetch));
        return;
    }
    if (loop != NULL) {
        v->stopped = "ipxe-loop";
        SAY("iPXE was given the boot program %s again (rule %d): it loads "
            "iPXE for ever; give user class iPXE a script or URL",
            name_of(loop), loop->ev->rule);
        return;
    }
    if (last->server == TR_DHCP && last->ev->kind == TR_DECISION
        && pxe_tr_file_kind(name_of(last)) == TR_FILE_PROGRAM)
    {
        v->stopped = "never-came-back";
        SAY("DHCP gave it the boot program %s and nothing followed: it never "
            "fetched it over TFTP (a firewall, or a wrong next-server?)",
            name_of(last));
        return;
    }
    if (program != NULL && last == program) {
        v->stopped = "never-came-back";
        SAY("it fetched %s over TFTP and never came back as iPXE (no DHCP "
            "with user class iPXE: the program did not start, or its DHCP "
            "was lost)", name_of(program));
        return;
    }
    if (script != NULL && !kernel_after) {
        v->stopped = "no-kernel-fetch";
        SAY("%s served %s and no kernel was asked for after it (a menu left "
            "waiting, a script without a kernel, or an iPXE error)",
            script->server == TR_TFTP ? "in.tftpd" : "nginx",
            name_of(script));
        return;
    }
    if (last->server == TR_DHCP && last->outcome == TR_OUT_NORULE) {
        v->stopped = "no-boot-file";
        SAY("a netbooting %s client matched no rule: Kea answered without a "
            "boot file", last->ev->cls);
        return;
    }
    if (kernel && !archive) {
        SAY("the kernel was served and no boot archive after it (the logs "
            "end after %s %s)", server_name(last->server),
            last->server == TR_DHCP ? "a decision" : name_of(last));
        return;
    }
    SAY("the logs end after %s %s", server_name(last->server),
        last->server == TR_DHCP ? "a decision" : name_of(last));
}
