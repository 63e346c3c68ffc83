"""keatest6: a real kea-dhcp6 with the pxekit hook, and DHCPv6 to it.

As keatest does for v4: kea-dhcp6 on loopback (lo/::1) with the server
and client ports given (-p, -P), no raw sockets.  Clients are relayed:
each SOLICIT or REQUEST goes inside a RELAY-FORW whose link-address lies
in the test subnet (so Kea selects it); Kea sends the RELAY-REPL to the
relay's address at the client port given with -P, where the test reads.  Packets are built here
byte by byte (malformed options must be exactly as written) and replies
parsed byte by byte, so the test sees exactly what Kea sent.
"""

import os
import random
import shutil
import socket
import struct

from keatest import Kea, HOOK, TOP_SRCDIR

KEA_DHCP6 = os.environ.get("KEA_DHCP6") or shutil.which("kea-dhcp6") or "/usr/sbin/kea-dhcp6"

EXAMPLE6 = os.path.join(TOP_SRCDIR, "examples/kea/kea-dhcp6.conf")
LINK = "2001:db8:1::1"          # the relay's link-address, in the subnet

SOLICIT, ADVERTISE, REQUEST, REPLY, RELAY_FORW, RELAY_REPL = 1, 2, 3, 7, 12, 13
OPT_CLIENTID, OPT_SERVERID, OPT_IA_NA, OPT_IAADDR, OPT_ORO = 1, 2, 3, 5, 6
OPT_ELAPSED, OPT_RELAY_MSG, OPT_USER_CLASS, OPT_VENDOR_CLASS = 8, 9, 15, 16
OPT_BOOTFILE_URL, OPT_BOOTFILE_PARAM, OPT_CLIENT_ARCH = 59, 60, 61
OPT_LLADDR = 79


def free_port6():
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(("::1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def opt6(code, data):
    if isinstance(data, str):
        data = data.encode()
    return struct.pack(">HH", code, len(data)) + data


def duid_ll(mac):
    return b"\x00\x03\x00\x01" + bytes(int(x, 16) for x in mac.split(":"))


def instances(*items):
    """RFC 8415 user/vendor class data: 16-bit length, bytes, each."""
    return b"".join(struct.pack(">H", len(i)) + (i.encode() if isinstance(i, str) else i)
                    for i in items)


def vendor_class(text, enterprise=343):
    return struct.pack(">I", enterprise) + instances(text)


def parse_options(data):
    """{code: [payload, ...]}; None when the lengths do not add up."""
    out = {}
    pos = 0
    while pos < len(data):
        if len(data) - pos < 4:
            return None
        code, n = struct.unpack(">HH", data[pos:pos + 4])
        pos += 4
        if n > len(data) - pos:
            return None
        out.setdefault(code, []).append(data[pos:pos + n])
        pos += n
    return out


def parse_reply(data):
    """The message inside a RELAY-REPL: {type, xid, options, addr}."""
    if len(data) < 34 or data[0] != RELAY_REPL:
        return None
    outer = parse_options(data[34:])
    if not outer or OPT_RELAY_MSG not in outer:
        return None
    inner = outer[OPT_RELAY_MSG][0]
    if len(inner) < 4:
        return None
    options = parse_options(inner[4:])
    if options is None:
        return None
    r = {"type": inner[0], "xid": int.from_bytes(inner[1:4], "big"),
         "options": options, "addr": None, "raw": inner}
    for ia in options.get(OPT_IA_NA, []):
        sub = parse_options(ia[12:]) or {}
        for a in sub.get(OPT_IAADDR, []):
            r["addr"] = socket.inet_ntop(socket.AF_INET6, a[:16])
            r["iaaddr"] = a
    return r


class Kea6(Kea):
    """A private kea-dhcp6: temp dir, ::1 ports, stopped by PID."""

    def __init__(self, workdir, name="kea6"):
        Kea.__init__(self, workdir, name)
        self.binary = KEA_DHCP6
        self.sport = free_port6()
        self.cport = free_port6()

    def localize(self, config, mt=False):
        """Points the example config at this instance's ::1 and files."""
        d6 = config["Dhcp6"]
        d6["interfaces-config"] = {"interfaces": ["lo/::1"]}
        d6["data-directory"] = self.dir         # the server DUID's file
        d6["lease-database"] = {"type": "memfile", "persist": True,
                                "name": os.path.join(self.dir, "leases6.csv"),
                                "lfc-interval": 0}
        d6["control-socket"] = {"socket-type": "unix", "socket-name": self.sock_path}
        for lib in d6.get("hooks-libraries", []):
            if lib["library"].endswith("libdhcp_pxekit.so"):
                lib["library"] = HOOK
        for subnet in d6.get("subnet6", []):
            # Relayed: selected by the relay's link-address, not by eth0.
            subnet.pop("interface", None)
        d6["loggers"] = [{
            "name": "kea-dhcp6",
            "output_options": [{"output": self.log_path, "flush": True}],
            "severity": "DEBUG", "debuglevel": 40,
        }]
        d6["multi-threading"] = ({"enable-multi-threading": True, "thread-pool-size": 4,
                                  "packet-queue-size": 64} if mt else
                                 {"enable-multi-threading": False})
        return config


class Client6:
    """Relayed DHCPv6 clients on one UDP socket (the relay's)."""

    def __init__(self, kea):
        self.kea = kea
        self.sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.sock.bind(("::1", kea.cport))

    def message(self, msgtype, mac, options, xid, duid=None, ia=None):
        """A client message: DUID-LL of mac (or duid), IA_NA, ORO, elapsed."""
        body = opt6(OPT_CLIENTID, duid_ll(mac) if duid is None else duid)
        body += opt6(OPT_IA_NA, struct.pack(">III", 1, 0, 0) + (ia or b""))
        body += opt6(OPT_ORO, struct.pack(">HH", OPT_BOOTFILE_URL, OPT_BOOTFILE_PARAM))
        body += opt6(OPT_ELAPSED, b"\x00\x00")
        body += b"".join(options)
        return bytes([msgtype]) + xid.to_bytes(3, "big") + body

    def relay(self, inner, mac, relay_options=()):
        peer = "fe80::5054:ff:fe%s:%s" % (mac.replace(":", "")[6:8], mac.replace(":", "")[8:12])
        out = bytes([RELAY_FORW, 0])
        out += socket.inet_pton(socket.AF_INET6, LINK)
        out += socket.inet_pton(socket.AF_INET6, peer)
        out += b"".join(relay_options)
        out += opt6(OPT_RELAY_MSG, inner)
        return out

    def send(self, data):
        self.sock.sendto(data, ("::1", self.kea.sport))

    def wait(self, xid, timeout=3):
        self.sock.settimeout(timeout)
        try:
            while True:
                data, _ = self.sock.recvfrom(65536)
                r = parse_reply(data)
                if r and r["xid"] == xid:
                    return r
        except socket.timeout:
            return None

    def exchange(self, msgtype, mac, options, relay_options=(), duid=None, ia=None,
                 extra=(), timeout=3):
        xid = random.randrange(1, 2 ** 24)
        inner = self.message(msgtype, mac, options, xid, duid, ia) + b"".join(extra)
        self.send(self.relay(inner, mac, relay_options))
        return self.wait(xid, timeout)

    def sarr(self, mac, options, relay_options=(), duid=None):
        """SOLICIT, then REQUEST for what was advertised: (ADVERTISE, REPLY)."""
        adv = self.exchange(SOLICIT, mac, options, relay_options, duid)
        if not adv or OPT_SERVERID not in adv["options"] or "iaaddr" not in adv:
            return adv, None
        ia = opt6(OPT_IAADDR, adv["iaaddr"])
        rep = self.exchange(REQUEST, mac, options, relay_options, duid, ia,
                            extra=[opt6(OPT_SERVERID, adv["options"][OPT_SERVERID][0])])
        return adv, rep
