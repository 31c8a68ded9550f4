#!/usr/bin/python3
"""Measurements for the MLD storm benchmark and test (scripts/storm/lib.sh).

  storm_probe.py table GROUPS_JSON                the group table, normalised, as JSON
  storm_probe.py report SNAP_DIR BEFORE AFTER [--min-offered-mpps X] [--min-ratio R]
                                                  figures, checks, and the final JSON line

A snapshot (storm_snap in lib.sh) is a small text file written with curl and the shell
alone, parsed only here, after the run: a Python start per snapshot cost enough CPU on the
loaded machine to delay BFD frames. It holds the wall time, the worker's and the control
thread's CPU time from /proc/PID/task/TID/schedstat (on a shared machine other jobs take the
worker's core away for varying amounts of time, so the data rate is given both per wall-clock
second and per second the worker actually ran), tandemd's RSS, storm_gen's counters and the
tandem_* metric lines.
"""
import glob
import json
import re
import statistics
import sys

STORM_PREFIX = "ff0e::5:"  # storm_gen's groups (ff0e::5:0:0 + index)
METRIC = re.compile(r'^(tandem_[a-z0-9_]+)(?:\{(.*)\})? (\S+)$')
PORTS = ("ge0", "out1", "up0")


def metric(scraped, name, **labels):
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


def parse_snap(path):
    fields, m = {}, {}
    for line in open(path):
        line = line.rstrip("\n")
        mm = METRIC.match(line)
        if mm:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', mm.group(2) or ""))
            m[(mm.group(1), tuple(sorted(labels.items())))] = float(mm.group(3))
        elif " " in line:
            key, value = line.split(" ", 1)
            fields[key] = value
    if "tandem_port_rx_packets_total" not in {k[0] for k in m}:
        raise SystemExit(f"storm_probe: {path}: no metrics in the snapshot")
    drops = lambda port, reason: metric(m, "tandem_drops_total", port=port, reason=reason)
    port = lambda name, p: metric(m, f"tandem_port_{name}_total", port=p)
    return {
        "t": float(fields["t"]),
        "worker_cpu_ns": int(fields["worker_cpu_ns"]),
        "control_cpu_ns": int(fields["control_cpu_ns"]),
        "rss_kb": int(fields["rss_kb"]),
        "mld_groups_ge0": metric(m, "tandem_mld_groups", interface="ge0"),
        "data_forwarded": port("forwarded_packets", "up0"),
        "storm_rx": port("rx_packets", "ge0"),
        "punted": {c: port(f"punted_{c}_packets", "ge0") for c in ("mld", "vrrp", "bfd", "nd")},
        "policed": drops("ge0", "punt_policed"),
        "punt_ring_full": sum(drops(p, "punt_ring_full") for p in PORTS),
        "mbuf_alloc_failed": sum(drops(p, "mbuf_alloc_failed") for p in PORTS),
        "bfd_state": metric(m, "tandem_bfd_state", session="frr"),
        "bfd_flaps": metric(m, "tandem_bfd_flaps_total", session="frr"),
        "gen": json.loads(fields["gen"]),
    }


def table(path):
    with open(path) as f:
        groups = json.load(f)["groups"]
    print(json.dumps(sorted(
        [{"interface": g["interface"], "group": g["group"], "filter_mode": g["filter_mode"],
          "sources": sorted(s["address"] for s in g["sources"]), "origin": g["origin"],
          # EXCLUDE: the group timer; INCLUDE: the earliest source timer (-1 = none running)
          "expires_ms": g["expires_ms"] if g["filter_mode"] == "exclude" else
          min((s["expires_ms"] for s in g["sources"]), default=-1)} for g in groups],
        key=lambda g: (g["interface"], g["group"]))))


def window_rates(a, b):
    dt = b["t"] - a["t"]
    cpu = (b["worker_cpu_ns"] - a["worker_cpu_ns"]) / 1e9
    fwd = b["data_forwarded"] - a["data_forwarded"]
    return {
        "on": b["gen"]["storm"],
        "seconds": dt,
        "worker_cpu_share": cpu / dt,
        "control_cpu_share": (b["control_cpu_ns"] - a["control_cpu_ns"]) / 1e9 / dt,
        "data_mpps": fwd / dt / 1e6,
        "data_mpps_per_cpu_s": fwd / cpu / 1e6 if cpu > 0 else 0.0,
        "storm_mpps": (b["storm_rx"] - a["storm_rx"]) / dt / 1e6,
        "admitted_mld_pps": (b["punted"]["mld"] - a["punted"]["mld"]) / dt,
        "admitted_bfd_pps": (b["punted"]["bfd"] - a["punted"]["bfd"]) / dt,
        "admitted_nd_pps": (b["punted"]["nd"] - a["punted"]["nd"]) / dt,
        "policed_pps": (b["policed"] - a["policed"]) / dt,
        "gen_sent_mpps": (b["gen"]["sent"] - a["gen"]["sent"]) / dt / 1e6,
        "gen_ring_full": b["gen"]["ring_full"] - a["gen"]["ring_full"],
        "gen_behind": b["gen"]["behind"] - a["gen"]["behind"],
        "bfd_up": a["bfd_state"] == 3 and b["bfd_state"] == 3,
    }


def check_groups(before, after, first, last):
    """Problems with the table after the storm, and the storm's group count."""
    problems = []
    now = {(g["interface"], g["group"]): g for g in after}
    for g in before:
        if g["group"].startswith(STORM_PREFIX):
            continue
        a = now.get((g["interface"], g["group"]))
        if a is None:
            problems.append(f"{g['interface']} {g['group']} lost")
        elif (a["filter_mode"], a["sources"], a["origin"]) != (
                g["filter_mode"], g["sources"], g["origin"]) or a["expires_ms"] <= 0:
            problems.append(f"{g['interface']} {g['group']} changed: {g} -> {a}")
    storm = [g for g in after if g["group"].startswith(STORM_PREFIX)]
    wrong = [g for g in storm if (g["interface"], g["filter_mode"], g["sources"]) !=
             ("ge0", "exclude", [])]
    if wrong:
        problems.append(f"{len(wrong)} storm groups not ge0 EXCLUDE {{}}, e.g. {wrong[0]}")
    # Every admitted storm report joins a group of its own; MLD frames the relay carried from
    # the real host were admitted by the same bucket, so they widen the lower bound only.
    admitted = last["punted"]["mld"] - first["punted"]["mld"]
    host_mld = last["gen"]["to_dut_mld"] - first["gen"]["to_dut_mld"]
    legit_ge0 = sum(1 for g in before if g["interface"] == "ge0")
    if last["mld_groups_ge0"] != legit_ge0 + len(storm):
        problems.append(f"ge0 group gauge {last['mld_groups_ge0']:.0f} at the last snapshot, "
                        f"table {legit_ge0 + len(storm)} after it")
    if not admitted - host_mld <= len(storm) <= admitted:
        problems.append(f"{len(storm)} storm groups for {admitted:.0f} admitted MLD frames "
                        f"({host_mld} of them from the host)")
    return problems, len(storm), admitted, host_mld


def report(snap_dir, before_path, after_path, min_offered, min_ratio):
    snaps = [parse_snap(p) for p in sorted(glob.glob(f"{snap_dir}/snap.*"))]
    before = json.load(open(before_path))
    after = json.load(open(after_path))
    wins = [window_rates(snaps[i], snaps[i + 1]) for i in range(0, len(snaps) - 1, 2)]
    on = [w for w in wins if w["on"]]
    off = [w for w in wins if not w["on"]]
    if not on or not off:
        raise SystemExit("storm_probe: need windows with and without the storm")
    med = statistics.median
    print(f"{'window':>6} {'storm Mpps':>10} {'data Mpps':>9} {'per CPU-s':>9} {'wCPU':>5} "
          f"{'cCPU':>5} {'MLD adm/s':>9} {'policed/s':>10} {'BFD':>4}")
    for w in wins:
        print(f"{'on' if w['on'] else 'off':>6} {w['storm_mpps']:10.3f} {w['data_mpps']:9.2f} "
              f"{w['data_mpps_per_cpu_s']:9.2f} {w['worker_cpu_share']:5.2f} "
              f"{w['control_cpu_share']:5.2f} {w['admitted_mld_pps']:9.0f} "
              f"{w['policed_pps']:10.0f} {'Up' if w['bfd_up'] else 'DOWN':>4}")
    # The storm's effect on forwarding: each storm window against the mean of the no-storm
    # windows beside it (interleaving cancels slow drifts of the machine's load), median.
    pair_ratios = []
    for i, w in enumerate(wins):
        if not w["on"]:
            continue
        nb = [wins[j]["data_mpps_per_cpu_s"] for j in (i - 1, i + 1)
              if 0 <= j < len(wins) and not wins[j]["on"]]
        if nb:
            pair_ratios.append(w["data_mpps_per_cpu_s"] / (sum(nb) / len(nb)))
    offered = med([w["storm_mpps"] for w in on])
    data_off = med([w["data_mpps_per_cpu_s"] for w in off])
    data_on = med([w["data_mpps_per_cpu_s"] for w in on])
    wall_off = med([w["data_mpps"] for w in off])
    wall_on = med([w["data_mpps"] for w in on])
    ratio = med(pair_ratios)
    first, last = snaps[0], snaps[-1]
    flaps = int(last["bfd_flaps"] - first["bfd_flaps"])
    bfd_down = sum(1 for s in snaps if s["bfd_state"] != 3)
    problems, storm_groups, admitted, host_mld = check_groups(before, after, first, last)
    legit = sum(1 for g in before if not g["group"].startswith(STORM_PREFIX))
    ring_full = last["punt_ring_full"] - first["punt_ring_full"]
    alloc_failed = last["mbuf_alloc_failed"] - first["mbuf_alloc_failed"]
    if ring_full:
        problems.append(f"{ring_full:.0f} punted frames dropped on a full punt queue")
    if alloc_failed:
        problems.append(f"{alloc_failed:.0f} mbuf allocation failures")
    groups_ok = not problems
    gen_ring_full = sum(w["gen_ring_full"] for w in on)
    gen_behind = sum(w["gen_behind"] for w in on)
    d_rss = last["rss_kb"] - first["rss_kb"]

    print(f"storm offered (tandemd ge0 rx, median of {len(on)} windows): {offered:.3f} Mpps; "
          f"generator refused {gen_ring_full} (memif ring full), fell behind {gen_behind}")
    print("storm admitted per class on ge0 (median pps): mld %.0f, bfd %.0f, nd %.0f; policed "
          "%.0f pps" % (med([w["admitted_mld_pps"] for w in on]),
                        med([w["admitted_bfd_pps"] for w in on]),
                        med([w["admitted_nd_pps"] for w in on]),
                        med([w["policed_pps"] for w in on])))
    print(f"data, per second of worker CPU: {data_off:.2f} Mpps without storm, {data_on:.2f} Mpps "
          f"with; ratio {ratio:.3f} (median of {len(pair_ratios)} storm windows each against "
          f"its neighbours)")
    print(f"data, per wall-clock second: {wall_off:.2f} Mpps without, {wall_on:.2f} Mpps with "
          f"(worker had {med([w['worker_cpu_share'] for w in off]):.2f} / "
          f"{med([w['worker_cpu_share'] for w in on]):.2f} of its core)")
    print(f"BFD 10 ms x 3: {flaps} flaps at tandem, {bfd_down} of {len(snaps)} samples not Up")
    print(f"group table: {legit} groups joined before the storm "
          f"{'all intact' if not any('lost' in p or 'changed' in p for p in problems) else 'NOT intact'}"
          f"; {storm_groups} storm groups for {admitted:.0f} admitted MLD frames "
          f"({host_mld} from the host); tandemd RSS {d_rss:+d} kB "
          f"({d_rss * 1024 / max(storm_groups, 1):.0f} B per storm group)")
    print(f"punt queue overflows {ring_full:.0f}, mbuf allocation failures {alloc_failed:.0f}")
    for p in problems[:10]:
        print("problem: " + p)
    fails = list(problems)
    if offered < min_offered:
        fails.append(f"storm offered {offered:.3f} Mpps < {min_offered}")
    if flaps or bfd_down:
        fails.append(f"BFD flapped ({flaps}) or was seen not Up ({bfd_down})")
    if ratio < min_ratio:
        fails.append(f"data ratio {ratio:.3f} < {min_ratio}")
    if storm_groups == 0:
        fails.append("no storm group admitted: the storm never reached the MLD engine")
    for f in fails:
        print("FAIL: " + f)
    print(json.dumps({"bench": "storm", "storm_offered_mpps": round(offered, 3),
                      "data_mpps_no_storm": round(data_off, 3),
                      "data_mpps_storm": round(data_on, 3), "ratio": round(ratio, 3),
                      "bfd_flaps": flaps, "groups_ok": groups_ok}, separators=(",", ":")))
    return 1 if fails else 0


def main():
    a = sys.argv[1:]
    if a[:1] == ["table"] and len(a) == 2:
        table(a[1])
    elif a[:1] == ["report"] and len(a) >= 4:
        opts = dict(zip(a[4::2], a[5::2]))
        sys.exit(report(a[1], a[2], a[3], float(opts.get("--min-offered-mpps", 0)),
                        float(opts.get("--min-ratio", 0))))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
