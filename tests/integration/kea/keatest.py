"""keatest: run a real kea-dhcp4 with the pxekit hook and talk DHCPv4 to it.

Kea runs in relay mode on loopback (no root, no raw sockets): the subnet
answers relay 127.0.0.1, clients send relayed packets (giaddr 127.0.0.1) to
the server port and read replies on the client port.  Packets are built with
scapy; replies are parsed here byte by byte so the test sees exactly what
Kea sent.  Output is TAP.
"""

import json
import glob
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from scapy.all import BOOTP, DHCP  # noqa: E402  (Debian's python3-scapy)

TOP_SRCDIR = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "../../.."))
TOP_BUILDDIR = os.environ.get("top_builddir", TOP_SRCDIR)
KEA_DHCP4 = os.environ.get("KEA_DHCP4") or shutil.which("kea-dhcp4") or "/usr/sbin/kea-dhcp4"
HOOK = os.path.join(TOP_BUILDDIR, "kea-hook/.libs/libdhcp_pxekit.so")
# Where Debian's kea-dhcp4 keeps its own hooks (libdhcp_bootp.so, ...).
KEA_HOOKS_DIR = os.environ.get("KEA_HOOKS_DIR") or next(
    iter(sorted(glob.glob("/usr/lib/*/kea/hooks"))), "/usr/lib/kea/hooks")
CHECK = os.path.join(TOP_BUILDDIR, "kea-hook/pxekit-kea-check")
EXAMPLE = os.path.join(TOP_SRCDIR, "examples/kea/kea-dhcp4.conf")


class Tap:
    """TAP producer; the plan is printed at the end."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, desc, cond, *diag):
        self.n += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.n, desc))
        if not cond:
            self.failed += 1
            for d in diag:
                for line in str(d).splitlines():
                    print("# " + line)
        sys.stdout.flush()
        return cond

    def eq(self, desc, got, want):
        return self.ok(desc, got == want, "got:  %r" % (got,), "want: %r" % (want,))

    def like(self, desc, got, pattern):
        return self.ok(desc, re.search(pattern, got or "") is not None,
                       "got:  %r" % (got,), "want /%s/" % pattern)

    def skip(self, desc, reason):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, desc, reason))

    def skip_all(self, reason):
        print("1..0 # SKIP " + reason)
        sys.exit(0)

    def done(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)


def free_port(kind=socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_kea_json(path):
    """Kea's syntax allows // comments: strip whole-line ones, as ours are."""
    with open(path) as f:
        text = "".join(l for l in f if not l.lstrip().startswith("//"))
    return json.loads(text)


def sanitized():
    """True in the sanitizer build: Kea runs with the ASan runtime preloaded."""
    return bool(os.environ.get("PXE_ASAN_RUNTIME")) and os.path.isfile(os.environ["PXE_ASAN_RUNTIME"])


# The hook adds its counts to StatsMgr on a 1 s timer
# (STATS_PUBLISH_INTERVAL_MS): a read of them may lag by that period, plus
# the time Kea's main thread is busy.  Reads poll up to this long.
STATS_PERIOD = 1.0
STATS_BOUND = STATS_PERIOD + (4.0 if sanitized() else 1.5)


# Seen here: kea-dhcp4 with the ASan runtime preloaded never finishes
# exiting after SIGTERM, with or without any hook loaded.  Clean-exit
# assertions are made in the plain build only.
EXIT_HANGS = "kea-dhcp4 hangs at exit with the ASan runtime preloaded (hook or not)"


def preload_env():
    env = dict(os.environ)
    rt = [p for p in (os.environ.get("PXE_ASAN_RUNTIME"), os.environ.get("PXE_UBSAN_RUNTIME"))
          if p and os.path.isfile(p)]
    if rt:
        env["LD_PRELOAD"] = " ".join(rt)
        # Kea itself is not instrumented: its own exit-time allocations
        # are not ours to report.
        env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=0"
    return env


def private_env(d):
    """The environment of a private Kea daemon: PID and lock files in d."""
    env = preload_env()
    env["KEA_PIDFILE_DIR"] = d
    env["KEA_LOCKFILE_DIR"] = d
    return env


class Kea:
    """A private kea-dhcp4: temp dir, loopback ports, stopped by PID."""

    def __init__(self, workdir, name="kea"):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.sport = free_port()
        self.cport = free_port()
        self.sock_path = os.path.join(self.dir, "ctrl.sock")
        self.log_path = os.path.join(self.dir, "kea.log")
        self.out_path = os.path.join(self.dir, "kea.out")
        self.proc = None
        self.binary = KEA_DHCP4         # keatest6.Kea6 runs kea-dhcp6

    def localize(self, config, mt=False):
        """Points an example config at this instance's loopback and files."""
        d4 = config["Dhcp4"]
        d4["interfaces-config"] = {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"}
        d4["lease-database"] = {"type": "memfile", "persist": True,
                                "name": os.path.join(self.dir, "leases4.csv"),
                                "lfc-interval": 0}
        d4["control-socket"] = {"socket-type": "unix", "socket-name": self.sock_path}
        for lib in d4.get("hooks-libraries", []):
            if lib["library"].endswith("libdhcp_pxekit.so"):
                lib["library"] = HOOK
        for subnet in d4.get("subnet4", []):
            subnet["relay"] = {"ip-addresses": ["127.0.0.1"]}
        d4["loggers"] = [{
            "name": "kea-dhcp4",
            "output_options": [{"output": self.log_path, "flush": True}],
            "severity": "DEBUG", "debuglevel": 40,
        }]
        d4["multi-threading"] = ({"enable-multi-threading": True, "thread-pool-size": 4,
                                  "packet-queue-size": 64} if mt else
                                 {"enable-multi-threading": False})
        return config

    def start(self, config, wait=True):
        path = os.path.join(self.dir, os.path.basename(self.binary) + ".conf")
        with open(path, "w") as f:
            json.dump(config, f, indent=2)
        env = private_env(self.dir)
        self.out = open(self.out_path, "w")
        self.proc = subprocess.Popen(
            [self.binary, "-p", str(self.sport), "-P", str(self.cport), "-c", path],
            stdout=self.out, stderr=subprocess.STDOUT, env=env, cwd=self.dir)
        if not wait:
            return True
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            # Kea answers commands from its main loop, i.e. once serving.
            if os.path.exists(self.sock_path):
                try:
                    if self.command("version-get").get("result") == 0:
                        return True
                except (OSError, ValueError):
                    pass
            time.sleep(0.1)
        return False

    def wait_exit(self, seconds=20):
        try:
            return self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5 if sanitized() else 15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        return self.proc.returncode

    def log(self):
        text = ""
        for p in (self.log_path, self.out_path):
            try:
                with open(p, errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        return text

    def command(self, command, arguments=None):
        req = {"command": command}
        if arguments is not None:
            req["arguments"] = arguments
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.sock_path)
        s.sendall(json.dumps(req).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            try:
                reply = json.loads(data)
                break
            except ValueError:
                continue
        s.close()
        return reply

    def stat(self, name):
        reply = self.command("statistic-get", {"name": name})
        values = reply.get("arguments", {}).get(name)
        return values[0][0] if values else None

    def stats_settled(self, want):
        """Polls the statistics named in want until they all read their
        value there, at most STATS_BOUND seconds; returns {name: value}
        as read last, for the caller to compare with want.  A 0 alone
        proves nothing (it reads 0 before the timer too): put a count the
        same replies make beside it."""
        deadline = time.time() + STATS_BOUND
        while True:
            got = {n: self.stat(n) for n in want}
            if got == want or time.time() > deadline:
                return got
            time.sleep(0.05)


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def opt(code, data):
    """One raw option; data may be longer than 255 only to build bad ones."""
    if isinstance(data, str):
        data = data.encode()
    return bytes([code, len(data) & 0xFF]) + data


PRL_PXE = opt(55, bytes([1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42,
                         43, 50, 51, 54, 58, 59, 60, 66, 67, 128, 129, 130, 131, 132,
                         133, 134, 135]))
PRL_NO_67 = opt(55, bytes([1, 3, 6, 15, 28, 43, 60, 66]))


class Client:
    """Relay-mode DHCPv4 client on loopback."""

    def __init__(self, kea):
        self.kea = kea
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", kea.cport))
        self.sock.settimeout(3)

    def packet(self, mac, msgtype, options, xid):
        p = BOOTP(op=1, htype=1, hlen=6, hops=1, xid=xid, giaddr="127.0.0.1",
                  chaddr=mac_bytes(mac)) / DHCP(options=[("message-type", msgtype)] +
                                                list(options) + ["end"])
        return bytes(p)

    def send_raw(self, data, xid, timeout=3):
        self.sock.sendto(data, ("127.0.0.1", self.kea.sport))
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.time()))
            try:
                reply, _ = self.sock.recvfrom(4096)
            except socket.timeout:
                return None
            r = parse(reply)
            if r and r["xid"] == xid:
                return r
        return None

    def exchange(self, mac, options, msgtype="discover", extra=(), timeout=3):
        xid = random.randrange(1, 2 ** 32)
        return self.send_raw(self.packet(mac, msgtype, list(options) + list(extra), xid),
                             xid, timeout)

    def dora(self, mac, options):
        """DISCOVER then REQUEST; returns (offer, ack)."""
        offer = self.exchange(mac, options)
        if offer is None or 54 not in offer["options"]:
            return offer, None
        ack = self.exchange(mac, options, "request",
                            [opt(50, socket.inet_aton(offer["yiaddr"])),
                             opt(54, offer["options"][54])])
        return offer, ack


def parse(data):
    """A BOOTP reply: fixed fields and options {code: bytes}."""
    if len(data) < 240 or data[236:240] != b"\x63\x82\x53\x63":
        return None
    r = {
        "op": data[0],
        "xid": int.from_bytes(data[4:8], "big"),
        "yiaddr": socket.inet_ntoa(data[16:20]),
        "siaddr": socket.inet_ntoa(data[20:24]),
        "sname": data[44:108].split(b"\0", 1)[0].decode("latin-1"),
        "file": data[108:236].split(b"\0", 1)[0].decode("latin-1"),
        "options": {},
    }
    i = 240
    while i < len(data):
        code = data[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(data):
            break
        n = data[i + 1]
        r["options"][code] = data[i + 2:i + 2 + n]
        i += 2 + n
    r["type"] = r["options"].get(53, b"\0")[0]
    return r


def workdir():
    d = tempfile.mkdtemp(prefix="pxekit-kea.")
    os.chmod(d, 0o755)
    return d


def cleanup(d, *keas):
    for k in keas:
        try:
            k.stop()
        except Exception:  # a test that failed half-way still cleans up
            pass
    if not os.environ.get("PXE_KEEP"):
        shutil.rmtree(d, ignore_errors=True)


def prerequisites(tap):
    if not os.path.isfile(HOOK):
        tap.skip_all("hook not built (%s)" % HOOK)
    if not os.access(KEA_DHCP4, os.X_OK):
        tap.skip_all("kea-dhcp4 not found")
