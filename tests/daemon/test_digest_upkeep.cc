// The RBS digest and record count the daemon's store keeps as the MLD state changes
// (MldGroupStore over control/mld/fingerprint.h) against the full walk they replace
// (replication::table_digest): equal after every step of random reports, queries, timer
// expiry, peer records, limit refusals, RBP binding changes and interface resets, in
// simulated time. A mutation path that forgot the running sum makes them differ at that step.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "control/daemon/config/parser.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/mld_group_store.h"
#include "control/mld/router.h"
#include "control/wire/frame.h"
#include "replication/digest.h"

namespace tandem::daemon {
namespace {

using namespace std::chrono_literals;
using wire::Ipv6Address;
using wire::MacAddress;
using wire::MldRecordType;

const char* kInterfaces = R"(
interface ge0
 device net_null0
quit
interface ge1
 device net_null1
quit
interface ge2
 device net_null2
quit
interface ge3
 device net_null3
quit
)";

const std::vector<std::string> kNames{"ge0", "ge1", "ge2", "ge3"};
const MacAddress kHostMac{{0x02, 0, 0, 0, 1, 1}};
const Ipv6Address kRouterLl = Ipv6Address::must_parse("fe80::10");
// Lower than the router's: its queries win the election and lower timers (RFC 3810 §7.6.1).
const Ipv6Address kOtherQuerier = Ipv6Address::must_parse("fe80::1");

Ipv6Address numbered(const char* prefix, uint32_t n) {
  Ipv6Address a = Ipv6Address::must_parse(prefix);
  a.bytes[15] = static_cast<uint8_t>(n);
  return a;
}

std::vector<MacAddress> macs() {
  std::vector<MacAddress> out;
  for (uint8_t i = 0; i < 4; ++i) out.push_back(MacAddress{{0x02, 0, 0, 0, 0, i}});
  return out;
}

// Short timers so groups, sources and MLDv1 compatibility expire many times per run:
// MALI = 2 × 10 s + 2 s. ge2 holds at most 5 groups (access-limit), ge3 runs MLDv1.
mld::InterfaceConfig interface_config(uint32_t ifindex, uint32_t access_limit = 5) {
  mld::InterfaceConfig c;
  c.query_interval = 10s;
  c.max_response = 2s;
  c.version = ifindex == 4 ? mld::MldVersion::v1 : mld::MldVersion::v2;
  if (ifindex == 3) c.access_limit = access_limit;
  return c;
}

// One random run: the router, the store under test, and the model of the bindings the test
// set (the reference below does not trust the store's own copy of them).
struct RandomRun {
  explicit RandomRun(uint64_t seed) : rng(seed) {
    auto parsed = config::parse_config(kInterfaces, "t.cfg");
    EXPECT_TRUE(parsed.ok()) << config::format_errors(parsed.errors);
    interfaces.build(parsed.config, macs());
    EXPECT_TRUE(mld.set_global_limits(mld::GlobalLimits{24, 40}));
    // Bound before the engine knows the interfaces: add_interface picks the binding up.
    bind({{"ge0", 10}, {"ge1", 10}, {"ge2", 11}});
    for (uint32_t i = 1; i <= 4; ++i)
      EXPECT_TRUE(mld.add_interface(i, kNames[i - 1], interface_config(i), kRouterLl, now));
  }

  std::mt19937_64 rng;
  InterfaceMap interfaces;
  mld::MldRouter mld;
  MldGroupStore store{mld, interfaces};
  std::map<std::string, uint16_t> bindings;
  TimePoint now{};
  // What the run went through, so a test that stopped reaching a path says so.
  size_t blocked_seen = 0, v1_seen = 0, exclude_seen = 0, peak_records = 0;

  uint32_t pick(uint32_t n) { return static_cast<uint32_t>(rng() % n); }
  bool chance(uint32_t percent) { return pick(100) < percent; }
  uint32_t ifindex() { return 1 + pick(4); }
  Ipv6Address group() { return numbered("ff05::db8:0", 1 + pick(12)); }
  Ipv6Address host() { return numbered("fe80::100", 1 + pick(3)); }
  std::vector<Ipv6Address> sources(uint32_t most) {
    std::vector<Ipv6Address> out;
    for (uint32_t n = pick(most + 1); n > 0; --n)
      out.push_back(numbered("2001:db8::", 1 + pick(6)));
    return out;
  }

  void bind(std::map<std::string, uint16_t> b) {
    bindings = b;
    store.set_bindings(std::move(b));
  }

  void feed(uint32_t ifindex, const std::vector<uint8_t>& bytes) {
    mld.on_frame(wire::parse_frame(bytes), ifindex, now);
  }

  void v2_report() {
    std::vector<wire::MldRecordSpec> records;
    for (uint32_t n = 1 + pick(3); n > 0; --n)
      records.push_back({static_cast<MldRecordType>(1 + pick(6)), group(), sources(3)});
    feed(ifindex(), wire::build_mld_v2_report_frame(kHostMac, host(), records));
  }

  void v1_message() {  // §8.3.2: Report = IS_EX({}) + Older Version Host Present, Done = TO_IN({})
    const uint8_t type = chance(70) ? wire::kIcmpMldV1Report : wire::kIcmpMldV1Done;
    const Ipv6Address g = group();
    wire::L2L3Spec l;
    l.src_mac = kHostMac;
    l.src = host();
    l.dst = type == wire::kIcmpMldV1Done ? wire::addr::all_routers() : g;
    l.hop_limit = 1;
    l.router_alert_mld = true;
    feed(ifindex(), wire::build_icmpv6_frame(l, wire::build_mld_v1_body(type, g)));
  }

  void specific_query() {  // Q(G) or Q(G,S): lowers filter or source timers to LLQT
    wire::MldQuerySpec q;
    q.group = group();
    q.max_resp_ms = 1000;
    q.s_flag = chance(20);
    if (chance(50)) q.sources = sources(2);
    feed(ifindex(), wire::build_mld_query_frame(kHostMac, kOtherQuerier, q));
  }

  void advance() {  // timers run at their own deadlines, as the daemon's loop runs them
    const TimePoint until = chance(50) ? now + milliseconds(pick(4000)) : mld.next_deadline();
    if (until == kNever) return;
    while (mld.next_deadline() <= until) {
      now = std::max(now, mld.next_deadline());
      mld.on_timer(now);
    }
    now = std::max(now, until);
  }

  replication::GroupRecord peer_record() {
    replication::GroupRecord r;
    // Sometimes a key the store refuses: an unbound interface or another backup-id.
    r.key = {static_cast<uint16_t>(chance(80) ? 10 : 11), kNames[pick(4)], group()};
    r.mode = chance(50) ? replication::FilterMode::exclude : replication::FilterMode::include;
    if (r.mode == replication::FilterMode::exclude) r.filter_timer_ms = 1 + pick(30000);
    for (const auto& a : sources(4)) {
      if (std::any_of(r.sources.begin(), r.sources.end(), [&](auto& s) { return s.address == a; }))
        continue;
      r.sources.push_back({a, chance(30) ? 0 : 1 + static_cast<int64_t>(pick(30000))});
    }
    std::sort(r.sources.begin(), r.sources.end(),
              [](const auto& a, const auto& b) { return a.address < b.address; });
    if (chance(30)) {
      r.compat = replication::CompatMode::mldv1;
      r.older_host_present_ms = 1 + pick(30000);
    }
    r.last_reporter = host();
    return r;
  }

  void rebind() {
    std::map<std::string, uint16_t> b;
    for (const auto& name : kNames)
      if (chance(60)) b[name] = static_cast<uint16_t>(chance(70) ? 10 : 11);
    bind(std::move(b));
  }

  void reset_interface() {  // `undo mld enable` + `mld enable`: the interface's groups go
    const uint32_t i = ifindex();
    EXPECT_TRUE(mld.remove_interface(i, now));
    EXPECT_TRUE(mld.add_interface(i, kNames[i - 1], interface_config(i), kRouterLl, now));
  }

  // One random step; returns its name for the failure message.
  const char* step() {
    const uint32_t p = pick(100);
    if (p < 34) return v2_report(), "MLDv2 report";
    if (p < 42) return v1_message(), "MLDv1 report/done";
    if (p < 47) return specific_query(), "specific query";
    if (p < 69) return advance(), "timers";
    if (p < 80) return store.upsert(peer_record(), now), "RBS upsert";
    if (p < 85) return store.remove(peer_record().key, now), "RBS remove";
    if (p < 88) return rebind(), "bind/unbind";
    if (p < 90) return reset_interface(), "interface reset";
    if (p < 94) {
      const uint32_t i = ifindex();
      const bool passive = !mld.interface_status(i, now)->passive;
      return (void)mld.set_passive(i, passive, now), "passive toggle";
    }
    if (p < 97) {
      const mld::GlobalLimits l{8 + pick(24), 4 + pick(48)};
      return (void)mld.set_global_limits(l), "global limits";
    }
    return (void)mld.set_interface_config(3, interface_config(3, 1 + pick(8)), now), "access-limit";
  }

  // The store's O(1) values against two walks: the store's own for_each through
  // table_digest, and the engine's records under the bindings the test set.
  void check(size_t step_no, const char* what) {
    (void)mld.take_events();
    (void)mld.take_queries();
    SCOPED_TRACE("step " + std::to_string(step_no) + ": " + what);
    size_t walked = 0;
    store.for_each(now, [&](const replication::GroupRecord&) { ++walked; });
    ASSERT_EQ(store.digest(), replication::table_digest(store, now));
    ASSERT_EQ(store.size(), walked);
    uint64_t reference = 0;
    size_t records = 0;
    mld.for_each_group(
        [&](const mld::GroupRecordView& v) {
          const std::string& name = kNames[dataplane::IfIndex(v.ifindex).port()];
          v1_seen += v.compat == mld::CompatMode::v1;
          exclude_seen += v.filter_mode == mld::FilterMode::exclude;
          for (const auto& s : v.sources)
            blocked_seen += v.filter_mode == mld::FilterMode::exclude && s.remaining == 0s;
          auto b = bindings.find(name);
          if (b == bindings.end()) return;
          reference += replication::record_digest(to_replicated(v, b->second, name));
          ++records;
        },
        now);
    ASSERT_EQ(store.digest(), reference);
    ASSERT_EQ(store.size(), records);
    peak_records = std::max(peak_records, records);
  }
};

TEST(DigestUpkeep, RandomOperationsKeepTheRunningDigestAndCountEqualToTheFullWalk) {
  constexpr size_t kSteps = 6000;
  uint64_t refusals[3] = {}, deleted = 0;
  size_t blocked = 0, v1 = 0, exclude = 0, peak = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomRun run(seed);
    for (size_t i = 0; i < kSteps; ++i) {
      const char* what = run.step();
      run.check(i, what);
      if (::testing::Test::HasFatalFailure()) return;
    }
    // Every covered record leaves the sum when its interface is unbound.
    run.bind({});
    run.check(kSteps, "unbind all");
    EXPECT_EQ(run.store.digest(), 0u);
    EXPECT_EQ(run.store.size(), 0u);
    const auto& c = run.mld.counters();
    refusals[0] += c.ignored_count(mld::IgnoreReason::access_limit);
    refusals[1] += c.ignored_count(mld::IgnoreReason::global_group_limit);
    refusals[2] += c.ignored_count(mld::IgnoreReason::global_source_limit);
    deleted += c.groups_deleted;
    blocked += run.blocked_seen;
    v1 += run.v1_seen;
    exclude += run.exclude_seen;
    peak = std::max(peak, run.peak_records);
  }
  // The run reached every path it is meant to: refusals of each limit, deletions, blocked
  // EXCLUDE sources, MLDv1 compatibility, and tables of more than a handful of records.
  EXPECT_GT(refusals[0], 0u);
  EXPECT_GT(refusals[1], 0u);
  EXPECT_GT(refusals[2], 0u);
  EXPECT_GT(deleted, 1000u);
  EXPECT_GT(blocked, 0u);
  EXPECT_GT(v1, 0u);
  EXPECT_GT(exclude, 0u);
  EXPECT_GE(peak, 10u);
}

// A binding's backup-id and interface name are part of every record's hash: moving an
// interface to another backup group re-hashes its records, and the values are those of the
// records as the RBS would key them.
TEST(DigestUpkeep, RebindingRehashesUnderTheNewKeyAndUnbindingEmptiesTheSum) {
  RandomRun run(1);
  const Ipv6Address g = numbered("ff05::db8:0", 1);
  run.feed(1, wire::build_mld_v2_report_frame(kHostMac, numbered("fe80::100", 1),
                                              {{MldRecordType::to_ex, g, {}}}));
  replication::GroupRecord r;
  r.key = {10, "ge0", g};
  r.mode = replication::FilterMode::exclude;
  EXPECT_EQ(run.store.digest(), replication::record_digest(r));
  EXPECT_EQ(run.store.size(), 1u);
  run.bind({{"ge0", 11}});
  r.key.backup_id = 11;
  EXPECT_EQ(run.store.digest(), replication::record_digest(r));
  run.bind({{"ge1", 11}});
  EXPECT_EQ(run.store.digest(), 0u);
  EXPECT_EQ(run.store.size(), 0u);
  // The engine keeps the binding while MLD is off on the interface and back on.
  run.bind({{"ge0", 10}});
  ASSERT_TRUE(run.mld.remove_interface(1, run.now));
  EXPECT_EQ(run.store.size(), 0u);
  ASSERT_TRUE(run.mld.add_interface(1, "ge0", interface_config(1), kRouterLl, run.now));
  run.feed(1, wire::build_mld_v2_report_frame(kHostMac, numbered("fe80::100", 1),
                                              {{MldRecordType::to_ex, g, {}}}));
  r.key.backup_id = 10;
  EXPECT_EQ(run.store.digest(), replication::record_digest(r));
}

}  // namespace
}  // namespace tandem::daemon
