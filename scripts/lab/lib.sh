# scripts/lab/lib.sh -- the two-router lab: namespaces, links, processes. Source it.
#
# Everything the lab makes carries the prefix $TANDEM_LAB_PREFIX (default "tdm"), so two
# labs (a test and the demo) can exist side by side and nothing else on the machine is
# touched:
#
#   namespaces  $P-src  $P-sw  $P-r1  $P-r2  $P-h1 .. $P-hN  (+ $P-rp with a PIM upstream)
#   state       $TANDEM_LAB_STATE/$P/   (namespaces made, PID files, logs, configs)
#   FRR dirs    /opt/frr-pim6/var/{run,lib}/frr/$P-rp  (pim upstream only; removed by lab_down)
#
# Interface names live inside our own namespaces (they cannot clash with the host's) and all
# start with "tdm-":
#
#            upstream LAN 2001:db8:100::/64            downstream LAN 2001:db8:1::/64
#  $P-src [tdm-eth0 ::10]                                      [tdm-eth0 ::10I] $P-hI
#       \                                                         /
#   $P-sw  bridge tdm-bup (no snooping)      bridge tdm-bdn (mcast_snooping 0: floods)
#       /            \                         /             \
#  [tdm-up] $P-r1 [tdm-down]           [tdm-up] $P-r2 [tdm-down]
#   (DPDK af_packet; the kernel has IPv6 disabled on these, so only tandemd speaks there)
#       $P-r1 [tdm-rbs 2001:db8:10::1] ==veth== [tdm-rbs 2001:db8:10::2] $P-r2
#   (kernel IPv6: the RBS is ordinary TCP between the two routers' kernels)
#
# Addresses used by tandemd (in the generated configs, DESIGN.md 6):
#   r1 up 2001:db8:100::2  down 2001:db8:1::2   r2 up 2001:db8:100::3  down 2001:db8:1::3
#   VRRP6 vrid 1: fe80::1, 2001:db8:1::1       BFD r1 <-> r2 over the downstream LAN
#
# Upstream (TANDEM_LAB_UPSTREAM, recorded at `up` in $LAB_STATE/upstream):
#   flood  the routers' up0 has `multicast ipv6 upstream`: the source's frames, flooded by
#          the bridge, are accepted from any source without PIM (the default without pim6d)
#   pim    (the default when $TANDEM_LAB_FRR/sbin/pim6d exists, /opt/frr-pim6) a namespace
#          $P-rp on the upstream bridge runs FRR zebra + pim6d as the RP:
#            [tdm-eth0 2001:db8:100::1/64, MAC 02:74:64:64:00:01] $P-rp, lo 2001:db8::1 (RP)
#          and the routers run `pim ipv6 sm` on up0, `static-rp 2001:db8::1`, a static route
#          to the RP through 2001:db8:100::1 and one to 2001:db8:200::/64, the "remote"
#          source prefix (the source namespace holds 2001:db8:200::10 on lo, the RP a kernel
#          route to it through 2001:db8:100::10), whose (S,G) Joins therefore go to the RP
#          router. This kernel has no IPv6 multicast routing: pim6d forwards nothing, so the
#          source stays on the upstream LAN and the bridge floods its frames to both routers
#          either way; PIM is the control plane (Hellos, DR, Join/Prune, RP state).
LAB_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_REPO="$(cd "$LAB_LIB_DIR/../.." && pwd)"
PY=${PY:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3

P=${TANDEM_LAB_PREFIX:-tdm}
LAB_HOSTS=${TANDEM_LAB_HOSTS:-3}
LAB_STATE_ROOT=${TANDEM_LAB_STATE:-/run/tandem-lab}
LAB_STATE="$LAB_STATE_ROOT/$P"
# the host whose kernel speaks MLDv1 (force_mld_version=1); 0 = none
LAB_V1_HOST=${TANDEM_LAB_V1_HOST:-$LAB_HOSTS}
[ "$LAB_HOSTS" -ge 2 ] || LAB_V1_HOST=${TANDEM_LAB_V1_HOST:-0}
# where tandemd / tandemctl are looked for
TANDEM_BUILD=${TANDEM_BUILD:-$LAB_REPO/build}

SRC_ADDR=2001:db8:100::10
# a source address routed through the RP router in pim mode (on the source's lo)
REMOTE_SRC_ADDR=2001:db8:200::10
RP_ADDR=2001:db8::1
RP_LAN_ADDR=2001:db8:100::1
FRR_PIM6=${TANDEM_LAB_FRR:-/opt/frr-pim6}
UP_PREFIX=2001:db8:100
DOWN_PREFIX=2001:db8:1
RBS_PREFIX=2001:db8:10
MCAST_PORT=${TANDEM_LAB_PORT:-5000}

lab_log() { printf '[lab %s %(%H:%M:%S)T] %s\n' "$P" -1 "$*" >&2; }
lab_die() { lab_log "error: $*"; exit 1; }

lab_check_prefix() {
  [[ $P =~ ^[a-z][a-z0-9]{0,11}$ ]] ||
    lab_die "TANDEM_LAB_PREFIX '$P' must be 1-12 lower-case letters/digits starting with a letter"
}

ns() { echo "$P-$1"; }                       # ns r1 -> tdm-r1
nsx() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

lab_nodes() {
  local i
  echo src sw r1 r2
  for ((i = 1; i <= LAB_HOSTS; i++)); do echo "h$i"; done
}

# The namespaces this lab owns: the ones recorded at creation, plus (if the state directory
# was lost) the ones whose names follow this prefix's exact pattern.
lab_owned_netns() {
  {
    [ -f "$LAB_STATE/netns" ] && cat "$LAB_STATE/netns"
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$P-(src|sw|r1|r2|rp|h[0-9]+)\$" || true
  } | sort -u
}

lab_is_up() { ip netns list 2>/dev/null | awk '{print $1}' | grep -x "$(ns sw)" >/dev/null; }

lab_have_pim6d() { [ -x "$FRR_PIM6/sbin/pim6d" ] && [ -x "$FRR_PIM6/sbin/zebra" ]; }

# The upstream of this lab: what `up` recorded, else TANDEM_LAB_UPSTREAM, else pim when
# FRR's pim6d is built, flood otherwise.
lab_upstream() {
  if [ -f "$LAB_STATE/upstream" ]; then
    cat "$LAB_STATE/upstream"
    return
  fi
  case ${TANDEM_LAB_UPSTREAM:-} in
    pim | flood) echo "$TANDEM_LAB_UPSTREAM" ;;
    "") if lab_have_pim6d; then echo pim; else echo flood; fi ;;
    *) lab_die "TANDEM_LAB_UPSTREAM must be pim or flood, not '$TANDEM_LAB_UPSTREAM'" ;;
  esac
}
# The flavour of the reference procedure the routers are configured with: TANDEM_LAB_FLAVOUR
# when set (so one lab can restart its routers in the other flavour), else what `up`
# recorded, else common.
#   common  the service VRRP6 group vrid 1 on ge0 elects (BFD-tracked) and gates multicast
#           (`multicast ipv6 track vrrp6 vrid 1`)
#   admin   an mVRRP6 vrid 2 on ge0 elects (BFD-tracked); the service group vrid 1 follows it
#           (`track admin-vrrp6 ... vrid 2`, flowdown) and so does the multicast gate
#           (`multicast ipv6 track admin-vrrp6 interface ge0 vrid 2`)
lab_flavour() {
  local f=${TANDEM_LAB_FLAVOUR:-}
  [ -z "$f" ] && [ -f "$LAB_STATE/flavour" ] && f=$(cat "$LAB_STATE/flavour")
  case ${f:-common} in
    common | admin) echo "${f:-common}" ;;
    *) lab_die "the flavour must be common or admin, not '$f'" ;;
  esac
}
# the group that elects in the current flavour (the one BFD tracks)
lab_elect_vrid() { if [ "$(lab_flavour)" = admin ]; then echo 2; else echo 1; fi; }

lab_upstream_desc() {
  case $(lab_upstream) in
    pim) echo "pim (PIM-SM on up0, FRR pim6d RP $RP_ADDR in $(ns rp))" ;;
    *) echo "flood (multicast ipv6 upstream on up0, no PIM)" ;;
  esac
}

# --- building ---------------------------------------------------------------------------

lab_ns_add() {
  local n
  n=$(ns "$1")
  ip netns add "$n"
  echo "$n" >>"$LAB_STATE/netns"
  ip netns exec "$n" ip link set lo up
}

# veth A:IFA <-> B:IFB, both ends created directly inside their namespaces
lab_veth() {
  ip link add "$2" netns "$(ns "$1")" type veth peer name "$4" netns "$(ns "$3")"
}

sysctl_ns() { nsx "$1" sysctl -qw "$2" >/dev/null; }

# A host/source interface: kernel IPv6 on, no DAD (the MLD reports then leave from the
# link-local at once instead of from ::), no router solicitations, no SLAAC from RAs.
lab_kernel_if() {   # lab_kernel_if NODE IF ADDR/LEN [MLDVER]
  local node=$1 ifc=$2 addr=$3 mldver=${4:-0}
  sysctl_ns "$node" "net.ipv6.conf.$ifc.accept_dad=0"
  sysctl_ns "$node" "net.ipv6.conf.$ifc.router_solicitations=0"
  sysctl_ns "$node" "net.ipv6.conf.$ifc.accept_ra=0"
  sysctl_ns "$node" "net.ipv6.conf.$ifc.force_mld_version=$mldver"
  sysctl_ns "$node" "net.ipv6.conf.$ifc.mldv1_unsolicited_report_interval=1000"
  sysctl_ns "$node" "net.ipv6.conf.$ifc.mldv2_unsolicited_report_interval=1000"
  sysctl_ns "$node" "net.ipv6.conf.$ifc.disable_ipv6=0"
  nsx "$node" ip addr add "$addr" dev "$ifc" nodad
  nsx "$node" ip link set "$ifc" up
}

lab_up() {
  lab_check_prefix
  ip netns list >/dev/null 2>&1 || lab_die "cannot list network namespaces"
  lab_is_up && lab_die "lab $P already exists (scripts/lab.sh down first)"
  local upstream
  upstream=$(lab_upstream) || exit 1
  if [ "$upstream" = pim ] && ! lab_have_pim6d; then
    lab_die "TANDEM_LAB_UPSTREAM=pim needs FRR pim6d in $FRR_PIM6 (docs/frr-pim6d.md)"
  fi
  mkdir -p "$LAB_STATE/pids" "$LAB_STATE/logs"
  : >"$LAB_STATE/netns"
  echo "$LAB_HOSTS" >"$LAB_STATE/hosts"
  echo "$upstream" >"$LAB_STATE/upstream"
  lab_flavour >"$LAB_STATE/flavour"
  local node i
  for node in $(lab_nodes); do lab_ns_add "$node"; done
  [ "$upstream" = pim ] && lab_ns_add rp

  # Interfaces created from now on in sw/r1/r2 start with IPv6 off: the switch must not
  # inject its own ND/MLD into the LANs, and the routers' data veths belong to tandemd.
  for node in sw r1 r2; do sysctl_ns "$node" net.ipv6.conf.default.disable_ipv6=1; done
  for node in r1 r2; do sysctl_ns "$node" net.ipv6.conf.all.forwarding=0; done

  # the switch: two bridges; the downstream one floods multicast (no MLD snooping) so every
  # host and both routers see every report, query and advert
  nsx sw ip link add tdm-bup type bridge mcast_snooping 0
  nsx sw ip link add tdm-bdn type bridge mcast_snooping 0

  lab_veth src tdm-eth0 sw tdm-src
  nsx sw ip link set tdm-src master tdm-bup
  if [ "$upstream" = pim ]; then
    lab_veth rp tdm-eth0 sw tdm-rp
    nsx sw ip link set tdm-rp master tdm-bup
  fi
  for node in r1 r2; do
    lab_veth "$node" tdm-up sw "tdm-${node}u"
    lab_veth "$node" tdm-down sw "tdm-${node}d"
    nsx sw ip link set "tdm-${node}u" master tdm-bup
    nsx sw ip link set "tdm-${node}d" master tdm-bdn
  done
  for ((i = 1; i <= LAB_HOSTS; i++)); do
    lab_veth "h$i" tdm-eth0 sw "tdm-h$i"
    nsx sw ip link set "tdm-h$i" master tdm-bdn
  done
  lab_veth r1 tdm-rbs r2 tdm-rbs

  # fixed MACs: 02:74:64 ("td") : LAN : 00 : node -- readable in captures, and tandemd's
  # EUI-64 link-locals are stable from run to run
  nsx r1 ip link set tdm-up address 02:74:64:64:00:02
  nsx r2 ip link set tdm-up address 02:74:64:64:00:03
  nsx r1 ip link set tdm-down address 02:74:64:01:00:02
  nsx r2 ip link set tdm-down address 02:74:64:01:00:03
  nsx src ip link set tdm-eth0 address 02:74:64:64:00:10
  [ "$upstream" = pim ] && nsx rp ip link set tdm-eth0 address 02:74:64:64:00:01
  for ((i = 1; i <= LAB_HOSTS; i++)); do
    nsx "h$i" ip link set tdm-eth0 address "02:74:64:01:01:$(printf %02x "$i")"
  done

  for node in r1 r2; do
    # frames reach tandemd through af_packet; the kernel sees them too but has no IPv6
    # there, so it neither answers ND/MLD nor sends its own
    nsx "$node" ip link set tdm-up up
    nsx "$node" ip link set tdm-down up
  done
  local rn
  for rn in 1 2; do
    sysctl_ns "r$rn" net.ipv6.conf.tdm-rbs.accept_dad=0
    sysctl_ns "r$rn" net.ipv6.conf.tdm-rbs.router_solicitations=0
    # a cut of the RBS link (link down) must not flush the addresses
    sysctl_ns "r$rn" net.ipv6.conf.tdm-rbs.keep_addr_on_down=1
    sysctl_ns "r$rn" net.ipv6.conf.tdm-rbs.disable_ipv6=0
    nsx "r$rn" ip addr add "$RBS_PREFIX::$rn/64" dev tdm-rbs nodad
    nsx "r$rn" ip link set tdm-rbs up
  done

  lab_kernel_if src tdm-eth0 "$SRC_ADDR/64" 2
  # the source's kernel must fill in the UDP checksums: tandemd forwards the frames it reads
  # through af_packet byte for byte (see tx_csum_off.py)
  nsx src "$PY" "$LAB_LIB_DIR/tx_csum_off.py" tdm-eth0
  for ((i = 1; i <= LAB_HOSTS; i++)); do
    local v=2
    [ "$i" = "$LAB_V1_HOST" ] && v=1
    lab_kernel_if "h$i" tdm-eth0 "$DOWN_PREFIX::$((100 + i))/64" "$v"
  done

  for i in $(nsx sw ls /sys/class/net); do
    [ "$i" = lo ] || nsx sw ip link set "$i" up
  done
  if [ "$upstream" = pim ]; then
    # the RP router: kernel IPv6 on its LAN interface, the RP address on lo, a route to the
    # "remote" source prefix through the source (zebra imports it: pim6d's RPF for (S,G))
    lab_kernel_if rp tdm-eth0 "$RP_LAN_ADDR/64" 2
    nsx rp ip addr add "$RP_ADDR/128" dev lo
    nsx rp ip -6 route add "${REMOTE_SRC_ADDR%::*}::/64" via "$SRC_ADDR" dev tdm-eth0
    nsx src ip addr add "$REMOTE_SRC_ADDR/128" dev lo
    lab_rp_start
  fi
  lab_log "up: $(tr '\n' ' ' <"$LAB_STATE/netns")(v1 host: h$LAB_V1_HOST)"
  lab_log "upstream: $(lab_upstream_desc); flavour: $(lab_flavour)"
}

# --- the RP (pim upstream): FRR zebra + pim6d in $P-rp ------------------------------------
# Per FRR's rules for several instances (docs/frr-pim6d.md): -N NAME gives the
# instance its own run/lib directories under $FRR_PIM6/var; everything else (configs, PID
# files, vty and zserv sockets) lives in $LAB_STATE/frr; nothing in $FRR_PIM6/etc/frr. Both
# run in the foreground under lab_spawn, so their PIDs are recorded and lab_down stops them
# by PID like every other lab process.
lab_frr_dir() { echo "$LAB_STATE/frr"; }
lab_frr_pathspace_dirs() {
  echo "$FRR_PIM6/var/run/frr/$(ns rp)"
  echo "$FRR_PIM6/var/lib/frr/$(ns rp)"
}

lab_rp_start() {
  local d n i
  d=$(lab_frr_dir)
  n=$(ns rp)
  mkdir -p "$d"
  # shellcheck disable=SC2046
  mkdir -p $(lab_frr_pathspace_dirs)
  printf 'hostname %s\n' "$n" >"$d/zebra.conf"
  cat >"$d/pim6d.conf" <<EOF
hostname $n
! the RP address: PIM passive on lo (no Hellos), so pim6d knows it is the RP
interface lo
 ipv6 pim passive
!
interface tdm-eth0
 ipv6 pim
!
router pim6
 rp $RP_ADDR ff00::/8
!
EOF
  local o=(-N "$n" --vty_socket "$d" -P 0 -z "$d/zserv.api")
  lab_spawn frr-zebra rp "$FRR_PIM6/sbin/zebra" "${o[@]}" -i "$d/zebra.pid" \
    -f "$d/zebra.conf" --log stdout
  for ((i = 0; i < 100; i++)); do
    [ -S "$d/zserv.api" ] && break
    lab_pid frr-zebra >/dev/null || lab_die "zebra exited: $(tail -5 "$LAB_STATE/logs/frr-zebra.log")"
    sleep 0.1
  done
  [ -S "$d/zserv.api" ] || lab_die "zebra's API socket $d/zserv.api did not appear"
  lab_spawn frr-pim6d rp "$FRR_PIM6/sbin/pim6d" "${o[@]}" -i "$d/pim6d.pid" \
    -f "$d/pim6d.conf" --log stdout
  for ((i = 0; i < 100; i++)); do
    lab_rp_vtysh -c 'show ipv6 pim rp-info' >/dev/null 2>&1 && break
    lab_pid frr-pim6d >/dev/null || lab_die "pim6d exited: $(tail -5 "$LAB_STATE/logs/frr-pim6d.log")"
    sleep 0.1
  done
  lab_log "RP: zebra pid $(lab_pid frr-zebra), pim6d pid $(lab_pid frr-pim6d) in $n (vtysh --vty_socket $d)"
}

# lab_rp_vtysh ARGS... : vtysh against the lab's RP (e.g. -c 'show ipv6 pim neighbor')
lab_rp_vtysh() { "$FRR_PIM6/bin/vtysh" --vty_socket "$(lab_frr_dir)" "$@"; }
# lab_rp CMD... : each argument one vtysh command
lab_rp() {
  local a=() c
  for c in "$@"; do a+=(-c "$c"); done
  lab_rp_vtysh "${a[@]}"
}

# --- processes --------------------------------------------------------------------------

# lab_spawn NAME NODE CMD... : run CMD inside NODE's namespace in the background, PID in
# $LAB_STATE/pids/NAME.pid, output in $LAB_STATE/logs/NAME.log. SIGINT is ignored in the
# child so a Ctrl-C at the terminal reaches only the script, which then stops children
# in order (receivers first report, then exit).
lab_spawn() {
  local name=$1 node=$2
  shift 2
  local log="$LAB_STATE/logs/$name.log"
  (
    trap '' INT
    exec ip netns exec "$(ns "$node")" "$@" </dev/null >"$log" 2>&1
  ) &
  local pid=$!
  disown "$pid" 2>/dev/null || true    # no "Killed" job notices; lab_stop polls the PID
  echo "$pid" >"$LAB_STATE/pids/$name.pid"
  echo "$node" >"$LAB_STATE/pids/$name.node"
  LAB_LAST_PID=$pid
}

# PID of a spawned process if it is still alive and still runs inside one of our
# namespaces (a recycled PID is never signalled)
lab_pid() {
  local f="$LAB_STATE/pids/$1.pid" pid nsname
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null || return 1
  nsname=$(ip netns identify "$pid" 2>/dev/null) || return 1
  lab_owned_netns | grep -x "$nsname" >/dev/null || return 1
  echo "$pid"
}

# lab_signal NAME SIG : send one signal (no waiting)
lab_signal() {
  local pid
  pid=$(lab_pid "$1") || return 1
  kill -"$2" "$pid" 2>/dev/null
}

# lab_stop NAME [SIG] [TIMEOUT_S] : signal, wait for exit, SIGKILL after the timeout
lab_stop() {
  local name=$1 sig=${2:-TERM} t=${3:-5} pid i
  pid=$(lab_pid "$name") || { rm -f "$LAB_STATE/pids/$name.pid"; return 0; }
  kill -"$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < t * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  # still there (and still ours): SIGKILL
  if [ "$(lab_pid "$name" 2>/dev/null)" = "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$LAB_STATE/pids/$name.pid"
}

lab_stop_all() {
  local f name
  [ -d "$LAB_STATE/pids" ] || return 0
  # receivers and senders first (they report on TERM), routers last
  for f in "$LAB_STATE"/pids/*.pid; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .pid)
    case $name in tandemd-*) continue ;; esac
    lab_stop "$name" TERM 3
  done
  for f in "$LAB_STATE"/pids/tandemd-*.pid; do
    [ -e "$f" ] || continue
    lab_stop "$(basename "$f" .pid)" TERM 5
  done
}

lab_down() {
  lab_check_prefix
  lab_stop_all
  local n
  for n in $(lab_owned_netns); do
    # a namespace cannot be deleted while something we did not record still runs in it;
    # list such processes (we do not kill what we did not start)
    local left
    left=$(ip netns pids "$n" 2>/dev/null | tr '\n' ' ')
    [ -n "$left" ] && lab_log "warning: processes still in $n: $left"
    ip netns del "$n" 2>/dev/null || lab_log "warning: could not delete $n"
  done
  # FRR's per-instance directories of our RP (pim upstream): exact names, ours only
  local d
  for d in $(lab_frr_pathspace_dirs); do [ -d "$d" ] && rm -rf "$d"; done
  rm -rf "$LAB_STATE"
  lab_log "down"
}

lab_status() {
  local n f name pid
  echo "lab prefix $P, state $LAB_STATE, upstream $(lab_upstream_desc), flavour $(lab_flavour)"
  local owned
  owned=$(lab_owned_netns)
  if [ -z "$owned" ]; then
    echo "  no namespaces"
    return 1
  fi
  for n in $owned; do
    echo "  netns $n: $(ip netns exec "$n" ls /sys/class/net 2>/dev/null | grep -v '^lo$' | tr '\n' ' ')"
  done
  if [ -d "$LAB_STATE/pids" ]; then
    for f in "$LAB_STATE"/pids/*.pid; do
      [ -e "$f" ] || continue
      name=$(basename "$f" .pid)
      if pid=$(lab_pid "$name"); then
        echo "  process $name: pid $pid running in $(cat "$LAB_STATE/pids/$name.node")"
      else
        echo "  process $name: exited"
      fi
    done
  fi
  return 0
}

# --- routers ----------------------------------------------------------------------------

# build/tandemd per the contract; control/daemon/ is where meson puts them when the
# executables are declared there
lab_bin() {
  if [ -x "$TANDEM_BUILD/$1" ]; then echo "$TANDEM_BUILD/$1"; else echo "$TANDEM_BUILD/control/daemon/$1"; fi
}
tandemd_bin() { lab_bin tandemd; }
tandemctl_bin() { lab_bin tandemctl; }
lab_have_tandemd() { [ -x "$(tandemd_bin)" ] && [ -x "$(tandemctl_bin)" ]; }
router_socket() { echo "$LAB_STATE/$1.sock"; }

# lab_render_config ROLE(master|backup) OUT [rbp|norbp]
# Line prefixes in the templates: @RBP@ (hot backup; dropped with norbp), @PIM@ and @FLOOD@
# (kept for the lab's upstream, pim or flood, dropped for the other), @COMMON@ and @ADMIN@
# (kept for the flavour, lab_flavour, dropped for the other).
lab_render_config() {
  local role=$1 out=$2 mode=${3:-rbp}
  local tmpl="$LAB_LIB_DIR/$role.cfg.in"
  local keep='s/^@RBP@//' up_keep='s/^@PIM@//' up_drop='/^@FLOOD@/d' upstream flavour
  local fl_keep='s/^@COMMON@//' fl_drop='/^@ADMIN@/d'
  [ "$mode" = norbp ] && keep='/^@RBP@/d'
  upstream=$(lab_upstream) || return 1
  if [ "$upstream" != pim ]; then up_keep='s/^@FLOOD@//' up_drop='/^@PIM@/d'; fi
  flavour=$(lab_flavour) || return 1
  if [ "$flavour" = admin ]; then fl_keep='s/^@ADMIN@//' fl_drop='/^@COMMON@/d'; fi
  sed -e "$keep" -e "$up_keep" -e "$up_drop" -e "$fl_keep" -e "$fl_drop" \
    -e "s|@PREEMPT_S@|${TANDEM_LAB_PREEMPT_S:-5}|g" \
    -e "s|@IDLE_US@|${TANDEM_LAB_IDLE_US:-200}|g" \
    -e "s|@AFP@|${TANDEM_LAB_AFP_ARGS:-}|g" \
    "$tmpl" >"$out"
}

# lab_router_start r1|r2 [rbp|norbp] : generate the config and start tandemd in the
# router's namespace, one lcore each (r1 on CPU 0, r2 on CPU 1), no hugepages, no shared
# runtime files, no PCI probing.
lab_router_start() {
  local r=$1 mode=${2:-rbp} role lcore
  case $r in
    r1) role=master lcore=0 ;;
    r2) role=backup lcore=1 ;;
    *) lab_die "router must be r1 or r2" ;;
  esac
  [ "$(nproc)" -ge 2 ] || lcore=0
  lab_have_tandemd || lab_die "$(tandemd_bin) not built"
  local cfg="$LAB_STATE/$r.cfg" sock
  sock=$(router_socket "$r")
  lab_render_config "$role" "$cfg" "$mode"
  rm -f "$sock"
  # a raised CPU share (nice) keeps 10 ms BFD alive while compilers load the 2 cores;
  # TANDEM_LAB_RT=N runs tandemd SCHED_RR N instead (opt-in: a spinning RT process would
  # take a whole core from everyone else on a shared machine)
  local sched=(nice -n "${TANDEM_LAB_NICE:--10}")
  [ -n "${TANDEM_LAB_RT:-}" ] && sched=(chrt -r "$TANDEM_LAB_RT")
  lab_spawn "tandemd-$r" "$r" "${sched[@]}" "$(tandemd_bin)" --config "$cfg" --socket "$sock" \
    -- --no-pci --no-huge --no-shconf -m "${TANDEM_LAB_EAL_MB:-512}" -l "$lcore" --file-prefix "$P-$r-$$" \
    ${TANDEM_LAB_EAL_EXTRA:-}
  lab_log "tandemd $r ($role, $mode, $(lab_flavour) flavour) pid $LAB_LAST_PID, socket $sock"
}

# tandemctl against a router (runs in the router's namespace so RBS/metrics addresses match)
lab_ctl() {
  local r=$1
  shift
  nsx "$r" "$(tandemctl_bin)" --socket "$(router_socket "$r")" "$@"
}

# lab_wait_ctl ROUTER TIMEOUT_S : wait until the router answers on its CLI socket
lab_wait_ctl() {
  local r=$1 t=${2:-20} i
  for ((i = 0; i < t * 10; i++)); do
    lab_ctl "$r" display vrrp6 brief >/dev/null 2>&1 && return 0
    # the PID itself, not lab_pid: right after lab_spawn the child may not have entered
    # the router's namespace yet, which lab_pid would take for an exit
    kill -0 "$(cat "$LAB_STATE/pids/tandemd-$r.pid" 2>/dev/null)" 2>/dev/null || { lab_log "tandemd-$r exited:"; tail -20 "$LAB_STATE/logs/tandemd-$r.log" >&2; return 1; }
    sleep 0.1
  done
  lab_log "tandemd-$r does not answer on $(router_socket "$r")"
  return 1
}

# --- kernel forwarding stand-in (no tandemd needed) -------------------------------------
# Bridges r1's two data veths in r1's kernel: a plain L2 path from the upstream LAN to the
# downstream LAN, so the traffic tools can be checked without tandemd. Only r1 (both would
# make a loop).
lab_kernel_path() {
  case ${1:-on} in
    on)
      nsx r1 ip link add tdm-kbr type bridge mcast_snooping 0
      sysctl_ns r1 net.ipv6.conf.tdm-kbr.disable_ipv6=1
      nsx r1 ip link set tdm-up master tdm-kbr
      nsx r1 ip link set tdm-down master tdm-kbr
      nsx r1 ip link set tdm-kbr up
      ;;
    off) nsx r1 ip link del tdm-kbr 2>/dev/null || true ;;
  esac
}
