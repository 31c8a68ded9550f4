#!/usr/bin/env python3
"""`tandemctl decode` reads every capture format tshark and tcpdump write, with one output.

Usage: capture_formats_test.py TANDEMCTL PATH...
Each PATH is a classic Ethernet pcap or a directory whose *.pcap files are all read. For each
one, the same frames are written as:
  - pcapng (editcap -F pcapng), the default of tshark and dumpcap;
  - Linux cooked v1 (LINKTYPE_LINUX_SLL, 113) and v2 (LINKTYPE_LINUX_SLL2, 276), what
    `tcpdump -i any` writes: the Ethernet header replaced by the pseudo header a Linux
    capture on the any device puts there (protocol, packet type, sender's MAC);
  - the SLL2 file again as pcapng.
tshark must see the same IPv6 packets in each rewrite as in the original (so the rewrites
are captures Wireshark agrees with), and `tandemctl decode` must print exactly the lines it
prints for the original. Exits 77 (skipped) without editcap and tshark.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from classic_pcap import read_classic, write_classic

PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST = 0, 1, 2
ARPHRD_ETHER = 1


def packet_type(eth_dst):
    if eth_dst == b"\xff" * 6:
        return PACKET_BROADCAST
    return PACKET_MULTICAST if eth_dst[0] & 1 else PACKET_HOST


def to_sll(frame):
    # LINKTYPE_LINUX_SLL: packet type, ARPHRD, address length, address (8), protocol.
    dst, src, proto = frame[0:6], frame[6:12], frame[12:14]
    return (struct.pack(">HHH", packet_type(dst), ARPHRD_ETHER, 6) + src + b"\0\0" + proto +
            frame[14:])


def to_sll2(frame, ifindex=3):
    # LINKTYPE_LINUX_SLL2: protocol, reserved, ifindex, ARPHRD, packet type, address length,
    # address (8).
    dst, src, proto = frame[0:6], frame[6:12], frame[12:14]
    return (proto + b"\0\0" + struct.pack(">IHBB", ifindex, ARPHRD_ETHER, packet_type(dst), 6) +
            src + b"\0\0" + frame[14:])


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def tshark_ipv6(path):
    return run(["tshark", "-r", path, "-T", "fields", "-e", "ipv6.src", "-e", "ipv6.dst",
                "-e", "ipv6.plen", "-e", "ipv6.nxt"])


def inputs(paths):
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                if name.endswith(".pcap"):
                    yield os.path.join(p, name)
        elif os.path.exists(p):
            yield p


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    tandemctl, paths = sys.argv[1], sys.argv[2:]
    if not shutil.which("editcap") or not shutil.which("tshark"):
        print("SKIP: editcap/tshark not installed")
        return 77
    files = list(inputs(paths))
    if not files:
        raise SystemExit("no input captures found")
    failures, checked = 0, 0
    with tempfile.TemporaryDirectory(prefix="tandem-capture-formats-") as tmp:
        for src in files:
            name = os.path.basename(src)
            linktype, records = read_classic(src)
            if linktype != 1:
                raise SystemExit(f"{src}: linktype {linktype}, expected Ethernet")
            expected = run([tandemctl, "decode", src])
            expected_tshark = tshark_ipv6(src)
            if not expected.strip():
                raise SystemExit(f"{src}: decode printed nothing")

            rewrites = {}
            rewrites["pcapng"] = os.path.join(tmp, name + ".pcapng")
            run(["editcap", "-F", "pcapng", src, rewrites["pcapng"]])
            for kind, link, fn in (("sll", 113, to_sll), ("sll2", 276, to_sll2)):
                rewrites[kind] = os.path.join(tmp, f"{name}.{kind}.pcap")
                write_classic(rewrites[kind], link,
                              [(s, u, o - 14 + (16 if link == 113 else 20), fn(d))
                               for s, u, o, d in records])
            rewrites["sll2-pcapng"] = os.path.join(tmp, name + ".sll2.pcapng")
            run(["editcap", "-F", "pcapng", rewrites["sll2"], rewrites["sll2-pcapng"]])

            for kind, path in rewrites.items():
                checked += 1
                with open(path, "rb") as f:
                    is_ng = f.read(4) == PCAPNG_MAGIC
                if is_ng != kind.endswith("pcapng"):
                    print(f"FAIL {name} [{kind}]: editcap wrote the wrong format")
                    failures += 1
                    continue
                if tshark_ipv6(path) != expected_tshark:
                    print(f"FAIL {name} [{kind}]: tshark sees other IPv6 packets than in the "
                          "original (the rewrite itself is wrong)")
                    failures += 1
                    continue
                got = run([tandemctl, "decode", path])
                if got != expected:
                    failures += 1
                    print(f"FAIL {name} [{kind}]: decode differs from the Ethernet pcap")
                    for a, b in zip(expected.splitlines(), got.splitlines()):
                        if a != b:
                            print(f"  pcap: {a}\n  {kind}: {b}")
                            break
                else:
                    print(f"ok   {name} [{kind}]: {len(expected.splitlines())} frames")
    print(f"{checked - failures}/{checked} rewrites decode like their Ethernet pcap")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
