#!/usr/bin/python3
"""mcast_recv.py -- join IPv6 multicast groups through the kernel and account for every packet.

  mcast_recv.py -i IFNAME [-p PORT] [--name H] [--json FILE] [-d SECONDS]
                [--gap-ms 20] [--api classic|rfc3678] GROUP[@SOURCE] ...

GROUP alone is an any-source join (IPV6_JOIN_GROUP, or MCAST_JOIN_GROUP with
--api rfc3678); GROUP@SOURCE a source-specific join (MCAST_JOIN_SOURCE_GROUP, RFC 3678).
The kernel turns the joins into MLD reports itself: MLDv2 or MLDv1 according to the
interface's force_mld_version, so this tool never crafts MLD.

Each group has its own socket bound to (GROUP, PORT), so the kernel delivers only that
group's datagrams to it. Payloads come from mcast_send.py (sequence numbers). Per group we
count packets, duplicates and reordering, the packets missing between the first and the
highest sequence seen ("lost"), and the gaps, timed by the kernel's receive timestamps
(SO_TIMESTAMPNS) so a receiver scheduled late on a busy machine still measures the network:
"max_gap_ms" is the longest inter-arrival gap; "interruption_ms" the longest loss event in
source time (send time of the first packet after a hole minus that of the last packet
before it), i.e. how long the path was broken. Gaps above --gap-ms or with losses are listed
as [wall start, arrival gap ms, source gap ms, missing packets].

Signals: SIGUSR1 prints a report and goes on; SIGUSR2 resets the counters (the joins
stay); SIGTERM/SIGINT print the final report and exit (closing the sockets, so the kernel
sends its Done / TO_IN{} reports). The report is one JSON line on stdout, also written to
--json FILE (atomically) when given.
"""
import argparse
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time

IPPROTO_IPV6 = socket.IPPROTO_IPV6
MCAST_JOIN_GROUP = 42
MCAST_JOIN_SOURCE_GROUP = 46
SO_RCVBUFFORCE = 33
SO_TIMESTAMPNS = 35          # SCM_TIMESTAMPNS: struct timespec of the kernel's receive time
TIMESPEC = struct.Struct("=qq")
SS_SIZE = 128
HDR = struct.Struct("!4sIQQ")
MAGIC = b"TDM1"


def sockaddr_in6(addr):
    """struct sockaddr_in6 padded to sockaddr_storage (LP64 layout)."""
    raw = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0,
                      socket.inet_pton(socket.AF_INET6, addr), 0)
    return raw.ljust(SS_SIZE, b"\0")


def group_req(ifindex, group):
    return struct.pack("=I4x", ifindex) + sockaddr_in6(group)


def group_source_req(ifindex, group, source):
    return struct.pack("=I4x", ifindex) + sockaddr_in6(group) + sockaddr_in6(source)


class GroupStats:
    def __init__(self, spec, gap_ms):
        self.spec = spec
        self.gap_s = gap_ms / 1000.0
        self.reset()

    def reset(self):
        self.received = 0
        self.dups = 0
        self.reordered = 0
        self.first_seq = None
        self.highest = 0
        self.highest_sent_ns = 0
        self.seen = bytearray()
        self.last_rx = None          # kernel receive time (s since the epoch)
        self.max_gap = 0.0
        self.max_gap_at = None
        self.interruption = 0.0      # longest loss event, in source time
        self.interruption_at = None
        self.gaps = []               # [wall start, arrival gap ms, source gap ms, missing]
        self.latency_max = 0.0

    def packet(self, seq, sent_ns, rx):
        """rx: kernel receive timestamp (SO_TIMESTAMPNS), so a receiver that is scheduled
        late on a busy machine still measures the network's gaps, not its own."""
        self.received += 1
        if self.first_seq is None:
            self.first_seq = seq
        idx = seq - self.first_seq
        if idx < 0:
            self.reordered += 1      # older than the first one we counted: ignore
            return
        if idx >= len(self.seen):
            self.seen.extend(b"\0" * max(idx + 1 - len(self.seen), 4096))
        if self.seen[idx]:
            self.dups += 1
            return
        self.seen[idx] = 1
        if seq < self.highest:
            self.reordered += 1
            return
        if self.last_rx is not None:
            gap = rx - self.last_rx
            missing = seq - self.highest - 1
            # source-time span between the last packet before the hole and the first after
            # it: how long the path was broken, independent of scheduling at either end
            src_gap = (sent_ns - self.highest_sent_ns) / 1e9 if missing > 0 else 0.0
            if gap > self.max_gap:
                self.max_gap = gap
                self.max_gap_at = self.last_rx
            if src_gap > self.interruption:
                self.interruption = src_gap
                self.interruption_at = self.last_rx
            if gap > self.gap_s or missing > 0:
                self.gaps.append([round(self.last_rx, 3), round(gap * 1e3, 1),
                                  round(src_gap * 1e3, 1), missing])
        self.highest = seq
        self.highest_sent_ns = sent_ns
        self.last_rx = rx
        lat = rx - sent_ns / 1e9
        if lat > self.latency_max:
            self.latency_max = lat

    def report(self, now):
        unique = 0
        lost = 0
        if self.first_seq is not None:
            span = self.highest - self.first_seq + 1
            unique = sum(self.seen[:span])
            lost = span - unique
        return {
            "received": self.received, "unique": unique, "dups": self.dups,
            "reordered": self.reordered, "first_seq": self.first_seq,
            "last_seq": self.highest or None, "lost": lost,
            "interruption_ms": round(self.interruption * 1e3, 1),
            "interruption_at": None if self.interruption_at is None else round(self.interruption_at, 3),
            "max_gap_ms": round(self.max_gap * 1e3, 1),
            "max_gap_at": None if self.max_gap_at is None else round(self.max_gap_at, 3),
            "gaps": sorted(self.gaps, key=lambda g: -max(g[1], g[2]))[:10],
            "last_rx_age_ms": None if self.last_rx is None else round((now - self.last_rx) * 1e3, 1),
            "last_rx_wall": None if self.last_rx is None else round(self.last_rx, 3),
            "max_latency_ms": round(self.latency_max * 1e3, 2),
        }


def open_group(spec, ifname, ifindex, port, api):
    group, _, source = spec.partition("@")
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 22)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((group, port, 0, 0))
    if source:
        s.setsockopt(IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP,
                     group_source_req(ifindex, group, source))
    elif api == "rfc3678":
        s.setsockopt(IPPROTO_IPV6, MCAST_JOIN_GROUP, group_req(ifindex, group))
    else:
        mreq = socket.inet_pton(socket.AF_INET6, group) + struct.pack("=I", ifindex)
        s.setsockopt(IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    s.setblocking(False)
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-i", "--ifname", required=True)
    ap.add_argument("-p", "--port", type=int, default=5000)
    ap.add_argument("--name", default=os.uname().nodename)
    ap.add_argument("--json", help="write each report here too (atomic rename)")
    ap.add_argument("-d", "--duration", type=float, default=0, help="0 = until signalled")
    ap.add_argument("--gap-ms", type=float, default=20.0, help="list gaps longer than this")
    ap.add_argument("--api", choices=["classic", "rfc3678"], default="classic",
                    help="ASM join call: IPV6_JOIN_GROUP (classic) or MCAST_JOIN_GROUP")
    ap.add_argument("groups", nargs="+", help="GROUP or GROUP@SOURCE")
    a = ap.parse_args()

    ifindex = socket.if_nametoindex(a.ifname)
    mldver = "?"
    try:
        with open(f"/proc/sys/net/ipv6/conf/{a.ifname}/force_mld_version") as f:
            mldver = {"0": "auto", "1": "v1", "2": "v2"}.get(f.read().strip(), "?")
    except OSError:
        pass
    sel = selectors.DefaultSelector()
    stats = {}
    for spec in a.groups:
        s = open_group(spec, a.ifname, ifindex, a.port, a.api)
        st = GroupStats(spec, a.gap_ms)
        stats[spec] = (s, st)
        sel.register(s, selectors.EVENT_READ, st)
    joined_at = time.time()

    flags = {"report": False, "reset": False, "stop": False}
    signal.signal(signal.SIGUSR1, lambda *_: flags.__setitem__("report", True))
    signal.signal(signal.SIGUSR2, lambda *_: flags.__setitem__("reset", True))
    signal.signal(signal.SIGTERM, lambda *_: flags.__setitem__("stop", True))
    signal.signal(signal.SIGINT, lambda *_: flags.__setitem__("stop", True))

    def emit(final):
        now = time.time()
        groups = {spec: st.report(now) for spec, (_, st) in stats.items()}
        rep = {"host": a.name, "ifname": a.ifname, "mld": mldver, "joined_at": round(joined_at, 3),
               "at": round(time.time(), 3), "final": final, "groups": groups,
               "lost": sum(g["lost"] for g in groups.values()),
               "received": sum(g["received"] for g in groups.values()),
               "dups": sum(g["dups"] for g in groups.values()),
               "max_gap_ms": max((g["max_gap_ms"] for g in groups.values()), default=0),
               "interruption_ms": max((g["interruption_ms"] for g in groups.values()), default=0)}
        line = json.dumps(rep)
        print(line, flush=True)
        if a.json:
            tmp = a.json + ".tmp"
            with open(tmp, "w") as f:
                f.write(line + "\n")
            os.replace(tmp, a.json)

    t_end = time.monotonic() + a.duration if a.duration else None
    buf = bytearray(2048)
    ancbufsize = socket.CMSG_SPACE(TIMESPEC.size)
    while not flags["stop"]:
        if t_end and time.monotonic() >= t_end:
            break
        for key, _ in sel.select(timeout=0.2):
            st = key.data
            sock = key.fileobj
            while True:
                try:
                    n, anc, _fl, _addr = sock.recvmsg_into([buf], ancbufsize)
                except (BlockingIOError, InterruptedError):
                    break
                if n < HDR.size:
                    continue
                magic, _gi, seq, sent_ns = HDR.unpack_from(buf)
                if magic != MAGIC:
                    continue
                rx = None
                for level, typ, data in anc:
                    if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                        sec, nsec = TIMESPEC.unpack_from(data)
                        rx = sec + nsec / 1e9
                st.packet(seq, sent_ns, rx if rx is not None else time.time())
        if flags["report"]:
            flags["report"] = False
            emit(False)
        if flags["reset"]:
            flags["reset"] = False
            for _, st in stats.values():
                st.reset()
    emit(True)
    for s, _ in stats.values():
        s.close()


if __name__ == "__main__":
    sys.exit(main())
