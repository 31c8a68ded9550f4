#!/usr/bin/env bash
# Data plane benchmark: one process, one worker lcore, net_pcap (infinite_rx) ingress of IPv6
# UDP multicast, N x net_null egress, a FIB of G (*,G) entries. Baseline in the same run:
# dpdk-testpmd --forward-mode=io with the same EAL flags and vdevs (pcap in, one null out).
# Repetitions are interleaved (every configuration once per round) so machine noise hits all
# of them alike; medians and ranges are printed, then one JSON line.
#
#   perf/dataplane.sh                   # full sweep: N=1,2,4,8,16 x G=1k,1M x 66,128 B, 5 rounds
#   DATAPLANE_QUICK=1 perf/dataplane.sh # smoke: 1 round, N=1,4, G=1k,1M, 66 B, 1 s runs
#   DATAPLANE_CLONE_SWEEP=1 ...         # also sweep copy vs clone by frame size (N=4)
# Every round also runs N=1, G=1k, smallest frame with the ingress as the entries' RPF
# interface instead of a static upstream (PIM-SM, dataplane_bench --rpf-iif).
# Env: BUILD_DIR (default build), DATAPLANE_REPS, DATAPLANE_SECONDS, DATAPLANE_MEM_MB.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD_DIR:-$here/../build}
bench=$build/perf/dataplane/dataplane_bench
testpmd=${TESTPMD:-/usr/bin/dpdk-testpmd}
[[ -x $bench ]] || { echo "dataplane.sh: $bench not built (ninja -C $build perf/dataplane/dataplane_bench)" >&2; exit 1; }
[[ -x $testpmd ]] || { echo "dataplane.sh: $testpmd missing (apt-get install dpdk)" >&2; exit 1; }

if [[ ${DATAPLANE_QUICK:-0} == 1 ]]; then
  reps=${DATAPLANE_REPS:-1}; secs=${DATAPLANE_SECONDS:-1}
  egress_list="1 4"; group_list="1000 1000000"; sizes="66"
else
  reps=${DATAPLANE_REPS:-5}; secs=${DATAPLANE_SECONDS:-2}
  egress_list="1 2 4 8 16"; group_list="1000 1000000"; sizes="66 128"
fi
warm=0.5
mem=${DATAPLANE_MEM_MB:-1024}
frames=65536
# The working files live in the build tree: shared /tmp gets cleaned by other jobs.
work=$(mktemp -d "$build/dataplane-bench.XXXXXX")

# Memory: 2 MiB hugepages, as a deployment uses them (README "Deploying on a real NIC"),
# when we may reserve them; otherwise --no-huge (4 KiB pages: every packet buffer costs a
# TLB miss, for testpmd and for us alike). DATAPLANE_HUGE=0 forces --no-huge. Pages we
# reserve and a hugetlbfs we mount are given back on exit.
hp_file=/proc/sys/vm/nr_hugepages
hp_before=$(cat "$hp_file" 2>/dev/null || echo 0)
hp_mounted=""
# testpmd leaves its EAL runtime directory behind (dataplane_bench removes its own).
if [[ $(id -u) == 0 ]]; then eal_run=/var/run/dpdk; else eal_run=${XDG_RUNTIME_DIR:-/tmp}/dpdk; fi
cleanup() {
  rm -rf "$work" "$eal_run/tandem-dp-tpmd-$$"
  [[ -n $hp_mounted ]] && umount "$hp_mounted" 2>/dev/null
  [[ $(cat "$hp_file" 2>/dev/null || echo "$hp_before") != "$hp_before" ]] &&
    echo "$hp_before" >"$hp_file" 2>/dev/null
  return 0
}
trap cleanup EXIT
huge=0
if [[ ${DATAPLANE_HUGE:-auto} != 0 && $(id -u) == 0 && -w $hp_file ]]; then
  need=$((mem / 2 + 64))
  free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
  (( free >= need )) || echo $((hp_before + need - free)) >"$hp_file" 2>/dev/null || true
  free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
  if ! awk '$3 == "hugetlbfs" {found=1} END {exit !found}' /proc/mounts; then
    mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages && hp_mounted=/dev/hugepages
  fi
  if (( free >= need )) && awk '$3 == "hugetlbfs" {found=1} END {exit !found}' /proc/mounts; then
    huge=1
  fi
fi
if (( huge )); then
  mem_flag=(--in-memory); bench_mem=(--huge); mem_mode=hugepages  # no hugepage files left
else
  mem_flag=(--no-huge --no-shconf); bench_mem=(); mem_mode=no-huge
fi
echo "dataplane.sh: memory: $mem_mode (-m $mem)" >&2
results=$work/results.jsonl

echo "dataplane.sh: writing ingress pcaps ($frames frames each) in $work" >&2
for size in $sizes; do
  for g in $group_list; do
    "$bench" --write-pcap "$work/in_${size}_${g}.pcap" --groups "$g" --frame-size "$size" \
      --max-frames "$frames"
  done
done

count_pps() {  # testpmd output file -> port 0 Rx-pps samples > 0, one a line
  [[ -f $1 ]] || return 0
  awk '/NIC statistics for port/ {port=$(NF-1)} /Rx-pps:/ && port == "0" && $2 > 0 {print $2}' "$1"
}

run_testpmd() {  # size
  # Non-interactive testpmd starts forwarding once it is up and prints port statistics every
  # second (Rx-pps is over the last period, timed by testpmd's TSC). Start-up time varies a
  # lot on a loaded machine, so wait for the samples, then drop the first (partial) one.
  local pcap=$work/in_$1_1000.pcap log=$work/testpmd.out pid need waited=0 pps
  need=$(awk -v s="$secs" 'BEGIN{printf "%d", s + 1.999}')
  "$testpmd" -l 0-1 "${mem_flag[@]}" -m "$mem" --no-telemetry --no-pci \
    --file-prefix "tandem-dp-tpmd-$$" --log-level '*:error' \
    --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev "net_null1,no-rx=1" \
    -- --forward-mode=io --nb-cores=1 --total-num-mbufs=$((frames + 16384)) \
    --stats-period 1 </dev/null >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && (( $(count_pps "$log" | wc -l) <= need )); do
    (( waited++ < 240 )) || break  # two minutes
    sleep 0.5
  done
  # testpmd's SIGTERM handler stops the ports from signal context and can hang; give it a
  # few seconds, then make sure it is gone.
  kill -TERM "$pid" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pps=$(count_pps "$log" | tail -n +2 | sort -n | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]}')
  [[ -n $pps ]] || { echo "dataplane.sh: testpmd gave no Rx-pps:" >&2; tail -20 "$log" >&2; exit 1; }
  echo "{\"kind\":\"testpmd\",\"frame\":$1,\"rx_mpps\":$(awk -v p="$pps" 'BEGIN{printf "%.4f", p/1e6}')}" >>"$results"
}

run_dp() {  # size groups egress [clone_threshold [extra bench flag]]
  local line
  line=$("$bench" --pcap "$work/in_$1_$2.pcap" --egress "$3" --groups "$2" --seconds "$secs" \
    --warmup "$warm" --mem "$mem" --max-frames "$frames" --frame-size "$1" \
    --clone-threshold "${4:-0}" "${bench_mem[@]}" ${5:+"$5"} 2>/dev/null) ||
    { echo "dataplane.sh: dataplane_bench failed for size=$1 G=$2 N=$3" >&2; exit 1; }
  echo "${line%\}},\"kind\":\"dp\"}" >>"$results"
}

for ((r = 1; r <= reps; r++)); do
  echo "dataplane.sh: round $r/$reps" >&2
  for size in $sizes; do
    run_testpmd "$size"
    for g in $group_list; do
      for n in $egress_list; do run_dp "$size" "$g" "$n"; done
    done
  done
  size0=${sizes%% *}
  run_dp "$size0" 1000 1 0 --rpf-iif
  if [[ ${DATAPLANE_CLONE_SWEEP:-0} == 1 ]]; then
    for size in 66 128 256 512 768 1024 1280 1500; do
      [[ -f $work/in_${size}_1000.pcap ]] ||
        "$bench" --write-pcap "$work/in_${size}_1000.pcap" --groups 1000 --frame-size "$size" --max-frames "$frames"
      run_dp "$size" 1000 4 1          # every replica cloned
      run_dp "$size" 1000 4 100000     # every replica copied
    done
  fi
done

python3 - "$results" "$mem_mode" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
mem_mode = sys.argv[2]
tp = {}
dp = {}
sweep = {}
rpf = []
for r in rows:
    if r["kind"] == "testpmd":
        tp.setdefault(r["frame"], []).append(r["rx_mpps"])
    elif r.get("rpf_iif"):
        rpf.append(r)
    elif r["clone_threshold"] in (1, 100000):
        sweep.setdefault((r["frame"], r["clone_threshold"]), []).append(r["cycles_per_packet"])
    else:
        dp.setdefault((r["frame"], r["groups"], r["egress"]), []).append(r)
tsc = next(r["tsc_hz"] for r in rows if r["kind"] == "dp")
med = statistics.median
def rng(v): return f"[{min(v):.2f}..{max(v):.2f}]"
print(f"# one worker lcore, TSC {tsc/1e9:.2f} GHz, {len(next(iter(tp.values())))} round(s), memory {mem_mode}")
for size, v in sorted(tp.items()):
    print(f"testpmd io   {size:4d} B: {med(v):6.2f} Mpps {rng(v)}  {tsc/(med(v)*1e6):6.1f} cycles/pkt")
print(f"{'frame':>5} {'groups':>8} {'N':>3} {'Mpps in':>8} {'range':>15} {'copies Mpps':>11} {'cyc/pkt':>8} {'vs io':>6}")
for (size, g, n), v in sorted(dp.items()):
    rx = [x["rx_mpps"] for x in v]
    cp = [x["copies_mpps"] for x in v]
    cy = [x["cycles_per_packet"] for x in v]
    print(f"{size:5d} {g:8d} {n:3d} {med(rx):8.2f} {rng(rx):>15} {med(cp):11.2f} {med(cy):8.1f} {med(rx)/med(tp[size]):6.2f}")

size0 = min(tp)
io_mpps = med(tp[size0])
io_cpp = tsc / (io_mpps * 1e6)
small_g = min(g for (_, g, _) in dp)
large_g = max(g for (_, g, _) in dp)
fwd = med([x["rx_mpps"] for x in dp[(size0, small_g, 1)]])
# Cycles per extra copy: least-squares slope of cycles/packet over N (G small, smallest frame).
pts = [(n, med([x["cycles_per_packet"] for x in v])) for (s, g, n), v in dp.items()
       if s == size0 and g == small_g]
mx = sum(p[0] for p in pts) / len(pts); my = sum(p[1] for p in pts) / len(pts)
den = sum((p[0] - mx) ** 2 for p in pts)
slope = sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else 0.0
cpp_small = med([x["cycles_per_packet"] for x in dp[(size0, small_g, 1)]])
cpp_large = med([x["cycles_per_packet"] for x in dp[(size0, large_g, 1)]])
print(f"cycles per extra copy (slope over N, {size0} B, G={small_g}): {slope:.1f}; "
      f"testpmd io cycles/pkt {io_cpp:.1f}")
print(f"G={large_g} vs G={small_g} at N=1: {cpp_large:.1f} vs {cpp_small:.1f} cycles/pkt "
      f"(above io: {cpp_large-io_cpp:.1f} vs {cpp_small-io_cpp:.1f})")
rpf_mpps = med([x["rx_mpps"] for x in rpf]) if rpf else 0.0
if rpf:
    print(f"RPF interface instead of upstream (N=1, {size0} B, G=1000): {rpf_mpps:.2f} Mpps "
          f"{rng([x['rx_mpps'] for x in rpf])}, "
          f"{med([x['cycles_per_packet'] for x in rpf]):.1f} cycles/pkt, vs io {rpf_mpps/io_mpps:.2f}")
if sweep:
    print("copy vs clone, N=4, median cycles/pkt:")
    cross = None
    for size in sorted({s for s, _ in sweep}):
        c = med(sweep[(size, 1)]); k = med(sweep[(size, 100000)])
        print(f"  {size:5d} B: clone {c:7.1f}  copy {k:7.1f}  -> {'copy' if k <= c else 'clone'}")
        if k > c and cross is None: cross = size
    print(f"  clone pays from about {cross} B" if cross else "  copy wins at every size measured")
print(json.dumps({"bench": "dataplane", "testpmd_io_mpps": round(io_mpps, 3),
                  "fwd_1to1_mpps": round(fwd, 3), "ratio_1to1": round(fwd / io_mpps, 3),
                  "cycles_per_extra_copy": round(slope, 1),
                  "ratio_copy_to_io_packet": round(slope / io_cpp, 3),
                  "ratio_1m_to_1k_groups": round(cpp_large / cpp_small, 3),
                  "ratio_1to1_rpf_iif": round(rpf_mpps / io_mpps, 3),
                  "memory": mem_mode}))
PY
