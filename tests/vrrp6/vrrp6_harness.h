// Simulated-time harness for VRRP6 tests: a Manager, a clock that only moves when the test
// says so, and everything the engine emitted, collected in order.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "control/common/time.h"
#include "control/vrrp6/manager.h"
#include "control/wire/address.h"

namespace tandem::vrrp6::testing {

inline wire::Ipv6Address A(const char* s) {
  return wire::Ipv6Address::must_parse(s);
}

// A parsed advert as the wire layer hands it over (AddressList views bytes it owns).
struct Advert {
  std::shared_ptr<std::vector<uint8_t>> raw = std::make_shared<std::vector<uint8_t>>();
  wire::VrrpAdvert a;

  Advert(uint8_t vrid, uint8_t priority, const std::vector<wire::Ipv6Address>& addrs,
         uint16_t interval_cs = 100) {
    for (const auto& x : addrs) raw->insert(raw->end(), x.bytes.begin(), x.bytes.end());
    a.vrid = vrid;
    a.priority = priority;
    a.count = static_cast<uint8_t>(addrs.size());
    a.max_adver_int_cs = interval_cs;
    a.addresses.raw = std::span<const uint8_t>(raw->data(), raw->size());
  }
};

inline std::vector<wire::Ipv6Address> vips() {
  return {A("fe80::1"), A("2001:db8:1::1")};
}

inline InstanceConfig make_config(uint8_t priority = kPriorityDefault, uint32_t ifindex = 1,
                                  uint8_t vrid = 1, const char* local = "fe80::2") {
  InstanceConfig c;
  c.ifindex = ifindex;
  c.ifname = "ge" + std::to_string(ifindex - 1);
  c.vrid = vrid;
  c.local_address = A(local);
  c.virtual_addresses = vips();
  c.priority = priority;
  return c;
}

struct Harness {
  std::vector<std::string> logs;
  Manager mgr{[this](LogLevel, std::string_view sub, std::string_view line) {
    logs.push_back(std::string(sub) + ": " + std::string(line));
  }};
  TimePoint now{};
  Actions seen;  // everything emitted so far

  void collect() {
    Actions a = mgr.take_actions();
    auto append = [](auto& to, auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(seen.adverts, a.adverts);
    append(seen.neighbor_adverts, a.neighbor_adverts);
    append(seen.state_changes, a.state_changes);
    append(seen.vmac_changes, a.vmac_changes);
    append(seen.flowdown_changes, a.flowdown_changes);
  }
  void clear() { seen.clear(); }

  std::string add(InstanceConfig c) {
    std::string err = mgr.add_instance(std::move(c), now);
    collect();
    return err;
  }
  // Runs every timer up to and including `t`, at the instant it is due.
  void advance_to(TimePoint t) {
    while (mgr.next_deadline() <= t) {
      now = mgr.next_deadline();
      mgr.on_timer(now);
      collect();
    }
    now = t;
  }
  void advance(Duration d) { advance_to(now + d); }
  void advert(const wire::Ipv6Address& src, const Advert& adv, uint32_t ifindex = 1) {
    mgr.on_advert(ifindex, src, adv.a, now);
    collect();
  }
  State state(uint32_t ifindex = 1, uint8_t vrid = 1) const {
    const Instance* i = mgr.find(ifindex, vrid);
    EXPECT_NE(i, nullptr);
    return i ? i->state() : State::initialize;
  }
  Instance& inst(uint32_t ifindex = 1, uint8_t vrid = 1) { return *mgr.find(ifindex, vrid); }
  Duration since_start() const { return now - TimePoint{}; }
};

}  // namespace tandem::vrrp6::testing
