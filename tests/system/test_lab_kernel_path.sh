#!/usr/bin/env bash
# The lab and its traffic tools, without tandemd: r1's kernel bridges its two data veths,
# a plain L2 path from the source to the downstream LAN. Checks that
#  - the lab comes up with the promised namespaces and the MLDv1 host,
#  - receivers joined through the kernel (ASM classic, SSM RFC 3678, MLDv1) count exactly
#    what the sender sent, and an SSM join for another source gets nothing,
#  - a 300 ms cut of the path shows up as an interruption of about 300 ms and the matching
#    number of lost packets (the measurement the failover figures rely on),
#  - the switch-port watcher sees the stream on r1's port and nothing on r2's,
#  - `down` removes every namespace.
source "$(dirname "$0")/lib.sh"
require_root_netns

lab_up
for n in src sw r1 r2 h1 h2 h3; do
  ip netns list | awk '{print $1}' | grep -x "$P-$n" >/dev/null || fail "namespace $P-$n missing"
done
[ "$(nsx h3 cat /proc/sys/net/ipv6/conf/tdm-eth0/force_mld_version)" = 1 ] || fail "h3 is not MLDv1"
[ "$(nsx r1 cat /proc/sys/net/ipv6/conf/tdm-down/disable_ipv6)" = 1 ] || fail "r1 tdm-down has IPv6"
[ "$(nsx sw cat /sys/class/net/tdm-bdn/bridge/multicast_snooping)" = 0 ] || fail "snooping on"
nsx r1 ip -6 addr show dev tdm-rbs | grep "2001:db8:10::1/64" >/dev/null || fail "r1 RBS address missing"
pass "lab up"

lab_kernel_path on
RATE=500
start_receiver recv-h1 h1 "$G1"
start_receiver recv-h2 h2 "$G1" "$G2@$SRC_ADDR" "$G3@2001:db8:100::99"
start_receiver recv-h3 h3 "$G3"
start_watch r1
start_watch r2
sleep 1
start_sender "$RATE"
sleep 2
cut_at=$(now)
nsx r1 ip link set tdm-down down
sleep 0.3
nsx r1 ip link set tdm-down up
sleep 2
lab_stop sender TERM 5
sleep 0.5
sent=$(jq -r ".sent[\"$G1\"]" "$LAB_STATE/sender.json")
say "sender: $(cat "$LAB_STATE/sender.json")"
for r in recv-h1 recv-h2 recv-h3; do
  final_report "$r" >/dev/null
  say "$r: $(jq -c '{received, lost, dups, interruption_ms, max_gap_ms}' "$LAB_STATE/$r.json")"
done
h1=$LAB_STATE/recv-h1.json h2=$LAB_STATE/recv-h2.json h3=$LAB_STATE/recv-h3.json

# every packet sent is accounted for: received + lost across the cut = sent
for f in "$h1" "$h2" "$h3"; do
  jq -e --argjson sent "$sent" '[.groups[] | select(.received > 0)] |
      all(.first_seq == 1 and .last_seq == $sent and .unique + .lost == $sent and .dups == 0)' \
    "$f" >/dev/null || fail "$(basename "$f"): counts do not add up to $sent"
done
jq -e ".groups[\"$G3@2001:db8:100::99\"].received == 0" "$h2" >/dev/null ||
  fail "SSM join for another source received data"
jq -e ".groups[\"$G2@$SRC_ADDR\"].received > 0" "$h2" >/dev/null || fail "SSM join got nothing"
jq -e '.mld == "v1"' "$h3" >/dev/null || fail "h3 did not report MLDv1"
pass "counts add up (sent $sent per group)"

# the 300 ms cut: interruption between 250 and 800 ms, losses near 0.3 s x rate
for f in "$h1" "$h2" "$h3"; do
  jq -e --argjson at "$cut_at" '[.groups[] | select(.received > 0) |
      .interruption_ms >= 250 and .interruption_ms <= 800 and .max_gap_ms >= 250 and
      .interruption_at >= $at - 0.5 and .interruption_at <= $at + 0.5] | all' \
    "$f" >/dev/null ||
    fail "$(basename "$f"): cut not measured right: $(jq -c '{interruption_ms, max_gap_ms, lost}' "$f")"
  jq -e --argjson r "$RATE" '[.groups[] | select(.received > 0) | .lost] |
      all(. >= 0.2 * $r and . <= 0.8 * $r)' "$f" >/dev/null ||
    fail "$(basename "$f"): lost packets do not match a 300 ms cut"
done
pass "300 ms cut measured: $(jq -r .interruption_ms "$h1") ms, $(jq -r .lost "$h1") packets"

lab_stop watch-r1 TERM 5
lab_stop watch-r2 TERM 5
jq -e '.data_total > 0 and (.groups | length) == 3' "$LAB_STATE/watch-r1.json" >/dev/null ||
  fail "watcher saw no stream on r1's port"
jq -e '.data_total == 0' "$LAB_STATE/watch-r2.json" >/dev/null || fail "data on r2's port"
pass "port watchers: r1 $(jq -r .data_total "$LAB_STATE/watch-r1.json") frames, r2 none"

lab_down 2>/dev/null
if ip netns list | awk '{print $1}' | grep "^$P-" >/dev/null; then fail "namespaces left after down"; fi
pass "down removed everything"
