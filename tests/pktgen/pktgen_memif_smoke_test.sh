#!/usr/bin/env bash
# perf/pktgen's Lua scripts in a real pktgen-dpdk against a real tandemd (memif_smoke.sh, one
# short run, fan-out 2, a low rate), then checks on what both report: the groups joined by
# the pcap are all in the FIB, the data reached both downstream ports at a replication ratio
# near 2 in every second after the first, the sweep's CSV row says the same, and tandem
# copied every frame it forwarded to both ports.
# Usage: pktgen_memif_smoke_test.sh REPO_ROOT BUILD_DIR. Skips (77) without pktgen (PKTGEN or
# pktgen on PATH), root, script(1) or scapy. Starts DPDK: run it under the netlab lock.
set -euo pipefail
root=$1
build=$2
out=$(mktemp -d /tmp/pktgen-smoke-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*" >&2; sed 's/^/  | /' "$out/results.txt" >&2 2>/dev/null || true; exit 1; }

rc=0
BUILD_DIR=$build SMOKE_OUT=$out SMOKE_GROUPS=1000 SMOKE_FANOUT=2 SMOKE_SIZE=78 SMOKE_RATE=0.05 \
  SMOKE_SECONDS=4 SMOKE_SIZES=78 SMOKE_RATES=0.05 SMOKE_HOLD_MS=2000 \
  "$root/perf/pktgen/memif_smoke.sh" >"$out/stdout" 2>&1 || rc=$?
[ "$rc" = 77 ] && { cat "$out/stdout"; exit 77; }
[ "$rc" = 0 ] || { tail -40 "$out/stdout" >&2; fail "memif_smoke.sh exit status $rc"; }
r=$out/results.txt

grep -q "fan-out 2, FIB entries after the run: 1000$" "$r" || fail "FIB does not hold the 1000 joined groups"

# The ratio may dip below 2 where tandem's TX to a busy pktgen finds the ring full (tx_full).
awk '/^t=/ {
       if (++n == 1) next  # the first second holds the start
       tx = $0; sub(/.*tx port 0: */, "", tx); tx += 0
       if (tx < 1000 || $NF < 1.9 || $NF > 2.05) bad = bad "\n" $0
     }
     END { if (n != 4) { print "want 4 per-second lines, got " n; exit 1 }
           if (bad != "") { print "second(s) off:" bad; exit 1 } }' "$r" || fail "per-second rates"

grep -Eq '^mcast_groups: mean of seconds 2-4: tx [0-9]+ pps, rx port 1 [0-9]+ pps, rx port 2 [0-9]+ pps, rx/tx (1\.9[0-9]{2}|2\.0[0-4][0-9])$' "$r" ||
  fail "means line missing or ratio not near 2"
grep -q '^size_fcs,rate_pct,tx_pps,rx_pps_p1,rx_pps_p2,rx_over_tx$' "$r" || fail "sweep CSV header"
grep -Eq '^78,0\.05,[1-9][0-9]+,[1-9][0-9]+,[1-9][0-9]+,(1\.9[0-9]{2}|2\.0[0-4][0-9])$' "$r" ||
  fail "sweep CSV row missing or ratio not near 2"

metric() { awk -v k="$1" '$1 == k {print $2}' "$r"; }
fwd=$(metric 'tandem_port_forwarded_packets_total{port="up0"}')
[[ -n $fwd && $fwd -gt 0 ]] || fail "tandem forwarded nothing from up0"
for p in ge1 ge2; do
  [ "$(metric "tandem_port_copies_total{port=\"$p\"}")" = "$fwd" ] || fail "copies to $p differ from frames forwarded ($fwd)"
done
echo "PASS: pktgen scripts against tandemd over memif"
