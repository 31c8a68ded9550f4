// The engine's data structures against simple references: the timer heap, the flat group
// table (including backward-shift deletion), and the bounded timer queue under refreshes at
// scale.
#include <map>
#include <random>

#include "control/mld/group_table.h"
#include "control/mld/timer_queue.h"
#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

TEST(Structures, TimerQueuePopsInDeadlineOrder) {
  TimerQueue q;
  std::mt19937_64 rng(7);
  std::vector<int64_t> want;
  for (uint32_t i = 0; i < 5000; ++i) {
    const int64_t ms = static_cast<int64_t>(rng() % 100000);
    want.push_back(ms);
    q.push(TimePoint{} + milliseconds(ms), i, 0);
  }
  std::sort(want.begin(), want.end());
  std::vector<int64_t> got;
  while (!q.empty()) {
    got.push_back(to_ms(q.top().when - TimePoint{}));
    q.pop();
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(q.earliest(), kNever);
}

TEST(Structures, GroupTableMatchesReferenceMap) {
  GroupTable t;
  std::map<std::pair<uint32_t, Ipv6Address>, uint32_t> ref;
  std::mt19937_64 rng(11);
  auto key = [&] {
    Ipv6Address g = A("ff05::");
    g.bytes[15] = static_cast<uint8_t>(rng() % 64);
    g.bytes[14] = static_cast<uint8_t>(rng() % 4);
    return std::make_pair(static_cast<uint32_t>(rng() % 3), g);
  };
  for (int i = 0; i < 20000; ++i) {
    const auto k = key();
    const uint32_t found = t.find(k.first, k.second);
    auto it = ref.find(k);
    ASSERT_EQ(found != GroupTable::kNone, it != ref.end());
    if (it != ref.end()) {
      ASSERT_EQ(found, it->second);
      if (rng() % 2) {
        t.erase(found);
        ref.erase(it);
      }
    } else {
      const uint32_t slot = t.insert(k.first, k.second, TimePoint{});
      ref[k] = slot;
      EXPECT_EQ(t.at(slot).group, k.second);
      EXPECT_EQ(t.at(slot).ifindex, k.first);
    }
    ASSERT_EQ(t.size(), ref.size());
  }
  for (const auto& [k, slot] : ref) EXPECT_EQ(t.find(k.first, k.second), slot);
}

TEST(Structures, TimerQueueStaysBoundedUnderRefreshesAtScale) {
  Sim sim;
  constexpr uint32_t kGroups = 20000;
  auto group = [](uint32_t i) {
    Ipv6Address g = A("ff05::");
    g.bytes[12] = static_cast<uint8_t>(i >> 24);
    g.bytes[13] = static_cast<uint8_t>(i >> 16);
    g.bytes[14] = static_cast<uint8_t>(i >> 8);
    g.bytes[15] = static_cast<uint8_t>(i);
    return g;
  };
  // Each host answers every general query (125 s) with IS_EX for its groups, as hosts do.
  for (int round = 0; round < 10; ++round) {
    std::vector<wire::MldRecordSpec> recs;
    for (uint32_t i = 0; i < kGroups; ++i) {
      recs.push_back({MldRecordType::is_ex, group(i), {}});
      if (recs.size() == 80 || i + 1 == kGroups) {
        sim.feed(wire::build_mld_v2_report_frame(host_mac(), kHost1, recs));
        recs.clear();
      }
    }
    sim.clear_output();
    EXPECT_EQ(sim.router.group_count(), kGroups);
    EXPECT_LE(sim.router.pending_timers(), 2 * kGroups + 16);
    sim.advance(125s);
  }
  sim.advance(261s);  // silence: everything expires, nothing is left in the queue
  EXPECT_EQ(sim.router.group_count(), 0u);
  EXPECT_LE(sim.router.pending_timers(), 1u);  // the interface's own timer
}

}  // namespace
}  // namespace tandem::mld::test
