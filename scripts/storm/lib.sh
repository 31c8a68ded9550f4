# shellcheck shell=bash
# scripts/storm/lib.sh -- an MLD report storm against a forwarding tandemd with a live BFD
# session, shared by perf/storm.sh (the benchmark) and tests/system/test_punt_storm.sh.
# Set STORM_BUILD (build directory) and source it; it sources the interop helpers, so every
# namespace, process and DPDK runtime directory it makes is removed on exit.
#
#   ns stm-ID-td                                                        ns stm-ID-fr
#   tandemd  ge0  = net_memif client ══ storm_gen (memif server) ── sg0 ══veth══ fr0  FRR bfdd
#            out1 = net_pcap: joins once, TX dropped                    (relay)   kernel host
#            up0  = net_pcap infinite_rx: multicast data (upstream)
#
# storm_gen paces MLDv2 joins to fresh groups into ge0 and relays every frame between ge0 and
# the veth, so the storm, BFD (10 ms x 3 with FRR bfdd) and the host's ND/MLD share one link,
# one RX queue and one punt queue. Data: 64 groups from up0 to out1, whose joins arrive in the
# first frames out1 receives; 64 more groups are joined on ge0 before the storm (32 EXCLUDE {},
# 32 INCLUDE {2001:db8:100::10}), preloaded by storm_gen.
#
# CPUs (2): tandemd's worker lcore on CPU 1 (busy polling, nice -20 in an autogroup of its
# own at nice -20); its control lcore on
# CPU 0, SCHED_RR 10 (as in the BFD interop tests); storm_gen on CPU 0, SCHED_RR 5, asleep
# between 100 µs ticks; FRR bfdd SCHED_RR 10, unpinned.
#
# Unlike the other DPDK tests the processes keep their shared config (no --no-shconf): the
# memif PMD needs EAL's multi-process channel. Each has its own --file-prefix, and the runtime
# directories are removed on exit.

STORM_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STORM_REPO="$(cd "$STORM_LIB_DIR/../.." && pwd)"
STORM_BUILD=${STORM_BUILD:-$STORM_REPO/build}
storm_bin() { if [ -x "$STORM_BUILD/$1" ]; then echo "$STORM_BUILD/$1"; else echo "$STORM_BUILD/control/daemon/$1"; fi; }
IOP_TANDEMD=$(storm_bin tandemd)
IOP_TANDEMCTL=$(storm_bin tandemctl)
STORM_GEN=$STORM_BUILD/perf/storm/storm_gen
STORM_DP_BENCH=$STORM_BUILD/perf/dataplane/dataplane_bench
# shellcheck source=scripts/interop/lib.sh
source "$STORM_REPO/scripts/interop/lib.sh"
IOP_P="stm-$IOP_ID"  # namespaces and DPDK file prefixes of this run
# shellcheck source=scripts/interop/bfd_lib.sh
source "$STORM_REPO/scripts/interop/bfd_lib.sh"

STORM_RATE=${STORM_RATE:-1100000}  # storm_gen's pace; what reaches tandemd is measured
STORM_METRICS=http://127.0.0.1:9464/metrics
SYSPY=/usr/bin/python3  # Debian's python3: the one with scapy

storm_require() {
  bfd_require
  [ -x "$STORM_GEN" ] || iop_skip "storm_gen not built ($STORM_GEN)"
  [ -x "$STORM_DP_BENCH" ] || iop_skip "dataplane_bench not built ($STORM_DP_BENCH)"
  "$SYSPY" -c 'import scapy' 2>/dev/null || iop_skip "scapy missing for $SYSPY"
  [ "$(nproc)" -ge 2 ] || iop_skip "needs 2 CPUs (worker and control core apart)"
}

# Data frames (66 B UDP to ff05::0..63, 1024 of them), the joins of those groups for out1,
# and the legit joins storm_gen sends on ge0 before the storm.
storm_pcaps() {
  local w=$IOP_WORK mk="$STORM_REPO/perf/pktgen/mld_report_pcap.py"
  "$STORM_DP_BENCH" --write-pcap "$w/data.pcap" --groups 64 --frame-size 66 --max-frames 1024
  "$SYSPY" "$mk" --groups 64 --first ff05:: -o "$w/joins.pcap" >/dev/null
  "$SYSPY" "$mk" --groups 32 --first ff05::2:0 --host-ll fe80::2:1 -o "$w/legit_ex.pcap" >/dev/null
  "$SYSPY" "$mk" --groups 32 --first ff05::3:0 --mode include --source 2001:db8:100::10 \
    --host-ll fe80::2:1 -o "$w/legit_in.pcap" >/dev/null
}

storm_topology() {
  iop_tandem_ns td
  iop_ns_add fr
  iop_veth td sg0 fr fr0
  nsx td ip link set sg0 up
  nsx fr ip link set fr0 address 02:74:64:20:00:02
  iop_kernel_if fr fr0 "$FR_BFD_ADDR/64"
  bfd_frr_dir
}

storm_tandem_config() {
  cat >"$IOP_WORK/td.cfg" <<CFG
dataplane idle-sleep-us 0
multicast ipv6 routing-enable
bfd
quit
bfd frr bind peer-ipv6 $FR_BFD_ADDR track-interface interface ge0
 discriminator local 10
 min-tx-interval 10
 min-rx-interval 10
 detect-multiplier 3
quit
interface ge0
 device net_memif0,role=client,id=0,socket=$IOP_WORK/memif.sock,socket-abstract=no,rsize=12,mac=02:74:64:20:00:01
 ipv6 address $TD_BFD_ADDR/64
 ipv6 address auto link-local
 pim ipv6 sm
 mld enable
quit
interface out1
 device net_pcap1,rx_pcap=$IOP_WORK/joins.pcap
 ipv6 address auto link-local
 pim ipv6 sm
 mld enable
quit
interface up0
 device net_pcap0,rx_pcap=$IOP_WORK/data.pcap,infinite_rx=1
 ipv6 address 2001:db8:100::1/64
 multicast ipv6 upstream
quit
metrics listen 127.0.0.1 9464
CFG
}

# storm_gen first: it is the memif server tandemd connects to.
storm_gen_start() {
  local prefix="$IOP_P-gen"
  IOP_DPDK_PREFIXES+=("$prefix")
  iop_bg "$IOP_WORK/storm_gen.log" ip netns exec "$(nsname td)" chrt -r 5 "$STORM_GEN" \
    --lcores 0@0 --no-huge -m 128 --no-pci --no-telemetry --file-prefix "$prefix" \
    --log-level '*:warning' \
    --vdev "net_memif0,role=server,id=0,socket=$IOP_WORK/memif.sock,socket-abstract=no,rsize=12" \
    --vdev "net_af_packet1,iface=sg0" -- \
    --rate "$STORM_RATE" --stats "$IOP_WORK/gen.json" \
    --preload "$IOP_WORK/legit_ex.pcap" --preload "$IOP_WORK/legit_in.pcap"
  STORM_GEN_PID=$IOP_BG_PID
  iop_wait_for 20 "storm_gen up" test -S "$IOP_WORK/memif.sock"
}

storm_tandemd_start() {
  local prefix="$IOP_P-td" sock="$IOP_WORK/td.sock" i
  IOP_DPDK_PREFIXES+=("$prefix")
  IOP_TANDEMD_LOG="$IOP_WORK/tandemd.log"
  iop_bg "$IOP_TANDEMD_LOG" ip netns exec "$(nsname td)" setsid "$IOP_TANDEMD" --config "$IOP_WORK/td.cfg" \
    --socket "$sock" -- --no-pci --no-huge -m 512 --no-telemetry --lcores 0@0,1@1 \
    --file-prefix "$prefix" --log-level '*:warning'
  IOP_TANDEMD_PID=$IOP_BG_PID
  for ((i = 0; i < 300; i++)); do
    tctl td display vrrp6 brief >/dev/null 2>&1 && break
    kill -0 "$IOP_TANDEMD_PID" 2>/dev/null || iop_fail "tandemd exited at start"
    sleep 0.1
  done
  # Real-time for the control thread only (the main thread, whose TID is the PID): the worker
  # thread already exists and keeps its normal policy.
  chrt -r -p 10 "$IOP_TANDEMD_PID" >/dev/null || iop_log "chrt refused: control core not real-time"
  # The worker carries BFD's receive path too (RX queue -> punt queue). At nice 0 on a core
  # shared with compilers it was descheduled for 30+ ms at a time and BFD at 10 ms x 3 flapped
  # with no storm at all; nice -20 stands in for the isolated core (isolcpus) a deployment gives
  # its workers, without SCHED_RR's throttling (50 ms off-CPU a second for a busy RT thread).
  # With autogroups (sched_autogroup_enabled) nice only counts inside a session, so tandemd
  # runs in a session of its own (setsid) and that session's group gets the nice value too.
  STORM_WORKER_TID=$(storm_worker_tid)
  renice -n -20 -p "$STORM_WORKER_TID" >/dev/null || iop_log "renice refused: worker at nice 0"
  if [ -w "/proc/$IOP_TANDEMD_PID/autogroup" ]; then
    echo -20 >"/proc/$IOP_TANDEMD_PID/autogroup" || iop_log "autogroup nice refused"
  fi
}

storm_worker_tid() {
  grep -l '^rte-worker' /proc/"$IOP_TANDEMD_PID"/task/*/comm | head -1 | cut -d/ -f5
}

storm_start_all() {
  storm_pcaps
  storm_topology
  storm_tandem_config
  bfd_frr_configs
  storm_gen_start
  storm_tandemd_start
  bfd_zebra_start
  bfd_bfdd_start
  iop_wait_for 30 "BFD Up at both ends" bfd_both_up
  sleep 1  # FRR's Poll Sequence to 10 ms done
  iop_wait_for 10 "legit groups joined (64 on ge0, 64 on out1)" storm_legit_joined
}

storm_legit_joined() {
  local n
  n=$(tctl td --json display mld group 2>/dev/null | "$PY" -c '
import json, sys
print(sum(1 for g in json.load(sys.stdin)["groups"] if g["group"].startswith("ff05:")))') || return 1
  [ "$n" = 128 ]
}

storm_on() { kill -USR1 "$STORM_GEN_PID"; }
storm_off() { kill -USR2 "$STORM_GEN_PID"; }

# One snapshot file (storm_probe.py parses them after the run): wall time, worker and control
# thread CPU time, RSS, storm_gen's counters, tandemd's metrics. Shell builtins, curl and grep
# only, on CPU 0: a Python start per snapshot, at normal priority, stretched the windows by
# seconds on the loaded machine, and in real time it starved the kernel's softirq work that
# carries the BFD frames across the veth.
STORM_NSNAP=0
storm_snap() {
  local f key ts _
  f="$IOP_WORK/snaps/snap.$(printf %04d "$STORM_NSNAP")"
  STORM_NSNAP=$((STORM_NSNAP + 1))
  mkdir -p "$IOP_WORK/snaps"
  {
    echo "t $EPOCHREALTIME"
    read -r ts _ <"/proc/$IOP_TANDEMD_PID/task/$STORM_WORKER_TID/schedstat"
    echo "worker_cpu_ns $ts"
    read -r ts _ <"/proc/$IOP_TANDEMD_PID/task/$IOP_TANDEMD_PID/schedstat"
    echo "control_cpu_ns $ts"
    while read -r key ts _; do
      if [ "$key" = VmRSS: ]; then echo "rss_kb $ts"; fi
    done <"/proc/$IOP_TANDEMD_PID/status"
    echo "gen $(<"$IOP_WORK/gen.json")"
    nsx td taskset -c 0 curl -s --max-time 5 "$STORM_METRICS" | grep '^tandem_'
  } >"$f" || iop_fail "snapshot failed"
}

# storm_window on|off SECONDS: switch the storm, let it settle, measure SECONDS between two
# snapshots
storm_window() {
  if [ "$1" = on ]; then storm_on; else storm_off; fi
  sleep 0.5
  storm_snap
  sleep "$2"
  storm_snap
  kill -0 "$IOP_TANDEMD_PID" 2>/dev/null || iop_fail "tandemd died during the storm"
}

# storm_table FILE: the group table, normalised
storm_table() {
  tctl td --json display mld group >"$1.raw" || iop_fail "display mld group failed"
  taskset -c 0 "$SYSPY" "$STORM_LIB_DIR/storm_probe.py" table "$1.raw" >"$1"
}

# FRR's count of its session going down (its own view of flaps)
frr_down_count() {
  frr_vty -c "show bfd peers counters json" 2>/dev/null | "$PY" -c '
import json, sys
print(json.load(sys.stdin)[0].get("session-down", "none"))' 2>/dev/null || echo none
}
