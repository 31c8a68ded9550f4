#!/usr/bin/env bash
# dpdk-pdump captures a running tandemd (issue #4, item 1).
#
# tandemd runs in its own namespace on a net_af_packet veth with the shared EAL config (no
# --no-shconf / --in-memory) and hugepages, so it calls rte_pdump_init; dpdk-pdump attaches
# as a secondary process with the same --file-prefix and writes port 0's RX and TX to two
# pcap files. The test sends an MLDv2 report and marked UDP multicast frames into the port,
# lets tandemd send its own MLD general queries (querier, query interval 2 s), stops
# dpdk-pdump with SIGINT and checks that
#  - the RX capture holds every marked frame sent (and the report),
#  - the TX capture holds at least one MLD query from tandemd's link-local address,
#  - tandemd learned the group from the report (the captured path is the live one).
# Skips (77) without root, dpdk-pdump, tandemd or enough 2 MiB hugepages. Everything it
# makes (processes by PID, namespace, hugepage files of its own --file-prefix, the DPDK
# runtime directory of that prefix, a hugetlbfs mount and the nr_hugepages it raised) is
# undone by the EXIT trap on every path.
set -euo pipefail

SYS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SYS_DIR/../.." && pwd)"
TANDEM_BUILD=${TANDEM_BUILD:-$REPO/build}
PY=${PY:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3

NS=pdp-$$                       # network namespace
PFX=pdp$$x                      # EAL --file-prefix (hugepage files: $PFX"map_N")
GROUP=ff05::4242                # routable (site scope), outside the SSM range
MARKER="tandem-pdump-$$"        # payload marker of the data frames
NDATA=5                         # marked data frames sent
# 2 MiB pages: tandemd -m 256 keeps 128; dpdk-pdump's default pool (65535 mbufs of 2176 B)
# needs about 80 more (measured and printed below); the rest is headroom
NEED_PAGES=${TANDEM_PDUMP_PAGES:-300}
HP_SYS=/sys/kernel/mm/hugepages/hugepages-2048kB

T0=$(date +%s.%N)
say() { printf '[%6.2fs] %s\n' "$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{print a-b}')" "$*"; }
skip() { echo "SKIP: $*"; exit 77; }
WORK="" TD_PID="" PD_PID="" NS_MADE="" MOUNTED="" HP_PREV="" HUGEDIR=""

dump_logs() {
  local f
  for f in "$WORK"/tandemd.log "$WORK"/pdump.log; do
    [ -s "$f" ] && { echo "--- $f (last 25 lines)"; tail -25 "$f"; }
  done
}
fail() {
  echo "FAIL: $*" >&2
  dump_logs >&2
  exit 1
}

# stop PID SIG TIMEOUT_S: signal one of our processes (only if it still runs in our
# namespace, so a recycled PID is never touched), wait, SIGKILL after the timeout
stop_pid() {
  local pid=$1 sig=$2 t=$3 i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  [ "$(ip netns identify "$pid" 2>/dev/null)" = "$NS" ] || return 0
  kill -"$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < t * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  stop_pid "$PD_PID" INT 5
  stop_pid "$TD_PID" TERM 5
  if [ -n "$NS_MADE" ]; then
    local left
    left=$(ip netns pids "$NS" 2>/dev/null | tr '\n' ' ')
    [ -n "$left" ] && echo "cleanup: processes still in $NS: $left"
    ip netns del "$NS" 2>/dev/null || { echo "cleanup: could not delete $NS"; rc=1; }
  fi
  # only what carries our own prefix
  [ -n "$HUGEDIR" ] && rm -f "$HUGEDIR/${PFX}map_"*
  rm -rf "/var/run/dpdk/$PFX"
  [ -n "$MOUNTED" ] && umount "$MOUNTED"
  [ -n "$HP_PREV" ] && echo "$HP_PREV" >"$HP_SYS/nr_hugepages"
  [ -n "$WORK" ] && rm -rf "$WORK"
  exit $rc
}

# --- preconditions ---------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, hugepages)"
PDUMP=$(command -v dpdk-pdump) || skip "dpdk-pdump is not installed (Debian package dpdk)"
bin() { if [ -x "$TANDEM_BUILD/$1" ]; then echo "$TANDEM_BUILD/$1"; else echo "$TANDEM_BUILD/control/daemon/$1"; fi; }
TANDEMD=$(bin tandemd) TANDEMCTL=$(bin tandemctl)
[ -x "$TANDEMD" ] && [ -x "$TANDEMCTL" ] || skip "tandemd/tandemctl not built in $TANDEM_BUILD"
command -v jq >/dev/null || skip "jq is not installed (scripts/install-deps.sh)"
[ -d "$HP_SYS" ] || skip "no 2 MiB hugepage support in this kernel"
trap cleanup EXIT
trap 'exit 130' INT TERM
WORK=$(mktemp -d /tmp/tandem-pdump.XXXXXX)

# hugetlbfs: use a mounted 2 MiB one, mount one only if there is none
HUGEDIR=$(awk '$3 == "hugetlbfs" && ($4 ~ /pagesize=2M/ || $4 !~ /pagesize=/) { print $2; exit }' /proc/mounts)
if [ -z "$HUGEDIR" ]; then
  mkdir -p /dev/hugepages
  mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages || { HUGEDIR=""; skip "cannot mount hugetlbfs"; }
  MOUNTED=/dev/hugepages HUGEDIR=/dev/hugepages
fi
# reserve: raise nr_hugepages only by what is missing, restore it in the trap
hp_avail() { echo $(($(cat "$HP_SYS/free_hugepages") - $(cat "$HP_SYS/resv_hugepages"))); }
avail=$(hp_avail)
if [ "$avail" -lt "$NEED_PAGES" ]; then
  prev=$(cat "$HP_SYS/nr_hugepages")
  HP_PREV=$prev
  echo $((prev + NEED_PAGES - avail)) >"$HP_SYS/nr_hugepages" 2>/dev/null || true
  avail=$(hp_avail)
  [ "$avail" -ge "$NEED_PAGES" ] ||
    skip "cannot reserve $NEED_PAGES 2 MiB hugepages (only $avail free after asking for them)"
fi
say "hugepages: $avail x 2 MiB free (need $NEED_PAGES), hugetlbfs at $HUGEDIR${MOUNTED:+ (mounted by the test)}${HP_PREV:+, nr_hugepages raised from $HP_PREV}"

# --- the namespace: tandemd's veth end pdp-td, the test's end pdp-host --------------------
ip netns add "$NS" 2>/dev/null || skip "network namespaces refused here"
NS_MADE=1
nsx() { ip netns exec "$NS" "$@"; }
nsx ip link set lo up
# no kernel IPv6 on either end: only tandemd and the test speak on the link
nsx sysctl -qw net.ipv6.conf.default.disable_ipv6=1
nsx ip link add pdp-td type veth peer name pdp-host
nsx ip link set pdp-td address 02:74:64:70:00:01
nsx ip link set pdp-host address 02:74:64:70:00:02
nsx ip link set pdp-td up
nsx ip link set pdp-host up
TD_LL=fe80::74:64ff:fe70:1      # EUI-64 of 02:74:64:70:00:01

cat >"$WORK/tandem.cfg" <<EOF
# test_pdump.sh: one MLD interface, querier alone on the link, queries every 2 s
multicast ipv6 routing-enable
dataplane idle-sleep-us 200
interface ge0
 device net_af_packet0,iface=pdp-td
 ipv6 address 2001:db8:70::1/64
 ipv6 address auto link-local
 pim ipv6 sm
 mld enable
 mld timer query-interval 2
 mld max-response-time 1
quit
EOF
"$TANDEMD" --check-config "$WORK/tandem.cfg" >/dev/null || fail "config refused"

# --- tandemd: shared config (no --no-shconf / --in-memory), hugepages, own prefix ------
SOCK=$WORK/tandemd.sock
ip netns exec "$NS" "$TANDEMD" --config "$WORK/tandem.cfg" --socket "$SOCK" -- \
  --no-pci -l 0 -m 256 --file-prefix "$PFX" --huge-dir "$HUGEDIR" \
  </dev/null >"$WORK/tandemd.log" 2>&1 &
TD_PID=$!
ctl() { "$TANDEMCTL" --socket "$SOCK" "$@"; }
for ((i = 0; i < 200; i++)); do
  ctl display mld interface >/dev/null 2>&1 && break
  kill -0 "$TD_PID" 2>/dev/null || fail "tandemd exited"
  sleep 0.1
done
ctl display mld interface >/dev/null 2>&1 || fail "tandemd does not answer on $SOCK"
grep -q "rte_pdump_init\|packet capture (dpdk-pdump) off" "$WORK/tandemd.log" &&
  fail "tandemd did not start packet capture: $(grep 'pdump' "$WORK/tandemd.log")"
pages_td=$(find "$HUGEDIR" -maxdepth 1 -name "${PFX}map_*" | wc -l)
say "tandemd up (pid $TD_PID, --file-prefix $PFX): $pages_td hugepages"

# --- dpdk-pdump: secondary process, same prefix ------------------------------------------
RX=$WORK/rx.pcap TX=$WORK/tx.pcap
PD_CORE=1
[ "$(nproc)" -ge 2 ] || PD_CORE=0
# line-buffered so the "capture" line shows up while it runs; it busy-polls one core, so
# it runs niced and only for the few seconds of the capture
ip netns exec "$NS" nice -n 10 stdbuf -oL -eL "$PDUMP" -l "$PD_CORE" --no-pci --file-prefix "$PFX" \
  -- --pdump "port=0,queue=*,rx-dev=$RX,tx-dev=$TX" </dev/null >"$WORK/pdump.log" 2>&1 &
PD_PID=$!
attached=""
for ((i = 0; i < 150; i++)); do
  if grep -q "capture for" "$WORK/pdump.log"; then attached=1; break; fi
  kill -0 "$PD_PID" 2>/dev/null || fail "dpdk-pdump exited before attaching"
  sleep 0.1
done
[ -n "$attached" ] || fail "dpdk-pdump did not attach within 15 s"
pages_all=$(find "$HUGEDIR" -maxdepth 1 -name "${PFX}map_*" | wc -l)
say "dpdk-pdump attached (pid $PD_PID): $pages_all hugepages with prefix $PFX ($((pages_all - pages_td)) added by dpdk-pdump)"

# --- traffic into tandemd's port ----------------------------------------------------------
nsx "$PY" - pdp-host "$GROUP" "$MARKER" "$NDATA" <<'EOF'
import socket, struct, sys, time
ifname, group, marker, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
mac = bytes.fromhex("027464700002")
src_ll = socket.inet_pton(socket.AF_INET6, "fe80::74:64ff:fe70:2")
src_gl = socket.inet_pton(socket.AF_INET6, "2001:db8:70::2")
grp = socket.inet_pton(socket.AF_INET6, group)

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF

def mcast_mac(dst):
    return b"\x33\x33" + dst[12:]

def frame(src, dst, nh, hop, payload):
    ip = struct.pack("!IHBB", 0x60000000, len(payload), nh, hop) + src + dst
    return mcast_mac(dst) + mac + b"\x86\xdd" + ip + payload

def pseudo(src, dst, nh, upper):
    return src + dst + struct.pack("!I3xB", len(upper), nh)

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))

# MLDv2 report to ff02::16: hop-by-hop router alert, one EXCLUDE {} record (a join)
mld_dst = socket.inet_pton(socket.AF_INET6, "ff02::16")
rec = struct.pack("!BBH", 4, 0, 0) + grp            # CHANGE_TO_EXCLUDE_MODE, no sources
icmp = struct.pack("!BBHHH", 143, 0, 0, 0, 1) + rec
icmp = icmp[:2] + struct.pack("!H", csum(pseudo(src_ll, mld_dst, 58, icmp) + icmp)) + icmp[4:]
hbh = bytes([58, 0, 5, 2, 0, 0, 1, 0])              # next 58, RA option (MLD), PadN(0)
s.send(frame(src_ll, mld_dst, 0, 1, hbh + icmp))
time.sleep(0.2)

for i in range(1, n + 1):
    data = ("%s-%d" % (marker, i)).encode()
    udp = struct.pack("!HHHH", 40000, 5000, 8 + len(data), 0) + data
    c = csum(pseudo(src_gl, grp, 17, udp) + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    s.send(frame(src_gl, grp, 17, 16, udp))
    time.sleep(0.05)
EOF
say "sent 1 MLDv2 report (join $GROUP) and $NDATA marked UDP frames to $GROUP"

for ((i = 0; i < 50; i++)); do
  ctl --json display mld group 2>/dev/null | jq -e --arg g "$GROUP" '[.groups[] | select(.group == $g)] | length == 1' >/dev/null && break
  sleep 0.1
done
ctl --json display mld group | jq -e --arg g "$GROUP" '[.groups[] | select(.group == $g)] | length == 1' >/dev/null ||
  fail "tandemd did not learn $GROUP from the report"
# at least one general query falls into the capture (query interval 2 s)
sleep 2.5

# --- stop the capture, read the pcaps ------------------------------------------------------
kill -INT "$PD_PID"
for ((i = 0; i < 100; i++)); do kill -0 "$PD_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PD_PID" 2>/dev/null && fail "dpdk-pdump did not exit on SIGINT"
wait "$PD_PID" || fail "dpdk-pdump exited with $?"
PD_PID=""
kill -0 "$TD_PID" 2>/dev/null || fail "tandemd died while captured"
ctl display mld interface >/dev/null || fail "tandemd stopped answering after the capture"
[ -s "$RX" ] && [ -s "$TX" ] || fail "capture files missing: $(ls -l "$WORK")"

"$TANDEMCTL" decode "$RX" >"$WORK/rx.json" || fail "tandemctl decode $RX failed"
"$TANDEMCTL" decode "$TX" >"$WORK/tx.json" || fail "tandemctl decode $TX failed"
marked=$("$PY" - "$RX" "$MARKER" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
marker = sys.argv[2].encode()
magic = data[:4]
e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
off, seen = 24, set()
while off + 16 <= len(data):
    incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    i = pkt.find(marker + b"-")
    if i >= 0:
        seen.add(pkt[i:])
print(len(seen))
EOF
)
rx_frames=$(wc -l <"$WORK/rx.json")
tx_frames=$(wc -l <"$WORK/tx.json")
rx_reports=$(jq -c --arg g "$GROUP" 'select(.kind == "mld_report_v2" and any(.records[]; .group == $g))' "$WORK/rx.json" | wc -l)
rx_data=$(jq -c --arg g "$GROUP" 'select(.kind == "mcast_data" and .dst == $g)' "$WORK/rx.json" | wc -l)
tx_queries=$(jq -c --arg s "$TD_LL" 'select(.kind == "mld_query" and .src == $s and .dst == "ff02::1")' "$WORK/tx.json" | wc -l)
say "rx capture: $rx_frames frame(s): $marked of $NDATA marked data frames (decode: $rx_data mcast_data to $GROUP), $rx_reports MLDv2 report(s)"
say "tx capture: $tx_frames frame(s): $tx_queries MLD general quer(y/ies) from $TD_LL"
say "dpdk-pdump's own count: $(grep -E 'packets (dequeued|transmitted)' "$WORK/pdump.log" | tr -s ' \t' ' ' | tr '\n' ';')"
jq -c 'select(.kind == "mld_query")' "$WORK/tx.json" | head -2 | sed 's/^/    /'

[ "$marked" -eq "$NDATA" ] && [ "$rx_data" -ge "$NDATA" ] || fail "rx capture holds $marked/$NDATA marked frames"
[ "$rx_reports" -ge 1 ] || fail "rx capture lacks the MLDv2 report"
[ "$tx_queries" -ge 1 ] || fail "tx capture lacks tandemd's MLD query"
say "ok: dpdk-pdump captured tandemd's RX and TX"

stop_pid "$TD_PID" TERM 5
TD_PID=""
exit 0
