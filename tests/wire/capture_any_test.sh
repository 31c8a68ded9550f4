#!/usr/bin/env bash
# `tandemctl decode` on real Linux cooked captures: the PIM fixtures are sent over a veth pair
# between two namespaces and captured three ways at once on the receiving side: on the veth
# (Ethernet), and on the `any` device as tcpdump writes it by default (LINKTYPE_LINUX_SLL2)
# and with -y LINUX_SLL (v1). The three decodes must be the same lines. IPv6 is off on both
# ends, so the kernel adds no frames of its own (DAD, MLD reports, router solicitations).
# Needs root (namespaces) and tcpdump; exits 77 (skipped) otherwise.
# Usage: capture_any_test.sh TANDEMCTL PCAP...
set -euo pipefail
tandemctl=$1
shift
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for namespaces"; exit 77; }
command -v tcpdump >/dev/null || { echo "SKIP: tcpdump not installed"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/tandem-capture-any.XXXXXX)
rx=tandem-capany-$$-rx
tx=tandem-capany-$$-tx
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  ip netns del "$rx" 2>/dev/null || true
  ip netns del "$tx" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

ip netns add "$rx"
ip netns add "$tx"
ip link add vrx netns "$rx" type veth peer name vtx netns "$tx"
ip netns exec "$rx" sysctl -qw net.ipv6.conf.vrx.disable_ipv6=1
ip netns exec "$tx" sysctl -qw net.ipv6.conf.vtx.disable_ipv6=1
ip -n "$rx" link set vrx up
ip -n "$tx" link set vtx up

capture() {  # capture NAME TCPDUMP-ARGS...: starts tcpdump in the receiving namespace
  local name=$1
  shift
  ip netns exec "$rx" tcpdump -n -U -s 0 "$@" -w "$dir/$name.pcap" 2> "$dir/$name.err" &
  pids+=($!)
  for _ in $(seq 50); do grep -q "listening on" "$dir/$name.err" && return 0; sleep 0.1; done
  fail "tcpdump $name did not start: $(cat "$dir/$name.err")"
}
capture eth -i vrx
capture sll2 -i any
capture sll -i any -y LINUX_SLL

sent=$(ip netns exec "$tx" python3 "$here/send_frames.py" vtx "$@")
sleep 1
for p in "${pids[@]}"; do kill -INT "$p"; done
for p in "${pids[@]}"; do wait "$p" || true; done
pids=()

decode() { "$tandemctl" decode "$dir/$1.pcap" > "$dir/$1.json" || fail "decode $1: $(cat "$dir/$1.json")"; }
decode eth
decode sll2
decode sll
got=$(wc -l < "$dir/eth.json")
[ "$got" = "$sent" ] || fail "the Ethernet capture holds $got frames, $sent were sent"
linktype() {  # the LINKTYPE_ in a classic pcap header (tcpdump writes classic pcap)
  python3 -c 'import struct, sys; print(struct.unpack("<I", open(sys.argv[1], "rb").read(24)[20:])[0])' "$1"
}
[ "$(linktype "$dir/sll2.pcap")" = 276 ] || fail "tcpdump -i any did not write LINUX_SLL2"
[ "$(linktype "$dir/sll.pcap")" = 113 ] || fail "tcpdump -y LINUX_SLL did not write LINUX_SLL"
for v in sll2 sll; do
  cmp -s "$dir/eth.json" "$dir/$v.json" || {
    diff "$dir/eth.json" "$dir/$v.json" | head -6
    fail "decode of the $v capture differs from the Ethernet capture"
  }
done
echo "PASS: $sent frames captured on the veth and on any (SLL2, SLL) decode the same"
