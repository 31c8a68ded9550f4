#!/usr/bin/python3
"""port_watch.py -- count what a router sends into a LAN, seen at the switch port.

  port_watch.py -i IFNAME [-p PORT] [-d SECONDS] [--json FILE]

Run inside the switch namespace on the bridge port of one router (e.g. tdm-r2d): frames
the router transmits arrive there as received frames (packet types other than OUTGOING).
Counts IPv6 UDP datagrams to PORT per destination group, with the wall-clock time of the
first and the last one, and VRRP (next header 112) and BFD (UDP 3784) frames by their
Ethernet source, and MLD queries (ICMPv6 130 behind the hop-by-hop header) by their
Ethernet source. Ends after --duration or on SIGTERM/SIGINT; SIGUSR1 prints a report and
goes on. Reports are one JSON line (stdout, and --json FILE).
"""
import argparse
import json
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def mac(b):
    return ":".join(f"{x:02x}" for x in b)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-i", "--ifname", required=True)
    ap.add_argument("-p", "--port", type=int, default=5000)
    ap.add_argument("-d", "--duration", type=float, default=0)
    ap.add_argument("--json")
    a = ap.parse_args()

    # protocol 0 first: an ETH_P_ALL socket would queue frames from every interface until
    # bind(); bound to the one port, it then takes all protocols from there only
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((a.ifname, ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    flags = {"stop": False, "report": False}
    signal.signal(signal.SIGTERM, lambda *_: flags.__setitem__("stop", True))
    signal.signal(signal.SIGINT, lambda *_: flags.__setitem__("stop", True))
    signal.signal(signal.SIGUSR1, lambda *_: flags.__setitem__("report", True))

    groups = {}          # dst -> [count, first wall, last wall, hop limit, src mac]
    vrrp = {}            # src mac -> count
    bfd = {}
    mld_query = {}       # src mac -> count
    started = time.time()

    def emit(final):
        rep = {"ifname": a.ifname, "started": round(started, 3), "at": round(time.time(), 3),
               "final": final,
               "groups": {g: {"count": v[0], "first": round(v[1], 3), "last": round(v[2], 3),
                              "hop_limit": v[3], "src_mac": v[4]} for g, v in groups.items()},
               "data_total": sum(v[0] for v in groups.values()),
               "vrrp": vrrp, "bfd": bfd, "mld_query": mld_query}
        line = json.dumps(rep)
        print(line, flush=True)
        if a.json:
            with open(a.json + ".tmp", "w") as f:
                f.write(line + "\n")
            os.replace(a.json + ".tmp", a.json)

    t_end = time.monotonic() + a.duration if a.duration else None
    while not flags["stop"]:
        if t_end and time.monotonic() >= t_end:
            break
        if flags["report"]:
            flags["report"] = False
            emit(False)
        try:
            r, _, _ = select.select([s], [], [], 0.1)
        except InterruptedError:
            continue
        if not r:
            continue
        while True:
            try:
                data, addr = s.recvfrom(2048, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                break
            if addr[0] != a.ifname or addr[2] == PACKET_OUTGOING or len(data) < 54:
                continue
            if struct.unpack_from("!H", data, 12)[0] != 0x86DD:
                continue
            nh, hlim = data[20], data[21]
            now = time.time()
            src = mac(data[6:12])
            if nh == 112:
                vrrp[src] = vrrp.get(src, 0) + 1
            elif nh == 0 and len(data) >= 64:
                # MLD rides behind a hop-by-hop Router Alert (RFC 3810 §5); 130 = query
                icmp = 54 + (data[55] + 1) * 8
                if data[54] == 58 and len(data) > icmp and data[icmp] == 130:
                    mld_query[src] = mld_query.get(src, 0) + 1
            elif nh == 17 and len(data) >= 62:
                dport = struct.unpack_from("!H", data, 56)[0]
                if dport == 3784:
                    bfd[src] = bfd.get(src, 0) + 1
                elif dport == a.port:
                    dst = socket.inet_ntop(socket.AF_INET6, data[38:54])
                    g = groups.get(dst)
                    if g is None:
                        groups[dst] = [1, now, now, hlim, src]
                    else:
                        g[0] += 1
                        g[2] = now
    emit(True)


if __name__ == "__main__":
    sys.exit(main())
