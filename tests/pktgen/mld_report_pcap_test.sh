#!/usr/bin/env bash
# perf/pktgen/mld_report_pcap.py writes pcaps that tshark reads as the MLDv2 reports asked
# for: every group once, the right record type and source, hop limit 1, Router Alert, to
# ff02::16, good checksums, nothing malformed. Exit 77 (skip) without tshark or scapy.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
gen=$root/perf/pktgen/mld_report_pcap.py

py=
for c in /usr/bin/python3 python3; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import scapy.all' 2>/dev/null; then
    py=$c
    break
  fi
done
[ -n "$py" ] || { echo "SKIP: no python3 with scapy (Debian package python3-scapy)"; exit 77; }
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark is not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
field() { tshark -r "$1" -T fields -E occurrence=a -E aggregator=' ' -e "$2" 2>/dev/null; }

# check FILE GROUPS FIRST LAST RECORD_TYPE [SOURCE]
check() {
  local f=$1 groups=$2 first=$3 last=$4 rtype=$5 src=${6:-}
  local frames addrs
  frames=$(tshark -r "$f" 2>/dev/null | wc -l)
  [ "$frames" -gt 0 ] || { fail "$f: no frames"; return; }
  [ "$(field "$f" icmpv6.type | sort -u)" = 143 ] || fail "$f: not all MLDv2 reports (type 143)"
  [ "$(field "$f" ipv6.hlim | sort -u)" = 1 ] || fail "$f: hop limit not 1"
  [ "$(field "$f" ipv6.dst | sort -u)" = ff02::16 ] || fail "$f: not all to ff02::16"
  [ "$(field "$f" ipv6.opt.router_alert | wc -w)" = "$frames" ] ||
    fail "$f: Router Alert missing"
  [ "$(field "$f" icmpv6.checksum.status | sort -u)" = 1 ] || fail "$f: bad ICMPv6 checksum"
  local bad='_ws.malformed || _ws.expert.severity >= "Error"'
  [ "$(tshark -r "$f" -Y "$bad" 2>/dev/null | wc -l)" = 0 ] ||
    fail "$f: tshark finds malformed or erroneous frames"
  addrs=$(field "$f" icmpv6.mldr.mar.multicast_address | tr ' ' '\n' | grep -v '^$')
  [ "$(echo "$addrs" | wc -l)" = "$groups" ] ||
    fail "$f: $(echo "$addrs" | wc -l) records, want $groups"
  [ "$(echo "$addrs" | sort -u | wc -l)" = "$groups" ] || fail "$f: groups repeat"
  [ "$(echo "$addrs" | head -1)" = "$first" ] || fail "$f: first group $(echo "$addrs" | head -1)"
  [ "$(echo "$addrs" | tail -1)" = "$last" ] || fail "$f: last group $(echo "$addrs" | tail -1)"
  [ "$(field "$f" icmpv6.mldr.mar.record_type | tr ' ' '\n' | grep -v '^$' | sort -u)" = \
    "$rtype" ] || fail "$f: record type not $rtype"
  if [ -n "$src" ]; then
    [ "$(field "$f" icmpv6.mldr.mar.source_address | tr ' ' '\n' | grep -v '^$' | sort -u)" = \
      "$src" ] || fail "$f: sources are not $src"
  fi
  local len
  len=$(field "$f" frame.len | tr ' ' '\n' | sort -n | tail -1)
  [ "$len" -le 1514 ] || fail "$f: a $len-byte frame exceeds a 1500-byte MTU"
}

"$py" "$gen" --groups 1000 --first ff05::1:0 -o "$tmp/asm.pcap"
check "$tmp/asm.pcap" 1000 ff05::1:0 ff05::1:3e7 2
"$py" "$gen" --groups 100 --first ff05::1:0 --mode include --source 2001:db8:100::10 \
  -o "$tmp/ssm.pcap"
check "$tmp/ssm.pcap" 100 ff05::1:0 ff05::1:63 1 2001:db8:100::10
# One host by default (storm tests rely on --host-ll); --hosts rotates addresses and MACs.
[ "$(field "$tmp/asm.pcap" ipv6.src | sort -u)" = fe80::200:ff:fe00:201 ] ||
  fail "asm.pcap: not all from the default host"
"$py" "$gen" --groups 1000 --first ff05::1:0 --hosts 4 -o "$tmp/hosts.pcap" >/dev/null
check "$tmp/hosts.pcap" 1000 ff05::1:0 ff05::1:3e7 2
[ "$(field "$tmp/hosts.pcap" ipv6.src | head -5 | tr '\n' ' ')" = \
  "fe80::200:ff:fe00:201 fe80::200:ff:fe00:202 fe80::200:ff:fe00:203 fe80::200:ff:fe00:204 fe80::200:ff:fe00:201 " ] ||
  fail "hosts.pcap: sources do not rotate over 4 hosts"
[ "$(field "$tmp/hosts.pcap" eth.src | sort -u | wc -l)" = 4 ] || fail "hosts.pcap: not 4 MACs"
if "$py" "$gen" --groups 1 --first 2001:db8::1 -o "$tmp/bad.pcap" 2>/dev/null; then
  fail "a unicast --first was accepted"
fi

if [ "$fails" != 0 ]; then
  echo "pktgen_mld_report_pcap: $fails failed"
  exit 1
fi
echo "pktgen_mld_report_pcap: ok"
