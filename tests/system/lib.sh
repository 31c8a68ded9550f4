# tests/system/lib.sh -- shared by the system tests. Source it.
#
# Every test builds its own lab with a unique prefix (ts<pid>), so tests, the demo and a
# lab someone left up never meet; the EXIT trap tears the lab down even when a check
# fails. Exit codes follow meson: 0 pass, 1 fail, 77 skip.
set -euo pipefail

SYS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SYS_DIR/../.." && pwd)"
export TANDEM_LAB_PREFIX=${TANDEM_LAB_PREFIX:-ts$$}
export TANDEM_LAB_STATE=${TANDEM_LAB_STATE:-/run/tandem-lab}
export TANDEM_BUILD=${TANDEM_BUILD:-$REPO/build}
# shellcheck source=../../scripts/lab/lib.sh
source "$REPO/scripts/lab/lib.sh"
source "$REPO/scripts/lab/ops.sh"

skip() { echo "SKIP: $*"; exit 77; }

sys_cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  lab_down >/dev/null 2>&1
  if ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P-" >/dev/null; then
    echo "cleanup: namespaces of $P left behind"
    rc=1
  fi
  exit $rc
}

require_root_netns() {
  [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
  command -v jq >/dev/null || skip "jq is not installed (scripts/install-deps.sh)"
  local probe="$P-probe"
  ip netns add "$probe" 2>/dev/null || skip "network namespaces refused here"
  ip netns del "$probe"
  trap sys_cleanup EXIT
  trap 'exit 130' INT TERM
}

require_tandemd() {
  lab_have_tandemd || skip "tandemd/tandemctl not built in $TANDEM_BUILD"
}

# for_each_flavour FUNCTION : run FUNCTION once per flavour of the reference procedure
# (SYS_FLAVOURS, default "common admin"; scripts/lab/lib.sh lab_flavour) in the lab that is
# up; every lab process is stopped after each, so the next flavour starts the pair afresh
# without paying for a second lab
for_each_flavour() {
  local flavour
  for flavour in ${SYS_FLAVOURS:-common admin}; do
    export TANDEM_LAB_FLAVOUR=$flavour
    say "--- $flavour flavour"
    "$1"
    lab_stop_all
  done
}
