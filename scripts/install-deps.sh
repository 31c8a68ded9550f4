#!/usr/bin/env bash
# Installs every Debian 12 package that tandem's build, tests, benchmarks and lab use.
# Idempotent: packages already present are not touched; apt-get update runs only when
# something is missing. It never stops, disables, masks or restarts a service: frr, keepalived
# and prometheus may be serving in production on this machine. The tests never use the system
# instances; each starts its own daemons with private config, pid files and sockets inside
# network namespaces (scripts/interop/, tests/interop/, tests/daemon/prometheus_scrape_test.sh).
set -euo pipefail

packages=(
  # build
  build-essential pkg-config meson ninja-build clang clang-format libclang-rt-14-dev
  libdpdk-dev dpdk dpdk-dev libboost-dev libflatbuffers-dev flatbuffers-compiler
  prometheus-cpp-dev libgtest-dev googletest libpcap-dev libssl-dev libsystemd-dev
  # tests, lab, benchmarks
  tshark tcpdump python3 python3-scapy iproute2 iputils-ping procps psmisc
  frr keepalived prometheus valgrind jq dpdk-doc
  lua5.3  # tests/pktgen: perf/pktgen/*.lua against a mock of pktgen's Lua binding
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
