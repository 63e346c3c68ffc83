#!/usr/bin/python3
"""kea6-bench.py: the Kea hook's cost in kea-dhcp6, against kea-dhcp6's
own baseline in the same run.  Not a test: prints numbers for
docs/benchmarks.md.  The DHCPv6 side of kea-bench.py.

Configurations, same subnet, same clients (perfdhcp -6 -A1: relayed
SOLICIT/ADVERTISE/REQUEST/REPLY on ::1, every client a UEFI PXE ROM:
61 = 7, 16 = PXEClient:Arch:00007:UNDI:003016 with enterprise 343):
  nohook6  kea-dhcp6 alone;
  pxekit6  libdhcp_pxekit.so with 20 rules, the client matching the
           last (a per-MAC URL): the v4 benchmark's rule mix;
  empty6   (callgrind only) tests/bench/libkea_empty_hook.so, a pkt6_send
           that returns at once: what kea-dhcp6 spends calling any
           callout, the floor under the hook's cost.

1. Callgrind: user-space instructions per SARR exchange (repeatable):
   kea-dhcp6 under valgrind, perfdhcp at a low rate, two runs of N1 and
   N2 exchanges; (Ir(N2) - Ir(N1)) / (REPLYs(N2) - REPLYs(N1)) cancels
   start-up and shutdown.
2. Throughput at saturation: both servers up, pinned to one CPU,
   perfdhcp -r 20000 on the other driving one at a time for SECONDS,
   order rotated each round; REPLYs/s as ratios to nohook6 in the same
   round, quartiles over rounds (kea-bench.py's method).

    top_builddir=$PWD/build tests/bench/kea6-bench.py [--rounds 5]
        [--seconds 4] [--no-throughput] [--no-callgrind]
"""

import argparse
import importlib.util
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("top_srcdir", os.path.normpath(os.path.join(HERE, "../..")))
os.environ.setdefault("top_builddir", os.path.join(os.environ["top_srcdir"], "build"))
sys.path.insert(0, os.path.join(HERE, "../integration/kea"))
from keatest import read_kea_json, workdir, cleanup  # noqa: E402
from keatest6 import Kea6, EXAMPLE6, KEA_DHCP6  # noqa: E402

# kea-bench.py's pinning, CPU accounting and quartiles, as they are.
_spec = importlib.util.spec_from_file_location("kea_bench", os.path.join(HERE, "kea-bench.py"))
kea_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kea_bench)
PERFDHCP, EMPTY_HOOK, pin, quartiles = (kea_bench.PERFDHCP, kea_bench.EMPTY_HOOK,
                                        kea_bench.pin, kea_bench.quartiles)

VENDOR = (b"\x00\x00\x01\x57\x00\x20" + b"PXEClient:Arch:00007:UNDI:003016").hex()
PXE6_OPTS = ["-o", "61,0007", "-o", "16," + VENDOR]


def config(kind, kea):
    c = kea.localize(read_kea_json(EXAMPLE6))
    d6 = c["Dhcp6"]
    d6["loggers"][0]["severity"] = "WARN"
    s = d6["subnet6"][0]
    # perfdhcp's relay link-address is its own (::1); a pool it cannot
    # run dry with -R 60000.
    s["relay"] = {"ip-addresses": ["::1"]}
    s["pools"] = [{"pool": "2001:db8:1::/80"}]
    s["reservations"] = []
    d6["valid-lifetime"] = 60
    d6["preferred-lifetime"] = 50
    if kind == "nohook6":
        d6["hooks-libraries"] = []
    elif kind == "empty6":
        d6["hooks-libraries"] = [{"library": EMPTY_HOOK}]
    else:
        rules = []
        for i in range(19):
            r = [{"arch": [100 + i]}, {"mac": "^aa:bb:%02x:" % i},
                 {"vendor-class": "^Vendor%d:" % i}, {"class": "rack-%d" % i}][i % 4]
            r["boot-file"] = "tftp://[2001:db8:1::10]/snponly.efi"
            rules.append(r)
        rules.append({"boot-file": "http://[2001:db8:1::10]/smartos/menu.ipxe?mac=${mac}"})
        d6["hooks-libraries"][0]["parameters"]["rules"] = rules
    return c


def perfdhcp6(kea, extra):
    cmd = [PERFDHCP, "-6", "-A1", "-l", "lo", "-L", str(kea.cport), "-N", str(kea.sport),
           "-R", "60000"] + PXE6_OPTS + extra + ["::1"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                       preexec_fn=lambda: pin(0, 0))
    out = p.stdout + p.stderr
    got = re.findall(r"received packets: (\d+)", out)
    return out, (int(got[1]) if len(got) > 1 else 0)


def callgrind(wd, kind, n, rate):
    kea = Kea6(wd, "%s-cg%d" % (kind, n))
    out = os.path.join(kea.dir, "callgrind.out")
    wrapper = os.path.join(kea.dir, "kea-under-valgrind")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec valgrind -q --tool=callgrind --callgrind-out-file=%s %s \"$@\"\n"
                % (out, KEA_DHCP6))
    os.chmod(wrapper, 0o755)
    kea.binary = wrapper
    if not kea.start(config(kind, kea), wait=False):
        sys.exit("kea-dhcp6 under valgrind (%s) did not start" % kind)
    deadline = time.time() + 300
    while True:
        if kea.proc.poll() is not None or time.time() > deadline:
            kea.stop()
            sys.exit("kea-dhcp6 under valgrind (%s) did not start:\n%s" % (kind, kea.log()[-2000:]))
        try:
            if os.path.exists(kea.sock_path) and kea.command("version-get").get("result") == 0:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    _, replies = perfdhcp6(kea, ["-r", str(rate), "-d", "10", "-n", str(n)])
    # Counting stops before the shutdown, as in kea-bench.py.
    subprocess.run(["callgrind_control", "--instr=off", str(kea.proc.pid)],
                   capture_output=True, timeout=120)
    kea.proc.send_signal(15)
    kea.proc.wait(120)
    ir = None
    with open(out) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                ir = int(line.split()[1])
    return ir, replies


def throughput(wd, kinds, rounds, seconds):
    keas = {}
    try:
        for kind in kinds:
            kea = Kea6(wd, "%s-t" % kind)
            keas[kind] = kea
            if not kea.start(config(kind, kea)):
                sys.exit("kea-dhcp6 (%s) did not start:\n%s" % (kind, kea.log()[-2000:]))
            pin(kea.proc.pid, 1)
        for kind in kinds:
            perfdhcp6(keas[kind], ["-r", "20000", "-p", str(seconds)])     # warm-up
        res = {k: [] for k in kinds}
        for r in range(rounds):
            order = kinds[r % len(kinds):] + kinds[:r % len(kinds)]
            line = []
            for kind in order:
                _, replies = perfdhcp6(keas[kind], ["-r", "20000", "-p", str(seconds)])
                res[kind].append(replies / float(seconds))
                line.append("%s %.0f" % (kind, replies / float(seconds)))
            print("  round %2d: %s" % (r + 1, ", ".join(line)))
            sys.stdout.flush()
        return res
    finally:
        for kea in keas.values():
            kea.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--n1", type=int, default=100)
    ap.add_argument("--n2", type=int, default=400)
    ap.add_argument("--rate", type=int, default=40)
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--no-throughput", action="store_true")
    a = ap.parse_args()
    wd = workdir()
    try:
        print("machine: %s, %d cores; kea-dhcp6 %s" % (
            os.uname().machine, os.cpu_count(),
            subprocess.run([KEA_DHCP6, "-v"], capture_output=True, text=True).stdout.strip()))
        if not a.no_callgrind:
            print("1. callgrind Ir per SARR: (Ir(%d) - Ir(%d)) / REPLYs, perfdhcp -6 -r %d"
                  % (a.n2, a.n1, a.rate))
            kinds = ["nohook6", "pxekit6"] + (["empty6"] if os.path.exists(EMPTY_HOOK) else [])
            base = None
            for k in kinds:
                ir1, r1 = callgrind(wd, k, a.n1, a.rate)
                ir2, r2 = callgrind(wd, k, a.n2, a.rate)
                per = (ir2 - ir1) / float(r2 - r1) if r2 > r1 else float("nan")
                base = base or per
                print("   %-8s %8.0f Ir/SARR (x%.3f)  [replies %d, %d]" % (k, per, per / base, r1, r2))
                sys.stdout.flush()
        if not a.no_throughput:
            print("2. throughput, REPLYs/s, perfdhcp -6 -r 20000 -p %d, %d rounds"
                  % (a.seconds, a.rounds))
            kinds = ["nohook6", "pxekit6"]
            res = throughput(wd, kinds, a.rounds, a.seconds)
            for k in kinds[1:]:
                ratios = [x / b for x, b in zip(res[k], res["nohook6"]) if b]
                q = quartiles(ratios)
                print("   %-8s x%.3f of nohook6 (quartiles %.3f %.3f %.3f)" % (k, q[1], q[0], q[1], q[2]))
    finally:
        cleanup(wd)


if __name__ == "__main__":
    main()
