#!/usr/bin/env bash
# Split brain (issue #9 part 4): everything between r1 and r2 is cut -- the RBS veth down and
# r1's and r2's ports on the downstream bridge isolated from each other -- while the hosts
# still reach both routers.
#  - both become Master (r2 through its peer BFD track, r1 stays) and both forward: receivers
#    get every packet twice (measured); nothing between the routers gets through, so there is
#    nothing to detect yet and no alarm;
#  - a host joins a new group during the split: both routers learn it;
#  - round 1, the RBS comes back first: each router sees the other Master on the RBS and
#    raises the alarm one Master_Down_Interval later (gauge 1 on both); then the LAN comes
#    back and VRRP6 resolves it (RFC 5798 6.4.3);
#  - round 2, the RBS and the LAN come back together: the first adverts resolve it, and the
#    alarm is raised as an event (advert evidence) and cleared at once;
#  - after each round: the alarm cleared, exactly one Master and in the end r1 (priority 120
#    once its BFD is Up again, after its preempt delay), the RBS reconnected, digests equal, r2
#    holds the group joined during the split, no more duplicates;
#  - last, a failover (SIGKILL of r1) and switchback raise no alarm.
source "$(dirname "$0")/lib.sh"
require_root_netns
require_tandemd

export TANDEM_LAB_PREEMPT_S=${TANDEM_LAB_PREEMPT_S:-2}
G4=ff05::db8:4 # joined during round 2
SB='{interface="ge0",vrid="1"}'

masters() {
  local n=0 r
  for r in r1 r2; do is_state "$r" Master && n=$((n + 1)); done
  echo "$n"
}
one_master() { [ "$(masters)" = 1 ]; }
alarm() { [ "$(vrrp_field "$1" split_brain)" = true ]; }
no_alarm() { ! alarm r1 && ! alarm r2; }
events_total() { echo $(($(vrrp_field r1 split_brain_events) + $(vrrp_field r2 split_brain_events))); }
events_above() { [ "$(events_total)" -gt "$1" ]; }
since() { fsub "$(now)" "$1"; }

lab_up
start_pair
start_watch r2
start_sender 500 "$G4"
start_receiver recv-h1 h1 "$G1"
start_receiver recv-h2 h2 "$G2@$SRC_ADDR"
wait_until 5 "r1 has G1 and G2" eval 'has_group r1 $G1 && has_group r1 $G2'
wait_until 2 "digests equal" digests_equal
no_alarm || fail "split-brain alarm in the steady state"
[ "$(events_total)" = 0 ] || fail "split-brain events in the steady state: $(events_total)"
[ "$(metric r1 "tandem_vrrp6_split_brain$SB")" = 0 ] || fail "r1 gauge not 0 in the steady state"
sleep 1

FIGURES=()
# split_round N GROUP rbs-first|together
split_round() {
  local round=$1 group=$2 order=$3 r rep
  for r in recv-h1 recv-h2; do reset_counters "$r"; done
  local ev0 cut_at
  ev0=$(events_total)
  routers_isolated on
  rbs_link down
  cut_at=$(now)
  say "round $round: r1 and r2 cut from each other (bridge ports isolated, RBS veth down)"
  wait_until 3 "r2 Master (its peer BFD session went Down)" is_state r2 Master
  is_state r1 Master || fail "r1 left Master during the split: $(vrrp_state r1)"
  start_receiver "recv-h3-$round" h3 "$group"
  wait_until 10 "both routers learned $group (joined during the split)" \
    eval 'has_group r1 $group && has_group r2 $group'
  sleep 2
  [ "$(masters)" = 2 ] || fail "not both Master during the split: r1 $(vrrp_state r1), r2 $(vrrp_state r2)"
  no_alarm || fail "alarm raised although nothing between the routers gets through"
  local dups=0 d
  for r in recv-h1 recv-h2; do
    rep=$(report "$r")
    d=$(echo "$rep" | jq '.dups')
    dups=$((dups + d))
  done
  local split_s
  split_s=$(since "$cut_at")
  [ "$dups" -gt 0 ] || check_later "round $round: no duplicates with two forwarding Masters"
  say "round $round: both Master for ${split_s} s: $dups duplicates at h1+h2 (2 groups at 500 pps)"
  FIGURES+=("round $round: duplicates during the split $dups in ${split_s} s")

  local restore_at
  if [ "$order" = rbs-first ]; then
    rbs_link up
    wait_until 25 "RBS connected while both are Master" rbs_connected r1
    local rbs_at
    rbs_at=$(now)
    wait_until 10 "alarm raised on both (the RBS peer is Master too)" eval 'alarm r1 && alarm r2'
    local to_alarm
    to_alarm=$(since "$rbs_at")
    for r in r1 r2; do
      [ "$(vrrp_field "$r" split_brain_evidence)" = rbs_peer_master ] ||
        fail "$r evidence $(vrrp_field "$r" split_brain_evidence)"
      [ "$(metric "$r" "tandem_vrrp6_split_brain$SB")" = 1 ] || fail "$r gauge is not 1"
    done
    lab_ctl r1 display vrrp6 | grep -E "Split Brain +: YES \(rbs_peer_master\)" >/dev/null ||
      fail "display vrrp6 on r1 does not show the alarm: $(lab_ctl r1 display vrrp6)"
    grep -q "split brain: another router is Master" "$LAB_STATE/logs/tandemd-r1.log" ||
      fail "r1 logged no split-brain line"
    FIGURES+=("round $round: RBS connected -> alarm on both ${to_alarm} s")
    routers_isolated off
    restore_at=$(now)
    say "round $round: LAN restored"
  else
    routers_isolated off
    rbs_link up
    restore_at=$(now)
    say "round $round: LAN and RBS restored together"
    wait_until 10 "split-brain event" events_above "$ev0"
    FIGURES+=("round $round: restore -> alarm event $(since "$restore_at") s")
  fi
  wait_until 5 "exactly one Master" one_master
  local to_single
  to_single=$(since "$restore_at")
  wait_until $((TANDEM_LAB_PREEMPT_S + 15)) "r1 Master (BFD Up again, preempt delay)" \
    eval 'is_state r1 Master && is_state r2 Backup'
  local to_r1
  to_r1=$(since "$restore_at")
  FIGURES+=("round $round: restore -> one Master ${to_single} s, -> r1 Master ${to_r1} s")
  wait_until 10 "alarm cleared on both" no_alarm
  events_above "$ev0" || fail "round $round: no split-brain event"
  for r in r1 r2; do
    [ "$(metric "$r" "tandem_vrrp6_split_brain$SB")" = 0 ] || fail "$r gauge is not 0 after"
  done
  wait_until 25 "RBS connected" rbs_connected r1
  wait_until 10 "digests equal" digests_equal
  has_group r2 "$group" || fail "r2 lacks $group after the resync"
  [ "$(mld_table r1)" = "$(mld_table r2)" ] || fail "tables differ: <$(mld_table r1)> <$(mld_table r2)>"
  # The switchback to r1 is a preemption with BFD Up: no new event.
  local ev1
  ev1=$(events_total)
  sleep 1
  for r in recv-h1 recv-h2 "recv-h3-$round"; do reset_counters "$r"; done
  sleep 2
  [ "$(events_total)" = "$ev1" ] || fail "split-brain event without a split"
  for r in recv-h1 recv-h2 "recv-h3-$round"; do
    rep=$(report "$r")
    echo "$rep" | jq -e '.dups == 0 and ([.groups[] | .last_rx_age_ms < 200] | all)' >/dev/null ||
      fail "$r after round $round: $(echo "$rep" | jq -c '{dups, lost, groups: [.groups[] | {received, dups, last_rx_age_ms}]}')"
  done
  pass "round $round ($order): one Master (r1), alarm cleared ($(events_total) events so far)," \
    "digests equal, r2 has $group, no duplicates"
}

split_round 1 "$G3" rbs-first
split_round 2 "$G4" together

# A failover and switchback is no split brain: r2 takes over from a dead r1, and the restarted
# r1 preempts only after hearing r2 (as a Backup) with BFD Up.
r2_events=$(vrrp_field r2 split_brain_events)
lab_stop tandemd-r1 KILL 2
wait_until 2 "r2 Master after SIGKILL of r1" is_state r2 Master
lab_router_start r1
lab_wait_ctl r1 30 || fail "r1 did not restart"
wait_until 20 "RBS connected again" rbs_connected r2
wait_until 10 "digests equal" digests_equal
wait_until $((TANDEM_LAB_PREEMPT_S + 10)) "r1 Master again (preempt)" \
  eval 'is_state r1 Master && is_state r2 Backup'
sleep 1
[ "$(vrrp_field r2 split_brain_events)" = "$r2_events" ] && [ "$(vrrp_field r1 split_brain_events)" = 0 ] ||
  fail "failover/switchback counted as split brain: r1 $(vrrp_field r1 split_brain_events)," \
    "r2 $(vrrp_field r2 split_brain_events) (was $r2_events)"
pass "failover and switchback: no split-brain event"
r1_events=$(metric r1 "tandem_vrrp6_split_brain_events_total$SB")
r2_events=$(metric r2 "tandem_vrrp6_split_brain_events_total$SB")
[ "$((r1_events + r2_events))" = "$(events_total)" ] || fail "metrics and display disagree"
for f in "${FIGURES[@]}"; do say "figure: $f"; done
say "events: r1 $r1_events (since its restart), r2 $r2_events"
finish_checks
pass "split brain detected, resolved by VRRP6 and resynchronised from the Master, twice"
