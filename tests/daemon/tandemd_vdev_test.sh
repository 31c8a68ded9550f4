#!/usr/bin/env bash
# tandemd on net_null vdevs, end to end: start, every display in text and JSON, metrics on
# ::1 and 127.0.0.1 (promtool-clean), reload by `tandemctl commit` (good file applied, bad
# file refused with every error), SIGHUP, SIGTERM → clean exit. Needs root (DPDK).
# Usage: tandemd_vdev_test.sh TANDEMD TANDEMCTL
set -euo pipefail
tandemd=$1
tandemctl=$2
source "$(dirname "$0")/single_tandemd_lib.sh"
single_tandemd_setup daemon-test


write_config() {  # write_config FILE PRIORITY EXTRA-LINE
  cat > "$1" <<CFG
multicast ipv6 routing-enable
bfd
quit
bfd s1 bind peer-ipv6 fe80::99 track-interface interface ge0
 discriminator local 10
 discriminator remote 20
quit
interface up0
 device net_null0
 ipv6 address 2001:db8:100::2/64
 multicast ipv6 upstream
quit
interface ge0
 device net_null1
 ipv6 address 2001:db8:1::2/64
 ipv6 address auto link-local
 pim ipv6 sm
 mld enable
 vrrp6 vrid 1 virtual-ip fe80::1 link-local
 vrrp6 vrid 1 priority $2
 vrrp6 vrid 1 timer advertise 100
 vrrp6 vrid 1 track bfd-session 10 reduced 50
 multicast ipv6 track vrrp6 vrid 1
 $3
quit
metrics listen ::1 $port
metrics listen 127.0.0.1 $port
CFG
}
write_config "$dir/a.cfg" 120 ""
"$tandemd" --check-config "$dir/a.cfg" > /dev/null || fail "--check-config rejects a good file"
write_config "$dir/bad.cfg" 300 "mld robust-count 9"
if "$tandemd" --check-config "$dir/bad.cfg" 2> "$dir/err"; then fail "--check-config accepts a bad file"; fi
[ "$(wc -l < "$dir/err")" = 2 ] || fail "--check-config: expected 2 errors, got $(cat "$dir/err")"

"$tandemd" --config "$dir/a.cfg" --socket "$sock" -- --no-huge --no-shconf -l 0 -m 256 \
  --file-prefix "${TANDEM_FILE_PREFIX:-tandem}-daemon-test-$$" > "$dir/tandemd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; kill -0 "$pid" 2>/dev/null || fail "tandemd exited"; sleep 0.1; done
[ -S "$sock" ] || fail "no CLI socket after 10 s"
ctl() { "$tandemctl" --socket "$sock" "$@"; }

# Every display answers, in text and in JSON (one valid document).
for cmd in "display remote-backup-service" "display remote-backup-profile" "display vrrp6" \
           "display vrrp6 brief" "display bfd session all for-ipv6" \
           "display bfd session all for-ipv6 verbose" "display mld group" \
           "display mld group interface ge0 verbose" "display mld interface" \
           "display mld interface ge0" "display multicast ipv6 forwarding-table" \
           "display pim ipv6 neighbor" "display pim ipv6 interface" \
           "display pim ipv6 interface verbose" "display pim ipv6 routing-table" \
           "display pim ipv6 rp-info" "display current-configuration" \
           "display drop statistics" "display drop statistics interface ge0"; do
  ctl $cmd > "$dir/out.txt" || fail "$cmd"
  ctl --json $cmd > "$dir/out.json" || fail "--json $cmd"
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/out.json" || fail "bad JSON from $cmd"
done
ctl display bfd session all for-ipv6 | grep -q "fe80::99" || fail "bfd session missing"
ctl display current-configuration > "$dir/running.cfg"
"$tandemd" --check-config "$dir/running.cfg" > /dev/null || fail "the running config does not parse back"
grep -q "^ vrrp6 vrid 1 priority 120$" "$dir/running.cfg" || fail "running config lacks the priority"
ctl --json display mld interface ge0 | grep -q '"interface":"ge0"' || fail "mld interface ge0"
ctl --json display pim ipv6 interface verbose | grep -q '"ignore_dr_state":' || fail "pim ignore flags not shown"
{ ctl display mld group interface nosuch 2>&1 || true; } | grep -q "interface nosuch does not exist" || fail "unknown interface"
if ctl frobnicate 2>"$dir/err"; then fail "unknown command accepted"; fi
grep -q "unknown command 'frobnicate'" "$dir/err" || fail "unknown command message"

# VRRP6 alone on the link: Master after Master_Down_Interval (~3.5 s).
for _ in $(seq 80); do ctl --json display vrrp6 | grep -q '"state":"Master"' && break; sleep 0.1; done
ctl --json display vrrp6 | grep -q '"state":"Master"' || fail "VRRP6 never became Master"

# Metrics on both address families, and promtool's verdict.
curl -sf -g "http://[::1]:$port/metrics" > "$dir/m6" || fail "metrics on ::1"
curl -sf "http://127.0.0.1:$port/metrics" > "$dir/m4" || fail "metrics on 127.0.0.1"
grep -q '^tandem_vrrp6_state{interface="ge0",vrid="1"} 2$' "$dir/m6" || fail "vrrp6 state metric"
grep -q '^tandem_port_rx_packets_total{port="ge0"}' "$dir/m4" || fail "port rx metric"
# Every drop layer's family, every reason from zero (rpf_fail, a wire reason, stands for them).
for series in 'tandem_drops_total{port="ge0",reason="rpf_fail"}' \
              'tandem_control_drops_total{interface="ge0",reason="mld_bad_length"}' \
              'tandem_vrrp6_rx_drops_total{interface="ge0",reason="vrid_not_configured"}' \
              'tandem_mld_ignored_total{interface="ge0",reason="link_scope_group"}'; do
  grep -qF "$series" "$dir/m6" || fail "$series not exported"
done
ctl --json display drop statistics | python3 -c '
import json, sys
d = json.load(sys.stdin)
layers = {l["layer"]: l for l in d["layers"]}
for name in ("dataplane", "control", "mld", "vrrp6", "bfd", "pim", "nd", "rbs"):
    assert name in layers, name
assert any(r["port"] == "ge0" for r in layers["dataplane"]["rows"])
' || fail "display drop statistics JSON"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope")
[ "$code" = 404 ] || fail "GET /nope gave $code"
if command -v promtool >/dev/null; then
  promtool check metrics < "$dir/m6" > "$dir/lint" 2>&1 || { cat "$dir/lint"; fail "promtool"; }
fi

# Reload: a bad file changes nothing and lists every error.
write_config "$dir/bad.cfg" 300 "mld robust-count 9"
if ctl commit "$dir/bad.cfg" > "$dir/out" 2>&1; then fail "bad config accepted"; fi
grep -q "bad.cfg:20:24: priority 300 out of range 1-254" "$dir/out" || { cat "$dir/out"; fail "priority error"; }
grep -q "bad.cfg:24:19: count 9 out of range 2-5" "$dir/out" || { cat "$dir/out"; fail "robust-count error"; }
{ ctl --json commit "$dir/bad.cfg" 2>&1 || true; } | grep -q '^{"applied":false,"lines":\[".*priority 300 out of range' \
  || fail "--json commit of a bad file"
ctl --json display vrrp6 | grep -q '"priority_config":120' || fail "bad reload changed something"

# A good file: only the difference is applied.
write_config "$dir/b.cfg" 120 "mld robust-count 3"
ctl commit "$dir/b.cfg" > "$dir/out" || { cat "$dir/out"; fail "good reload refused"; }
grep -q "interface ge0 changed: mld" "$dir/out" || { cat "$dir/out"; fail "reload summary"; }
ctl --json display mld interface ge0 | grep -q '"robustness":3' || fail "robust-count not applied"
ctl --json display vrrp6 | grep -q '"state":"Master"' || fail "VRRP6 disturbed by an MLD-only reload"

# SIGHUP re-reads the --config file (a.cfg), not the last committed one (b.cfg, which says
# robust-count 3 and is rewritten here to say 5: a SIGHUP that followed it would apply 5).
write_config "$dir/b.cfg" 120 "mld robust-count 5"
write_config "$dir/a.cfg" 120 "mld robust-count 4"
kill -HUP "$pid"
for _ in $(seq 50); do ctl --json display mld interface ge0 | grep -q '"robustness":4' && break; sleep 0.1; done
ctl --json display mld interface ge0 | grep -q '"robustness":4' || fail "SIGHUP reload"

ctl batch-backup now > /dev/null || fail "batch-backup now"
ctl reset statistics > /dev/null || fail "reset statistics"
ctl reset drop statistics > /dev/null || fail "reset drop statistics"

# Clean stop: priority-0 advert, exit status 0, socket removed.
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" = 0 ] || fail "tandemd exit status $rc"
grep -q "Master -> Initialize" "$dir/tandemd.log" || fail "VRRP6 did not resign"
grep -q "tandemd: stopped" "$dir/tandemd.log" || fail "no clean stop"
[ ! -e "$sock" ] || fail "socket left behind"
{ "$tandemctl" --socket "$sock" display vrrp6 2>&1 || true; } | grep -q "is tandemd running?" || fail "no-daemon message"
echo "PASS: tandemd vdev end-to-end"
