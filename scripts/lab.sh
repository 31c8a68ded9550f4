#!/usr/bin/env bash
# The two-router lab (see scripts/lab/lib.sh for the picture). Needs root.
#
#   scripts/lab.sh up                      namespaces, bridges, veths, addresses
#   scripts/lab.sh down                    stop what the lab started (by PID file), delete it
#   scripts/lab.sh status                  what exists
#   scripts/lab.sh start r1|r2 [norbp]     generate the config, start tandemd in the router
#   scripts/lab.sh stop r1|r2 [SIG]        stop that tandemd (SIGTERM, or e.g. KILL)
#   scripts/lab.sh ctl r1|r2 ARGS...       tandemctl against that router
#   scripts/lab.sh config r1|r2 [norbp]    print the generated config
#   scripts/lab.sh kernel-path on|off      plain Linux bridge through r1 (no tandemd needed)
#   scripts/lab.sh exec NODE CMD...        run a command in a lab namespace (src sw r1 r2 rp hN)
#   scripts/lab.sh rp 'VTYSH CMD'...       vtysh against the RP's pim6d (pim upstream), e.g.
#                                          scripts/lab.sh rp 'show ipv6 pim neighbor'
#   scripts/lab.sh upstream                which upstream this lab has (pim or flood)
#   scripts/lab.sh flavour                 which flavour `start` and `config` use
#
# --flavour common|admin (anywhere among the arguments, or TANDEM_LAB_FLAVOUR) picks the
# flavour of the reference procedure the routers are configured with: common (the service
# VRRP6 group vrid 1 elects and gates multicast) or admin (an mVRRP6 vrid 2 elects, the
# service group and the multicast gate track it). Given at `up`, it is the lab's default;
# given at `start`/`config`, it applies to that router (default common).
#
# Environment: TANDEM_LAB_PREFIX (default tdm) names everything, so labs can coexist;
# TANDEM_LAB_HOSTS (3) receivers; TANDEM_LAB_V1_HOST (the last one) speaks MLDv1;
# TANDEM_BUILD (build/) holds tandemd and tandemctl; TANDEM_LAB_PREEMPT_S (5) preempt delay;
# TANDEM_LAB_IDLE_US (200) dataplane idle sleep; TANDEM_LAB_NICE (-10) tandemd's nice level
# (10 ms BFD on a loaded 2-core machine); TANDEM_LAB_EAL_MB (512) EAL memory (--no-huge);
# TANDEM_LAB_EAL_EXTRA more EAL arguments; TANDEM_LAB_AFP_ARGS appended to each af_packet vdev;
# TANDEM_LAB_UPSTREAM pim|flood (default: pim when FRR's pim6d is built in TANDEM_LAB_FRR,
# /opt/frr-pim6, flood otherwise): a PIM-SM upstream with pim6d as the RP in $P-rp, or the
# static flooded upstream (`multicast ipv6 upstream`). Fixed at `up` for the lab's lifetime.
# TANDEM_LAB_FLAVOUR common|admin: as --flavour.
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lab/lib.sh"

args=()
while [ $# -gt 0 ]; do
  case $1 in
    --flavour) [ $# -ge 2 ] || lab_die "--flavour needs common or admin"; export TANDEM_LAB_FLAVOUR=$2; shift 2 ;;
    --flavour=*) export TANDEM_LAB_FLAVOUR=${1#--flavour=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- ${args[@]+"${args[@]}"}
lab_flavour >/dev/null

[ "$(id -u)" -eq 0 ] || lab_die "run as root (network namespaces)"
cmd=${1:-status}
shift || true
case $cmd in
  up) lab_up ;;
  down) lab_down ;;
  status) lab_status ;;
  start) lab_router_start "$1" "${2:-rbp}" && lab_wait_ctl "$1" 30 ;;
  stop) lab_stop "tandemd-$1" "${2:-TERM}" 5 ;;
  ctl) r=$1; shift; lab_ctl "$r" "$@" ;;
  config)
    tmp=$(mktemp)
    role=master
    [ "$1" = r2 ] && role=backup
    lab_render_config "$role" "$tmp" "${2:-rbp}"
    cat "$tmp"
    rm -f "$tmp"
    ;;
  kernel-path) lab_kernel_path "${1:-on}" ;;
  exec) node=$1; shift; nsx "$node" "$@" ;;
  rp)
    [ "$(lab_upstream)" = pim ] || lab_die "lab $P has no RP (upstream $(lab_upstream))"
    lab_pid frr-pim6d >/dev/null || lab_die "pim6d of lab $P is not running (scripts/lab.sh up)"
    [ $# -gt 0 ] || set -- 'show ipv6 pim neighbor'
    lab_rp "$@"
    ;;
  upstream) lab_upstream_desc ;;
  flavour) lab_flavour ;;
  *) sed -n '2,33p' "$0" >&2; exit 2 ;;
esac
