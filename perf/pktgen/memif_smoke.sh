#!/usr/bin/env bash
# pktgen-dpdk against tandemd on one host without NICs: every tandem port is a net_memif
# server and pktgen is the client of each, so the Lua scripts here run against the real
# pktgen binding and a real tandemd. A smoke test of the scripts and of the replication
# path; the rates say little about a NIC (memif copies through shared memory and both
# programs share the host's CPUs).
#
#   pktgen port 0 ══ memif ══ up0  (multicast ipv6 upstream)
#   pktgen port 1 ══ memif ══ ge1  (mld enable)  } MLDv2 joins replayed from a pcap
#   pktgen port 2 ══ memif ══ ge2  (mld enable)  } (-s P:joins.pcap), data counted here
#
# pktgen runs mcast_groups.lua (per-second rates, then the means) and mcast_sweep.lua
# (CSV) from a wrapper that sets their globals, sends their output to a file and quits.
# Run it under the host's DPDK lock if other DPDK jobs share the machine:
#
#   flock /tmp/tandem-netlab.lock perf/pktgen/memif_smoke.sh
#
# Env: PKTGEN (pktgen binary; default: pktgen on PATH), BUILD_DIR (tandem's build directory,
# default build), SMOKE_OUT (directory that keeps the logs and results.txt; default: a
# temporary one, removed), SMOKE_GROUPS (1000), SMOKE_FANOUT (downstream ports, 2),
# SMOKE_SIZE (78), SMOKE_RATE (percent of memif's 100 Gb/s, 0.1), SMOKE_SECONDS (6),
# SMOKE_SIZES ("78 512 1518"), SMOKE_RATES ("0.05 0.1 0.2 1"), SMOKE_HOLD_MS (3000),
# SMOKE_CPU_TANDEM / SMOKE_CPU_PKTGEN (CPU of each worker lcore; 1 and 0).
# Exit 77 (skip) when root, pktgen, script(1) or scapy is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
pktgen=${PKTGEN:-$(command -v pktgen || true)}
groups=${SMOKE_GROUPS:-1000}
fanout=${SMOKE_FANOUT:-2}
size=${SMOKE_SIZE:-78}
rate=${SMOKE_RATE:-0.1}
seconds=${SMOKE_SECONDS:-6}
sizes=${SMOKE_SIZES:-78 512 1518}
rates=${SMOKE_RATES:-0.05 0.1 0.2 1}
hold_ms=${SMOKE_HOLD_MS:-3000}
cpu_td=${SMOKE_CPU_TANDEM:-1}
cpu_pg=${SMOKE_CPU_PKTGEN:-0}

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (DPDK)"
[[ -n $pktgen && -x $pktgen ]] ||
  skip "pktgen-dpdk not found (set PKTGEN=/path/to/pktgen; perf/pktgen/README.md, section pktgen)"
command -v script >/dev/null || skip "script(1) missing (Debian package bsdutils)"
/usr/bin/python3 -c 'import scapy' 2>/dev/null || skip "python3-scapy missing (joins pcap)"
tandemd=$build/tandemd
[ -x "$tandemd" ] || { echo "memif_smoke: build tandemd in $build (ninja -C $build tandemd)" >&2; exit 1; }
(( fanout >= 1 && fanout <= 8 )) || { echo "memif_smoke: SMOKE_FANOUT is 1..8" >&2; exit 1; }

if [ -n "${SMOKE_OUT:-}" ]; then
  work=$SMOKE_OUT
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/pktgen-smoke.XXXXXX)
fi
prefix_td="pktgen-smoke-td-$$"
prefix_pg="pktgen-smoke-pg-$$"
td_pid=
pg_pid=
cleanup() {  # runs under set -e: every step may fail quietly
  if [ -n "$pg_pid" ]; then kill -KILL "$pg_pid" 2>/dev/null || true; fi
  if [ -n "$td_pid" ] && kill -0 "$td_pid" 2>/dev/null; then
    kill -TERM "$td_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$td_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$td_pid" 2>/dev/null || true
  fi
  rm -rf "/var/run/dpdk/$prefix_td" "/var/run/dpdk/$prefix_pg" "$work"/*.sock
  if [ -z "${SMOKE_OUT:-}" ]; then rm -rf "$work"; fi
  return 0
}
trap cleanup EXIT

# The joins: one pcap of MLDv2 reports (EXCLUDE {}, RFC 3810 §5.2.12) for the whole range,
# replayed on every downstream port.
group_min=ff05::1:0
group_max=$(/usr/bin/python3 -c 'import ipaddress, sys
print(ipaddress.IPv6Address(int(ipaddress.IPv6Address(sys.argv[1])) + int(sys.argv[2]) - 1))' \
  "$group_min" "$groups")
/usr/bin/python3 "$here/mld_report_pcap.py" --groups "$groups" --first "$group_min" \
  -o "$work/joins.pcap" >/dev/null

memif() {  # memif N SOCKET-NAME ROLE [extra]
  echo "net_memif$1,role=$3,id=0,socket=$work/$2.sock,socket-abstract=no${4:-}"
}

metrics_port=$((20000 + RANDOM % 20000))
{
  echo "dataplane idle-sleep-us 0"
  echo "multicast ipv6 routing-enable"
  echo "interface up0"
  echo " device $(memif 0 up0 server)"
  echo " ipv6 address 2001:db8:100::1/64"
  echo " multicast ipv6 upstream"
  echo "quit"
  for ((i = 1; i <= fanout; i++)); do
    echo "interface ge$i"
    echo " device $(memif "$i" "ge$i" server)"
    echo " ipv6 address auto link-local"
    echo " pim ipv6 sm"
    echo " mld enable"
    echo "quit"
  done
  echo "metrics listen 127.0.0.1 $metrics_port"
} >"$work/tandem.cfg"

# tandemd first: it is the memif server. Memif needs EAL's multi-process channel, so no
# --no-shconf; the runtime directory is removed on exit.
"$tandemd" --config "$work/tandem.cfg" --socket "$work/td.sock" -- --no-pci --no-huge -m 512 \
  --no-telemetry --lcores "0@0,1@$cpu_td" --file-prefix "$prefix_td" --log-level '*:warning' \
  >"$work/tandemd.log" 2>&1 &
td_pid=$!
for _ in $(seq 200); do
  [ -S "$work/td.sock" ] && [ -S "$work/ge$fanout.sock" ] && break
  kill -0 "$td_pid" 2>/dev/null || { cat "$work/tandemd.log" >&2; echo "memif_smoke: tandemd exited" >&2; exit 1; }
  sleep 0.1
done
[ -S "$work/ge$fanout.sock" ] || { echo "memif_smoke: tandemd made no memif sockets" >&2; exit 1; }

rx_list="1-$fanout"
if [ "$fanout" = 1 ]; then rx_list=1; fi
lua_list() { local out="" x; for x in "$@"; do out+="${out:+, }$x"; done; echo "{$out}"; }
# shellcheck disable=SC2086
cat >"$work/run.lua" <<LUA
-- Written by memif_smoke.sh: the scripts' globals, their output to a file, then quit.
io.output("$work/lua.out")
-- joins: 0.00012 % of memif's 100 Gb/s at 78 B is 153 frames/s as pktgen computes it; all
-- come from one host address and tandem admits 200 MLD frames/s per source (2,000 a port).
tx_port, rx_ports, joins_port, joins_rate, joins_ms = 0, "$rx_list", "$rx_list", 0.00012, 1500
group_min, group_max = "$group_min", "$group_max"
size, rate, seconds = $size, $rate, $seconds
dofile("$here/mcast_groups.lua")
sizes, rates, hold_ms = $(lua_list $sizes), $(lua_list $rates), $hold_ms
dofile("$here/mcast_sweep.lua")
-- tandemd stops first: a memif peer that goes away while tandem's worker polls can crash
-- DPDK 22.11's memif PMD, so pktgen keeps its ports until the shell says so.
io.write("memif_smoke: done\n")
io.output():close()
while not io.open("$work/tandemd.stopped") do pktgen.delay(200) end
pktgen.quit()
LUA

# pktgen: port N is the Nth --vdev. lcore 0 runs the display, the timers and the Lua script;
# lcore 1 RX and TX of every port, port 0 first: pktgen 23.06 paces the ports of a TX lcore
# by its first one (mcast_groups.lua, mcast_groups_send_joins). Both on CPU cpu_pg. Every
# port gets 5 pools of 24576 10-KiB mbufs (pktgen's fixed sizes), hence -m. pktgen wants a
# terminal: script(1) gives it one.
pg_cmd=("$pktgen" --lcores "0@$cpu_pg,1@$cpu_pg" --no-huge -m $((1536 * (fanout + 1)))
  --no-pci --no-telemetry --file-prefix "$prefix_pg" --log-level '*:warning'
  --vdev "$(memif 0 up0 client ,mac=02:00:00:00:01:01)")
pcaps=()
for ((i = 1; i <= fanout; i++)); do
  pg_cmd+=(--vdev "$(memif "$i" "ge$i" client ",mac=02:00:00:00:02:0$i")")
  pcaps+=(-s "$i:$work/joins.pcap")
done
pg_cmd+=(-- -P -m "1.[0-$fanout]" "${pcaps[@]}" -f "$work/run.lua")
# Each sweep point: joins (1.5 s), 1 s to settle, hold_ms; start-up and slack on a busy host.
points=$(( $(wc -w <<<"$sizes") * $(wc -w <<<"$rates") ))
budget=$((90 + seconds + points * (hold_ms / 1000 + 5)))
timeout "$budget" script -qfec "$(printf '%q ' "${pg_cmd[@]}")" "$work/pktgen.log" \
  >/dev/null </dev/null &
pg_pid=$!
until grep -q '^memif_smoke: done' "$work/lua.out" 2>/dev/null; do
  if ! kill -0 "$pg_pid" 2>/dev/null; then
    sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$work/pktgen.log" | tail -40 >&2
    echo "memif_smoke: pktgen ended before the scripts did" >&2
    exit 1
  fi
  sleep 0.5
done
curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$work/metrics.txt" || : >"$work/metrics.txt"
kill -TERM "$td_pid"
td_rc=0
wait "$td_pid" || td_rc=$?
td_pid=
touch "$work/tandemd.stopped"
wait "$pg_pid" || true
pg_pid=
[ "$td_rc" = 0 ] || { tail -20 "$work/tandemd.log" >&2; echo "memif_smoke: tandemd exit status $td_rc" >&2; exit 1; }
fib=$(awk '$1 == "tandem_fib_entries" {print $2}' "$work/metrics.txt")
{
  echo "# memif_smoke: $(date -u +%FT%TZ), $(nproc) CPUs, tandemd worker on CPU $cpu_td, pktgen on CPU $cpu_pg"
  echo "# $groups groups ($group_min..$group_max), fan-out $fanout, FIB entries after the run: ${fib:-?}"
  grep -v "^memif_smoke: done" "$work/lua.out"
  echo "# tandem counters (whole run, joins included)"
  grep -E '^tandem_(port_(rx_packets|forwarded_packets|copies|tx_packets|punted_mld_packets)_total|drops_total|fib_entries)' \
    "$work/metrics.txt" | grep -v ' 0$' || true
} | tee "$work/results.txt"
