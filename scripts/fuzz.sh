#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/) for SECONDS each, one after the other, with ASan+UBSan.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   fuzz (default 60 s per target; all targets)
#   scripts/fuzz.sh --merge [TARGET...]     add the inputs of the last runs that reach new
#                                           coverage to the committed seeds in fuzz/corpus/
#
# Configures build-fuzz/ with clang once (-Dfuzzers=true -Dsanitize=true, every library
# built with -fsanitize=fuzzer-no-link so libFuzzer sees coverage inside the code under
# test), builds only the fuzz targets, and runs each over its seeds (fuzz/corpus/<t>), the
# crash inputs recorded so far (fuzz/regressions/<t>) and a work corpus in
# build-fuzz/fuzz-work/<t>/ that grows across runs. Prints executions and findings per
# target. A crash, leak, timeout or out-of-memory input is copied to fuzz/regressions/<t>/
# (the g++ builds replay it in `meson test --suite fuzz` from then on) and makes the script
# exit 1. `scripts/fuzz.sh 5` is the short bounded run for CI.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_JOBS (ninja -j, default nproc).
set -uo pipefail

cd "$(dirname "$0")/.."
top=$(pwd)
build=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc)}

merge=0
seconds=60
if [ "${1:-}" = "--merge" ]; then
  merge=1
  shift
elif [ -n "${1:-}" ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
requested=("$@")

die() { printf 'fuzz.sh: %s\n' "$*" >&2; exit 2; }

command -v clang++ >/dev/null || die "clang++ not found (scripts/install-deps.sh installs clang)"

# ---- configure (once) and build ----
start=$(date +%s)
if [ ! -f "$build/build.ninja" ]; then
  setup_log=$(mktemp)
  CC=clang CXX=clang++ meson setup "$build" \
    -Dfuzzers=true -Dsanitize=true -Db_lundef=false --buildtype=debugoptimized \
    -Dcpp_args=-fsanitize=fuzzer-no-link >"$setup_log" 2>&1 ||
    { cat "$setup_log" >&2; rm -f "$setup_log"; die "meson setup $build failed"; }
  rm -f "$setup_log"
else
  # Re-run meson if a meson.build changed since (new targets must show up below).
  ninja -C "$build" build.ninja >/dev/null 2>&1 || die "reconfiguring $build failed"
fi

# The fuzz executables this configuration defines (a target whose component is missing is
# simply not defined).
mapfile -t available < <(meson introspect "$build" --targets | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["type"] == "executable" and t["name"].startswith("fuzz_") and not t["name"].endswith("_replay"):
        print(t["name"])' | sort)
[ ${#available[@]} -gt 0 ] || die "no fuzz targets defined in $build"

targets=()
if [ ${#requested[@]} -eq 0 ]; then
  targets=("${available[@]}")
else
  for t in "${requested[@]}"; do
    printf '%s\n' "${available[@]}" | grep -qx "$t" || die "unknown target $t (have: ${available[*]})"
    targets+=("$t")
  done
fi

ninja -C "$build" -j "$jobs" $(printf 'fuzz/%s ' "${targets[@]}") >"$build/fuzz-build.log" 2>&1 ||
  { tail -40 "$build/fuzz-build.log" >&2; die "build failed (full log: $build/fuzz-build.log)"; }
echo "fuzz.sh: built ${#targets[@]} targets in $(( $(date +%s) - start )) s"

# Longest input libFuzzer generates per target: a frame, a capture, an RBS byte stream, a
# config file.
max_len_for() {
  case "$1" in
    fuzz_pcap) echo 16384 ;;
    fuzz_rbs_frame) echo 16384 ;;
    fuzz_config) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# ---- merge mode ----
if [ "$merge" = 1 ]; then
  for t in "${targets[@]}"; do
    work="$build/fuzz-work/$t/corpus"
    mkdir -p "fuzz/corpus/$t" "$work"
    before=$(find "fuzz/corpus/$t" -type f | wc -l)
    "$build/fuzz/$t" -merge=1 -max_len="$(max_len_for "$t")" "fuzz/corpus/$t" "$work" \
      >"$build/fuzz-work/$t/merge.log" 2>&1 || die "$t: merge failed ($build/fuzz-work/$t/merge.log)"
    after=$(find "fuzz/corpus/$t" -type f | wc -l)
    printf 'fuzz.sh: %-26s seeds %d -> %d (%s)\n' "$t" "$before" "$after" \
      "$(du -sh "fuzz/corpus/$t" | cut -f1)"
  done
  exit 0
fi

# ---- fuzz ----
status=0
summary=()
for t in "${targets[@]}"; do
  dir="$build/fuzz-work/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts" "fuzz/corpus/$t"
  rm -f "$dir/artifacts"/*
  corpora=("$dir/corpus" "fuzz/corpus/$t")
  [ -d "fuzz/regressions/$t" ] && corpora+=("fuzz/regressions/$t")
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  log="$dir/fuzz.log"
  t0=$(date +%s)
  "$build/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -max_len="$(max_len_for "$t")" -artifact_prefix="$dir/artifacts/" \
    "${dict[@]}" "${corpora[@]}" >"$log" 2>&1
  rc=$?
  execs=$(grep -E '^stat::number_of_executed_units:' "$log" | tail -1 | awk '{print $2}')
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  [ -n "$execs" ] || execs=0
  rate=$(grep -E '^stat::average_exec_per_sec:' "$log" | tail -1 | awk '{print $2}')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  units=$(find "$dir/corpus" -type f | wc -l)
  findings=0
  for a in "$dir/artifacts"/*; do
    [ -f "$a" ] || continue
    findings=$((findings + 1))
    mkdir -p "fuzz/regressions/$t"
    cp -n "$a" "fuzz/regressions/$t/"
  done
  if [ "$rc" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
  summary+=("$(printf '%-26s %12s execs %8s/s  cov %6s  corpus %6s  findings %d  (%ds)' \
    "$t" "$execs" "${rate:-?}" "${cov:-?}" "$units" "$findings" "$(( $(date +%s) - t0 ))")")
  if [ "$findings" -ne 0 ]; then
    status=1
    if compgen -G "$dir/artifacts/*" >/dev/null; then
      echo "fuzz.sh: $t FOUND A PROBLEM (exit $rc); inputs copied to fuzz/regressions/$t/; log: $log"
    else
      echo "fuzz.sh: $t failed without a crash input (exit $rc); log: $log"
      tail -5 "$log"
    fi
    grep -E 'ERROR: |FUZZ_CHECK failed|runtime error|SUMMARY|^    #[0-9]+ ' "$log" | head -40
  fi
done

echo
echo "fuzz.sh: ${seconds} s per target, ASan+UBSan ($build)"
printf '  %s\n' "${summary[@]}"
echo "fuzz.sh: total $(( $(date +%s) - start )) s, $([ $status -eq 0 ] && echo 'no findings' || echo 'FINDINGS (see above)')"
exit $status
