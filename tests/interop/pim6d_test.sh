#!/usr/bin/env bash
# tandem's PIM-SM upstream (RFC 7761, last-hop router) against FRR pim6d as the RP, with the
# hot-standby pair of the lab (scripts/lab.sh, TANDEM_LAB_UPSTREAM=pim):
#
#   $P-src (source 2001:db8:100::10 and, on lo, 2001:db8:200::10)   $P-rp: zebra + pim6d,
#     \                                                             2001:db8:100::1 on its
#      upstream bridge (floods) ---- r1 up0 / r2 up0 (pim ipv6 sm)   LAN, RP 2001:db8::1 on lo
#      downstream bridge ---- r1 ge0 / r2 ge0 (MLD, VRRP6, ignore dr-/assert-state) ---- h1 h2 h3
#
# This kernel has no IPv6 multicast routing: pim6d is a control-plane peer (Hellos, DR,
# Join/Prune, RP state) and forwards nothing, so the source sits on the upstream LAN and the
# bridge floods its packets to both routers; the Joins and Prunes are judged at the RP.
#
#  a. pim6d lists both routers (their EUI-64 link-locals from the lab's fixed MACs) as PIM
#     neighbors, and both routers list the RP router (display pim ipv6 neighbor)
#  b. h1 joins the ASM group GA (source already sending): (*,G) Joins from r1 AND r2 reach
#     the RP (capture on the RP's interface), the RP shows (*,GA) (show ipv6 pim join); join
#     latency = first MLD report from h1 -> first GA packet at h1 (h1's capture); then h2
#     joins the same group (the tree exists): the same latency for h2
#  c. the stream reaches h1 and h2 through the Master only (r2's downstream port sends no
#     data; no duplicate, no sequence gap at the receivers)
#     SSM: h3 joins (2001:db8:200::10, GS) in ff3e::/32 (the source prefix is routed through
#     the RP router): (S,G) Joins from both routers at the RP, the RP shows (S,GS), h3 gets it
#  d. h2 leaves; SIGKILL r1 -> r2 forwards to h1 within 1000 ms (receiver gap, as
#     perf/failover.sh measures it), with no new Join first: r2's (*,GA) Join was sent
#     before the kill (capture), and no Join for GA from r2 between the kill and the resumption
#  e. h1 leaves -> a Prune (*,GA) from r2 (now the only router) reaches the RP within
#     LLQT + 1 s of h1's leave report (LLQT = last-listener query interval x count of ge0)
#  f. SIGTERM r2 -> its Prune (S,GS) (h3 still listens) and its Goodbye (Hello holdtime 0)
#     reach the RP, and pim6d drops r2 from its neighbors at once
#
# Last lines: `PIM6D_RESULT {json}` with the figures, then PASS. Skips (77) without root,
# namespaces, tcpdump/jq or pim6d (/opt/frr-pim6, TANDEM_LAB_FRR).
#   PIM6D_TEST_SAVE_PCAP=FILE   keep the RP-side PIM capture (tests/fixtures/pim/ was made so)
#   PIM6D_TEST_SAVE_ASSERT_PCAP=FILE  before d, SIGSTOP r1 for 200 ms (both forward for a
#                               moment, and Assert) and keep the downstream LAN's PIM capture
#   PIM6D_TEST_KEEP=DIR         copy every capture and log there before tearing down
# Usage: pim6d_test.sh TANDEMD TANDEMCTL
set -euo pipefail
TD_BIN=${1:?usage: pim6d_test.sh TANDEMD TANDEMCTL}
TC_BIN=${2:?usage: pim6d_test.sh TANDEMD TANDEMCTL}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FRR=${TANDEM_LAB_FRR:-/opt/frr-pim6}

skip() { echo "SKIP: $*"; exit 77; }
[ -x "$FRR/sbin/pim6d" ] && [ -x "$FRR/sbin/zebra" ] ||
  skip "FRR pim6d not found in $FRR: pim6d not built (see docs/frr-pim6d.md)"
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, DPDK)"
for p in tcpdump jq; do command -v "$p" >/dev/null || skip "$p is not installed"; done
[ -x "$TD_BIN" ] && [ -x "$TC_BIN" ] || { echo "FAIL: tandemd/tandemctl not found ($TD_BIN, $TC_BIN)"; exit 1; }
[ "$(dirname "$TD_BIN")" = "$(dirname "$TC_BIN")" ] ||
  { echo "FAIL: tandemd and tandemctl must be in one directory (the lab's TANDEM_BUILD)"; exit 1; }

export TANDEM_BUILD
TANDEM_BUILD=$(cd "$(dirname "$TD_BIN")" && pwd)
export TANDEM_LAB_PREFIX=${PIM6D_TEST_PREFIX:-tpim$(($$ % 100000))}
export TANDEM_LAB_UPSTREAM=pim TANDEM_LAB_FRR=$FRR
export TANDEM_LAB_HOSTS=3 TANDEM_LAB_V1_HOST=0      # three MLDv2 hosts
export TANDEM_LAB_PREEMPT_S=${TANDEM_LAB_PREEMPT_S:-5}
# shellcheck source=../../scripts/lab/lib.sh
source "$REPO/scripts/lab/lib.sh"
# shellcheck source=../../scripts/lab/ops.sh
source "$REPO/scripts/lab/ops.sh"
EVENTS="$REPO/scripts/interop/pcap_events.py"

probe="$P-probe"
ip netns add "$probe" 2>/dev/null || skip "network namespaces refused (ip netns add failed)"
ip netns del "$probe"

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [ -n "${PIM6D_TEST_KEEP:-}" ] && [ -d "$LAB_STATE" ]; then
    mkdir -p "$PIM6D_TEST_KEEP" && cp -r "$LAB_STATE"/cap "$LAB_STATE"/logs "$LAB_STATE"/*.cfg \
      "$PIM6D_TEST_KEEP"/ 2>/dev/null && echo "kept captures and logs in $PIM6D_TEST_KEEP"
  fi
  lab_down >/dev/null 2>&1
  if ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P-" >/dev/null; then
    echo "cleanup: namespaces of $P left behind"
    rc=1
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

GA=ff0e::db8:11          # ASM (RP 2001:db8::1)
GS=ff3e::db8:12          # SSM, from the remote source
R1_LL=$R1_UP_LL    # up0 of r1: fe80::74:64ff:fe64:2 (MAC 02:74:64:64:00:02, EUI-64; ops.sh)
R2_LL=$R2_UP_LL    # fe80::74:64ff:fe64:3; the RP router's LAN interface is $RP_LL (..:1)
H1_LL=fe80::74:64ff:fe01:101
H2_LL=fe80::74:64ff:fe01:102

ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }

# --- captures (tcpdump -U: each packet is in the file at once, so they are read live) ------
CAP="$LAB_STATE/cap"
cap_start() {   # cap_start NAME NODE IF FILTER
  local name=$1 node=$2 ifc=$3 filter=$4 i
  lab_spawn "cap-$name" "$node" tcpdump -i "$ifc" -nn -s 0 -U -Z root -w "$CAP/$name.pcap" "$filter"
  for ((i = 0; i < 100; i++)); do
    grep -q 'listening on' "$LAB_STATE/logs/cap-$name.log" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "tcpdump $name did not start: $(cat "$LAB_STATE/logs/cap-$name.log")"
}
cap_stop() { sleep 0.3; lab_stop "cap-$1" INT 5; }
# events NAME [--data GROUP] : the capture read so far (pcap_events.py lines)
events() { local n=$1; shift; "$PY" "$EVENTS" "$CAP/$n.pcap" "$@" 2>/dev/null || true; }
# jp_first FROM SRC GROUP J|P SOURCE FLAGS : time of the first such J/P entry at the RP
jp_first() {
  events rp | awk -v t="$1" -v s="$2" -v g="$3/128" -v k="$4" -v src="$5" -v f="$6" \
    '$2 == "jp" && $1 >= t && $3 == s && $5 == g && $6 == k && $7 == src && $8 == f { print $1; exit }'
}
# jp_count FROM TO SRC GROUP J|P : such entries (any source) in [FROM, TO]
jp_count() {
  events rp | awk -v a="$1" -v b="$2" -v s="$3" -v g="$4/128" -v k="$5" \
    '$2 == "jp" && $1 >= a && $1 <= b && $3 == s && $5 == g && $6 == k { n++ } END { print n + 0 }'
}
has_jp() { [ -n "$(jp_first "$@")" ]; }
# join_latency CAP HOST_LL GROUP FROM : first MLD report for GROUP from the host after FROM
# -> first GROUP packet after it; prints "T_REPORT MS" (nothing while incomplete)
join_latency() {
  events "$1" --data "$3" | awk -v h="$2" -v g="$3" -v t="$4" '
    $1 < t { next }
    !r && $2 == "mld" && $3 == h && $4 == g && ($5 == "TO_EX" || $5 == "IS_EX" || $5 == "ALLOW" || $5 == "report") { r = $1; next }
    r && $2 == "data" && $4 == g { printf "%s %.1f\n", r, ($1 - r) * 1000; exit }'
}
leave_report() {   # leave_report CAP HOST_LL GROUP FROM : time of the host's first leave record
  events "$1" | awk -v h="$2" -v g="$3" -v t="$4" \
    '$1 >= t && $2 == "mld" && $3 == h && $4 == g && ($5 == "TO_IN" || $5 == "BLOCK" || $5 == "done") { print $1; exit }'
}

# --- router and RP queries ---------------------------------------------------------------
# (ops.sh: pim_neighbor_of ROUTER ADDR, rp_lists ADDR)
rp_join_has() { lab_rp 'show ipv6 pim join' | grep -w "$1" | grep -qw "$2"; }
up0_counter() {   # up0_counter ROUTER FIELD : from display pim ipv6 interface verbose
  jctl "$1" display pim ipv6 interface verbose | jq -r ".interfaces[] | select(.interface == \"up0\") | .$2"
}
# the receiver has installed its SIGUSR1 handler (signalled earlier, it would die of it)
catches_usr1() {
  local pid mask
  pid=$(lab_pid "$1") || return 1
  mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || return 1
  [ -n "$mask" ] && (((16#$mask >> 9) & 1))
}
receiving() {     # receiving RECEIVER : every group of the receiver got a packet in the last 100 ms
  catches_usr1 "$1" || return 1
  report "$1" | jq -e '[.groups[] | .last_rx_age_ms != null and .last_rx_age_ms < 100] | all' >/dev/null
}

# =========================================================================================
lab_have_tandemd || fail "tandemd/tandemctl not in $TANDEM_BUILD"
say "lab $P, tandemd from $TANDEM_BUILD, pim6d from $FRR"
lab_up
mkdir -p "$CAP"
lab_upstream | grep -qx pim || fail "the lab did not come up with the PIM upstream"
# PIM at the RP (the whole upstream LAN: the bridge floods ff02::d), PIM on the downstream
# LAN (asserts, if any), MLD + GA data at h1 and h2
cap_start rp rp tdm-eth0 'ip6 proto 103'
cap_start dn sw tdm-bdn 'ip6 proto 103'
cap_start h1 h1 tdm-eth0 "(ip6 proto 0) or (ip6 dst $GA)"
cap_start h2 h2 tdm-eth0 "(ip6 proto 0) or (ip6 dst $GA)"
# the source sends before anyone joins: GA from the upstream LAN's source, GS from the
# remote source (2001:db8:200::10, routed through the RP router)
lab_spawn sender src "$PY" "$LAB_TOOLS/mcast_send.py" -i tdm-eth0 -s "$SRC_ADDR" \
  -p "$MCAST_PORT" -r 1000 --json "$LAB_STATE/sender.json" "$GA"
lab_spawn sender-remote src "$PY" "$LAB_TOOLS/mcast_send.py" -i tdm-eth0 -s "$REMOTE_SRC_ADDR" \
  -p "$MCAST_PORT" -r 200 --json "$LAB_STATE/sender-remote.json" "$GS"
start_pair rbp
start_watch r1
start_watch r2

# --- a. adjacencies ----------------------------------------------------------------------
# tandem's first Hello leaves within Triggered_Hello_Delay (5 s); pim6d answers a new
# neighbor with a Hello of its own (else its periodic one, 30 s)
wait_until 40 "pim6d lists r1 ($R1_LL)" rp_lists "$R1_LL"
wait_until 40 "pim6d lists r2 ($R2_LL)" rp_lists "$R2_LL"
wait_until 40 "r1 lists the RP router ($RP_LL) on up0" pim_neighbor_of r1 "$RP_LL"
wait_until 40 "r2 lists the RP router ($RP_LL) on up0" pim_neighbor_of r2 "$RP_LL"
say "pim6d: show ipv6 pim neighbor"
lab_rp 'show ipv6 pim neighbor' | sed 's/^/    /'
for r in r1 r2; do
  say "$r: display pim ipv6 neighbor"
  lab_ctl "$r" display pim ipv6 neighbor | sed 's/^/    /'
done
t_adj=$(now)

# --- b. (*,G) join, no tree yet -----------------------------------------------------------
t_j1=$(now)
start_receiver recv-h1 h1 "$GA"
wait_until 10 "h1 receives $GA" receiving recv-h1
wait_until 10 "(*,$GA) Join from r1 at the RP" has_jp "$t_adj" "$R1_LL" "$GA" J "$RP_ADDR" SWR
wait_until 10 "(*,$GA) Join from r2 at the RP" has_jp "$t_adj" "$R2_LL" "$GA" J "$RP_ADDR" SWR
wait_until 10 "the RP shows (*,$GA)" rp_join_has "$GA" '\*'
JL=""
got_latency() { JL=$(join_latency "$@"); [ -n "$JL" ]; }
wait_until 5 "h1's report and first $GA packet in its capture" got_latency h1 "$H1_LL" "$GA" "$t_j1"
read -r t_rep1 JOIN_MS_NO_TREE <<<"$JL"
say "join latency, no tree: h1's report -> first $GA packet at h1: $JOIN_MS_NO_TREE ms"
R1_JOIN=$(jp_first "$t_adj" "$R1_LL" "$GA" J "$RP_ADDR" SWR)
R2_JOIN=$(jp_first "$t_adj" "$R2_LL" "$GA" J "$RP_ADDR" SWR)
say "(*,$GA) Joins at the RP: r1 $(ms_between "$t_rep1" "$R1_JOIN") ms, r2 $(ms_between "$t_rep1" "$R2_JOIN") ms after h1's report"
lab_rp 'show ipv6 pim join' | sed 's/^/    /'

# the same group from h2: the routers already forward it (the tree exists)
sleep 1
t_j2=$(now)
start_receiver recv-h2 h2 "$GA"
wait_until 10 "h2 receives $GA" receiving recv-h2
wait_until 5 "h2's report and first $GA packet in its capture" got_latency h2 "$H2_LL" "$GA" "$t_j2"
read -r _ JOIN_MS_TREE <<<"$JL"
say "join latency, tree already there (h1 joined): h2's report -> first $GA packet at h2: $JOIN_MS_TREE ms"

# --- SSM: (S,G) toward the remote source, through the RP router --------------------------
start_receiver recv-h3 h3 "$GS@$REMOTE_SRC_ADDR"
wait_until 10 "h3 receives ($REMOTE_SRC_ADDR, $GS)" receiving recv-h3
wait_until 10 "($REMOTE_SRC_ADDR,$GS) Join from r1 at the RP" has_jp "$t_adj" "$R1_LL" "$GS" J "$REMOTE_SRC_ADDR" S
wait_until 10 "($REMOTE_SRC_ADDR,$GS) Join from r2 at the RP" has_jp "$t_adj" "$R2_LL" "$GS" J "$REMOTE_SRC_ADDR" S
SSM_RP_STATE=false
if rp_join_has "$GS" "$REMOTE_SRC_ADDR"; then SSM_RP_STATE=true; fi
say "the RP's (S,G) join state for $GS: $SSM_RP_STATE"

# --- c. through the Master only -----------------------------------------------------------
# A 3 s window with r1 Master and r2 Backup throughout. On the loaded 2-core machine r1 may
# be descheduled for more than r2's BFD detection time (30 ms): r2 then takes over (a false
# switchover, counted as a BFD flap on r2) and both forward until r1 hears r2's advert; such
# a window is not this check's subject: wait for r1 to preempt back and take another one.
steady_pair() { is_state r1 Master && is_state r2 Backup; }
for attempt in 1 2 3 4; do
  wait_until $((TANDEM_LAB_PREEMPT_S + 15)) "r1 Master, r2 Backup" steady_pair
  flaps=$(bfd_field r2 flaps)
  for r in recv-h1 recv-h2 recv-h3; do reset_counters "$r"; done
  d1=$(report watch-r1 | jq '.data_total')
  d2=$(report watch-r2 | jq '.data_total')
  sleep 3
  d1=$(($(report watch-r1 | jq '.data_total') - d1))
  d2=$(($(report watch-r2 | jq '.data_total') - d2))
  if [ "$(bfd_field r2 flaps)" = "$flaps" ] && steady_pair; then break; fi
  say "false switchover in the window (r2's BFD flapped: r1 silent > 30 ms); another window"
  [ "$attempt" -lt 4 ] || fail "no window of 3 s without a false switchover in 4 tries"
done
[ "$d1" -gt 0 ] || fail "r1 (Master) sent no data on the downstream LAN"
[ "$d2" = 0 ] || fail "r2 (Backup) sent $d2 data packets on the downstream LAN"
for r in recv-h1 recv-h2 recv-h3; do
  rep=$(report "$r")
  [ "$(echo "$rep" | jq .dups)" = 0 ] || fail "$r saw duplicates: $rep"
  [ "$(echo "$rep" | jq .lost)" = 0 ] || fail "$r saw sequence gaps: $rep"
  [ "$(echo "$rep" | jq .received)" -gt 0 ] || fail "$r received nothing: $rep"
done
pass "data through r1 only ($d1 frames from r1, 0 from r2 at the switch in 3 s), no duplicates or gaps"
for r in r1 r2; do
  say "$r: display pim ipv6 routing-table"
  lab_ctl "$r" display pim ipv6 routing-table | sed 's/^/    /'
done

# --- optional: an Assert on the downstream LAN, for the fixture ----------------------------
# PIM6D_TEST_SAVE_ASSERT_PCAP=FILE: SIGSTOP r1 for 200 ms, so r2 takes over on BFD Down while
# r1 still believes it is Master; when r1 resumes, both forward for a moment, each sees the
# other's data on ge0 (a PIM interface) and they Assert (RFC 7761 4.6) until r1 steps down.
# The downstream LAN's PIM until r1 is back as Master goes to FILE.
if [ -n "${PIM6D_TEST_SAVE_ASSERT_PCAP:-}" ]; then
  lab_signal tandemd-r1 STOP
  sleep 0.2
  lab_signal tandemd-r1 CONT
  wait_until 3 "r2 Master after r1's pause" is_state r2 Master
  wait_until $((TANDEM_LAB_PREEMPT_S + 20)) "r1 Master again (preempted back)" steady_pair
  sleep 1
  n=$(events dn | awk '$2 == "assert"' | wc -l)
  say "downstream LAN: $n Asserts"
  events dn | awk '$2 == "assert"' | sed 's/^/    /'
  cp "$CAP/dn.pcap" "$PIM6D_TEST_SAVE_ASSERT_PCAP"
  say "downstream PIM capture saved to $PIM6D_TEST_SAVE_ASSERT_PCAP"
fi

# --- d. h2 leaves, then SIGKILL r1 ---------------------------------------------------------
lab_stop recv-h2 TERM 5
sleep 3
# kill from the steady state only (a false switchover just before would hide the failover)
for attempt in 1 2 3; do
  wait_until $((TANDEM_LAB_PREEMPT_S + 15)) "steady: r1 Master, r2 Backup, digests equal" eval \
    'steady_pair && digests_equal'
  flaps=$(bfd_field r2 flaps)
  R2_JOINS_BEFORE=$(up0_counter r2 joins_sent)
  reset_counters recv-h1
  sleep 0.5
  [ "$(bfd_field r2 flaps)" = "$flaps" ] && steady_pair && break
  say "false switchover before the kill; waiting for the steady state again"
  [ "$attempt" -lt 3 ] || fail "no steady state before the kill in 3 tries"
done
t_kill=$(now)
lab_stop tandemd-r1 KILL 2
wait_until 3 "r2 VRRP6 Master" is_state r2 Master
for ((i = 0; i < 30; i++)); do
  sleep 0.1
  receiving recv-h1 && [ "$i" -ge 3 ] && break
done
sleep 0.5
rep=$(report recv-h1)
FAILOVER_MS=$(interruption_ms "$rep")
t_resumed=$(awk -v k="$t_kill" -v m="$FAILOVER_MS" 'BEGIN { printf "%.6f", k + m / 1000 + 0.2 }')
say "SIGKILL r1: h1's interruption $FAILOVER_MS ms, lost $(lost_packets "$rep"), dups $(echo "$rep" | jq .dups)"
fgt 1000 "$FAILOVER_MS" || fail "failover took $FAILOVER_MS ms (bound 1000 ms)"
[ "$(echo "$rep" | jq .dups)" = 0 ] || fail "duplicates at h1 after the failover: $rep"
R2_FIRST_JOIN=$(jp_first "$t_adj" "$R2_LL" "$GA" J "$RP_ADDR" SWR)
fgt "$t_kill" "$R2_FIRST_JOIN" || fail "r2's first (*,$GA) Join ($R2_FIRST_JOIN) is not before the kill ($t_kill)"
R2_JOINS_IN_GAP=$(jp_count "$t_kill" "$t_resumed" "$R2_LL" "$GA" J)
[ "$R2_JOINS_IN_GAP" = 0 ] || fail "r2 sent $R2_JOINS_IN_GAP Join(s) for $GA between the kill and the resumption"
R2_JOINS_AFTER=$(up0_counter r2 joins_sent)
pass "r2 forwards after $FAILOVER_MS ms on the (*,$GA) it joined $(ms_between "$R2_FIRST_JOIN" "$t_kill") ms before the kill (no Join in between; up0 joins_sent $R2_JOINS_BEFORE -> $R2_JOINS_AFTER)"

# --- e. h1 leaves -> Prune (*,G) from r2 ---------------------------------------------------
mldif=$(jctl r2 display mld interface | jq -c '.interfaces[] | select(.interface == "ge0")')
LLQI=$(echo "$mldif" | jq '.last_listener_query_interval_s')
LLQC=$(echo "$mldif" | jq '.last_listener_query_count')
LLQT_S=$((LLQI * LLQC))
t_leave=$(now)
lab_stop recv-h1 TERM 5
wait_until $((LLQT_S + 5)) "Prune (*,$GA) from r2 at the RP" has_jp "$t_leave" "$R2_LL" "$GA" P "$RP_ADDR" SWR
t_prune=$(jp_first "$t_leave" "$R2_LL" "$GA" P "$RP_ADDR" SWR)
t_lrep=$(leave_report h1 "$H1_LL" "$GA" "$t_leave")
[ -n "$t_lrep" ] || fail "no leave report from h1 in its capture"
PRUNE_MS=$(ms_between "$t_lrep" "$t_prune")
say "h1's leave report -> r2's Prune (*,$GA) at the RP: $PRUNE_MS ms (LLQT ${LLQT_S} s = ${LLQI} s x $LLQC)"
fgt $((LLQT_S * 1000 + 1000)) "$PRUNE_MS" || fail "the Prune came $PRUNE_MS ms after the leave (bound LLQT + 1 s)"

# --- f. SIGTERM r2: Prunes, then Goodbye ---------------------------------------------------
has_goodbye() {
  events rp | awk -v t="$1" -v s="$2" '$1 >= t && $2 == "hello" && $3 == s && $4 == "0" { f = 1 } END { exit !f }'
}
rp_dropped() { ! rp_lists "$1"; }
t_term=$(now)
lab_stop tandemd-r2 TERM 5
wait_until 3 "r2's Prune ($REMOTE_SRC_ADDR,$GS) at the RP" has_jp "$t_term" "$R2_LL" "$GS" P "$REMOTE_SRC_ADDR" S
wait_until 3 "r2's Goodbye (Hello holdtime 0) at the RP" has_goodbye "$t_term" "$R2_LL"
wait_until 3 "pim6d dropped r2 from its neighbors" rp_dropped "$R2_LL"
t_bye=$(events rp | awk -v t="$t_term" -v s="$R2_LL" '$1 >= t && $2 == "hello" && $3 == s && $4 == "0" { print $1; exit }')
BYE_MS=$(ms_between "$t_term" "$t_bye")
pass "SIGTERM r2: Prune (S,$GS) and Goodbye at the RP ${BYE_MS} ms after the signal; pim6d dropped r2"

# --- captures: kinds, asserts ---------------------------------------------------------------
cap_stop rp
cap_stop dn
n_hello_rp=$(events rp | awk -v s="$RP_LL" '$2 == "hello" && $3 == s' | wc -l)
n_hello_td=$(events rp | awk -v a="$R1_LL" -v b="$R2_LL" '$2 == "hello" && ($3 == a || $3 == b)' | wc -l)
n_jp=$(events rp | awk '$2 == "jp"' | wc -l)
n_assert=$(events rp | awk '$2 == "assert"' | wc -l)
n_assert_dn=$(events dn | awk '$2 == "assert"' | wc -l)
say "RP capture: $n_hello_rp pim6d Hellos, $n_hello_td tandem Hellos, $n_jp J/P entries, $n_assert Asserts (downstream LAN: $n_assert_dn Asserts)"
if [ -n "${PIM6D_TEST_SAVE_PCAP:-}" ]; then
  cp "$CAP/rp.pcap" "$PIM6D_TEST_SAVE_PCAP"
  say "RP-side PIM capture saved to $PIM6D_TEST_SAVE_PCAP"
fi

printf 'PIM6D_RESULT {"join_ms_no_tree":%s,"join_ms_with_tree":%s,"failover_ms":%s,"prune_after_leave_ms":%s,"llqt_s":%s,"r2_join_before_kill_ms":%s,"r2_joins_in_gap":%s,"ssm_join_r1":true,"ssm_join_r2":true,"ssm_rp_state":%s,"goodbye_after_sigterm_ms":%s}\n' \
  "$JOIN_MS_NO_TREE" "$JOIN_MS_TREE" "$FAILOVER_MS" "$PRUNE_MS" "$LLQT_S" \
  "$(ms_between "$R2_FIRST_JOIN" "$t_kill")" "$R2_JOINS_IN_GAP" "$SSM_RP_STATE" "$BYE_MS"
echo "PASS: tandem PIM-SM pair vs FRR pim6d RP (join $JOIN_MS_NO_TREE ms, failover $FAILOVER_MS ms, prune $PRUNE_MS ms after the leave)"
