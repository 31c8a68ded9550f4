#!/usr/bin/python3
"""mcast_send.py -- sequence-numbered IPv6 multicast UDP, R packets/s to each of N groups.

  mcast_send.py -i IFNAME [-s SRC] [-p PORT] [-r RATE] [--hops 16] [-d SECONDS]
                [--size BYTES] [--json FILE] GROUP [GROUP ...]

Payload (network order): magic b"TDM1", group index (u32), sequence (u64, from 1),
send time (u64, ns since the epoch), padded to --size bytes.

Pacing: the schedule is absolute (packet k of every group is due at t0 + k/RATE); a late
loop sends what is due at once, so the average rate holds on a busy machine. Runs for
--duration seconds or until SIGTERM/SIGINT, then prints (and writes to --json) one JSON
object: {"sent": {group: last_seq}, "rate": R, "start": t, "end": t}.
"""
import argparse
import json
import signal
import socket
import struct
import sys
import time

MAGIC = b"TDM1"
HDR = struct.Struct("!4sIQQ")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-i", "--ifname", required=True)
    ap.add_argument("-s", "--source", help="bind to this source address (SSM source)")
    ap.add_argument("-p", "--port", type=int, default=5000)
    ap.add_argument("-r", "--rate", type=float, default=1000.0, help="packets/s per group")
    ap.add_argument("--hops", type=int, default=16, help="IPv6 hop limit")
    ap.add_argument("-d", "--duration", type=float, default=0, help="0 = until signalled")
    ap.add_argument("--size", type=int, default=64, help="UDP payload bytes (>= 24)")
    ap.add_argument("--json", help="also write the final report here")
    ap.add_argument("groups", nargs="+")
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    ifindex = socket.if_nametoindex(a.ifname)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, a.hops)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    s.bind((a.source or "::", 0))
    dests = [(g, a.port, 0, 0) for g in a.groups]
    pad = b"\0" * max(0, a.size - HDR.size)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    seq = 0
    errors = 0
    t0 = time.monotonic()
    start_wall = time.time()
    period = 1.0 / a.rate
    while not stop:
        now = time.monotonic()
        if a.duration and now - t0 >= a.duration:
            break
        due = int((now - t0) / period) + 1          # packets per group due by now
        while seq < due and not stop:
            seq += 1
            ns = time.time_ns()
            for gi, d in enumerate(dests):
                try:
                    s.sendto(HDR.pack(MAGIC, gi, seq, ns) + pad, d)
                except OSError:
                    errors += 1                      # e.g. ENOBUFS: counted, seq still used
        nxt = t0 + seq * period
        delay = nxt - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    report = {"sent": {g: seq for g in a.groups}, "rate": a.rate, "errors": errors,
              "start": start_wall, "end": time.time()}
    out = json.dumps(report)
    print(out, flush=True)
    if a.json:
        with open(a.json, "w") as f:
            f.write(out + "\n")


if __name__ == "__main__":
    sys.exit(main())
