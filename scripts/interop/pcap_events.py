#!/usr/bin/python3
"""pcap_events.py -- the PIM, MLD and multicast data events of a capture, one line each.

  pcap_events.py FILE.pcap [--data GROUP ...]

Reads a classic libpcap file (Ethernet) on its own (neither tshark nor tandem's decoder, so
the interop tests judge both by a third reading) and prints, per frame, in capture order:

  EPOCH hello SRC HOLDTIME DR_PRIORITY GENID          PIM Hello (- for an absent option)
  EPOCH jp SRC UPSTREAM GROUP/LEN J|P SOURCE FLAGS    PIM Join/Prune: one line per source
                                                      entry; FLAGS from S W R (e.g. SWR for
                                                      the (*,G) entry, S for (S,G), SR for
                                                      (S,G,rpt)); a J/P with no entry at all
                                                      prints GROUP/LEN - - -
  EPOCH assert SRC GROUP SOURCE RPT PREF METRIC       PIM Assert
  EPOCH mld SRC GROUP TYPE [SOURCES]                  one line per MLDv2 record (TYPE IS_IN,
                                                      IS_EX, TO_IN, TO_EX, ALLOW, BLOCK;
                                                      SOURCES comma-separated) or MLDv1
                                                      message (TYPE report / done)
  EPOCH data SRC GROUP                                IPv6 UDP to GROUP (only the groups named
                                                      with --data; none by default)

Frames that are truncated or not IPv6 are skipped. Exit status 0; 2 on a file that is not
a classic Ethernet pcap.
"""
import argparse
import ipaddress
import signal
import struct
import sys

MLD2_TYPES = {1: "IS_IN", 2: "IS_EX", 3: "TO_IN", 4: "TO_EX", 5: "ALLOW", 6: "BLOCK"}
EXT_HEADERS = {0, 43, 60}  # hop-by-hop, routing, destination options (fragments: skipped)


def a6(b):
    return str(ipaddress.IPv6Address(bytes(b)))


def frames(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            sys.exit(2)
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
            endian = ">"
        else:
            print(f"{path}: not a classic pcap", file=sys.stderr)
            sys.exit(2)
        nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
        linktype = struct.unpack(endian + "I", head[20:24])[0]
        if linktype != 1:
            print(f"{path}: linktype {linktype}, not Ethernet", file=sys.stderr)
            sys.exit(2)
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _orig = struct.unpack(endian + "IIII", rec)
            data = f.read(incl)
            if len(data) < incl:
                return
            yield sec + frac / (1e9 if nano else 1e6), data


def ipv6_payload(frame):
    """(src, dst, next header, payload) of an Ethernet/IPv6 frame (VLAN tags skipped)."""
    off = 12
    etype = struct.unpack_from("!H", frame, off)[0] if len(frame) >= 14 else 0
    while etype in (0x8100, 0x88A8) and len(frame) >= off + 6:
        off += 4
        etype = struct.unpack_from("!H", frame, off)[0]
    off += 2
    if etype != 0x86DD or len(frame) < off + 40:
        return None
    ip = frame[off:]
    plen = struct.unpack_from("!H", ip, 4)[0]
    nh = ip[6]
    src, dst = a6(ip[8:24]), a6(ip[24:40])
    body = ip[40:40 + plen]
    while nh in EXT_HEADERS:
        if len(body) < 8:
            return None
        nh, hlen = body[0], (body[1] + 1) * 8
        body = body[hlen:]
    return src, dst, nh, body


def enc_group(b, o):  # Encoded-Group (IPv6): family, type, flags, mask len, address
    return f"{a6(b[o + 4:o + 20])}/{b[o + 3]}", o + 20


def enc_source(b, o):  # Encoded-Source: family, type, flags (S W R), mask len, address
    fl = b[o + 2]
    flags = "".join(c for c, bit in (("S", 4), ("W", 2), ("R", 1)) if fl & bit) or "-"
    return a6(b[o + 4:o + 20]), flags, o + 20


def pim(t, src, b, out):
    if len(b) < 4:
        return
    ptype = b[0] & 0x0F
    if ptype == 0:  # Hello
        hold = drp = gen = "-"
        o = 4
        while o + 4 <= len(b):
            otype, olen = struct.unpack_from("!HH", b, o)
            val = b[o + 4:o + 4 + olen]
            if otype == 1 and olen >= 2:
                hold = str(struct.unpack_from("!H", val)[0])
            elif otype == 19 and olen >= 4:
                drp = str(struct.unpack_from("!I", val)[0])
            elif otype == 20 and olen >= 4:
                gen = str(struct.unpack_from("!I", val)[0])
            o += 4 + olen
        out.append(f"{t:.6f} hello {src} {hold} {drp} {gen}")
    elif ptype == 3:  # Join/Prune
        if len(b) < 4 + 18 + 4:
            return
        upstream = a6(b[6:22])
        ngroups = b[23]
        o = 26
        for _ in range(ngroups):
            if o + 24 > len(b):
                return
            group, o = enc_group(b, o)
            nj, np_ = struct.unpack_from("!HH", b, o)
            o += 4
            if nj == 0 and np_ == 0:
                out.append(f"{t:.6f} jp {src} {upstream} {group} - - -")
            for kind, n in (("J", nj), ("P", np_)):
                for _ in range(n):
                    if o + 20 > len(b):
                        return
                    s, flags, o = enc_source(b, o)
                    out.append(f"{t:.6f} jp {src} {upstream} {group} {kind} {s} {flags}")
    elif ptype == 5:  # Assert
        if len(b) < 4 + 20 + 18 + 8:
            return
        group, o = enc_group(b, 4)
        source = a6(b[o + 2:o + 18])
        o += 18
        pref, metric = struct.unpack_from("!II", b, o)
        rpt = pref >> 31
        out.append(f"{t:.6f} assert {src} {group} {source} {rpt} {pref & 0x7FFFFFFF} {metric}")


def icmp(t, src, dst, b, out):
    if len(b) < 8:
        return
    typ = b[0]
    if typ == 143:  # MLDv2 report
        nrec = struct.unpack_from("!H", b, 6)[0]
        o = 8
        for _ in range(nrec):
            if o + 20 > len(b):
                return
            rtype, auxlen, nsrc = b[o], b[o + 1], struct.unpack_from("!H", b, o + 2)[0]
            group = a6(b[o + 4:o + 20])
            srcs = [a6(b[o + 20 + 16 * i:o + 36 + 16 * i]) for i in range(nsrc)
                    if o + 36 + 16 * i <= len(b)]
            o += 20 + 16 * nsrc + 4 * auxlen
            line = f"{t:.6f} mld {src} {group} {MLD2_TYPES.get(rtype, rtype)}"
            out.append(line + (" " + ",".join(srcs) if srcs else ""))
    elif typ in (131, 132) and len(b) >= 24:  # MLDv1 report / done
        out.append(f"{t:.6f} mld {src} {a6(b[8:24])} {'report' if typ == 131 else 'done'}")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # a reader that stops early (head, awk exit)
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pcap")
    ap.add_argument("--data", nargs="*", default=[], help="print UDP data to these groups")
    a = ap.parse_args()
    data_groups = {str(ipaddress.IPv6Address(g)) for g in a.data}
    out = []
    for t, frame in frames(a.pcap):
        p = ipv6_payload(frame)
        if p is None:
            continue
        src, dst, nh, body = p
        if nh == 103:
            pim(t, src, body, out)
        elif nh == 58:
            icmp(t, src, dst, body, out)
        elif nh == 17 and dst in data_groups:
            out.append(f"{t:.6f} data {src} {dst}")
        if len(out) > 4096:
            sys.stdout.write("\n".join(out) + "\n")
            out.clear()
    if out:
        sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
