# shellcheck shell=bash
# scripts/interop/lib.sh -- namespaces, processes and captures for the interop tests (tandem
# against keepalived and FRR). Source it after setting IOP_TANDEMD and IOP_TANDEMCTL.
#
# Everything a run makes is named "tdi-<id>-..." (id = 4 hex digits from the PID), so runs
# never collide with each other or with the lab's "tdm-*" namespaces. Every namespace and
# every background process is recorded when made and removed by the EXIT trap -- processes
# by PID (newest first), never by name.
#
#   IOP_KEEP=1           keep the work directory (logs, configs, pcaps) after exit
#   IOP_TANDEMD_SCHED    command prefix setting tandemd's scheduling (default "nice -n 5": it
#                        sleeps when idle anyway)
#   IOP_IDLE_US          tandemd's `dataplane idle-sleep-us` (default 100)
#   IOP_LCORES           EAL --lcores of tandemd (default "0@(0-N)": one lcore that may run
#                        on any CPU, so a compiler busy on one core does not stall it)

set -euo pipefail

IOP_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IOP_REPO="$(cd "$IOP_LIB_DIR/../.." && pwd)"
IOP_ID=$(printf '%04x' $(($$ & 0xffff)))
IOP_P="tdi-$IOP_ID"
IOP_WORK=$(mktemp -d "/tmp/tandem-interop-$IOP_ID.XXXXXX")
IOP_NETNS=()
IOP_PIDS=()
IOP_LOGS=()  # logs shown when a test fails
IOP_DPDK_PREFIXES=()
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

iop_log() { printf '[interop %s %(%H:%M:%S)T] %s\n' "$IOP_ID" -1 "$*" >&2; }

iop_fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "${IOP_LOGS[@]}"; do
    [ -s "$f" ] || continue
    echo "---- last lines of $f" >&2
    tail -n 25 "$f" | sed 's/^/  | /' >&2
  done
  exit 1
}

iop_skip() {
  echo "SKIP: $*"
  exit 77
}

# Root, namespaces and the named programs, or skip (exit 77).
iop_require() {
  [ "$(id -u)" = 0 ] || iop_skip "needs root (network namespaces, DPDK)"
  local probe="$IOP_P-probe"
  ip netns add "$probe" 2>/dev/null || iop_skip "network namespaces refused (ip netns add failed)"
  ip netns del "$probe" 2>/dev/null || true
  local p
  for p in "$@"; do
    command -v "$p" >/dev/null 2>&1 || [ -x "$p" ] || iop_skip "$p is not installed"
  done
  [ -x "$IOP_TANDEMD" ] || iop_fail "tandemd not found at $IOP_TANDEMD"
  [ -x "$IOP_TANDEMCTL" ] || iop_fail "tandemctl not found at $IOP_TANDEMCTL"
}

nsname() { echo "$IOP_P-$1"; }
nsx() {
  local n=$1
  shift
  ip netns exec "$(nsname "$n")" "$@"
}

iop_ns_add() {
  local n
  n=$(nsname "$1")
  ip netns add "$n"
  IOP_NETNS+=("$n")
  ip netns exec "$n" ip link set lo up
}

# iop_bg LOG CMD... : start an external program in the background, PID in $IOP_BG_PID.
# CMD must exec the program itself (ip netns exec does), so the PID is the program's.
iop_bg() {
  local logf=$1
  shift
  "$@" </dev/null >"$logf" 2>&1 &
  IOP_BG_PID=$!
  IOP_PIDS+=("$IOP_BG_PID")
  IOP_LOGS+=("$logf")
}

# iop_stop PID [SIG] [TIMEOUT_S] : signal one of our processes, wait, SIGKILL after the timeout
iop_stop() {
  local pid=$1 sig=${2:-TERM} t=${3:-5} i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  disown "$pid" 2>/dev/null || true  # no "Killed" job notice; bash still reaps it
  kill -"$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < t * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

iop_cleanup() {
  local rc=$? i n
  set +e
  for ((i = ${#IOP_PIDS[@]} - 1; i >= 0; i--)); do
    kill -0 "${IOP_PIDS[i]}" 2>/dev/null && iop_stop "${IOP_PIDS[i]}" TERM 3
  done
  for n in "${IOP_NETNS[@]}"; do ip netns del "$n" 2>/dev/null; done
  for n in "${IOP_DPDK_PREFIXES[@]}"; do rm -rf "/var/run/dpdk/$n"; done
  if [ "${IOP_KEEP:-0}" = 1 ]; then
    echo "interop: work directory kept: $IOP_WORK" >&2
  else
    rm -rf "$IOP_WORK"
  fi
  return $rc
}
trap iop_cleanup EXIT
trap 'exit 130' INT TERM

# iop_veth NS_A IF_A NS_B IF_B : a veth pair with one end in each namespace
iop_veth() {
  ip link add "$2" netns "$(nsname "$1")" type veth peer name "$4" netns "$(nsname "$3")"
}

# A LAN: bridge "br0" in namespace "sw" (no snooping, no IPv6 of its own: it floods every
# frame and injects nothing), capture point for the tests.
iop_switch() {
  iop_ns_add sw
  nsx sw sysctl -qw net.ipv6.conf.default.disable_ipv6=1
  nsx sw ip link add br0 type bridge mcast_snooping 0 stp_state 0
  nsx sw ip link set br0 up
}

# iop_switch_port NODE IF MAC : veth NODE:IF <-> sw:<NODE>p, enslaved to br0
iop_switch_port() {
  local node=$1 ifc=$2 mac=$3 port="${1}p"
  iop_veth "$node" "$ifc" sw "$port"
  nsx "$node" ip link set "$ifc" address "$mac"
  nsx sw ip link set "$port" master br0
  nsx sw ip link set "$port" up
}

# The tandem router namespace: the kernel has IPv6 off on the data interfaces (created after
# this), so only tandemd speaks there (no kernel ND/MLD, no ICMPv6 port unreachables).
iop_tandem_ns() {
  iop_ns_add "$1"
  nsx "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
  nsx "$1" sysctl -qw net.ipv6.conf.all.forwarding=0
}

# iop_kernel_if NODE IF ADDR/LEN : kernel IPv6 on a peer's (FRR/keepalived) interface, no
# DAD, no router solicitations, no SLAAC; TX checksum offload off so the frames tandemd reads
# through af_packet carry complete UDP checksums.
iop_kernel_if() {
  local node=$1 ifc=$2 addr=$3
  nsx "$node" sysctl -qw "net.ipv6.conf.$ifc.accept_dad=0"
  nsx "$node" sysctl -qw "net.ipv6.conf.$ifc.router_solicitations=0"
  nsx "$node" sysctl -qw "net.ipv6.conf.$ifc.accept_ra=0"
  nsx "$node" ip addr add "$addr" dev "$ifc" nodad
  nsx "$node" ip link set "$ifc" up
  iop_tx_csum_off "$node" "$ifc"
}

iop_tx_csum_off() {
  if command -v ethtool >/dev/null 2>&1; then
    nsx "$1" ethtool -K "$2" tx off >/dev/null 2>&1 || true
  else
    nsx "$1" "$PY" "$IOP_REPO/scripts/lab/tx_csum_off.py" "$2" 2>/dev/null || true
  fi
}

# --- tandemd -----------------------------------------------------------------------------

# iop_tandemd_start NODE CFG : start tandemd in NODE (socket $IOP_WORK/NODE.sock, log
# $IOP_WORK/tandemd-NODE.N.log), wait until it answers. PID in $IOP_TANDEMD_PID.
iop_tandemd_start() {
  local node=$1 cfg=$2 sock="$IOP_WORK/$1.sock" prefix="$IOP_P-$1"
  local lcores=${IOP_LCORES:-"0@(0-$(($(nproc) - 1)))"}
  local n=0
  while [ -e "$IOP_WORK/tandemd-$node.$n.log" ]; do n=$((n + 1)); done
  IOP_TANDEMD_LOG="$IOP_WORK/tandemd-$node.$n.log"
  rm -f "$sock"
  IOP_DPDK_PREFIXES+=("$prefix")
  # shellcheck disable=SC2086 # the scheduling prefix is a command with its arguments
  iop_bg "$IOP_TANDEMD_LOG" ip netns exec "$(nsname "$node")" \
    ${IOP_TANDEMD_SCHED:-nice -n 5} "$IOP_TANDEMD" --config "$cfg" --socket "$sock" -- \
    --no-pci --no-huge --no-shconf -m 256 --lcores "$lcores" --file-prefix "$prefix"
  IOP_TANDEMD_PID=$IOP_BG_PID
  local i
  for ((i = 0; i < 300; i++)); do
    "$IOP_TANDEMCTL" --socket "$sock" display vrrp6 brief >/dev/null 2>&1 && return 0
    kill -0 "$IOP_TANDEMD_PID" 2>/dev/null || iop_fail "tandemd exited at start"
    sleep 0.1
  done
  iop_fail "tandemd does not answer on $sock after 30 s"
}

# tctl NODE ARGS... : tandemctl against the tandemd in NODE
tctl() {
  local node=$1
  shift
  "$IOP_TANDEMCTL" --socket "$IOP_WORK/$node.sock" "$@"
}

# iop_json_get FIELD... : read JSON on stdin, print groups[0]/sessions[0] FIELD values
iop_json_first() {
  "$PY" -c '
import json, sys
d = json.load(sys.stdin)
items = d.get("groups", d.get("sessions", []))
if not items: sys.exit(1)
print(" ".join(str(items[0].get(k, "")) for k in sys.argv[1:]))' "$@"
}

# tandem_vrrp_state NODE : Master / Backup / Initialize (first VRRP6 group)
tandem_vrrp_state() { tctl "$1" --json display vrrp6 2>/dev/null | iop_json_first state || echo none; }

# iop_wait_for TIMEOUT_S DESCRIPTION CMD... : poll CMD every 0.1 s until it succeeds
iop_wait_for() {
  local t=$1 what=$2 i
  shift 2
  for ((i = 0; i < t * 10; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  iop_fail "timed out after ${t}s waiting for: $what"
}

# --- captures ----------------------------------------------------------------------------

# iop_cap_start NODE IF FILE [BPF...] : tcpdump until iop_cap_stop; returns once listening.
iop_cap_start() {
  local node=$1 ifc=$2 file=$3
  shift 3
  local errf="$file.tcpdump.log"
  ip netns exec "$(nsname "$node")" tcpdump -i "$ifc" -nn -s 0 -U -Z root -w "$file" "$@" \
    >"$errf" 2>&1 &
  IOP_CAP_PID=$!
  IOP_PIDS+=("$IOP_CAP_PID")
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q 'listening on' "$errf" 2>/dev/null && return 0
    sleep 0.05
  done
  iop_fail "tcpdump did not start: $(cat "$errf")"
}

iop_cap_stop() {
  sleep 0.3
  iop_stop "$1" INT 5
}

# iop_vrrp_adverts PCAP : one line per VRRP advert: EPOCH SRC-IPV6 PRIORITY
iop_vrrp_adverts() {
  tshark -r "$1" -Y vrrp -T fields -e frame.time_epoch -e ipv6.src -e vrrp.prio 2>/dev/null
}

# adv_count TSV SRC FROM TO [PRIO] : adverts from SRC (with PRIO) in the time range
adv_count() {
  awk -v s="$2" -v a="$3" -v b="$4" -v p="${5:-}" \
    '$2 == s && $1 >= a && $1 <= b && (p == "" || $3 == p) { n++ } END { print n + 0 }' "$1"
}

# adv_first TSV SRC FROM [PRIO] : time of the first advert from SRC (with PRIO) after FROM
adv_first() {
  awk -v s="$2" -v a="$3" -v p="${4:-}" \
    '$2 == s && $1 >= a && (p == "" || $3 == p) { print $1; exit }' "$1"
}

# adv_last TSV SRC TO [PRIO] : time of the last advert from SRC (with PRIO) before TO
adv_last() {
  awk -v s="$2" -v b="$3" -v p="${4:-}" \
    '$2 == s && $1 <= b && (p == "" || $3 == p) { t = $1 } END { print t }' "$1"
}

# iop_vrrp_tandem_config PRIORITY : tandem's config for the VRRP interop tests (VRID 1,
# VIPs fe80::1 and 2001:db8:1::1, on the veth td0), written to $IOP_WORK/td.cfg.
iop_vrrp_tandem_config() {
  cat >"$IOP_WORK/td.cfg" <<CFG
dataplane idle-sleep-us ${IOP_IDLE_US:-100}
interface ge0
 device net_af_packet0,iface=td0
 ipv6 address 2001:db8:1::2/64
 ipv6 address auto link-local
 vrrp6 vrid 1 virtual-ip fe80::1 link-local
 vrrp6 vrid 1 virtual-ip 2001:db8:1::1
 vrrp6 vrid 1 priority $1
 vrrp6 vrid 1 timer advertise 100
quit
metrics listen 127.0.0.1 9464
CFG
}

# iop_check_election TSV PEER PEER_LL T_STEADY T_STOP T_BACK T_PRE T_PEER_STOP PEER_LIMIT
# The election checks both VRRP interop tests share, read from the captured adverts (tandem's
# link-local in $TD_LL, priority 120; the peer at 100):
#  1. steady state: only tandem advertises, about 1/s;
#  2. tandem's priority-0 advert on SIGTERM, then the peer's first advert within PEER_LIMIT s;
#  3. once restarted tandem preempts, the peer falls silent;
#  5. the peer's priority-0 advert, then tandem within Skew_Time (0.53 s; limit 2.5 s).
# Sets ELECT_PEER_TAKEOVER_S and ELECT_TANDEM_TAKEOVER_S for the PASS line.
iop_check_election() {
  local adv=$1 peer=$2 peer_ll=$3 t_steady=$4 t_stop=$5 t_back=$6 t_pre=$7 t_pstop=$8 limit=$9
  local n_td n_peer p0 k1 t1 n_late k0 t5
  n_td=$(adv_count "$adv" "$TD_LL" "$(fdiff "$t_steady" 3)" "$t_steady" 120)
  n_peer=$(adv_count "$adv" "$peer_ll" "$(fdiff "$t_steady" 3)" "$t_steady")
  [ "$n_td" -ge 2 ] && [ "$n_td" -le 5 ] || iop_fail "tandem sent $n_td adverts in 3 s of steady state"
  [ "$n_peer" = 0 ] || iop_fail "$peer (Backup) sent $n_peer adverts in steady state"
  p0=$(adv_first "$adv" "$TD_LL" "$t_stop" 0)
  [ -n "$p0" ] || iop_fail "tandemd sent no priority-0 advert on SIGTERM"
  k1=$(adv_first "$adv" "$peer_ll" "$p0" 100)
  [ -n "$k1" ] || iop_fail "no $peer advert (from $peer_ll) after tandem resigned"
  ELECT_PEER_TAKEOVER_S=$(fdiff "$k1" "$p0")
  flt "$ELECT_PEER_TAKEOVER_S" "$limit" ||
    iop_fail "$peer took over ${ELECT_PEER_TAKEOVER_S}s after the priority-0 advert"
  t1=$(adv_first "$adv" "$TD_LL" "$t_back" 120)
  [ -n "$t1" ] || iop_fail "tandem never advertised after its restart"
  n_late=$(adv_count "$adv" "$peer_ll" "$(fdiff "$t1" -1.5)" "$t_pre")
  [ "$n_late" = 0 ] || iop_fail "$peer advertised $n_late times after tandem preempted"
  k0=$(adv_first "$adv" "$peer_ll" "$t_pstop" 0)
  [ -n "$k0" ] || iop_fail "$peer sent no priority-0 advert when stopped"
  t5=$(adv_first "$adv" "$TD_LL" "$k0" 120)
  [ -n "$t5" ] || iop_fail "no tandem advert after $peer resigned"
  ELECT_TANDEM_TAKEOVER_S=$(fdiff "$t5" "$k0")
  flt "$ELECT_TANDEM_TAKEOVER_S" 2.5 ||
    iop_fail "tandem took over ${ELECT_TANDEM_TAKEOVER_S}s after the priority-0 advert (Skew_Time 0.53 s)"
}

now() { date +%s.%N; }
# fdiff A B : A - B in seconds (3 decimals); lt A B : A < B
fdiff() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a - b }'; }
flt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# iop_tandem_drops NODE : tandem's non-zero drop counters (`metrics listen 127.0.0.1 9464` in
# its config), "reason=N" per line -- logged so an interop run shows what tandem refused
iop_tandem_drops() {
  nsx "$1" "$PY" -c '
import re, urllib.request
text = urllib.request.urlopen("http://127.0.0.1:9464/metrics", timeout=5).read().decode()
for line in text.splitlines():
    m = re.match(r"tandem_drops_total\{(.*)\} (\S+)$", line)
    if m and float(m.group(2)) > 0:
        print(m.group(1), "=", m.group(2))' 2>/dev/null || echo "(metrics unavailable)"
}
