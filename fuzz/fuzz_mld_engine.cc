// fuzz_mld_engine: the MLD router (control/mld, MldRouter) driven by a fuzzed sequence of
// operations: MLDv2/MLDv1 reports and queries built with the wire builders (so they pass
// parse_frame and reach the engine), raw frames, time advances that run every timer at its
// deadline, interface add/remove/reconfigure/passive/link-local changes, and replicated
// records applied as the backup does. After every operation it checks:
//  - the listener/source events are exactly the changes of the forwarding view (RFC 3810
//    §7.2.3): replaying them gives the view read back from the group table, and no event
//    adds what is there or removes what is not;
//  - counters agree: groups created - deleted = group count = Σ per-interface groups, and
//    per interface joins - leaves = groups;
//  - a local report never takes an interface over its access-limit;
//  - a passive interface changes nothing on reports or queries and sends no query;
//  - every record is well formed (multicast, not link-scope, sorted sources within the
//    source limit, INCLUDE records hold only running sources, EXCLUDE ones a filter timer);
//  - every query goes out on a known, active interface and is a valid query;
//  - after on_timer(now) nothing is still due at `now` (no busy loop);
//  - configuration calls succeed exactly when the config validates and the index exists.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "control/mld/router.h"
#include "control/wire/frame.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"

namespace tandem::fuzz {
namespace {

using namespace tandem::mld;
using wire::Ipv6Address;
using wire::MacAddress;

constexpr uint32_t kMaxIfindex = 4;  // 1..3 may exist; 4 never does
const Ipv6Address kRouterLl = Ipv6Address::must_parse("fe80::10");

using Key = std::tuple<uint32_t, Ipv6Address, Ipv6Address>;  // (if, G, S); S = :: for (*,G)

InterfaceConfig fuzz_config(FuzzInput& in) {
  InterfaceConfig c;
  const uint8_t sel = in.u8();
  c.version = (sel & 1) ? MldVersion::v1 : MldVersion::v2;
  // Short intervals keep timers firing within a few advances; the top bits of `sel` now and
  // then pick values outside the ranges so validation is exercised.
  const bool wild = (sel & 0xe0) == 0xe0;
  c.query_interval = std::chrono::seconds(wild ? in.u16() : in.range(2, 40));
  c.robustness = static_cast<uint8_t>(wild ? in.u8() : in.range(2, 5));
  c.max_response = std::chrono::seconds(wild ? in.u8() : 1);
  c.last_listener_query_interval = std::chrono::seconds(wild ? in.u8() : in.range(1, 3));
  c.last_listener_query_count = static_cast<uint8_t>(wild ? in.u8() : in.range(0, 3));
  c.access_limit = wild ? in.u16() : in.range(0, 4);
  return c;
}

class Harness {
 public:
  void run(FuzzInput& in) {
    const uint32_t n = in.range(1, 3);
    for (uint32_t i = 1; i <= n; ++i) add(in, i);
    for (int ops = 0; ops < 256 && !in.empty(); ++ops) step(in);
    // Hand every interface to the peer (passive: no querier, no reports) and let the table
    // age: each record must be gone once its own `expires` has passed (RFC 3810 §7.2.3, §7.5).
    for (const auto& [ifindex, config] : configs_) {
      FUZZ_CHECK(router_.set_passive(ifindex, true, now_), "set_passive on known interface");
      passive_[ifindex] = true;
      after_op();
    }
    TimePoint horizon = now_;
    router_.for_each_group(
        [&](const GroupRecordView& v) { horizon = std::max(horizon, now_ + v.expires); }, now_);
    advance_to(horizon);
    FUZZ_CHECK(router_.group_count() == 0, "an unrefreshed record is gone by its expiry time");
  }

 private:
  // ---- operations ----

  void add(FuzzInput& in, uint32_t ifindex) {
    const InterfaceConfig c = fuzz_config(in);
    const bool exists = configs_.count(ifindex) != 0;
    const bool ok =
        router_.add_interface(ifindex, "ge" + std::to_string(ifindex), c, kRouterLl, now_);
    FUZZ_CHECK(ok == (!exists && c.validate().empty()),
               "add_interface succeeds iff the index is new and the config valid");
    if (ok) configs_[ifindex] = c;
    after_op();
  }

  void step(FuzzInput& in) {
    const uint8_t op = in.u8();
    const uint32_t ifindex = in.range(1, kMaxIfindex);
    switch (op % 16) {
      case 0:
      case 1:
      case 2:
      case 3: return feed(ifindex, v2_report(in));
      case 4: return feed(ifindex, v1_message(in));
      case 5: return feed(ifindex, query(in));
      case 6:
      case 7: return advance(in);
      case 8: {
        const bool passive = in.flag();
        const bool ok = router_.set_passive(ifindex, passive, now_);
        FUZZ_CHECK(ok == (configs_.count(ifindex) != 0), "set_passive on known interfaces");
        if (ok) passive_[ifindex] = passive;
        return after_op();
      }
      case 9: {
        const InterfaceConfig c = fuzz_config(in);
        const bool ok = router_.set_interface_config(ifindex, c, now_);
        FUZZ_CHECK(ok == (configs_.count(ifindex) != 0 && c.validate().empty()),
                   "set_interface_config succeeds iff known interface and valid config");
        if (ok) configs_[ifindex] = c;
        return after_op();
      }
      case 10: return apply_upsert(in, ifindex);
      case 11: {
        const Ipv6Address g = pick_or_raw(in, pools().groups);
        const bool ok = router_.apply_remove(ifindex, g, now_);
        FUZZ_CHECK(ok == (configs_.count(ifindex) != 0), "apply_remove on known interfaces");
        FUZZ_CHECK(!router_.find_group(ifindex, g, now_), "apply_remove removes the record");
        return after_op();
      }
      case 12: {
        if (configs_.count(ifindex) != 0 && in.flag()) {
          FUZZ_CHECK(router_.remove_interface(ifindex, now_), "remove a known interface");
          configs_.erase(ifindex);
          passive_.erase(ifindex);
          after_op();
          FUZZ_CHECK(!router_.interface_status(ifindex, now_), "removed interface is gone");
          return;
        }
        return add(in, ifindex);
      }
      case 13: {
        const bool ok = router_.set_link_local(ifindex, pick_or_raw(in, pools().link_locals), now_);
        FUZZ_CHECK(ok == (configs_.count(ifindex) != 0), "set_link_local on known interfaces");
        return after_op();
      }
      case 14: {  // arbitrary bytes as a frame: whatever parse_frame makes of them
        const auto raw = in.bytes(in.u8());
        const std::vector<uint8_t> bytes(raw.begin(), raw.end());
        return feed(ifindex, bytes);
      }
      default: return feed(ifindex, v2_report(in));
    }
  }

  std::vector<Ipv6Address> sources(FuzzInput& in, uint32_t max) {
    std::vector<Ipv6Address> v(in.range(0, max));
    for (auto& s : v) s = pick_or_raw(in, pools().sources);
    return v;
  }

  Ipv6Address host(FuzzInput& in) {
    const uint8_t sel = in.u8();
    if (sel == 0xff) return Ipv6Address{};                           // DAD-time report
    if (sel == 0xfe) return Ipv6Address::must_parse("2001:db8::5");  // not link-local
    return pools().link_locals[sel % pools().link_locals.size()];
  }

  std::vector<uint8_t> v2_report(FuzzInput& in) {
    std::vector<wire::MldRecordSpec> records(in.range(1, 3));
    for (auto& r : records) {
      r.type = static_cast<wire::MldRecordType>(in.range(1, 6));
      r.group = pick_or_raw(in, pools().groups);
      if (!r.group.is_multicast()) r.group.bytes[0] = 0xff;  // parse_frame would drop it
      r.sources = sources(in, in.flag() ? 3 : 12);
    }
    return wire::build_mld_v2_report_frame(MacAddress{{2, 0, 0, 0, 1, 1}}, host(in), records);
  }

  wire::L2L3Spec mld_envelope(const Ipv6Address& src, const Ipv6Address& dst) {
    wire::L2L3Spec l;
    l.src_mac = MacAddress{{2, 0, 0, 0, 1, 2}};
    l.src = src;
    l.dst = dst;
    l.hop_limit = 1;
    l.router_alert_mld = true;
    return l;
  }

  std::vector<uint8_t> v1_message(FuzzInput& in) {
    const bool done = in.flag();
    Ipv6Address group = pick_or_raw(in, pools().groups);
    group.bytes[0] = 0xff;
    const auto l = mld_envelope(host(in), done ? wire::addr::all_routers() : group);
    return wire::build_icmpv6_frame(
        l, wire::build_mld_v1_body(done ? wire::kIcmpMldV1Done : wire::kIcmpMldV1Report, group));
  }

  std::vector<uint8_t> query(FuzzInput& in) {
    wire::MldQuerySpec q;
    const uint8_t sel = in.u8();
    q.v2 = (sel & 1) == 0;
    if (sel & 2) {
      q.group = pick_or_raw(in, pools().groups);
      q.group.bytes[0] = 0xff;
      q.sources = sources(in, 4);
    }
    q.s_flag = sel & 4;
    q.qrv = static_cast<uint8_t>(in.range(0, 8));
    q.qqi_s = in.range(0, 200);
    q.max_resp_ms = in.range(0, 20000);
    // fe80::1 wins the election against the router's fe80::10 (§7.6.2), fe80::101 loses;
    // fe80::10 is the router's own address looped back.
    const Ipv6Address src = host(in);
    return wire::build_mld_query_frame(MacAddress{{2, 0, 0, 0, 1, 3}},
                                       src.is_unspecified() ? kRouterLl : src, q);
  }

  void apply_upsert(FuzzInput& in, uint32_t ifindex) {
    GroupRecordView v;
    v.ifindex = ifindex;
    v.group = pick_or_raw(in, pools().groups);
    const uint8_t sel = in.u8();
    v.filter_mode = (sel & 1) ? FilterMode::exclude : FilterMode::include;
    v.filter_remaining = std::chrono::milliseconds(in.range(0, 300000));
    for (uint32_t i = in.range(0, 5); i > 0; --i) {
      const bool blocked = in.u8() % 3 == 0;
      v.sources.push_back(
          SourceRecord{pick_or_raw(in, pools().sources),
                       std::chrono::milliseconds(blocked ? 0 : in.range(1, 300000))});
    }
    v.compat = (sel & 2) ? CompatMode::v1 : CompatMode::v2;
    v.compat_remaining = std::chrono::milliseconds(in.range(0, 300000));
    v.origin = Origin::backup;
    v.uptime = std::chrono::milliseconds(in.range(0, 1000000));
    v.last_reporter = pick_or_raw(in, pools().link_locals);
    // RFC 4604 §2.2: no EXCLUDE record for an SSM group, from the peer either.
    const bool ssm_exclude =
        v.filter_mode == FilterMode::exclude && router_.policy().in_ssm_range(v.group);
    const bool valid = configs_.count(ifindex) != 0 && v.group.is_multicast() &&
                       !v.group.is_link_scope_multicast() && !ssm_exclude;
    const uint64_t refused_before = limit_refusals(ifindex);
    const bool had_group = router_.find_group(ifindex, v.group, now_).has_value();
    const bool ok = router_.apply_upsert(v, now_);
    // The rule (router.h): a record for a known interface and a routable group, not EXCLUDE
    // in the SSM range, is accepted unless one of the limits the backup enforces on its peer
    // refuses a new group; such a refusal is counted on that interface. Anything else is
    // rejected.
    if (!valid) {
      FUZZ_CHECK(!ok,
                 "apply_upsert rejects an unknown interface, a non-routable group or an "
                 "SSM EXCLUDE record");
    } else if (!ok) {
      FUZZ_CHECK(limit_refusals(ifindex) > refused_before,
                 "apply_upsert refuses a valid record only over a limit, and counts it");
      FUZZ_CHECK(!router_.find_group(ifindex, v.group, now_) || had_group,
                 "a refused record creates nothing");
    }
    after_op();
  }

  // Refusals by the access limit and the router-wide group and source limits on `ifindex`.
  uint64_t limit_refusals(uint32_t ifindex) const {
    const auto s = router_.interface_status(ifindex, now_);
    if (!s) return 0;
    return s->counters.ignored_count(IgnoreReason::access_limit) +
           s->counters.ignored_count(IgnoreReason::global_group_limit) +
           s->counters.ignored_count(IgnoreReason::global_source_limit);
  }

  void feed(uint32_t ifindex, const std::vector<uint8_t>& bytes) {
    const wire::Frame f = wire::parse_frame(bytes);
    const bool passive = passive_[ifindex];
    const auto before = passive ? table_state(ifindex) : std::vector<std::string>{};
    const uint32_t groups_before = groups_on(ifindex);
    router_.on_frame(f, ifindex, now_);
    after_op();
    if (passive) {
      FUZZ_CHECK(events_seen_ == 0 && queries_seen_ == 0,
                 "DESIGN §4: a passive interface neither reacts to reports nor queries");
      FUZZ_CHECK(table_state(ifindex) == before, "a passive interface's records do not change");
    }
    auto it = configs_.find(ifindex);
    if (it != configs_.end() && it->second.access_limit != 0) {
      const uint32_t after = groups_on(ifindex);
      FUZZ_CHECK(after <= std::max(groups_before, it->second.access_limit),
                 "mld access-limit: a report never creates a group over the limit");
    }
  }

  void advance(FuzzInput& in) {
    Duration d{};
    switch (in.u8() % 5) {
      case 0: d = std::chrono::milliseconds(in.u8()); break;
      case 1: d = std::chrono::milliseconds(100 * in.u8()); break;
      case 2: d = std::chrono::seconds(in.u8()); break;
      case 3: d = std::chrono::minutes(in.range(1, 30)); break;
      default: {  // exactly to the next deadline
        const TimePoint nd = router_.next_deadline();
        d = nd == kNever || nd <= now_ ? Duration{} : nd - now_;
        if (d > std::chrono::hours(24)) d = std::chrono::hours(24);
      }
    }
    advance_to(now_ + d);
  }

  // The daemon's loop: run every timer at its own deadline, in order, up to `t`.
  void advance_to(TimePoint t) {
    for (int guard = 0; guard < 100000; ++guard) {
      const TimePoint nd = router_.next_deadline();
      if (nd > t) break;
      now_ = std::max(now_, nd);
      router_.on_timer(now_);
      FUZZ_CHECK(router_.next_deadline() > now_, "after on_timer(now) nothing is due at now");
      after_op();
    }
    now_ = std::max(now_, t);
    // Every timer due by now has run: a record still here must still have time left.
    router_.for_each_group(
        [&](const GroupRecordView& v) {
          FUZZ_CHECK(v.expires > Duration{}, "no record outlives its expiry");
        },
        now_);
  }

  // ---- checks ----

  uint32_t groups_on(uint32_t ifindex) const {
    auto s = router_.interface_status(ifindex, now_);
    return s ? s->groups : 0;
  }

  // Mode and source set of every record on `ifindex` (times excluded: they run on).
  std::vector<std::string> table_state(uint32_t ifindex) const {
    std::vector<std::string> out;
    router_.for_each_group(
        [&](const GroupRecordView& v) {
          std::string s =
              v.group.to_string() + (v.filter_mode == FilterMode::include ? " in" : " ex");
          for (const auto& src : v.sources)
            s += " " + src.source.to_string() + (src.remaining > Duration{} ? "" : "!");
          out.push_back(s);
        },
        now_, ifindex);
    std::sort(out.begin(), out.end());
    return out;
  }

  void apply_event(const Event& e) {
    const Key k{e.ifindex, e.group, e.source};
    switch (e.kind) {
      case EventKind::listener_added:
        FUZZ_CHECK(listeners_.insert(k).second, "listener_added for a listener already there");
        break;
      case EventKind::listener_removed:
        FUZZ_CHECK(listeners_.erase(k) == 1, "listener_removed for no listener");
        break;
      case EventKind::source_blocked:
        FUZZ_CHECK(!e.is_any_source(), "block names a source");
        FUZZ_CHECK(blocked_.insert(k).second, "source_blocked twice");
        break;
      case EventKind::source_unblocked:
        FUZZ_CHECK(blocked_.erase(k) == 1, "source_unblocked for a source not blocked");
        break;
      case EventKind::record_changed:
      case EventKind::record_removed: break;
    }
    FUZZ_CHECK(e.group.is_multicast() && !e.group.is_link_scope_multicast(),
               "events only for routable groups");
  }

  void check_query(const OutgoingQuery& q) {
    auto it = configs_.find(q.ifindex);
    FUZZ_CHECK(it != configs_.end(), "query for a known interface");
    FUZZ_CHECK(!passive_[q.ifindex], "no query on a passive interface");
    if (q.spec.group.is_unspecified()) {
      FUZZ_CHECK(q.dst == wire::addr::all_nodes() && q.spec.sources.empty(),
                 "RFC 3810 §5.1.15: general query to ff02::1, no sources");
    } else {
      FUZZ_CHECK(q.spec.group.is_multicast() && q.dst == q.spec.group,
                 "specific query to its group");
    }
    FUZZ_CHECK(q.spec.sources.size() <= 89, "a query fits a 1500-byte MTU");
    FUZZ_CHECK(q.spec.v2 || q.spec.sources.empty(), "MLDv1 queries carry no sources");
    FUZZ_CHECK(q.spec.v2 == (it->second.version == MldVersion::v2),
               "query version follows the interface's MLD version");
    std::vector<uint8_t> frame = wire::build_mld_query_frame(MacAddress{}, kRouterLl, q.spec);
    FUZZ_CHECK(wire::parse_frame(frame).kind == wire::PacketKind::mld_query,
               "the query the router asks for is a valid MLD query");
  }

  void check_view(const GroupRecordView& v, std::set<Key>& listeners, std::set<Key>& blocked) {
    FUZZ_CHECK(configs_.count(v.ifindex) != 0, "records only on known interfaces");
    FUZZ_CHECK(v.group.is_multicast() && !v.group.is_link_scope_multicast(),
               "records only for routable groups (RFC 4291 §2.7)");
    FUZZ_CHECK(v.sources.size() <= kMaxSourcesPerGroup, "source list bounded");
    for (size_t i = 1; i < v.sources.size(); ++i)
      FUZZ_CHECK(v.sources[i - 1].source < v.sources[i].source, "sources sorted, unique");
    if (v.filter_mode == FilterMode::include) {
      FUZZ_CHECK(!v.sources.empty(), "INCLUDE({}) is no record (RFC 3810 §7.2.1)");
      FUZZ_CHECK(v.filter_remaining == Duration{}, "no filter timer in INCLUDE mode");
      for (const auto& s : v.sources) {
        FUZZ_CHECK(s.remaining > Duration{}, "INCLUDE sources have running timers");
        listeners.insert(Key{v.ifindex, v.group, s.source});
      }
    } else {
      listeners.insert(Key{v.ifindex, v.group, Ipv6Address{}});
      for (const auto& s : v.sources)
        if (s.remaining == Duration{}) blocked.insert(Key{v.ifindex, v.group, s.source});
    }
    if (v.compat == CompatMode::v2) FUZZ_CHECK(v.compat_remaining == Duration{}, "no OHPT in v2");
    auto again = router_.find_group(v.ifindex, v.group, now_);
    FUZZ_CHECK(again && again->sources == v.sources && again->filter_mode == v.filter_mode,
               "find_group agrees with the table walk");
  }

  void after_op() {
    events_seen_ = 0;
    queries_seen_ = 0;
    for (const Event& e : router_.take_events()) {
      apply_event(e);
      ++events_seen_;
    }
    for (const OutgoingQuery& q : router_.take_queries()) {
      check_query(q);
      ++queries_seen_;
    }
    FUZZ_CHECK(!router_.has_output(), "outputs drained");

    std::set<Key> listeners, blocked;
    router_.for_each_group([&](const GroupRecordView& v) { check_view(v, listeners, blocked); },
                           now_);
    FUZZ_CHECK(listeners == listeners_, "listener events replay to the table's forwarding view");
    FUZZ_CHECK(blocked == blocked_, "block events replay to the table's exclude lists");

    const Counters& c = router_.counters();
    FUZZ_CHECK(c.groups_created - c.groups_deleted == router_.group_count(),
               "groups created - deleted = groups");
    uint64_t sum = 0;
    for (uint32_t i : router_.interfaces()) {
      auto s = router_.interface_status(i, now_);
      FUZZ_CHECK(s.has_value() && configs_.count(i) != 0, "interface list matches");
      FUZZ_CHECK(s->joins - s->leaves == s->groups, "joins - leaves = groups");
      FUZZ_CHECK(s->passive == passive_[i], "passive flag as set");
      sum += s->groups;
    }
    FUZZ_CHECK(router_.interfaces().size() == configs_.size(), "every added interface listed");
    FUZZ_CHECK(sum == router_.group_count(), "Σ interface groups = group count");
    (void)router_.memory_bytes();
  }

  MldRouter router_;
  TimePoint now_{};
  std::map<uint32_t, InterfaceConfig> configs_;
  std::map<uint32_t, bool> passive_;
  std::set<Key> listeners_, blocked_;
  size_t events_seen_ = 0, queries_seen_ = 0;
};

}  // namespace
}  // namespace tandem::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tandem::fuzz::FuzzInput in(data, size);
  tandem::fuzz::Harness h;
  h.run(in);
  return 0;
}
