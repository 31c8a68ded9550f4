#!/usr/bin/env bash
# RBS peer authentication between two real tandemd processes over loopback TCP
# (::ffff:127.0.0.1 <-> ::ffff:127.0.0.2, net_null vdevs): the same authentication-key
# connects; a reload to another key on one side is refused and counted on both (display,
# JSON, Prometheus) with the reason in the log; the key never appears in any log, display or
# metric; restoring the key reconnects. Needs root (DPDK); run under the DPDK lock.
# Usage: tandemd_rbs_auth_test.sh TANDEMD TANDEMCTL
set -euo pipefail
tandemd=$1
tandemctl=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for DPDK"; exit 77; }

dir=$(mktemp -d /tmp/tandem-rbs-auth-test.XXXXXX)
declare -A pid=()
fail() {
  echo "FAIL: $*" >&2
  for n in a b; do [ -f "$dir/$n.log" ] && sed "s/^/  tandemd-$n| /" "$dir/$n.log" >&2; done
  exit 1
}
cleanup() {
  for n in "${!pid[@]}"; do
    kill -0 "${pid[$n]}" 2>/dev/null && kill -KILL "${pid[$n]}" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT

rbs_port=$(( 20000 + RANDOM % 20000 ))
KEY=Daemon-Shared-Key-1
WRONG=Another-Key-Entirely

write_config() {  # write_config FILE SELF PEER METRICS-PORT KEY-LINE
  cat > "$1" <<CFG
remote-backup-service rbs1
 peer-ipv6 $3 source-ipv6 $2 port $rbs_port
 $5
quit
interface ge0
 device net_null0
 ipv6 address 2001:db8:1::2/64
quit
metrics listen ::1 $4
CFG
}

start() {  # start NAME CONFIG
  local n=$1
  "$tandemd" --config "$2" --socket "$dir/$n.sock" -- --no-huge --no-shconf -l 0 -m 256 \
    --file-prefix "tandem-rbs-auth-$n-$$" > "$dir/$n.log" 2>&1 &
  pid[$n]=$!
  for _ in $(seq 100); do
    [ -S "$dir/$n.sock" ] && return 0
    kill -0 "${pid[$n]}" 2>/dev/null || fail "tandemd $n exited"
    sleep 0.1
  done
  fail "tandemd $n: no CLI socket after 10 s"
}
ctl() { local n=$1; shift; "$tandemctl" --socket "$dir/$n.sock" "$@"; }
field() { ctl "$1" --json display remote-backup-service rbs1 verbose |
  python3 -c "import json,sys; s=json.load(sys.stdin)['services'][0]; print(eval(sys.argv[1], {}, s))" "$2"; }
wait_for() {  # wait_for SECONDS WHAT COMMAND...
  local t=$1 what=$2; shift 2
  for _ in $(seq $(( t * 10 ))); do "$@" && return 0; sleep 0.1; done
  fail "timed out ($t s): $what"
}
synced() { [ "$(field "$1" tcp_state)" = connected ] && [ "$(field "$1" batch_backup)" = finished ]; }
refusals() { field "$1" "sum(auth_failures.values())"; }
refused_at_least() { [ "$(refusals "$1")" -ge "$2" ]; }

mport_a=$(( rbs_port + 1 ))
mport_b=$(( rbs_port + 2 ))
A=::ffff:127.0.0.1
B=::ffff:127.0.0.2
write_config "$dir/a.cfg" $A $B $mport_a "authentication-key $KEY"
write_config "$dir/b.cfg" $B $A $mport_b "authentication-key $KEY"
start a "$dir/a.cfg"
start b "$dir/b.cfg"

# 1. Same key: both sides authenticate and finish the initial snapshot.
wait_for 15 "same key connects" synced a
wait_for 5 "same key connects (b)" synced b
[ "$(field a authentication)" = configured ] || fail "authentication not shown as configured"
ctl a display remote-backup-service rbs1 | grep -q "Authentication  : Configured" \
  || fail "text display lacks Authentication"
[ "$(refusals a)" = 0 ] && [ "$(refusals b)" = 0 ] || fail "refusals with the same key"
echo "same key: connected and synced"

# 2. b reloads with another key: every connection is refused, on both sides, and counted.
write_config "$dir/b2.cfg" $B $A $mport_b "authentication-key $WRONG"
ctl b commit "$dir/b2.cfg" > "$dir/out" || { cat "$dir/out"; fail "reload to another key refused"; }
grep -q "remote-backup-service changed: rbs1" "$dir/out" || { cat "$dir/out"; fail "reload summary"; }
wait_for 15 "refusals counted on a" refused_at_least a 3
wait_for 15 "refusals counted on b" refused_at_least b 3
[ "$(field a batch_backup)" != finished ] || [ "$(field a tcp_state)" != connected ] \
  || fail "a still reports a synced link"
ctl a display remote-backup-service rbs1 verbose > "$dir/a.txt"
ctl b display remote-backup-service rbs1 verbose > "$dir/b.txt"
grep -q "Auth failures" "$dir/a.txt" || fail "verbose display lacks Auth failures"
curl -sf -g "http://[::1]:$mport_a/metrics" > "$dir/m_a" || fail "metrics of a"
curl -sf -g "http://[::1]:$mport_b/metrics" > "$dir/m_b" || fail "metrics of b"
failed_total=$(cat "$dir/m_a" "$dir/m_b" |
  awk '/^tandem_rbs_auth_failures_total\{reason="auth_failed",service="rbs1"\}/ {s += $2} END {print s + 0}')
[ "$failed_total" -ge 1 ] || { grep auth "$dir/m_a" "$dir/m_b"; fail "no auth_failed in the metrics"; }
if command -v promtool >/dev/null; then
  promtool check metrics < "$dir/m_a" > "$dir/lint" 2>&1 || { cat "$dir/lint"; fail "promtool"; }
fi
grep -q "peer's authentication proof does not match the key\|AuthProof does not match" \
  "$dir/a.log" "$dir/b.log" || fail "no log line naming the reason"
echo "wrong key: refused and counted (a: $(field a auth_failures), b: $(field b auth_failures))"

# 3. The keys are in no log, display, JSON or metric.
for n in a b; do
  ctl $n --json display remote-backup-service rbs1 verbose > "$dir/$n.json"
done
for k in "$KEY" "$WRONG"; do
  if grep -l -- "$k" "$dir"/a.log "$dir"/b.log "$dir"/a.txt "$dir"/b.txt "$dir"/a.json \
      "$dir"/b.json "$dir"/m_a "$dir"/m_b "$dir"/out; then
    fail "a key appears in the output above"
  fi
done
echo "keys appear in no log, display or metric"

# 4. b goes back to the shared key: the pair reconnects and syncs.
ctl b commit "$dir/b.cfg" > /dev/null || fail "reload back to the shared key"
wait_for 20 "reconnects with the shared key" synced a
wait_for 5 "reconnects with the shared key (b)" synced b
echo "shared key restored: connected and synced"

for n in a b; do
  kill -TERM "${pid[$n]}"
  rc=0
  wait "${pid[$n]}" || rc=$?
  unset "pid[$n]"
  [ "$rc" = 0 ] || fail "tandemd $n exit status $rc"
done
echo "PASS: RBS authentication between two tandemd"
