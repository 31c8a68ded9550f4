#!/bin/bash
# tandemd_check_config_test.sh TANDEMD CONFIGS_DIR RENDER_SCRIPT: `tandemd --check-config`
# accepts every example config and every lab variant, and refuses a lab config whose RBP
# interface lost its `multicast ipv6 track` binding, naming FILE:LINE:COL of the RBP line.
# Parses files only: no DPDK, no namespaces.
set -euo pipefail
tandemd=$1 configs=$2 render=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$render" "$work/lab"
for f in "$configs"/*.cfg "$work"/lab/*.cfg; do
  "$tandemd" --check-config "$f" >/dev/null 2>"$work/err" || {
    echo "FAIL: $f refused:" >&2
    cat "$work/err" >&2
    exit 1
  }
done
bad="$work/no_binding.cfg"
grep -v 'multicast ipv6 track' "$work/lab/lab_master_admin_flood_rbp.cfg" >"$bad"
rbp_line=$(grep -n '^ remote-backup-profile rbp1' "$bad" | cut -d: -f1)
if "$tandemd" --check-config "$bad" >/dev/null 2>"$work/err"; then
  echo "FAIL: a config without the track binding was accepted" >&2
  exit 1
fi
want="$bad:$rbp_line:24: interface ge0 binds remote-backup-profile rbp1 but has no"
grep -qF "$want" "$work/err" || {
  echo "FAIL: expected '$want...', got:" >&2
  cat "$work/err" >&2
  exit 1
}
echo "OK: $(ls "$configs"/*.cfg "$work"/lab/*.cfg | wc -l) configs accepted, missing binding refused"
