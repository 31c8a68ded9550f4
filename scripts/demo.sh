#!/usr/bin/env bash
# The README's run command: two tandem routers as a hot-standby pair, real Linux hosts,
# a multicast stream, a SIGKILL of the master, and the switchback.
#
#   sudo scripts/demo.sh [--flavour common|admin]
#
# On a fresh Debian 12 machine as root: installs what is missing, builds build/tandemd and
# build/tandemctl if needed, brings up the lab (scripts/lab.sh: namespaces tdm-*), starts r1
# (VRRP6 master) and r2 (backup), joins groups from three hosts (MLDv2 ASM, MLDv2 SSM,
# MLDv1), streams 1,000 packets/s per group, shows both routers' state and their equal
# RBS digests, kills r1 with SIGKILL and prints what the receivers lost, then restarts r1
# and shows the resynchronisation and the switchback after the preempt delay. Everything
# is torn down at the end, also on Ctrl-C.
#
# Upstream: when FRR's pim6d is built (/opt/frr-pim6, docs/frr-pim6d.md)
# the routers run PIM-SM on their upstream LAN with pim6d as the RP (namespace tdm-rp), and
# the demo shows both routers' PIM neighbors and routing tables and the RP's joins;
# otherwise the upstream LAN is the static flooded one. TANDEM_LAB_UPSTREAM=pim|flood chooses.
#
# Flavour of the reference procedure (--flavour or TANDEM_LAB_FLAVOUR, default common; see
# scripts/lab/lib.sh): common, the service VRRP6 group vrid 1 elects and gates multicast; or
# admin, an mVRRP6 vrid 2 elects and the service group vrid 1 and the multicast gate track it.
#
# Environment: TANDEM_LAB_PREFIX (tdm), TANDEM_LAB_PREEMPT_S (5), DEMO_RATE (1000),
# DEMO_SKIP_DEPS=1 (do not run install-deps.sh), TANDEM_BUILD (build/),
# TANDEM_LAB_UPSTREAM (pim when pim6d is built, else flood), TANDEM_LAB_FLAVOUR (common).
set -euo pipefail
while [ $# -gt 0 ]; do
  case $1 in
    --flavour) [ $# -ge 2 ] || { echo "demo.sh: --flavour needs common or admin" >&2; exit 2; }
      export TANDEM_LAB_FLAVOUR=$2; shift 2 ;;
    --flavour=*) export TANDEM_LAB_FLAVOUR=${1#--flavour=}; shift ;;
    *) echo "usage: demo.sh [--flavour common|admin]" >&2; exit 2 ;;
  esac
done
case ${TANDEM_LAB_FLAVOUR:=common} in
  common | admin) export TANDEM_LAB_FLAVOUR ;;
  *) echo "demo.sh: the flavour must be common or admin" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
REPO=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (network namespaces)" >&2; exit 1; }

banner() { printf '\n\033[1m=== %s\033[0m\n' "$*"; }
indent() { sed 's/^/    /'; }

banner "dependencies"
[ "${DEMO_SKIP_DEPS:-0}" = 1 ] || bash scripts/install-deps.sh

export TANDEM_BUILD=${TANDEM_BUILD:-$REPO/build}
banner "build ($TANDEM_BUILD)"
if [ ! -f "$TANDEM_BUILD/build.ninja" ]; then
  meson setup "$TANDEM_BUILD"
fi
bins=()
for b in tandemd tandemctl control/daemon/tandemd control/daemon/tandemctl; do
  [ -x "$TANDEM_BUILD/$b" ] && bins+=("$b")
done
if [ ${#bins[@]} -ge 2 ]; then
  ninja -C "$TANDEM_BUILD" "${bins[@]}"     # up to date? then this is a no-op
else
  ninja -C "$TANDEM_BUILD"
fi

export TANDEM_LAB_PREFIX=${TANDEM_LAB_PREFIX:-tdm}
export TANDEM_LAB_PREEMPT_S=${TANDEM_LAB_PREEMPT_S:-5}
RATE=${DEMO_RATE:-1000}
source scripts/lab/lib.sh
source scripts/lab/ops.sh

demo_cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  banner "teardown"
  lab_down
  ip netns list | awk '{print $1}' | grep "^$P-" && echo "namespaces left behind!" && rc=1
  exit $rc
}
trap demo_cleanup EXIT
trap 'echo; echo "interrupted"; exit 130' INT TERM

if lab_is_up || [ -n "$(lab_owned_netns)" ]; then
  lab_log "a lab named $P exists (left over?): taking it down first"
  lab_down
fi

banner "lab: namespaces, bridges, veths (upstream: $(lab_upstream_desc))"
lab_up
lab_status | indent
PIM_UP=0
[ "$(lab_upstream)" = pim ] && PIM_UP=1

banner "start r1 (master) and r2 (backup), $TANDEM_LAB_FLAVOUR flavour"
echo "r1 config (generated from scripts/lab/master.cfg.in):"
lab_render_config master /dev/stdout | grep -v '^#' | indent
start_pair
if [ "$PIM_UP" = 1 ]; then
  wait_pim_upstream 40
  echo "  \$ vtysh -c 'show ipv6 pim neighbor'   (the RP, FRR pim6d in $(ns rp))"
  lab_rp 'show ipv6 pim neighbor' | indent
fi

banner "hosts join, the source streams $RATE packets/s per group"
start_watch r1
start_watch r2
start_default_receivers
start_sender "$RATE"
echo "    h1: $G1 (MLDv2, any source)"
echo "    h2: $G1 and ($SRC_ADDR, $G2) (MLDv2, source-specific)"
echo "    h3: $G3 (MLDv1: force_mld_version=1)"
wait_until 5 "r1 learned the three groups" eval \
  'has_group r1 $G1 && has_group r1 $G2 && has_group r1 $G3'
wait_until 2 "r2's digest equals r1's" digests_equal
sleep 2

pim_displays=()
[ "$PIM_UP" = 1 ] && pim_displays=("pim ipv6 neighbor" "pim ipv6 routing-table")
for r in r1 r2; do
  banner "$r: tandemctl display ..."
  for c in "vrrp6 brief" "bfd session all for-ipv6" "remote-backup-service" \
    "remote-backup-profile" "mld group" "multicast ipv6 forwarding-table" "${pim_displays[@]}"; do
    echo "  \$ tandemctl display $c"
    # shellcheck disable=SC2086
    lab_ctl "$r" display $c 2>&1 | indent
  done
done
if [ "$PIM_UP" = 1 ]; then
  banner "the RP (FRR pim6d): the pair's Joins"
  echo "    both routers join toward the RP (the Backup too: its state is ready for a takeover);"
  echo "    pim6d forwards nothing here (no IPv6 multicast routing in this kernel): the source"
  echo "    is on the upstream LAN, whose bridge floods its packets to both routers"
  for c in 'show ipv6 pim join' 'show ipv6 pim rp-info'; do
    echo "  \$ vtysh -c '$c'"
    lab_rp "$c" | indent
  done
fi
d1=$(rbs_field r1 digest)
d2=$(rbs_field r2 digest)
banner "digests: r1 $d1, r2 $d2 -> $([ "$d1" = "$d2" ] && echo EQUAL || echo DIFFERENT)"
echo "    data frames on the LAN so far: from r1 $(report watch-r1 | jq .data_total)," \
  "from r2 $(report watch-r2 | jq .data_total) (r2 is Backup: its gate is closed)"

# Kill from the steady state only: on a loaded 2-core machine a 30 ms stall of r1 can make
# r2's BFD (10 ms x 3) fire and r2 take over (a false switchover, shown as BFD flaps);
# r1 preempts back after the delay.
steady() { is_state r1 Master && is_state r2 Backup && digests_equal; }
for attempt in 1 2 3; do
  wait_until $((TANDEM_LAB_PREEMPT_S + 15)) "steady: r1 Master, r2 Backup, digests equal" steady
  flaps=$(bfd_field r2 flaps)
  [ "$flaps" = 0 ] || echo "    note: r2's BFD session flapped $flaps time(s) so far (r1 silent > 30 ms)"
  before=$(mld_table r2)
  for r in recv-h1 recv-h2 recv-h3; do reset_counters "$r"; done
  sleep 1
  [ "$(bfd_field r2 flaps)" = "$flaps" ] && steady && break
  echo "    r2's BFD flapped while settling: waiting for the steady state again"
done

banner "SIGKILL r1"
lab_stop tandemd-r1 KILL 2
wait_until 3 "r2 is VRRP6 Master" is_state r2 Master
if [ "$TANDEM_LAB_FLAVOUR" = admin ]; then
  wait_until 1 "r2's mVRRP6 (vrid 2) is Master" eval '[ "$(elect_state r2)" = Master ]'
fi
sleep 3
after=$(mld_table r2)
printf '    %-8s %10s %16s %8s\n' receiver lost interruption dups
for r in recv-h1 recv-h2 recv-h3; do
  rep=$(report "$r")
  printf '    %-8s %10s %13s ms %8s\n' "${r#recv-}" "$(lost_packets "$rep")" \
    "$(interruption_ms "$rep")" "$(echo "$rep" | jq .dups)"
done
echo "    groups on r2 before the kill:"
echo "$before" | indent | indent
echo "    groups on r2 after the kill:"
echo "$after" | indent | indent
[ "$before" = "$after" ] && echo "    -> no group lost" || echo "    -> GROUPS DIFFER"
echo "  \$ tandemctl display vrrp6 (r2)"
lab_ctl r2 display vrrp6 | indent
echo "  \$ tandemctl display bfd session all for-ipv6 verbose (r2)"
lab_ctl r2 display bfd session all for-ipv6 verbose | indent
if [ "$PIM_UP" = 1 ]; then
  echo "  \$ tandemctl display pim ipv6 routing-table (r2: the (*,G) it joined before the kill)"
  lab_ctl r2 display pim ipv6 routing-table | indent
fi

banner "restart r1: resynchronise from r2, switch back after the ${TANDEM_LAB_PREEMPT_S} s preempt delay"
for r in recv-h1 recv-h2 recv-h3; do reset_counters "$r"; done
lab_router_start r1
lab_wait_ctl r1 30 || fail "r1 did not restart"
wait_until 15 "RBS connected" rbs_connected r1
wait_until 5 "r1 resynchronised: digests equal" digests_equal
echo "  \$ tandemctl display remote-backup-service verbose (r1)"
lab_ctl r1 display remote-backup-service verbose | indent
wait_until $((TANDEM_LAB_PREEMPT_S + 10)) "r1 is VRRP6 Master again" is_state r1 Master
wait_until 3 "r2 is Backup again" is_state r2 Backup
sleep 2
for r in r1 r2; do
  echo "  \$ tandemctl display vrrp6 brief ($r)"
  lab_ctl "$r" display vrrp6 brief | indent
done
printf '    %-8s %10s %16s\n' receiver lost interruption
for r in recv-h1 recv-h2 recv-h3; do
  rep=$(report "$r")
  printf '    %-8s %10s %13s ms\n' "${r#recv-}" "$(lost_packets "$rep")" "$(interruption_ms "$rep")"
done
[ "$(mld_table r1)" = "$before" ] && echo "    -> r1 holds every group" || echo "    -> r1's groups differ"

banner "metrics"
echo "    http://[::1]:9464/metrics inside each router's namespace, e.g."
echo "    ip netns exec $(ns r1) curl -s 'http://[::1]:9464/metrics'   (while the lab runs)"
nsx r1 "$PY" -c 'import urllib.request, sys
sys.stdout.write(urllib.request.urlopen("http://[::1]:9464/metrics", timeout=2).read().decode())' |
  grep -E '^tandem_(port_(rx|tx|forwarded)_packets_total|vrrp6_state|rbs_connected|mld_groups)' |
  head -10 | indent || true

lab_stop sender TERM 3
echo
echo "demo finished"
