#!/usr/bin/python3
"""ra.py IFNAME PREFIX [managed]: send IPv6 router advertisements on
IFNAME, once a second, until killed.

iPXE waits ~15 s for a router advert before it gives up on IPv6; an
advert with no managed/other flags, a zero router lifetime and one
on-link SLAAC prefix lets it finish at once.  The kernel fills in the
ICMPv6 checksum for raw ICMPv6 sockets.

With "managed" the advert sets the M flag (RFC 4861): addresses come
from DHCPv6, and iPXE then runs its DHCPv6 client (the ipv6 scenario)."""

import socket
import struct
import sys
import time

ifname, prefix = sys.argv[1], sys.argv[2]
flags = 0x80 if sys.argv[3:4] == ["managed"] else 0
ifindex = socket.if_nametoindex(ifname)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)

# Router advert: type 134, code 0, checksum, hop limit 64, flags (M or
# none), router lifetime 0 (not a default router), reachable 0, retrans 0.
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, flags, 0, 0, 0)
# Prefix information: on-link and autonomous, lifetimes of an hour.
net = socket.inet_pton(socket.AF_INET6, prefix)
ra += struct.pack("!BBBBII4x", 3, 4, 64, 0xC0, 3600, 3600) + net

while True:
    try:
        s.sendto(ra, ("ff02::1", 0, 0, ifindex))
    except OSError:
        pass                # the link may not be up yet
    time.sleep(1)
