// Shared pieces of the replication tests: a router model (store + channel), an in-memory
// "wire" between two channels in simulated time, a random churn generator and a table
// comparison that checks states and remaining times.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "control/common/rng.h"
#include "replication/digest.h"
#include "replication/memory_group_store.h"
#include "replication/rbs_channel.h"

namespace tandem::replication::test {

inline constexpr uint16_t kBackupId = 10;

inline wire::Ipv6Address group_addr(uint32_t i) {
  wire::Ipv6Address a = wire::Ipv6Address::must_parse("ff05::");
  a.bytes[12] = static_cast<uint8_t>(i >> 24);
  a.bytes[13] = static_cast<uint8_t>(i >> 16);
  a.bytes[14] = static_cast<uint8_t>(i >> 8);
  a.bytes[15] = static_cast<uint8_t>(i);
  return a;
}

inline wire::Ipv6Address source_addr(uint32_t i) {
  wire::Ipv6Address a = wire::Ipv6Address::must_parse("2001:db8:100::");
  a.bytes[14] = static_cast<uint8_t>(i >> 8);
  a.bytes[15] = static_cast<uint8_t>(i);
  return a;
}

inline GroupKey key_of(uint32_t i, uint16_t bid = kBackupId) {
  return GroupKey{bid, "ge" + std::to_string(i % 4), group_addr(i)};
}

// A record the way an MLD router could hold it: INCLUDE with running sources, EXCLUDE with
// a filter timer and requested/blocked sources, sometimes in MLDv1 compatibility.
inline GroupRecord random_record(Rng& rng, const GroupKey& key) {
  GroupRecord r;
  r.key = key;
  r.mode = rng.uniform(0, 2) == 0 ? FilterMode::include : FilterMode::exclude;
  const int nsrc = static_cast<int>(rng.uniform(r.mode == FilterMode::include ? 1 : 0, 3));
  std::vector<uint32_t> ids;
  for (int i = 0; i < nsrc; ++i) {
    uint32_t s = static_cast<uint32_t>(rng.uniform(1, 40));
    if (std::find(ids.begin(), ids.end(), s) != ids.end()) continue;
    ids.push_back(s);
    int64_t t = static_cast<int64_t>(rng.uniform(20'000, 260'000));
    if (r.mode == FilterMode::exclude && rng.uniform(0, 1) == 0) t = 0;  // blocked
    r.sources.push_back({source_addr(s), t});
  }
  std::sort(r.sources.begin(), r.sources.end(),
            [](const SourceTimer& a, const SourceTimer& b) { return a.address < b.address; });
  r.filter_timer_ms =
      r.mode == FilterMode::exclude ? static_cast<int64_t>(rng.uniform(20'000, 260'000)) : 0;
  if (rng.uniform(0, 9) == 0) {
    r.compat = CompatMode::mldv1;
    r.older_host_present_ms = static_cast<int64_t>(rng.uniform(20'000, 260'000));
  }
  r.last_reporter = wire::Ipv6Address::must_parse("fe80::2");
  return r;
}

// Applies `ops` random changes (joins, leaves, refreshes, source changes) to a Master's store
// over `key_space` keys and tells its feed.
inline void churn(Rng& rng, MemoryGroupStore& store, ChangeFeed& feed, uint32_t key_space, int ops,
                  TimePoint now, uint16_t bid = kBackupId) {
  for (int i = 0; i < ops; ++i) {
    const GroupKey k = key_of(static_cast<uint32_t>(rng.uniform(0, key_space - 1)), bid);
    const auto op = rng.uniform(0, 9);
    if (op < 2) {
      store.remove(k, now);  // leave / done
      feed.remove(k);
    } else if (op < 5) {
      if (auto r = store.find(k, now)) {  // refresh: timers restart
        r->filter_timer_ms = r->mode == FilterMode::exclude ? 260'000 : 0;
        for (auto& s : r->sources) {
          if (s.remaining_ms > 0) s.remaining_ms = 260'000;
        }
        store.upsert(*r, now);
        feed.upsert(*r);
        continue;
      }
      auto r = random_record(rng, k);
      store.upsert(r, now);
      feed.upsert(r);
    } else {
      auto r = random_record(rng, k);  // join or source change
      store.upsert(r, now);
      feed.upsert(r);
    }
  }
}

// Every record of `a` is in `b` with the same state and remaining times within
// `tolerance_ms`, and the other way round; digests are equal.
inline void expect_tables_match(const MemoryGroupStore& a, const MemoryGroupStore& b, TimePoint now,
                                int64_t tolerance_ms, bool check_origin_backup_on_b = true) {
  EXPECT_EQ(a.size(), b.size());
  EXPECT_EQ(digest_hex(a.digest()), digest_hex(b.digest()));
  EXPECT_EQ(a.digest(), table_digest(a, now));
  size_t mismatches = 0;
  a.for_each(now, [&](const GroupRecord& ra) {
    auto rb = b.find(ra.key, now);
    if (!rb || !same_state(ra, *rb)) {
      if (++mismatches < 5)
        ADD_FAILURE() << "record differs: " << ra.key.interface << " " << ra.key.group.to_string();
      return;
    }
    if (check_origin_backup_on_b && rb->origin != Origin::backup) ++mismatches;
    auto close = [&](int64_t x, int64_t y) { return std::abs(x - y) <= tolerance_ms; };
    bool ok = close(ra.filter_timer_ms, rb->filter_timer_ms) &&
              close(ra.older_host_present_ms, rb->older_host_present_ms);
    for (size_t i = 0; i < ra.sources.size(); ++i) {
      ok = ok && close(ra.sources[i].remaining_ms, rb->sources[i].remaining_ms);
    }
    if (!ok && ++mismatches < 5) {
      std::string detail = " filter " + std::to_string(ra.filter_timer_ms) + "/" +
                           std::to_string(rb->filter_timer_ms) + " ohp " +
                           std::to_string(ra.older_host_present_ms) + "/" +
                           std::to_string(rb->older_host_present_ms);
      for (size_t i = 0; i < ra.sources.size(); ++i) {
        detail += " src " + std::to_string(ra.sources[i].remaining_ms) + "/" +
                  std::to_string(rb->sources[i].remaining_ms);
      }
      ADD_FAILURE() << "times differ: " << ra.key.group.to_string() << detail;
    }
  });
  EXPECT_EQ(mismatches, 0u);
}

// A store with room for `capacity` keys, like an MLD engine at its global group limit:
// a new key beyond it is refused (and counted), existing keys still change.
struct CappedStore : MemoryGroupStore {
  size_t capacity = SIZE_MAX;
  size_t refused = 0;
  void upsert(const GroupRecord& r, TimePoint now) override {
    if (size() >= capacity && !find(r.key, now)) {
      ++refused;
      return;
    }
    MemoryGroupStore::upsert(r, now);
  }
};

// Two channels joined by an in-memory link, in simulated time.
struct Router {
  CappedStore store;
  RbsChannel channel;
  std::vector<std::string> logs;
  Router(uint64_t node, uint64_t epoch, std::vector<uint16_t> ids = {kBackupId},
         ChannelConfig base = {})
      : channel(
            [&] {
              base.node_id = node;
              base.epoch = epoch;
              base.backup_ids = std::move(ids);
              base.heartbeat_interval = milliseconds(100);
              return base;
            }(),
            store,
            [this](LogLevel, std::string_view, std::string_view line) {
              logs.emplace_back(line);
            }) {}
  uint64_t closes(CloseReason r) const {
    return channel.status().counters.closes[static_cast<size_t>(r)];
  }
};

struct Link {
  Router& a;
  Router& b;
  bool up = false;
  // `a` dialed, `b` accepted (the two ends of one TCP connection).
  void connect(TimePoint now) {
    up = true;
    a.channel.on_connected(now, TcpSide::dialer);
    b.channel.on_connected(now, TcpSide::acceptor);
  }
  // Both sides' pending output crosses on the wire before either reads (as two Hellos sent
  // at connect time do on a real link), instead of pump()'s one-side-first order.
  void cross(TimePoint now) {
    std::vector<uint8_t> from_a(a.channel.output().begin(), a.channel.output().end());
    std::vector<uint8_t> from_b(b.channel.output().begin(), b.channel.output().end());
    a.channel.consume_output(from_a.size());
    b.channel.consume_output(from_b.size());
    b.channel.on_bytes(from_a, now);
    a.channel.on_bytes(from_b, now);
  }
  // Moves bytes both ways until neither side has anything to say; honours wants_close.
  void pump(TimePoint now) {
    for (int round = 0; round < 10000 && up; ++round) {
      bool moved = false;
      for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
        from->channel.on_timer(now);
        auto out = from->channel.output();
        if (!out.empty()) {
          std::vector<uint8_t> bytes(out.begin(), out.end());
          from->channel.consume_output(bytes.size());
          to->channel.on_bytes(bytes, now);
          moved = true;
        }
      }
      for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
        if (!from->channel.wants_close()) continue;
        // The closing side's last words (an Error frame) reach the peer, then the link drops.
        auto out = from->channel.output();
        std::vector<uint8_t> bytes(out.begin(), out.end());
        from->channel.consume_output(bytes.size());
        to->channel.on_bytes(bytes, now);
        disconnect(now);
        return;
      }
      if (!moved && a.channel.next_deadline() > now && b.channel.next_deadline() > now) return;
    }
  }
  void disconnect(TimePoint now) {
    up = false;
    a.channel.on_disconnected(now);
    b.channel.on_disconnected(now);
  }
};

}  // namespace tandem::replication::test
