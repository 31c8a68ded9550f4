// Service groups following an mVRRP6 in the core, on simulated time (docs/configuration.md,
// "Service groups: flowdown and unflowdown"). Another router's mVRRP6 advertises a higher
// priority on ge0, so ours stays Backup and the service group vrid 1 with it:
//   flowdown (default): ge0 forwards nothing, sends no MLD queries, ignores reports, answers
//     no NS for vrid 1's virtual addresses, and still takes the peer's replicated records;
//   unflowdown: only the gate is closed, MLD and ND run as usual.
// When the other router goes quiet, our mVRRP6 becomes Master and everything returns at once.
#include <gtest/gtest.h>

#include "control/daemon/config/parser.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/daemon/core/router_core.h"
#include "control/wire/frame.h"
#include "control/wire/nd.h"
#include "tests/daemon/fake_io.h"

namespace tandem::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using wire::Ipv6Address;
using wire::MacAddress;

std::string config_text(bool flowdown) {
  return std::string(R"(
multicast ipv6 routing-enable
interface up0
 device net_null0
 ipv6 address 2001:db8:100::2/64
 multicast ipv6 upstream
quit
interface ge0
 device net_null1
 ipv6 address 2001:db8:1::2/64
 ipv6 address auto link-local
 pim ipv6 sm
 mld enable
 vrrp6 vrid 1 virtual-ip fe80::1 link-local
 vrrp6 vrid 1 virtual-ip 2001:db8:1::1
 vrrp6 vrid 2 virtual-ip fe80::2 link-local
 vrrp6 vrid 2 priority 120
 admin-vrrp6 vrid 2
 multicast ipv6 track admin-vrrp6 interface ge0 vrid 2
 vrrp6 vrid 1 track admin-vrrp6 interface ge0 vrid 2)") +
         (flowdown ? "" : " unflowdown") + "\nquit\n";
}

const Ipv6Address kVip = Ipv6Address::must_parse("2001:db8:1::1");
const Ipv6Address kOwn = Ipv6Address::must_parse("2001:db8:1::2");
const Ipv6Address kHost = Ipv6Address::must_parse("2001:db8:1::50");
const MacAddress kHostMac = *MacAddress::parse("02:00:00:00:aa:01");
const Ipv6Address kGroup = Ipv6Address::must_parse("ff05::db8:1");
const Ipv6Address kPeerGroup = Ipv6Address::must_parse("ff05::db8:2");

struct ServiceFixture {
  FakeIo io;
  RouterCore core{io, nullptr, 7};
  TimePoint now{};
  bool other_master_advertises = true;

  explicit ServiceFixture(bool flowdown) {
    auto r = config::parse_config(config_text(flowdown), "t.cfg");
    EXPECT_TRUE(r.ok()) << config::format_errors(r.errors);
    core.apply(r.config,
               {*MacAddress::parse("02:00:00:00:00:02"), *MacAddress::parse("02:00:00:00:00:01")},
               now);
    other_advert();
  }
  uint32_t ge0() const { return core.interfaces().ifindex("ge0"); }
  // The other router's mVRRP6 (priority 200, 1 s interval) on ge0.
  void other_advert() {
    wire::VrrpAdvertSpec a;
    a.vrid = 2;
    a.priority = 200;
    a.addresses = {Ipv6Address::must_parse("fe80::2")};
    core.on_frame(ge0(), wire::build_vrrp_advert_frame(Ipv6Address::must_parse("fe80::9"), a), now);
  }
  // Advances in 100 ms steps, the other router advertising every second while it is there.
  void advance(Duration d) {
    const TimePoint end = now + d;
    TimePoint next_advert = now + seconds(1);
    while (now < end) {
      now = std::min(end, now + milliseconds(100));
      if (other_master_advertises && now >= next_advert) {
        other_advert();
        next_advert += seconds(1);
      }
      while (core.next_deadline() <= now) core.on_timer(core.next_deadline());
    }
  }
  void ns(const Ipv6Address& target) {
    wire::L2L3Spec l;
    l.src_mac = kHostMac;
    l.src = kHost;
    l.dst = target.solicited_node();
    l.hop_limit = 255;  // RFC 4861 §7.1.1
    core.on_frame(ge0(), wire::build_icmpv6_frame(l, wire::build_ns_body(target, kHostMac)), now);
  }
  size_t nas_for(const Ipv6Address& target) const {
    size_t n = 0;
    for (const auto& [i, f] : io.sent)
      n += f.kind == wire::PacketKind::nd_na && f.nd.target == target;
    return n;
  }
  void report(const Ipv6Address& group) {
    core.on_frame(ge0(),
                  wire::build_mld_v2_report_frame(kHostMac, Ipv6Address::must_parse("fe80::aa"),
                                                  {{wire::MldRecordType::to_ex, group, {}}}),
                  now);
  }
  // What MldGroupStore does with a record from the RBS peer (the Master's state).
  bool peer_record(const Ipv6Address& group) {
    replication::GroupRecord r;
    r.key = replication::GroupKey{10, "ge0", group};
    r.mode = replication::FilterMode::exclude;
    r.filter_timer_ms = 200000;
    return core.mld().apply_upsert(to_mld_view(r, ge0()), now);
  }
  bool passive() { return core.mld().interface_status(ge0(), now)->passive; }
  std::string state(uint8_t vrid) {
    for (const auto& g : core.vrrp6_snapshot(now).groups)
      if (g.vrid == vrid) return g.state;
    return "missing";
  }
};

TEST(CoreFlowdown, BackupServiceInterfaceCarriesNoServiceAndReturnsAtOnce) {
  ServiceFixture f(/*flowdown=*/true);
  f.advance(seconds(10));
  ASSERT_EQ(f.state(2), "Backup");
  ASSERT_EQ(f.state(1), "Backup");
  f.io.sent.clear();
  f.advance(seconds(200));  // more than a query interval (125 s)
  EXPECT_EQ(f.io.count(wire::PacketKind::mld_query), 0u);
  EXPECT_TRUE(f.passive());
  EXPECT_FALSE(f.io.fib_.gate(0));  // ge0 is port 0
  // Reports are left to the Master; the peer's records still land.
  f.report(kGroup);
  EXPECT_FALSE(f.core.mld().find_group(f.ge0(), kGroup, f.now).has_value());
  EXPECT_TRUE(f.peer_record(kPeerGroup));
  EXPECT_TRUE(f.core.mld().find_group(f.ge0(), kPeerGroup, f.now).has_value());
  // ND: own addresses answered, the service group's virtual address not.
  f.ns(kOwn);
  f.ns(kVip);
  EXPECT_EQ(f.nas_for(kOwn), 1u);
  EXPECT_EQ(f.nas_for(kVip), 0u);

  // The other router goes quiet: Master_Down_Timer (3 x 1 s + skew) and ours takes over.
  f.other_master_advertises = false;
  f.io.sent.clear();
  f.advance(seconds(4));
  ASSERT_EQ(f.state(2), "Master");
  EXPECT_EQ(f.state(1), "Master");
  EXPECT_TRUE(f.io.fib_.gate(0));
  EXPECT_FALSE(f.passive());
  EXPECT_EQ(f.io.count(wire::PacketKind::mld_query), 1u);  // one general query at once
  EXPECT_GE(f.nas_for(kVip), 1u);                          // unsolicited, RFC 5798 §6.4.2
  EXPECT_TRUE(f.core.mld().find_group(f.ge0(), kPeerGroup, f.now).has_value());
  f.io.sent.clear();
  f.ns(kVip);
  EXPECT_EQ(f.nas_for(kVip), 1u);
}

// Stopping tandemd removes every group, yet a held interface must not wake on the way out;
// a reload that changes the service group keeps it held throughout.
TEST(CoreFlowdown, HeldInterfaceStaysSilentThroughReloadAndShutdown) {
  ServiceFixture f(/*flowdown=*/true);
  f.advance(seconds(10));
  ASSERT_EQ(f.state(1), "Backup");
  auto changed = config::parse_config(
      config_text(true) + "interface ge0\n vrrp6 vrid 1 virtual-ip 2001:db8:1::7\nquit\n", "t.cfg");
  ASSERT_TRUE(changed.ok()) << config::format_errors(changed.errors);
  f.io.sent.clear();
  ASSERT_TRUE(f.core.reload(changed.config, f.now).ok);
  f.advance(seconds(1));
  EXPECT_EQ(f.state(1), "Backup");
  EXPECT_TRUE(f.passive());
  EXPECT_FALSE(f.io.fib_.gate(0));
  f.core.shutdown(f.now);
  EXPECT_EQ(f.io.count(wire::PacketKind::mld_query), 0u);
  EXPECT_FALSE(f.io.fib_.gate(0));
}

TEST(CoreFlowdown, UnflowdownClosesOnlyTheGate) {
  ServiceFixture f(/*flowdown=*/false);
  f.advance(seconds(10));
  ASSERT_EQ(f.state(2), "Backup");
  ASSERT_EQ(f.state(1), "Backup");
  f.io.sent.clear();
  f.advance(seconds(200));
  EXPECT_GE(f.io.count(wire::PacketKind::mld_query), 1u);
  EXPECT_FALSE(f.passive());
  EXPECT_FALSE(f.io.fib_.gate(0));
  f.report(kGroup);
  EXPECT_TRUE(f.core.mld().find_group(f.ge0(), kGroup, f.now).has_value());
  f.ns(kOwn);
  f.ns(kVip);
  EXPECT_EQ(f.nas_for(kOwn), 1u);
  EXPECT_EQ(f.nas_for(kVip), 0u);  // the virtual addresses belong to the Master
  f.other_master_advertises = false;
  f.advance(seconds(4));
  ASSERT_EQ(f.state(2), "Master");
  EXPECT_TRUE(f.io.fib_.gate(0));
}

}  // namespace
}  // namespace tandem::daemon
