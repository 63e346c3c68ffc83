#!/usr/bin/python3
"""kea-bench.py: the Kea hook's cost, against kea-dhcp4's own baseline in
the same run.  Not a test: prints numbers for BENCHMARKS.md.

Three kea-dhcp4 configurations, same subnet, same clients (perfdhcp in
relay mode on loopback, every client a BIOS PXE ROM: 93=0, 60 PXEClient):
  nohook   Kea alone;
  native   Kea's own client classes doing the iPXE / EFI / BIOS split
           (what a site would write without pxekit);
  pxekit   libdhcp_pxekit.so with 20 rules, the client matching the last;
  pxekit3  (callgrind only) the hook with native's three-way split, to
           separate the hooks framework's cost from the rules';
  empty    (callgrind only) tests/bench/libkea_empty_hook.so, a pkt4_send
           callout that returns at once: what Kea spends calling any
           callout, the floor under the hook's cost (built by make check,
           or make -C tests bench/libkea_empty_hook.la).

1. Throughput at saturation: all five servers up at once, pinned to one
   CPU, perfdhcp on the other driving one at a time for SECONDS, order
   rotated each ROUND; DORA/s and Kea CPU (utime+stime from /proc) per
   DORA as ratios to nohook in the same round, quartiles over rounds.
   The box is shared (NOTES.md: +-30% between runs); pairing within a
   round is what makes a few per cent visible at all.
   --throughput-kinds picks the configurations, e.g. the unfilterable
   worst case against Kea's classes doing the same tests:
   nohook,native24,pxekit24,pxekit24re,empty.
   --paired: instead, each configuration and Kea alone are driven at the
   same moment, sharing CPU 1 (see paired()): the box's swings within a
   round hit both, and the rounds' ratios spread far less.
2. Callgrind: user-space instructions per DORA (repeatable): Kea under
   valgrind, perfdhcp at a low rate, two runs of N1 and N2 exchanges; the
   difference / (N2 - N1) cancels start-up and shutdown.  The runs last
   N/rate seconds, so what a server does each second (the hook's 1 s
   statistics tick, Kea's own timers) is in that figure too, in inverse
   proportion to the rate: each line also splits it into the packet path
   (per DORA) and the timers (per DORA at this rate; the hook's tick in
   Ir per tick), see cg_kinds().
3. The core alone: tests/bench/kea-decide, ns per decision for 1/20/200.
4. --hosts N (5,000 by the issue's contract): a dhcpd.conf of N hosts from
   tests/bench/gen-dhcpd-hosts.py; pxekit-import's wall time (median of
   7 runs) and instructions (callgrind); then callgrind Ir/DORA of
     resvN    Kea alone, the N hosts as reservations, each with the
              boot-file-name and next-server dhcpd gives a BIOS PXE ROM
              (what a site moving to Kea without pxekit writes): the
              baseline;
     importN  Kea with the hook and pxekit-import's parameters, the same
              N reservations (address only), the boot file from the
              hook's per-host rules;
     floorN   the empty hook with the same N reservations: Kea's own cost
              of calling a callout, under any hook;
   perfdhcp playing exactly those hosts (-M, their MACs).

    top_builddir=$PWD/build tests/bench/kea-bench.py [--rounds 3]
        [--seconds 4] [--no-throughput] [--no-callgrind] [--hosts N]

top_builddir defaults to ./build (configure's default -g -O2 is what to
measure).  --profile KIND [--n2 N] only keeps one callgrind profile of
KIND as ./callgrind.out.KIND, for callgrind_annotate --inclusive=yes.
"""

import argparse
import contextlib
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("top_srcdir", os.path.normpath(os.path.join(HERE, "../..")))
os.environ.setdefault("top_builddir", os.path.join(os.environ["top_srcdir"], "build"))
sys.path.insert(0, os.path.join(HERE, "../integration/kea"))
from keatest import Kea, read_kea_json, EXAMPLE, KEA_DHCP4, workdir, cleanup  # noqa: E402

PERFDHCP = shutil.which("perfdhcp") or "/usr/sbin/perfdhcp"
EMPTY_HOOK = os.path.join(os.environ["top_builddir"], "tests/bench/.libs/libkea_empty_hook.so")
PXE_OPTS = ["-o", "93,0000", "-o", "60,505845436c69656e743a417263683a30303030303a554e44493a303032303031"]


IMPORT = os.path.join(os.environ["top_builddir"], "kea-hook/pxekit-import")
GEN_HOSTS = os.path.join(HERE, "gen-dhcpd-hosts.py")
# Set by hosts_setup() for the resv/import kinds: (reservations with the
# boot file, reservations without, the hook's imported parameters, MACs).
HOSTS = {}


def config(kind, kea):
    c = kea.localize(read_kea_json(EXAMPLE))
    d4 = c["Dhcp4"]
    d4["loggers"][0]["severity"] = "WARN"
    d4["subnet4"][0]["pools"] = [{"pool": "192.0.2.0 - 192.0.2.255"}]
    d4["subnet4"][0]["subnet"] = "192.0.2.0/24"
    # perfdhcp walks MACs: give it room (a /16) so the pool never runs dry.
    d4["subnet4"][0]["subnet"] = "10.0.0.0/16"
    d4["subnet4"][0]["pools"] = [{"pool": "10.0.0.10 - 10.0.255.250"}]
    d4["subnet4"][0]["option-data"] = [{"name": "routers", "data": "10.0.0.1"}]
    d4["subnet4"][0]["reservations"] = []
    d4["valid-lifetime"] = 60
    if kind == "nohook":
        d4["hooks-libraries"] = []
    elif kind == "empty":
        d4["hooks-libraries"] = [{"library": EMPTY_HOOK}]
    elif kind == "native":
        d4["hooks-libraries"] = []
        d4["client-classes"] = [
            {"name": "ipxe", "test": "option[77].hex == 'iPXE'",
             "boot-file-name": "http://192.0.2.10/smartos/menu.ipxe", "next-server": "192.0.2.10"},
            {"name": "efi", "test": "option[93].hex == 0x0007 or option[93].hex == 0x0009",
             "boot-file-name": "ipxe.efi", "next-server": "192.0.2.10"},
            {"name": "bios", "test": "option[93].hex == 0x0000",
             "boot-file-name": "undionly.kpxe", "next-server": "192.0.2.10"},
        ]
    elif kind in ("pxekit24", "pxekit24re"):
        # The case the index cannot filter: every rule names the client's
        # arch, and a vendor-class pattern that only fails near its end.
        # pxekit24's are fixed sequences (answered without PCRE2),
        # pxekit24re's have an alternation (PCRE2 runs for each rule).
        if kind == "pxekit24":
            pat = "^PXEClient:Arch:0000[0-9]:UNDI:0020%02d$"
        else:
            pat = "^PXEClient:Arch:0000[0-9]:UNDI:(0030|0020)%02d$"
        rules = [{"arch": [0], "vendor-class": pat % (i + 2), "boot-file": "undionly.kpxe"}
                 for i in range(23)]
        rules.append({"arch": [0], "vendor-class": pat % 1,
                      "boot-file": "http://${next-server}/smartos/menu.ipxe?mac=${mac}"})
        d4["hooks-libraries"][0]["parameters"]["rules"] = rules
    elif kind == "native24":
        # Kea's classes doing the same 24 tests, as exact compares (Kea's
        # expressions have no regex): the last one matches.
        cls = []
        for i in range(24):
            cls.append({"name": "vc%d" % i,
                        "test": "option[93].hex == 0x0000 and option[60].text == "
                                "'PXEClient:Arch:00000:UNDI:0020%02d'" % ((i + 2) if i < 23 else 1),
                        "boot-file-name": "undionly.kpxe" if i < 23 else
                        "http://192.0.2.10/smartos/menu.ipxe", "next-server": "192.0.2.10"})
        d4["hooks-libraries"] = []
        d4["client-classes"] = cls
    elif kind.startswith("resv"):
        d4["hooks-libraries"] = []
        d4["subnet4"][0]["reservations"] = HOSTS["with-file"]
    elif kind.startswith("floor"):
        # The empty hook (Kea's cost of calling any callout) with the
        # same reservations: what is left above it is the hook's own.
        d4["hooks-libraries"] = [{"library": EMPTY_HOOK}]
        d4["subnet4"][0]["reservations"] = HOSTS["plain"]
    elif kind.startswith("import"):
        d4["hooks-libraries"][0]["parameters"] = HOSTS["params"]
        d4["subnet4"][0]["reservations"] = HOSTS["plain"]
    elif kind == "pxekit3":
        d4["hooks-libraries"][0]["parameters"]["rules"] = [
            {"ipxe": True, "boot-file": "http://192.0.2.10/smartos/menu.ipxe"},
            {"arch": [7, 9], "boot-file": "ipxe.efi"},
            {"arch": 0, "boot-file": "undionly.kpxe"},
        ]
    else:
        rules = []
        for i in range(19):
            r = [{"arch": [100 + i]}, {"mac": "^aa:bb:%02x:" % i},
                 {"vendor-class": "^Vendor%d:" % i}, {"class": "rack-%d" % i}][i % 4]
            r["boot-file"] = "undionly.kpxe"
            rules.append(r)
        rules.append({"boot-file": "http://${next-server}/smartos/menu.ipxe?mac=${mac}"})
        d4["hooks-libraries"][0]["parameters"]["rules"] = rules
    return c


def cpu_ticks(pid):
    """(user, system) clock ticks of a process."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


# On two or more CPUs Kea gets one and perfdhcp another, so the two do
# not take turns on a core: this is what makes saturation repeatable.
PIN = (os.cpu_count() or 1) >= 2


def pin(pid, cpu):
    if PIN:
        os.sched_setaffinity(pid, {cpu})


def perfdhcp(kea, extra, macs=None):
    # -M (a MAC list) and -R (random MACs from a base) exclude each other.
    who = ["-M", macs] if macs else ["-R", "60000"]
    cmd = [PERFDHCP, "-4", "-l", "127.0.0.1", "-L", str(kea.cport), "-N", str(kea.sport)
           ] + who + PXE_OPTS + extra + ["127.0.0.1"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                       preexec_fn=(lambda: pin(0, 0)) if PIN else None)
    out = p.stdout + p.stderr
    m = re.search(r"sent packets: (\d+).*?received packets: (\d+)", out, re.S)
    acks = re.findall(r"received packets: (\d+)", out)
    return out, (int(acks[1]) if len(acks) > 1 else 0)


def quartiles(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 4], xs[n // 2], xs[(3 * n) // 4]


@contextlib.contextmanager
def saturated(wd, kinds, tag, seconds):
    """Every configuration's kea-dhcp4 up and pinned to CPU 1, each warmed
    up once (the lease database fills once, then every round renews the
    same clients); stopped on the way out."""
    keas = {}
    try:
        for kind in kinds:
            kea = Kea(wd, "%s-%s" % (kind, tag))
            keas[kind] = kea
            if not kea.start(config(kind, kea)):
                sys.exit("kea-dhcp4 (%s) did not start:\n%s" % (kind, kea.log()[-2000:]))
            pin(kea.proc.pid, 1)
        for kind in kinds:
            perfdhcp(keas[kind], ["-r", "20000", "-p", str(seconds)])
        yield keas
    finally:
        for kea in keas.values():
            kea.stop()


def throughput(wd, kinds, rounds, seconds):
    """Every configuration's kea-dhcp4 runs at once (idle ones wait in
    select), all on one CPU; perfdhcp, on the other, drives one at a time
    for SECONDS, in a rotated order per round.  Each round's rate is
    divided by nohook's in the same round, so the box's slow drifts (other
    tenants) cancel; the median of those per-round ratios is the result."""
    hz = os.sysconf("SC_CLK_TCK")
    with saturated(wd, kinds, "t", seconds) as keas:
        res = {k: [] for k in kinds}
        for r in range(rounds):
            order = kinds[r % len(kinds):] + kinds[:r % len(kinds)]
            line = []
            for kind in order:
                kea = keas[kind]
                u0, s0 = cpu_ticks(kea.proc.pid)
                _, acks = perfdhcp(kea, ["-r", "20000", "-p", str(seconds)])
                u1, s1 = cpu_ticks(kea.proc.pid)
                rate = acks / float(seconds)
                ticks = u1 + s1 - u0 - s0
                cpu_us = ticks * 1e6 / hz / acks if acks else float("nan")
                res[kind].append((rate, cpu_us, (s1 - s0) / float(ticks) if ticks else 0.0))
                line.append("%s %.0f" % (kind, rate))
            print("  round %2d: %s" % (r + 1, ", ".join(line)))
            sys.stdout.flush()
        return res


def paired(wd, kinds, rounds, seconds):
    """Kea alone and one configuration at the same time: both kea-dhcp4
    on one CPU, sharing it (the scheduler gives two busy processes equal
    time), each driven at saturation by its own perfdhcp on the other CPU
    over the same SECONDS.  Whatever the box does in that window (other
    tenants, the host's clock) it does to both at once, so the ratio of
    their DORA counts is the ratio of their costs per DORA on that CPU;
    which of the two perfdhcps starts first alternates by round."""
    hz = os.sysconf("SC_CLK_TCK")
    with saturated(wd, kinds, "p", seconds) as keas:
        res = {k: [] for k in kinds if k != "nohook"}
        for r in range(rounds):
            line = []
            for kind in res:
                pair = ["nohook", kind] if r % 2 == 0 else [kind, "nohook"]
                t0 = {k: cpu_ticks(keas[k].proc.pid) for k in pair}
                with concurrent.futures.ThreadPoolExecutor(2) as ex:
                    futs = {k: ex.submit(perfdhcp, keas[k], ["-r", "20000", "-p", str(seconds)])
                            for k in pair}
                    acks = {k: futs[k].result()[1] for k in pair}
                t1 = {k: cpu_ticks(keas[k].proc.pid) for k in pair}
                cpu = {k: sum(t1[k]) - sum(t0[k]) for k in pair}
                if not acks["nohook"] or not cpu[kind] or not acks[kind]:
                    line.append("%s lost" % kind)
                    continue
                # CPU per DORA as a ratio: equal shares make it the rate
                # ratio's inverse; shown to check that they were equal.
                res[kind].append((acks[kind] / float(acks["nohook"]),
                                  (cpu[kind] / float(acks[kind]))
                                  / (cpu["nohook"] / float(acks["nohook"])),
                                  cpu[kind] * 1e6 / hz / acks[kind]))
                line.append("%s %d/%d (CPU %.0f%%+%.0f%%)" % (
                    kind, acks[kind], acks["nohook"],
                    100.0 * cpu[kind] / hz / seconds, 100.0 * cpu["nohook"] / hz / seconds))
            print("  round %2d: %s" % (r + 1, ", ".join(line)))
            sys.stdout.flush()
        return res


CG_RATE = 40


def callgrind(wd, kind, n, keep=None):
    kea = Kea(wd, "%s-cg%d" % (kind, n))
    out = os.path.join(kea.dir, "callgrind.out")
    # valgrind in front of kea-dhcp4: same harness, another binary (the
    # Kea object takes its binary when made: set it there, as kea6-bench).
    wrapper = os.path.join(kea.dir, "kea-under-valgrind")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec valgrind -q --tool=callgrind --callgrind-out-file=%s %s \"$@\"\n"
                % (out, KEA_DHCP4))
    os.chmod(wrapper, 0o755)
    kea.binary = wrapper
    started = kea.start(config(kind, kea), wait=False)
    # keatest waits 20 s; thousands of reservations under valgrind take
    # longer to load: the same readiness test (a command answered), later.
    deadline = time.time() + 600
    while started and time.time() < deadline:
        if kea.proc.poll() is not None:
            started = False
            break
        try:
            if os.path.exists(kea.sock_path) and kea.command("version-get").get("result") == 0:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    else:
        started = False
    if not started:
        kea.stop()
        sys.exit("kea-dhcp4 under valgrind (%s) did not start:\n%s" % (kind, kea.log()[-2000:]))
    # The N-host kinds: each reply costs more under valgrind, and the
    # (Ir(n2) - Ir(n1)) difference holds only when all are answered.
    hosts = kind[:4] in ("resv", "impo", "floo")
    # A late reply from Kea under valgrind on a busy box still cost its
    # instructions: count it (-d 10, not perfdhcp's 1 s), or the
    # difference is divided by too few exchanges.
    _, acks = perfdhcp(kea, ["-r", "10" if hosts else str(CG_RATE), "-d", "10",
                             "-n", str(n)], HOSTS.get("macs") if hosts else None)
    # Counting stops before the shutdown: what Kea frees on its way out
    # grows with the run (glibc consolidates every small free chunk when
    # the first large block goes, and the hook's seqset tables are one),
    # so it would land in (Ir(n2) - Ir(n1)) as a cost per DORA.
    subprocess.run(["callgrind_control", "--instr=off", str(kea.proc.pid)],
                   capture_output=True, timeout=120)
    kea.proc.send_signal(15)
    kea.proc.wait(120)
    if keep:
        shutil.copy(out, keep)
    ir = None
    with open(out) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                ir = int(line.split()[1])
    inc = cg_inclusive(out, (TIMERS, TICK))
    return {"ir": ir, "acks": acks, "timers": inc[TIMERS][0], "ticks": inc[TICK][1]}


# What every timer of Kea's TimerMgr costs when it fires (Kea's own and
# the hook's statistics tick: asio's re-arm, TimerMgr's dispatch, the
# callback), and the hook's tick itself (its calls: the ticks).
TIMERS = "isc::asiolink::IntervalTimerImpl::callback("
TICK = "isc::pxekit::publishTick()"


def cg_inclusive(path, wanted):
    """{substring: [inclusive Ir, calls]} summed over the functions of a
    callgrind profile whose name contains it: each function's own cost
    plus the inclusive cost callgrind records for every call it makes;
    calls counts the calls made to it.  (No function wanted here is
    recursive, so nothing is counted twice.)"""
    names = {}
    res = {w: [0, 0] for w in wanted}
    cur, callee = (), ()

    def resolve(spec):
        m = re.match(r"\((\d+)\)(?: (.*))?", spec)
        if not m:
            return spec
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), "")

    with open(path) as f:
        for line in f:
            c = line[:1]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                if len(parts) > 1:
                    for k in cur:
                        res[k][0] += int(parts[1])
            elif line.startswith("fn="):
                name = resolve(line[3:].strip())
                cur = [w for w in wanted if w in name]
            elif line.startswith("cfn="):
                name = resolve(line[4:].strip())
                callee = [w for w in wanted if w in name]
            elif line.startswith("calls="):
                for k in callee:
                    res[k][1] += int(line[6:].split()[0])
    return res


def cg_kinds(wd, kinds, n1, n2):
    """Ir per DORA of each kind against the first (the baseline), from
    runs of n1 and n2 exchanges, split into what a DORA costs and what a
    second costs.  Timers: the Ir of every TimerMgr timer that fired
    (Kea's own and the hook's), per DORA at this run's rate; packet path:
    the rest, per DORA, as a ratio to the baseline's rest (Kea's own
    timers are out of both); tick: the hook's timer Ir (its kind's timers
    minus the baseline's in the same-length run) per tick.  The total
    ratio is the one the bars are read from, at this rate."""
    print("  %-10s %9s %7s | %9s %7s | %6s %6s %8s | %s" % (
        "kind", "Ir/DORA", "ratio", "packet", "ratio", "timers", "ticks", "Ir/tick", "acks"))
    base = None
    for k in kinds:
        r1 = callgrind(wd, k, n1)
        r2 = callgrind(wd, k, n2)
        d = float(r2["acks"] - r1["acks"])
        if d <= 0:
            print("  %-10s no exchange answered [acks %d, %d]" % (k, r1["acks"], r2["acks"]))
            continue
        per = (r2["ir"] - r1["ir"]) / d
        timers = (r2["timers"] - r1["timers"]) / d
        packet = per - timers
        if base is None:
            base = (per, packet, r1, r2)
        tick = ((r2["timers"] - base[3]["timers"]) / float(r2["ticks"])
                if r2["ticks"] else 0.0)
        lost = r1["acks"] < n1 * 0.97 or r2["acks"] < n2 * 0.97
        print("  %-10s %9.0f x%.3f | %9.0f x%.3f | %6.0f %6d %8.0f | %d, %d%s" % (
            k, per, per / base[0], packet, packet / base[1], timers, r2["ticks"], tick,
            r1["acks"], r2["acks"],
            "  UNRELIABLE: exchanges lost, run again on a quieter box" if lost else ""))
        sys.stdout.flush()


def decide_ir(wd, decide, rules):
    """Instructions per decision: callgrind, 2000 minus 1000 iterations."""
    ir = []
    for iters in (1000, 2000):
        out = os.path.join(wd, "cg.decide.%d.%d" % (rules, iters))
        subprocess.run(["valgrind", "-q", "--tool=callgrind", "--callgrind-out-file=" + out,
                        decide, str(iters), str(rules)], capture_output=True, check=True)
        with open(out) as f:
            ir.append(next(int(line.split()[1]) for line in f
                           if line.startswith(("summary:", "totals:"))))
    return (ir[1] - ir[0]) / 1000.0


def bios_answer(params, mac, subnet):
    """What the imported rules give a BIOS PXE ROM (perfdhcp's client:
    93=0, 60 PXEClient, no 77/175) in subnet ("a.b.c.d", len): the same
    first-match walk as the hook, over the keys pxekit-import writes;
    like the hook, exact-MAC rules are found by their MAC, then merged
    with the others by position."""
    import ipaddress
    net = ipaddress.ip_network("%s/%d" % subnet)
    vci = bytes.fromhex(PXE_OPTS[3].split(",")[1]).decode()
    if "_bymac" not in params:
        bymac, others = {}, []
        for i, r in enumerate(params["rules"]):
            m = re.fullmatch(r"\^([0-9a-f:]{17})\$", r.get("mac", ""))
            if m:
                bymac.setdefault(m.group(1), []).append(i)
            else:
                others.append(i)
        params["_bymac"], params["_others"] = bymac, others
    rules = params["rules"]
    for r in (rules[i] for i in sorted(params["_bymac"].get(mac, []) + params["_others"])):
        keys = set(r) - {"boot-file", "next-server", "server-name", "option-67"}
        ok = True
        for k in keys:
            v = r[k]
            if k == "mac":
                ok = re.search(v, mac) is not None
            elif k == "subnet":
                ok = any(net.subnet_of(ipaddress.ip_network(x))
                         for x in (v if isinstance(v, list) else [v]))
            elif k == "arch":
                ok = 0 in (v if isinstance(v, list) else [v])
            elif k == "vendor-class":
                ok = re.search(v, vci) is not None
            elif k in ("user-class", "ipxe", "option-175", "class"):
                ok = False
            else:
                sys.exit("bios_answer: rule key %r not handled" % k)
            if not ok:
                break
        if ok:
            return r.get("boot-file"), r.get("next-server", params.get("next-server"))
    return None, None


def hosts_setup(wd, n):
    """The N-host file, its import (timed) and the reservations."""
    conf = os.path.join(wd, "hosts%d.conf" % n)
    macs = os.path.join(wd, "hosts%d.macs" % n)
    with open(conf, "w") as f:
        subprocess.run([sys.executable, GEN_HOSTS, str(n), "--macs", macs], stdout=f, check=True)
    import resource
    times, cpu = [], []
    for _ in range(7):
        t0 = time.perf_counter()
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run([IMPORT, "dhcpd", conf], capture_output=True, text=True)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(time.perf_counter() - t0)
        # CPU time too: on a shared box the wall clock includes waiting.
        cpu.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
        if p.returncode != 0:
            sys.exit("pxekit-import %s: exit %d\n%s" % (conf, p.returncode, p.stderr[-2000:]))
    out = os.path.join(wd, "cg.import")
    subprocess.run(["valgrind", "-q", "--tool=callgrind", "--callgrind-out-file=" + out,
                    IMPORT, "dhcpd", conf], capture_output=True, check=True)
    with open(out) as f:
        ir = next(int(line.split()[1]) for line in f
                  if line.startswith(("summary:", "totals:")))
    params = json.loads(p.stdout)
    nmac = sum(1 for r in params["rules"] if "mac" in r)
    print("4. %d hosts: %s, %d bytes; pxekit-import: median %.3f s (of 7: %s), CPU median"
          " %.3f s, %.2f G Ir; %d rules (%d per-host), %d bytes of parameters; load %.1f"
          % (n, os.path.basename(conf), os.path.getsize(conf), sorted(times)[3],
             " ".join("%.3f" % t for t in times), sorted(cpu)[3], ir / 1e9,
             len(params["rules"]), nmac, len(p.stdout), os.getloadavg()[0]))
    # Each host's fixed-address, read back from the file it was made from.
    with open(conf) as f:
        text = f.read()
    fixed = dict(re.findall(r"hardware ethernet ([0-9a-f:]+);\s*fixed-address ([0-9.]+);", text))
    # Kea wants a resource in each reservation: the host's name (all have one).
    names = {m: h for h, m in re.findall(r"host (\S+) \{\s*hardware ethernet ([0-9a-f:]+);", text)}
    with_file, plain = [], []
    with open(macs) as f:
        for mac in f.read().split():
            r = {"hw-address": mac, "hostname": names[mac]}
            if mac in fixed:
                r["ip-address"] = fixed[mac]
            plain.append(dict(r))
            bf, ns = bios_answer(params, mac, ("10.0.0.0", 16))
            if bf:
                r["boot-file-name"] = bf
                r["next-server"] = ns
            with_file.append(r)
    del params["_bymac"], params["_others"]
    HOSTS.update({"params": params, "plain": plain, "with-file": with_file, "macs": macs})
    return ir


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--n1", type=int, default=100)
    ap.add_argument("--n2", type=int, default=400)
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--rate", type=int, default=40,
                    help="perfdhcp's rate under callgrind (lower it on a busy box "
                    "when exchanges are lost)")
    ap.add_argument("--kinds", metavar="K,K...",
                    help="callgrind only these configurations (nohook is always "
                    "first: the ratios are to it)")
    ap.add_argument("--throughput-kinds", metavar="K,K...",
                    help="saturate only these configurations (nohook is always "
                    "first: the ratios are to it)")
    ap.add_argument("--paired", action="store_true",
                    help="throughput with each configuration and Kea alone driven "
                    "at the same time on one shared CPU (see paired())")
    ap.add_argument("--hosts", type=int, metavar="N",
                    help="only part 4: the N-host import and its callgrind against "
                    "Kea with the N hosts as reservations (the contract: 5000)")
    ap.add_argument("--profile", metavar="KIND",
                    help="only keep one callgrind profile of KIND (n2 exchanges) "
                    "as callgrind.out.KIND, for callgrind_annotate --inclusive=yes")
    a = ap.parse_args()
    global CG_RATE
    CG_RATE = a.rate
    kinds = ["nohook", "native", "pxekit"]
    wd = workdir()
    if a.hosts:
        try:
            hosts_setup(wd, a.hosts)
            if a.profile:
                r = callgrind(wd, a.profile, a.n2, keep="callgrind.out." + a.profile)
                print("%s: %d Ir, %d acks, %d ticks -> callgrind.out.%s"
                      % (a.profile, r["ir"], r["acks"], r["ticks"], a.profile))
                return
            print("   callgrind Ir/DORA: (Ir(%d) - Ir(%d)) / exchanges, perfdhcp -r 10 -M (the hosts)"
                  % (a.n2, a.n1))
            kinds5 = ["resv%d" % a.hosts, "import%d" % a.hosts]
            if os.path.exists(EMPTY_HOOK):
                kinds5.insert(1, "floor%d" % a.hosts)
            cg_kinds(wd, kinds5, a.n1, a.n2)
        finally:
            cleanup(wd)
        return
    if a.profile:
        try:
            r = callgrind(wd, a.profile, a.n2, keep="callgrind.out." + a.profile)
            print("%s: %d Ir, %d acks, %d ticks -> callgrind.out.%s"
                  % (a.profile, r["ir"], r["acks"], r["ticks"], a.profile))
        finally:
            cleanup(wd)
        return
    try:
        print("machine: %s, %d cores; kea-dhcp4 %s" % (
            os.uname().machine, os.cpu_count(),
            subprocess.run([KEA_DHCP4, "-v"], capture_output=True, text=True).stdout.strip()))
        if not a.no_throughput:
            print("1. saturation, all servers up, %d rounds of %d s each (perfdhcp -r 20000)%s"
                  % (a.rounds, a.seconds, ", Kea and perfdhcp on a CPU each" if PIN else ""))
            tkinds = kinds + ["pxekit3"] + (["empty"] if os.path.exists(EMPTY_HOOK) else [])
            if a.throughput_kinds:
                tkinds = ["nohook"] + [k for k in a.throughput_kinds.split(",")
                                       if k != "nohook"]
            if a.paired:
                res = paired(wd, tkinds, a.rounds, a.seconds)
                print("  paired with Kea alone: rate ratio and CPU/DORA ratio, "
                      "1st quartile / median / 3rd quartile")
                for k in res:
                    rate = quartiles([x[0] for x in res[k]])
                    cpu = quartiles([x[1] for x in res[k]])
                    print("  %-10s rate x%.3f / x%.3f / x%.3f   CPU/DORA x%.3f / x%.3f / x%.3f"
                          "  (%.1f us, %d rounds)" % (
                              k, rate[0], rate[1], rate[2], cpu[0], cpu[1], cpu[2],
                              quartiles([x[2] for x in res[k]])[1], len(res[k])))
                tkinds = []
            else:
                res = throughput(wd, tkinds, a.rounds, a.seconds)
            base = res.get("nohook")
            if tkinds:
                print("  per-round ratio to nohook: 1st quartile / median / 3rd quartile")
            for k in tkinds:
                rate = quartiles([x[0] / b[0] for x, b in zip(res[k], base)])
                cpu = quartiles([x[1] / b[1] for x, b in zip(res[k], base)])
                print("  %-7s %6.0f DORA/s  x%.3f / x%.3f / x%.3f   CPU/DORA %5.1f us"
                      "  x%.3f / x%.3f / x%.3f  (%2.0f%% kernel)" % (
                          k, quartiles([x[0] for x in res[k]])[1], rate[0], rate[1], rate[2],
                          quartiles([x[1] for x in res[k]])[1], cpu[0], cpu[1], cpu[2],
                          100 * quartiles([x[2] for x in res[k]])[1]))
        if not a.no_callgrind:
            print("2. callgrind Ir/DORA: (Ir(%d) - Ir(%d)) / exchanges, perfdhcp -r %d"
                  % (a.n2, a.n1, CG_RATE))
            extra = ["pxekit3", "pxekit24", "pxekit24re", "native24"]
            if os.path.exists(EMPTY_HOOK):
                extra.append("empty")
            else:
                print("  (no tests/bench/.libs/libkea_empty_hook.so: make check builds it)")
            todo = kinds + extra
            if a.kinds:
                todo = ["nohook"] + [k for k in a.kinds.split(",") if k != "nohook"]
            cg_kinds(wd, todo, a.n1, a.n2)
        decide = os.path.join(os.environ["top_builddir"], "tests/bench/kea-decide")
        print("3. core decision (decode + decide), worst case: last rule matches")
        print(subprocess.run([decide], capture_output=True, text=True).stdout.rstrip())
        for n in (1, 20, 200):
            print("  rules=%d Ir/decision=%.0f" % (n, decide_ir(wd, decide, n)))
    finally:
        cleanup(wd)


if __name__ == "__main__":
    main()
