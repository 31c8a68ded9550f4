#!/usr/bin/env bash
# tandem VRRP6 against FRR 8.4 vrrpd (VRRPv3 for IPv6, RFC 5798) on one LAN:
#
#   tdi-ID-td [td0 af_packet] --- br0 (tdi-ID-sw, capture here) --- [fr0 kernel] tdi-ID-fr
#   tandemd 2001:db8:1::2                     FRR zebra + vrrpd, 2001:db8:1::12 on fr0 and
#                                             macvlan fr0vrrp (virtual MAC) holding the VIPs
#   VRID 1, VIPs fe80::1 and 2001:db8:1::1, advert interval 1 s on both
#
#  1. tandem 120 (Master first), FRR 100 joins: FRR Backup and silent
#  2. tandemd SIGTERM -> priority-0 advert -> FRR Master after Skew_Time
#  3. tandemd back (120): it preempts, FRR goes Backup
#  4. FRR set to 200 (vtysh): it preempts, tandem goes Backup
#  5. `vrrp 1 shutdown` on FRR -> priority-0 advert -> tandem Master after Skew_Time
# FRR's first advert after each Backup -> Master transition never reaches the wire (vrrpd:
# "Failed to find address to bind", see tests/fixtures/README.md), so FRR's adverts are
# expected one interval later than its state change, and in step 4 both are Master for ~1 s.
# Usage: vrrp6_frr_test.sh TANDEMD TANDEMCTL
IOP_TANDEMD=$1
IOP_TANDEMCTL=$2
# shellcheck source=scripts/interop/lib.sh
source "$(dirname "$0")/../../scripts/interop/lib.sh"
FRR_BIN=/usr/lib/frr
iop_require "$FRR_BIN/zebra" "$FRR_BIN/vrrpd" vtysh tcpdump tshark

TD_MAC=02:74:64:01:00:02 TD_LL=fe80::74:64ff:fe01:2
FR_MAC=02:74:64:01:00:12

iop_switch
iop_tandem_ns td
iop_ns_add fr
iop_switch_port td td0 "$TD_MAC"
nsx td ip link set td0 up
iop_switch_port fr fr0 "$FR_MAC"
iop_kernel_if fr fr0 2001:db8:1::12/64

# vrrpd creates no interface: a macvlan with the virtual MAC and a random link-local (an
# EUI-64 one from the shared MAC would be the same on every router) carries the VIPs.
nsx fr ip link add fr0vrrp link fr0 type macvlan mode bridge
nsx fr ip link set fr0vrrp addrgenmode random
nsx fr ip link set fr0vrrp address 00:00:5e:00:02:01
nsx fr sysctl -qw net.ipv6.conf.fr0vrrp.accept_dad=0
nsx fr sysctl -qw net.ipv6.conf.fr0vrrp.router_solicitations=0
nsx fr ip link set fr0vrrp up

chmod 711 "$IOP_WORK"
FR_DIR="$IOP_WORK/frr"
mkdir -p "$FR_DIR"
chown frr:frr "$FR_DIR"
printf 'hostname %s-fr\n' "$IOP_P" >"$FR_DIR/zebra.conf"
cat >"$FR_DIR/vrrpd.conf" <<CFG
hostname $IOP_P-fr
log stdout informational
debug vrrp protocol
!
interface fr0
 vrrp 1 version 3
 vrrp 1 priority 100
 vrrp 1 advertisement-interval 1000
 vrrp 1 ipv6 fe80::1
 vrrp 1 ipv6 2001:db8:1::1
!
CFG
chown frr:frr "$FR_DIR"/*.conf
frr_vty() { nsx fr vtysh --vty_socket "$FR_DIR" "$@"; }
frr_state() {  # Master / Backup / Initialize of VRID 1 (IPv6), "none" when unknown
  frr_vty -c "show vrrp json" 2>/dev/null | "$PY" -c '
import json, sys
print(json.load(sys.stdin)[0]["v6"]["status"])' 2>/dev/null || echo none
}
fr_is() { [ "$(frr_state)" = "$1" ]; }
td_is() { [ "$(tandem_vrrp_state td)" = "$1" ]; }
frr_set() { frr_vty -c 'configure terminal' -c 'interface fr0' -c "$1" >/dev/null; }


cap="$IOP_WORK/lan.pcap"
iop_cap_start sw br0 "$cap" ip6 proto 112

iop_log "1: tandem 120 Master, then FRR 100 joins"
iop_vrrp_tandem_config 120
iop_tandemd_start td "$IOP_WORK/td.cfg"
iop_bg "$FR_DIR/zebra.log" ip netns exec "$(nsname fr)" "$FRR_BIN/zebra" -f "$FR_DIR/zebra.conf" \
  -i "$FR_DIR/zebra.pid" -z "$FR_DIR/zserv.api" --vty_socket "$FR_DIR" -P 0 -u frr -g frr \
  --log stdout
iop_wait_for 10 "zebra's API socket" test -S "$FR_DIR/zserv.api"
# the advert source is the macvlan's first link-local (the random one): wait for it, then
# add the VIPs (vrrpd uses the first address zebra reports)
fr_ll() { nsx fr ip -6 -o addr show dev fr0vrrp scope link | awk '{sub("/.*", "", $4); print $4; exit}'; }
iop_wait_for 10 "the macvlan's random link-local" test -n "$(fr_ll)"
FR_LL=$(fr_ll)
sleep 0.5
nsx fr ip addr add fe80::1/64 dev fr0vrrp nodad
nsx fr ip addr add 2001:db8:1::1/64 dev fr0vrrp nodad
iop_wait_for 15 "tandem Master (alone)" td_is Master
iop_bg "$FR_DIR/vrrpd.log" ip netns exec "$(nsname fr)" "$FRR_BIN/vrrpd" -f "$FR_DIR/vrrpd.conf" \
  -i "$FR_DIR/vrrpd.pid" -z "$FR_DIR/zserv.api" --vty_socket "$FR_DIR" -P 0 -u frr -g frr \
  --log stdout
iop_wait_for 15 "FRR Backup" fr_is Backup
sleep 4
td_is Master || iop_fail "tandem left Master: $(tandem_vrrp_state td)"
fr_is Backup || iop_fail "FRR left Backup: $(frr_state)"
t_steady=$(now)

iop_log "2: tandemd SIGTERM -> FRR takes over"
t_stop=$(now)
iop_stop "$IOP_TANDEMD_PID" TERM 5
iop_wait_for 5 "FRR Master after tandem's priority 0" fr_is Master
sleep 2

iop_log "3: tandemd back with 120 -> preempts"
t_back=$(now)
iop_tandemd_start td "$IOP_WORK/td.cfg"
iop_wait_for 15 "tandem preempts FRR" td_is Master
iop_wait_for 5 "FRR Backup after tandem's preemption" fr_is Backup
sleep 2
t_pre=$(now)

iop_log "4: FRR priority 200 -> preempts tandem"
frr_set "vrrp 1 priority 200"
iop_wait_for 15 "FRR Master (priority 200)" fr_is Master
iop_wait_for 5 "tandem Backup under FRR 200" td_is Backup
mp=$(tctl td --json display vrrp6 | iop_json_first master_priority)
[ "$mp" = 200 ] || iop_fail "tandem's master_priority is $mp, expected 200"
sleep 2
td_is Backup || iop_fail "tandem left Backup: $(tandem_vrrp_state td)"

iop_log "5: vrrp 1 shutdown on FRR -> tandem takes over"
t_fstop=$(now)
frr_set "vrrp 1 shutdown"
iop_wait_for 5 "tandem Master after FRR's priority 0" td_is Master
sleep 1.5
iop_log "tandem's drop counters: $(iop_tandem_drops td | tr '\n' ' ')"
iop_cap_stop "$IOP_CAP_PID"

# --- the adverts on the wire -------------------------------------------------------------
adv="$IOP_WORK/adverts.tsv"
iop_vrrp_adverts "$cap" >"$adv"
[ -s "$adv" ] || iop_fail "no VRRP adverts captured"
# 1-3 and 5 as for every peer; FRR's first advert after it becomes Master is lost (fixtures
# README), so its takeover may take Skew_Time + one interval.
iop_check_election "$adv" "FRR" "$FR_LL" "$t_steady" "$t_stop" "$t_back" "$t_pre" "$t_fstop" 3.5
d2=$ELECT_PEER_TAKEOVER_S d5=$ELECT_TANDEM_TAKEOVER_S
# 4. once FRR's priority-200 adverts arrive, tandem falls silent
f200=$(adv_first "$adv" "$FR_LL" "$t_pre" 200)
[ -n "$f200" ] || iop_fail "no priority-200 advert from FRR"
n_td4=$(adv_count "$adv" "$TD_LL" "$(fdiff "$f200" -0.5)" "$t_fstop")
[ "$n_td4" = 0 ] || iop_fail "tandem advertised $n_td4 times after FRR's priority 200 arrived"
echo "PASS: tandem VRRP6 vs FRR vrrpd (FRR's first advert ${d2}s after tandem's priority 0, tandem ${d5}s after FRR's)"
