#!/usr/bin/env bash
# tandemd with `mld global limit groups|sources` (issue #9), end to end: MLDv2 reports replayed
# from a pcap (net_pcap rx_pcap) on ge0 exceed both limits; the groups and sources over them
# are refused, counted in tandem_mld_ignored_total{reason=global_group_limit|
# global_source_limit} (promtool-clean), logged once (rate-limited), and a reload raises the
# limit. Needs root (DPDK) and scapy (python3-scapy) to write the capture.
# Usage: tandemd_mld_limits_test.sh TANDEMD TANDEMCTL
set -euo pipefail
tandemd=$1
tandemctl=$2
source "$(dirname "$0")/single_tandemd_lib.sh"
single_tandemd_setup mld-limits-test
py=/usr/bin/python3
"$py" -c 'import scapy' 2>/dev/null || { echo "SKIP: needs python3-scapy"; exit 77; }

# Five hosts' TO_EX({}) joins of ff05::1..5, then ALLOW of three sources for ff05::1.
"$py" - "$dir/reports.pcap" <<'PY'
import sys
from scapy.all import Ether, IPv6, IPv6ExtHdrHopByHop, RouterAlert, wrpcap
from scapy.layers.inet6 import ICMPv6MLReport2, ICMPv6MLDMultAddrRec
def report(rtype, group, sources=()):
    rec = ICMPv6MLDMultAddrRec(rtype=rtype, dst=group, sources=list(sources))
    return (Ether(src="02:00:00:00:aa:01", dst="33:33:00:00:00:16")
            / IPv6(src="fe80::aa", dst="ff02::16", hlim=1)
            / IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])
            / ICMPv6MLReport2(records=[rec]))
frames = [report(4, "ff05::%d" % i) for i in range(1, 6)]  # 4 = CHANGE_TO_EXCLUDE_MODE
frames.append(report(5, "ff05::1", ["2001:db8::1", "2001:db8::2", "2001:db8::3"]))  # ALLOW
wrpcap(sys.argv[1], frames)
PY

write_config() {  # write_config FILE GROUP-LIMIT
  cat > "$1" <<CFG
multicast ipv6 routing-enable
mld global limit groups $2
mld global limit sources 2
interface up0
 device net_null0
 ipv6 address 2001:db8:100::2/64
 multicast ipv6 upstream
quit
interface ge0
 device net_pcap0,rx_pcap=$dir/reports.pcap
 ipv6 address 2001:db8:1::2/64
 ipv6 address auto link-local
 pim ipv6 sm
 mld enable
quit
metrics listen ::1 $port
CFG
}
write_config "$dir/a.cfg" 2
"$tandemd" --config "$dir/a.cfg" --socket "$sock" -- --no-huge --no-shconf -l 0 -m 256 \
  --file-prefix "tandem-mld-limits-test-$$" > "$dir/tandemd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; kill -0 "$pid" 2>/dev/null || fail "tandemd exited"; sleep 0.1; done
[ -S "$sock" ] || fail "no CLI socket after 10 s"
ctl() { "$tandemctl" --socket "$sock" "$@"; }

for _ in $(seq 50); do
  curl -sf -g "http://[::1]:$port/metrics" > "$dir/m" || fail "metrics"
  grep -q '^tandem_mld_source_entries 2$' "$dir/m" && break
  sleep 0.1
done
grep -q '^tandem_mld_groups{interface="ge0"} 2$' "$dir/m" || { cat "$dir/m"; fail "group limit not held"; }
grep -q '^tandem_mld_ignored_total{interface="ge0",reason="global_group_limit"} 3$' "$dir/m" \
  || { grep mld "$dir/m"; fail "refused groups not counted"; }
grep -q '^tandem_mld_ignored_total{interface="ge0",reason="global_source_limit"} 1$' "$dir/m" \
  || { grep mld "$dir/m"; fail "refused source not counted"; }
grep -q '^tandem_mld_source_entries 2$' "$dir/m" || fail "source entries"
if command -v promtool >/dev/null; then
  promtool check metrics < "$dir/m" > "$dir/lint" 2>&1 || { cat "$dir/lint"; fail "promtool"; }
fi
ctl --json display mld group | grep -q '"group":"ff05::1"' || fail "existing group lost"
# Four refusals within a second: one warning line; the next one will carry the 3 not logged.
[ "$(grep -c 'refused' "$dir/tandemd.log")" = 1 ] || fail "expected one rate-limited refusal line"
grep -q 'mld ge0: group ff05::3 from fe80::aa refused: global limit groups 2 reached' \
  "$dir/tandemd.log" || fail "refusal line"

# A reload that raises the limit is applied in place.
write_config "$dir/b.cfg" 10
ctl commit "$dir/b.cfg" > "$dir/out" || { cat "$dir/out"; fail "reload refused"; }
grep -q "mld global limit changed" "$dir/out" || { cat "$dir/out"; fail "reload summary"; }

kill -TERM "$pid"
wait "$pid" || fail "tandemd exit status $?"
pid=
echo "tandemd_mld_limits_test: OK"
