"""tftplib.py: what the tftp integration tests share.

A minimal TFTP client (RFC 1350, octet mode) that reports exactly what the
server said: the bytes, or the ERROR packet's code and text, or silence;
starting and stopping Debian's in.tftpd; TAP output.
"""

import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

TFTPD = os.environ.get("IN_TFTPD") or "/usr/sbin/in.tftpd"
TOP_BUILDDIR = os.environ.get("top_builddir", ".")
REMAP = os.path.join(TOP_BUILDDIR, "tftp-remap", "pxekit-remap")
MKTREE = os.path.join(TOP_BUILDDIR, "tests", "common", "mktree")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, *detail):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc))
        if not cond:
            self.failed += 1
            for d in detail:
                for line in str(d).splitlines():
                    print("# " + line)
        return cond

    def skip(self, desc, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, desc, why))

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


def free_port(family=socket.AF_INET):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1" if family == socket.AF_INET else "::1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def transfer(host, port, name, put=None, blksize=None, timeout=1.5):
    """RRQ (put is None) or WRQ of the bytes put.

    Returns ("data", bytes), ("nak", code, text) or ("silent",).
    """
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    op = 2 if put is not None else 1
    req = op.to_bytes(2, "big") + name.encode("latin-1") + b"\0octet\0"
    if blksize:
        req += b"blksize\0" + str(blksize).encode() + b"\0"
    size = blksize or 512
    try:
        s.sendto(req, (host, port))
        data = b""
        block = 0
        while True:
            try:
                pkt, peer = s.recvfrom(65536)
            except socket.timeout:
                return ("silent",)
            opc = int.from_bytes(pkt[:2], "big")
            if opc == 5:
                code = int.from_bytes(pkt[2:4], "big")
                text = pkt[4:].split(b"\0", 1)[0].decode("latin-1")
                return ("nak", code, text)
            if opc == 6:                    # OACK
                if put is None:
                    s.sendto(b"\0\4\0\0", peer)
                    continue
                ack_block = 0
            elif opc == 3 and put is None:  # DATA
                n = int.from_bytes(pkt[2:4], "big")
                if n == (block + 1) & 0xFFFF:
                    data += pkt[4:]
                    block = n
                s.sendto(b"\0\4" + pkt[2:4], peer)
                if len(pkt) - 4 < size:
                    return ("data", data)
                continue
            elif opc == 4 and put is not None:  # ACK
                ack_block = int.from_bytes(pkt[2:4], "big")
            else:
                return ("nak", -1, "unexpected opcode %d" % opc)
            # WRQ: send the block after the one acknowledged.
            off = ack_block * 512
            if off > len(put):
                return ("data", put)
            chunk = put[off:off + 512]
            s.sendto(b"\0\3" + ((ack_block + 1) & 0xFFFF).to_bytes(2, "big")
                     + chunk, peer)
            if len(chunk) < 512:
                # Wait for the last ACK.
                try:
                    s.recvfrom(65536)
                except socket.timeout:
                    pass
                return ("data", put)
    finally:
        s.close()


class Syslog:
    """A /dev/log for in.tftpd: a unix datagram socket we read.

    tftpd logs only to syslog and this machine has no /dev/log, so tftpd
    runs in a private mount namespace (unshare -m) whose /dev is a tmpfs
    with a /dev/log symlink to this socket.
    """

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if os.path.exists(path):
            os.unlink(path)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        self.sock.settimeout(0.1)
        # Read all the time: a full socket queue would block tftpd's
        # syslog() and so its answers.
        self.lock = threading.Lock()
        self.msgs = []
        self.running = True
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while self.running:
            try:
                msg = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            text = msg.decode("latin-1")
            # "<pri>Mon DD HH:MM:SS in.tftpd[pid]: message"
            text = text.split("]: ", 1)[1] if "]: " in text else text
            with self.lock:
                self.msgs.append(text)

    @staticmethod
    def usable():
        return (os.geteuid() == 0 and subprocess.run(
            ["unshare", "-m", "true"], stderr=subprocess.DEVNULL).returncode
            == 0)

    def wrap(self, argv):
        script = ('mount -t tmpfs pxekit-dev /dev && '
                  'mknod -m 666 /dev/null c 1 3 && '
                  'ln -s "$0" /dev/log && exec "$@"')
        return ["unshare", "-m", "sh", "-c", script, self.path] + argv

    def drain(self, settle=0.05):
        """The messages received so far (after a short settle)."""
        time.sleep(settle)
        with self.lock:
            out, self.msgs = self.msgs, []
        return out

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()
        os.unlink(self.path)


class Tftpd:
    """in.tftpd -L -s -m RULES -a ADDR:PORT ROOT, stopped by PID."""

    def __init__(self, root, rules=None, host="127.0.0.1", extra=(),
                 syslog=None):
        self.host = host
        self.port = free_port(socket.AF_INET6 if ":" in host else
                              socket.AF_INET)
        addr = ("[%s]" % host if ":" in host else host) + ":%d" % self.port
        argv = [TFTPD, "-L", "-s"]
        if rules:
            argv += ["-m", rules]
        argv += list(extra) + ["-a", addr, root]
        if syslog is not None:
            argv = syslog.wrap(argv[:1] + ["-vvv"] + argv[1:])
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        self.wait_bound()

    def wait_bound(self):
        """Until the port is bound (or tftpd has exited)."""
        table = "/proc/net/udp6" if ":" in self.host else "/proc/net/udp"
        want = ":%04X" % self.port
        for _ in range(100):
            if self.proc.poll() is not None:
                return
            with open(table) as f:
                if any(line.split()[1].endswith(want)
                       for line in f.readlines()[1:]):
                    return
            time.sleep(0.05)

    def alive(self):
        return self.proc.poll() is None

    def children(self):
        kids = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                kids.append(int(pid))
        return kids

    def kill_children(self):
        for pid in self.children():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def stop(self):
        self.kill_children()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def workdir(many_files=False):
    """A world-readable temp dir; on tmpfs for a tree of thousands of
    entries (this disk takes seconds to unlink them)."""
    where = None
    if many_files and os.access("/dev/shm", os.W_OK):
        where = "/dev/shm"
    d = tempfile.mkdtemp(prefix="pxekit-tftp.", dir=where)
    os.chmod(d, 0o755)
    return d


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)


def remap(*args):
    p = subprocess.run([REMAP] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("latin-1"), p.stderr.decode("latin-1")
