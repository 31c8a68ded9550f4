// GroupTable: the FIB's lock-free (*,G) table. Runs without EAL (heap memory), so it also
// runs under ASan+UBSan.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "dataplane/fib.h"
#include "dataplane/group_table.h"

namespace tandem::dataplane {
namespace {

using Key = std::array<uint8_t, 16>;

Key group(uint32_t i) {
  Key k{};
  k[0] = 0xff;
  k[1] = 0x05;
  k[12] = static_cast<uint8_t>(i >> 24);
  k[13] = static_cast<uint8_t>(i >> 16);
  k[14] = static_cast<uint8_t>(i >> 8);
  k[15] = static_cast<uint8_t>(i);
  return k;
}

// `n` keys from group(first) on that all start their probe in the same bucket.
std::vector<Key> colliding(const GroupTable& t, size_t n, uint32_t first = 0) {
  std::vector<Key> out;
  const uint32_t home = t.home_bucket(group(first).data());
  for (uint32_t i = first; out.size() < n; ++i) {
    Key k = group(i);
    if (t.home_bucket(k.data()) == home) out.push_back(k);
  }
  return out;
}

// Distinct route words for tests: ports i and i+1, RPF interface i, (*,G) present.
RouteWord route(uint32_t i) {
  return kRouteStarPresent | port_bit(static_cast<PortIndex>(i % kMaxPorts)) |
         port_bit(static_cast<PortIndex>((i + 1) % kMaxPorts)) |
         route_iif_bits(static_cast<PortIndex>(i % kMaxPorts));
}

// The FIB's word for a set (fib.h): every field where types.h puts it.
TEST(RouteOf, EveryFieldOfAnEgressSetLandsInItsBits) {
  EgressSet s{port_bit(0) | port_bit(kMaxPorts - 1), 5, true, true, true};
  EXPECT_EQ(route_of(s), port_bit(0) | port_bit(kMaxPorts - 1) | RouteWord{5} << 48 | kRouteNotify |
                             kRouteStarPresent | kRouteHasSources);
  EgressSet marker{0, kNoIif, false, false, true};
  EXPECT_EQ(route_of(marker), kRouteHasSources | kRouteIif);
  EgressSet sg{port_bit(3), 47, false, false, false};  // an (S,G) set: the worker adds the flag
  EXPECT_EQ(route_of(sg) | kRouteStarPresent, rpf_want(47) | port_bit(3));
}

TEST(GroupTable, SetLookupRemove) {
  auto t = GroupTable::create(100, false);
  ASSERT_TRUE(t);
  EgressSet a, b;
  const RouteWord ra = route(1), rb = route(2) | kRouteHasSources;
  EXPECT_EQ(t->lookup(group(1).data()), 0u);
  EXPECT_EQ(t->value(group(1).data()), nullptr);
  ASSERT_TRUE(t->set(group(1).data(), &a, ra));
  ASSERT_TRUE(t->set(group(2).data(), &b, rb));
  EXPECT_EQ(t->lookup(group(1).data()), ra);
  EXPECT_EQ(t->lookup(group(2).data()), rb);
  EXPECT_EQ(t->value(group(2).data()), &b);
  EXPECT_EQ(t->lookup(group(3).data()), 0u);
  EXPECT_EQ(t->size(), 2u);
  // A value change replaces the route in the live entry: no new entry is used.
  ASSERT_TRUE(t->set(group(1).data(), &b, rb));
  EXPECT_EQ(t->lookup(group(1).data()), rb);
  EXPECT_EQ(t->value(group(1).data()), &b);
  EXPECT_EQ(t->size(), 2u);
  uint32_t e = t->remove(group(1).data());
  EXPECT_NE(e, GroupTable::kNoEntry);
  EXPECT_EQ(t->lookup(group(1).data()), 0u);
  EXPECT_EQ(t->remove(group(1).data()), GroupTable::kNoEntry);
  EXPECT_EQ(t->pending(), 1u);
  t->release_entry(e);
  EXPECT_EQ(t->pending(), 0u);
}

// Every port and both flags set is a valid route: no route value may double as a marker,
// in the bucket the key sits in or after an overflow.
TEST(GroupTable, ARouteWithEveryBitSetIsFound) {
  auto t = GroupTable::create(64, false);
  ASSERT_TRUE(t);
  const RouteWord all = ~RouteWord{0};
  std::vector<Key> keys = colliding(*t, 5);  // the last ones overflow past their home bucket
  for (const Key& k : keys) ASSERT_TRUE(t->set(k.data(), nullptr, all));
  const uint8_t* ptrs[5];
  RouteWord out[5];
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(t->lookup(keys[i].data()), all) << i;
    ptrs[i] = keys[i].data();
  }
  t->lookup_bulk(ptrs, 5, out);
  for (RouteWord r : out) EXPECT_EQ(r, all);
}

TEST(GroupTable, KeysBeyondAFullBucketOverflowAndStayReachable) {
  auto t = GroupTable::create(64, false);
  ASSERT_TRUE(t);
  std::vector<Key> keys = colliding(*t, 20);  // 20 keys for one 2-slot bucket
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(t->set(keys[i].data(), nullptr, route(static_cast<uint32_t>(i))));
  }
  const uint32_t home = t->home_bucket(keys[0].data());
  static_assert(GroupTable::kSlots == 2);
  EXPECT_EQ(t->overflow(home), 18u);      // 18 keys stored past the home bucket
  EXPECT_EQ(t->overflow(home + 1), 16u);  // 16 of them past the next one too
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(t->lookup(keys[i].data()), route(static_cast<uint32_t>(i)));
  }
  // Removing the first keys (the home bucket's and the next three buckets') leaves the
  // overflowed ones reachable.
  for (size_t i = 0; i < 8; ++i) t->release_entry(t->remove(keys[i].data()));
  for (size_t i = 8; i < keys.size(); ++i) {
    EXPECT_EQ(t->lookup(keys[i].data()), route(static_cast<uint32_t>(i)));
  }
  // Removing the overflowed ones brings the counts back to zero.
  for (size_t i = 8; i < keys.size(); ++i) t->release_entry(t->remove(keys[i].data()));
  EXPECT_EQ(t->overflow(home), 0u);
  EXPECT_EQ(t->overflow(home + 1), 0u);
  EXPECT_EQ(t->size(), 0u);
}

TEST(GroupTable, FullTableRefusesAndARemovedEntryIsReusedOnlyAfterRelease) {
  auto t = GroupTable::create(10, false);
  ASSERT_TRUE(t);
  const RouteWord r = route(7);
  for (uint32_t i = 0; i < 10; ++i) ASSERT_TRUE(t->set(group(i).data(), nullptr, r));
  EXPECT_FALSE(t->set(group(10).data(), nullptr, r));
  uint32_t e = t->remove(group(3).data());
  // The entry may still be read by a worker: not reusable before its grace period.
  EXPECT_FALSE(t->set(group(10).data(), nullptr, r));
  t->release_entry(e);
  EXPECT_TRUE(t->set(group(10).data(), nullptr, r));
  EXPECT_EQ(t->lookup(group(10).data()), r);
  EXPECT_EQ(t->lookup(group(3).data()), 0u);
}

TEST(GroupTable, BulkLookupAgreesWithSingleLookups) {
  auto t = GroupTable::create(4096, false);
  ASSERT_TRUE(t);
  for (uint32_t i = 0; i < 4096; i += 2) ASSERT_TRUE(t->set(group(i).data(), nullptr, route(i)));
  // Also a crowded bucket, so the bulk path meets overflow.
  std::vector<Key> crowd = colliding(*t, 12, 100'000);
  for (const Key& k : crowd) t->set(k.data(), nullptr, route(99));
  std::vector<Key> probe;
  for (uint32_t i = 0; i < 52; ++i) probe.push_back(group(i * 37));
  for (const Key& k : crowd) probe.push_back(k);
  const uint8_t* keys[64];
  RouteWord out[64];
  for (size_t i = 0; i < probe.size(); ++i) keys[i] = probe[i].data();
  t->lookup_bulk(keys, static_cast<unsigned>(probe.size()), out);
  for (size_t i = 0; i < probe.size(); ++i) {
    EXPECT_EQ(out[i], t->lookup(probe[i].data())) << i;
  }
  EXPECT_EQ(out[0], route(0));
  EXPECT_EQ(out[1], 0u);  // 37 is odd: never inserted
  EXPECT_EQ(out[52], route(99));
}

// Two keys sharing a bucket take turns in the same slot (removed, grace period, released,
// refilled). A reader looking either up gets that key's route or nothing, never the route of
// the key that refilled the slot while it compared.
TEST(GroupTable, AReusedSlotNeverPairsOneKeyWithTheOthersRoute) {
  auto t = GroupTable::create(64, false);
  ASSERT_TRUE(t);
  std::vector<Key> pair = colliding(*t, 2);
  const RouteWord ra = route(3), rb = route(9);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reader_epoch{0};
  std::atomic<uint64_t> wrong{0}, seen_a{0}, seen_b{0};
  std::thread reader([&] {
    const uint8_t* keys[2] = {pair[0].data(), pair[1].data()};
    RouteWord out[2];
    while (!stop.load(std::memory_order_relaxed)) {
      t->lookup_bulk(keys, 2, out);
      if ((out[0] != 0 && out[0] != ra) || (out[1] != 0 && out[1] != rb)) wrong.fetch_add(1);
      seen_a.fetch_add(out[0] == ra, std::memory_order_relaxed);
      seen_b.fetch_add(out[1] == rb, std::memory_order_relaxed);
      reader_epoch.fetch_add(1, std::memory_order_release);  // quiescent point
    }
  });
  auto grace = [&] {
    uint64_t seen = reader_epoch.load(std::memory_order_acquire);
    while (reader_epoch.load(std::memory_order_acquire) < seen + 2) std::this_thread::yield();
  };
  uint32_t slot_a = GroupTable::kNoEntry, slot_b = GroupTable::kNoEntry;
  for (int round = 0; round < 2000; ++round) {
    ASSERT_TRUE(t->set(pair[0].data(), nullptr, ra));
    slot_a = t->remove(pair[0].data());
    grace();
    t->release_entry(slot_a);
    ASSERT_TRUE(t->set(pair[1].data(), nullptr, rb));
    slot_b = t->remove(pair[1].data());
    grace();
    t->release_entry(slot_b);
  }
  stop = true;
  reader.join();
  EXPECT_EQ(slot_a, slot_b);  // the test did exercise slot reuse
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_EQ(t->size(), 0u);
  EXPECT_EQ(t->pending(), 0u);
}

// One reader thread looks up keys that never change while the writer adds and removes
// others around them, reusing entries once the reader has passed a quiescent point.
TEST(GroupTable, ReadersAlwaysSeeStableKeysWhileTheWriterChurns) {
  auto t = GroupTable::create(512, false);
  ASSERT_TRUE(t);
  const RouteWord stable_route = route(5), churn_a = route(6), churn_b = route(8);
  std::vector<Key> stable;
  for (uint32_t i = 0; i < 32; ++i) {
    stable.push_back(group(1'000'000 + i));
    ASSERT_TRUE(t->set(stable.back().data(), nullptr, stable_route));
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reader_epoch{0};
  std::atomic<uint64_t> misses{0};
  std::thread reader([&] {
    const uint8_t* keys[32];
    RouteWord out[32];
    for (size_t i = 0; i < 32; ++i) keys[i] = stable[i].data();
    while (!stop.load(std::memory_order_relaxed)) {
      t->lookup_bulk(keys, 32, out);
      for (RouteWord o : out) {
        if (o != stable_route) misses.fetch_add(1, std::memory_order_relaxed);
      }
      reader_epoch.fetch_add(1, std::memory_order_release);  // quiescent point
    }
  });
  std::vector<uint32_t> retired;
  for (int round = 0; round < 200; ++round) {
    for (uint32_t i = 0; i < 400; ++i) {
      t->set(group(i).data(), nullptr, (round & 1) ? churn_a : churn_b);
    }
    for (uint32_t i = 0; i < 400; ++i) retired.push_back(t->remove(group(i).data()));
    // Grace period: wait until the reader has started a new pass.
    uint64_t seen = reader_epoch.load(std::memory_order_acquire);
    while (reader_epoch.load(std::memory_order_acquire) < seen + 2) std::this_thread::yield();
    for (uint32_t e : retired) t->release_entry(e);
    retired.clear();
  }
  stop = true;
  reader.join();
  EXPECT_EQ(misses.load(), 0u);
  EXPECT_EQ(t->size(), 32u);
}

}  // namespace
}  // namespace tandem::dataplane
