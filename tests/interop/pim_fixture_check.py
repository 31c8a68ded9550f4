#!/usr/bin/env python3
"""The PIM kinds of a recorded capture, as `tandemctl decode` prints them, and what they say.

Usage: pim_fixture_check.py DECODER PCAP upstream|downstream

DECODER prints decode's JSON lines for a pcap (`tandemctl decode`). The fixtures are
described in tests/fixtures/pim/README.md. For both:
  - every frame is a PIM message (pim_hello / pim_join_prune / pim_assert);
  - frame by frame, decode's reading equals pcap_events.py's (scripts/interop/, an
    independent parser): Hello holdtimes, DR priorities and generation IDs, J/P entries
    (upstream neighbor, group, join or prune, source, S/W/R flags), Asserts.
upstream (pim6d_pair_upstream.pcap, the RP's LAN):
  - Hellos from FRR pim6d (the RP router) and from both tandem routers, and r2's Goodbye
    (holdtime 0);
  - (*,G) Joins (wildcard + rpt, source = the RP 2001:db8::1) from both routers toward the RP
    router, a (*,G) Prune from r2, (S,G) Joins from both and r2's (S,G) Prune.
downstream (tandem_pair_assert_downstream.pcap, the listeners' LAN):
  - Hellos from both routers' ge0, no Join/Prune;
  - r2's Asserts for (S,GA) (connected source: preference 0, metric 0) and (S,GS) (static
    route: preference 60), then an AssertCancel (infinite metric) for each.
tshark's agreement is the other test (tests/wire/tshark_compare.py on the same file).
"""
import json
import os
import shlex
import subprocess
import sys

RP = "2001:db8::1"
RP_LL = "fe80::74:64ff:fe64:1"
R1 = "fe80::74:64ff:fe64:2"
R2 = "fe80::74:64ff:fe64:3"
R1_DN = "fe80::74:64ff:fe01:2"
R2_DN = "fe80::74:64ff:fe01:3"
S_LAN = "2001:db8:100::10"
GA = "ff0e::db8:11"
GS = "ff3e::db8:12"
S_REMOTE = "2001:db8:200::10"
HERE = os.path.dirname(os.path.abspath(__file__))
EVENTS = os.path.join(HERE, "..", "..", "scripts", "interop", "pcap_events.py")
PIM_KINDS = {"pim_hello", "pim_join_prune", "pim_assert"}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def flags(e):  # decode's entry -> pcap_events' S W R letters (S: sparse bit, always set)
    return "S" + ("W" if e["wildcard"] else "") + ("R" if e["rpt"] else "")


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("upstream", "downstream"):
        print(__doc__, file=sys.stderr)
        return 2
    decoder, pcap, which = shlex.split(sys.argv[1]), sys.argv[2], sys.argv[3]
    frames = [json.loads(line) for line in
              subprocess.run(decoder + [pcap], check=True, capture_output=True,
                             text=True).stdout.splitlines() if line.strip()]
    events = subprocess.run([sys.executable, EVENTS, pcap], check=True, capture_output=True,
                            text=True).stdout.splitlines()
    check(frames, "decode printed no frame")

    kinds = {f["kind"] for f in frames}
    check(kinds <= PIM_KINDS, f"frames that are not PIM: {sorted(kinds - PIM_KINDS)}")
    hellos = [f for f in frames if f["kind"] == "pim_hello"]
    if which == "upstream":
        check({"pim_hello", "pim_join_prune"} <= kinds, f"kinds seen: {sorted(kinds)}")
        expect_upstream(frames, hellos)
    else:
        check(kinds == {"pim_hello", "pim_assert"}, f"kinds seen: {sorted(kinds)}")
        expect_downstream(frames, hellos)
    compare_with_events(frames, events)

    n = {k: sum(f["kind"] == k for f in frames) for k in sorted(PIM_KINDS)}
    if failures:
        for w in failures:
            print("FAIL:", w)
        return 1
    print(f"pim_fixture_check: {os.path.basename(pcap)} ({which}): {len(frames)} frames {n}, "
          "decode == pcap_events.py")
    return 0


def expect_downstream(frames, hellos):
    for who, addr in (("r1", R1_DN), ("r2", R2_DN)):
        check(any(h["src"] == addr and h.get("holdtime_s", 0) > 0 for h in hellos),
              f"no Hello from {who} {addr}")
    asserts = [(f["src"], f["group"], f["source"], f["rpt"], f["metric_preference"], f["metric"])
               for f in frames if f["kind"] == "pim_assert"]
    inf = (2147483647, 4294967295)
    for a in ((R2_DN, GA, S_LAN, False, 0, 0), (R2_DN, GS, S_REMOTE, False, 60, 0),
              (R2_DN, GA, S_LAN, False) + inf, (R2_DN, GS, S_REMOTE, False) + inf):
        check(a in asserts, f"no Assert {a}: {asserts}")
    check(all(f["dst"] == "ff02::d" and f["hop_limit"] == 1 for f in frames),
          "a frame not to ff02::d with hop limit 1")


def expect_upstream(frames, hellos):
    for who, addr in (("pim6d (RP router)", RP_LL), ("r1", R1), ("r2", R2)):
        check(any(h["src"] == addr and h.get("holdtime_s", 0) > 0 for h in hellos),
              f"no Hello from {who} {addr}")
    check(any(h["src"] == R2 and h.get("holdtime_s") == 0 for h in hellos),
          "no Goodbye (Hello holdtime 0) from r2")

    entries = []  # (src, upstream, group, J|P, source, flags) from decode
    for f in frames:
        if f["kind"] != "pim_join_prune":
            continue
        check(f["dst"] == "ff02::d" and f["hop_limit"] == 1, f"J/P {f['frame']} not to ff02::d, hop limit 1")
        for g in f["groups"]:
            for kind, key in (("J", "joins"), ("P", "prunes")):
                for e in g[key]:
                    entries.append((f["src"], f["upstream_neighbor"], g["group"], kind,
                                    e["source"], flags(e)))

    def has(src, group, kind, source, fl):
        return any(e[0] == src and e[1] == RP_LL and e[2] == group and e[3] == kind and
                   e[4] == source and e[5] == fl for e in entries)

    for name, addr in (("r1", R1), ("r2", R2)):
        check(has(addr, GA, "J", RP, "SWR"), f"no (*,{GA}) Join from {name} to the RP router")
        check(has(addr, GS, "J", S_REMOTE, "S"), f"no ({S_REMOTE},{GS}) Join from {name}")
    check(has(R2, GA, "P", RP, "SWR"), f"no (*,{GA}) Prune from r2")
    check(has(R2, GS, "P", S_REMOTE, "S"), f"no ({S_REMOTE},{GS}) Prune from r2 (SIGTERM)")


def compare_with_events(frames, events):
    """frame by frame against pcap_events.py (one line per Hello / J/P entry / Assert)"""
    mine = []
    for f in frames:
        if f["kind"] == "pim_hello":
            mine.append(("hello", f["src"], str(f.get("holdtime_s", "-")),
                         str(f.get("dr_priority", "-")), str(f.get("generation_id", "-"))))
        elif f["kind"] == "pim_join_prune":
            for g in f["groups"]:
                grp = f"{g['group']}/{g['mask_len']}"
                if not g["joins"] and not g["prunes"]:
                    mine.append(("jp", f["src"], f["upstream_neighbor"], grp, "-", "-", "-"))
                for kind, key in (("J", "joins"), ("P", "prunes")):
                    for e in g[key]:
                        mine.append(("jp", f["src"], f["upstream_neighbor"], grp, kind,
                                     e["source"], flags(e)))
        elif f["kind"] == "pim_assert":
            mine.append(("assert", f["src"], f"{f['group']}/128", f["source"],
                         str(int(f["rpt"])), str(f["metric_preference"]), str(f["metric"])))
    theirs = [tuple(line.split()[1:]) for line in events
              if line.split()[1] in ("hello", "jp", "assert")]
    # an Assert's group is printed with its mask length by pcap_events (always 128 here)
    check(len(mine) == len(theirs), f"decode gives {len(mine)} Hello/J/P/Assert lines, "
          f"pcap_events.py {len(theirs)}")
    for i, (a, b) in enumerate(zip(mine, theirs)):
        check(a == b, f"line {i + 1}: decode {a} != pcap_events {b}")


if __name__ == "__main__":
    sys.exit(main())
