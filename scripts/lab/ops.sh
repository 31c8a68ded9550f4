# scripts/lab/ops.sh -- what the demo, the failover benchmark and the system tests do with a
# running lab: wait for conditions, query the routers (tandemctl --json, DESIGN.md 6 keys),
# start and read the traffic tools. Source it after scripts/lab/lib.sh.

LAB_TOOLS="$LAB_LIB_DIR"
T0=$(date +%s.%N)
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }   # float a - b
fgt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }            # a > b ?
say() { printf '[%6.2fs] %s\n' "$(fsub "$(date +%s.%N)" "$T0")" "$*"; }
fail() {
  echo "FAIL: $*" >&2
  lab_dump >&2
  exit 1
}
pass() { say "ok: $*"; }
# a failed check that does not stop the run (the later checks still tell something);
# finish_checks fails the test if any was recorded
LATE_FAILS=()
check_later() { say "NOT OK: $*"; LATE_FAILS+=("$*"); }
finish_checks() {
  [ ${#LATE_FAILS[@]} -eq 0 ] && return 0
  fail "$(printf '%s; ' "${LATE_FAILS[@]}")"
}

# On failure: what the routers said, to make the log useful.
lab_dump() {
  [ -d "$LAB_STATE/logs" ] || return 0
  local f
  for f in "$LAB_STATE"/logs/tandemd-*.log; do
    [ -e "$f" ] || continue
    echo "--- tail of $f"
    tail -25 "$f"
  done
  if lab_have_tandemd; then
    for r in r1 r2; do
      lab_pid "tandemd-$r" >/dev/null 2>&1 || continue
      echo "--- $r"
      lab_ctl "$r" display vrrp6 2>&1 | head -30 || true
      lab_ctl "$r" display remote-backup-service 2>&1 | head -20 || true
      lab_ctl "$r" display mld group 2>&1 | head -30 || true
    done
  fi
}

# wait_until SECONDS WHAT CMD... : poll CMD every 50 ms; fail with WHAT on timeout.
# Prints how long it took (so the logs show the real figures).
wait_until() {
  local t=$1 what=$2
  shift 2
  local start
  start=$(date +%s.%N)
  while :; do
    if "$@" >/dev/null 2>&1; then
      WAITED=$(fsub "$(date +%s.%N)" "$start")
      say "$what (${WAITED} s)"
      return 0
    fi
    fgt "$(fsub "$(date +%s.%N)" "$start")" "$t" && fail "timeout after ${t}s waiting for: $what"
    sleep 0.05
  done
}

now() { date +%s.%N; }

# --- router queries (tandemctl --json, DESIGN.md 6 keys) ---------------------------------
jctl() { local r=$1; shift; lab_ctl "$r" --json "$@"; }
# VRRP6 queries name the service group, vrid 1 on ge0, in both flavours (in the admin
# flavour ge0 also holds the mVRRP6, vrid 2: vrrp_group_field reaches it)
vrrp_group_field() {   # vrrp_group_field ROUTER VRID FIELD
  jctl "$1" display vrrp6 |
    jq -r --argjson v "$2" "[.groups[] | select(.interface == \"ge0\" and .vrid == \$v)][0].$3"
}
vrrp_state() { vrrp_group_field "$1" 1 state; }
vrrp_field() { vrrp_group_field "$1" 1 "$2"; }
# the state of the group that elects: the mVRRP6 in the admin flavour, else the service group
elect_state() { vrrp_group_field "$1" "$(lab_elect_vrid)" state; }
rbs_field() { jctl "$1" display remote-backup-service | jq -r ".services[0].$2"; }
bfd_field() { jctl "$1" display bfd session all for-ipv6 verbose | jq -r ".sessions[0].$2"; }
# the group table as sorted lines "interface group mode sources" (no timers)
mld_table() {
  jctl "$1" display mld group |
    jq -r '.groups[] | "\(.interface) \(.group) \(.filter_mode) \([.sources[].address] | sort | join(","))"' |
    sort
}
mld_count() { mld_table "$1" | grep -c . || true; }
has_group() { mld_table "$1" | awk '{print $2}' | grep -x "$2" >/dev/null; }
lacks_group() { ! has_group "$@"; }
digests_equal() {
  local a b
  a=$(rbs_field r1 digest) && b=$(rbs_field r2 digest) && [ -n "$a" ] && [ "$a" != null ] && [ "$a" = "$b" ]
}
bfd_up() { [ "$(bfd_field "$1" state)" = Up ]; }
is_state() { [ "$(vrrp_state "$1")" = "$2" ]; }
rbs_connected() { [ "$(rbs_field "$1" tcp_state)" = connected ]; }

# --- PIM upstream (lab_upstream = pim): the RP router is FRR pim6d in $P-rp -------------------
# link-locals on the upstream LAN (EUI-64 of the lab's fixed MACs)
RP_LL=fe80::74:64ff:fe64:1
R1_UP_LL=fe80::74:64ff:fe64:2
R2_UP_LL=fe80::74:64ff:fe64:3
# pim_neighbor_of ROUTER ADDR : the router lists ADDR as a PIM neighbor on up0
pim_neighbor_of() {
  jctl "$1" display pim ipv6 neighbor |
    jq -e --arg n "$2" '[.neighbors[] | select(.interface == "up0" and .neighbor == $n)] | length > 0' >/dev/null
}
# rp_lists ADDR : pim6d (the RP) lists ADDR as a PIM neighbor
rp_lists() { lab_rp 'show ipv6 pim neighbor' | grep -qw "$1"; }
# the routers that run lists the RP, and the RP lists them (first Hellos within 5 s of a
# start; pim6d answers a new neighbor's Hello with its own)
pim_adjacent() {
  local r ll
  for r in r1 r2; do
    lab_pid "tandemd-$r" >/dev/null 2>&1 || continue
    ll=$R1_UP_LL
    [ "$r" = r2 ] && ll=$R2_UP_LL
    pim_neighbor_of "$r" "$RP_LL" && rp_lists "$ll" || return 1
  done
}
# wait_pim_upstream [TIMEOUT_S] : with a PIM upstream, wait for pim_adjacent; a no-op otherwise
wait_pim_upstream() {
  [ "$(lab_upstream)" = pim ] || return 0
  wait_until "${1:-40}" "PIM adjacencies with the RP (pim6d)" pim_adjacent
}

# start both routers together (so BFD comes up before a VRRP6 master-down timer expires)
# and wait for the steady state: r1 Master, r2 Backup, BFD Up, RBS connected, digests equal
start_pair() {
  local mode=${1:-rbp}
  lab_router_start r1 "$mode"
  lab_router_start r2 "$mode"
  lab_wait_ctl r1 30 || fail "r1 did not start"
  lab_wait_ctl r2 30 || fail "r2 did not start"
  wait_until 20 "BFD Up on r2" bfd_up r2
  wait_until 25 "r1 VRRP6 Master" is_state r1 Master
  wait_until 10 "r2 VRRP6 Backup" is_state r2 Backup
  if [ "$mode" = rbp ]; then
    wait_until 15 "RBS connected" rbs_connected r1
    wait_until 5 "digests equal" digests_equal
  fi
  R2_FLAPS=$(bfd_field r2 flaps)
}

# The pair is still as start_pair left it: r2's BFD session has not flapped since (a flap
# means r1 was silent for a detection time, 30 ms, and r2 took over: a false switchover)
check_no_flap() {
  local f
  f=$(bfd_field r2 flaps)
  [ "$f" = "${R2_FLAPS:-0}" ] && return 0
  fail "false switchover $1: r2's BFD flapped ($R2_FLAPS -> $f flaps: r1 silent for more" \
    "than 30 ms), r2 VRRP6 $(vrrp_state r2) after $(vrrp_field r2 transitions) transitions"
}

# --- cutting r1 from r2 (split brain) ------------------------------------------------------
# rbs_link up|down : the dedicated RBS veth, both ends
rbs_link() { nsx r1 ip link set tdm-rbs "$1" && nsx r2 ip link set tdm-rbs "$1"; }
# routers_isolated on|off : r1's and r2's ports on the downstream bridge stop (or resume)
# talking to each other while both still reach every host (bridge port isolation: an
# isolated port forwards only to non-isolated ones), so VRRP6 adverts and BFD between the
# routers are lost while MLD and data to and from the hosts are not
routers_isolated() {
  local r
  for r in r1 r2; do nsx sw bridge link set dev "tdm-${r}d" isolated "$1" || return 1; done
}
# metric ROUTER SERIES : one sample from the router's /metrics (metrics listen ::1 9464),
# e.g. metric r1 'tandem_vrrp6_split_brain{interface="ge0",vrid="1"}'
metric() {
  nsx "$1" curl -sg --max-time 2 "http://[::1]:9464/metrics" | awk -v k="$2" '$1 == k { print $2 }'
}

# --- traffic ------------------------------------------------------------------------------
G1=ff05::db8:1         # ASM, h1 and h2
G2=ff3e::db8:2         # SSM from the source, h2
G3=ff05::db8:3         # ASM, h3 (the MLDv1 host)
RATE=${SYS_RATE:-1000}

start_sender() {       # start_sender [RATE [MORE GROUPS...]]
  local rate=${1:-$RATE}
  shift $(($# > 0 ? 1 : 0))
  lab_spawn sender src "$PY" "$LAB_TOOLS/mcast_send.py" -i tdm-eth0 -s "$SRC_ADDR" \
    -p "$MCAST_PORT" -r "$rate" --json "$LAB_STATE/sender.json" "$G1" "$G2" "$G3" "$@"
}
# start_receiver NAME HOST GROUP... (JSON in $LAB_STATE/NAME.json)
start_receiver() {
  local name=$1 host=$2
  shift 2
  lab_spawn "$name" "$host" ${TANDEM_LAB_TOOL_NICE:+nice -n "$TANDEM_LAB_TOOL_NICE"} "$PY" "$LAB_TOOLS/mcast_recv.py" -i tdm-eth0 -p "$MCAST_PORT" \
    --name "$name" --json "$LAB_STATE/$name.json" "$@"
}
start_default_receivers() {
  start_receiver recv-h1 h1 "$G1"
  start_receiver recv-h2 h2 "$G1" "$G2@$SRC_ADDR"
  start_receiver recv-h3 h3 "$G3"
}
# watch what a router puts on the downstream LAN (at its switch port)
start_watch() {       # start_watch r1|r2
  lab_spawn "watch-$1" sw "$PY" "$LAB_TOOLS/port_watch.py" -i "tdm-$1d" -p "$MCAST_PORT" \
    --json "$LAB_STATE/watch-$1.json"
}

# report NAME : ask a receiver/watcher for a fresh report and print it
report() {
  local f="$LAB_STATE/$1.json" before=""
  [ -f "$f" ] && before=$(stat -c %Y.%N "$f" 2>/dev/null || true)
  rm -f "$f"
  lab_signal "$1" USR1 || fail "$1 is not running"
  local i
  for ((i = 0; i < 60; i++)); do
    [ -s "$f" ] && break
    sleep 0.05
  done
  [ -s "$f" ] || fail "$1 wrote no report"
  cat "$f"
}
reset_counters() { lab_signal "$1" USR2; }
final_report() {
  lab_stop "$1" TERM 5
  cat "$LAB_STATE/$1.json"
}

# interruption_ms REPORT_JSON : the longest interruption a receiver saw: its longest loss
# event in source time (mcast_recv.py), or a gap still open (a stream that has not resumed)
# by its current length
interruption_ms() {
  echo "$1" | jq -r '[.groups[] | .interruption_ms,
      (if (.last_rx_age_ms // 0) > 100 then .last_rx_age_ms else 0 end)] | max'
}
lost_packets() { echo "$1" | jq -r '.lost'; }
# group_count ROUTER : number of (interface, group) entries
group_count() { mld_table "$1" | grep -c . || true; }
# stats over numbers on stdin: "median max"
median_max() { sort -g | awk '{ a[NR] = $1 } END { if (!NR) { print "0 0"; exit }
  m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; print m, a[NR] }'; }
