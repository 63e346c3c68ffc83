#!/usr/bin/python3
"""syslogd.py SOCKET LOG: a minimal syslog sink.  in.tftpd logs only to
/dev/log; the tests bind this socket over /dev/log in a private mount
namespace and read LOG, one message per line, each prefixed with the
time it arrived (epoch seconds, milliseconds): syslog's own stamp has
whole seconds only, too coarse to order a boot chain."""

import os
import socket
import sys
import time

path, log = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(log, "a", buffering=1) as out:
    while True:
        msg = s.recv(65536).decode("utf-8", "replace").rstrip("\n\0")
        out.write("%.3f %s\n" % (time.time(), msg))
