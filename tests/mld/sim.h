// Simulated-time harness for the MLD router tests: builds real frames with control/wire's
// builders, parses them with parse_frame, and steps the clock from deadline to deadline the
// way the daemon's event loop would.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "control/mld/router.h"
#include "control/wire/frame.h"
#include "control/wire/mld.h"

namespace tandem::mld::test {

using wire::Ipv6Address;
using wire::MldRecordType;
using namespace std::chrono_literals;

inline Ipv6Address A(const char* text) {
  return Ipv6Address::must_parse(text);
}

inline const Ipv6Address kRouterLl = A("fe80::10");
inline const Ipv6Address kHost1 = A("fe80::101");
inline const Ipv6Address kHost2 = A("fe80::102");
inline const Ipv6Address kG = A("ff05::db8:1");
inline const Ipv6Address kG2 = A("ff3e::db8:2");
inline const Ipv6Address kS1 = A("2001:db8:1::10");
inline const Ipv6Address kS2 = A("2001:db8:1::11");
inline const Ipv6Address kS3 = A("2001:db8:1::12");
inline const Ipv6Address kS4 = A("2001:db8:1::13");
inline constexpr uint32_t kIf = 1;

// A host's MAC does not matter to the router; one fixed value keeps frames reproducible.
inline wire::MacAddress host_mac() {
  return wire::MacAddress{{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}};
}

struct Sim {
  explicit Sim(InterfaceConfig cfg = {}, Ipv6Address ll = kRouterLl, LogSink log = null_log_sink())
      : router(std::move(log)) {
    EXPECT_TRUE(router.add_interface(kIf, "ge0", cfg, ll, now));
    drain();
  }

  MldRouter router;
  TimePoint now{};
  std::vector<Event> events;
  std::vector<OutgoingQuery> queries;

  void drain() {
    for (auto& e : router.take_events()) events.push_back(e);
    for (auto& q : router.take_queries()) queries.push_back(std::move(q));
  }
  void clear_output() {
    drain();
    events.clear();
    queries.clear();
  }

  void feed(const std::vector<uint8_t>& bytes, uint32_t ifindex = kIf) {
    const wire::Frame f = wire::parse_frame(bytes);
    ASSERT_NE(f.kind, wire::PacketKind::drop) << wire::drop_reason_name(f.drop_reason);
    router.on_frame(f, ifindex, now);
    drain();
  }

  void report_group(const Ipv6Address& host, MldRecordType type, const Ipv6Address& group,
                    std::vector<Ipv6Address> sources = {}) {
    feed(wire::build_mld_v2_report_frame(host_mac(), host, {{type, group, std::move(sources)}}));
  }
  void report(const Ipv6Address& host, MldRecordType type, std::vector<Ipv6Address> sources = {}) {
    report_group(host, type, kG, std::move(sources));
  }

  std::vector<uint8_t> v1_frame(const Ipv6Address& host, uint8_t type, const Ipv6Address& group) {
    wire::L2L3Spec l;
    l.src_mac = host_mac();
    l.src = host;
    l.dst = type == wire::kIcmpMldV1Done ? wire::addr::all_routers() : group;
    l.hop_limit = 1;
    l.router_alert_mld = true;
    return wire::build_icmpv6_frame(l, wire::build_mld_v1_body(type, group));
  }
  void v1_report(const Ipv6Address& host, const Ipv6Address& group = kG) {
    feed(v1_frame(host, wire::kIcmpMldV1Report, group));
  }
  void v1_done(const Ipv6Address& host, const Ipv6Address& group = kG) {
    feed(v1_frame(host, wire::kIcmpMldV1Done, group));
  }

  void query_from(const Ipv6Address& src, const wire::MldQuerySpec& q) {
    feed(wire::build_mld_query_frame(host_mac(), src, q));
  }

  // Runs every timer due up to now + d, at its own deadline.
  void advance(Duration d) { run_until(now + d); }
  void run_until(TimePoint t) {
    while (router.next_deadline() <= t) {
      now = std::max(now, router.next_deadline());
      router.on_timer(now);
      drain();
    }
    now = t;
  }

  std::optional<GroupRecordView> group(const Ipv6Address& g = kG) const {
    return router.find_group(kIf, g, now);
  }
  uint64_t ignored(IgnoreReason r) const { return router.counters().ignored_count(r); }

  std::vector<OutgoingQuery> specific_queries() const {
    std::vector<OutgoingQuery> out;
    for (const auto& q : queries) {
      if (!q.spec.group.is_unspecified()) out.push_back(q);
    }
    return out;
  }
  size_t general_queries() const {
    return static_cast<size_t>(std::count_if(queries.begin(), queries.end(), [](const auto& q) {
      return q.spec.group.is_unspecified();
    }));
  }
  bool has_event(EventKind k, const Ipv6Address& source = {}, const Ipv6Address& g = kG) const {
    return std::any_of(events.begin(), events.end(), [&](const Event& e) {
      return e.kind == k && e.group == g && e.source == source;
    });
  }
};

// Remaining time of `source` in a view, or -1 s when the source is absent.
inline Duration source_remaining(const GroupRecordView& v, const Ipv6Address& source) {
  for (const auto& s : v.sources) {
    if (s.source == source) return s.remaining;
  }
  return -1s;
}
inline bool has_source(const GroupRecordView& v, const Ipv6Address& source) {
  return source_remaining(v, source) >= Duration{};
}
inline std::vector<Ipv6Address> sources_of(const GroupRecordView& v, bool running) {
  std::vector<Ipv6Address> out;
  for (const auto& s : v.sources) {
    if ((s.remaining > Duration{}) == running) out.push_back(s.source);
  }
  return out;
}

}  // namespace tandem::mld::test
