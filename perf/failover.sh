#!/usr/bin/env bash
# Failover time of the hot-standby pair, measured at real Linux receivers (root).
#
#   perf/failover.sh [K] [common|admin|both]   (K runs per fault kind, default 5; both)
#
# Lab: scripts/lab.sh (prefix tdmperf), 3 receivers (MLDv2 ASM, MLDv2 SSM, MLDv1), 3 groups
# at 1,000 packets/s each. Fault kinds, K runs each:
#   kill      SIGKILL of r1 (restarted afterwards)
#   linkdown  r1's downstream veth set down (set up again afterwards)
# Per run: the longest interruption any receiver saw (ms, an open gap counts by its current
# length) and the groups r2 lost. After each run the pair is brought back to r1 Master /
# r2 Backup with equal digests before the next one. Switchback: after each fault r1 comes
# back and preempts r2 after the preempt delay; the longest interruption a receiver saw
# from r1's return until r1 is Master and r2 Backup again is the run's switchback figure.
# Flavours of the reference procedure (scripts/lab/lib.sh lab_flavour), each with its own
# lab and K runs per fault kind: common (the service VRRP6 group elects and gates
# multicast) and admin (an mVRRP6 elects, the service group and the gate follow it).
# Contrast: the same SIGKILL with the RBS/RBP removed from both configs (no hot backup) and
# r2 restarted after the hosts joined, so it holds no listener state when r1 dies (a backup
# that was rebooted, or a cold standby): it has to query and wait for the hosts' reports.
# (Without the restart a non-RBP r2 would have learned the joins from the flooded reports
# itself; that case is printed too, as "both run MLD".)
# Upstream: PIM-SM with FRR pim6d as the RP when it is built (/opt/frr-pim6), else the
# static flooded upstream; TANDEM_LAB_UPSTREAM=pim|flood chooses (scripts/lab/lib.sh). With
# PIM every run starts once both routers are PIM neighbors of the RP (and it of them); the
# source stays on the upstream LAN either way (pim6d forwards no data on this kernel).
# The contrast runs use the common flavour.
# Last line: {"bench":"failover","runs":R,"median_ms":M,"max_ms":X,"groups_lost":N,...,
# "flavours":{"common":{"kill":{...},"linkdown":{...},"switchback":{...}},"admin":{...}},
# "upstream":"pim|flood"} (median_ms/max_ms over every failover run of every flavour)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
K=${1:-5}
case ${2:-both} in
  both) FLAVOURS="common admin" ;;
  common | admin) FLAVOURS=$2 ;;
  *) echo "failover.sh: flavour must be common, admin or both" >&2; exit 2 ;;
esac
CONTRAST_RUNS=${FAILOVER_CONTRAST_RUNS:-1}
export TANDEM_BUILD=${TANDEM_BUILD:-$REPO/build}
export TANDEM_LAB_PREFIX=${TANDEM_LAB_PREFIX:-tdmperf}
export TANDEM_LAB_PREEMPT_S=${TANDEM_LAB_PREEMPT_S:-2}
source scripts/lab/lib.sh
source scripts/lab/ops.sh
[ "$(id -u)" -eq 0 ] || { echo "failover.sh: run as root" >&2; exit 1; }
lab_have_tandemd || { echo "failover.sh: $TANDEM_BUILD/tandemd not built" >&2; exit 1; }

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  lab_down >/dev/null 2>&1
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ -n "$(lab_owned_netns)" ] && lab_down >/dev/null 2>&1
UPSTREAM=$(lab_upstream)
echo "failover.sh: upstream $(lab_upstream_desc)"

RECEIVERS="recv-h1 recv-h2 recv-h3"
setup() {   # setup rbp|norbp
  lab_up 2>/dev/null
  start_pair "$1"
  wait_pim_upstream 40 >/dev/null
  start_default_receivers
  start_sender 1000
  wait_until 5 "r1 learned the three groups" eval \
    'has_group r1 $G1 && has_group r1 $G2 && has_group r1 $G3'
  sleep 1
}
teardown() { lab_down >/dev/null 2>&1; }

steady() {   # steady rbp|norbp : back to r1 Master, r2 Backup, state synced, streams flowing
  wait_until $((TANDEM_LAB_PREEMPT_S + 15)) "r1 Master" is_state r1 Master >/dev/null
  wait_until 5 "r2 Backup" is_state r2 Backup >/dev/null
  [ "$1" = rbp ] && wait_until 10 "digests equal" digests_equal >/dev/null
  wait_pim_upstream 40 >/dev/null
  sleep 1.5
}

# one_run KIND -> RUN_RESULT="interruption_ms groups_lost lost_packets"
one_run() {
  local kind=$1 before after r rep worst=0 lost=0 i
  local mode=rbp attempt
  [ "$kind" = contrast ] && mode=norbp
  # fault only from the steady state: a false switchover (r2's 10 ms BFD firing while r1
  # is descheduled) just before the fault would make the run look hitless
  for attempt in 1 2 3; do
    before=$(group_count r1)
    for r in $RECEIVERS; do reset_counters "$r"; done
    sleep 0.5
    is_state r1 Master && is_state r2 Backup && break
    echo "  (not steady before the fault: waiting)" >&2
    steady "$mode"
  done
  case $kind in
    kill | contrast) lab_stop tandemd-r1 KILL 2 ;;
    linkdown) nsx r1 ip link set tdm-down down ;;
  esac
  local wait_s=3
  [ "$kind" = contrast ] && wait_s=${FAILOVER_CONTRAST_WAIT_S:-15}
  # wait until every receiver flows again (or the window ends), then read the reports
  local t_start=$SECONDS
  for ((i = 0; SECONDS - t_start < wait_s; i++)); do
    sleep 0.2
    local flowing=1
    for r in $RECEIVERS; do
      report "$r" | jq -e '[.groups[] | .last_rx_age_ms != null and .last_rx_age_ms < 100] | all' \
        >/dev/null || flowing=0
    done
    [ $i -ge 5 ] && [ $flowing = 1 ] && break
  done
  sleep 0.5
  for r in $RECEIVERS; do
    rep=$(report "$r")
    lost=$((lost + $(lost_packets "$rep")))
  done
  worst=$(worst_interruption)
  after=$(group_count r2)
  # r1 returns; the switchback (r1 preempting after the delay) is measured from here
  for r in $RECEIVERS; do reset_counters "$r"; done
  case $kind in
    kill | contrast) lab_router_start r1 "$mode" >/dev/null 2>&1
      lab_wait_ctl r1 30 ;;
    linkdown) nsx r1 ip link set tdm-down up ;;
  esac
  local back=- dups=0
  if [ "$mode" = rbp ]; then
    wait_until $((TANDEM_LAB_PREEMPT_S + 15)) "r1 Master again" is_state r1 Master >/dev/null
    wait_until 5 "r2 Backup again" is_state r2 Backup >/dev/null
    sleep 1
    back=$(worst_interruption)
    # both routers forward for a moment during the switchback (no gap, a few duplicates)
    for r in $RECEIVERS; do dups=$((dups + $(report "$r" | jq .dups))); done
  fi
  RUN_RESULT="$worst $((before > after ? before - after : 0)) $lost $back $dups"
}
# the longest interruption any receiver saw since its counters were reset (ms)
worst_interruption() {
  local r g worst=0
  for r in $RECEIVERS; do
    g=$(interruption_ms "$(report "$r")")
    fgt "$g" "$worst" && worst=$g
  done
  echo "$worst"
}

declare -A RES
all=()
groups_lost=0
for flavour in $FLAVOURS; do
  export TANDEM_LAB_FLAVOUR=$flavour
  echo "failover.sh: $flavour flavour"
  setup rbp
  for kind in kill linkdown; do
    RES[$flavour.$kind]=""
    for ((run = 1; run <= K; run++)); do
      steady rbp
      one_run "$kind"
      read -r ms gl lp back dups <<<"$RUN_RESULT"
      printf 'failover %-6s %-8s run %d: interruption %7s ms, groups lost %d, packets lost %d; switchback %7s ms, %d duplicates\n' \
        "$flavour" "$kind" "$run" "$ms" "$gl" "$lp" "$back" "$dups"
      RES[$flavour.$kind]+="$ms "
      RES[$flavour.switchback]+="$back "
      all+=("$ms")
      groups_lost=$((groups_lost + gl))
    done
  done
  teardown
done
export TANDEM_LAB_FLAVOUR=common

r1_has_all() { has_group r1 "$G1" && has_group r1 "$G2" && has_group r1 "$G3"; }
setup norbp
steady norbp
one_run contrast
read -r both_ms gl lp _ <<<"$RUN_RESULT"
printf 'no RBP, both run MLD, kill: interruption %7s ms, packets lost %d\n' "$both_ms" "$lp"
contrast=()
for ((run = 1; run <= CONTRAST_RUNS; run++)); do
  steady norbp
  wait_until 20 "r1 has the groups again" r1_has_all >/dev/null
  lab_stop tandemd-r2 TERM 5
  lab_router_start r2 norbp 2>/dev/null
  lab_wait_ctl r2 30
  wait_until 20 "r2 BFD Up" bfd_up r2 >/dev/null
  wait_until 10 "r2 Backup" is_state r2 Backup >/dev/null
  r2_groups=$(group_count r2)
  one_run contrast
  read -r ms gl lp _ <<<"$RUN_RESULT"
  printf 'no hot backup (no RBP, r2 restarted: %d groups) kill run %d: interruption %7s ms, packets lost %d\n' \
    "$r2_groups" "$run" "$ms" "$lp"
  # a restarted r2 relearns the groups if the hosts answered a query of r1's meanwhile
  # (r1's own start-up queries after a restart); such a run is no "backup without state"
  if [ "$r2_groups" -eq 0 ]; then contrast+=("$ms"); else echo "  (r2 had relearned the groups: not counted)"; fi
done
teardown

# per flavour and figure: a summary line, and the JSON object for the last line
flavours_json=""
for flavour in $FLAVOURS; do
  fj=""
  for kind in kill linkdown switchback; do
    read -r kmed kmax < <(printf '%s\n' ${RES[$flavour.$kind]} | median_max)
    printf '%-22s median %s ms, max %s ms (%d runs)\n' "$flavour $kind:" "$kmed" "$kmax" \
      "$(echo ${RES[$flavour.$kind]} | wc -w)"
    fj+="${fj:+,}\"$kind\":{\"median_ms\":$kmed,\"max_ms\":$kmax}"
  done
  flavours_json+="${flavours_json:+,}\"$flavour\":{$fj}"
done
read -r med max < <(printf '%s\n' "${all[@]}" | median_max)
read -r cmed cmax < <(printf '%s\n' "${contrast[@]}" | grep . | median_max)
echo "no hot backup: median $cmed ms, max $cmax ms (${#contrast[@]} runs, SIGKILL, backup without state)"
echo "no RBP, both run MLD: $both_ms ms"
echo "upstream:      $UPSTREAM"
printf '{"bench":"failover","runs":%d,"median_ms":%s,"max_ms":%s,"groups_lost":%d,"flavours":{%s},"no_hot_backup":{"runs":%d,"median_ms":%s,"max_ms":%s},"no_rbp_both_mld_ms":%s,"upstream":"%s"}\n' \
  "${#all[@]}" "$med" "$max" "$groups_lost" "$flavours_json" \
  "${#contrast[@]}" "$cmed" "$cmax" "$both_ms" "$UPSTREAM"
