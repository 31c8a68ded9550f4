// Randomised checks of invariants that every sequence of inputs must keep, in simulated time:
//  - the listener/source events replayed in order give the same forwarding view as the
//    engine's own egress_interfaces() (the FIB writer and replication see the truth);
//  - a backup fed only the change feed holds the master's state;
//  - nothing crashes on garbage frames, and every ignored input is counted.
#include <map>
#include <random>
#include <set>

#include "tests/mld/sim.h"

namespace tandem::mld::test {
namespace {

using T = MldRecordType;

// The forwarding view as a consumer of the events builds it.
struct EventModel {
  std::set<std::tuple<uint32_t, Ipv6Address, Ipv6Address>> listeners;  // (if, G, S or ::)
  std::set<std::tuple<uint32_t, Ipv6Address, Ipv6Address>> blocked;

  void apply(const Event& e) {
    const auto key = std::make_tuple(e.ifindex, e.group, e.source);
    switch (e.kind) {
      case EventKind::listener_added: EXPECT_TRUE(listeners.insert(key).second); break;
      case EventKind::listener_removed: EXPECT_EQ(listeners.erase(key), 1u); break;
      case EventKind::source_blocked: EXPECT_TRUE(blocked.insert(key).second); break;
      case EventKind::source_unblocked: EXPECT_EQ(blocked.erase(key), 1u); break;
      case EventKind::record_changed:
      case EventKind::record_removed: break;
    }
  }
  std::vector<uint32_t> egress(const std::vector<uint32_t>& ifs, const Ipv6Address& g,
                               const Ipv6Address& s) const {
    std::vector<uint32_t> out;
    for (uint32_t i : ifs) {
      const bool any = listeners.count({i, g, Ipv6Address{}}) != 0;
      const bool specific = !s.is_unspecified() && listeners.count({i, g, s}) != 0;
      const bool is_blocked = !s.is_unspecified() && blocked.count({i, g, s}) != 0;
      if (specific || (any && !is_blocked)) out.push_back(i);
    }
    return out;
  }
};

TEST(Properties, EventsReproduceTheForwardingViewAndTheBackupFollows) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    std::mt19937_64 rng(seed);
    MldRouter master, backup;
    const std::vector<uint32_t> ifs{1, 2, 3};
    TimePoint now{};
    for (uint32_t i : ifs) {
      InterfaceConfig cfg;
      cfg.version = i == 3 ? MldVersion::v1 : MldVersion::v2;
      ASSERT_TRUE(master.add_interface(i, "ge", cfg, kRouterLl, now));
      ASSERT_TRUE(backup.add_interface(i, "ge", cfg, kRouterLl, now));
      ASSERT_TRUE(backup.set_passive(i, true, now));
    }
    const std::vector<Ipv6Address> groups{kG, kG2, A("ff05::77")};
    const std::vector<Ipv6Address> sources{kS1, kS2, kS3, kS4};
    const std::vector<Ipv6Address> hosts{kHost1, kHost2, A("fe80::5"), A("fe80::200")};
    EventModel model;
    std::vector<Event> events;
    std::map<EventKind, size_t> seen;
    size_t max_groups = 0;
    auto pump = [&] {
      master.take_events(events);
      for (const auto& e : events) {
        ++seen[e.kind];
        model.apply(e);
        if (e.kind == EventKind::record_changed) {
          auto v = master.find_group(e.ifindex, e.group, now);
          ASSERT_TRUE(v);
          EXPECT_TRUE(backup.apply_upsert(*v, now));
        } else if (e.kind == EventKind::record_removed) {
          EXPECT_TRUE(backup.apply_remove(e.ifindex, e.group, now));
        }
      }
      (void)master.take_queries();
      (void)backup.take_events();
      (void)backup.take_queries();
    };
    for (int step = 0; step < 1500; ++step) {
      const uint32_t itf = ifs[rng() % ifs.size()];
      const auto& g = groups[rng() % groups.size()];
      const auto& host = hosts[rng() % hosts.size()];
      std::vector<Ipv6Address> srcs;
      for (const auto& s : sources) {
        if (rng() % 3 == 0) srcs.push_back(s);
      }
      std::vector<uint8_t> bytes;
      switch (rng() % 10) {
        case 0:
        case 1:
        case 2:
        case 3: {
          const auto type = static_cast<T>(1 + rng() % 6);
          bytes = wire::build_mld_v2_report_frame(host_mac(), host, {{type, g, srcs}});
          break;
        }
        case 4: {
          wire::L2L3Spec l;
          l.src = host;
          l.dst = g;
          l.hop_limit = 1;
          l.router_alert_mld = true;
          const uint8_t type = rng() % 2 ? wire::kIcmpMldV1Report : wire::kIcmpMldV1Done;
          bytes = wire::build_icmpv6_frame(l, wire::build_mld_v1_body(type, g));
          break;
        }
        case 5: {
          wire::MldQuerySpec q;
          q.v2 = rng() % 4 != 0;
          q.group = rng() % 2 ? g : Ipv6Address{};
          if (q.v2 && !q.group.is_unspecified()) q.sources = srcs;
          q.s_flag = rng() % 3 == 0;
          bytes = wire::build_mld_query_frame(host_mac(), host, q);
          break;
        }
        default: {
          now += milliseconds(rng() % 40000);
          while (master.next_deadline() <= now) {
            master.on_timer(master.next_deadline());
            pump();
          }
          while (backup.next_deadline() <= now) backup.on_timer(backup.next_deadline());
          master.on_timer(now);
          backup.on_timer(now);
          break;
        }
      }
      if (!bytes.empty()) {
        const wire::Frame f = wire::parse_frame(bytes);
        ASSERT_NE(f.kind, wire::PacketKind::drop);
        master.on_frame(f, itf, now);
      }
      pump();
      for (const auto& grp : groups) {
        for (const auto& s : {kS1, kS2, kS3, kS4, Ipv6Address{}}) {
          ASSERT_EQ(model.egress(ifs, grp, s), master.egress_interfaces(grp, s))
              << "seed " << seed << " step " << step << " " << grp.to_string() << " "
              << s.to_string();
          ASSERT_EQ(backup.egress_interfaces(grp, s), master.egress_interfaces(grp, s))
              << "seed " << seed << " step " << step;
        }
      }
      ASSERT_EQ(master.group_count(), backup.group_count());
      max_groups = std::max(max_groups, master.group_count());
      ASSERT_EQ(master.snapshot(now).size(), master.group_count());
    }
    // The walk covered the interesting parts of the state space.
    EXPECT_GE(max_groups, 3u) << seed;
    for (auto k :
         {EventKind::listener_added, EventKind::listener_removed, EventKind::source_blocked,
          EventKind::source_unblocked, EventKind::record_removed}) {
      EXPECT_GT(seen[k], 0u) << "seed " << seed << " " << event_kind_name(k);
    }
  }
}

TEST(Properties, GarbageFramesNeverCrashAndAreCounted) {
  Sim sim;
  std::mt19937_64 rng(99);
  const auto good =
      wire::build_mld_v2_report_frame(host_mac(), kHost1, {{T::to_ex, kG, {kS1, kS2}}});
  uint64_t fed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
    bytes.resize(rng() % (bytes.size() + 1));
    const wire::Frame f = wire::parse_frame(bytes);
    sim.router.on_frame(f, kIf, sim.now);
    ++fed;
  }
  const auto& c = sim.router.counters();
  uint64_t ignored = 0;
  for (auto n : c.ignored) ignored += n;
  // Every frame was either processed as MLD (query or report) or counted as ignored.
  EXPECT_EQ(c.queries_received + c.reports_received + sim.ignored(IgnoreReason::unknown_type), fed);
  EXPECT_GT(ignored, 0u);
}

}  // namespace
}  // namespace tandem::mld::test
