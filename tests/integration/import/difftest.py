#!/usr/bin/python3
"""Differential test of pxekit-import: Debian's dhcpd (or dnsmasq, for
files under dnsmasq/) with the original file, then kea-dhcp4 with the hook and what pxekit-import made
of it (--kea-config), both in a network namespace this script makes.
The same clients are sent to both (relayed through a veth, from every
subnet the file declares): BIOS PXE, UEFI 7 and 9, UEFI HTTP 16, iPXE
by option 77 and by option 175, ARM64 (11), gPXE (a user class other
than iPXE), UEFI 7 with its NIC (94) and GUID (97), every host of the
file by its MAC, and a client that is not netbooting.  A client offered a PXE
menu (dnsmasq's pxe-service) goes on as a PXE ROM does: the item it
boots unattended, asked for on port 4011 (pxe_boot).  For each, siaddr, the
boot file as the client reads it (option 67, else `file`), the
server name likewise (option 66, else sname) and the address (a host's
exactly, another client's pool) must be the same.

usage: difftest.py CONF... (TAP on stdout; root, ip, dhcpd, kea-dhcp4)
"""

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.environ.get("tests_srcdir", HERE + "/../.."),
                                "integration/kea"))
from keatest import (Tap, HOOK, KEA_DHCP4, CHECK, TOP_BUILDDIR,  # noqa: E402
                     mac_bytes, opt, parse, PRL_PXE, workdir, preload_env)

IMPORT = os.path.join(TOP_BUILDDIR, "kea-hook/pxekit-import")
DHCPD = shutil.which("dhcpd") or "/usr/sbin/dhcpd"
DNSMASQ = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
SERVER_ADDR = "10.88.0.1"

IPXE_175 = bytes([19, 1, 1, 177, 5, 1, 0x10, 0xec, 0x81, 0x39])


def vci(arch, http=False):
    return ("%s:Arch:%05d:UNDI:003016" % ("HTTPClient" if http else "PXEClient", arch))


def arch93(n):
    return n.to_bytes(2, "big")


CLIENTS = [
    ("bios", "52:54:00:aa:00:01", [opt(60, vci(0)), opt(93, arch93(0)), PRL_PXE]),
    ("uefi7", "52:54:00:aa:00:07", [opt(60, vci(7)), opt(93, arch93(7)), PRL_PXE]),
    ("uefi9", "52:54:00:aa:00:09", [opt(60, vci(9)), opt(93, arch93(9)), PRL_PXE]),
    ("http16", "52:54:00:aa:00:16", [opt(60, vci(16, True)), opt(93, arch93(16)), PRL_PXE]),
    ("ipxe77", "52:54:00:aa:00:77", [opt(60, vci(0)), opt(93, arch93(0)), opt(77, "iPXE"),
                                     PRL_PXE]),
    ("ipxe175", "52:54:00:aa:01:75", [opt(60, vci(0)), opt(93, arch93(0)), opt(175, IPXE_175),
                                      PRL_PXE]),
    ("arm64", "52:54:00:aa:00:11", [opt(60, vci(11)), opt(93, arch93(11)), PRL_PXE]),
    # A user class other than iPXE's (gPXE's), and a UEFI ROM that sends
    # its NIC (94) and GUID (97) as real ROMs do.
    ("gpxe77", "52:54:00:aa:00:78", [opt(60, vci(0)), opt(93, arch93(0)), opt(77, "gPXE"),
                                     PRL_PXE]),
    ("uefi7guid", "52:54:00:aa:07:97", [opt(60, vci(7)), opt(93, arch93(7)),
                                        opt(94, bytes([1, 3, 0])),
                                        opt(97, bytes([0]) + bytes(range(1, 17))), PRL_PXE]),
    ("plain", "52:54:00:aa:00:ff", [opt(55, bytes([1, 3, 6, 15, 28]))]),
]


def sh(*args, check=True, env=None):
    return subprocess.run(list(args), check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True,
                          env=env)


def subnets(text, kind):
    if kind == "dhcpd":
        return re.findall(r"subnet\s+([0-9.]+)\s+netmask\s+([0-9.]+)", text)
    nets = []
    for m in re.finditer(r"^dhcp-range=(?:(?:set|tag):[^,]*,)*([0-9.]+),[0-9.]+(?:,([0-9.]+\.[0-9.]+))?",
                         text, re.M):
        mask = m.group(2) if m.group(2) and m.group(2).startswith("255.") else "255.255.255.0"
        net = ".".join(str(int(a) & int(b)) for a, b in zip(m.group(1).split("."), mask.split(".")))
        if (net, mask) not in nets:
            nets.append((net, mask))
    return nets


def hosts_of(text, kind):
    if kind == "dhcpd":
        return re.findall(r"hardware\s+ethernet\s+([0-9a-fA-F:]+)\s*;", text)
    return re.findall(r"^dhcp-host=(?:[^,\n]*,)*?([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})",
                      text, re.M)


def fixed_hosts(text, kind):
    """The hosts given an address by the file (dnsmasq: an IPv4 field in
    their dhcp-host line; dhcpd's are all taken as fixed): the others get
    a pool address, compared by pool like any client."""
    if kind == "dhcpd":
        return set(h.lower() for h in hosts_of(text, kind))
    fixed = set()
    for line in re.findall(r"^dhcp-host=([^\n]*)", text, re.M):
        fields = [f.strip() for f in line.split(",")]
        macs = [f for f in fields if re.fullmatch(r"[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}", f)]
        if macs and any(re.fullmatch(r"[0-9]+(?:\.[0-9]+){3}", f) for f in fields):
            fixed.add(macs[0].lower())
    return fixed


def ip_int(a):
    return int.from_bytes(socket.inet_aton(a), "big")


def ranges(text, kind):
    """The file's address ranges (pools), as (lo, hi, label) where label
    says which pool an address is from: the range, or for dhcpd's ranges
    in a shared network the network (its pools are one choice: dhcpd and
    Kea may start from different subnets)."""
    if kind != "dhcpd":
        found = re.findall(r"^dhcp-range=(?:(?:set|tag):[^,]*,)*([0-9.]+),([0-9.]+)", text, re.M)
        return [(ip_int(lo), ip_int(hi), "range %s - %s" % (lo, hi)) for lo, hi in found]
    out, stack = [], []
    text = re.sub(r"#[^\n]*", "", text)
    for tok in re.finditer(r"shared-network\s+\"?([^\s\"{]+)\"?\s*\{|\{|\}|"
                           r"\brange\s+(?:dynamic-bootp\s+)?([0-9.]+)(?:\s+([0-9.]+))?\s*;", text):
        if tok.group(1):
            stack.append(tok.group(1))
        elif tok.group(0) == "{":
            stack.append(None)
        elif tok.group(0) == "}":
            if stack:
                stack.pop()
        else:
            lo, hi = tok.group(2), tok.group(3) or tok.group(2)
            shared = [n for n in stack if n]
            out.append((ip_int(lo), ip_int(hi), "shared-network " + shared[-1] if shared
                        else "range %s - %s" % (lo, hi)))
    return out


def pool_of(addr, rngs):
    """Which pool an offered address is from: what must be the same for a
    client without a fixed address (the address itself may differ)."""
    if addr is None:
        return None
    a = ip_int(addr)
    for lo, hi, label in rngs:
        if lo <= a <= hi:
            return label
    return "outside the ranges: " + addr


def relay_addr(net):
    """The relay's address in a subnet: its .254."""
    return net.rsplit(".", 1)[0] + ".254"


class Netns:
    """Two namespaces joined by a veth: srv (10.88.0.1) and cli (the
    relay, with a .254 in every subnet)."""

    def __init__(self, nets):
        tag = "%d" % os.getpid()
        self.srv = "pxi-s" + tag
        self.cli = "pxi-c" + tag
        sh("ip", "netns", "add", self.srv)
        sh("ip", "netns", "add", self.cli)
        sh("ip", "link", "add", "pxi0", "netns", self.srv, "type", "veth",
           "peer", "name", "pxi1", "netns", self.cli)
        self.run_srv("ip", "addr", "add", SERVER_ADDR + "/24", "dev", "pxi0")
        self.run_srv("ip", "link", "set", "pxi0", "up")
        self.run_srv("ip", "link", "set", "lo", "up")
        self.run_cli("ip", "link", "set", "pxi1", "up")
        self.run_cli("ip", "link", "set", "lo", "up")
        self.run_cli("ip", "addr", "add", "10.88.0.254/24", "dev", "pxi1")
        for net, mask in nets:
            if net == "10.88.0.0":
                continue
            bits = sum(bin(int(x)).count("1") for x in mask.split("."))
            self.run_cli("ip", "addr", "add", "%s/%d" % (relay_addr(net), bits), "dev", "pxi1")
            self.run_srv("ip", "route", "add", "%s/%d" % (net, bits), "via", "10.88.0.254")

    def run_srv(self, *args):
        return sh("ip", "netns", "exec", self.srv, *args)

    def run_cli(self, *args):
        return sh("ip", "netns", "exec", self.cli, *args)

    def close(self):
        sh("ip", "netns", "del", self.srv, check=False)
        sh("ip", "netns", "del", self.cli, check=False)


def exchange(ns, bind, port, to_port, pkt):
    """Sends pkt from bind:port in the client namespace to the server's
    to_port (3 tries); the reply with its xid parsed, or None."""
    code = ("import socket,sys\n"
            "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
            "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            "s.bind((%r,%d))\n"
            "s.settimeout(4)\n"
            "data=bytes.fromhex(%r)\n"
            "for attempt in range(3):\n"
            "    s.sendto(data,(%r,%d))\n"
            "    try:\n"
            "        while True:\n"
            "            r,_=s.recvfrom(4096)\n"
            "            if r[4:8]==data[4:8]:\n"
            "                sys.stdout.write(r.hex()); sys.exit(0)\n"
            "    except socket.timeout:\n"
            "        pass\n" % (bind, port, pkt.hex(), SERVER_ADDR, to_port))
    out = subprocess.run(["ip", "netns", "exec", ns.cli, "/usr/bin/python3", "-c", code],
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    if not out:
        return None
    return parse(bytes.fromhex(out))


def ask(ns, relay, mac, options):
    """One relayed DISCOVER from the client namespace; the OFFER parsed,
    or for an offer with a PXE menu what the ROM then boots (pxe_boot)."""
    xid = random.randrange(1, 2 ** 32)
    from scapy.all import BOOTP, DHCP
    pkt = bytes(BOOTP(op=1, htype=1, hlen=6, hops=1, xid=xid, giaddr=relay,
                      chaddr=mac_bytes(mac)) /
                DHCP(options=[("message-type", "discover")] + list(options) + ["end"]))
    r = exchange(ns, relay, 67, 67, pkt)
    return pxe_boot(ns, relay, mac, options, r) if r is not None else None


def suboptions(data):
    """Option 43's TLVs as {code: bytes}."""
    subs, i = {}, 0
    while i + 1 < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        subs[data[i]] = data[i + 2:i + 2 + data[i + 1]]
        i += 2 + data[i + 1]
    return subs


def pxe_boot(ns, relay, mac, options, r):
    """What a PXE ROM boots from an offer (PXE 2.1, 2.2.5): with a menu
    in option 43 (sub 9) and discovery control (sub 6) not "use the
    file", it takes the first item when nobody is there to choose (the
    prompt's timeout, sub 10, runs out; 255 waits for the user) and asks
    that item's boot server (sub 8) on port 4011: the answer's file,
    siaddr and sname, with the offer's address.  Otherwise the offer."""
    subs = suboptions(r["options"].get(43, b""))
    if 9 not in subs or (6 in subs and subs[6][:1] and subs[6][0] & 8):
        return r
    items, m = [], subs[9]
    while len(m) >= 3:
        items.append(int.from_bytes(m[:2], "big"))
        m = m[3 + m[2]:]
    timeout = subs[10][0] if subs.get(10) else 255
    if not items or (len(items) > 1 and timeout == 255):
        return dict(r, file="(a PXE menu waiting for the user)")
    server, b = None, subs.get(8, b"")
    while len(b) >= 3 and server is None:
        n = b[2]
        if int.from_bytes(b[:2], "big") == items[0] and n > 0:
            server = socket.inet_ntoa(b[3:7])
        b = b[3 + 4 * n:]
    if server != SERVER_ADDR:
        return dict(r, file="(a PXE boot server %s not tested)" % server)
    from scapy.all import BOOTP, DHCP
    keep = [o for o in options if o[0] in (60, 93, 97)]
    pkt = bytes(BOOTP(op=1, htype=1, hlen=6, xid=random.randrange(1, 2 ** 32), ciaddr=relay,
                      chaddr=mac_bytes(mac)) /
                DHCP(options=[("message-type", "request")] + keep
                     + [opt(43, bytes([71, 4]) + items[0].to_bytes(2, "big") + b"\0\0"),
                        "end"]))
    ack = exchange(ns, relay, 68, 4011, pkt)
    if ack is None:
        return dict(r, file="(no answer from the PXE boot server)")
    return dict(ack, yiaddr=r["yiaddr"])


def seen(r):
    """What a client makes of a reply: server, boot file, server name."""
    if r is None:
        return None
    f = r["options"].get(67)
    boot = f.split(b"\0", 1)[0].decode("latin-1") if f is not None else r["file"]
    # The server name likewise: option 66 (dnsmasq sends its dhcp-boot
    # server name there when the client asks for 66), else sname.
    n = r["options"].get(66)
    sname = n.split(b"\0", 1)[0].decode("latin-1") if n is not None else r["sname"]
    return {"siaddr": r["siaddr"], "boot-file": boot, "sname": sname,
            "yiaddr": r["yiaddr"]}


def same(cname, r, fixed):
    """What must be the same for cname: all of seen(), but the address
    only for a host with one (a pool address may differ between servers)."""
    if r is None or cname is None:
        return None
    r = dict(r)
    if not cname.startswith("host") or cname[5:] not in fixed:
        r.pop("yiaddr")
    return r


def run_dhcpd(ns, d, conf):
    leases = os.path.join(d, "dhcpd.leases")
    open(leases, "w").close()
    log = open(os.path.join(d, "dhcpd.log"), "w")
    p = subprocess.Popen(["ip", "netns", "exec", ns.srv, DHCPD, "-4", "-f", "-d", "-cf", conf,
                          "-lf", leases, "-pf", os.path.join(d, "dhcpd.pid"), "pxi0"],
                         stdout=log, stderr=subprocess.STDOUT)
    time.sleep(1.5)
    return p, log


def run_dnsmasq(ns, d, conf):
    log = open(os.path.join(d, "dnsmasq.log"), "w")
    p = subprocess.Popen(["ip", "netns", "exec", ns.srv, DNSMASQ, "-k", "-C", conf,
                          "--port=0", "--log-dhcp", "--log-facility=-",
                          "--dhcp-leasefile=" + os.path.join(d, "dnsmasq.leases"),
                          "--pid-file=" + os.path.join(d, "dnsmasq.pid"),
                          "--interface=pxi0", "--bind-interfaces"],
                         stdout=log, stderr=subprocess.STDOUT)
    time.sleep(1.5)
    return p, log


def run_kea(ns, d, config):
    d4 = config["Dhcp4"]
    d4["interfaces-config"] = {"interfaces": ["pxi0"], "dhcp-socket-type": "udp"}
    d4["lease-database"] = {"type": "memfile", "persist": False}
    d4["loggers"] = [{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 40,
                      "output_options": [{"output": os.path.join(d, "kea.log")}]}]
    path = os.path.join(d, "kea-dhcp4.conf")
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
    # The sanitizer build's hook needs its runtime preloaded into Kea.
    env = dict(preload_env(), KEA_PIDFILE_DIR=d, KEA_LOCKFILE_DIR=d)
    out = open(os.path.join(d, "kea.out"), "w")
    p = subprocess.Popen(["ip", "netns", "exec", ns.srv, KEA_DHCP4, "-c", path],
                         stdout=out, stderr=subprocess.STDOUT, env=env)
    time.sleep(2)
    return p, out


def stop(p, f):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            # Kea with the ASan runtime preloaded hangs at exit.
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    f.close()


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def one_config(tap, conf):
    name = os.path.basename(conf)
    kind = "dnsmasq" if "/dnsmasq/" in conf else "dhcpd"
    with open(conf) as f:
        text = f.read()
    nets = subnets(text, kind)
    hosts = hosts_of(text, kind)
    fixed = fixed_hosts(text, kind)
    rngs = ranges(text, kind)
    d = workdir()
    m = re.search(r"^# pxekit-test: --next-server ([0-9.]+)", text, re.M)
    extra = ["--next-server", m.group(1)] if m else []
    imp = subprocess.run([IMPORT, kind, conf, "--kea-config", "--hook", HOOK] + extra,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    # 3: written, with what it could not translate on stderr (kept as
    # comments); the boot decisions must still match.
    if not tap.ok("%s: pxekit-import --kea-config writes a config" % name,
                  imp.returncode in (0, 3) and imp.stdout, imp.stderr):
        return
    for line in imp.stderr.splitlines():
        print("# exit %d: %s" % (imp.returncode, line))
    config = json.loads(imp.stdout)
    kpath = os.path.join(d, "imported.json")
    with open(kpath, "w") as f:
        f.write(imp.stdout)
    chk = sh(CHECK, kpath, check=False)
    tap.ok("%s: pxekit-kea-check accepts it" % name, chk.returncode == 0, chk.stdout)
    t = sh(KEA_DHCP4, "-t", kpath, check=False, env=preload_env())
    tap.ok("%s: kea-dhcp4 -t accepts it" % name, t.returncode == 0, t.stdout[-2000:])

    ns = Netns(nets)
    results = {}
    try:
        for server in ("source", "kea"):
            if server == "source":
                p, f = (run_dhcpd if kind == "dhcpd" else run_dnsmasq)(ns, d, conf)
            else:
                p, f = run_kea(ns, d, config)
            try:
                for net, _ in nets or [("10.88.0.0", "")]:
                    relay = relay_addr(net)
                    asks = list(CLIENTS) + [("host " + mac.lower(), mac.lower(), CLIENTS[0][2])
                                            for mac in hosts]
                    for cname, mac, options in asks:
                        got = seen(ask(ns, relay, mac, options))
                        results[(server, net, cname)] = got
                        if server == "kea" and results[("source", net, cname)] is None:
                            # Kea's silence counts only if Kea is alive:
                            # the next client the source did answer on
                            # this net must get the source's answer now.
                            probe = [a for a in asks if a[0] != "plain"
                                     and results[("source", net, a[0])] is not None]
                            if probe:
                                pname, pmac, popts = probe[0]
                                results[("probe", net, cname)] = (
                                    pname, seen(ask(ns, relay, pmac, popts)))
            finally:
                stop(p, f)
    finally:
        ns.close()
    for key in sorted(k for k in results if k[0] == "source"):
        _, net, cname = key
        want = results[key]
        got = results[("kea", net, cname)]
        desc = "%s: %s from %s" % (name, cname, net)
        if want is None:
            pname, pgot = results.get(("probe", net, cname), (None, None))
            pwant = results[("source", net, pname)] if pname else None
            tap.ok(desc + ": %s does not answer, kea neither, and answers the next client"
                   % kind, got is None and pgot is not None
                   and same(pname, pgot, fixed) == same(pname, pwant, fixed),
                   "kea: %r" % (got,),
                   "then %s: kea %r, %s %r" % (pname or "no client %s answered on %s"
                                               % (kind, net), pgot, kind, pwant),
                   tail(os.path.join(d, "kea.log")))
            continue
        if got is None:
            tap.ok(desc + ": kea answers", False, "%s: %r" % (kind, want),
                   tail(os.path.join(d, "kea.log")))
            continue
        if cname == "plain":
            # The hook leaves a reply to a client that is not netbooting
            # as Kea made it (siaddr 0, no file): only the address counts.
            tap.ok(desc + ": both answer (not netbooting)", True)
            continue
        w = dict(want)
        g = dict(got)
        if not cname.startswith("host") or cname[5:] not in fixed:
            # A pool's address: the same pool (a class's pool, --kea-config).
            w["yiaddr"] = pool_of(w["yiaddr"], rngs)
            g["yiaddr"] = pool_of(g["yiaddr"], rngs)
        tap.eq(desc, g, w)
        print("# %s" % json.dumps(w, sort_keys=True))
    if not os.environ.get("PXE_KEEP"):
        shutil.rmtree(d, ignore_errors=True)
    else:
        print("# kept " + d)


def main():
    tap = Tap()
    if os.geteuid() != 0:
        tap.skip_all("needs root (network namespaces)")
    need = [(HOOK, "hook not built"), (IMPORT, "pxekit-import not built"),
            (KEA_DHCP4, "kea-dhcp4 not installed")]
    if any("/dnsmasq/" not in c for c in sys.argv[1:]):
        need.append((DHCPD, "dhcpd not installed (isc-dhcp-server)"))
    if any("/dnsmasq/" in c for c in sys.argv[1:]):
        need.append((DNSMASQ, "dnsmasq not installed"))
    for path, what in need:
        if not os.access(path, os.R_OK):
            tap.skip_all("%s (%s)" % (what, path))
    if shutil.which("ip") is None:
        tap.skip_all("ip (iproute2) not installed")
    try:
        import scapy.all  # noqa: F401
    except ImportError:
        tap.skip_all("python3-scapy not installed")
    probe = sh("ip", "netns", "add", "pxi-probe%d" % os.getpid(), check=False)
    if probe.returncode != 0:
        tap.skip_all("cannot make a network namespace: " + probe.stdout.strip())
    sh("ip", "netns", "del", "pxi-probe%d" % os.getpid(), check=False)
    for conf in sys.argv[1:]:
        one_config(tap, conf)
    tap.done()


main()
