#!/usr/bin/env bash
# bfd_detect.sh [N] [BUILD_DIR] -- how fast tandem detects a dead BFD peer: FRR bfdd is
# SIGKILLed N times (default 20) at 10 ms x 3 and restarted in between; topology in
# bfd_lib.sh. Needs root, FRR, tcpdump, tshark; builds nothing (tandemd and tandemctl come
# from BUILD_DIR, default build/, either at its root or under control/daemon/).
#
# Per kill, two figures:
#   capture  tandem's first Down packet (diag 1) - FRR's last packet, both seen on the veth:
#            the detection time proper (RFC 5880 6.8.4), ~30 ms expected
#   poll     first `tandemctl display bfd` not Up - the kill (polled every 5 ms, each poll a
#            process start: an upper bound that includes FRR's last interval)
# Prints one line per kill, the median and max of both, and as its last line
#   {"bench":"bfd_detect","runs":N,"median_ms":..,"max_ms":..,...}
# (median/max from the capture). Exit 77 when it cannot run here.
set -euo pipefail
N=${1:-20}
build=${2:-$(cd "$(dirname "$0")/../.." && pwd)/build}
bin() { if [ -x "$build/$1" ]; then echo "$build/$1"; else echo "$build/control/daemon/$1"; fi; }
IOP_TANDEMD=$(bin tandemd)
IOP_TANDEMCTL=$(bin tandemctl)
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/interop/lib.sh
source "$here/lib.sh"
# shellcheck source=scripts/interop/bfd_lib.sh
source "$here/bfd_lib.sh"
bfd_require

bfd_topology
bfd_tandem_config
bfd_frr_configs
cap="$IOP_WORK/bfd.pcap"
iop_cap_start fr fr0 "$cap" udp port 3784
IOP_TANDEMD_SCHED=$IOP_BFD_SCHED iop_tandemd_start td "$IOP_WORK/td.cfg"
bfd_zebra_start
bfd_bfdd_start
iop_log "scheduling: $IOP_BFD_SCHED; $N kills"
iop_wait_for 20 "BFD Up at both ends" bfd_both_up

kills=()
polls=()
for ((i = 1; i <= N; i++)); do
  sleep 1  # Up at 10 ms for a while (FRR's Poll Sequence done)
  iop_wait_for 20 "BFD Up before kill $i" bfd_both_up
  disown "$BFDD_PID"  # no "Killed" job notice; cleanup still stops it by PID
  out=$("$PY" "$here/bfd_kill_poll.py" "$IOP_TANDEMCTL" "$IOP_WORK/td.sock" "$BFDD_PID" 5) ||
    iop_fail "kill $i: $out"
    read -r t_kill poll_ms <<<"$(echo "$out" | "$PY" -c \
    'import json,sys; d=json.load(sys.stdin); print(d["t_kill"], d["poll_ms"])')"
  kills+=("$t_kill")
  polls+=("$poll_ms")
  bfd_bfdd_start
done
# let tcpdump (not real-time) catch up before it stops: a loaded machine once left the last
# kill's packets unread in its socket when SIGINT came
iop_wait_for 20 "BFD Up after the last restart" bfd_both_up
sleep 1
iop_cap_stop "$IOP_CAP_PID"

# Match each kill with tandem's first diag-1 Down in the capture within 1 s after it; a
# Down that matches no kill is a flap (counted, not measured).
events="$IOP_WORK/events.txt"
"$PY" "$here/bfd_detect_times.py" "$cap" "$TD_BFD_SRC" >"$events"
printf '%s\n' "${kills[@]}" >"$IOP_WORK/kills.txt"
printf '%s\n' "${polls[@]}" >"$IOP_WORK/polls.txt"
"$PY" - "$events" "$IOP_WORK/kills.txt" "$IOP_WORK/polls.txt" "$N" <<'PY'
import json, statistics, sys
events = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
kills = [float(l) for l in open(sys.argv[2]) if l.strip()]
polls = [float(l) for l in open(sys.argv[3]) if l.strip()]
n = int(sys.argv[4])
det, used = [], set()
for i, k in enumerate(kills):
    m = next((e for j, e in enumerate(events) if j not in used and k <= e[0] <= k + 1.0), None)
    if m is None:
        print(f"kill {i + 1}: no diag-1 Down from tandem in the capture within 1 s")
        continue
    used.add(events.index(m))
    det.append(m[1])
    print(f"kill {i + 1:2d}: detection {m[1]:7.3f} ms (capture), Down seen {polls[i]:6.1f} ms "
          f"after the kill (poll), FRR's last packet {1e3 * (k - m[2]):+.1f} ms before the kill")
flaps = len(events) - len(used)
if len(det) != n:
    sys.exit(f"only {len(det)} of {n} kills measured")
med, mx = statistics.median(det), max(det)
pmed, pmx = statistics.median(polls), max(polls)
print(f"capture: median {med:.3f} ms, max {mx:.3f} ms, min {min(det):.3f} ms over {n} kills")
print(f"poll:    median {pmed:.1f} ms, max {pmx:.1f} ms; flaps outside the kills: {flaps}")
print(json.dumps({"bench": "bfd_detect", "runs": n, "median_ms": round(med, 3),
                  "max_ms": round(mx, 3), "min_ms": round(min(det), 3),
                  "poll_median_ms": pmed, "poll_max_ms": pmx, "flaps": flaps,
                  "interval_ms": 10, "multiplier": 3}, separators=(",", ":")))
PY
