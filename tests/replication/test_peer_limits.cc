// What a peer (or anyone on the RBS link) can make a router do is bounded: Error texts are cut
// and escaped before they are logged, BatchBackupRequests are rate limited, a snapshot larger
// than the group limit is refused before it is staged, and connection attempts neither flood
// nor displace an authenticated live link. Simulated time, no sockets.
#include <gtest/gtest.h>

#include "replication/connector.h"
#include "replication/peer_text.h"
#include "replication/token_bucket.h"
#include "tests/replication/harness.h"

namespace tandem::replication::test {
namespace {

constexpr TimePoint kT0 = TimePoint{} + seconds(1000);

std::vector<uint8_t> frame_of(flatbuffers::FlatBufferBuilder& fbb) {
  std::vector<uint8_t> out;
  append_frame(out, fbb);
  return out;
}

TEST(PeerText, NonPrintablesAreEscapedAndLongTextsCut) {
  EXPECT_EQ(escaped_peer_text("plain text"), "plain text");
  EXPECT_EQ(escaped_peer_text("a\nb\x1b[31m\\"), "a\\x0ab\\x1b[31m\\x5c");
  EXPECT_EQ(escaped_peer_text("caf\xc3\xa9"), "caf\\xc3\\xa9");
  EXPECT_EQ(escaped_peer_text(std::string("\0z", 2)), "\\x00z");
  const std::string cut = escaped_peer_text(std::string(1000, 'x'));
  EXPECT_EQ(cut, std::string(kPeerTextMaxBytes, 'x') + "...");
}

TEST(TokenBucket, BurstThenOnePerInterval) {
  TokenBucket b(3, milliseconds(100));
  TimePoint now = kT0;
  EXPECT_TRUE(b.take(now));
  EXPECT_TRUE(b.take(now));
  EXPECT_TRUE(b.take(now));
  EXPECT_FALSE(b.take(now));
  now += milliseconds(99);
  EXPECT_FALSE(b.take(now));
  now += milliseconds(1);
  EXPECT_TRUE(b.take(now));
  EXPECT_FALSE(b.take(now));
  EXPECT_EQ(b.limited(), 3u);
  now += seconds(10);  // refills to the burst, no more
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.take(now));
  EXPECT_FALSE(b.take(now));
}

// A channel that has accepted a peer's Hello (no key) and is past its handshake.
struct Accepted : ::testing::Test {
  TimePoint now = kT0;
  Router r{2, 0x2222, {kBackupId}, [] {
             ChannelConfig c;
             c.max_snapshot_records = 100;
             return c;
           }()};
  void SetUp() override {
    r.channel.on_connected(now, TcpSide::acceptor);
    r.channel.consume_output(r.channel.output().size());
    flatbuffers::FlatBufferBuilder fbb;
    const std::vector<uint16_t> ids = {kBackupId};
    fbb.Finish(fb::CreateFrame(fbb, fb::Message::Hello,
                               fb::CreateHello(fbb, kProtocolVersion, 9, 0x9999,
                                               fbb.CreateVector(ids), fbb.CreateVector(ids), 100)
                                   .Union()),
               fb::FrameIdentifier());
    r.channel.on_bytes(frame_of(fbb), now);
    ASSERT_TRUE(r.channel.hello_ok());
    r.channel.consume_output(r.channel.output().size());
  }
};

TEST_F(Accepted, ErrorTextIsLoggedCutAndEscaped) {
  flatbuffers::FlatBufferBuilder fbb;
  const std::string evil = "line1\nFAKE LOG LINE\x1b[2J" + std::string(5000, 'A');
  fbb.Finish(fb::CreateFrame(
                 fbb, fb::Message::Error,
                 fb::CreateError(fbb, fb::ErrorCode::Shutdown, fbb.CreateString(evil)).Union()),
             fb::FrameIdentifier());
  r.channel.on_bytes(frame_of(fbb), now);
  EXPECT_EQ(r.closes(CloseReason::peer_error), 1u);
  const std::string& line = r.logs.back();
  EXPECT_NE(line.find("line1\\x0aFAKE LOG LINE\\x1b[2J"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  EXPECT_LT(line.size(), 400u);
}

TEST_F(Accepted, BatchBackupRequestFloodIsLimited) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(fb::CreateFrame(fbb, fb::Message::BatchBackupRequest,
                             fb::CreateBatchBackupRequest(fbb).Union()),
             fb::FrameIdentifier());
  const auto one = frame_of(fbb);
  std::vector<uint8_t> flood;
  for (int i = 0; i < 1000; ++i) flood.insert(flood.end(), one.begin(), one.end());
  r.channel.set_role(kBackupId, Role::master, now);
  const uint64_t before = r.channel.status().counters.snapshots_sent;
  for (int s = 0; s < 10; ++s) {  // 1000 requests a second for 10 s
    for (int tick = 0; tick < 10; ++tick) {
      r.channel.on_bytes({flood.data(), flood.size() / 10}, now);
      r.channel.on_timer(now);
      r.channel.consume_output(r.channel.output().size());
      now += milliseconds(100);
    }
  }
  const auto c = r.channel.status().counters;
  EXPECT_TRUE(r.channel.link_up());
  EXPECT_EQ(c.batch_requests_received, 10000u);
  // Burst 4, then one per second: at most 4 + 10 honoured.
  EXPECT_LE(c.batch_requests_received - c.batch_requests_limited, 14u);
  EXPECT_GE(c.batch_requests_limited, 9986u);
  EXPECT_LE(c.snapshots_sent - before, 14u);
}

// A SnapshotBegin announcing `records` records.
std::vector<uint8_t> snapshot_begin(uint64_t records) {
  flatbuffers::FlatBufferBuilder fbb;
  const std::vector<uint16_t> ids = {kBackupId};
  fbb.Finish(fb::CreateFrame(
                 fbb, fb::Message::SnapshotBegin,
                 fb::CreateSnapshotBegin(fbb, 1, 0x9999, fbb.CreateVector(ids), records).Union()),
             fb::FrameIdentifier());
  return frame_of(fbb);
}

TEST_F(Accepted, SnapshotAboveTheGroupLimitIsRefusedBeforeStaging) {
  r.channel.on_bytes(snapshot_begin(101), now);
  EXPECT_EQ(r.closes(CloseReason::snapshot_too_large), 1u);
  EXPECT_TRUE(r.channel.wants_close());
  EXPECT_EQ(r.store.size(), 0u);
}

TEST_F(Accepted, SnapshotAtTheGroupLimitIsStaged) {
  r.channel.on_bytes(snapshot_begin(100), now);
  EXPECT_EQ(r.closes(CloseReason::snapshot_too_large), 0u);
  EXPECT_TRUE(r.channel.link_up());
}

const wire::Ipv6Address kLow = wire::Ipv6Address::must_parse("2001:db8:10::1");
const wire::Ipv6Address kHigh = wire::Ipv6Address::must_parse("2001:db8:10::2");

TEST(Connector, TwentyConnectsNeverDisplaceAnAuthenticatedLink) {
  RbsConnector c({kLow, kHigh});
  TimePoint now = kT0;
  int accepted = 0, replaced = 0;
  for (int i = 0; i < 20; ++i) {
    now += milliseconds(10);
    if (c.on_inbound(kHigh, now) != RbsConnector::Verdict::accept) continue;
    ++accepted;
    if (c.prefer_candidate(true, Direction::outbound, Direction::inbound,
                           /*active_authenticated=*/true))
      ++replaced;
  }
  EXPECT_EQ(replaced, 0);
  EXPECT_EQ(c.counters().refused_authenticated_live, static_cast<uint64_t>(accepted));
  // 20 attempts in 200 ms: the burst of 8 and no refill yet.
  EXPECT_EQ(accepted, 8);
  EXPECT_EQ(c.counters().refused_rate_limited, 12u);
  // Without authentication the simultaneous-connect rule still decides.
  EXPECT_TRUE(c.prefer_candidate(true, Direction::inbound, Direction::inbound, false));
}

}  // namespace
}  // namespace tandem::replication::test
