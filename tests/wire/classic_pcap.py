"""Classic pcap (microsecond, either byte order) read and written by hand, so the tests can
make captures independently of the libpcap reader under test."""
import struct


def read_classic(path):
    """(linktype, [(sec, usec, orig_len, data)]) of a little- or big-endian µs pcap."""
    with open(path, "rb") as f:
        raw = f.read()
    magic = raw[:4]
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">"}.get(magic)
    if endian is None:
        raise SystemExit(f"{path}: not a microsecond classic pcap")
    linktype = struct.unpack(endian + "I", raw[20:24])[0]
    records, off = [], 24
    while off < len(raw):
        sec, usec, incl, orig = struct.unpack(endian + "IIII", raw[off:off + 16])
        records.append((sec, usec, orig, raw[off + 16:off + 16 + incl]))
        off += 16 + incl
    return linktype, records


def write_classic(path, linktype, records):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for sec, usec, orig, data in records:
            f.write(struct.pack("<IIII", sec, usec, len(data), orig))
            f.write(data)
