#!/usr/bin/env python3
"""dhcpwatch.py IFACE MAC COUNT SECONDS: counts the DHCPv4 requests MAC
sends (BOOTREQUEST to port 67) and the answers to it (BOOTREPLY from port
67) seen on IFACE, until COUNT requests or SECONDS passed; prints
"ready" once listening, then "requests=N replies=M".  The e2e uses it to
show that a client's DHCP went unanswered (boot-broken.test)."""

import socket
import struct
import sys
import time


def main():
    iface, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
    want, deadline = int(sys.argv[3]), time.time() + float(sys.argv[4])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((iface, 0))
    s.settimeout(0.5)
    print("ready", flush=True)
    requests = replies = 0
    while requests < want and time.time() < deadline:
        try:
            frame = s.recv(4096)
        except socket.timeout:
            continue
        ip = frame[14:]
        if len(ip) < 20 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 15) * 4:]
        # UDP header, then BOOTP: op at 0, chaddr at 28.
        if len(udp) < 8 + 34:
            continue
        sport, dport = struct.unpack("!HH", udp[:4])
        bootp = udp[8:]
        if bootp[28:34] != mac:
            continue
        if dport == 67 and bootp[0] == 1:
            requests += 1
        elif sport == 67 and bootp[0] == 2:
            replies += 1
    print("requests=%d replies=%d" % (requests, replies), flush=True)


if __name__ == "__main__":
    main()
