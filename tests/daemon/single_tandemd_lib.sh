# tests/daemon/single_tandemd_lib.sh -- what the one-tandemd end-to-end tests share. Source it
# after setting `tandemd` and `tandemctl`:  single_tandemd_setup NAME
#   - skips (exit 77) unless root (DPDK needs it);
#   - makes $dir (a fresh temporary directory), $sock (the CLI socket path in it) and $port (a
#     random metrics port), and removes the directory and kills $pid (if the test started a
#     tandemd and set it) on exit;
#   - fail MESSAGE: prints it with tandemd's log ($dir/tandemd.log) and exits 1.
fail() {
  echo "FAIL: $*" >&2
  [ -f "$dir/tandemd.log" ] && sed 's/^/  tandemd| /' "$dir/tandemd.log" >&2
  exit 1
}

single_tandemd_cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}

single_tandemd_setup() {
  [ "$(id -u)" = 0 ] || { echo "SKIP: needs root for DPDK"; exit 77; }
  dir=$(mktemp -d "/tmp/tandem-$1.XXXXXX")
  pid=
  trap single_tandemd_cleanup EXIT
  sock=$dir/tandemd.sock
  port=$((20000 + RANDOM % 20000))
}
