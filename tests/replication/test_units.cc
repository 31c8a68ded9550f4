// Small pieces on their own: framing, the digest, the reference store's RFC 3810 ageing and
// the connection rules (tie-break, refusal, backoff, BFD tracking).
#include <gtest/gtest.h>

#include <map>

#include "replication/connector.h"
#include "replication/frame_codec.h"
#include "replication/record_codec.h"
#include "tests/replication/harness.h"

namespace tandem::replication::test {
namespace {

constexpr TimePoint kT0 = TimePoint{} + seconds(100);

std::vector<uint8_t> ack_frame(uint64_t seq) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(fb::CreateFrame(fbb, fb::Message::Ack, fb::CreateAck(fbb, seq).Union()),
             fb::FrameIdentifier());
  std::vector<uint8_t> out;
  append_frame(out, fbb);
  return out;
}

TEST(Framing, FramesSplitAtEveryByteBoundaryAreReassembled) {
  std::vector<uint8_t> stream;
  for (uint64_t s = 1; s <= 5; ++s) {
    auto f = ack_frame(s);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  FrameReader reader;
  uint64_t next = 1;
  for (uint8_t byte : stream) {
    reader.append({&byte, 1});
    const fb::Frame* frame = nullptr;
    CloseReason reason{};
    while (reader.next(&frame, &reason) == FrameReader::Status::frame) {
      ASSERT_EQ(frame->message_type(), fb::Message::Ack);
      EXPECT_EQ(frame->message_as_Ack()->seq(), next++);
    }
  }
  EXPECT_EQ(next, 6u);
  EXPECT_FALSE(reader.mid_frame());
}

TEST(Framing, LengthAboveTheLimitIsRefusedBeforeBuffering) {
  FrameReader reader(1024);
  const uint8_t prefix[4] = {0, 0, 4, 1};  // 1025
  reader.append(prefix);
  const fb::Frame* frame = nullptr;
  CloseReason reason{};
  EXPECT_EQ(reader.next(&frame, &reason), FrameReader::Status::error);
  EXPECT_EQ(reason, CloseReason::oversized_frame);
}

TEST(Framing, EveryTruncationOfAValidFrameFailsVerificationOrWaits) {
  auto f = ack_frame(7);
  const uint32_t len = static_cast<uint32_t>(f.size() - 4);
  for (uint32_t cut = 1; cut < len; ++cut) {
    // A frame whose length claims only `cut` bytes: the Verifier must refuse what is left.
    std::vector<uint8_t> bad = {0, 0, static_cast<uint8_t>(cut >> 8), static_cast<uint8_t>(cut)};
    bad.insert(bad.end(), f.begin() + 4, f.begin() + 4 + cut);
    FrameReader reader;
    reader.append(bad);
    const fb::Frame* frame = nullptr;
    CloseReason reason{};
    const auto st = reader.next(&frame, &reason);
    EXPECT_EQ(st, FrameReader::Status::error) << cut;
    EXPECT_EQ(reason, CloseReason::unverifiable_frame) << cut;
  }
}

TEST(Framing, RandomGarbageNeverCrashesAndIsRefused) {
  Rng rng(99);
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> bytes(4 + rng.uniform(1, 200));
    for (auto& b : bytes) b = static_cast<uint8_t>(rng.next());
    const uint32_t len = static_cast<uint32_t>(bytes.size() - 4);
    bytes[0] = 0, bytes[1] = 0, bytes[2] = static_cast<uint8_t>(len >> 8);
    bytes[3] = static_cast<uint8_t>(len);
    FrameReader reader;
    reader.append(bytes);
    const fb::Frame* frame = nullptr;
    CloseReason reason{};
    if (reader.next(&frame, &reason) == FrameReader::Status::error) ++refused;
  }
  EXPECT_EQ(refused, 2000);
}

TEST(RecordCodec, RoundTripKeepsEveryField) {
  Rng rng(5);
  for (int i = 0; i < 200; ++i) {
    GroupRecord r = random_record(rng, key_of(static_cast<uint32_t>(i)));
    flatbuffers::FlatBufferBuilder fbb;
    InterfaceNameCache names;
    fbb.Finish(encode_record(fbb, r, names));
    GroupRecord back;
    ASSERT_TRUE(
        decode_record(flatbuffers::GetRoot<fb::GroupRecord>(fbb.GetBufferPointer()), &back));
    EXPECT_TRUE(same_state(r, back));
    EXPECT_EQ(r.sources, back.sources);
    EXPECT_EQ(r.filter_timer_ms, back.filter_timer_ms);
    EXPECT_EQ(r.older_host_present_ms, back.older_host_present_ms);
    EXPECT_EQ(r.last_reporter, back.last_reporter);
  }
}

// A peer's timer beyond any MLD interval would overflow the receiver's clock arithmetic
// (fuzz_rbs_frame found remaining_ms = 119846767427584): refused, never applied.
TEST(RecordCodec, TimersBeyondAWeekAreRefused) {
  Rng rng(6);
  auto decodes = [](const GroupRecord& r) {
    flatbuffers::FlatBufferBuilder fbb;
    InterfaceNameCache names;
    fbb.Finish(encode_record(fbb, r, names));
    GroupRecord back;
    return decode_record(flatbuffers::GetRoot<fb::GroupRecord>(fbb.GetBufferPointer()), &back);
  };
  GroupRecord r = random_record(rng, key_of(1));
  r.mode = FilterMode::exclude;
  r.filter_timer_ms = kMaxRemainingMs;
  EXPECT_TRUE(decodes(r));
  r.filter_timer_ms = kMaxRemainingMs + 1;
  EXPECT_FALSE(decodes(r));
  r.filter_timer_ms = 1000;
  r.older_host_present_ms = 119846767427584;
  EXPECT_FALSE(decodes(r));
  r.older_host_present_ms = 0;
  r.sources = {{wire::Ipv6Address::must_parse("2001:db8::1"), 119846767427584}};
  EXPECT_FALSE(decodes(r));
}

TEST(Digest, IndependentOfInsertionOrderAndOfTimes) {
  Rng rng(11);
  std::vector<GroupRecord> recs;
  for (uint32_t i = 0; i < 300; ++i) recs.push_back(random_record(rng, key_of(i)));
  MemoryGroupStore a, b;
  for (const auto& r : recs) a.upsert(r, kT0);
  for (auto it = recs.rbegin(); it != recs.rend(); ++it) {
    GroupRecord r = *it;
    if (r.filter_timer_ms > 0) r.filter_timer_ms += 1234;  // times are not part of it
    r.origin = Origin::backup;
    b.upsert(r, kT0 + seconds(1));
  }
  EXPECT_EQ(a.digest(), b.digest());
  EXPECT_EQ(a.digest(), table_digest(b, kT0));
  EXPECT_EQ(digest_hex(a.digest()).size(), 16u);
  b.remove(recs[17].key, kT0);
  EXPECT_NE(a.digest(), b.digest());
}

// Peers running different tandem versions compare digests: the per-record hash is a wire
// contract, pinned here by values the first version computed.
TEST(Digest, RecordValuesArePinned) {
  GroupRecord include;
  include.key = GroupKey{10, "ge0", wire::Ipv6Address::must_parse("ff05::db8:1")};
  include.sources = {{wire::Ipv6Address::must_parse("2001:db8::1"), 5'000},
                     {wire::Ipv6Address::must_parse("2001:db8::2"), 1}};
  GroupRecord exclude;
  exclude.key = GroupKey{4095, "downlink-long-name", wire::Ipv6Address::must_parse("ff3e::1")};
  exclude.mode = FilterMode::exclude;
  exclude.compat = CompatMode::mldv1;
  exclude.filter_timer_ms = 200'000;
  exclude.sources = {{wire::Ipv6Address::must_parse("2001:db8::1"), 0},
                     {wire::Ipv6Address::must_parse("2001:db8::3"), 7}};
  GroupRecord star;
  star.key = GroupKey{1, "g", wire::Ipv6Address::must_parse("ff05::1")};
  star.mode = FilterMode::exclude;
  EXPECT_EQ(digest_hex(record_digest(include)), "876c3b8992cdfdab");
  EXPECT_EQ(digest_hex(record_digest(exclude)), "9291b340df24fcd0");
  EXPECT_EQ(digest_hex(record_digest(star)), "092449ddc4766354");
}

TEST(Store, RandomInsertsAndRemovesMatchAReferenceMap) {
  Rng rng(123);
  MemoryGroupStore s;
  std::map<GroupKey, GroupRecord> ref;
  for (int i = 0; i < 50'000; ++i) {
    const GroupKey k = key_of(static_cast<uint32_t>(rng.uniform(0, 3000)));
    if (rng.uniform(0, 2) == 0) {
      s.remove(k, kT0);
      ref.erase(k);
    } else {
      GroupRecord r = random_record(rng, k);
      s.upsert(r, kT0);
      ref[k] = r;
    }
  }
  ASSERT_EQ(s.size(), ref.size());
  uint64_t digest = 0;
  for (const auto& [k, r] : ref) {
    auto got = s.find(k, kT0);
    ASSERT_TRUE(got);
    EXPECT_TRUE(same_state(*got, r));
    digest += record_digest(r);
  }
  EXPECT_EQ(s.digest(), digest);
  EXPECT_EQ(table_digest(s, kT0), digest);
  for (uint32_t i = 0; i <= 3000; ++i) {
    if (!ref.count(key_of(i))) {
      EXPECT_FALSE(s.find(key_of(i), kT0));
    }
  }
}

GroupRecord exclude_record() {
  GroupRecord r;
  r.key = key_of(1);
  r.mode = FilterMode::exclude;
  r.filter_timer_ms = 10'000;
  r.sources = {{source_addr(1), 4'000}, {source_addr(2), 0}};
  return r;
}

TEST(StoreAgeing, ExcludeRequestedSourceExpiryMovesItToTheExcludeList) {  // RFC 3810 §7.2.3
  MemoryGroupStore s;
  s.upsert(exclude_record(), kT0);
  s.expire(kT0 + milliseconds(4'000));
  auto r = s.find(key_of(1), kT0 + milliseconds(4'000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->mode, FilterMode::exclude);
  EXPECT_EQ(r->sources.size(), 2u);
  EXPECT_EQ(r->sources[0].remaining_ms, 0);
}

TEST(StoreAgeing, FilterTimerExpiryInExcludeSwitchesToIncludeWithRunningSources) {  // §7.5
  MemoryGroupStore s;
  GroupRecord rec = exclude_record();
  rec.sources[0].remaining_ms = 20'000;
  s.upsert(rec, kT0);
  auto changed = s.expire(kT0 + milliseconds(10'000));
  EXPECT_EQ(changed.size(), 1u);
  auto r = s.find(key_of(1), kT0 + milliseconds(10'000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->mode, FilterMode::include);
  ASSERT_EQ(r->sources.size(), 1u);
  EXPECT_EQ(r->sources[0].address, source_addr(1));
  EXPECT_EQ(r->sources[0].remaining_ms, 10'000);
}

TEST(StoreAgeing, FilterTimerExpiryWithNoRunningSourceDeletesTheRecord) {  // §7.5
  MemoryGroupStore s;
  s.upsert(exclude_record(), kT0);
  s.expire(kT0 + milliseconds(10'000));
  EXPECT_FALSE(s.find(key_of(1), kT0 + milliseconds(10'000)));
  EXPECT_EQ(s.digest(), 0u);
}

TEST(StoreAgeing, OlderVersionHostPresentExpiryReturnsToMldv2) {  // RFC 3810 §8.3.2
  MemoryGroupStore s;
  GroupRecord rec = exclude_record();
  rec.filter_timer_ms = 100'000;
  rec.compat = CompatMode::mldv1;
  rec.older_host_present_ms = 3'000;
  s.upsert(rec, kT0);
  s.expire(kT0 + milliseconds(2'999));
  EXPECT_EQ(s.find(rec.key, kT0)->compat, CompatMode::mldv1);
  s.expire(kT0 + milliseconds(3'000));
  EXPECT_EQ(s.find(rec.key, kT0)->compat, CompatMode::mldv2);
}

const wire::Ipv6Address kLow = wire::Ipv6Address::must_parse("2001:db8:10::1");
const wire::Ipv6Address kHigh = wire::Ipv6Address::must_parse("2001:db8:10::2");

TEST(Connector, SimultaneousConnectKeepsTheOneInitiatedByTheLowerAddress) {
  RbsConnector low({kLow, kHigh});
  RbsConnector high({kHigh, kLow});
  // Low holds its inbound (from high), then its outbound completes: outbound wins.
  EXPECT_TRUE(low.prefer_candidate(true, Direction::inbound, Direction::outbound));
  EXPECT_FALSE(low.prefer_candidate(true, Direction::outbound, Direction::inbound));
  // High agrees on the same physical connection (its inbound, initiated by low).
  EXPECT_TRUE(high.prefer_candidate(true, Direction::outbound, Direction::inbound));
  EXPECT_FALSE(high.prefer_candidate(true, Direction::inbound, Direction::outbound));
  EXPECT_TRUE(initiated_by_lower(Direction::outbound, kLow, kHigh));
  EXPECT_TRUE(initiated_by_lower(Direction::inbound, kHigh, kLow));
}

TEST(Connector, InboundFromAnyAddressButThePeerIsRefusedAndCounted) {
  RbsConnector c({kLow, kHigh});
  EXPECT_EQ(c.on_inbound(wire::Ipv6Address::must_parse("2001:db8:10::3")),
            RbsConnector::Verdict::refuse_wrong_peer);
  EXPECT_EQ(c.on_inbound(kHigh), RbsConnector::Verdict::accept);
  EXPECT_EQ(c.counters().refused_wrong_peer, 1u);
}

TEST(Connector, ReconnectBacksOffExponentiallyUpToTheCap) {
  ConnectorConfig cfg{kLow, kHigh};
  cfg.backoff_min = milliseconds(100);
  cfg.backoff_max = milliseconds(1000);
  RbsConnector c(cfg);
  TimePoint now = kT0;
  EXPECT_TRUE(c.should_dial(now, false, false));
  std::vector<int64_t> gaps;
  for (int i = 0; i < 6; ++i) {
    c.on_dial_started(now);
    c.on_dial_failed(now);
    gaps.push_back(to_ms(c.next_dial_time() - now));
    EXPECT_FALSE(c.should_dial(now, false, false));
    now = c.next_dial_time();
    EXPECT_TRUE(c.should_dial(now, false, false));
  }
  EXPECT_EQ(gaps, (std::vector<int64_t>{100, 200, 400, 800, 1000, 1000}));
  c.on_link_healthy();
  EXPECT_EQ(c.current_backoff(), milliseconds(100));
}

TEST(Connector, TrackedBfdDownDropsAndBlocksUntilUp) {
  ConnectorConfig cfg{kLow, kHigh};
  cfg.track_bfd = true;
  RbsConnector c(cfg);
  EXPECT_TRUE(c.on_bfd(false, kT0));
  EXPECT_FALSE(c.should_dial(kT0 + seconds(100), false, false));
  EXPECT_EQ(c.on_inbound(kHigh), RbsConnector::Verdict::refuse_bfd_down);
  EXPECT_FALSE(c.on_bfd(true, kT0 + seconds(1)));
  EXPECT_TRUE(c.should_dial(kT0 + seconds(1), false, false));
  RbsConnector untracked({kLow, kHigh});
  EXPECT_FALSE(untracked.on_bfd(false, kT0));
}

}  // namespace
}  // namespace tandem::replication::test
