#!/usr/bin/env bash
# The management surfaces under abuse, on a real tandemd (net_null vdevs):
#  - who may do what on the CLI socket: a caller that is neither root nor in --cli-group may
#    display but not commit, reset or batch-backup; a group member may commit a file it can
#    read, but not one it cannot (tandemctl opens it with the caller's rights), nor by a bare
#    path without the file itself;
#  - a slowloris of 1,000 connections (half trickling an unfinished request, half silent)
#    against the metrics port and 1,000 against the CLI socket, at once, leaves both answering
#    a real scrape / display within 1 s; the last scrape passes `promtool check metrics`.
# Needs root (DPDK, setpriv). Usage: tandemd_mgmt_test.sh TANDEMD TANDEMCTL
set -euo pipefail
tandemd=$1
tandemctl=$2
here=$(dirname "$0")
source "$here/single_tandemd_lib.sh"
single_tandemd_setup mgmt-test
command -v setpriv > /dev/null || { echo "SKIP: setpriv not installed"; exit 77; }
group=users  # any existing group that nobody (uid 65534) is not in
getent group "$group" > /dev/null || { echo "SKIP: no group $group"; exit 77; }
chmod 711 "$dir"  # the unprivileged callers reach the socket and their own files

cat > "$dir/a.cfg" <<CFG
interface ge0
 device net_null0
quit
metrics listen ::1 $port
CFG
chmod 644 "$dir/a.cfg"
cp "$dir/a.cfg" "$dir/secret.cfg"
chmod 600 "$dir/secret.cfg"

"$tandemd" --config "$dir/a.cfg" --socket "$sock" --cli-group "$group" -- --no-huge --no-shconf \
  -l 0 -m 256 --file-prefix "tandem-mgmt-test-$$" > "$dir/tandemd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; kill -0 "$pid" 2>/dev/null || fail "tandemd exited"; sleep 0.1; done
[ -S "$sock" ] || fail "no CLI socket after 10 s"

# The caller: nobody without groups ("other"), nobody in the group ("member"), root.
as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_member() { setpriv --reuid=65534 --regid=65534 --groups="$(getent group "$group" | cut -d: -f3)" "$@"; }
ctl() { "$tandemctl" --socket "$sock" "$@"; }

as_other "$tandemctl" --socket "$sock" display vrrp6 > /dev/null || fail "other cannot display"
for cmd in "commit $dir/a.cfg" "reset statistics" "reset mld statistics" "batch-backup now"; do
  if as_other "$tandemctl" --socket "$sock" $cmd > /dev/null 2> "$dir/err"; then
    fail "other may run: $cmd"
  fi
  grep -q "permission denied: only root and members of group $group" "$dir/err" \
    || fail "$cmd by other: $(cat "$dir/err")"
done
if as_member "$tandemctl" --socket "$sock" commit "$dir/secret.cfg" 2> "$dir/err"; then
  fail "member committed a file it cannot read"
fi
grep -q "cannot read $dir/secret.cfg: Permission denied" "$dir/err" || fail "secret: $(cat "$dir/err")"
# Straight to the socket, naming the path only: the daemon does not read it for the caller.
as_member /usr/bin/python3 - "$sock" "$dir/secret.cfg" > "$dir/out" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(f"tandem1 text commit {sys.argv[2]}\n".encode())
print(s.makefile("rb").read().decode(), end="")
PY
grep -q "^error" "$dir/out" && grep -q "commit needs the file passed by tandemctl" "$dir/out" \
  || fail "bare-path commit: $(cat "$dir/out")"
as_member "$tandemctl" --socket "$sock" commit "$dir/a.cfg" > "$dir/out" 2>&1 \
  || fail "member cannot commit a readable file: $(cat "$dir/out")"
as_member "$tandemctl" --socket "$sock" reset statistics > /dev/null || fail "member cannot reset"
ctl commit "$dir/secret.cfg" > /dev/null || fail "root cannot commit its own file"
echo "PASS: display for all; commit/reset/batch-backup for root and group $group only;" \
  "commit reads only what the caller can"

# The slowloris, on both surfaces at once.
python3 "$here/slowloris.py" --tcp ::1 "$port" --save-probe "$dir/scrape" > "$dir/metrics.out" 2>&1 &
m=$!
python3 "$here/slowloris.py" --unix "$sock" > "$dir/cli.out" 2>&1 &
c=$!
mrc=0 crc=0
wait "$m" || mrc=$?
wait "$c" || crc=$?
cat "$dir/metrics.out" "$dir/cli.out"
[ "$mrc" = 0 ] || fail "metrics did not answer within 1 s under the slowloris"
[ "$crc" = 0 ] || fail "the CLI did not answer within 1 s under the slowloris"
kill -0 "$pid" || fail "tandemd died"
# The flood was really shed (not all held): the server closed connections.
grep -q " [1-9][0-9]* closed by the server" "$dir/metrics.out" || fail "metrics shed nothing"
grep -q " [1-9][0-9]* closed by the server" "$dir/cli.out" || fail "CLI shed nothing"
sed -n '/^\r$/,$p' "$dir/scrape" | tail -n +2 > "$dir/m"
grep -q '^tandem_' "$dir/m" || fail "no tandem_ series in the scrape"
if command -v promtool > /dev/null; then
  promtool check metrics < "$dir/m" > "$dir/lint" 2>&1 || { cat "$dir/lint"; fail "promtool"; }
fi
ctl display vrrp6 > /dev/null || fail "CLI after the flood"
echo "PASS: metrics and CLI answered within 1 s under 2 x 1000 slowloris connections"
