#!/usr/bin/env bash
# tandem BFD against FRR bfdd (RFC 5880/5881, single hop over IPv6, 10 ms x 3); topology in
# scripts/interop/bfd_lib.sh.
#
#  1. the session comes Up at both ends; tandem learns FRR's (random) discriminator, FRR
#     learns tandem's (10) and its 10 ms / 10 ms / x3; tandem transmits at 10 ms once Up
#  2. bfdd SIGKILLed -> tandem's session Down with diag 1 (Control Detection Time Expired)
#     within the detection time: measured from the capture (FRR's last packet -> tandem's
#     first Down packet, ~30 ms) and by polling tandemctl every 5 ms after the kill
#  3. bfdd restarted (new discriminator) -> Up again, the new discriminator learnt
#  4. tandemd SIGTERM -> AdminDown (diag 7): FRR's peer goes down at once
# Usage: bfd_frr_test.sh TANDEMD TANDEMCTL [global|linklocal]  (peer addresses, default global)
IOP_TANDEMD=$1
IOP_TANDEMCTL=$2
BFD_PEERS=${3:-global}
here="$(dirname "$0")/../../scripts/interop"
# shellcheck source=scripts/interop/lib.sh
source "$here/lib.sh"
# shellcheck source=scripts/interop/bfd_lib.sh
source "$here/bfd_lib.sh"
bfd_require
bfd_topology
bfd_tandem_config
bfd_frr_configs
cap="$IOP_WORK/bfd.pcap"
iop_cap_start fr fr0 "$cap" udp port 3784 or icmp6

iop_log "1: tandemd + FRR bfdd, session Up"
IOP_TANDEMD_SCHED=$IOP_BFD_SCHED iop_tandemd_start td "$IOP_WORK/td.cfg"
IOP_LOGS+=("$IOP_WORK/td.cfg")
bfd_zebra_start
bfd_bfdd_start
iop_wait_for 20 "BFD Up at both ends with each other's discriminators" bfd_both_up
first_frr=$(frr_peer | cut -d' ' -f2)
sleep 2
bfd_both_up || iop_fail "session did not stay Up: tandem $(td_bfd), FRR $(frr_peer)"
verbose=$(tctl td --json display bfd session all for-ipv6 verbose)
read -r atx flaps <<<"$(echo "$verbose" | iop_json_first actual_tx_interval_ms flaps)"
[ "$atx" = 10 ] || iop_fail "tandem transmits every $atx ms once Up, expected 10"
# no flap in steady state -- guaranteed only with real-time scheduling on a loaded machine
if [ "$flaps" != 0 ]; then
  case $IOP_BFD_SCHED in
    chrt*) iop_fail "session flapped $flaps times in steady state" ;;
    *) iop_log "warning: $flaps flaps in steady state under '$IOP_BFD_SCHED'" ;;
  esac
fi
# what FRR learnt from tandem's packets (RFC 5880 4.1 fields)
fr_view=$(frr_peer_field remote-receive-interval remote-transmit-interval remote-detect-multiplier)
[ "$fr_view" = "10 10 3" ] ||
  iop_fail "FRR sees tandem's rx/tx/multiplier as '$fr_view', expected '10 10 3'"

iop_log "2: SIGKILL bfdd"
disown "$BFDD_PID"  # no "Killed" job notice; cleanup still stops it by PID
poll=$("$PY" "$here/bfd_kill_poll.py" "$IOP_TANDEMCTL" "$IOP_WORK/td.sock" "$BFDD_PID" 5) ||
  iop_fail "kill/poll: $poll"
poll_ms=$(echo "$poll" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["poll_ms"])')
t_kill=$(echo "$poll" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["t_kill"])')
reason=$(echo "$poll" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["reason"])')
echo "$reason" | grep -qi "detect" || iop_fail "session went down for '$reason', expected detection time expiry"
grep -q "Up -> Down (.*diag Control Detection Time Expired)" "$IOP_TANDEMD_LOG" ||
  iop_fail "no 'Up -> Down (... diag Control Detection Time Expired)' line in tandemd's log"
flt "$poll_ms" 1000 || iop_fail "tandem reported Down ${poll_ms} ms after the kill"

iop_log "3: bfdd restarted"
bfd_bfdd_start
iop_wait_for 20 "BFD Up again after bfdd's restart" bfd_both_up
second_frr=$(frr_peer | cut -d' ' -f2)
[ "$second_frr" != "$first_frr" ] || iop_log "note: FRR reused discriminator $first_frr"

iop_log "4: tandemd SIGTERM -> AdminDown at FRR"
iop_stop "$IOP_TANDEMD_PID" TERM 5
fr_admin() { [ "$(frr_peer_field status remote-diagnostic)" = "down administratively down" ]; }
iop_wait_for 3 "FRR: peer down, remote diagnostic 'administratively down'" fr_admin
iop_cap_stop "$IOP_CAP_PID"

# tandem's first Down (diag 1) after the kill, and the detection time the capture gives it
det=$("$PY" "$here/bfd_detect_times.py" "$cap" "$TD_BFD_SRC" | awk -v k="$t_kill" '$1 >= k { print; exit }')
[ -n "$det" ] || iop_fail "no Up -> Down (diag 1) from tandem in the capture after the kill"
det_ms=$(echo "$det" | awk '{print $2}')
# 3 x 10 ms from FRR's last packet; a loose upper bound for a shared 2-core machine
flt 20 "$det_ms" && flt "$det_ms" 200 ||
  iop_fail "detection time ${det_ms} ms (capture), expected ~30 ms (3 x 10 ms)"
# FRR's packets at 10 ms while Up: > 100 packets/s from both sides around the kill
n=$(tshark -r "$cap" -Y "bfd && ipv6.src == $TD_BFD_SRC && bfd.sta == 3" 2>/dev/null | wc -l)
[ "$n" -ge 150 ] || iop_fail "only $n Up packets from tandem in ~3 s at 10 ms"
echo "PASS: tandem BFD vs FRR bfdd, $BFD_PEERS addresses (detection ${det_ms} ms in the capture, Down seen ${poll_ms} ms after the kill by polling)"
