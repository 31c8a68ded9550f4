#!/usr/bin/env bash
# A real Prometheus server scrapes tandemd (on net_null vdevs) over IPv6 and IPv4 and sees
# both targets `up`, plus a tandem_ series. Needs root (DPDK) and /usr/bin/prometheus.
# Usage: prometheus_scrape_test.sh TANDEMD PROMETHEUS_TEMPLATE
set -euo pipefail
tandemd=$1
template=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for DPDK"; exit 77; }
command -v prometheus >/dev/null || { echo "SKIP: prometheus not installed"; exit 77; }

dir=$(mktemp -d /tmp/tandem-prom-test.XXXXXX)
tpid= ppid_=
cleanup() {
  for p in $ppid_ $tpid; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in $ppid_ $tpid; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  sed 's/^/  tandemd| /' "$dir/tandemd.log" >&2 || true
  tail -20 "$dir/prometheus.log" | sed 's/^/  prometheus| /' >&2 || true
  exit 1
}
mport=$(( 20000 + RANDOM % 20000 ))
pport=$(( mport + 1 ))
cat > "$dir/t.cfg" <<CFG
interface ge0
 device net_null0
quit
metrics listen ::1 $mport
metrics listen 127.0.0.1 $mport
CFG
"$tandemd" --config "$dir/t.cfg" --socket "$dir/t.sock" -- --no-huge --no-shconf -l 0 -m 256 \
  --file-prefix "tandem-daemon-prom-$$" > "$dir/tandemd.log" 2>&1 &
tpid=$!
sed -e "s/__TARGET6__/[::1]:$mport/" -e "s/__TARGET4__/127.0.0.1:$mport/" "$template" > "$dir/prom.yml"
prometheus --config.file="$dir/prom.yml" --storage.tsdb.path="$dir/data" \
  --web.listen-address="127.0.0.1:$pport" > "$dir/prometheus.log" 2>&1 &
ppid_=$!
query() { curl -sfG "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1"; }
ok=0
for _ in $(seq 60); do
  sleep 0.5
  r=$(query 'sum(up{job="tandem"})' || true)
  if echo "$r" | grep -q '"value":\[[0-9.]*,"2"\]'; then ok=1; break; fi
done
[ "$ok" = 1 ] || fail "both targets not up within 30 s (last answer: ${r:-none})"
query 'count(tandem_port_rx_packets_total)' | grep -q '"value":\[[0-9.]*,"2"\]' \
  || fail "tandem_port_rx_packets_total not scraped from both targets"
echo "PASS: Prometheus scrapes tandemd on [::1] and 127.0.0.1 (up == 1 for both)"
