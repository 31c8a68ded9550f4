// The data plane's side of RouterCore for tests without DPDK: a FIB kept in a map and the
// frames the core sends, parsed.
#pragma once

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "control/daemon/core/packet_io.h"
#include "control/wire/frame.h"

namespace tandem::daemon {

class FakeFib : public dataplane::FibWriter {
 public:
  using Key = std::pair<wire::Ipv6Address, wire::Ipv6Address>;  // (S or ::, G)
  std::map<Key, dataplane::PortMask> entries;                   // the egress ports of every entry
  std::map<Key, dataplane::FibRoute> routes;  // the whole entry: egress, iif, notify
  std::map<dataplane::PortIndex, bool> gates, upstreams, rpf_notifies;
  std::map<dataplane::PortIndex, wire::MacAddress> macs;
  using dataplane::FibWriter::upsert;
  // As dataplane::Fib: refuses ports and RPF interfaces beyond kMaxPorts (kNoIif aside).
  bool upsert(const wire::Ipv6Address& s, const wire::Ipv6Address& g,
              const dataplane::FibRoute& r) override {
    if ((r.egress & ~dataplane::kRoutePorts) != 0) return false;
    if (r.iif >= dataplane::kMaxPorts && r.iif != dataplane::kNoIif) return false;
    entries[{s, g}] = r.egress;
    routes[{s, g}] = r;
    return true;
  }
  bool remove(const wire::Ipv6Address& s, const wire::Ipv6Address& g) override {
    routes.erase({s, g});
    return entries.erase({s, g}) != 0;
  }
  void clear() override {
    entries.clear();
    routes.clear();
  }
  void set_gate(dataplane::PortIndex p, bool open) override { gates[p] = open; }
  void set_upstream(dataplane::PortIndex p, bool u) override { upstreams[p] = u; }
  void set_rpf_notify(dataplane::PortIndex p, bool n) override { rpf_notifies[p] = n; }
  bool rpf_notify(dataplane::PortIndex p) const {
    auto it = rpf_notifies.find(p);
    return it != rpf_notifies.end() && it->second;
  }
  void set_src_mac(dataplane::PortIndex p, const wire::MacAddress& m) override { macs[p] = m; }
  size_t reclaim() override { return 0; }
  size_t size() const override { return entries.size(); }
  size_t capacity() const override { return 1000; }
  bool gate(dataplane::PortIndex p) const override {
    auto it = gates.find(p);
    return it != gates.end() && it->second;
  }
  bool upstream(dataplane::PortIndex p) const override {
    auto it = upstreams.find(p);
    return it != upstreams.end() && it->second;
  }
  wire::MacAddress src_mac(dataplane::PortIndex p) const override {
    auto it = macs.find(p);
    return it == macs.end() ? wire::MacAddress{} : it->second;
  }
};

class FakeIo : public PacketIo {
 public:
  FakeFib fib_;
  std::vector<std::pair<uint32_t, wire::Frame>> sent;
  bool send(uint32_t ifindex, std::span<const uint8_t> frame) override {
    sent.emplace_back(ifindex, wire::parse_frame(frame));
    return true;
  }
  dataplane::FibWriter& fib() override { return fib_; }
  std::set<std::pair<uint32_t, wire::MacAddress>> virtual_macs;  // programmed on the ports now
  void set_virtual_mac(uint32_t ifindex, const wire::MacAddress& mac, bool add) override {
    if (add)
      virtual_macs.insert({ifindex, mac});
    else
      virtual_macs.erase({ifindex, mac});
  }
  size_t count(wire::PacketKind k) const {
    size_t n = 0;
    for (const auto& [i, f] : sent) n += f.kind == k;
    return n;
  }
};

}  // namespace tandem::daemon
