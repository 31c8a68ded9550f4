#!/usr/bin/env bash
# Failover and switchback of the hot-standby pair, measured at real Linux receivers:
#  - SIGKILL of r1 -> BFD (10 ms x 3) on r2 goes Down, VRRP6 `track bfd-session 20 peer`
#    makes r2 Master at once, r2 forwards with the groups it already holds: every receiver
#    resumes with an interruption <= 500 ms and no group is lost; r2's BFD and VRRP6 show
#    why;
#  - r1 comes back -> resynchronises from r2 (digests equal), takes over after the preempt
#    delay, no group lost, r2 goes back to Backup and stops forwarding.
# Both flavours of the reference procedure run in the same lab, one after the other
# (for_each_flavour, SYS_FLAVOURS, default "common admin"; see scripts/lab/lib.sh lab_flavour): in the admin
# flavour BFD drives r2's mVRRP6 (vrid 2), and the service group vrid 1, the RBP and the
# multicast gate follow it; flowdown (docs/configuration.md) keeps r2's service interface
# silent while its mVRRP6 is Backup: no MLD query, no data, yet r1's groups from the RBS in
# `display mld group`; on taking over it sends a general query at once.
source "$(dirname "$0")/lib.sh"
require_root_netns
require_tandemd

export TANDEM_LAB_PREEMPT_S=${TANDEM_LAB_PREEMPT_S:-4}
LIMIT_MS=${SYS_FAILOVER_LIMIT_MS:-500}

# sum of the MLD queries a port_watch report saw, whatever their source MAC
watch_queries() { echo "$1" | jq '[.mld_query[]] | add // 0'; }

# Admin flavour, r2's mVRRP6 Backup: flowdown holds the service interface ge0 (no query since
# the watch started, no data) while the MLD engine there still takes r1's records.
check_flowdown_backup() {
  [ "$(elect_state r2)" = Backup ] || fail "r2's mVRRP6 is $(elect_state r2), not Backup"
  local w2
  w2=$(report watch-r2)
  echo "$w2" | jq -e '.data_total == 0' >/dev/null || fail "r2 forwards under flowdown: $w2"
  [ "$(watch_queries "$w2")" -eq 0 ] || fail "r2 sent MLD queries under flowdown: $w2"
  has_group r2 "$G1" && has_group r2 "$G2" && has_group r2 "$G3" ||
    fail "r2 lacks replicated groups under flowdown: <$(mld_table r2)>"
  jctl r2 display mld group | jq -e '[.groups[].origin] | all(. == "backup")' >/dev/null ||
    fail "r2's groups under flowdown are not all from the RBS"
  pass "flowdown: r2 (mVRRP6 Backup) sent no MLD query and no data; holds $(mld_count r2) groups from r1"
}

failover_and_switchback() {
  start_pair
  start_watch r2
  start_sender 1000
  start_default_receivers
  wait_until 5 "r1 has the three groups" eval \
    'has_group r1 $G1 && has_group r1 $G2 && has_group r1 $G3'
  wait_until 2 "digests equal" digests_equal
  check_no_flap "after the joins"
  before=$(mld_table r2)
  if [ "$TANDEM_LAB_FLAVOUR" = admin ]; then check_flowdown_backup; fi
  sleep 1.5
  for r in recv-h1 recv-h2 recv-h3; do reset_counters "$r"; done
  sleep 0.5

  killed=$(now)
  lab_stop tandemd-r1 KILL 2
  say "r1 SIGKILLed"
  wait_until 2 "r2 VRRP6 Master" is_state r2 Master
  is_state r2 Master && [ "$(elect_state r2)" = Master ] ||
    fail "r2's electing group vrid $(lab_elect_vrid) is $(elect_state r2), the service group $(vrrp_state r2)"
  if [ "$TANDEM_LAB_FLAVOUR" = admin ]; then
    # flowdown released: the general query goes out with the takeover, not a QI later
    wait_until 1 "r2 sent a general query after taking over" \
      eval '[ "$(watch_queries "$(report watch-r2)")" -ge 1 ]'
  fi
  sleep 2
  after=$(mld_table r2)
  [ "$before" = "$after" ] || fail "r2's groups changed: before <$before> after <$after>"
  bfd_field r2 state | grep -x -e Down -e Init >/dev/null || fail "r2's BFD session is $(bfd_field r2 state)"
  reason=$(bfd_field r2 session_not_up_reason)
  vreason=$(vrrp_field r2 last_change_reason)
  say "r2 BFD: $(bfd_field r2 state), reason '$reason'; VRRP6 Master, reason '$vreason'"
  [ -n "$reason" ] && [ "$reason" != -- ] && [ "$reason" != null ] ||
    check_later "r2's BFD shows no Session Not Up Reason"
  [ -n "$vreason" ] && [ "$vreason" != -- ] && [ "$vreason" != null ] ||
    check_later "r2's VRRP6 shows no Last Change Reason"

  worst=0
  for r in recv-h1 recv-h2 recv-h3; do
    rep=$(report "$r")
    say "$r after the kill: $(echo "$rep" | jq -c "{lost, interruption_ms, max_gap_ms, dups}")"
    gap=$(interruption_ms "$rep")
    echo "$rep" | jq -e '[.groups[] | .last_rx_age_ms < 200] | all' >/dev/null ||
      fail "$r has not resumed: $rep"
    fgt "$gap" "$LIMIT_MS" && fail "$r: interruption $gap ms > $LIMIT_MS ms"
    fgt "$gap" "$worst" && worst=$gap
  done
  pass "failover ($TANDEM_LAB_FLAVOUR): longest interruption $worst ms, no group lost"

  # r1 returns: resync from r2, preempt after the delay
  lab_router_start r1
  lab_wait_ctl r1 30 || fail "r1 did not restart"
  wait_until 15 "RBS connected again" rbs_connected r2
  wait_until 5 "r1 resynchronised (digests equal)" digests_equal
  [ "$(mld_table r1)" = "$before" ] || fail "r1's table after resync <$(mld_table r1)> != <$before>"
  wait_until $((TANDEM_LAB_PREEMPT_S + 8)) "r1 Master again (preempt delay ${TANDEM_LAB_PREEMPT_S} s)" \
    is_state r1 Master
  wait_until 3 "r2 Backup again" is_state r2 Backup
  sleep 1.5
  lab_stop watch-r2 TERM 3
  r2_last=$(jq -r '[.groups[].last] | max // 0' "$LAB_STATE/watch-r2.json")
  fgt "$(fsub "$(now)" "$r2_last")" 1.0 || fail "r2 still forwards after switchback"
  [ "$(mld_table r1)" = "$before" ] || fail "groups lost on switchback: <$(mld_table r1)>"
  worst=0
  for r in recv-h1 recv-h2 recv-h3; do
    rep=$(report "$r")
    echo "$rep" | jq -e '[.groups[] | .last_rx_age_ms < 200] | all' >/dev/null ||
      fail "$r stopped receiving after switchback: $rep"
    gap=$(interruption_ms "$rep")
    fgt "$gap" "$worst" && worst=$gap
    # Both routers may forward during at most one advertisement interval (1 s) of the
    # switchback: at 1,000 packets/s per group that is at most 1,000 duplicates per group.
    dups=$(echo "$rep" | jq '.dups')
    ngroups=$(echo "$rep" | jq '.groups | length')
    [ "$dups" -le $((1000 * ngroups)) ] ||
      fail "$r received $dups duplicates: more than one advertisement interval of double forwarding"
    say "$r duplicates over the whole run: $dups"
  done
  pass "switchback ($TANDEM_LAB_FLAVOUR): r1 Master with all groups; longest interruption over the whole run $worst ms"
}

lab_up
for_each_flavour failover_and_switchback
finish_checks
