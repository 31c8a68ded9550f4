// Metrics: the exporter's families and labels, promtool's verdict on the exposition text,
// counters that stay monotonic across a `reset statistics`, and the HTTP responder on IPv6
// and IPv4 loopback.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "control/daemon/metrics/exporter.h"
#include "control/daemon/metrics/http_server.h"
#include "tests/daemon/loopback_connect.h"

namespace tandem::metrics {
namespace {

MetricsSnapshot sample() {
  MetricsSnapshot s;
  PortMetrics p;
  p.port = "ge0";
  p.rx = 100;
  p.tx = 200;
  p.copies = 150;
  p.punted = 7;
  p.punted_mld = 5;
  p.punted_pim = 1;
  p.punted_data = 1;
  s.ports.push_back(p);
  // Drop tables as the control core builds them (core/drop_counters.h), two reasons each.
  s.drops.push_back({"dataplane", "port", {"rpf_fail", "no_route"}, {{"ge0", {3, 1}}}});
  s.drops.push_back(
      {"mld", "interface", {"global_group_limit", "access_limit"}, {{"ge0", {4, 0}}}});
  s.drops.push_back({"pim", "interface", {"own_message", "unsupported_type"}, {{"up0", {6, 0}}}});
  s.lcores.push_back(LcorePortMetrics{"1", "ge0", 100, 200, 150, 7, 4});
  s.mld.push_back(MldInterfaceMetrics{"ge0", 3, 5, 2, true});
  s.vrrp6.push_back(Vrrp6Metrics{"ge0", 1, 2, 120, 3});
  s.bfd.push_back(BfdMetrics{"tomaster", 3, 1});
  RbsMetrics r;
  r.service = "rbs1";
  r.connected = true;
  r.master = true;
  r.last_seq_sent = 10;
  r.last_seq_acked = 8;
  r.digest = 0x1122334455667788ULL;
  r.auth_failures = {{"auth_failed", 2}, {"auth_missing", 0}};
  s.rbs.push_back(r);
  s.fib_entries = 4;
  s.mld_source_entries = 9;
  PimInterfaceMetrics pim;
  pim.interface = "up0";
  pim.neighbors = 1;
  pim.dr = true;
  pim.hellos_sent = 3;
  pim.hellos_received = 2;
  pim.join_prunes_sent = 4;
  pim.join_prunes_received = 1;
  pim.joins_sent = 5;
  pim.prunes_sent = 1;
  pim.asserts_sent = 1;
  pim.asserts_received = 2;
  pim.asserts_won = 1;
  pim.asserts_lost = 1;
  s.pim.interfaces.push_back(pim);
  s.pim.star_g = 2;
  s.pim.s_g = 3;
  s.pim.s_g_rpt = 1;
  s.pim.spt_switches = 3;
  s.pim.data_notifications = 7;
  return s;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(Metrics, FamiliesCarryTheContractNamesAndLabels) {
  Exporter e;
  e.update(sample());
  e.observe_loop_latency(0.0002);
  std::string t = e.serialize();
  EXPECT_TRUE(has_line(t, "tandem_port_rx_packets_total{port=\"ge0\"} 100")) << t;
  EXPECT_TRUE(has_line(t, "tandem_drops_total{port=\"ge0\",reason=\"rpf_fail\"} 3")) << t;
  EXPECT_TRUE(has_line(t, "tandem_port_punted_pim_packets_total{port=\"ge0\"} 1")) << t;
  EXPECT_TRUE(has_line(t, "tandem_port_punted_data_packets_total{port=\"ge0\"} 1")) << t;
  EXPECT_TRUE(has_line(t, "tandem_vrrp6_state{interface=\"ge0\",vrid=\"1\"} 2")) << t;
  EXPECT_TRUE(has_line(t, "tandem_bfd_state{session=\"tomaster\"} 3")) << t;
  EXPECT_TRUE(has_line(t, "tandem_rbs_seq_lag{service=\"rbs1\"} 2")) << t;
  EXPECT_TRUE(has_line(t, "tandem_rbs_digest_low32{service=\"rbs1\"} 1432778632")) << t;
  EXPECT_TRUE(
      has_line(t, "tandem_rbs_auth_failures_total{reason=\"auth_failed\",service=\"rbs1\"} 2"))
      << t;
  EXPECT_TRUE(
      has_line(t, "tandem_rbs_auth_failures_total{reason=\"auth_missing\",service=\"rbs1\"} 0"))
      << t;
  EXPECT_TRUE(has_line(t, "tandem_mld_groups{interface=\"ge0\"} 3")) << t;
  EXPECT_TRUE(
      has_line(t, "tandem_mld_ignored_total{interface=\"ge0\",reason=\"global_group_limit\"} 4"))
      << t;
  EXPECT_TRUE(has_line(t, "tandem_mld_ignored_total{interface=\"ge0\",reason=\"access_limit\"} 0"))
      << t;
  EXPECT_TRUE(has_line(t, "tandem_mld_source_entries 9")) << t;
  EXPECT_NE(t.find("tandem_control_loop_seconds_bucket{le=\"0.0005\"} 1"), std::string::npos) << t;
  for (const char* line : {
           "tandem_pim_neighbors{interface=\"up0\"} 1",
           "tandem_pim_is_dr{interface=\"up0\"} 1",
           "tandem_pim_hellos_sent_total{interface=\"up0\"} 3",
           "tandem_pim_hellos_received_total{interface=\"up0\"} 2",
           "tandem_pim_join_prune_sent_total{interface=\"up0\"} 4",
           "tandem_pim_join_prune_received_total{interface=\"up0\"} 1",
           "tandem_pim_joins_sent_total{interface=\"up0\"} 5",
           "tandem_pim_prunes_sent_total{interface=\"up0\"} 1",
           "tandem_pim_asserts_sent_total{interface=\"up0\"} 1",
           "tandem_pim_asserts_received_total{interface=\"up0\"} 2",
           "tandem_pim_asserts_won_total{interface=\"up0\"} 1",
           "tandem_pim_asserts_lost_total{interface=\"up0\"} 1",
           "tandem_pim_rx_drops_total{interface=\"up0\",reason=\"own_message\"} 6",
           "tandem_pim_rx_drops_total{interface=\"up0\",reason=\"unsupported_type\"} 0",
           "tandem_pim_routes{kind=\"star_g\"} 2",
           "tandem_pim_routes{kind=\"s_g\"} 3",
           "tandem_pim_routes{kind=\"s_g_rpt\"} 1",
           "tandem_pim_spt_switches_total 3",
           "tandem_pim_data_notifications_total 7",
       })
    EXPECT_TRUE(has_line(t, line)) << line << "\n" << t;

  // Every sample name starts with tandem_, counters end in _total, labels are from the list.
  const std::set<std::string> allowed{"port",    "lcore",  "interface", "vrid", "session",
                                      "service", "reason", "kind",      "le"};
  std::regex type_re("^# TYPE (\\S+) (\\S+)$");
  std::regex label_re("([a-z_]+)=\"");
  std::istringstream in(t);
  int families = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, type_re)) {
      ++families;
      EXPECT_EQ(m[1].str().rfind("tandem_", 0), 0u) << line;
      if (m[2] == "counter") {
        EXPECT_TRUE(m[1].str().size() > 6 &&
                    m[1].str().compare(m[1].str().size() - 6, 6, "_total") == 0)
            << line;
      }
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    size_t brace = line.find('{');
    if (brace == std::string::npos) continue;
    std::string labels = line.substr(brace, line.find('}') - brace);
    for (std::sregex_iterator it(labels.begin(), labels.end(), label_re), end; it != end; ++it)
      EXPECT_TRUE(allowed.count((*it)[1].str())) << line;
  }
  EXPECT_GT(families, 30);
}

// Every row of a drop table has every reason of its layer, from zero (an alert on RPF
// failures works before the first one); each layer has its own family.
TEST(Metrics, DropSeriesArePresentForEveryRowAndReasonFromZero) {
  Exporter e;
  auto s = sample();
  s.drops[0].rows.push_back({"ge1", {0, 0}});
  s.drops.push_back({"control", "interface", {"ipv6_bad_version"}, {{"ge0", {2}}}});
  s.drops.push_back({"vrrp6", "interface", {"vrid_not_configured"}, {{"ge0", {1}}}});
  s.drops.push_back({"bfd", "interface", {"no_session"}, {{"ge0", {0}}}});
  s.drops.push_back({"rbs", "service", {"oversized_frame"}, {{"rbs1", {5}}}});
  e.update(s);
  const std::string t = e.serialize();
  EXPECT_TRUE(has_line(t, "tandem_drops_total{port=\"ge0\",reason=\"rpf_fail\"} 3")) << t;
  EXPECT_TRUE(has_line(t, "tandem_drops_total{port=\"ge1\",reason=\"rpf_fail\"} 0")) << t;
  EXPECT_TRUE(has_line(t, "tandem_drops_total{port=\"ge1\",reason=\"no_route\"} 0")) << t;
  EXPECT_TRUE(
      has_line(t, "tandem_control_drops_total{interface=\"ge0\",reason=\"ipv6_bad_version\"} 2"));
  EXPECT_TRUE(has_line(
      t, "tandem_vrrp6_rx_drops_total{interface=\"ge0\",reason=\"vrid_not_configured\"} 1"));
  EXPECT_TRUE(has_line(t, "tandem_bfd_rx_drops_total{interface=\"ge0\",reason=\"no_session\"} 0"));
  EXPECT_TRUE(
      has_line(t, "tandem_rbs_closes_total{reason=\"oversized_frame\",service=\"rbs1\"} 5"));
}

TEST(Metrics, PimSeriesOfARemovedInterfaceDisappear) {
  Exporter e;
  auto s = sample();
  e.update(s);
  s.pim.interfaces.clear();
  s.drops[2].rows.clear();  // the PIM drop table loses the interface too
  e.update(s);
  const std::string t = e.serialize();
  EXPECT_EQ(t.find("tandem_pim_neighbors{"), std::string::npos) << t;
  EXPECT_EQ(t.find("tandem_pim_rx_drops_total{"), std::string::npos) << t;
  EXPECT_TRUE(has_line(t, "tandem_pim_routes{kind=\"star_g\"} 2")) << t;
}

TEST(Metrics, CountersStayMonotonicAcrossAStatisticsReset) {
  Exporter e;
  auto s = sample();
  e.update(s);
  s.ports[0].rx = 0;  // `reset statistics`: the source restarts from zero
  e.update(s);
  s.ports[0].rx = 5;
  e.update(s);
  EXPECT_TRUE(has_line(e.serialize(), "tandem_port_rx_packets_total{port=\"ge0\"} 105"));
}

TEST(Metrics, SeriesOfRemovedObjectsDisappear) {
  Exporter e;
  auto s = sample();
  e.update(s);
  s.vrrp6.clear();
  e.update(s);
  EXPECT_EQ(e.serialize().find("tandem_vrrp6_state{"), std::string::npos);
}

TEST(Metrics, SplitBrainGaugeFollowsTheAlarmAndItsCounterCountsRaises) {
  Exporter e;
  auto s = sample();
  s.vrrp6[0].split_brain = true;
  s.vrrp6[0].split_brain_events = 2;
  e.update(s);
  std::string t = e.serialize();
  EXPECT_TRUE(has_line(t, "tandem_vrrp6_split_brain{interface=\"ge0\",vrid=\"1\"} 1")) << t;
  EXPECT_TRUE(has_line(t, "tandem_vrrp6_split_brain_events_total{interface=\"ge0\",vrid=\"1\"} 2"))
      << t;
  s.vrrp6[0].split_brain = false;
  e.update(s);
  EXPECT_TRUE(has_line(e.serialize(), "tandem_vrrp6_split_brain{interface=\"ge0\",vrid=\"1\"} 0"));
}

TEST(Metrics, PromtoolAcceptsTheExposition) {
  const char* promtool = "/usr/bin/promtool";
  if (::access(promtool, X_OK) != 0) GTEST_SKIP() << "promtool not installed (prometheus package)";
  Exporter e;
  auto s = sample();
  // Every drop layer's family, so promtool lints each name (e.g. no "ns" read as a unit).
  for (const std::string layer : daemon::drop_layer::kAll) {
    const char* key = layer == daemon::drop_layer::kDataplane ? "port"
                      : layer == daemon::drop_layer::kRbs     ? "service"
                                                              : "interface";
    s.drops.push_back({layer, key, {"some_reason"}, {{"x9", {1}}}});
  }
  e.update(s);
  // Each layer has a family of its own: one some_reason sample each.
  const std::string text = e.serialize();
  size_t samples = 0;
  for (size_t at = text.find("reason=\"some_reason\""); at != std::string::npos;
       at = text.find("reason=\"some_reason\"", at + 1))
    ++samples;
  EXPECT_EQ(samples, std::size(daemon::drop_layer::kAll));
  e.observe_loop_latency(0.001);
  std::string path = "/tmp/tandem-metrics-" + std::to_string(::getpid()) + ".prom";
  std::ofstream(path) << e.serialize();
  std::string cmd = std::string(promtool) + " check metrics < " + path + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int rc = ::pclose(p);
  ::unlink(path.c_str());
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "") << out;  // lint findings are printed even with exit status 0
}

TEST(Metrics, GrafanaDashboardQueriesOnlyExportedFamilies) {
  std::ifstream in(TANDEM_GRAFANA_DASHBOARD);
  ASSERT_TRUE(in) << TANDEM_GRAFANA_DASHBOARD;
  std::string dash((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Exporter e;
  e.update(sample());
  e.observe_loop_latency(0.001);
  std::string t = e.serialize();
  std::regex name_re("tandem_[a-z0-9_]+");
  int names = 0;
  for (std::sregex_iterator it(dash.begin(), dash.end(), name_re), end; it != end; ++it) {
    ++names;
    EXPECT_NE(t.find("\n" + it->str()), std::string::npos) << it->str();
  }
  EXPECT_GT(names, 10);
}

// ---- HTTP ----

std::string http_get(int family, const std::string& addr, uint16_t port, const std::string& req) {
  int fd = testing::loopback_connect(family, addr, port);
  if (fd < 0) return "connect failed";
  ::send(fd, req.data(), req.size(), 0);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

struct LoopThread {
  daemon::EventLoop loop;
  std::atomic<bool> stop{false};
  std::thread t;
  void start() {
    t = std::thread([this] {
      while (!stop) loop.run_once(20);
    });
  }
  // Before the servers on the loop go: their destructors unwatch from this thread.
  void join() {
    stop = true;
    if (t.joinable()) t.join();
  }
  ~LoopThread() { join(); }
};

TEST(MetricsHttp, AnswersOnIpv6AndIpv4Loopback) {
  LoopThread lt;
  Exporter e;
  e.update(sample());
  std::string body = e.serialize();
  HttpServer http(lt.loop, [&] { return body; });
  std::string err;
  ASSERT_TRUE(http.listen("::1", 0, err)) << err;
  uint16_t p6 = http.bound_port();
  ASSERT_TRUE(http.listen("127.0.0.1", 0, err)) << err;
  uint16_t p4 = http.bound_port();
  lt.start();
  std::string r6 = http_get(AF_INET6, "::1", p6, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r6.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r6;
  EXPECT_NE(r6.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(r6.find("tandem_port_rx_packets_total{port=\"ge0\"} 100"), std::string::npos);
  EXPECT_NE(r6.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  std::string r4 = http_get(AF_INET, "127.0.0.1", p4, "GET /metrics HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r4.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r4;
  std::string nf = http_get(AF_INET, "127.0.0.1", p4, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(nf.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << nf;
  std::string post = http_get(AF_INET6, "::1", p6, "POST /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(post.rfind("HTTP/1.1 405", 0), 0u) << post;
  std::string junk = http_get(AF_INET6, "::1", p6, "garbage\r\n\r\n");
  EXPECT_EQ(junk.rfind("HTTP/1.1 400", 0), 0u) << junk;
  EXPECT_EQ(http.requests(), 5u);
  lt.join();
}

TEST(MetricsHttp, RejectsANonAddress) {
  daemon::EventLoop loop;
  HttpServer http(loop, [] { return std::string(); });
  std::string err;
  EXPECT_FALSE(http.listen("localhost", 9464, err));
  EXPECT_NE(err.find("not an IP address"), std::string::npos);
}

}  // namespace
}  // namespace tandem::metrics
