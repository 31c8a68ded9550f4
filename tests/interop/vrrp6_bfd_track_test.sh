#!/usr/bin/env bash
# The reference procedure's fault path against real peers: tandem's VRRP6 priority tracks a
# BFD session (`track bfd-session 10 reduced 50`) to FRR bfdd, and keepalived is the other
# VRRP router; bfdd and keepalived share one namespace (the "other router"):
#
#   tdi-ID-td [td0 af_packet] --- br0 (tdi-ID-sw, capture here) --- [fr0 kernel] tdi-ID-fr
#   tandemd 2001:db8:1::2, VRRP6 120, BFD 10 ms x 3        2001:db8:1::12: FRR bfdd +
#                                                          keepalived 100 (use_vmac)
#  1. BFD Up, tandem Master with priority 120, keepalived Backup
#  2. bfdd SIGKILLed -> tandem's BFD Down -> priority 70 -> keepalived (100) preempts,
#     tandem Backup
#  3. bfdd restarted -> BFD Up -> priority 120 -> tandem preempts, keepalived Backup
# Usage: vrrp6_bfd_track_test.sh TANDEMD TANDEMCTL
IOP_TANDEMD=$1
IOP_TANDEMCTL=$2
here="$(dirname "$0")/../../scripts/interop"
# shellcheck source=scripts/interop/lib.sh
source "$here/lib.sh"
TD_BFD_ADDR=2001:db8:1::2
FR_BFD_ADDR=2001:db8:1::12
# shellcheck source=scripts/interop/bfd_lib.sh
source "$here/bfd_lib.sh"
bfd_require
iop_require keepalived

TD_LL=fe80::74:64ff:fe01:2
KA_LL=fe80::74:64ff:fe01:12
iop_switch
iop_tandem_ns td
iop_ns_add fr
iop_switch_port td td0 02:74:64:01:00:02
nsx td ip link set td0 up
iop_switch_port fr fr0 02:74:64:01:00:12
iop_kernel_if fr fr0 "$FR_BFD_ADDR/64"
bfd_frr_dir
bfd_frr_configs

cat >"$IOP_WORK/td.cfg" <<CFG
dataplane idle-sleep-us ${IOP_IDLE_US:-100}
bfd
quit
bfd frr bind peer-ipv6 $FR_BFD_ADDR track-interface interface ge0
 discriminator local 10
 min-tx-interval 10
 min-rx-interval 10
 detect-multiplier 3
quit
interface ge0
 device net_af_packet0,iface=td0
 ipv6 address $TD_BFD_ADDR/64
 ipv6 address auto link-local
 vrrp6 vrid 1 virtual-ip fe80::1 link-local
 vrrp6 vrid 1 virtual-ip 2001:db8:1::1
 vrrp6 vrid 1 priority 120
 vrrp6 vrid 1 timer advertise 100
 vrrp6 vrid 1 track bfd-session 10 reduced 50
quit
CFG

cat >"$IOP_WORK/notify.sh" <<'SH'
#!/bin/sh
echo "$3" > "$(dirname "$0")/ka.state"
SH
chmod 755 "$IOP_WORK/notify.sh"
cat >"$IOP_WORK/ka.conf" <<CFG
global_defs {
    router_id $IOP_P-ka
    vrrp_version 3
    script_user root
}
vrrp_instance tdi_v6_1 {
    state BACKUP
    interface fr0
    use_vmac fr0vmac
    virtual_router_id 1
    priority 100
    advert_int 1
    notify $IOP_WORK/notify.sh
    virtual_ipaddress {
        fe80::1/64
        2001:db8:1::1/64
    }
}
CFG
ka_is() { [ "$(cat "$IOP_WORK/ka.state" 2>/dev/null)" = "$1" ]; }
td_vrrp() { tctl td --json display vrrp6 2>/dev/null | iop_json_first state priority_run || echo none; }
td_vrrp_is() { [ "$(td_vrrp)" = "$1 $2" ]; }

cap="$IOP_WORK/lan.pcap"
iop_cap_start sw br0 "$cap" ip6 proto 112

iop_log "1: BFD Up, tandem Master at 120"
IOP_TANDEMD_SCHED=$IOP_BFD_SCHED iop_tandemd_start td "$IOP_WORK/td.cfg"
bfd_zebra_start
bfd_bfdd_start
iop_bg "$IOP_WORK/ka.log" ip netns exec "$(nsname fr)" keepalived -n -l -D -P \
  -f "$IOP_WORK/ka.conf" -p "$IOP_WORK/ka.pid" -r "$IOP_WORK/ka.vrrp.pid"
iop_wait_for 20 "BFD Up at both ends" bfd_both_up
iop_wait_for 20 "tandem Master with priority 120" td_vrrp_is Master 120
iop_wait_for 10 "keepalived BACKUP" ka_is BACKUP

iop_log "2: SIGKILL bfdd -> priority 70 -> keepalived preempts"
t_kill=$(now)
iop_stop "$BFDD_PID" KILL 2
iop_wait_for 2 "tandem's priority reduced to 70 by the BFD Down" td_vrrp_is Master 70
iop_wait_for 10 "keepalived MASTER over tandem's 70" ka_is MASTER
iop_wait_for 5 "tandem Backup (70) under keepalived's 100" td_vrrp_is Backup 70

iop_log "3: bfdd back -> priority 120 -> tandem preempts"
t_back=$(now)
bfd_bfdd_start
iop_wait_for 20 "BFD Up again" bfd_both_up
iop_wait_for 3 "tandem's priority back to 120" td_vrrp_is Backup 120
iop_wait_for 10 "tandem preempts keepalived" td_vrrp_is Master 120
iop_wait_for 5 "keepalived BACKUP again" ka_is BACKUP
sleep 1.5
iop_cap_stop "$IOP_CAP_PID"

adv="$IOP_WORK/adverts.tsv"
iop_vrrp_adverts "$cap" >"$adv"
# tandem's adverts carry the tracked priority: 70 after the kill, 120 again at the end
t70=$(adv_first "$adv" "$TD_LL" "$t_kill" 70)
[ -n "$t70" ] || iop_fail "no advert with priority 70 from tandem after the BFD Down"
flt "$(fdiff "$t70" "$t_kill")" 2.5 || iop_fail "first priority-70 advert $(fdiff "$t70" "$t_kill")s after the kill"
k100=$(adv_first "$adv" "$KA_LL" "$t_kill" 100)
[ -n "$k100" ] || iop_fail "keepalived never advertised after tandem's priority fell"
t120=$(adv_first "$adv" "$TD_LL" "$t_back" 120)
[ -n "$t120" ] || iop_fail "no priority-120 advert from tandem after BFD came back"
echo "PASS: tandem VRRP6 tracking BFD to FRR vs keepalived (priority 70 advertised $(fdiff "$t70" "$t_kill")s after the kill, keepalived Master $(fdiff "$k100" "$t_kill")s after)"
