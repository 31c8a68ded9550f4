#!/usr/bin/env bash
# The README's test command: installs what is missing, builds into build/, runs every test,
# then runs the codec and engine suites once more under ASan+UBSan (build-asan/).
# Exits non-zero on the first failing stage and prints the test summary.
set -euo pipefail

cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc)

step() { printf '\n== test.sh: %s\n' "$*"; }
fail() { printf 'test.sh: FAILED: %s\n' "$*" >&2; exit 1; }

step "dependencies"
bash scripts/install-deps.sh || fail "scripts/install-deps.sh"

# Every tracked C++ file as clang-format (.clang-format) would write it. Generated code (the
# flatc header) lives in the build tree and is not tracked; the pattern keeps it out anyway.
step "format (clang-format --dry-run --Werror)"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -d '' cxx_files < <(git ls-files -z -- '*.cc' '*.h' ':!:*_generated.h')
  [ ${#cxx_files[@]} -gt 0 ] || fail "no C++ files found"
  clang-format --dry-run --Werror "${cxx_files[@]}" \
    || fail "files not clang-formatted (above); run: clang-format -i FILE..."
  echo "${#cxx_files[@]} files formatted"
else
  echo "not a git work tree: format check skipped"
fi

configure() {  # configure DIR [meson options...]
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null || fail "meson setup $dir"
  else
    meson setup "$dir" "$@" || fail "meson setup $dir"
  fi
}

step "build (build/)"
start=$(date +%s)
configure build --buildtype=debugoptimized
ninja -C build -j "$jobs" || fail "build"
echo "build time: $(( $(date +%s) - start )) s"

# Tests that need root (namespaces, DPDK vdevs) run serially; the rest in parallel.
step "tests"
summary=$(mktemp)
set +e
meson test -C build --print-errorlogs --num-processes "$jobs" 2>&1 | tee "$summary"
rc=${PIPESTATUS[0]}
set -e

# The lab and interop suites run real routers with 10 ms BFD on 2 shared vCPUs: a process
# descheduled for 30 ms is a genuine (false) failover. Those suites, and only those, get one
# more try; the retry is printed so a flaky test stays visible.
retried=0
if [ "$rc" -ne 0 ]; then
  mapfile -t failed_timing < <(python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
failed, other = [], 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t.get("result") in ("OK", "SKIP", "EXPECTEDFAIL"):
        continue
    # "tandem:system+other / test_name"
    prefix, _, name = t["name"].partition(" / ")
    suites = prefix.partition(":")[2].split("+")
    if "system" in suites or "interop" in suites:
        failed.append(name)
    else:
        other += 1
if failed and not other:
    print("\n".join(failed))
PY
)
  if [ ${#failed_timing[@]} -gt 0 ]; then
    step "retrying timing-sensitive tests once: ${failed_timing[*]}"
    if meson test -C build --no-rebuild --print-errorlogs "${failed_timing[@]}"; then
      retried=${#failed_timing[@]}
      echo "test.sh: RETRIED and passed: ${failed_timing[*]}"
      rc=0
    fi
  fi
fi

asan_rc=0
if [ "${TANDEM_SKIP_ASAN:-0}" != 1 ]; then
  step "sanitizer build (build-asan/: ASan + UBSan) and the codec and engine suites"
  configure build-asan --buildtype=debug -Dsanitize=true -Db_lundef=false
  # Build only what the sanitize suite runs (not tandemd, the DPDK tests or benchmarks).
  mapfile -t asan_targets < <(meson introspect build-asan --tests | python3 -c '
import json, os, sys
root = os.path.realpath("build-asan")
for t in json.load(sys.stdin):
    if "sanitize" in t["suite"] or any(s.endswith(":sanitize") for s in t["suite"]):
        exe = os.path.realpath(t["cmd"][0])
        if exe.startswith(root + "/"):
            print(os.path.relpath(exe, root))
' | sort -u)
  [ ${#asan_targets[@]} -gt 0 ] || fail "no sanitize tests found"
  ninja -C build-asan -j "$jobs" "${asan_targets[@]}" || fail "sanitizer build"
  set +e
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    meson test -C build-asan --no-rebuild --print-errorlogs --num-processes "$jobs" \
      --suite sanitize 2>&1 | tee -a "$summary"
  asan_rc=${PIPESTATUS[0]}
  set -e
fi

ok=$(grep -E '^Ok:' "$summary" | awk '{s+=$2} END {print s+0}')
failed=$(grep -E '^Fail:' "$summary" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -E '^Skipped:' "$summary" | awk '{s+=$2} END {print s+0}')
timeouts=$(grep -E '^Timeout:' "$summary" | awk '{s+=$2} END {print s+0}')
rm -f "$summary"
failed=$((failed + timeouts - retried))
ok=$((ok + retried))
echo
echo "test.sh: ${ok} passed, ${failed} failed, ${skipped} skipped"
[ "$rc" -eq 0 ] && [ "$asan_rc" -eq 0 ] && [ "$failed" -eq 0 ] || exit 1
