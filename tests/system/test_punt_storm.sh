#!/usr/bin/env bash
# System test: control-plane protection under an MLD report storm (issue #9). tandemd forwards
# multicast data (up0 -> out1) and runs BFD at 10 ms x 3 with FRR bfdd on ge0; storm_gen then
# offers >= 1 Mpps of MLDv2 joins, each to a fresh group, on ge0 for 5 s (setup and CPU
# placement: scripts/storm/lib.sh). Checks behaviour, not speed:
#   - the storm reached tandemd at >= 1 Mpps (its ge0 RX counter) and was policed;
#   - BFD stayed Up throughout (no flap at tandem, none seen by FRR);
#   - the 128 groups joined before the storm are unchanged; the storm's groups number exactly
#     the MLD reports the policer admitted (less the host's own reports), all ge0 EXCLUDE {};
#   - no punt queue overflow, no mbuf allocation failure, tandemd alive;
#   - data kept flowing during the storm (a loose bound: half the no-storm rate per CPU-second;
#     the figure itself is perf/storm.sh's).
# Exit 77 (skip) without root, namespaces, FRR, scapy or the storm/bench binaries.
set -euo pipefail
# shellcheck disable=SC2034 # read by scripts/storm/lib.sh
STORM_BUILD=${TANDEM_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
# shellcheck source=scripts/storm/lib.sh
source "$(cd "$(dirname "$0")/../.." && pwd)/scripts/storm/lib.sh"
STORM_RATE=${STORM_RATE:-1100000}

storm_require
storm_start_all
storm_table "$IOP_WORK/before.json"
frr_down_before=$(frr_down_count)

storm_window off 3
storm_window on 5
storm_window off 2

frr_down_after=$(frr_down_count)
bfd_both_up || iop_fail "BFD not Up at both ends after the storm"
[ "$frr_down_before" = "$frr_down_after" ] ||
  iop_fail "FRR saw the BFD session go down ($frr_down_before -> $frr_down_after)"
storm_table "$IOP_WORK/after.json"
"$SYSPY" "$STORM_LIB_DIR/storm_probe.py" report "$IOP_WORK/snaps" "$IOP_WORK/before.json" \
  "$IOP_WORK/after.json" --min-offered-mpps 1.0 --min-ratio 0.5 ||
  iop_fail "storm checks failed (above)"
kill -0 "$IOP_TANDEMD_PID" 2>/dev/null || iop_fail "tandemd is gone"
echo "PASS: MLD storm policed; BFD up, group table consistent"
