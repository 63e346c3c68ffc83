/*
 * test_trace.c: the trace's parsers, join and verdicts (lib/trace*.c) on
 * hand-written excerpts of the three logs, one per way a boot stops, and
 * the robustness the command promises: any order, rotated and
 * interleaved input, year-less stamps, garbage, reused addresses.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"

#define MAC   "52:54:00:12:34:56"
#define MAC2  "52:54:00:aa:bb:cc"
#define T0    "2026-12-05 05:45:"
#define KEA   " DEBUG [kea-dhcp4.pxekit-hooks/3479.1] PXEKIT_DECISION " \
    "[hwtype=1 "
#define LEASE " INFO  [kea-dhcp4.leases/3479.1] DHCP4_LEASE_ALLOC [hwtype=1 "
#define CID   "], cid=[01:52:54:00:12:34:56], tid=0x5201c003: "
#define DEC(sec, mac, kind, file) \
    T0 sec KEA mac CID "rule 0 (" kind "): file '" file \
    "' (file field yes, option 67 yes), next-server 10.77.0.1"
#define ALLOC(sec, mac, ip) \
    T0 sec LEASE mac CID "lease " ip " has been allocated for 3600 seconds"
/* 2026-12-05 05:45:00 UTC is 1796449500: 05:45:SS is "17964495" SS. */
#define TFTP(sec, msg) "17964495" #sec ".100 <29>Dec  5 05:45:" \
    #sec " in.tftpd[4135]: " msg
#define HTTP(sec, rest) "17964495" #sec ".500 10.77.0.100 " rest

typedef struct {
    char   buf[65536];
    size_t len;
    int    calls;
} sink_t;

static int
sink(void *ctx, const char *text, size_t len)
{
    sink_t *s = ctx;

    if (s->len + len >= sizeof(s->buf)) {
        return PXE_ETOOBIG;
    }
    memcpy(s->buf + s->len, text, len);
    s->len += len;
    s->buf[s->len] = '\0';
    s->calls++;
    return PXE_OK;
}

static pxe_trace_t *
feed(const char *const *lines, size_t n)
{
    pxe_trace_t *t = pxe_trace_new(2026, 1796449620.0);
    size_t       i;

    assert_non_null(t);
    for (i = 0; i < n; i++) {
        (void) pxe_trace_line(t, lines[i], strlen(lines[i]));
    }
    return t;
}

/* The JSON report of the lines (for mac, or all). */
static void
report(const char *const *lines, size_t n, const char *mac, sink_t *out)
{
    pxe_trace_t     *t = feed(lines, n);
    pxe_trace_opts_t o;

    memset(&o, 0, sizeof(o));
    memset(out, 0, sizeof(*out));
    o.json = 1;
    o.mac = mac;
    assert_int_equal(pxe_trace_report(t, &o, sink, out), PXE_OK);
    pxe_trace_free(t);
}

static void
expect(const char *const *lines, size_t n, const char *stopped,
    const char *reason)
{
    sink_t out;
    char   want[1024];

    report(lines, n, MAC, &out);
    assert_int_equal(out.calls, 1);
    snprintf(want, sizeof(want), "\"stopped\":\"%s\",\"reason\":\"%s\"}\n",
             stopped, reason);
    if (strstr(out.buf, want) == NULL) {
        fail_msg("want %s\ngot %s", want, out.buf);
    }
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const booted[] = {
    T0 "26.430 INFO  [kea-dhcp4.leases/3479.1] DHCP4_LEASE_ADVERT [hwtype=1 "
        MAC CID "lease 10.77.0.100 will be advertised",
    DEC("26.430", MAC, "ipxe", "undionly.kpxe"),
    ALLOC("27.417", MAC, "10.77.0.100"),
    DEC("27.417", MAC, "ipxe", "undionly.kpxe"),
    TFTP(27, "remap: input: undionly.kpxe"),
    TFTP(27, "RRQ from 10.77.0.100 filename undionly.kpxe"),
    DEC("30.009", MAC, "ipxe", "http://10.77.0.1/smartos/menu.ipxe"),
    HTTP(31, "\"GET /smartos/menu.ipxe HTTP/1.1\" 200 2800 2800 0.001 "
         "\"iPXE/1.21.1\" range=\"-\""),
    HTTP(32, "\"GET /smartos/20261101T080000Z/platform/i86pc/kernel/amd64/unix"
         " HTTP/1.1\" 200 19424 19424 0.002 \"iPXE/1.21.1\" range=\"-\""),
    HTTP(34, "\"GET /smartos/20261101T080000Z/platform/i86pc/amd64/boot_archive"
         " HTTP/1.1\" 200 3145728 3145728 0.900 \"iPXE/1.21.1\" range=\"-\""),
};

static void
test_booted(void **state)
{
    sink_t out;

    (void) state;
    expect(booted, N(booted), "booted",
           "the kernel and the boot archive were served whole");
    report(booted, N(booted), MAC, &out);
    /* OFFER and ACK of one exchange are one step; the address is the
     * lease's. */
    assert_non_null(strstr(out.buf, "{\"mac\":\"" MAC "\",\"ips\":"
        "[\"10.77.0.100\"],\"steps\":[{\"time\":\"2026-12-05T05:45:26.430Z\","
        "\"server\":\"dhcp\",\"what\":\"rule 0 (ipxe): file undionly.kpxe\","
        "\"status\":\"ok\",\"ip\":\"10.77.0.100\",\"bytes\":null},"
        "{\"time\":\"2026-12-05T05:45:27.100Z\",\"server\":\"tftp\","
        "\"what\":\"RRQ undionly.kpxe\",\"status\":\"sent\",\"bytes\":null},"));
    assert_non_null(strstr(out.buf, "\"last\":\"GET /smartos/20261101T080000Z"
        "/platform/i86pc/amd64/boot_archive (http 200)\""));
}

/* The hook's decision line names the address: no lease line needed. */
#define DECA(sec, mac, kind, file, ip) DEC(sec, mac, kind, file) ", address " ip

static const char *const booted_no_leases[] = {
    DECA("26.430", MAC, "ipxe", "undionly.kpxe", "10.77.0.100"),
    TFTP(27, "RRQ from 10.77.0.100 filename undionly.kpxe"),
    DECA("30.009", MAC, "ipxe", "http://10.77.0.1/smartos/menu.ipxe",
         "10.77.0.100"),
    HTTP(31, "\"GET /smartos/menu.ipxe HTTP/1.1\" 200 2800 2800 0.001 "
         "\"iPXE/1.21.1\" range=\"-\""),
    HTTP(32, "\"GET /smartos/20261101T080000Z/platform/i86pc/kernel/amd64/unix"
         " HTTP/1.1\" 200 19424 19424 0.002 \"iPXE/1.21.1\" range=\"-\""),
    HTTP(34, "\"GET /smartos/20261101T080000Z/platform/i86pc/amd64/boot_archive"
         " HTTP/1.1\" 200 3145728 3145728 0.900 \"iPXE/1.21.1\" range=\"-\""),
};

static void
test_decision_address(void **state)
{
    static const char *const older[] = {
        /* Without ", address": nothing ties the fetches to the MAC. */
        DEC("26.430", MAC, "ipxe", "http://10.77.0.1/smartos/menu.ipxe"),
        HTTP(31, "\"GET /smartos/menu.ipxe HTTP/1.1\" 200 2800 2800 0.001 "
             "\"iPXE/1.21.1\" range=\"-\""),
    };
    sink_t out;

    (void) state;
    expect(booted_no_leases, N(booted_no_leases), "booted",
           "the kernel and the boot archive were served whole");
    report(booted_no_leases, N(booted_no_leases), MAC, &out);
    assert_non_null(strstr(out.buf, "\"ips\":[\"10.77.0.100\"]"));
    report(older, N(older), MAC, &out);
    assert_null(strstr(out.buf, "GET /smartos/menu.ipxe"));
}

/* The text form: status, bytes and nginx's request time per fetch. */
static void
test_text(void **state)
{
    pxe_trace_t     *t = feed(booted, N(booted));
    pxe_trace_opts_t o;
    sink_t           out;

    (void) state;
    memset(&o, 0, sizeof(o));
    memset(&out, 0, sizeof(out));
    assert_int_equal(pxe_trace_report(t, &o, sink, &out), PXE_OK);
    assert_non_null(strstr(out.buf, MAC "  10.77.0.100\n"
        "  2026-12-05T05:45:26.430Z dhcp rule 0 (ipxe): file undionly.kpxe, "
        "address 10.77.0.100  ok\n"));
    assert_non_null(strstr(out.buf, " http GET /smartos/20261101T080000Z/"
        "platform/i86pc/amd64/boot_archive  200, 3145728 bytes, 0.900 s\n"
        "  stopped: booted: the kernel and the boot archive were served "
        "whole\n\n"));
    pxe_trace_free(t);
}

/* The same lines in reverse and shuffled order: the same trace. */
static void
test_any_order(void **state)
{
    const char *rev[N(booted)], *mix[N(booted)];
    sink_t      a, b, c;
    size_t      i;

    (void) state;
    for (i = 0; i < N(booted); i++) {
        rev[i] = booted[N(booted) - 1 - i];
        mix[i] = booted[(i * 7) % N(booted)];    /* 7 is prime to 10 */
    }
    report(booted, N(booted), NULL, &a);
    report(rev, N(rev), NULL, &b);
    report(mix, N(mix), NULL, &c);
    assert_string_equal(a.buf, b.buf);
    assert_string_equal(a.buf, c.buf);
}

static void
test_no_boot_file(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        T0 "10.001 DEBUG [kea-dhcp4.pxekit-hooks/1.1] PXEKIT_NO_MATCH "
            "[hwtype=1 " MAC CID "pxe client matched no rule, reply left as is",
    };

    (void) state;
    expect(l, N(l), "no-boot-file", "a netbooting pxe client matched no "
           "rule: Kea answered without a boot file");
}

static void
test_tftp_not_found(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        DEC("10.001", MAC, "pxe", "undionly.kpxe"),
        TFTP(11, "RRQ from 10.77.0.100 filename undionly.kpxe"),
        TFTP(11, "sending NAK (1, File not found) to 10.77.0.100"),
    };

    (void) state;
    expect(l, N(l), "tftp-not-found",
           "in.tftpd has no undionly.kpxe (NAK 1, File not found)");
}

static void
test_http_not_found(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        DEC("10.001", MAC, "ipxe", "http://10.77.0.1/boot/menu.ipxe"),
        HTTP(12, "\"GET /boot/menu.ipxe HTTP/1.1\" 404 153 153 0.000 \"iPXE\""),
    };

    (void) state;
    expect(l, N(l), "http-not-found",
           "nginx answered 404 for /boot/menu.ipxe");
}

static void
test_disabled_build(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        DEC("10.001", MAC, "ipxe",
            "http://10.77.0.1/smartos/20261120T120000Z/smartos.ipxe"),
        HTTP(12, "\"GET /smartos/20261120T120000Z/smartos.ipxe HTTP/1.1\" "
             "404 153 - 0.000 \"iPXE/1.21.1\""),
    };

    (void) state;
    expect(l, N(l), "disabled-build", "nginx answered 404 for "
           "/smartos/20261120T120000Z/smartos.ipxe: build 20261120T120000Z "
           "is disabled or missing");
}

static void
test_never_came_back(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        DEC("10.001", MAC, "pxe", "undionly.kpxe"),
        TFTP(11, "RRQ from 10.77.0.100 filename undionly.kpxe"),
        TFTP(11, "tftp: client does not accept options"),
        TFTP(12, "RRQ from 10.77.0.100 filename undionly.kpxe"),
    };
    static const char *const nofetch[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        DEC("10.001", MAC, "pxe", "undionly.kpxe"),
    };

    (void) state;
    expect(l, N(l), "never-came-back", "it fetched undionly.kpxe over TFTP "
           "and never came back as iPXE (no DHCP with user class iPXE: the "
           "program did not start, or its DHCP was lost)");
    expect(nofetch, N(nofetch), "never-came-back", "DHCP gave it the boot "
           "program undionly.kpxe and nothing followed: it never fetched it "
           "over TFTP (a firewall, or a wrong next-server?)");
}

static void
test_ipxe_loop(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        DEC("10.001", MAC, "pxe", "undionly.kpxe"),
        TFTP(11, "RRQ from 10.77.0.100 filename undionly.kpxe"),
        DEC("14.001", MAC, "ipxe", "undionly.kpxe"),
        TFTP(15, "RRQ from 10.77.0.100 filename undionly.kpxe"),
    };

    (void) state;
    expect(l, N(l), "ipxe-loop", "iPXE was given the boot program "
           "undionly.kpxe again (rule 0): it loads iPXE for ever; give user "
           "class iPXE a script or URL");
}

static void
test_no_kernel_fetch(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        DEC("10.001", MAC, "ipxe", "http://10.77.0.1/smartos/menu.ipxe"),
        HTTP(12, "\"GET /smartos/menu.ipxe HTTP/1.1\" 200 2800 2800 0.001 "
             "\"iPXE/1.21.1\""),
    };

    (void) state;
    expect(l, N(l), "no-kernel-fetch", "nginx served /smartos/menu.ipxe and "
           "no kernel was asked for after it (a menu left waiting, a script "
           "without a kernel, or an iPXE error)");
}

static void
test_stalled(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        HTTP(12, "\"GET /smartos/menu.ipxe HTTP/1.1\" 200 2800 2800 0.001 "
             "\"-\""),
        HTTP(13, "\"GET /s/20261101T080000Z/platform/i86pc/kernel/amd64/unix "
             "HTTP/1.1\" 200 19424 19424 0.002 \"-\""),
        HTTP(19, "\"GET /s/20261101T080000Z/platform/i86pc/amd64/boot_archive "
             "HTTP/1.1\" 200 1000000 3145728 60.000 \"-\""),
    };
    static const char *const tftp[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        TFTP(13, "RRQ from 10.77.0.100 filename s/b/platform/i86pc/amd64/"
             "boot_archive remapped to s/platform-b/i86pc/amd64/boot_archive"),
        "1796449650.000 <28>Dec  5 05:47:30 in.tftpd[4135]: tftpd: read(ack): "
            "Connection timed out",
    };

    (void) state;
    expect(l, N(l), "stalled", "nginx sent 1000000 of 3145728 bytes of "
           "/s/20261101T080000Z/platform/i86pc/amd64/boot_archive "
           "(status 200)");
    expect(tftp, N(tftp), "stalled", "the TFTP transfer of s/b/platform/i86pc/"
           "amd64/boot_archive was cut short (tftpd: read(ack): Connection "
           "timed out)");
}

static void
test_unknown(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        DEC("10.001", MAC, "ipxe", "http://10.77.0.1/smartos/menu.ipxe"),
    };

    static const char *const nokernel[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        HTTP(13, "\"GET /s/20261101T080000Z/platform/i86pc/kernel/amd64/unix "
             "HTTP/1.1\" 200 19424 19424 0.002 \"-\""),
    };
    static const char *const forbidden[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        HTTP(13, "\"GET /s/menu.ipxe HTTP/1.1\" 403 0 - 0.000 \"-\""),
    };

    (void) state;
    expect(l, N(l), "unknown", "the logs end after DHCP a decision");
    expect(nokernel, N(nokernel), "unknown", "the kernel was served and no "
           "boot archive after it (the logs end after HTTP "
           "/s/20261101T080000Z/platform/i86pc/kernel/amd64/unix)");
    expect(forbidden, N(forbidden), "unknown",
           "nginx answered 403 for /s/menu.ipxe");
}

/* sanboot: HEAD, then thousands of 206s, folded into one step. */
static void
test_sanboot(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        TFTP(11, "RRQ from 10.77.0.100 filename sanboot.ipxe"),
        HTTP(12, "\"HEAD /s/iso HTTP/1.1\" 200 0 1000 0.000 \"-\""),
        HTTP(13, "\"GET /s/iso HTTP/1.1\" 206 512 512 0.000 \"-\""),
        HTTP(14, "\"GET /s/iso HTTP/1.1\" 206 488 488 0.000 \"-\""),
    };
    sink_t out;

    (void) state;
    expect(l, N(l), "booted",
           "a SAN image was read by ranges (sanboot): 2 ranged reads of "
           "/s/iso");
    report(l, N(l), MAC, &out);
    assert_non_null(strstr(out.buf, "\"what\":\"GET /s/iso (2 ranged reads)\","
                                    "\"status\":\"206\",\"bytes\":1000}"));
}

/* The kernel and archive over TFTP, remapped (the tftp scenario). */
static void
test_tftp_boot(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        TFTP(11, "RRQ from 10.77.0.100 filename boot-tftp.ipxe"),
        "1796449632.000 <29>Dec  5 05:47:12 in.tftpd[4136]: RRQ from "
            "10.77.0.100 filename smartos/B/platform/i86pc/kernel/amd64/unix "
            "remapped to smartos/platform-B/i86pc/kernel/amd64/unix",
        "1796449633.000 <29>Dec  5 05:47:13 in.tftpd[4137]: RRQ from "
            "10.77.0.100 filename smartos/B/platform/i86pc/amd64/boot_archive",
        "1796449634.000 <29>Dec  5 05:47:14 in.tftpd[4138]: RRQ from "
            "10.77.0.100 filename smartos/B/platform/i86pc/amd64/"
            "boot_archive.hash",
    };

    (void) state;
    expect(l, N(l), "booted",
           "the kernel and the boot archive were served whole");
    /* Without the hash's request, nothing says the archive's transfer
     * ended (in.tftpd logs none). */
    expect(l, N(l) - 1, "stalled", "in.tftpd logged the request for "
           "smartos/B/platform/i86pc/amd64/boot_archive and no request after "
           "it: it logs no end of a transfer, and the next file was never "
           "asked for, so the transfer was cut short (or the logs end during "
           "it)");
}

/* The real lines of e2e/boot-broken.test's tftp-stalled machine: iPXE
 * asked for the archive over TFTP and went away mid-transfer; in.tftpd's
 * child gave up without a line.  Before the request after it counted,
 * this read as booted. */
static void
test_tftp_stalled_real(void **state)
{
#define REAL_KEA "2026-12-05 16:35:0"
#define REAL_ID  "[kea-dhcp4.pxekit-hooks/31808.139726770283008] "
#define REAL_DEC(t) REAL_KEA t " DEBUG " REAL_ID "PXEKIT_DECISION [hwtype=1 " \
    "52:54:00:b0:0b:07], cid=[01:52:54:00:b0:0b:07], tid=0x99001030: rule 4 " \
    "(ipxe): file 'tftp://10.77.0.1/boot-tftp.ipxe' (file field yes, option " \
    "67 yes), next-server 10.77.0.1, address 10.77.0.104"
    static const char *const l[] = {
        REAL_DEC("7.896"),
        REAL_KEA "8.853 INFO  [kea-dhcp4.leases/31808.139726770283008] "
            "DHCP4_LEASE_ALLOC [hwtype=1 52:54:00:b0:0b:07], cid=[01:52:54:00:"
            "b0:0b:07], tid=0x99001030: lease 10.77.0.104 has been allocated "
            "for 3600 seconds",
        REAL_DEC("8.853"),
        "1796488508.986 <29>Dec  5 16:35:08 in.tftpd[32465]: RRQ from "
            "10.77.0.104 filename boot-tftp.ipxe",
        "1796488509.044 <29>Dec  5 16:35:09 in.tftpd[32468]: RRQ from "
            "10.77.0.104 filename smartos/20261101T080000Z/platform/i86pc/"
            "kernel/amd64/unix",
        "1796488509.096 <29>Dec  5 16:35:09 in.tftpd[32469]: RRQ from "
            "10.77.0.104 filename smartos/20261101T080000Z/platform/i86pc/"
            "amd64/boot_archive",
    };
    sink_t out;

    (void) state;
    report(l, N(l), "52:54:00:b0:0b:07", &out);
    assert_int_equal(out.calls, 1);
    assert_non_null(strstr(out.buf, "\"last\":\"RRQ smartos/20261101T080000Z/"
                           "platform/i86pc/amd64/boot_archive (tftp sent)\","
                           "\"stopped\":\"stalled\",\"reason\":\"in.tftpd "
                           "logged the request for smartos/20261101T080000Z/"
                           "platform/i86pc/amd64/boot_archive and no request "
                           "after it: "));
#undef REAL_DEC
#undef REAL_ID
#undef REAL_KEA
}

/* An address leased to one MAC, then to another: each fetch belongs to
 * whoever held it then. */
static void
test_address_reuse(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        HTTP(11, "\"GET /x/menu.ipxe HTTP/1.1\" 200 10 10 0.0 \"-\""),
        ALLOC("20.000", MAC2, "10.77.0.100"),
        HTTP(21, "\"GET /x/gone.ipxe HTTP/1.1\" 404 10 10 0.0 \"-\""),
    };
    sink_t out;

    (void) state;
    expect(l, N(l), "no-kernel-fetch", "nginx served /x/menu.ipxe and no "
           "kernel was asked for after it (a menu left waiting, a script "
           "without a kernel, or an iPXE error)");
    report(l, N(l), MAC2, &out);
    assert_non_null(strstr(out.buf, "\"stopped\":\"http-not-found\""));
    assert_null(strstr(out.buf, "menu.ipxe"));
}

/* A line from an address no lease names: a machine of its own. */
static void
test_unknown_mac(void **state)
{
    static const char *const l[] = {
        "1796449631.000 10.77.0.1 \"GET /x/menu.ipxe HTTP/1.1\" 200 10",
    };
    sink_t out;

    (void) state;
    report(l, N(l), NULL, &out);
    assert_non_null(strstr(out.buf, "{\"mac\":null,\"ips\":[\"10.77.0.1\"]"));
    report(l, N(l), MAC, &out);
    assert_int_equal(out.calls, 0);
}

/* The other stamp and line formats of each server. */
static void
test_formats(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        /* nginx combined, $time_iso8601, rsyslog's traditional and RFC 3339
         * files. */
        "10.77.0.100 - - [05/Dec/2026:05:47:11 +0000] \"GET /a/menu.ipxe "
            "HTTP/1.1\" 200 5 \"-\" \"iPXE/1.21.1\"",
        "2026-12-05T06:47:12+01:00 10.77.0.100 \"GET /a/b.ipxe HTTP/1.1\" "
            "200 5",
        "Dec  5 05:47:13 boothost in.tftpd[77]: RRQ from 10.77.0.100 "
            "filename c.ipxe",
        "2026-12-05T05:47:14.250000+00:00 boothost in.tftpd[78]: RRQ from "
            "10.77.0.100 filename d.ipxe",
    };
    sink_t out;

    (void) state;
    report(l, N(l), MAC, &out);
    assert_non_null(strstr(out.buf, "\"time\":\"2026-12-05T05:47:11.000Z\","
                                    "\"server\":\"http\","
                                    "\"what\":\"GET /a/menu.ipxe\""));
    assert_non_null(strstr(out.buf, "\"time\":\"2026-12-05T05:47:12.000Z\","
                                    "\"server\":\"http\","
                                    "\"what\":\"GET /a/b.ipxe\""));
    assert_non_null(strstr(out.buf, "\"time\":\"2026-12-05T05:47:13.000Z\","
                                    "\"server\":\"tftp\","
                                    "\"what\":\"RRQ c.ipxe\""));
    assert_non_null(strstr(out.buf, "\"time\":\"2026-12-05T05:47:14.250Z\","
                                    "\"server\":\"tftp\","
                                    "\"what\":\"RRQ d.ipxe\""));
}

/* A December stamp read in January is last year's. */
static void
test_yearless(void **state)
{
    pxe_trace_t     *t = pxe_trace_new(2027, 1798761700.0); /* 2027-01-01 */
    pxe_trace_opts_t o;
    sink_t           out;
    const char      *l = "Dec 31 23:59:59 h in.tftpd[1]: RRQ from 10.0.0.9 "
                         "filename x.ipxe";

    (void) state;
    memset(&o, 0, sizeof(o));
    memset(&out, 0, sizeof(out));
    o.json = 1;
    assert_int_equal(pxe_trace_line(t, l, strlen(l)), PXE_OK);
    assert_int_equal(pxe_trace_report(t, &o, sink, &out), PXE_OK);
    assert_non_null(strstr(out.buf, "\"time\":\"2026-12-31T23:59:59.000Z\""));
    pxe_trace_free(t);
}

static void
test_garbage(void **state)
{
    pxe_trace_t *t = pxe_trace_new(2026, 1796449620.0);
    char         big[PXE_TRACE_LINE_MAX + 2];
    size_t       lines, events, garbled;
    const char  *kea_other = T0 "26.429 DEBUG [kea-dhcp4.packets/3479.1] "
                             "DHCP4_BUFFER_RECEIVED received buffer";

    (void) state;
    assert_int_equal(pxe_trace_line(t, "hello world", 11), PXE_ESYNTAX);
    assert_int_equal(pxe_trace_line(t, "1796449631.000 10.77.0.1 \"GET", 29),
                     PXE_ESYNTAX);
    assert_int_equal(pxe_trace_line(t, "a\0b", 3), PXE_ESYNTAX);
    memset(big, 'x', sizeof(big));
    assert_int_equal(pxe_trace_line(t, big, sizeof(big)), PXE_ESYNTAX);
    /* Known but untraced lines are not garbage, nor are empty ones. */
    assert_int_equal(pxe_trace_line(t, kea_other, strlen(kea_other)), PXE_OK);
    assert_int_equal(pxe_trace_line(t, "\n", 1), PXE_OK);
    pxe_trace_counts(t, &lines, &events, &garbled);
    assert_int_equal(lines, 6);
    assert_int_equal(events, 0);
    assert_int_equal(garbled, 4);
    pxe_trace_free(t);
}

/* Log text reaches JSON escaped, and the terminal without controls. */
static void
test_escaping(void **state)
{
    static const char *const l[] = {
        ALLOC("10.000", MAC, "10.77.0.100"),
        HTTP(11, "\"GET /a\\x22b\x1b[2J\xc3\xa9\\ HTTP/1.1\" 404 0"),
    };
    pxe_trace_t     *t = feed(l, N(l));
    pxe_trace_opts_t o;
    sink_t           out;

    (void) state;
    report(l, N(l), MAC, &out);
    assert_non_null(strstr(out.buf, "\"what\":\"GET /a\\\\x22b\\u001b[2J"
                                    "\\u00c3\\u00a9\\\\\""));
    memset(&o, 0, sizeof(o));
    memset(&out, 0, sizeof(out));
    assert_int_equal(pxe_trace_report(t, &o, sink, &out), PXE_OK);
    assert_non_null(strstr(out.buf, "GET /a\\x22b?[2J"));
    assert_null(strchr(out.buf, '\x1b'));
    pxe_trace_free(t);
}

static void
test_since_and_changed(void **state)
{
    pxe_trace_t     *t = feed(booted, N(booted) - 1);
    pxe_trace_opts_t o;
    sink_t           out;
    const char      *last = booted[N(booted) - 1];

    (void) state;
    memset(&o, 0, sizeof(o));
    o.json = 1;
    o.since = 1796449531.0;     /* from 05:45:31: the menu on */
    memset(&out, 0, sizeof(out));
    assert_int_equal(pxe_trace_report(t, &o, sink, &out), PXE_OK);
    assert_null(strstr(out.buf, "undionly"));
    /* Still joined: the lease came before --since. */
    assert_non_null(strstr(out.buf, "{\"mac\":\"" MAC "\""));

    o.since = 0;
    o.changed = 1;
    memset(&out, 0, sizeof(out));
    assert_int_equal(pxe_trace_report(t, &o, sink, &out), PXE_OK);
    assert_int_equal(out.calls, 1);    /* the one machine */
    memset(&out, 0, sizeof(out));
    assert_int_equal(pxe_trace_report(t, &o, sink, &out), PXE_OK);
    assert_int_equal(out.calls, 0);
    assert_int_equal(pxe_trace_line(t, last, strlen(last)), PXE_OK);
    assert_int_equal(pxe_trace_report(t, &o, sink, &out), PXE_OK);
    assert_int_equal(out.calls, 1);
    assert_non_null(strstr(out.buf, "\"stopped\":\"booted\""));
    pxe_trace_free(t);
}

static void
test_mac_option(void **state)
{
    pxe_trace_t     *t = pxe_trace_new(2026, 0);
    pxe_trace_opts_t o;

    (void) state;
    assert_int_equal(pxe_trace_check_mac("52:54:00:12:34:56"), PXE_OK);
    assert_int_equal(pxe_trace_check_mac("52:54:00:AB:cd:EF"), PXE_OK);
    assert_int_equal(pxe_trace_check_mac("52:54:00:12:34"), PXE_EINVAL);
    assert_int_equal(pxe_trace_check_mac("52:54:00:12:34:5g"), PXE_EINVAL);
    assert_int_equal(pxe_trace_check_mac("52-54-00-12-34-56"), PXE_EINVAL);
    memset(&o, 0, sizeof(o));
    o.mac = "nope";
    assert_int_equal(pxe_trace_report(t, &o, sink, NULL), PXE_EINVAL);
    pxe_trace_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_booted),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_any_order),
        cmocka_unit_test(test_no_boot_file),
        cmocka_unit_test(test_tftp_not_found),
        cmocka_unit_test(test_http_not_found),
        cmocka_unit_test(test_disabled_build),
        cmocka_unit_test(test_never_came_back),
        cmocka_unit_test(test_ipxe_loop),
        cmocka_unit_test(test_no_kernel_fetch),
        cmocka_unit_test(test_stalled),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_sanboot),
        cmocka_unit_test(test_tftp_boot),
        cmocka_unit_test(test_tftp_stalled_real),
        cmocka_unit_test(test_address_reuse),
        cmocka_unit_test(test_unknown_mac),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_yearless),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_since_and_changed),
        cmocka_unit_test(test_mac_option),
        cmocka_unit_test(test_decision_address),
    };

    /* Kea's and syslog's stamps are local time: pin the zone. */
    setenv("TZ", "UTC", 1);
    tzset();
    return PXE_RUN_TESTS(tests);
}
