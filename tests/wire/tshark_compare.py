#!/usr/bin/env python3
"""Field-by-field agreement of `decode` (our JSON lines) with tshark's dissection.

Usage: tshark_compare.py DECODER PATH...
DECODER is a program that prints decode's JSON lines for a pcap (`tandemctl decode` or
any equivalent). Each PATH is a pcap or a directory whose *.pcap files are all read. Every
frame is compared: kind, addresses, hop limit, MLD group/max response/S/QRV/QQI/sources/
records, VRRP and BFD fields, ND target, PIM Hello options, Join/Prune group sets and Assert
fields (RFC 7761 4.9). Exits 77 (meson's "skipped") when tshark is not installed.
"""
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

FIELDS = [
    "frame.number", "ipv6.src", "ipv6.dst", "ipv6.hlim", "icmpv6.type",
    "icmpv6.mld.multicast_address", "icmpv6.mld.maximum_response_code",
    "icmpv6.mld.maximum_response_delay", "icmpv6.mld.flag.s", "icmpv6.mld.flag.qrv",
    "icmpv6.mld.qqi", "icmpv6.mld.source_address",
    "icmpv6.mldr.mar.record_type", "icmpv6.mldr.mar.multicast_address",
    "icmpv6.mldr.mar.nb_sources", "icmpv6.mldr.mar.source_address",
    "vrrp.version", "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.short_adver_int", "vrrp.ipv6_addr",
    "bfd.version", "bfd.sta", "bfd.diag", "bfd.detect_time_multiplier", "bfd.my_discriminator",
    "bfd.your_discriminator", "bfd.desired_min_tx_interval", "bfd.required_min_rx_interval",
    "bfd.flags.p", "bfd.flags.f",
    "icmpv6.nd.ns.target_address", "icmpv6.nd.na.target_address",
    "pim.version", "pim.type", "pim.cksum.status", "pim.holdtime", "pim.t",
    "pim.propagation_delay", "pim.override_interval", "pim.dr_priority", "pim.generation_id",
    "pim.address_list_ip6", "pim.upstream_neighbor_ip6", "pim.numgroups", "pim.group_ip6",
    "pim.mask_len", "pim.numjoins", "pim.numprunes", "pim.source_ip6",
    "pim.source_addr.flags.w", "pim.source_addr.flags.r", "pim.rpt", "pim.metric_pref",
    "pim.metric",
]
RECORD_TYPES = {1: "IS_IN", 2: "IS_EX", 3: "TO_IN", 4: "TO_EX", 5: "ALLOW", 6: "BLOCK"}
BFD_STATES = {0: "AdminDown", 1: "Down", 2: "Init", 3: "Up"}


def norm(addr):
    return str(ipaddress.IPv6Address(addr))  # RFC 5952 form, like ours


def split(v):
    return [x for x in v.split("|") if x != ""] if v else []


def num(v):
    v = split(v)[0] if v else "0"
    if v in ("True", "true"):
        return 1
    if v in ("False", "false"):
        return 0
    return int(v, 16) if v.startswith("0x") else int(v)


def mrc_ms(code):  # RFC 3810 §5.1.3, written independently of the C++ decoder
    if code < 32768:
        return code
    return ((code & 0x0FFF) | 0x1000) << (((code >> 12) & 7) + 3)


def qqic_s(code):  # RFC 3810 §5.1.9
    if code < 128:
        return code
    return ((code & 0x0F) | 0x10) << (((code >> 4) & 7) + 3)


def expected(t):
    """What decode must print for one tshark row (dict of field -> raw string)."""
    e = {"frame": int(t["frame.number"])}
    if not t["ipv6.src"]:
        return e | {"kind": "other"}
    # ICMPv6 errors quote the offending packet: the outer header is the first occurrence.
    e |= {"src": norm(split(t["ipv6.src"])[0]), "dst": norm(split(t["ipv6.dst"])[0]),
          "hop_limit": num(t["ipv6.hlim"])}
    icmp = split(t["icmpv6.type"])
    itype = int(icmp[0]) if icmp else None
    if itype == 130:
        e["kind"] = "mld_query"
        e["group"] = norm(split(t["icmpv6.mld.multicast_address"])[0])
        if t["icmpv6.mld.maximum_response_code"]:
            e["max_resp_ms"] = mrc_ms(num(t["icmpv6.mld.maximum_response_code"]))
            e["s_flag"] = bool(num(t["icmpv6.mld.flag.s"]))
            e["qrv"] = num(t["icmpv6.mld.flag.qrv"])
            # tshark shows QQIC decoded (3072) but its field export clips it to 8 bits, so
            # the value comes from PDML's raw byte, decoded here independently.
            e["qqi_s"] = qqic_s(t["qqic_raw"])
            e["sources"] = [norm(a) for a in split(t["icmpv6.mld.source_address"])]
        else:
            e["max_resp_ms"] = num(t["icmpv6.mld.maximum_response_delay"])
    elif itype in (131, 132):
        e["kind"] = "mld_report_v1" if itype == 131 else "mld_done"
        e["group"] = norm(split(t["icmpv6.mld.multicast_address"])[0])
        e["max_resp_ms"] = num(t["icmpv6.mld.maximum_response_delay"])
    elif itype == 143:
        e["kind"] = "mld_report_v2"
        types = [int(x) for x in split(t["icmpv6.mldr.mar.record_type"])]
        groups = [norm(a) for a in split(t["icmpv6.mldr.mar.multicast_address"])]
        counts = [int(x) for x in split(t["icmpv6.mldr.mar.nb_sources"])]
        srcs = [norm(a) for a in split(t["icmpv6.mldr.mar.source_address"])]
        recs, i = [], 0
        for ty, g, n in zip(types, groups, counts):
            recs.append({"type": RECORD_TYPES[ty], "group": g, "sources": srcs[i:i + n]})
            i += n
        e["records"] = recs
    elif itype in (135, 136):
        e["kind"] = "nd_ns" if itype == 135 else "nd_na"
        tgt = t["icmpv6.nd.ns.target_address"] or t["icmpv6.nd.na.target_address"]
        e["target"] = norm(split(tgt)[0])
    elif itype is not None:
        e["kind"] = data_or_other(e["dst"])
    elif t["pim.type"]:
        e = pim_expected(t, e)
    elif t["vrrp.version"]:
        e |= {"kind": "vrrp", "version": num(t["vrrp.version"]), "vrid": num(t["vrrp.virt_rtr_id"]),
              "priority": num(t["vrrp.prio"]), "max_adver_int_cs": num(t["vrrp.short_adver_int"]),
              "addresses": [norm(a) for a in split(t["vrrp.ipv6_addr"])]}
    elif t["bfd.version"]:
        e |= {"kind": "bfd", "state": BFD_STATES[num(t["bfd.sta"])], "diag": num(t["bfd.diag"]),
              "detect_mult": num(t["bfd.detect_time_multiplier"]),
              "my_disc": num(t["bfd.my_discriminator"]),
              "your_disc": num(t["bfd.your_discriminator"]),
              "desired_min_tx_us": num(t["bfd.desired_min_tx_interval"]),
              "required_min_rx_us": num(t["bfd.required_min_rx_interval"]),
              "poll": bool(num(t["bfd.flags.p"])), "final": bool(num(t["bfd.flags.f"]))}
    else:
        e["kind"] = data_or_other(e["dst"])
    return e


PIM_KINDS = {0: "pim_hello", 3: "pim_join_prune", 5: "pim_assert"}
CHECKSUM_BAD = "0"  # tshark's checksum status: 0 bad, 1 good, 2 unverified


def optional(t, field):
    """A Hello option's value, or None when the option is absent (decode omits the key)."""
    return num(t[field]) if t[field] else None


def pim_join_prune_groups(t):
    """Rebuilds decode's group sets from tshark's flat lists (RFC 7761 4.9.5)."""
    n = num(t["pim.numgroups"])
    groups = [norm(a) for a in split(t["pim.group_ip6"])]
    if len(groups) == 2 * n:  # tshark names each group twice: the subtree and the field
        groups = groups[::2]
    masks = [int(x) for x in split(t["pim.mask_len"])]
    joins = [int(x) for x in split(t["pim.numjoins"])]
    prunes = [int(x) for x in split(t["pim.numprunes"])]
    sources = [norm(a) for a in split(t["pim.source_ip6"])]
    wild = [bool(num(x)) for x in split(t["pim.source_addr.flags.w"])]
    rpt = [bool(num(x)) for x in split(t["pim.source_addr.flags.r"])]
    out, s, m = [], 0, 0
    for g, nj, np_ in zip(groups, joins, prunes):
        entries = [{"source": sources[k], "wildcard": wild[k], "rpt": rpt[k]}
                   for k in range(s, s + nj + np_)]
        out.append({"group": g, "mask_len": masks[m], "joins": entries[:nj],
                    "prunes": entries[nj:]})
        s, m = s + nj + np_, m + 1 + nj + np_  # each group's mask, then its sources'
    return out


def pim_expected(t, e):
    """PIM (RFC 7761 4.9): the receive rules decode applies, then the fields of each kind."""
    ptype = num(t["pim.type"])
    link_message = ptype in PIM_KINDS
    src = ipaddress.IPv6Address(e["src"])
    if (num(t["pim.version"]) != 2 or split(t["pim.cksum.status"])[:1] == [CHECKSUM_BAD] or
            (link_message and (e["hop_limit"] != 1 or not src.is_link_local))):
        return e | {"kind": "drop"}
    if not link_message:
        return e | {"kind": "other"}
    e["kind"] = PIM_KINDS[ptype]
    if ptype == 0:
        lan_prune_delay = None
        if t["pim.override_interval"]:
            lan_prune_delay = {"t_bit": bool(num(t["pim.t"])),
                               "propagation_delay_ms": num(t["pim.propagation_delay"]),
                               "override_interval_ms": num(t["pim.override_interval"])}
        e |= {"holdtime_s": optional(t, "pim.holdtime"),
              "dr_priority": optional(t, "pim.dr_priority"),
              "generation_id": optional(t, "pim.generation_id"),
              "lan_prune_delay": lan_prune_delay,
              "address_list": [norm(a) for a in split(t["pim.address_list_ip6"])] or None}
    elif ptype == 3:
        e |= {"upstream_neighbor": norm(split(t["pim.upstream_neighbor_ip6"])[0]),
              "holdtime_s": num(t["pim.holdtime"]), "groups": pim_join_prune_groups(t)}
    else:
        e |= {"group": norm(split(t["pim.group_ip6"])[0]),
              "source": norm(split(t["pim.source_ip6"])[0]), "rpt": bool(num(t["pim.rpt"])),
              "metric_preference": num(t["pim.metric_pref"]), "metric": num(t["pim.metric"])}
    return e


def data_or_other(dst):
    a = ipaddress.IPv6Address(dst)
    return "mcast_data" if a.is_multicast and (a.packed[1] & 0x0F) > 2 else "other"


def qqic_by_frame(path):
    out = subprocess.run(["tshark", "-r", path, "-T", "pdml", "-Y", "icmpv6.type == 130"],
                         capture_output=True, text=True, check=True).stdout
    raw = {}
    for pkt in ET.fromstring(out).iter("packet"):
        num_ = int(next(f for f in pkt.iter("field") if f.get("name") == "num").get("show"))
        for f in pkt.iter("field"):
            if f.get("name") == "icmpv6.mld.qqi":
                raw[num_] = int(f.get("value"), 16)
    return raw


def tshark_rows(path):
    qqic = qqic_by_frame(path)
    cmd = ["tshark", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
           "-E", "separator=\t"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        vals = line.split("\t")
        row = dict(zip(FIELDS, vals + [""] * (len(FIELDS) - len(vals))))
        row["qqic_raw"] = qqic.get(int(row["frame.number"]), 0)
        yield row


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    decoder = sys.argv[1]
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed")
        return 77
    pcaps = []
    for arg in sys.argv[2:]:
        if os.path.isdir(arg):
            pcaps += sorted(os.path.join(arg, f) for f in os.listdir(arg) if f.endswith(".pcap"))
        else:
            pcaps.append(arg)
    frames = mismatches = 0
    for path in pcaps:
        name = os.path.basename(path)
        ours = [json.loads(l) for l in subprocess.run(
            decoder.split() + [path], capture_output=True, text=True, check=True).stdout.splitlines()]
        theirs = list(tshark_rows(path))
        if len(ours) != len(theirs):
            print(f"{name}: {len(ours)} frames decoded, tshark has {len(theirs)}")
            mismatches += 1
            continue
        for o, t in zip(ours, theirs):
            frames += 1
            for k, v in expected(t).items():
                if o.get(k) != v:
                    mismatches += 1
                    if mismatches < 20:
                        print(f"{name} frame {o['frame']}: {k}: decode {o.get(k)!r}, tshark {v!r}")
    print(f"tshark_compare: {len(pcaps)} files, {frames} frames, {mismatches} mismatches")
    return 1 if mismatches or not frames else 0


if __name__ == "__main__":
    sys.exit(main())
