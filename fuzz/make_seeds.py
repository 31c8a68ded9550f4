#!/usr/bin/env python3
"""Writes the seed corpora that come from the real captures in tests/fixtures:

  corpus/fuzz_frame/<capture>-<n>   one Ethernet frame per file, a few per kind of packet
  corpus/fuzz_pcap/<capture>.pcap   whole small captures; large ones cut to their first frames

Seeds for the other targets (structured inputs) are grown by the fuzzers themselves and
minimised with `-merge=1` (scripts/fuzz.sh --merge). Standard library only; run from anywhere:

  python3 fuzz/make_seeds.py [FIXTURES_DIR]
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'tests', 'fixtures')
PER_KIND = 2          # frames kept per (capture, kind of packet, length)
PER_CAPTURE = 24      # frame seeds kept per capture
PCAP_MAX_BYTES = 8192  # a larger capture is cut to the frames that fit


def read_pcap(path):
    data = open(path, 'rb').read()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        raise ValueError(path + ': not a classic pcap')
    header, off, records = data[:24], 24, []
    while off + 16 <= len(data):
        incl = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        records.append((data[off:off + 16], data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return header, records


def kind_of(frame):
    """A coarse packet kind: ethertype, next header, ICMPv6 type or UDP port, hop limit."""
    if len(frame) < 54 or frame[12:14] != b'\x86\xdd':
        return ('l2', frame[12:14])
    nh, hl, off = frame[20], frame[21], 54
    if nh == 0 and len(frame) >= off + 2:  # hop-by-hop
        nh, off = frame[off], off + (frame[off + 1] + 1) * 8
    sub = frame[off] if nh == 58 and len(frame) > off else None
    if nh == 17 and len(frame) >= off + 4:
        sub = frame[off + 2:off + 4]
    return (nh, sub, hl, len(frame))


def main():
    frame_dir = os.path.join(HERE, 'corpus', 'fuzz_frame')
    pcap_dir = os.path.join(HERE, 'corpus', 'fuzz_pcap')
    os.makedirs(frame_dir, exist_ok=True)
    os.makedirs(pcap_dir, exist_ok=True)
    for name in sorted(os.listdir(FIXTURES)):
        if not name.endswith('.pcap'):
            continue
        stem = name[:-5]
        header, records = read_pcap(os.path.join(FIXTURES, name))
        seen, kept = {}, 0
        for i, (_, frame) in enumerate(records):
            k = kind_of(frame)
            if seen.get(k, 0) >= PER_KIND or kept >= PER_CAPTURE:
                continue
            seen[k] = seen.get(k, 0) + 1
            with open(os.path.join(frame_dir, '%s-%03d' % (stem, i + 1)), 'wb') as f:
                f.write(frame)
            kept += 1
        out, size = [header], 24
        for rec_header, frame in records:
            if size + 16 + len(frame) > PCAP_MAX_BYTES:
                break
            out.append(rec_header + frame)
            size += 16 + len(frame)
        with open(os.path.join(pcap_dir, name), 'wb') as f:
            f.write(b''.join(out))
        print('%s: %d frames -> %d frame seeds, pcap seed %d bytes' % (name, len(records), kept, size))


if __name__ == '__main__':
    main()
