#!/usr/bin/env bash
# perf/pktgen/*.lua against the strict pktgen 23.06 mock (test_pktgen_scripts.lua).
# Usage: pktgen_lua_api_test.sh REPO_ROOT. Exit 77 (skip) when lua5.3 is missing.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v lua5.3 >/dev/null 2>&1; then
  echo "SKIP: lua5.3 is not installed (Debian package lua5.3; scripts/install-deps.sh installs it)"
  exit 77
fi
exec lua5.3 "$root/tests/pktgen/test_pktgen_scripts.lua" "$root"
