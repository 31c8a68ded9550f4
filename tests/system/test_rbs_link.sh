#!/usr/bin/env bash
# The RBS link (the dedicated r1-r2 veth, kernel TCP) is cut while both routers stay up:
#  - forwarding does not change: r1 stays Master and keeps forwarding, r2 stays Backup and
#    forwards nothing, receivers see no interruption;
#  - a group joined during the cut is on r1 only;
#  - the link comes back -> the RBS reconnects and the digests are equal again, r2 holds the
#    group joined during the cut.
# Both flavours of the reference procedure run in the same lab, one after the other
# (for_each_flavour, SYS_FLAVOURS, default "common admin"; see scripts/lab/lib.sh lab_flavour).
source "$(dirname "$0")/lib.sh"
require_root_netns
require_tandemd

rbs_flap() {
  start_pair
  start_watch r2
  start_sender 500
  start_receiver recv-h1 h1 "$G1"
  start_receiver recv-h2 h2 "$G2@$SRC_ADDR"
  wait_until 5 "r1 has G1 and G2" eval 'has_group r1 $G1 && has_group r1 $G2'
  wait_until 2 "digests equal" digests_equal
  check_no_flap "after the joins"
  sleep 1
  for r in recv-h1 recv-h2; do reset_counters "$r"; done

  nsx r1 ip link set tdm-rbs down
  nsx r2 ip link set tdm-rbs down
  say "RBS link cut"
  sleep 1
  start_receiver recv-h3 h3 "$G3"
  wait_until 5 "r1 has G3 (joined during the cut)" has_group r1 "$G3"
  sleep 2
  is_state r1 Master || fail "r1 left Master: $(vrrp_state r1)"
  is_state r2 Backup || fail "r2 left Backup: $(vrrp_state r2)"
  lacks_group r2 "$G3" || fail "r2 got G3 without the RBS"
  for r in recv-h1 recv-h2; do
    rep=$(report "$r")
    say "$r during the cut: $(echo "$rep" | jq -c '{lost, interruption_ms, max_gap_ms}')"
    echo "$rep" | jq -e '.interruption_ms < 50 and
        ([.groups[] | .last_rx_age_ms < 200] | all)' >/dev/null || fail "$r disturbed: $rep"
  done
  report recv-h3 | jq -e '.groups[] | .received > 0' >/dev/null || fail "h3 gets nothing"
  report watch-r2 | jq -e '.data_total == 0' >/dev/null || fail "r2 forwarded during the cut"
  check_no_flap "during the RBS cut"
  pass "cut ($TANDEM_LAB_FLAVOUR): forwarding unchanged (r1 Master, r2 Backup and silent)"

  nsx r1 ip link set tdm-rbs up
  nsx r2 ip link set tdm-rbs up
  say "RBS link restored"
  wait_until 20 "RBS connected again" rbs_connected r1
  wait_until 5 "digests equal again" digests_equal
  has_group r2 "$G3" || fail "r2 lacks G3 after the resync"
  [ "$(mld_table r1)" = "$(mld_table r2)" ] || fail "tables differ after the resync"
  pass "($TANDEM_LAB_FLAVOUR) reconnected and resynchronised: $(mld_table r2 | tr '\n' ';')"
}

lab_up
for_each_flavour rbs_flap
