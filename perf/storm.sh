#!/usr/bin/env bash
# perf/storm.sh -- control-plane protection under an MLD report storm (issue #9): a paced
# storm of MLDv2 joins (>= 1 Mpps, each to a fresh group) on tandemd's downstream port while
# multicast data flows from up0 to out1 and a 10 ms x 3 BFD session with FRR bfdd runs on the
# storm's own link. Setup and CPU placement: scripts/storm/lib.sh.
#
# Windows alternate storm off / on (STORM_ROUNDS pairs of STORM_WINDOW_S seconds, ending with
# storm off), all in one tandemd, so the machine's load drifts hit both alike. Prints per
# window the storm rate at tandemd's RX, the data rate (per wall-clock second and per second
# of worker CPU), admitted and policed punts, BFD; then the medians, the group-table check,
# and as its last line
#   {"bench":"storm","storm_offered_mpps":..,"data_mpps_no_storm":..,"data_mpps_storm":..,
#    "ratio":..,"bfd_flaps":0,"groups_ok":true}
# Exit status 1 when a goal is missed: offered < 1 Mpps, ratio < 0.9, a BFD flap, or an
# inconsistent group table. Needs root, FRR; run under flock /tmp/tandem-dpdk.lock.
#
#   perf/storm.sh [BUILD_DIR]        # default build/; about 2 minutes
# Env: STORM_ROUNDS (6), STORM_WINDOW_S (4), STORM_RATE (storm_gen's pace, 1100000).
set -euo pipefail
STORM_BUILD=${1:-${BUILD_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build}}
# shellcheck source=scripts/storm/lib.sh
source "$(cd "$(dirname "$0")/.." && pwd)/scripts/storm/lib.sh"
rounds=${STORM_ROUNDS:-6}
window=${STORM_WINDOW_S:-4}

storm_require
storm_start_all
iop_log "tandemd $IOP_TANDEMD_PID (control CPU 0 RR10, worker CPU 1), storm_gen $STORM_GEN_PID" \
  "(CPU 0 RR5) at $STORM_RATE pps, bfdd $BFDD_PID; $rounds rounds of ${window}s"
storm_table "$IOP_WORK/before.json"
frr_down_before=$(frr_down_count)

for ((r = 1; r <= rounds; r++)); do
  storm_window off "$window"
  storm_window on "$window"
done
storm_window off "$window"

# BFD is judged up to here; the table is read after: rendering tens of thousands of groups
# holds the control loop for a while (see docs/status.md, "Control-plane protection under an MLD storm").
frr_down_after=$(frr_down_count)
bfd_both_up || iop_fail "BFD not Up at both ends after the storm"
echo "FRR bfdd: session-down count $frr_down_before before the storm, $frr_down_after after"
[ "$frr_down_before" = "$frr_down_after" ] || echo "FAIL: FRR saw the session go down"
storm_table "$IOP_WORK/after.json"
rc=0
"$SYSPY" "$STORM_LIB_DIR/storm_probe.py" report "$IOP_WORK/snaps" "$IOP_WORK/before.json" \
  "$IOP_WORK/after.json" --min-offered-mpps 1.0 --min-ratio 0.9 || rc=$?
[ "$frr_down_before" = "$frr_down_after" ] || rc=1
exit $rc
