// Every drop visible: for each layer a malformed or unwanted input is counted under its reason
// on the interface (port, service) it came in on, and shows in `display drop statistics`
// (text and JSON) and in the metrics; every reason of every layer is exported from zero;
// `reset drop statistics` restarts the display and leaves the metrics monotonic.
#include <gtest/gtest.h>

#include <set>

#include "control/daemon/cli_dispatch.h"
#include "control/daemon/config/parser.h"
#include "control/daemon/core/drop_counters.h"
#include "control/daemon/core/router_core.h"
#include "control/daemon/metrics/exporter.h"
#include "control/wire/frame.h"
#include "control/wire/nd.h"
#include "dataplane/classify.h"
#include "dataplane/counters.h"
#include "tests/daemon/fake_io.h"
#include "tests/daemon/single_router.h"
#include "tests/replication/harness.h"

namespace tandem::daemon {
namespace {

using wire::Ipv6Address;
using wire::MacAddress;

const MacAddress kHostMac = *MacAddress::parse("02:00:00:00:aa:01");

// One reason's count in one row of a layer; nullopt when the layer, row or reason is missing.
std::optional<uint64_t> count_in(const std::vector<DropTable>& tables, const std::string& layer,
                                 const std::string& row, const std::string& reason) {
  for (const auto& t : tables) {
    if (t.layer != layer) continue;
    for (const auto& r : t.rows) {
      if (r.name != row) continue;
      for (size_t i = 0; i < t.reasons.size(); ++i)
        if (t.reasons[i] == reason) return r.counts[i];
    }
  }
  return std::nullopt;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

// The metrics family and row label of each layer (exporter.cc), for the expectations below.
const std::map<std::string, std::pair<std::string, std::string>> kFamily = {
    {"dataplane", {"tandem_drops_total", "port"}},
    {"control", {"tandem_control_drops_total", "interface"}},
    {"mld", {"tandem_mld_ignored_total", "interface"}},
    {"vrrp6", {"tandem_vrrp6_rx_drops_total", "interface"}},
    {"bfd", {"tandem_bfd_rx_drops_total", "interface"}},
    {"pim", {"tandem_pim_rx_drops_total", "interface"}},
    {"nd", {"tandem_nd_solicitations_ignored_total", "interface"}},
    {"rbs", {"tandem_rbs_closes_total", "service"}},
    {"core", {"tandem_core_drops_total", "interface"}},
};

std::string metric_line(const std::string& layer, const std::string& row, const std::string& reason,
                        uint64_t n) {
  const auto& [family, key] = kFamily.at(layer);
  // prometheus-cpp sorts labels by name: interface|port < reason < service.
  std::string labels = key == "service" ? "reason=\"" + reason + "\",service=\"" + row + "\""
                                        : key + "=\"" + row + "\",reason=\"" + reason + "\"";
  return family + "{" + labels + "} " + std::to_string(n);
}

struct Drops : ::testing::Test {
  FakeIo io;
  RouterCore core{io, nullptr, 7};
  TimePoint now{};
  metrics::Exporter exporter;

  void SetUp() override {
    // ge0: MLD, PIM, VRRP6 vrid 1 and a BFD session; up0: upstream, none of them.
    auto r = config::parse_config(test::kSingleRouterConfig, "t.cfg");
    ASSERT_TRUE(r.ok()) << config::format_errors(r.errors);
    core.apply(r.config, test::single_router_macs(), now);
  }
  uint32_t ifindex(const std::string& name) const { return core.interfaces().ifindex(name); }
  Ipv6Address our_link_local() const { return core.interfaces().by_name("ge0")->link_local; }

  DropTable no_dataplane() const { return dataplane_drop_table({}, core.interfaces()); }
  std::vector<DropTable> shown(const std::string& interface = "") const {
    return core.drop_snapshot(interface, no_dataplane(), now).layers;
  }
  std::string metrics_text(const DropTable& dataplane) {
    metrics::MetricsSnapshot m;
    m.drops.push_back(dataplane);
    core.fill_metrics(m, now);
    exporter.update(m);
    return exporter.serialize();
  }
  std::string metrics_text() { return metrics_text(no_dataplane()); }
  cli::WireResponse cli(std::vector<std::string> words, bool json) {
    return dispatch_cli(cli::WireRequest{json, std::move(words)}, core, CliActions{}, now);
  }
  // The JSON display's object for one row of one layer: {"interface":"ge0",...,"drops":{..}}.
  std::string json_row(const std::string& layer, const std::string& key, const std::string& row) {
    std::string j = cli({"display", "drop", "statistics"}, true).body;
    size_t at = j.find("{\"layer\":\"" + layer + "\"");
    if (at == std::string::npos) return "";
    size_t end = j.find("{\"layer\":", at + 1);
    size_t r = j.find("{\"" + key + "\":\"" + row + "\"", at);
    if (r == std::string::npos || r > end) return "";
    return j.substr(r, j.find("}}", r) - r + 2);
  }

  // Expects one drop of `reason` on `row` of `layer` (and none on `other`), in the snapshot,
  // the JSON display, the text display and the metrics.
  void expect_counted(const std::string& layer, const std::string& row, const std::string& other,
                      const std::string& reason) {
    SCOPED_TRACE(layer + "/" + row + "/" + reason);
    EXPECT_EQ(count_in(shown(), layer, row, reason), 1u);
    if (!other.empty()) {
      EXPECT_EQ(count_in(shown(), layer, other, reason), 0u);
    }
    const std::string key = kFamily.at(layer).second;
    const std::string j = json_row(layer, key, row);
    EXPECT_NE(j.find("\"" + reason + "\":1"), std::string::npos) << j;
    const std::string text = cli({"display", "drop", "statistics"}, false).body;
    EXPECT_NE(text.find("  " + row + ": "), std::string::npos) << text;
    EXPECT_NE(text.find(reason + " 1"), std::string::npos) << text;
    const std::string m = metrics_text();
    EXPECT_TRUE(has_line(m, metric_line(layer, row, reason, 1)))
        << metric_line(layer, row, reason, 1);
    if (!other.empty()) {
      EXPECT_TRUE(has_line(m, metric_line(layer, other, reason, 0)))
          << metric_line(layer, other, reason, 0);
    }
  }
};

TEST_F(Drops, ControlCoreParserDropIsCountedOnItsInterfaceByReason) {
  // A report the workers would punt, with its IPv6 version nibble broken on the way.
  auto frame = wire::build_mld_v2_report_frame(
      kHostMac, Ipv6Address::must_parse("fe80::aa"),
      {{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff05::7"), {}}});
  frame[14] = 0x40;
  ASSERT_EQ(wire::parse_frame(frame).drop_reason, wire::DropReason::ipv6_bad_version);
  core.on_frame(ifindex("ge0"), frame, now);
  expect_counted("control", "ge0", "up0", "ipv6_bad_version");
}

TEST_F(Drops, FrameFromAPortWithoutAnInterfaceIsCountedByTheCore) {
  // Port 41 (ifindex 42) is in no configuration: the core names the row by its ifindex.
  core.on_frame(42,
                wire::build_mld_v2_report_frame(
                    kHostMac, Ipv6Address::must_parse("fe80::aa"),
                    {{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff05::7"), {}}}),
                now);
  expect_counted("core", "ifindex42", "ge0", "unknown_interface");
}

TEST_F(Drops, Vrrp6AdvertForAnUnknownVridIsCountedOnItsInterface) {
  wire::VrrpAdvertSpec a;
  a.vrid = 9;
  a.addresses = {Ipv6Address::must_parse("fe80::9")};
  core.on_frame(ifindex("up0"),
                wire::build_vrrp_advert_frame(Ipv6Address::must_parse("fe80::5"), a), now);
  // up0 runs no VRRP6 at all: its row appears with the drop; ge0's row is there from zero.
  expect_counted("vrrp6", "up0", "ge0", "vrid_not_configured");
}

TEST_F(Drops, BfdPacketForNoSessionIsCountedOnItsInterface) {
  wire::BfdControl c;
  c.state = wire::BfdState::init;
  c.my_disc = 5;
  c.your_disc = 999;  // names no session (RFC 5880 6.8.6)
  auto frame =
      wire::build_bfd_frame(kHostMac, MacAddress::vrrp6_virtual(1),
                            Ipv6Address::must_parse("fe80::99"), our_link_local(), 49152, c);
  core.on_frame(ifindex("ge0"), frame, now);
  expect_counted("bfd", "ge0", "", "unknown_discriminator");
}

TEST_F(Drops, PimMessagesAreCountedWhereTheyArriveEvenWithoutPim) {
  wire::PimMessage hello;
  hello.hello.holdtime_s = 105;
  // up0 has no PIM configuration: the engine has no interface record for it.
  core.on_frame(ifindex("up0"),
                wire::build_pim_message_frame(kHostMac, Ipv6Address::must_parse("fe80::5"), hello),
                now);
  expect_counted("pim", "up0", "ge0", "interface_not_pim");
  // Our own Hello looped back on ge0.
  core.on_frame(ifindex("ge0"), wire::build_pim_message_frame(kHostMac, our_link_local(), hello),
                now);
  expect_counted("pim", "ge0", "up0", "own_message");
}

TEST_F(Drops, MldRecordForALinkScopeGroupIsCountedOnItsInterface) {
  auto frame = wire::build_mld_v2_report_frame(
      kHostMac, Ipv6Address::must_parse("fe80::aa"),
      {{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff02::1:3"), {}}});
  core.on_frame(ifindex("ge0"), frame, now);
  expect_counted("mld", "ge0", "", "link_scope_group");
}

TEST_F(Drops, MldReportOnAnInterfaceWithoutMldIsCountedThere) {
  auto frame = wire::build_mld_v2_report_frame(
      kHostMac, Ipv6Address::must_parse("fe80::aa"),
      {{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff05::7"), {}}});
  core.on_frame(ifindex("up0"), frame, now);  // up0 has no `mld enable`
  expect_counted("mld", "up0", "ge0", "unknown_interface");
}

TEST_F(Drops, NeighborSolicitationForAnotherHostIsCountedOnItsInterface) {
  wire::L2L3Spec l;
  l.src_mac = kHostMac;
  l.src = Ipv6Address::must_parse("fe80::5");
  l.dst = Ipv6Address::must_parse("ff02::1:ff00:77");  // solicited-node of the target
  l.hop_limit = 255;                                   // RFC 4861 7.1.1
  auto body = wire::build_ns_body(Ipv6Address::must_parse("fe80::77"), kHostMac);
  core.on_frame(ifindex("ge0"), wire::build_icmpv6_frame(l, body), now);
  expect_counted("nd", "ge0", "up0", "not_our_target");
}

TEST_F(Drops, WorkerDropsAreSummedOverLcoresByPort) {
  // Two workers classify the same broken frame on port 1 (up0) and count it on their own
  // per-lcore block; the control core reads both and sums (as Dataplane::counters does).
  auto frame = wire::build_mld_v2_report_frame(
      kHostMac, Ipv6Address::must_parse("fe80::aa"),
      {{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff05::7"), {}}});
  frame[14] = 0x40;
  std::array<dataplane::LcoreCounters, 2> lcores;
  for (auto& lc : lcores) {
    wire::HeaderWalk w;
    dataplane::Classified k =
        dataplane::classify(frame.data(), static_cast<uint32_t>(frame.size()), w);
    ASSERT_EQ(k.verdict, dataplane::Verdict::drop);
    lc.drop(core.interfaces().by_name("up0")->port, k.reason);
  }
  std::vector<dataplane::PortCounters> per_port(core.interfaces().all().size());
  for (const auto& lc : lcores)
    for (size_t p = 0; p < per_port.size(); ++p)
      per_port[p] += dataplane::read_counters(lc.port[p]);
  DropTable dp = dataplane_drop_table(per_port, core.interfaces());
  EXPECT_EQ(count_in({dp}, "dataplane", "up0", "ipv6_bad_version"), 2u);
  EXPECT_EQ(count_in({dp}, "dataplane", "ge0", "ipv6_bad_version"), 0u);
  const std::string m = metrics_text(dp);
  EXPECT_TRUE(has_line(m, metric_line("dataplane", "up0", "ipv6_bad_version", 2))) << m;
  EXPECT_TRUE(has_line(m, metric_line("dataplane", "ge0", "ipv6_bad_version", 0))) << m;
  CliActions actions;
  actions.dataplane_drops = [&] { return dp; };
  auto r =
      dispatch_cli(cli::WireRequest{false, {"display", "drop", "statistics"}}, core, actions, now);
  EXPECT_NE(r.body.find("  up0: 2 (ipv6_bad_version 2)"), std::string::npos) << r.body;
}

TEST(DropsRbs, OversizedFrameClosesAreCountedOnTheService) {
  replication::test::Router backup{2, 1};
  TimePoint now{};
  backup.channel.on_connected(now, replication::TcpSide::acceptor);
  const uint8_t prefix[4] = {0x7f, 0xff, 0xff, 0xff};  // a length far above the limit
  backup.channel.on_bytes(prefix, now);
  const replication::ChannelStatus st = backup.channel.status();
  DropTable t = rbs_drop_table({{"rbs1", &st.counters}, {"rbs2", nullptr}});
  EXPECT_EQ(count_in({t}, "rbs", "rbs1", "oversized_frame"), 1u);
  EXPECT_EQ(count_in({t}, "rbs", "rbs2", "oversized_frame"), 0u);
  metrics::Exporter e;
  metrics::MetricsSnapshot m;
  m.drops = {t};
  e.update(m);
  EXPECT_TRUE(has_line(e.serialize(), metric_line("rbs", "rbs1", "oversized_frame", 1)));
  EXPECT_TRUE(has_line(e.serialize(), metric_line("rbs", "rbs2", "oversized_frame", 0)));
}

// Every value of every layer's enum has a name of its own, and every (row, reason) is in the
// metrics from the start with 0.
TEST_F(Drops, EveryReasonHasANameAndIsExportedFromZero) {
  const std::map<std::string, size_t> enum_size = {
      {"dataplane", wire::kDropReasonCount - 1},  // without DropReason::none
      {"control", wire::kDropReasonCount - 1},
      {"mld", mld::kIgnoreReasonCount - 1},  // without IgnoreReason::none
      {"vrrp6", vrrp6::kRxDropCount},
      {"bfd", bfd::kRxDropCount},
      {"pim", pim::kRxDropCount},
      {"nd", nd::kNsIgnoreCount},
      {"rbs", replication::kCloseReasonCount - 1},  // without CloseReason::none
      {"core", kCoreDropCount},
  };
  std::vector<DropTable> tables = core.drop_tables(now);
  tables.insert(tables.begin(), no_dataplane());
  tables.push_back(rbs_drop_table({{"rbs1", nullptr}}));
  std::set<std::string> layers;
  const std::string m = metrics_text();
  metrics::Exporter rbs_only;
  metrics::MetricsSnapshot rbs_m;
  rbs_m.drops = {tables.back()};
  rbs_only.update(rbs_m);
  const std::string rbs_text = rbs_only.serialize();
  for (const auto& t : tables) {
    if (t.layer == "rbs" && t.rows.empty()) continue;  // no RBS configured in this core
    SCOPED_TRACE(t.layer);
    layers.insert(t.layer);
    ASSERT_TRUE(enum_size.count(t.layer));
    EXPECT_EQ(t.reasons.size(), enum_size.at(t.layer));
    std::set<std::string> unique(t.reasons.begin(), t.reasons.end());
    EXPECT_EQ(unique.size(), t.reasons.size());
    for (const auto& r : t.reasons) {
      EXPECT_FALSE(r.empty());
      EXPECT_NE(r, "?");
      EXPECT_NE(r, "unknown");
      EXPECT_NE(r, "none");
    }
    ASSERT_FALSE(t.rows.empty());
    for (const auto& row : t.rows)
      for (const auto& reason : t.reasons)
        EXPECT_TRUE(
            has_line(t.layer == "rbs" ? rbs_text : m, metric_line(t.layer, row.name, reason, 0)))
            << metric_line(t.layer, row.name, reason, 0);
  }
  EXPECT_EQ(layers.size(), enum_size.size());
}

TEST_F(Drops, ResetRestartsTheDisplayAndTheMetricsStayMonotonic) {
  auto frame = wire::build_mld_v2_report_frame(
      kHostMac, Ipv6Address::must_parse("fe80::aa"),
      {{wire::MldRecordType::to_ex, Ipv6Address::must_parse("ff05::7"), {}}});
  frame[14] = 0x40;
  core.on_frame(ifindex("ge0"), frame, now);
  ASSERT_EQ(count_in(shown(), "control", "ge0", "ipv6_bad_version"), 1u);
  metrics_text();
  // `reset mld statistics` does not cover the control core's parser...
  ASSERT_TRUE(cli({"reset", "mld", "statistics"}, false).ok);
  EXPECT_EQ(count_in(shown(), "control", "ge0", "ipv6_bad_version"), 1u);
  // ... `reset drop statistics` does.
  ASSERT_TRUE(cli({"reset", "drop", "statistics"}, false).ok);
  EXPECT_EQ(count_in(shown(), "control", "ge0", "ipv6_bad_version"), 0u);
  EXPECT_NE(cli({"display", "drop", "statistics"}, false).body.find("  ge0: no drops"),
            std::string::npos);
  core.on_frame(ifindex("ge0"), frame, now);
  EXPECT_EQ(count_in(shown(), "control", "ge0", "ipv6_bad_version"), 1u);
  EXPECT_TRUE(has_line(metrics_text(), metric_line("control", "ge0", "ipv6_bad_version", 2)));
}

TEST_F(Drops, InterfaceFilterKeepsOnlyThatInterfacesRows) {
  for (const auto& t : shown("up0")) {
    if (t.key == "service") {
      EXPECT_TRUE(t.rows.empty());
      continue;
    }
    for (const auto& r : t.rows) EXPECT_EQ(r.name, "up0") << t.layer;
  }
  EXPECT_EQ(count_in(shown("up0"), "control", "up0", "ipv6_bad_version"), 0u);
  auto bad = cli({"display", "drop", "statistics", "interface", "nope0"}, false);
  EXPECT_FALSE(bad.ok);
}

}  // namespace
}  // namespace tandem::daemon
