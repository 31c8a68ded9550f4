// Two RBS endpoints over real loopback TCP in one process: ::ffff:127.0.0.1 and
// ::ffff:127.0.0.2 (IPv4-mapped, so each router has its own address and both listen on the
// same port, as on real devices). Wall-clock time, one poll() loop driving both.
#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>

#include "replication/rbs_endpoint.h"
#include "tests/replication/harness.h"

namespace tandem::replication::test {
namespace {

const wire::Ipv6Address kAddrA = wire::Ipv6Address::must_parse("::ffff:127.0.0.1");
const wire::Ipv6Address kAddrB = wire::Ipv6Address::must_parse("::ffff:127.0.0.2");
const wire::Ipv6Address kAddrIntruder = wire::Ipv6Address::must_parse("::ffff:127.0.0.3");

uint16_t random_port() {
  std::random_device rd;
  return static_cast<uint16_t>(20000 + rd() % 30000);
}

struct Node {
  MemoryGroupStore store;
  std::unique_ptr<RbsEndpoint> ep;
  Node(const wire::Ipv6Address& self, const wire::Ipv6Address& peer, uint16_t port, uint64_t epoch,
       bool track_bfd = false, const std::string& authentication_key = "") {
    EndpointConfig cfg;
    cfg.name = "rbs1";
    cfg.local = self;
    cfg.peer = peer;
    cfg.port = port;
    cfg.track_bfd = track_bfd;
    cfg.channel.node_id = self.bytes[15];
    cfg.channel.epoch = epoch;
    cfg.channel.backup_ids = {kBackupId};
    cfg.channel.authentication_key = authentication_key;  // nonces from RAND_bytes
    cfg.channel.heartbeat_interval = milliseconds(200);
    cfg.connector.backoff_min = milliseconds(20);
    cfg.connector.backoff_max = milliseconds(200);
    LogSink sink = null_log_sink();
    if (std::getenv("TANDEM_TEST_LOG")) {
      sink = [tag = self.to_string()](LogLevel l, std::string_view sub, std::string_view line) {
        std::fprintf(stderr, "[%s] %s %s: %.*s\n", tag.c_str(), log_level_name(l),
                     std::string(sub).c_str(), static_cast<int>(line.size()), line.data());
      };
    }
    ep = std::make_unique<RbsEndpoint>(cfg, store, sink);
  }
  RbsChannel& ch() { return ep->channel(); }
};

// One iteration of the caller's event loop for every endpoint.
void loop_once(std::vector<Node*> nodes, int max_wait_ms) {
  std::vector<pollfd> fds;
  std::vector<Node*> owner;
  TimePoint now = Clock::now();
  TimePoint deadline = now + milliseconds(max_wait_ms);
  for (Node* n : nodes) {
    for (const auto& p : n->ep->poll_fds()) {
      fds.push_back({p.fd, static_cast<short>(POLLIN | (p.want_write ? POLLOUT : 0)), 0});
      owner.push_back(n);
    }
    deadline = std::min(deadline, n->ep->next_deadline());
  }
  const auto wait = std::chrono::ceil<milliseconds>(deadline - now).count();
  ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<int64_t>(wait, 0, max_wait_ms)));
  now = Clock::now();
  for (size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    owner[i]->ep->on_fd_ready(fds[i].fd, fds[i].revents & (POLLIN | POLLHUP | POLLERR),
                              fds[i].revents & (POLLOUT | POLLERR | POLLHUP), now);
  }
  for (Node* n : nodes) n->ep->on_timer(Clock::now());
}

bool run_until(std::vector<Node*> nodes, const std::function<bool()>& done,
               Duration limit = seconds(10)) {
  const TimePoint end = Clock::now() + limit;
  while (Clock::now() < end) {
    if (done()) return true;
    loop_once(nodes, 5);
  }
  return done();
}

bool quiet(Node& m, Node& b) {
  const auto s = m.ch().status();
  return m.ch().feed().empty() && s.output_bytes == 0 && s.last_seq_acked == s.last_seq_sent &&
         b.ch().status().output_bytes == 0 && b.ch().snapshot_complete();
}

struct Loopback : ::testing::Test {
  uint16_t port = 0;
  std::unique_ptr<Node> a, b;
  Rng rng{2026};

  void SetUp() override {
    for (int attempt = 0; attempt < 20; ++attempt) {
      port = random_port();
      a = std::make_unique<Node>(kAddrA, kAddrB, port, 0xaaaa);
      b = std::make_unique<Node>(kAddrB, kAddrA, port, 0xbbbb);
      if (a->ep->start() && b->ep->start()) break;
    }
    a->ch().set_role(kBackupId, Role::master, Clock::now());
  }
  bool sync() {
    return run_until({a.get(), b.get()}, [&] { return quiet(*a, *b); });
  }
};

TEST_F(Loopback, SimultaneousConnectsSettleOnOneConnection) {
  ASSERT_TRUE(sync());
  // Both dialed; both now hold exactly one link and agree on it for a while.
  run_until(
      {a.get(), b.get()}, [] { return false; }, milliseconds(300));
  EXPECT_EQ(a->ep->status(Clock::now(), a->store).tcp_state, "connected");
  EXPECT_EQ(b->ep->status(Clock::now(), b->store).tcp_state, "connected");
  const uint64_t closes_a = a->ch().status().counters.closes[size_t(CloseReason::peer_closed)];
  run_until(
      {a.get(), b.get()}, [] { return false; }, milliseconds(500));
  EXPECT_EQ(a->ch().status().counters.closes[size_t(CloseReason::peer_closed)], closes_a);
  EXPECT_TRUE(a->ch().link_up());
  EXPECT_TRUE(b->ch().link_up());
}

TEST_F(Loopback, Churn100000GroupsLeavesEqualTablesAndTimes) {
  ASSERT_TRUE(sync());
  const auto t0 = Clock::now();
  for (int batch = 0; batch < 100; ++batch) {
    churn(rng, a->store, a->ch().feed(), 20000, 1000, Clock::now());
    loop_once({a.get(), b.get()}, 0);
    loop_once({a.get(), b.get()}, 0);
  }
  ASSERT_TRUE(sync());
  const auto elapsed = Clock::now() - t0;
  const TimePoint now = Clock::now();
  expect_tables_match(a->store, b->store, now, 250);
  EXPECT_GT(b->store.size(), 10000u);
  EXPECT_GE(a->ch().status().counters.deltas_sent, 100u);  // one per batch at least
  const auto st = a->ep->status(now, a->store);
  const auto sb = b->ep->status(now, b->store);
  EXPECT_EQ(st.digest, sb.digest);
  EXPECT_EQ(st.role, "master");
  EXPECT_EQ(sb.role, "backup");
  EXPECT_EQ(st.channel.last_seq_acked, st.channel.last_seq_sent);
  EXPECT_EQ(b->ch().status().counters.seq_gaps, 0u);
  EXPECT_LT(elapsed, seconds(30));
  const std::string json = service_status_json(st);
  for (const char* k : {"\"name\":\"rbs1\"", "\"tcp_state\":\"connected\"",
                        "\"peer_ip\":", "\"source_ip\":", "\"tcp_port\":", "\"role\":\"master\"",
                        "\"last_seq_sent\":", "\"last_seq_acked\":", "\"digest\":\""}) {
    EXPECT_NE(json.find(k), std::string::npos) << k << " in " << json;
  }
}

TEST_F(Loopback, ConnectionFromAnAddressOtherThanThePeerIsRefused) {
  churn(rng, a->store, a->ch().feed(), 500, 500, Clock::now());
  ASSERT_TRUE(sync());
  const uint64_t digest = b->store.digest();
  std::string err;
  auto intruder = TcpSocket::dial(kAddrIntruder, kAddrB, port, &err);
  ASSERT_TRUE(intruder) << err;
  run_until(
      {a.get(), b.get()}, [&] { return b->ep->connector().counters().refused_wrong_peer == 1; },
      seconds(3));
  EXPECT_EQ(b->ep->connector().counters().refused_wrong_peer, 1u);
  // The refused socket sees the close; the real link is untouched.
  run_until(
      {a.get(), b.get()}, [] { return false; }, milliseconds(100));
  uint8_t buf[16];
  size_t n = 0;
  EXPECT_EQ(intruder->read(buf, &n), TcpSocket::IoStatus::eof);
  EXPECT_TRUE(b->ch().link_up());
  EXPECT_EQ(b->store.digest(), digest);
}

TEST_F(Loopback, BackupRestartReconnectsAndResyncs) {
  churn(rng, a->store, a->ch().feed(), 2000, 2000, Clock::now());
  ASSERT_TRUE(sync());
  b.reset();  // the backup's daemon dies
  churn(rng, a->store, a->ch().feed(), 2000, 500, Clock::now());
  run_until(
      {a.get()}, [&] { return !a->ch().link_up(); }, seconds(3));
  EXPECT_FALSE(a->ch().link_up());
  b = std::make_unique<Node>(kAddrB, kAddrA, port, 0xcccc);
  ASSERT_TRUE(b->ep->start());
  ASSERT_TRUE(sync());
  expect_tables_match(a->store, b->store, Clock::now(), 250);
  EXPECT_EQ(a->ch().status().counters.epoch_changes, 1u);
}

TEST_F(Loopback, ListenerThatCannotOpenYetIsRetried) {
  b.reset();
  std::string err;
  auto blocker = TcpListener::listen(kAddrB, port, &err);  // someone holds B's port
  ASSERT_TRUE(blocker) << err;
  b = std::make_unique<Node>(kAddrB, kAddrA, port, 0xbbbb);
  EXPECT_FALSE(b->ep->start());
  run_until(
      {a.get(), b.get()}, [] { return false; }, milliseconds(200));
  blocker.reset();
  churn(rng, a->store, a->ch().feed(), 300, 300, Clock::now());
  // B still reaches A by dialing; its own listener comes back on the next retry.
  ASSERT_TRUE(sync());
  run_until(
      {a.get(), b.get()}, [&] { return b->ep->listen_port() != 0; }, seconds(3));
  EXPECT_EQ(b->ep->listen_port(), port);
  expect_tables_match(a->store, b->store, Clock::now(), 250);
}

TEST_F(Loopback, TrackedBfdDownDropsTheLinkAndUpResyncs) {
  a = std::make_unique<Node>(kAddrA, kAddrB, port, 0xaaaa, /*track_bfd=*/true);
  b.reset();
  b = std::make_unique<Node>(kAddrB, kAddrA, port, 0xbbbb, /*track_bfd=*/true);
  ASSERT_TRUE(a->ep->start());
  ASSERT_TRUE(b->ep->start());
  a->ch().set_role(kBackupId, Role::master, Clock::now());
  churn(rng, a->store, a->ch().feed(), 1000, 1000, Clock::now());
  ASSERT_TRUE(sync());
  a->ep->on_bfd(false, Clock::now());
  b->ep->on_bfd(false, Clock::now());
  EXPECT_FALSE(a->ch().link_up());
  churn(rng, a->store, a->ch().feed(), 1000, 300, Clock::now());
  run_until(
      {a.get(), b.get()}, [] { return false; }, milliseconds(300));
  EXPECT_FALSE(a->ch().link_up());  // no redial while BFD is down
  EXPECT_FALSE(b->ch().link_up());
  EXPECT_EQ(a->ch().status().counters.closes[size_t(CloseReason::bfd_down)], 1u);
  a->ep->on_bfd(true, Clock::now());
  b->ep->on_bfd(true, Clock::now());
  ASSERT_TRUE(sync());
  expect_tables_match(a->store, b->store, Clock::now(), 250);
}

// ---- peer authentication (authentication-key) over real TCP, simultaneous connects included

uint64_t closes(Node& n, CloseReason r) {
  return n.ch().status().counters.closes[static_cast<size_t>(r)];
}

struct AuthLoopback : Loopback {
  void restart_with_keys(const std::string& key_a, const std::string& key_b) {
    a.reset();
    b.reset();
    a = std::make_unique<Node>(kAddrA, kAddrB, port, 0xaaaa, false, key_a);
    b = std::make_unique<Node>(kAddrB, kAddrA, port, 0xbbbb, false, key_b);
    ASSERT_TRUE(a->ep->start());
    ASSERT_TRUE(b->ep->start());
    a->ch().set_role(kBackupId, Role::master, Clock::now());
    churn(rng, a->store, a->ch().feed(), 500, 500, Clock::now());
  }
  // Refusals of node `n`: those it decided (`own`) plus those its peer told it about.
  static uint64_t refusals(Node& n, CloseReason own) {
    return closes(n, own) + closes(n, CloseReason::auth_refused);
  }
  // Runs until a has refused `times` connections for `reason_a` and b for `reason_b`.
  void run_until_refused(CloseReason reason_a, CloseReason reason_b, uint64_t times) {
    run_until(
        {a.get(), b.get()},
        [&] { return refusals(*a, reason_a) >= times && refusals(*b, reason_b) >= times; },
        seconds(10));
    EXPECT_GE(refusals(*a, reason_a), times);
    EXPECT_GE(refusals(*b, reason_b), times);
  }
};

TEST_F(AuthLoopback, SameKeyOverTcpReplicates) {
  restart_with_keys("tcp-shared-key-1", "tcp-shared-key-1");
  ASSERT_TRUE(sync());
  expect_tables_match(a->store, b->store, Clock::now(), 250);
  EXPECT_TRUE(a->ch().status().authenticated);
  EXPECT_TRUE(b->ch().status().authenticated);
  EXPECT_EQ(closes(*a, CloseReason::auth_failed) + closes(*b, CloseReason::auth_failed), 0u);
}

TEST_F(AuthLoopback, WrongKeyOverTcpIsRefusedOnBothSidesAndCounted) {
  restart_with_keys("tcp-shared-key-1", "not-the-same-key");
  run_until_refused(CloseReason::auth_failed, CloseReason::auth_failed, 3);
  for (Node* n : {a.get(), b.get()}) {
    EXPECT_FALSE(n->ch().status().authenticated);
    EXPECT_EQ(n->ch().status().counters.snapshots_received, 0u);
    const std::string json = service_status_json(n->ep->status(Clock::now(), n->store));
    EXPECT_NE(json.find("\"authentication\":\"configured\""), std::string::npos) << json;
    EXPECT_EQ(json.find("tcp-shared-key-1"), std::string::npos);
    EXPECT_EQ(json.find("not-the-same-key"), std::string::npos);
  }
  EXPECT_GE(closes(*a, CloseReason::auth_failed) + closes(*b, CloseReason::auth_failed), 1u);
  EXPECT_EQ(b->store.size(), 0u);  // the table is untouched
}

TEST_F(AuthLoopback, KeyOnOneSideOnlyOverTcpIsRefused) {
  restart_with_keys("tcp-shared-key-1", "");
  run_until_refused(CloseReason::auth_missing, CloseReason::auth_unexpected, 2);
  EXPECT_FALSE(b->ch().hello_ok());
  EXPECT_EQ(b->store.size(), 0u);
}

}  // namespace
}  // namespace tandem::replication::test
