#!/usr/bin/env bash
# scripts/tandemd.service is a valid unit (systemd-analyze verify, with the binaries pointed at
# the build) and its sandbox keeps an exposure of at most 6.0 (systemd-analyze security; the
# unit before hardening scored 9.6). Skips (77) without systemd-analyze.
# Usage: systemd_unit_test.sh UNIT TANDEMD TANDEMCTL
set -euo pipefail
unit=$1 tandemd=$2 tandemctl=$3
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }
dir=$(mktemp -d /tmp/tandem-unit-test.XXXXXX)
trap 'rm -rf "$dir"' EXIT
sed -e "s|/usr/local/sbin/tandemd|$tandemd|g" -e "s|/usr/local/sbin/tandemctl|$tandemctl|g" \
  "$unit" > "$dir/tandemd.service"
grep -q "^Type=notify" "$unit" || { echo "FAIL: not Type=notify"; exit 1; }
grep -q "^ExecReload=.*/tandemctl .*commit" "$unit" \
  || { echo "FAIL: ExecReload does not run tandemctl commit (a refused reload must fail)"; exit 1; }
out=$(systemd-analyze verify "$dir/tandemd.service" 2>&1) || { echo "FAIL: verify: $out"; exit 1; }
[ -z "$out" ] || { echo "FAIL: systemd-analyze verify complains:"; echo "$out"; exit 1; }
if ! sec=$(systemd-analyze security --offline=true --threshold=60 "$dir/tandemd.service" 2>&1); then
  echo "$sec" | grep -E '^→' || true
  echo "FAIL: exposure above 6.0"
  exit 1
fi
echo "$sec" | tail -1
echo "PASS: unit verifies; $(echo "$sec" | grep -o 'exposure level.*')"
