#!/usr/bin/env bash
# The FIB is sized from `mld global limit groups|sources` (control/daemon/fib_sizing.h):
#  1. a config with small limits starts on EAL's default memory (--no-huge, no -m: 64 MB);
#  2. a reload that raises the limits past the FIB says so (the FIB is sized at start);
#  3. the largest limits on -m 256 do not start, and the error says how much memory the FIB
#     needs and which config lines size it.
# Needs root (DPDK). Usage: tandemd_fib_sizing_test.sh TANDEMD TANDEMCTL
set -euo pipefail
tandemd=$1
tandemctl=$2
source "$(dirname "$0")/single_tandemd_lib.sh"
single_tandemd_setup daemon-fib-sizing

write_config() {  # write_config FILE GROUPS SOURCES
  cat > "$1" <<CFG
mld global limit groups $2
mld global limit sources $3
interface ge0
 device net_null0
 ipv6 address 2001:db8:1::2/64
quit
CFG
}
eal=(--no-huge --no-shconf -l 0 --file-prefix "tandem-daemon-fib-$$")

# 1. Small limits, EAL's default memory.
write_config "$dir/small.cfg" 1000 4000
"$tandemd" --config "$dir/small.cfg" --socket "$sock" -- "${eal[@]}" > "$dir/tandemd.log" 2>&1 &
pid=$!
for _ in $(seq 150); do [ -S "$sock" ] && break; kill -0 "$pid" 2>/dev/null || fail "tandemd exited"; sleep 0.1; done
[ -S "$sock" ] || fail "no CLI socket after 15 s"
grep -q "FIB: room for 5000 entries (mld global limit groups 1000 + sources 4000)" "$dir/tandemd.log" \
  || fail "the FIB is not sized from the limits"

# 2. A reload past the FIB's size is applied, and says the FIB waits for a restart.
write_config "$dir/bigger.cfg" 2000 8000
out=$("$tandemctl" --socket "$sock" commit "$dir/bigger.cfg") || fail "reload refused: $out"
echo "$out" | grep -q "allow 10000 entries but the FIB was sized for 5000" \
  || fail "reload past the FIB size not reported: $out"
kill -TERM "$pid"
wait "$pid" || fail "tandemd exit status $?"
pid=

# 3. The largest limits do not fit in 256 MB: a clear error, not a crash.
write_config "$dir/huge.cfg" 16000000 64000000
if "$tandemd" --config "$dir/huge.cfg" --socket "$sock" -- "${eal[@]}" -m 256 \
    > "$dir/tandemd.log" 2>&1; then
  fail "tandemd started with an 80,000,000-entry FIB in 256 MB"
fi
need=$(grep -o "need about [0-9]* MiB of EAL memory" "$dir/tandemd.log" | head -1 | grep -o "[0-9]*") \
  || fail "the error does not say how much memory the FIB needs"
[ "$need" -gt 256 ] || fail "the FIB's need ($need MiB) is not above the 256 MB it lacked"
grep -q "room for 80000000 entries (mld global limit groups 16000000 + sources 64000000)" \
  "$dir/tandemd.log" || fail "the error does not name the limits that size the FIB"
echo "PASS: small limits start in EAL's default memory; huge limits need $need MiB and say so"
