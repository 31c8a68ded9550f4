# shellcheck shell=bash
# scripts/interop/bfd_lib.sh -- tandem BFD against FRR bfdd (RFC 5880/5881 single hop, IPv6).
# Source after lib.sh.
#
#   tdi-ID-td [td0 af_packet 2001:db8:20::1] ==veth== [fr0 kernel 2001:db8:20::2] tdi-ID-fr
#   tandemd: session "frr", discriminator local 10, remote learnt (omitted), 10 ms x 3
#   FRR 8.4 zebra + bfdd with private sockets, peer 2001:db8:20::1, 10 ms x 3
#
#   IOP_BFD_SCHED  command prefix for tandemd's and bfdd's scheduling in the BFD runs (default
#                  "chrt -r 10", see below)

FRR_BIN=/usr/lib/frr
# 10 ms x 3 leaves 30 ms: on two cores loaded by compilers (CPU pressure ~98 %) both tandemd
# and bfdd were descheduled for 30+ ms several times a second even at nice -10, and the
# session flapped. Round-robin real-time priority keeps them on time; both sleep between
# packets (tandemd with its idle sleep), so they take little CPU. Falls back to nice -10
# where real-time scheduling is refused.
if [ -z "${IOP_BFD_SCHED:-}" ]; then
  if chrt -r 10 true 2>/dev/null; then IOP_BFD_SCHED="chrt -r 10"; else IOP_BFD_SCHED="nice -n -10"; fi
fi
TD_BFD_ADDR=${TD_BFD_ADDR:-2001:db8:20::1}
FR_BFD_ADDR=${FR_BFD_ADDR:-2001:db8:20::2}
# BFD_PEERS=linklocal: the session runs between link-local addresses instead (tandem's
# EUI-64 one from td0's MAC, FRR's fe80::b)
BFD_PEERS=${BFD_PEERS:-global}
if [ "$BFD_PEERS" = linklocal ]; then
  TD_BFD_SRC=fe80::74:64ff:fe20:1 FR_BFD_PEER=fe80::b
  FR_PEER_LINE="peer $TD_BFD_SRC local-address $FR_BFD_PEER interface fr0"
else
  TD_BFD_SRC=$TD_BFD_ADDR FR_BFD_PEER=$FR_BFD_ADDR
  FR_PEER_LINE="peer $TD_BFD_ADDR local-address $FR_BFD_ADDR interface fr0"
fi

bfd_require() { iop_require "$FRR_BIN/zebra" "$FRR_BIN/bfdd" vtysh tcpdump tshark; }

bfd_topology() {
  iop_tandem_ns td
  iop_ns_add fr
  iop_veth td td0 fr fr0
  nsx td ip link set td0 address 02:74:64:20:00:01
  nsx fr ip link set fr0 address 02:74:64:20:00:02
  nsx td ip link set td0 up
  if [ "$BFD_PEERS" = linklocal ]; then
    nsx fr ip link set fr0 addrgenmode none
    nsx fr ip addr add "$FR_BFD_PEER/64" dev fr0 nodad
  fi
  iop_kernel_if fr fr0 "$FR_BFD_ADDR/64"
  bfd_frr_dir
}

# the FRR daemons run as user frr: they need to reach their directory
bfd_frr_dir() {
  chmod 711 "$IOP_WORK"
  FR_DIR="$IOP_WORK/frr"
  mkdir -p "$FR_DIR"
  chown frr:frr "$FR_DIR"
}

bfd_tandem_config() {
  cat >"$IOP_WORK/td.cfg" <<CFG
dataplane idle-sleep-us ${IOP_IDLE_US:-100}
bfd
quit
# no discriminator remote: learnt from FRR's packets (RFC 5880 6.8.6), new at each restart
bfd frr bind peer-ipv6 $FR_BFD_PEER track-interface interface ge0
 discriminator local 10
 min-tx-interval 10
 min-rx-interval 10
 detect-multiplier 3
quit
interface ge0
 device net_af_packet0,iface=td0
 ipv6 address $TD_BFD_ADDR/64
 ipv6 address auto link-local
quit
CFG
}

bfd_frr_configs() {
  printf 'hostname %s-fr\n' "$IOP_P" >"$FR_DIR/zebra.conf"
  cat >"$FR_DIR/bfdd.conf" <<CFG
hostname $IOP_P-fr
log stdout informational
!
bfd
 $FR_PEER_LINE
  detect-multiplier 3
  receive-interval 10
  transmit-interval 10
 exit
exit
CFG
  chown frr:frr "$FR_DIR"/*.conf
}

bfd_zebra_start() {
  iop_bg "$FR_DIR/zebra.log" ip netns exec "$(nsname fr)" "$FRR_BIN/zebra" \
    -f "$FR_DIR/zebra.conf" -i "$FR_DIR/zebra.pid" -z "$FR_DIR/zserv.api" \
    --vty_socket "$FR_DIR" -P 0 -u frr -g frr --log stdout
  iop_wait_for 10 "zebra's API socket" test -S "$FR_DIR/zserv.api"
}

# bfdd with its own control socket (--bfdctl), otherwise shared at /var/run/frr/bfdd.sock
bfd_bfdd_start() {
  local n=0
  while [ -e "$FR_DIR/bfdd.$n.log" ]; do n=$((n + 1)); done
  # shellcheck disable=SC2086 # the scheduling prefix is a command with its arguments
  iop_bg "$FR_DIR/bfdd.$n.log" ip netns exec "$(nsname fr)" \
    $IOP_BFD_SCHED "$FRR_BIN/bfdd" \
    -f "$FR_DIR/bfdd.conf" -i "$FR_DIR/bfdd.pid" -z "$FR_DIR/zserv.api" --vty_socket "$FR_DIR" \
    --bfdctl "$FR_DIR/bfdd.sock" -P 0 -u frr -g frr --log stdout
  # shellcheck disable=SC2034 # read by the callers
  BFDD_PID=$IOP_BG_PID
}

frr_vty() { nsx fr vtysh --vty_socket "$FR_DIR" "$@"; }

# FRR's view of the peer: "STATUS LOCAL-ID REMOTE-ID" (e.g. "up 3735928559 10")
frr_peer() {
  frr_vty -c "show bfd peers json" 2>/dev/null | "$PY" -c '
import json, sys
p = json.load(sys.stdin)[0]
print(p.get("status"), p.get("id"), p.get("remote-id"))' 2>/dev/null || echo "none"
}

# tandem's view of its session: "STATE LOCAL REMOTE"
td_bfd() {
  tctl td --json display bfd session all for-ipv6 2>/dev/null | iop_json_first state local remote ||
    echo none
}
td_bfd_up() { [ "$(td_bfd | cut -d' ' -f1)" = Up ]; }
frr_bfd_up() { [ "$(frr_peer | cut -d' ' -f1)" = up ]; }

# Both ends Up, tandem knows FRR's discriminator and FRR knows tandem's (10).
bfd_both_up() {
  td_bfd_up && frr_bfd_up || return 1
  local fr td
  fr=$(frr_peer)
  td=$(td_bfd)
  [ "$(echo "$td" | cut -d' ' -f3)" = "$(echo "$fr" | cut -d' ' -f2)" ] &&
    [ "$(echo "$fr" | cut -d' ' -f3)" = 10 ]
}

bfd_start_all() {
  bfd_topology
  bfd_tandem_config
  bfd_frr_configs
  IOP_TANDEMD_SCHED=$IOP_BFD_SCHED iop_tandemd_start td "$IOP_WORK/td.cfg"
  bfd_zebra_start
  bfd_bfdd_start
}

# frr_peer_field KEY... : values of FRR's peer JSON keys, space separated
frr_peer_field() {
  frr_vty -c "show bfd peers json" 2>/dev/null | "$PY" -c '
import json, sys
p = json.load(sys.stdin)[0]
print(" ".join(str(p.get(k)) for k in sys.argv[1:]))' "$@" 2>/dev/null || echo none
}
