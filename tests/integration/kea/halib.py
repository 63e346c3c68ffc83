"""halib: a real Kea 2.2 HA pair (libdhcp_ha.so + libdhcp_lease_cmds.so)
with the pxekit hook, from examples/kea/kea-dhcp4-ha-server{1,2}.conf.

The test runs in a network namespace of its own (netns.py, root): its
loopback gets 127.0.0.2 (server1) and 127.0.0.3 (server2), so each
server has its own address, server identifier and HA peer URL, on the
standard DHCP ports, and nothing collides with other tests.  A client on
127.0.0.1 plays a relay with two helper addresses: every query goes to
both servers, as a relay forwards it, and HA decides which one answers.

Single-threaded HA needs a kea-ctrl-agent in front of each server (the
peer URL is the agent's); multi-threaded HA uses Kea 2.2's dedicated
listener on the peer URL itself.  Timers are shortened (heartbeat 1 s,
partner-down a few seconds after a peer dies) so a failover fits a test.
"""

import copy
import json
import os
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import time

from keatest import (Kea, HOOK, KEA_HOOKS_DIR, TOP_SRCDIR, CHECK, PRL_PXE, STATS_BOUND,  # noqa: E402
                     opt, parse, mac_bytes, read_kea_json, private_env)

from scapy.all import BOOTP, DHCP  # noqa: E402  (Debian's python3-scapy)

EXAMPLES = [os.path.join(TOP_SRCDIR, "examples/kea/kea-dhcp4-ha-server%d.conf" % i)
            for i in (1, 2)]
NAMES = ("server1", "server2")
ADDRS = ("127.0.0.2", "127.0.0.3")
RELAY = "127.0.0.1"
HA_PORT = 8004
KEA_CTRL_AGENT = (os.environ.get("KEA_CTRL_AGENT") or shutil.which("kea-ctrl-agent")
                  or "/usr/sbin/kea-ctrl-agent")
# Short HA timers (ms): partner-down ~5-7 s after a SIGKILL.
TIMERS = {"heartbeat-delay": 1000, "max-response-delay": 3000,
          "max-ack-delay": 1000, "max-unacked-clients": 0}
# The state each server settles in when both run, per mode.
NORMAL = {"load-balancing": "load-balancing", "hot-standby": "hot-standby"}


def normal_scopes(i, mode):
    """The HA scopes server i serves when both run: its own in load
    balancing; the primary's on the primary, none on the standby."""
    if mode == "load-balancing":
        return [NAMES[i]]
    return [NAMES[0]] if i == 0 else []


def scope_text(scopes):
    return " and ".join(scopes) or "no scope"


def failover_scopes(mode):
    """What the survivor serves in partner-down: every active scope."""
    return list(NAMES) if mode == "load-balancing" else [NAMES[0]]

# RFC 3074 section 6: the load-balancing hash's mixing table, which Kea's
# HA uses to split clients between the two servers of a load-balancing pair.
RFC3074_MIX = bytes([
    251, 175, 119, 215, 81, 14, 79, 191, 103, 49, 181, 143, 186, 157, 0,
    232, 31, 32, 55, 60, 152, 58, 17, 237, 174, 70, 160, 144, 220, 90, 57,
    223, 59, 3, 18, 140, 111, 166, 203, 196, 134, 243, 124, 95, 222, 179,
    197, 65, 180, 48, 36, 15, 107, 46, 233, 130, 165, 30, 123, 161, 209, 23,
    97, 16, 40, 91, 219, 61, 100, 10, 210, 109, 250, 127, 22, 138, 29, 108,
    244, 67, 207, 9, 178, 204, 74, 98, 126, 249, 167, 116, 34, 77, 193,
    200, 121, 5, 20, 113, 71, 35, 128, 13, 182, 94, 25, 226, 227, 199, 75,
    27, 41, 245, 230, 224, 43, 225, 177, 26, 155, 150, 212, 142, 218, 115,
    241, 73, 88, 105, 39, 114, 62, 255, 192, 201, 145, 214, 168, 158, 221,
    148, 154, 122, 12, 84, 82, 163, 44, 139, 228, 236, 205, 242, 217, 11,
    187, 146, 159, 64, 86, 239, 195, 42, 106, 198, 118, 112, 184, 172, 87,
    2, 173, 117, 176, 229, 247, 253, 137, 185, 99, 164, 102, 147, 45, 66,
    231, 52, 141, 211, 194, 206, 246, 238, 56, 110, 78, 248, 63, 240, 189,
    93, 92, 51, 53, 183, 19, 171, 72, 50, 33, 104, 101, 69, 8, 252, 83, 120,
    76, 135, 85, 54, 202, 125, 188, 213, 96, 235, 136, 208, 162, 129, 190,
    132, 156, 38, 47, 1, 7, 254, 24, 4, 216, 131, 89, 21, 28, 133, 37, 153,
    149, 80, 170, 68, 6, 169, 234, 151])


def rfc3074_hash(key):
    """RFC 3074 section 6 over the key's bytes, last byte first."""
    h = len(key) & 0xFF
    for b in reversed(key):
        h = RFC3074_MIX[h ^ b]
    return h


def assigned(mac, mode):
    """Index (0 server1 = primary, 1 server2) of the server HA assigns a
    client without option 61: in load balancing the hash of its hardware
    address modulo 2, in hot standby always the primary."""
    return rfc3074_hash(mac_bytes(mac)) % 2 if mode == "load-balancing" else 0


def pair_config(i, mode, mt):
    """Example i (0/1) for this namespace: what the tests rewrite is
    addresses, ports, paths, the HA timers, and the mode (hot standby is
    "mode" plus server2's "role", as the example's header says)."""
    config = read_kea_json(EXAMPLES[i])
    d4 = config["Dhcp4"]
    ha = None
    for lib in d4["hooks-libraries"]:
        base = os.path.basename(lib["library"])
        lib["library"] = HOOK if base == "libdhcp_pxekit.so" else os.path.join(KEA_HOOKS_DIR, base)
        if base == "libdhcp_ha.so":
            ha = lib["parameters"]["high-availability"][0]
    ha.update(TIMERS)
    ha["mode"] = mode
    for peer, addr in zip(ha["peers"], ADDRS):
        peer["url"] = "http://%s:%d/" % (addr, HA_PORT)
        if peer["role"] == "secondary" and mode == "hot-standby":
            peer["role"] = "standby"
    ha["multi-threading"]["enable-multi-threading"] = mt
    ha["multi-threading"]["http-dedicated-listener"] = mt
    d4["multi-threading"]["enable-multi-threading"] = mt
    return config


class Server(Kea):
    """One member of the pair: kea-dhcp4 on ADDRS[i]:67 (and, single-
    threaded, its kea-ctrl-agent on the peer URL)."""

    def __init__(self, workdir, i, mode, mt):
        super().__init__(workdir, NAMES[i])
        self.i, self.name, self.addr = i, NAMES[i], ADDRS[i]
        self.mode, self.mt = mode, mt
        self.sport, self.cport = 67, 68
        self.agent = None
        self.config = self.localize(pair_config(i, mode, mt))

    def localize(self, config, mt=None):
        mt = self.mt if mt is None else mt
        mt_map = copy.deepcopy(config["Dhcp4"]["multi-threading"])
        config = super().localize(config, mt=mt)
        d4 = config["Dhcp4"]
        d4["interfaces-config"] = {"interfaces": ["lo/" + self.addr], "dhcp-socket-type": "udp"}
        d4["multi-threading"] = mt_map
        for subnet in d4["subnet4"]:
            subnet["relay"] = {"ip-addresses": [RELAY]}
        d4["loggers"][0]["severity"] = "INFO"
        return config

    def start_all(self, wait=True):
        if not self.mt and not self.start_agent():
            return False
        return self.start(self.config, wait=wait)

    def start_agent(self):
        conf = {"Control-agent": {
            "http-host": self.addr, "http-port": HA_PORT,
            "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": self.sock_path}},
            "loggers": [{"name": "kea-ctrl-agent", "severity": "INFO",
                         "output_options": [{"output": os.path.join(self.dir, "agent.log")}]}]}}
        path = os.path.join(self.dir, "kea-ctrl-agent.conf")
        with open(path, "w") as f:
            json.dump(conf, f, indent=2)
        self.agent_out = open(os.path.join(self.dir, "agent.out"), "a")
        self.agent = subprocess.Popen([KEA_CTRL_AGENT, "-c", path], stdout=self.agent_out,
                                      stderr=subprocess.STDOUT, env=private_env(self.dir),
                                      cwd=self.dir)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.agent.poll() is not None:
                return False
            try:
                socket.create_connection((self.addr, HA_PORT), 0.2).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def kill(self):
        """SIGKILL, by PID: the machine dies, no goodbye to the partner."""
        for p in (self.proc, self.agent):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait()
        self.out.close()
        if self.agent is not None:
            self.agent_out.close()
            self.agent = None
        # A killed Kea leaves its PID file; Kea refuses to start while it
        # names a live process, and PIDs get reused.
        for f in os.listdir(self.dir):
            if f.endswith(".pid"):
                os.unlink(os.path.join(self.dir, f))

    def stop_all(self):
        rc = self.stop()
        if self.agent is not None:
            if self.agent.poll() is None:
                self.agent.send_signal(signal.SIGTERM)
                try:
                    self.agent.wait(10)
                except subprocess.TimeoutExpired:
                    self.agent.kill()
                    self.agent.wait()
            self.agent_out.close()
            self.agent = None
        return rc

    def state(self):
        """This server's HA state, from ha-heartbeat on its own socket."""
        try:
            r = self.command("ha-heartbeat")
        except (OSError, ValueError):
            return None
        return r.get("arguments", {}).get("state")

    def wait_state(self, want, bound):
        start = time.time()
        seen = None
        while time.time() - start < bound:
            seen = self.state()
            if seen == want:
                break
            time.sleep(0.1)
        return seen, time.time() - start

    def ha_status(self):
        """(state, scopes served) from status-get, Kea's general status
        command, whose "high-availability" part HA fills in."""
        try:
            ha = self.command("status-get")["arguments"]["high-availability"][0]
            local = ha["ha-servers"]["local"]
            return local["state"], sorted(local["scopes"])
        except (OSError, ValueError, KeyError, IndexError) as e:
            return repr(e), None

    def stats_hold(self, want):
        """For a server that sent nothing since the last check: its
        statistics read want for a whole publishing bound (a count made
        would show within it), not only at the first read."""
        deadline = time.time() + STATS_BOUND
        while True:
            got = {n: self.stat(n) for n in want}
            if got != want or time.time() > deadline:
                return got
            time.sleep(0.1)

    def explain(self, client):
        r = self.command("pxekit-explain", client.explain_args())
        return r.get("arguments") if r.get("result") == 0 else r

    def lease(self, ip):
        r = self.command("lease4-get", {"ip-address": ip})
        return r.get("arguments") if r.get("result") == 0 else None


KINDS = {
    "bios": [opt(60, "PXEClient:Arch:00000:UNDI:002001"), opt(93, b"\x00\x00")],
    "uefi7": [opt(60, "PXEClient:Arch:00007:UNDI:003016"), opt(93, b"\x00\x07")],
    "uefi9": [opt(60, "PXEClient:Arch:00009:UNDI:003016"), opt(93, b"\x00\x09")],
    "ipxe": [opt(60, "PXEClient:Arch:00000:UNDI:002001"), opt(93, b"\x00\x00"),
             opt(77, "iPXE"), opt(175, b"\x13\x01\x01")],
}
ARCH = {"bios": 0, "uefi7": 7, "uefi9": 9, "ipxe": 0}


class NetbootClient:
    def __init__(self, mac, kind):
        self.mac, self.kind = mac, kind

    def options(self):
        return KINDS[self.kind] + [PRL_PXE]

    def explain_args(self):
        args = {"mac": self.mac, "arch": ARCH[self.kind],
                "vendor-class": KINDS[self.kind][0][2:].decode()}
        if self.kind == "ipxe":
            args["user-class"] = "iPXE"
        return args


def clients(tag, n):
    """n netbooting clients, the kinds in turn; tag keeps MACs apart."""
    kinds = ("bios", "uefi7", "uefi9", "ipxe")
    return [NetbootClient("52:54:%02x:00:%02x:%02x" % (tag, i // 256, i % 256), kinds[i % 4])
            for i in range(n)]


class Relay:
    """A relay on 127.0.0.1 forwarding every query to both servers.  Kea,
    started with -P 68 (Kea.start passes -P), sends the replies to giaddr
    on that port, as keatest.py's single server does: the relay listens
    there."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((RELAY, 68))
        self.sock.setblocking(False)

    def send(self, client, msgtype, xid, extra=()):
        p = BOOTP(op=1, htype=1, hlen=6, hops=1, xid=xid, giaddr=RELAY,
                  chaddr=mac_bytes(client.mac)) / DHCP(
            options=[("message-type", msgtype)] + client.options() + list(extra) + ["end"])
        data = bytes(p)
        for a in ADDRS:
            self.sock.sendto(data, (a, 67))

    def burst(self, cl, pace=0.005, tail=2.5, midway=None):
        """DORA for every client, DISCOVERs paced `pace` s apart; each
        OFFER is answered with a REQUEST at once.  midway() runs after
        half of the DISCOVERs went out.  Returns {mac: record} with every
        OFFER and ACK seen, each as (server address, parsed reply)."""
        recs = {c.mac: {"client": c, "offers": [], "acks": [], "naks": []} for c in cl}
        by_xid = {}
        todo = list(cl)
        sent = 0
        next_send = time.time()
        last = time.time()
        while True:
            now = time.time()
            if todo and now >= next_send:
                c = todo.pop(0)
                xid = random.randrange(1, 2 ** 32)
                by_xid[xid] = c
                self.send(c, "discover", xid)
                sent += 1
                next_send = now + pace
                last = now
                if midway is not None and sent == len(cl) // 2:
                    midway()
                    last = time.time()
            done = all(r["acks"] or r["naks"] for r in recs.values())
            if not todo and (done or now - last > tail):
                break
            wait = max(0.0, min(next_send - now, 0.05)) if todo else 0.05
            rd, _, _ = select.select([self.sock], [], [], wait)
            if not rd:
                continue
            try:
                data, (src, _) = self.sock.recvfrom(4096)
            except BlockingIOError:
                continue
            r = parse(data)
            if r is None or r["xid"] not in by_xid:
                continue
            c = by_xid[r["xid"]]
            rec = recs[c.mac]
            sid = socket.inet_ntoa(r["options"].get(54, b"\0\0\0\0")[:4])
            if r["type"] == 2:
                rec["offers"].append((sid, r))
                xid = random.randrange(1, 2 ** 32)
                by_xid[xid] = c
                self.send(c, "request", xid,
                          [opt(50, socket.inet_aton(r["yiaddr"])), opt(54, r["options"][54])])
                last = time.time()
            elif r["type"] == 5:
                rec["acks"].append((sid, r))
                last = time.time()
            elif r["type"] == 6:
                rec["naks"].append((sid, r))
        return recs

    def close(self):
        self.sock.close()


def boot_of(reply):
    """What a reply tells the client to boot, in pxekit-explain's terms."""
    o67 = reply["options"].get(67)
    return {"file": reply["file"], "next-server": reply["siaddr"],
            "option-67": o67.rstrip(b"\0").decode("latin-1") if o67 is not None else None}


def want_boot(explained):
    return {k: explained.get(k) for k in ("file", "next-server", "option-67")}


STAT_OF_KIND = {"ipxe": "pxekit.ipxe-clients", "pxe": "pxekit.legacy-pxe-clients",
                "http": "pxekit.http-boot-clients", "none": "pxekit.non-boot-clients"}


class Ledger:
    """What each server must have counted: every reply it sent since it
    started, by kind and by rule (the decision pxekit-explain gives)."""

    def __init__(self, nrules):
        self.nrules = nrules
        self.want = {}

    def reset(self, server):
        w = {"pxekit.rule[%d].matches" % i: 0 for i in range(self.nrules)}
        w.update({name: 0 for name in STAT_OF_KIND.values()})
        w["pxekit.no-match"] = 0
        self.want[server.addr] = w

    def add(self, recs, decisions):
        for mac, rec in recs.items():
            d = decisions[mac]
            for sid, _ in rec["offers"] + rec["acks"]:
                w = self.want.get(sid)
                if w is None:
                    continue
                w[STAT_OF_KIND[d["kind"]]] += 1
                if d.get("rule") is not None:
                    w["pxekit.rule[%d].matches" % d["rule"]] += 1


def replies(rec):
    return rec["offers"] + rec["acks"]


def check_answered_by(tap, desc, recs, who):
    """Each client: one OFFER and one ACK, both from who(mac)."""
    bad = []
    for mac, rec in recs.items():
        want = who(mac)
        got = ([s for s, _ in rec["offers"]], [s for s, _ in rec["acks"]])
        if got != ([want], [want]):
            bad.append("%s (%s): offers from %r, acks from %r, want %s"
                       % (mac, rec["client"].kind, got[0], got[1], want))
    return tap.ok(desc + " (%d clients)" % len(recs), not bad, *bad[:10])


def check_leases(tap, desc, server, leases):
    """lease4-get on server finds each {mac: address}, for that MAC."""
    unknown = []
    for mac, ip in sorted(leases.items()):
        lease = server.lease(ip)
        if lease is None or lease.get("hw-address") != mac:
            unknown.append("%s %s: %r" % (mac, ip, lease))
    return tap.ok(desc, leases and not unknown, *unknown[:10])


def check_stats(tap, desc, server, want, recs):
    """The server's pxekit statistics read want; if it sent none of the
    burst's replies, they go on reading it for a whole publishing bound."""
    sent = any(sid == server.addr for rec in recs.values() for sid, _ in replies(rec))
    got = server.stats_settled(want) if sent else server.stats_hold(want)
    return tap.eq(desc, got, want)


def check_boot(tap, desc, recs, decisions):
    """Every reply seen carries pxekit-explain's decision for its client."""
    bad, n = [], 0
    for mac, rec in recs.items():
        want = want_boot(decisions[mac])
        for sid, r in replies(rec):
            n += 1
            if boot_of(r) != want:
                bad.append("%s from %s: %r, want %r" % (mac, sid, boot_of(r), want))
    return tap.ok(desc + " (%d replies)" % n, n > 0 and not bad, *bad[:10])


def scenario(tap, wd, mode, mt, tag):
    """Both servers up, a burst; server1 SIGKILLed mid-burst, partner-down,
    the survivor serves everyone and knows the dead one's leases; server1
    back, the pair's normal state again and a burst split as before."""
    label = "%s %s" % (mode, "multi-threaded" if mt else "single-threaded")
    normal = NORMAL[mode]
    s = [Server(wd, i, mode, mt) for i in (0, 1)]
    nrules = len(s[0].config["Dhcp4"]["hooks-libraries"][0]["parameters"]["rules"])
    ledger = Ledger(nrules)
    relay = None
    t0 = time.time()
    try:
        for x in s:
            ledger.reset(x)
            if not tap.ok("%s: %s starts" % (label, x.name), x.start_all(), x.log()[-3000:]):
                return
        for x in s:
            seen, took = x.wait_state(normal, 30)
            if not tap.eq("%s: %s reaches %s (%.1f s)" % (label, x.name, normal, took),
                          seen, normal):
                return
        relay = Relay()

        # 1. A burst, both servers up.
        first = clients(tag, 24)
        recs = relay.burst(first)
        decisions = {c.mac: s[0].explain(c) for c in first}
        other = {c.mac: s[1].explain(c) for c in first}
        differ = ["%s: server1 %r, server2 %r" % (mac, decisions[mac], other[mac])
                  for mac in sorted(decisions) if other[mac] != decisions[mac]]
        tap.ok("%s: pxekit-explain decides alike on both servers" % label,
               not differ and all("rule" in d for d in decisions.values()), *differ[:5])
        check_answered_by(tap, "%s: each client answered by the server HA assigns" % label,
                          recs, lambda mac: ADDRS[assigned(mac, mode)])
        check_boot(tap, "%s: each reply carries pxekit-explain's boot file" % label,
                   recs, decisions)
        if mode == "load-balancing":
            split = {a: sum(1 for r in recs.values() for sid, _ in r["acks"] if sid == a)
                     for a in ADDRS}
            tap.ok("%s: both servers served part of the burst %r" % (label, split),
                   all(split.values()))
        ledger.add(recs, decisions)
        for x in s:
            check_stats(tap, "%s: %s's statistics count exactly the replies it sent"
                        % (label, x.name), x, ledger.want[x.addr], recs)
        acked = {mac: (sid, r["acks"][0][1]["yiaddr"]) for mac, r in recs.items()
                 for sid, _ in r["acks"][:1]}

        # 2. server1 dies (SIGKILL) in the middle of the next burst.
        victim, survivor = s[0], s[1]
        second = clients(tag + 1, 24)
        for c in second:
            decisions[c.mac] = survivor.explain(c)
        killed = []
        recs2 = relay.burst(second, pace=0.02,
                            midway=lambda: killed.append(victim.kill() or time.time()))
        tap.ok("%s: server1 was killed mid-burst" % label,
               killed and victim.proc.poll() is not None)
        check_boot(tap, "%s: replies during the failover carry the right boot file" % label,
                   recs2, decisions)
        ledger.add(recs2, decisions)
        for mac, r in recs2.items():
            for sid, a in r["acks"][:1]:
                acked.setdefault(mac, (sid, a["yiaddr"]))
        seen, took = survivor.wait_state("partner-down", 30)
        if not tap.eq("%s: server2 goes partner-down (%.1f s after the kill)"
                      % (label, time.time() - killed[0] if killed else took),
                      seen, "partner-down"):
            return
        tap.eq("%s: status-get on server2: partner-down, serving %s"
               % (label, scope_text(failover_scopes(mode))),
               survivor.ha_status(), ("partner-down", failover_scopes(mode)))
        dead = {mac: ip for mac, (sid, ip) in acked.items() if sid == victim.addr}
        check_leases(tap, "%s: server2 knows the %d leases server1 handed out (lease4-get)"
                     % (label, len(dead)), survivor, dead)
        everyone = first + second
        recs3 = relay.burst(everyone)
        check_answered_by(tap, "%s: server2 alone answers every client" % label,
                          recs3, lambda mac: survivor.addr)
        check_boot(tap, "%s: server2 gives each client its boot file" % label,
                   recs3, decisions)
        moved = ["%s: %s then %s" % (mac, ip, recs3[mac]["acks"][0][1]["yiaddr"])
                 for mac, ip in sorted(dead.items())
                 if recs3[mac]["acks"] and recs3[mac]["acks"][0][1]["yiaddr"] != ip]
        tap.ok("%s: server1's clients keep their addresses on server2" % label,
               dead and not moved, *moved[:10])
        ledger.add(recs3, decisions)
        # Leases only server2 holds: the second burst's clients server1
        # had not acknowledged before it died (server2 acknowledged them
        # after the kill).
        while_down = {c.mac: recs3[c.mac]["acks"][0][1]["yiaddr"] for c in second
                      if recs3[c.mac]["acks"] and c.mac not in dead}
        want = ledger.want[survivor.addr]
        tap.eq("%s: server2's statistics count every reply it sent, before and after"
               % label, survivor.stats_settled(want), want)

        # 3. server1 comes back: syncs its leases from server2, the pair
        # returns to its normal state and splits the clients again.
        ledger.reset(victim)
        back = time.time()
        if not tap.ok("%s: server1 restarts" % label, victim.start_all(), victim.log()[-3000:]):
            return
        for x in (victim, survivor):
            seen, took = x.wait_state(normal, 40)
            tap.eq("%s: %s is back in %s (%.1f s after the restart)"
                   % (label, x.name, normal, time.time() - back), seen, normal)
        for x in s:
            want = (normal, normal_scopes(x.i, mode))
            tap.eq("%s: status-get on %s: %s, serving %s"
                   % (label, x.name, normal, scope_text(want[1])),
                   x.ha_status(), want)
        check_leases(tap, "%s: server1, back, knows the %d leases server2 made while it was down"
                     % (label, len(while_down)), victim, while_down)
        recs4 = relay.burst(first)
        check_answered_by(tap, "%s: each client answered by its server again" % label,
                          recs4, lambda mac: ADDRS[assigned(mac, mode)])
        check_boot(tap, "%s: ... with its boot file" % label, recs4, decisions)
        moved = ["%s: %s then %s" % (mac, acked[mac][1], r["acks"][0][1]["yiaddr"])
                 for mac, r in sorted(recs4.items())
                 if mac in acked and r["acks"] and r["acks"][0][1]["yiaddr"] != acked[mac][1]]
        tap.ok("%s: every client keeps its address after the recovery" % label,
               not moved, *moved[:10])
        ledger.add(recs4, decisions)
        differ = ["%s: %r, want %r" % (c.mac, victim.explain(c), decisions[c.mac])
                  for c in first if victim.explain(c) != decisions[c.mac]]
        tap.ok("%s: server1's pxekit-explain answers alike after its restart" % label,
               not differ, *differ[:5])
        for x in (victim, survivor):
            check_stats(tap, "%s: %s's statistics: %s" % (label, x.name, "from 0 at its restart"
                                                          if x is victim else "still every reply"),
                        x, ledger.want[x.addr], recs4)
    finally:
        if relay is not None:
            relay.close()
        for x in s:
            x.stop_all()
        print("# %s: %.1f s" % (label, time.time() - t0))
        sys.stdout.flush()


def check_examples(tap):
    """The pair as shipped: the hook's own checks pass on both files, and
    they differ in nothing but this-server-name (same pxekit parameters,
    same pools and reservations)."""
    for path in EXAMPLES:
        r = subprocess.run([CHECK, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        tap.ok("pxekit-kea-check accepts %s" % os.path.basename(path),
               r.returncode == 0 and r.stdout.rstrip().endswith(": ok, 6 rules"), r.stdout)
    one, two = (read_kea_json(p) for p in EXAMPLES)

    def ha_of(config):
        lib = [lib for lib in config["Dhcp4"]["hooks-libraries"]
               if lib["library"].endswith("libdhcp_ha.so")][0]
        return lib["parameters"]["high-availability"][0]
    names = (ha_of(one).pop("this-server-name", None), ha_of(two).pop("this-server-name", None))
    tap.eq("the examples name themselves server1 and server2", names, NAMES)
    tap.ok("the examples differ in nothing else", one == two)


def prerequisites(tap):
    """Kea's HA libraries (Debian's kea-dhcp4-server ships them)."""
    missing = [lib for lib in ("libdhcp_ha.so", "libdhcp_lease_cmds.so")
               if not os.path.isfile(os.path.join(KEA_HOOKS_DIR, lib))]
    if missing:
        tap.skip_all("Kea's %s not found in %s" % (" and ".join(missing), KEA_HOOKS_DIR))


def run(tap, wd, mode, tag):
    """The scenario single-threaded (kea-ctrl-agents) then multi-threaded."""
    if os.access(KEA_CTRL_AGENT, os.X_OK):
        scenario(tap, os.path.join(wd, "st"), mode, False, tag)
    else:
        tap.skip("%s single-threaded" % mode,
                 "kea-ctrl-agent not found (Debian package kea-ctrl-agent)")
    scenario(tap, os.path.join(wd, "mt"), mode, True, tag + 8)
