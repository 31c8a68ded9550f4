#!/usr/bin/env bash
# Two tandemd routers in hot standby, real Linux hosts as listeners:
#  - hosts join (MLDv2 ASM, MLDv2 SSM, MLDv1) -> the stream reaches them through r1 only;
#    r2 (VRRP6 Backup) puts no data on the LAN;
#  - r2's group table equals r1's (RBS digest) within 1 s of the join burst;
#  - the only listener of a group leaves -> r1 stops that group within LLQT + 1 s
#    (LLQT = last listener query interval 1 s x count 2), the others keep flowing;
#  - the digests are equal again within 1 s of the leave taking effect;
#  - a burst: two hosts join 16 more groups at once (RFC 3678 MCAST_JOIN_GROUP), then all
#    leave at once: r2's digest equals r1's within 1 s of r1's table settling each time.
source "$(dirname "$0")/lib.sh"
require_root_netns
require_tandemd

lab_up
start_pair
start_watch r1
start_watch r2
start_sender 500
start_default_receivers

wait_until 5 "r1 has the three groups" eval \
  'has_group r1 $G1 && has_group r1 $G2 && has_group r1 $G3'
wait_until 1 "r2's digest equals r1's after the joins" digests_equal
check_no_flap "after the joins"
[ "$(mld_table r1)" = "$(mld_table r2)" ] ||
  fail "tables differ: r1 <$(mld_table r1)> r2 <$(mld_table r2)>"
jctl r2 display mld group | jq -e '[.groups[].origin] | all(. == "backup")' >/dev/null ||
  fail "r2's groups are not all origin backup: $(jctl r2 display mld group | jq -c "[.groups[] | {group, origin}]"); r2 VRRP6 $(vrrp_state r2), transitions $(vrrp_field r2 transitions)"
pass "r2 holds r1's table: $(mld_table r2 | tr '\n' ';')"

sleep 2
for r in recv-h1 recv-h2 recv-h3; do
  report "$r" | jq -e '[.groups[] | .received > 100] | all' >/dev/null ||
    fail "$r does not receive: $(cat "$LAB_STATE/$r.json")"
done
w1=$(report watch-r1)
w2=$(report watch-r2)
echo "$w1" | jq -e '.data_total > 0' >/dev/null || fail "no data from r1 on the LAN"
echo "$w2" | jq -e '.data_total == 0' >/dev/null || fail "r2 (Backup) forwards: $w2"
echo "$w1" | jq -e '[.groups[].hop_limit] | all(. == 15)' >/dev/null ||
  fail "hop limit not decremented once: $w1"
pass "stream via r1 only (r1 $(echo "$w1" | jq .data_total) frames, r2 0)"

# h3 (MLDv1, the only listener of G3) leaves: Done -> last listener queries -> G3 stops
left=$(now)
lab_stop recv-h3 TERM 5
wait_until 4 "r1 removed G3 after the Done" lacks_group r1 "$G3"
wait_until 1 "r2's digest equals r1's after the leave" digests_equal
lacks_group r2 "$G3" || fail "r2 still has G3"
sleep 1.5
w1=$(report watch-r1)
last=$(echo "$w1" | jq -r ".groups[\"$G3\"].last")
stop_s=$(fsub "$last" "$left")
fgt "$stop_s" 3.0 && fail "G3 still forwarded ${stop_s} s after the leave (limit LLQT + 1 s = 3 s)"
g1_last=$(echo "$w1" | jq -r ".groups[\"$G1\"].last")
fgt "$(fsub "$(now)" "$g1_last")" 1.0 && fail "G1 stopped too"
pass "G3 stopped ${stop_s} s after the leave; G1/G2 go on"
jctl r2 display remote-backup-service verbose | jq -c '.services[0]'

# join/leave bursts
burst=()
for i in $(seq 256 271); do burst+=("ff05::db8:$(printf %x "$i")"); done
start_burst() {
  lab_spawn "$1" "$2" "$PY" "$LAB_TOOLS/mcast_recv.py" -i tdm-eth0 -p "$MCAST_PORT" \
    --api rfc3678 --name "$1" --json "$LAB_STATE/$1.json" "${burst[@]}"
}
start_burst burst-h1 h1
start_burst burst-h2 h2
wait_until 5 "r1 has the 16 burst groups" eval '[ "$(group_count r1)" -eq 18 ]'
wait_until 1 "digests equal after the join burst" digests_equal
[ "$(mld_table r1)" = "$(mld_table r2)" ] || fail "tables differ after the join burst"
lab_stop burst-h1 TERM 5
lab_stop burst-h2 TERM 5
wait_until 6 "r1 dropped the 16 burst groups" eval '[ "$(group_count r1)" -eq 2 ]'
wait_until 1 "digests equal after the leave burst" digests_equal
[ "$(mld_table r1)" = "$(mld_table r2)" ] || fail "tables differ after the leave burst"
pass "join/leave bursts of 16 groups mirrored on r2"
check_no_flap "during the test"
