// RBS peer authentication (`authentication-key`, replication/auth.h) in simulated time: the
// proof function, the key rules, and the channel refusing every peer that cannot prove the
// key (none, another, a replay, frames before the proof) with a named counter and the table
// left as it was.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "replication/auth.h"
#include "replication/record_codec.h"
#include "replication/status.h"
#include "tests/replication/harness.h"

namespace tandem::replication::test {
namespace {

constexpr TimePoint kT0 = TimePoint{} + seconds(1000);
constexpr const char* kKey = "s3cret-Rbs-key!";
constexpr const char* kOtherKey = "another-key-42";

// Deterministic nonces: every call returns a new one, derived from `seed` and a counter.
NonceSource counting_nonces(uint8_t seed) {
  return [seed, n = uint32_t{0}]() mutable {
    AuthNonce out{};
    ++n;
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(seed + n * 31 + i);
    return out;
  };
}

ChannelConfig with_key(const std::string& key, uint8_t seed) {
  ChannelConfig c;
  c.authentication_key = key;
  c.nonce_source = counting_nonces(seed);
  return c;
}

std::vector<uint8_t> take_output(RbsChannel& ch) {
  std::vector<uint8_t> bytes(ch.output().begin(), ch.output().end());
  ch.consume_output(bytes.size());
  return bytes;
}

bool logs_contain(const Router& r, const std::string& needle) {
  for (const auto& l : r.logs)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

uint64_t auth_closes(const Router& r) {
  return r.closes(CloseReason::auth_missing) + r.closes(CloseReason::auth_failed) +
         r.closes(CloseReason::auth_unexpected) + r.closes(CloseReason::auth_refused);
}

// ------------------------------------------------------------------ proof and key rules

const AuthNonce kNonceA = [] {
  AuthNonce n{};
  for (size_t i = 0; i < n.size(); ++i) n[i] = static_cast<uint8_t>(i);
  return n;
}();
const AuthNonce kNonceB = [] {
  AuthNonce n{};
  for (size_t i = 0; i < n.size(); ++i) n[i] = static_cast<uint8_t>(0x80 + i);
  return n;
}();
const AuthIdentity kIdA{0x0102030405060708ULL, 0x1111};
const AuthIdentity kIdB{2, 0x2222};

std::string hex(const AuthProof& p) {
  std::string s;
  for (uint8_t b : p) s += format_string("%02x", b);
  return s;
}

TEST(AuthProof, LayoutIsTheDocumentedHmacSha256) {
  // Computed independently: Python hmac.new(key, b"tandem-rbs-auth-v1" + b"\x01" + nonces
  // + struct.pack(">QQQQ", ids...), sha256). Two versions of tandem must agree on it.
  EXPECT_EQ(hex(auth_proof("correct-horse-battery", TcpSide::dialer, kNonceA, kNonceB, kIdA, kIdB)),
            "e57a7736fc017b548ab9f98d4f3ae9bff4beb80016b096a90401daf8092e5086");
}

TEST(AuthProof, EveryInputChangesTheProof) {
  const AuthProof base = auth_proof(kKey, TcpSide::dialer, kNonceA, kNonceB, kIdA, kIdB);
  AuthNonce flipped = kNonceA;
  flipped[31] ^= 1;
  const AuthProof variants[] = {
      auth_proof(kOtherKey, TcpSide::dialer, kNonceA, kNonceB, kIdA, kIdB),
      auth_proof(kKey, TcpSide::acceptor, kNonceA, kNonceB, kIdA, kIdB),
      auth_proof(kKey, TcpSide::dialer, flipped, kNonceB, kIdA, kIdB),
      auth_proof(kKey, TcpSide::dialer, kNonceB, kNonceA, kIdA, kIdB),
      auth_proof(kKey, TcpSide::dialer, kNonceA, kNonceB, kIdB, kIdA),
      auth_proof(kKey, TcpSide::dialer, kNonceA, kNonceB, {kIdA.node_id, 7}, kIdB),
  };
  for (const auto& v : variants) EXPECT_NE(hex(v), hex(base));
  EXPECT_EQ(hex(auth_proof(kKey, TcpSide::dialer, kNonceA, kNonceB, kIdA, kIdB)), hex(base));
}

TEST(AuthProof, MatchNeedsTheExactLength) {
  const AuthProof p = auth_proof(kKey, TcpSide::dialer, kNonceA, kNonceB, kIdA, kIdB);
  EXPECT_TRUE(auth_proof_matches(p, p));
  EXPECT_FALSE(auth_proof_matches(p, std::span<const uint8_t>(p.data(), p.size() - 1)));
  EXPECT_FALSE(auth_proof_matches(p, {}));
  AuthProof q = p;
  q[0] ^= 0x80;
  EXPECT_FALSE(auth_proof_matches(p, q));
}

TEST(AuthKey, RulesAreEightToSixtyFourPrintableCharactersWithoutSpaces) {
  EXPECT_EQ(authentication_key_problem("12345678"), "");
  EXPECT_EQ(authentication_key_problem(std::string(64, 'k')), "");
  EXPECT_EQ(authentication_key_problem("a~!@$%^&*()_+{}|:<>?"), "");
  EXPECT_NE(authentication_key_problem("1234567"), "");
  EXPECT_NE(authentication_key_problem(std::string(65, 'k')), "");
  EXPECT_NE(authentication_key_problem("with space"), "");
  EXPECT_NE(authentication_key_problem("tab\there!"), "");
  EXPECT_NE(authentication_key_problem("caf\xc3\xa9-key"), "");
  EXPECT_NE(authentication_key_problem("#comment-like"), "");
  // The message never repeats the key.
  EXPECT_EQ(authentication_key_problem("shortk").find("shortk"), std::string::npos);
}

TEST(AuthNonce, RandomSourceGivesFreshNonces) {
  auto src = random_nonce_source();
  EXPECT_NE(src(), src());
}

// ------------------------------------------------------------------ channel

// Frames an impostor writes by hand, in whatever order it likes.
struct Forged {
  std::vector<uint8_t> bytes;

  template <typename T>
  Forged& add(flatbuffers::FlatBufferBuilder& fbb, fb::Message type, flatbuffers::Offset<T> msg) {
    fbb.Finish(fb::CreateFrame(fbb, type, msg.Union()), fb::FrameIdentifier());
    append_frame(bytes, fbb);
    return *this;
  }
  // nonce_bytes 0: no nonce at all (a router without a key).
  Forged& hello(uint64_t epoch, size_t nonce_bytes) {
    flatbuffers::FlatBufferBuilder fbb;
    const std::vector<uint16_t> ids = {kBackupId};
    const std::vector<uint8_t> nonce(nonce_bytes, 0x5a);
    auto n =
        nonce_bytes ? fbb.CreateVector(nonce) : flatbuffers::Offset<flatbuffers::Vector<uint8_t>>{};
    return add(fbb, fb::Message::Hello,
               fb::CreateHello(fbb, kProtocolVersion, 9, epoch, fbb.CreateVector(ids),
                               fbb.CreateVector(ids), 100, n));
  }
  Forged& heartbeat() {
    flatbuffers::FlatBufferBuilder fbb;
    return add(fbb, fb::Message::Heartbeat, fb::CreateHeartbeat(fbb, 0, 0));
  }
  Forged& auth_proof(size_t len) {
    flatbuffers::FlatBufferBuilder fbb;
    const std::vector<uint8_t> mac(len, 1);
    return add(fbb, fb::Message::AuthProof, fb::CreateAuthProof(fbb, fbb.CreateVector(mac)));
  }
  // SnapshotBegin, one chunk of `records` records, SnapshotEnd, all at seq 1.
  Forged& snapshot(uint64_t epoch, Rng& rng, uint32_t records) {
    const std::vector<uint16_t> ids = {kBackupId};
    flatbuffers::FlatBufferBuilder begin;
    add(begin, fb::Message::SnapshotBegin,
        fb::CreateSnapshotBegin(begin, 1, epoch, begin.CreateVector(ids), records));
    flatbuffers::FlatBufferBuilder chunk;
    InterfaceNameCache names;
    std::vector<flatbuffers::Offset<fb::GroupRecord>> recs;
    for (uint32_t i = 0; i < records; ++i)
      recs.push_back(encode_record(chunk, random_record(rng, key_of(i)), names));
    add(chunk, fb::Message::SnapshotChunk,
        fb::CreateSnapshotChunk(chunk, 1, chunk.CreateVector(recs)));
    flatbuffers::FlatBufferBuilder end;
    return add(end, fb::Message::SnapshotEnd, fb::CreateSnapshotEnd(end, 1, records));
  }
};

// The first frame of `bytes` (what a channel wrote) as an Error code.
std::optional<fb::ErrorCode> error_code_of(const std::vector<uint8_t>& bytes) {
  FrameReader reader;
  reader.append(bytes);
  const fb::Frame* f = nullptr;
  CloseReason why = CloseReason::none;
  if (reader.next(&f, &why) != FrameReader::Status::frame) return std::nullopt;
  if (f->message_type() != fb::Message::Error) return std::nullopt;
  return f->message_as_Error()->code();
}

struct KeyedPair : ::testing::Test {
  Rng rng{7};
  TimePoint now = kT0;

  // Router `node` holding `key` ("" = none); with `groups` > 0 it is Master of that many
  // records. Nonces are seeded by the node unless `nonce_seed` says otherwise.
  std::unique_ptr<Router> router(uint64_t node, const std::string& key, int groups = 0,
                                 uint8_t nonce_seed = 0) {
    const auto seed = nonce_seed ? nonce_seed : static_cast<uint8_t>(node);
    auto r = std::make_unique<Router>(node, node * 0x1111, std::vector<uint16_t>{kBackupId},
                                      key.empty() ? ChannelConfig{} : with_key(key, seed));
    if (groups > 0) {
      r->channel.set_role(kBackupId, Role::master, now);
      churn(rng, r->store, r->channel.feed(), static_cast<uint32_t>(groups), groups, now);
    }
    return r;
  }
  // Connects with both Hellos crossing on the wire, then both AuthProofs.
  void connect_crossed(Link& link) {
    link.connect(now);
    link.cross(now);  // Hellos
    link.cross(now);  // AuthProofs
  }
  // Connects `master` (dialer) and `backup` (acceptor) and returns everything the master sent
  // on that connection: Hello, AuthProof, snapshot. The backup ends up synced from it.
  std::vector<uint8_t> record_master_stream(Router& master, Router& backup) {
    master.channel.on_connected(now, TcpSide::dialer);
    backup.channel.on_connected(now, TcpSide::acceptor);
    std::vector<uint8_t> recorded = take_output(master.channel);
    backup.channel.on_bytes(recorded, now);
    master.channel.on_bytes(take_output(backup.channel), now);
    const auto rest = take_output(master.channel);
    recorded.insert(recorded.end(), rest.begin(), rest.end());
    backup.channel.on_bytes(rest, now);
    return recorded;
  }
  // A router that has just accepted a connection and sent its Hello.
  std::unique_ptr<Router> accepted(uint64_t node, const std::string& key) {
    auto r = router(node, key);
    r->channel.on_connected(now, TcpSide::acceptor);
    take_output(r->channel);
    return r;
  }
};

TEST_F(KeyedPair, SameKeyOnBothEndsConnectsAndReplicates) {
  auto master = router(1, kKey, 300);
  auto backup = router(2, kKey);
  Link link{*master, *backup};
  link.connect(now);
  link.pump(now);
  ASSERT_TRUE(backup->channel.snapshot_complete());
  for (int i = 0; i < 10; ++i) {
    churn(rng, master->store, master->channel.feed(), 500, 50, now);
    now += milliseconds(10);
    link.pump(now);
  }
  expect_tables_match(master->store, backup->store, now, 0);
  for (Router* r : {master.get(), backup.get()}) {
    const auto s = r->channel.status();
    EXPECT_TRUE(s.authentication);
    EXPECT_TRUE(s.authenticated);
    EXPECT_EQ(auth_closes(*r), 0u);
    EXPECT_TRUE(logs_contain(*r, "peer authenticated"));
  }
}

TEST_F(KeyedPair, SameKeyWorksWhenHellosCross) {
  auto master = router(1, kKey, 50);
  auto backup = router(2, kKey);
  Link link{*master, *backup};
  connect_crossed(link);
  EXPECT_TRUE(master->channel.hello_ok());
  EXPECT_TRUE(backup->channel.hello_ok());
  link.pump(now);
  expect_tables_match(master->store, backup->store, now, 0);
}

TEST_F(KeyedPair, WrongKeyIsRefusedOnBothSidesAndTheTableUntouched) {
  auto master = router(1, kKey, 200);
  auto backup = router(2, kOtherKey);
  backup->store.upsert(random_record(rng, key_of(9999)), now);
  const uint64_t digest = backup->store.digest();
  Link link{*master, *backup};
  connect_crossed(link);  // each finds the other's AuthProof wrong
  for (Router* r : {master.get(), backup.get()}) {
    EXPECT_EQ(r->closes(CloseReason::auth_failed), 1u);
    EXPECT_TRUE(r->channel.wants_close());
    EXPECT_FALSE(r->channel.hello_ok());
    EXPECT_EQ(error_code_of(take_output(r->channel)), fb::ErrorCode::AuthFailed);
  }
  EXPECT_EQ(backup->store.digest(), digest);
  EXPECT_EQ(backup->store.size(), 1u);
  EXPECT_EQ(backup->channel.status().counters.snapshots_received, 0u);
  EXPECT_TRUE(logs_contain(*backup, "does not match"));
}

TEST_F(KeyedPair, WrongKeyRefusalReachesThePeerAsAuthRefused) {
  auto master = router(1, kKey, 20);
  auto backup = router(2, kOtherKey);
  Link link{*master, *backup};
  link.connect(now);
  link.pump(now);  // one side reads first, refuses, and its Error frame reaches the other
  EXPECT_FALSE(link.up);
  EXPECT_EQ(master->closes(CloseReason::auth_failed) + backup->closes(CloseReason::auth_failed),
            1u);
  EXPECT_EQ(master->closes(CloseReason::auth_refused) + backup->closes(CloseReason::auth_refused),
            1u);
  EXPECT_EQ(backup->store.size(), 0u);
}

// Key on one side only; the keyed side counts auth_missing, the other auth_unexpected.
struct KeyOnOneSide : KeyedPair {
  void expect_refused(bool key_on_dialer) {
    auto dialer = router(1, key_on_dialer ? kKey : "", key_on_dialer ? 0 : 100);
    auto acceptor = router(2, key_on_dialer ? "" : kKey, key_on_dialer ? 100 : 0);
    Router& keyed = key_on_dialer ? *dialer : *acceptor;
    Router& keyless = key_on_dialer ? *acceptor : *dialer;
    Link link{*dialer, *acceptor};
    link.connect(now);
    link.cross(now);
    EXPECT_EQ(keyed.closes(CloseReason::auth_missing), 1u);
    EXPECT_EQ(keyless.closes(CloseReason::auth_unexpected), 1u);
    EXPECT_TRUE(keyed.channel.wants_close());
    EXPECT_TRUE(keyless.channel.wants_close());
    EXPECT_EQ(keyed.store.size(), 0u);
    EXPECT_EQ(keyed.channel.status().counters.snapshots_received, 0u);
    EXPECT_FALSE(keyed.channel.status().authenticated);
  }
};

TEST_F(KeyOnOneSide, KeyOnlyOnTheDialerIsRefusedByBoth) {
  expect_refused(true);
}

TEST_F(KeyOnOneSide, KeyOnlyOnTheAcceptorIsRefusedByBoth) {
  expect_refused(false);
}

TEST_F(KeyedPair, HelloAndProofReplayedFromAnEarlierConnectionAreRefused) {
  auto master = router(1, kKey, 100);
  auto backup = router(2, kKey);
  // Connection 1, recorded: everything the master sends (Hello, AuthProof, snapshot).
  const std::vector<uint8_t> recorded = record_master_stream(*master, *backup);
  ASSERT_TRUE(backup->channel.snapshot_complete());
  ASSERT_EQ(backup->store.size(), master->store.size());
  master->channel.on_disconnected(now);
  backup->channel.on_disconnected(now);
  // The backup's entries go (say they aged out); a replay must not bring them back.
  std::vector<GroupKey> keys;
  backup->store.for_each(now, [&](const GroupRecord& r) { keys.push_back(r.key); });
  for (const auto& k : keys) backup->store.remove(k, now);
  const uint64_t digest = backup->store.digest();

  // Connection 2 from an impostor replaying connection 1 byte for byte.
  now += seconds(5);
  backup->channel.on_connected(now, TcpSide::acceptor);
  take_output(backup->channel);  // its new Hello, with a new nonce
  backup->channel.on_bytes(recorded, now);
  EXPECT_EQ(backup->closes(CloseReason::auth_failed), 1u);
  EXPECT_EQ(backup->store.digest(), digest);
  EXPECT_EQ(backup->store.size(), 0u);
  EXPECT_EQ(backup->channel.status().counters.snapshots_received, 1u);  // connection 1's only
}

TEST_F(KeyedPair, OwnProofReflectedBackIsRefused) {
  // An attacker dials the router twice, claiming the router's own identity, and hands each
  // connection the other's nonce. `second` plays the router's second connection.
  auto first = router(2, kKey);
  auto second = router(2, kKey, 0, /*nonce_seed=*/99);
  first->channel.on_connected(now, TcpSide::acceptor);
  second->channel.on_connected(now, TcpSide::acceptor);
  const auto hello1 = take_output(first->channel);
  const auto hello2 = take_output(second->channel);
  second->channel.on_bytes(hello1, now);             // connection 2 gets nonce 1
  const auto proof2 = take_output(second->channel);  // its AuthProof, answering nonce 1
  first->channel.on_bytes(hello2, now);              // connection 1 gets nonce 2
  // proof2 covers (nonce 1, nonce 2, the router's identity twice), just what connection 1
  // expects, except that it is an acceptor's proof and the dialer's is due.
  first->channel.on_bytes(proof2, now);
  EXPECT_EQ(first->closes(CloseReason::auth_failed), 1u);
  EXPECT_FALSE(first->channel.hello_ok());
}

TEST_F(KeyedPair, FramesBeforeTheProofAreNotApplied) {
  auto backup = accepted(2, kKey);
  Forged f;
  f.hello(0x9999, kAuthNonceBytes).heartbeat().snapshot(0x9999, rng, 2);
  backup->channel.on_bytes(f.bytes, now);
  EXPECT_EQ(backup->closes(CloseReason::auth_missing), 1u);
  EXPECT_EQ(backup->store.size(), 0u);
  EXPECT_EQ(backup->channel.status().counters.snapshots_received, 0u);
  EXPECT_EQ(backup->channel.status().peer_epoch, 0u);  // the Hello never took effect
  EXPECT_TRUE(logs_contain(*backup, "SnapshotBegin before the peer's AuthProof"));
  // The refusal is told to the peer as an authentication failure.
  EXPECT_EQ(error_code_of(take_output(backup->channel)), fb::ErrorCode::AuthFailed);
}

TEST_F(KeyedPair, PeerThatNeverProvesIsClosedAfterTheDetectTime) {
  auto backup = accepted(2, kKey);
  backup->channel.on_bytes(Forged{}.hello(0x9999, kAuthNonceBytes).bytes, now);
  const auto heartbeat = Forged{}.heartbeat().bytes;  // bytes keep flowing, no proof
  const TimePoint start = now;
  EXPECT_EQ(backup->channel.next_deadline(), start + milliseconds(100));  // our heartbeat
  while (backup->channel.link_up() && now < start + seconds(5)) {
    now += milliseconds(50);
    backup->channel.on_bytes(heartbeat, now);
    backup->channel.on_timer(now);
    take_output(backup->channel);
  }
  EXPECT_FALSE(backup->channel.link_up());
  EXPECT_EQ(backup->closes(CloseReason::auth_missing), 1u);
  EXPECT_EQ(backup->closes(CloseReason::heartbeat_timeout), 0u);
  EXPECT_EQ(now - start, milliseconds(300));  // 3 × 100 ms heartbeat interval
}

TEST_F(KeyedPair, AuthProofToARouterWithoutAKeyIsRefused) {
  auto plain = accepted(2, "");
  plain->channel.on_bytes(Forged{}.hello(0x77, 0).auth_proof(kAuthProofBytes).bytes, now);
  EXPECT_EQ(plain->closes(CloseReason::auth_unexpected), 1u);
}

TEST_F(KeyedPair, ShortNonceIsAnAuthenticationFailure) {
  auto backup = accepted(2, kKey);
  backup->channel.on_bytes(Forged{}.hello(0x77, 8).bytes, now);
  EXPECT_EQ(backup->closes(CloseReason::auth_failed), 1u);
}

TEST_F(KeyedPair, ShortProofIsAnAuthenticationFailure) {
  auto backup = accepted(2, kKey);
  backup->channel.on_bytes(Forged{}.hello(0x77, kAuthNonceBytes).auth_proof(16).bytes, now);
  EXPECT_EQ(backup->closes(CloseReason::auth_failed), 1u);
}

TEST_F(KeyedPair, MutatedHandshakesNeverCrashAndNothingAppliesUnauthenticated) {
  // A valid keyed stream from the master (Hello, AuthProof, snapshot) for a backup whose
  // first nonce is known: the same seed gives a fresh backup the same nonce each round.
  auto master = router(1, kKey, 30);
  auto recorder = router(2, kKey);
  const std::vector<uint8_t> stream = record_master_stream(*master, *recorder);
  ASSERT_EQ(recorder->store.size(), master->store.size());
  ASSERT_GT(recorder->store.size(), 0u);
  // Hello and AuthProof come first; mutations land there (and a little beyond).
  const size_t head = std::min<size_t>(stream.size(), 400);
  uint64_t authenticated = 0, applied = 0;
  for (int round = 0; round < 3000; ++round) {
    auto backup = router(2, kKey);
    backup->channel.on_connected(now, TcpSide::acceptor);
    take_output(backup->channel);
    std::vector<uint8_t> bytes = stream;
    const int flips = 1 + static_cast<int>(rng.uniform(0, 2));
    for (int i = 0; i < flips; ++i) {
      bytes[rng.uniform(0, head - 1)] ^= static_cast<uint8_t>(rng.uniform(1, 255));
    }
    backup->channel.on_bytes(bytes, now);
    const auto st = backup->channel.status();
    authenticated += st.authenticated;
    applied += backup->store.size() > 0;
    ASSERT_TRUE(backup->store.size() == 0 || st.authenticated) << "round " << round;
  }
  // Flips outside the nonce and proof (a length field's slack, an unused vtable slot) may
  // leave a handshake intact; most break it.
  EXPECT_LT(authenticated, 3000u / 2);
  EXPECT_LE(applied, authenticated);
}

TEST_F(KeyedPair, KeyNeverAppearsInLogsStatusOrJson) {
  auto master = router(1, kKey, 20);
  auto backup = router(2, kOtherKey);
  Link bad{*master, *backup};
  bad.connect(now);
  bad.pump(now);
  auto good = router(3, kKey);
  Link ok{*master, *good};
  now += seconds(1);
  ok.connect(now);
  ok.pump(now);
  ASSERT_TRUE(good->channel.snapshot_complete());
  for (Router* r : {master.get(), backup.get(), good.get()}) {
    ServiceStatus s;
    s.name = "rbs1";
    s.channel = r->channel.status();
    const std::string json = service_status_json(s);
    const std::string text = service_status_text(s, true);
    EXPECT_NE(json.find("\"authentication\":\"configured\""), std::string::npos) << json;
    EXPECT_NE(text.find("Authentication"), std::string::npos);
    for (const char* key : {kKey, kOtherKey}) {
      EXPECT_EQ(json.find(key), std::string::npos);
      EXPECT_EQ(text.find(key), std::string::npos);
      EXPECT_FALSE(logs_contain(*r, key));
    }
  }
  ServiceStatus plain;
  EXPECT_NE(service_status_json(plain).find("\"authentication\":\"none\""), std::string::npos);
}

}  // namespace
}  // namespace tandem::replication::test
