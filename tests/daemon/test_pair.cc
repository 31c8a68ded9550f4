// Two control cores on one simulated LAN (each one's frames are the other's punts): VRRP6
// elects the higher priority, the Backup's MLD is passive on the RBP-bound interface
// (DESIGN.md §4), and when the Master resigns the Backup takes over, goes active and queries.
#include <gtest/gtest.h>

#include <deque>

#include "control/daemon/config/parser.h"
#include "control/daemon/core/router_core.h"
#include "control/wire/frame.h"
#include "tests/daemon/fake_io.h"

namespace tandem::daemon {
namespace {

using wire::Ipv6Address;
using wire::MacAddress;

// Frames sent on ge0 are queued for the peer's ge0.
struct LanIo : PacketIo {
  FakeFib fib_;
  std::deque<std::pair<uint32_t, std::vector<uint8_t>>>* to_peer = nullptr;
  std::vector<wire::Frame> sent;
  bool send(uint32_t ifindex, std::span<const uint8_t> frame) override {
    to_peer->emplace_back(ifindex, std::vector<uint8_t>(frame.begin(), frame.end()));
    sent.push_back(wire::parse_frame(frame));
    return true;
  }
  dataplane::FibWriter& fib() override { return fib_; }
  void set_virtual_mac(uint32_t, const wire::MacAddress&, bool) override {}
};

std::string router_config(int priority, const char* self, const char* peer) {
  return std::string(R"(
remote-backup-service rbs1
 peer-ipv6 )") +
         peer + " source-ipv6 " + self + R"( port 2046

 shutdown
quit
remote-backup-profile rbp1
 backup-id 10 remote-backup-service rbs1
 vrrp6-id 1 interface ge0
quit
multicast ipv6 routing-enable
interface ge0
 device net_null0
 pim ipv6 sm
 mld enable
 vrrp6 vrid 1 virtual-ip fe80::1 link-local
 vrrp6 vrid 1 priority )" +
         std::to_string(priority) + R"(
 multicast ipv6 track vrrp6 vrid 1
 remote-backup-profile rbp1
quit
)";
}

struct Pair : ::testing::Test {
  std::deque<std::pair<uint32_t, std::vector<uint8_t>>> a_to_b, b_to_a;
  LanIo io_a, io_b;
  RouterCore a{io_a, null_log_sink(), 1};
  RouterCore b{io_b, null_log_sink(), 2};
  TimePoint now{};
  bool a_to_b_up = true, b_to_a_up = true;  // false: the LAN loses that direction

  void SetUp() override {
    io_a.to_peer = &a_to_b;
    io_b.to_peer = &b_to_a;
    // The RBS is `shutdown` (no sockets in a unit test): roles and VRRP6 are under test here.
    auto ca = config::parse_config(router_config(120, "2001:db8:10::1", "2001:db8:10::2"), "a");
    auto cb = config::parse_config(router_config(100, "2001:db8:10::2", "2001:db8:10::1"), "b");
    ASSERT_TRUE(ca.ok()) << config::format_errors(ca.errors);
    ASSERT_TRUE(cb.ok()) << config::format_errors(cb.errors);
    auto problems = a.apply(ca.config, {*MacAddress::parse("02:00:00:00:00:0a")}, now);
    EXPECT_TRUE(problems.empty()) << problems[0];
    b.apply(cb.config, {*MacAddress::parse("02:00:00:00:00:0b")}, now);
    deliver();
  }
  void deliver() {
    for (int i = 0; i < 100 && (!a_to_b.empty() || !b_to_a.empty()); ++i) {
      if (!a_to_b_up) a_to_b.clear();
      if (!b_to_a_up) b_to_a.clear();
      while (!a_to_b.empty()) {
        auto [ifi, f] = a_to_b.front();
        a_to_b.pop_front();
        b.on_frame(ifi, f, now);
      }
      while (!b_to_a.empty()) {
        auto [ifi, f] = b_to_a.front();
        b_to_a.pop_front();
        a.on_frame(ifi, f, now);
      }
    }
  }
  void run_for(Duration d) {
    TimePoint end = now + d;
    for (;;) {
      TimePoint next = std::min(a.next_deadline(), b.next_deadline());
      if (next > end) break;
      now = std::max(now, next);
      a.on_timer(now);
      b.on_timer(now);
      deliver();
    }
    now = end;
  }
  std::string state(RouterCore& r) { return r.vrrp6_snapshot(now).groups.at(0).state; }
  void host_joins(const Ipv6Address& g) {
    auto frame = wire::build_mld_v2_report_frame(*MacAddress::parse("02:00:00:00:aa:01"),
                                                 Ipv6Address::must_parse("fe80::aa"),
                                                 {{wire::MldRecordType::to_ex, g, {}}});
    a.on_frame(1, frame, now);
    b.on_frame(1, frame, now);
    deliver();
  }
};

TEST_F(Pair, HigherPriorityBecomesMasterAndTheOtherBackup) {
  run_for(std::chrono::seconds(6));
  EXPECT_EQ(state(a), "Master");
  EXPECT_EQ(state(b), "Backup");
  EXPECT_EQ(a.rbp_snapshot("").profiles.at(0).state, "master");
  EXPECT_EQ(b.rbp_snapshot("").profiles.at(0).state, "backup");
  EXPECT_TRUE(io_a.fib_.gate(0));
  EXPECT_FALSE(io_b.fib_.gate(0));
}

TEST_F(Pair, BackupIgnoresReportsOnTheRbpInterface) {
  run_for(std::chrono::seconds(6));
  EXPECT_FALSE(a.mld_interface_snapshot("ge0", now).interfaces.at(0).backup_mode);
  EXPECT_TRUE(b.mld_interface_snapshot("ge0", now).interfaces.at(0).backup_mode);
  Ipv6Address g = Ipv6Address::must_parse("ff05::db8:1");
  host_joins(g);
  EXPECT_EQ(a.mld_group_snapshot("", now).groups.size(), 1u);
  EXPECT_EQ(b.mld_group_snapshot("", now).groups.size(), 0u);  // its state comes from the RBS
  EXPECT_EQ(io_a.fib_.entries.size(), 1u);
  EXPECT_EQ(io_b.fib_.entries.size(), 0u);
}

TEST_F(Pair, BackupTakesOverWhenTheMasterResignsAndQueriesAtOnce) {
  run_for(std::chrono::seconds(6));
  io_b.sent.clear();
  a.shutdown(now);  // priority-0 advert (RFC 5798 §6.4.3 → Backup waits only Skew_Time)
  deliver();
  run_for(std::chrono::seconds(1));
  EXPECT_EQ(state(b), "Master");
  EXPECT_TRUE(io_b.fib_.gate(0));
  EXPECT_FALSE(b.mld_interface_snapshot("ge0", now).interfaces.at(0).backup_mode);
  bool queried = false;
  for (const auto& f : io_b.sent) queried |= f.kind == wire::PacketKind::mld_query;
  EXPECT_TRUE(queried) << "the new Master sends a general query on becoming active";
}

// Split brain through the whole core: the display row and the metrics carry the engine's alarm.
TEST_F(Pair, SplitBrainAlarmShowsInDisplayAndMetricsUntilTheOtherMasterStepsDown) {
  run_for(std::chrono::seconds(6));
  a_to_b_up = b_to_a_up = false;  // LAN cut: b takes over after its Master_Down_Interval
  run_for(std::chrono::seconds(5));
  ASSERT_EQ(state(a), "Master");
  ASSERT_EQ(state(b), "Master");
  EXPECT_FALSE(a.vrrp6_snapshot(now).groups.at(0).split_brain);
  b_to_a_up = true;  // a hears b, b does not hear a's re-announcements yet
  run_for(std::chrono::seconds(3));
  auto row = a.vrrp6_snapshot(now).groups.at(0);
  EXPECT_TRUE(row.split_brain);
  EXPECT_EQ(row.split_brain_events, 1u);
  EXPECT_EQ(row.split_brain_evidence, "advert_we_win");
  EXPECT_EQ(row.split_brain_other_master, b.vrrp6_snapshot(now).groups.at(0).local_ip);
  metrics::MetricsSnapshot m;
  a.fill_metrics(m, now);
  ASSERT_EQ(m.vrrp6.size(), 1u);
  EXPECT_TRUE(m.vrrp6[0].split_brain);
  EXPECT_EQ(m.vrrp6[0].split_brain_events, 1u);
  a_to_b_up = true;  // b hears a's next advert (120 > 100) and steps down (RFC 5798 6.4.3)
  run_for(std::chrono::seconds(1));
  EXPECT_EQ(state(b), "Backup");
  run_for(std::chrono::seconds(4));  // b's Master_Down_Interval of silence
  row = a.vrrp6_snapshot(now).groups.at(0);
  EXPECT_FALSE(row.split_brain);
  EXPECT_EQ(row.split_brain_events, 1u);
  EXPECT_GE(row.split_brain_cleared_ms_ago, 0);
  EXPECT_EQ(state(a), "Master");
  // `reset vrrp6 statistics` restarts the display's event count with its transitions; the
  // metric stays monotonic.
  ASSERT_GT(row.transitions, 0u);
  a.reset_statistics("vrrp6");
  row = a.vrrp6_snapshot(now).groups.at(0);
  EXPECT_EQ(row.split_brain_events, 0u);
  EXPECT_EQ(row.transitions, 0u);
  EXPECT_FALSE(row.split_brain);
  a.fill_metrics(m, now);
  EXPECT_EQ(m.vrrp6[0].split_brain_events, 1u);
}

}  // namespace
}  // namespace tandem::daemon
