#!/usr/bin/env bash
# tandem VRRP6 against keepalived (VRRPv3 for IPv6, RFC 5798) on one LAN:
#
#   tdi-ID-td [td0 af_packet] --- br0 (tdi-ID-sw, capture here) --- [ka0 kernel] tdi-ID-ka
#   tandemd 2001:db8:1::2                                  keepalived 2001:db8:1::12 (use_vmac)
#   VRID 1, VIPs fe80::1 and 2001:db8:1::1, advert interval 1 s on both
#
#  1. tandem 120, keepalived 100: tandem Master, keepalived Backup and silent
#  2. tandemd SIGTERM -> priority-0 advert -> keepalived Master after Skew_Time (< Master_Down)
#  3. tandemd back (120): it preempts, keepalived goes Backup
#  4. keepalived restarted with 200: it preempts, tandem goes Backup
#  5. keepalived SIGTERM -> priority-0 advert -> tandem Master after Skew_Time
# tandem's state comes from `tandemctl --json display vrrp6`, keepalived's from its notify
# script, and the timings from the adverts captured on the bridge.
# Usage: vrrp6_keepalived_test.sh TANDEMD TANDEMCTL
IOP_TANDEMD=$1
IOP_TANDEMCTL=$2
# shellcheck source=scripts/interop/lib.sh
source "$(dirname "$0")/../../scripts/interop/lib.sh"
iop_require keepalived tcpdump tshark

TD_MAC=02:74:64:01:00:02 TD_LL=fe80::74:64ff:fe01:2
KA_MAC=02:74:64:01:00:12 KA_LL=fe80::74:64ff:fe01:12

iop_switch
iop_tandem_ns td
iop_ns_add ka
iop_switch_port td td0 "$TD_MAC"
nsx td ip link set td0 up
iop_switch_port ka ka0 "$KA_MAC"
iop_kernel_if ka ka0 2001:db8:1::12/64


cat >"$IOP_WORK/notify.sh" <<'SH'
#!/bin/sh
# keepalived notify: TYPE NAME STATE PRIORITY
echo "$3" > "$(dirname "$0")/ka.state"
SH
chmod 755 "$IOP_WORK/notify.sh"

ka_start() {  # ka_start PRIORITY
  cat >"$IOP_WORK/ka.conf" <<CFG
global_defs {
    router_id $IOP_P-ka
    vrrp_version 3
    script_user root
}
vrrp_instance tdi_v6_1 {
    state BACKUP
    interface ka0
    use_vmac ka0vmac
    virtual_router_id 1
    priority $1
    advert_int 1
    notify $IOP_WORK/notify.sh
    virtual_ipaddress {
        fe80::1/64
        2001:db8:1::1/64
    }
}
CFG
  rm -f "$IOP_WORK/ka.state"
  local n=0
  while [ -e "$IOP_WORK/ka.$n.log" ]; do n=$((n + 1)); done
  # -n: stay in the foreground (the PID is ours), -P: VRRP only, private PID files
  iop_bg "$IOP_WORK/ka.$n.log" ip netns exec "$(nsname ka)" keepalived -n -l -D -P \
    -f "$IOP_WORK/ka.conf" -p "$IOP_WORK/ka.pid" -r "$IOP_WORK/ka.vrrp.pid"
  KA_PID=$IOP_BG_PID
}
ka_state() { cat "$IOP_WORK/ka.state" 2>/dev/null || echo none; }
ka_is() { [ "$(ka_state)" = "$1" ]; }
td_is() { [ "$(tandem_vrrp_state td)" = "$1" ]; }

cap="$IOP_WORK/lan.pcap"
iop_cap_start sw br0 "$cap" ip6 proto 112

iop_log "1: tandem 120 vs keepalived 100"
iop_vrrp_tandem_config 120
iop_tandemd_start td "$IOP_WORK/td.cfg"
ka_start 100
iop_wait_for 15 "tandem Master (priority 120)" td_is Master
iop_wait_for 10 "keepalived BACKUP" ka_is BACKUP
sleep 3
td_is Master || iop_fail "tandem left Master: $(tandem_vrrp_state td)"
ka_is BACKUP || iop_fail "keepalived left BACKUP: $(ka_state)"
t_steady=$(now)

iop_log "2: tandemd SIGTERM -> keepalived takes over"
t_stop=$(now)
iop_stop "$IOP_TANDEMD_PID" TERM 5
iop_wait_for 5 "keepalived MASTER after tandem's priority 0" ka_is MASTER

iop_log "3: tandemd back with 120 -> preempts"
t_back=$(now)
iop_tandemd_start td "$IOP_WORK/td.cfg"
iop_wait_for 15 "tandem preempts keepalived" td_is Master
iop_wait_for 5 "keepalived BACKUP after tandem's preemption" ka_is BACKUP
t_pre=$(now)

iop_log "4: keepalived restarted with 200 -> preempts tandem"
iop_stop "$KA_PID" TERM 5
ka_start 200
iop_wait_for 15 "keepalived MASTER (priority 200)" ka_is MASTER
iop_wait_for 5 "tandem Backup under keepalived 200" td_is Backup
mp=$(tctl td --json display vrrp6 | iop_json_first master_priority)
[ "$mp" = 200 ] || iop_fail "tandem's master_priority is $mp, expected 200"
sleep 2
td_is Backup || iop_fail "tandem left Backup: $(tandem_vrrp_state td)"

iop_log "5: keepalived SIGTERM -> tandem takes over"
t_kstop=$(now)
iop_stop "$KA_PID" TERM 5
iop_wait_for 5 "tandem Master after keepalived's priority 0" td_is Master
sleep 1.5
iop_log "tandem's drop counters: $(iop_tandem_drops td | tr '\n' ' ')"
iop_cap_stop "$IOP_CAP_PID"

# --- the adverts on the wire -------------------------------------------------------------
adv="$IOP_WORK/adverts.tsv"
iop_vrrp_adverts "$cap" >"$adv"
[ -s "$adv" ] || iop_fail "no VRRP adverts captured"
# keepalived takes over within Skew_Time (0.61 s), well before Master_Down_Interval (3.6 s).
iop_check_election "$adv" "keepalived" "$KA_LL" "$t_steady" "$t_stop" "$t_back" "$t_pre" \
  "$t_kstop" 2.5
d2=$ELECT_PEER_TAKEOVER_S d5=$ELECT_TANDEM_TAKEOVER_S
grep -q "Master -> Initialize\|Master->Initialize" "$IOP_WORK"/tandemd-td.0.log ||
  iop_log "note: tandemd's log does not mention its resignation"
echo "PASS: tandem VRRP6 vs keepalived (takeover after priority 0: keepalived ${d2}s, tandem ${d5}s)"
