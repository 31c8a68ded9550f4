// The displays that grow with the tables (`display mld group`, `display multicast ipv6
// forwarding-table`) through the real CLI socket and event loop, without DPDK: a RouterCore
// on fake I/O, a CliServer, and a loop that runs like Daemon::iteration (timers when due,
// then one poll) in simulated time. Checks: the same bytes as the implementation that
// rendered the whole snapshot at once (kept below as the reference), one bounded piece per
// event-loop turn with the timers served in between, a bounded buffer for a reader that stops
// reading, and cleanup of a reader that leaves. Also the PIM displays (`display pim ipv6
// neighbor|interface [verbose]|routing-table|rp-info`, text and JSON) of a core with a PIM
// neighbor, a static RP and a listener.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>

#include "control/daemon/cli/json.h"
#include "control/daemon/cli/render.h"
#include "control/daemon/cli/server.h"
#include "control/daemon/cli_dispatch.h"
#include "control/daemon/config/parser.h"
#include "control/daemon/config/printer.h"
#include "control/daemon/core/router_core.h"
#include "control/daemon/io/event_loop.h"
#include "replication/digest.h"
#include "tests/daemon/fake_io.h"

namespace tandem::daemon {
namespace {

using wire::Ipv6Address;
using wire::MacAddress;
using SteadyClock = std::chrono::steady_clock;

// ---- the reference: the renderers as they were before the displays were chunked ----

std::string ref_pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s + " ";
}
std::string ref_dash(const std::string& s) {
  return s.empty() ? "--" : s;
}
std::string ref_duration(int64_t ms) {
  if (ms < 0) return "--";
  int64_t s = ms / 1000;
  char buf[32];
  if (s >= 86400)
    std::snprintf(buf, sizeof buf, "%lldd%02lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>((s % 86400) / 3600));
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>((s % 3600) / 60), static_cast<long long>(s % 60));
  return buf;
}
std::string ref_field(const std::string& name, const std::string& value) {
  std::string out = "  " + name;
  if (name.size() < 16) out.append(16 - name.size(), ' ');
  return out + ": " + value + "\n";
}

std::string reference_text(const cli::MldGroupSnapshot& s, bool verbose) {
  std::string out = "Interface group report information\n";
  std::string current_if;
  for (const auto& g : s.groups) {
    if (g.interface != current_if) {
      current_if = g.interface;
      out += " " + g.interface + ":\n";
    }
    if (!verbose) {
      out += "  " + ref_pad(g.group, 28) + "Uptime: " + ref_duration(g.uptime_ms) +
             "  Expires: " + (g.expires_ms < 0 ? std::string("off") : ref_duration(g.expires_ms)) +
             "  Last reporter: " + ref_dash(g.last_reporter) + "\n";
      continue;
    }
    out += "  Group: " + g.group + "\n";
    out += ref_field("Uptime", ref_duration(g.uptime_ms));
    out += ref_field("Expires", g.expires_ms < 0 ? "off" : ref_duration(g.expires_ms));
    out += ref_field("Last reporter", ref_dash(g.last_reporter));
    out += ref_field("Filter mode", g.filter_mode);
    out += ref_field("Origin", g.origin);
    if (g.sources.empty()) out += ref_field("Source list", "--");
    for (size_t i = 0; i < g.sources.size(); ++i)
      out += ref_field(i == 0 ? "Source list" : "",
                       g.sources[i].address + "  Expires: " +
                           (g.sources[i].expires_ms < 0 ? std::string("off")
                                                        : ref_duration(g.sources[i].expires_ms)));
  }
  out +=
      "Total " + std::to_string(s.groups.size()) + " entries, digest " + ref_dash(s.digest) + "\n";
  return out;
}

std::string reference_json(const cli::MldGroupSnapshot& s) {
  cli::JsonWriter w;
  w.begin_object().key("groups").begin_array();
  for (const auto& g : s.groups) {
    w.begin_object()
        .field("interface", g.interface)
        .field("group", g.group)
        .field("filter_mode", g.filter_mode)
        .key("sources")
        .begin_array();
    for (const auto& src : g.sources)
      w.begin_object()
          .field("address", src.address)
          .field("expires_ms", src.expires_ms)
          .end_object();
    w.end_array()
        .field("expires_ms", g.expires_ms)
        .field("uptime_ms", g.uptime_ms)
        .field("last_reporter", g.last_reporter)
        .field("origin", g.origin)
        .end_object();
  }
  w.end_array().field("digest", s.digest).end_object();
  return w.str() + "\n";
}

std::string reference_text(const cli::ForwardingSnapshot& s) {
  std::string out = "IPv6 Multicast Forwarding Table\n Total " + std::to_string(s.entries.size()) +
                    " entries, generation " + std::to_string(s.generation) + "\n";
  size_t n = 0;
  for (const auto& e : s.entries) {
    std::string up;
    for (const auto& u : e.upstream) up += (up.empty() ? "" : ", ") + u;
    out += "\n 000" + std::to_string(++n) + "(" + e.source + ", " + e.group + ")\n";
    out += "     Upstream interface: " + ref_dash(up) + "\n";
    out += "     Downstream interface list: total " + std::to_string(e.egress.size()) + "\n";
    size_t k = 0;
    for (const auto& d : e.egress)
      out += "       " + std::to_string(++k) + ": " + d.interface +
             (d.gate_open ? "" : " (blocked: VRRP6 not Master)") + "\n";
  }
  return out;
}

std::string reference_json(const cli::ForwardingSnapshot& s) {
  cli::JsonWriter w;
  w.begin_object().field("generation", s.generation).key("entries").begin_array();
  for (const auto& e : s.entries) {
    w.begin_object()
        .field("source", e.source)
        .field("group", e.group)
        .string_array("upstream", e.upstream);
    w.key("downstream").begin_array();
    for (const auto& d : e.egress)
      w.begin_object().field("interface", d.interface).field("gate_open", d.gate_open).end_object();
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

// ---- the router under test ----

// ge0 is bound to an RBP (so the digest is not the empty table's), ge1 runs MLD only.
const char* kConfig = R"(
remote-backup-service rbs1
 peer-ipv6 2001:db8:10::2 source-ipv6 2001:db8:10::1 port 2046
 shutdown
quit
remote-backup-profile rbp1
 backup-id 10 remote-backup-service rbs1
 vrrp6-id 1 interface ge0
quit
multicast ipv6 routing-enable
interface up0
 device net_null0
 ipv6 address 2001:db8:100::2/64
 multicast ipv6 upstream
quit
interface ge0
 device net_null1
 ipv6 address 2001:db8:1::2/64
 pim ipv6 sm
 mld enable
 vrrp6 vrid 1 virtual-ip fe80::1 link-local
 vrrp6 vrid 1 priority 120
 multicast ipv6 track vrrp6 vrid 1
 remote-backup-profile rbp1
quit
interface ge1
 device net_null2
 ipv6 address 2001:db8:2::2/64
 pim ipv6 sm
 mld enable
quit
)";

// Group i: mostly ff05::x:y (text order differs from numeric order: ff05::10 < ff05::2),
// every 7th a long ff3e:40:2001:db8:... whose first 16 characters tie, every 13th INCLUDE
// with two sources (verbose source lines, (S,G) forwarding entries).
Ipv6Address group_of(uint32_t i) {
  Ipv6Address g = Ipv6Address::must_parse(i % 7 == 3 ? "ff3e:40:2001:db8::" : "ff05::");
  g.bytes[12] = static_cast<uint8_t>(i >> 24);
  g.bytes[13] = static_cast<uint8_t>(i >> 16);
  g.bytes[14] = static_cast<uint8_t>(i >> 8);
  g.bytes[15] = static_cast<uint8_t>(i);
  if (i % 7 == 3) g.bytes[10] = 0xca;
  return g;
}

// Simulated time moves `d` on; the core's timers run when due.
void run_core_timers(RouterCore& core, TimePoint& now, Duration d) {
  const TimePoint end = now + d;
  for (TimePoint next = core.next_deadline(); next <= end; next = core.next_deadline()) {
    now = std::max(now, next);
    core.on_timer(now);
  }
  now = end;
}

struct DisplayTest : ::testing::Test {
  FakeIo io;
  RouterCore core{io, null_log_sink(), 7};
  TimePoint now{};
  // The time the displays read the table at: held still while the loop's time runs on, so
  // the listing can be compared byte for byte with the reference rendered at the same time.
  TimePoint display_now{};
  EventLoop loop;
  // Every piece the producer made: the loop turn it ran in, its rows, bytes and wall time.
  struct Piece {
    uint64_t turn;
    size_t rows, bytes;
    double seconds;
  };
  std::vector<Piece> pieces;
  std::weak_ptr<int> producer_alive;  // expires when the connection's producer is destroyed
  std::unique_ptr<cli::CliServer> server;
  std::string path;
  char dir[64] = "/tmp/tandem-display-XXXXXX";
  std::vector<uint64_t> timer_turns;  // the loop turn after which the core's timers ran

  void SetUp() override {
    auto r = config::parse_config(kConfig, "t.cfg");
    ASSERT_TRUE(r.ok()) << config::format_errors(r.errors);
    core.apply(r.config,
               {*MacAddress::parse("02:00:00:00:00:01"), *MacAddress::parse("02:00:00:00:00:02"),
                *MacAddress::parse("02:00:00:00:00:03")},
               now);
    run_timers_for(std::chrono::seconds(5));  // VRRP6 Master: ge0 takes reports
    ASSERT_EQ(core.vrrp6_snapshot(now).groups.at(0).state, "Master");
    ASSERT_NE(::mkdtemp(dir), nullptr);
    path = std::string(dir) + "/tandemd.sock";
    server = std::make_unique<cli::CliServer>(loop, [this](const cli::WireRequest& req) {
      CliActions actions;
      actions.clock = [this] { return display_now; };
      cli::WireResponse resp = dispatch_cli(req, core, actions, now);
      if (resp.more) resp.more = measured(std::move(resp.more));
      return resp;
    });
    std::string err;
    ASSERT_TRUE(server->listen(path, err)) << err;
  }
  void TearDown() override {
    server.reset();
    ::rmdir(dir);
  }

  cli::MoreOutput measured(cli::MoreOutput inner) {
    auto token = std::make_shared<int>(0);
    producer_alive = token;
    return [this, inner = std::move(inner), token](std::string& out) {
      const size_t before = out.size();
      auto t0 = SteadyClock::now();
      bool more = inner(out);
      double s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
      // Text: lines; JSON: row objects (a piece holds at most one newline, the last).
      size_t rows = static_cast<size_t>(std::count(out.begin() + before, out.end(), '\n'));
      for (const std::string mark : {"{\"interface\"", "{\"source\""})
        for (size_t p = out.find(mark, before); p != std::string::npos; p = out.find(mark, p + 1))
          ++rows;
      pieces.push_back({loop.turn(), rows, out.size() - before, s});
      return more;
    };
  }

  void run_timers_for(Duration d) { run_core_timers(core, now, d); }
  // One turn of the daemon's loop: timers when due, then one poll; simulated time moves on.
  void turn(Duration step) {
    if (core.next_deadline() <= now) {
      core.on_timer(now);
      timer_turns.push_back(loop.turn());
    }
    loop.run_once(0);
    now += step;
  }

  // Joins `count` groups from `first` on `ifname` (64 records a report).
  void join(const std::string& ifname, uint32_t first, uint32_t count) {
    const uint32_t ifindex = core.interfaces().ifindex(ifname);
    std::vector<wire::MldRecordSpec> records;
    auto flush = [&] {
      auto frame = wire::build_mld_v2_report_frame(*MacAddress::parse("02:00:00:00:aa:01"),
                                                   Ipv6Address::must_parse("fe80::aa"), records);
      core.on_frame(ifindex, frame, now);
      records.clear();
    };
    for (uint32_t i = first; i < first + count; ++i) {
      if (i % 13 == 5)
        records.push_back({wire::MldRecordType::allow,
                           group_of(i),
                           {Ipv6Address::must_parse("2001:db8:100::10"),
                            Ipv6Address::must_parse("2001:db8:100::9")}});
      else
        records.push_back({wire::MldRecordType::to_ex, group_of(i), {}});
      if (records.size() == 64) flush();
    }
    if (!records.empty()) flush();
  }

  int connect_and_ask(const std::string& request) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    return fd;
  }
  // Reads what is there; false at end of stream.
  static bool read_some(int fd, std::string& in) {
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        in.append(buf, static_cast<size_t>(n));
        continue;
      }
      return n < 0;  // EAGAIN: more later; 0: end
    }
  }
  // The whole response through the socket, one loop turn at a time.
  std::string ask(const std::string& command, bool json, Duration step = milliseconds(1)) {
    pieces.clear();
    int fd = connect_and_ask(std::string("tandem1 ") + (json ? "json " : "text ") + command + "\n");
    std::string in;
    for (int i = 0; i < 1000000 && read_some(fd, in); ++i) turn(step);
    ::close(fd);
    EXPECT_EQ(in.rfind("ok\n", 0), 0u) << in.substr(0, 200);
    return in.size() >= 3 ? in.substr(3) : in;
  }

  cli::MldGroupSnapshot groups(const std::string& itf = "") {
    return core.mld_group_snapshot(itf, display_now);
  }
  void expect_same_as_reference(const std::string& what) {
    SCOPED_TRACE(what);
    display_now = now;
    EXPECT_EQ(ask("display mld group", false), reference_text(groups(), false));
    EXPECT_EQ(ask("display mld group verbose", false), reference_text(groups(), true));
    EXPECT_EQ(ask("display mld group interface ge1", false), reference_text(groups("ge1"), false));
    EXPECT_EQ(ask("display mld group", true), reference_json(groups()));
    EXPECT_EQ(ask("display mld group interface ge0 verbose", true), reference_json(groups("ge0")));
    EXPECT_EQ(ask("display multicast ipv6 forwarding-table", false),
              reference_text(core.forwarding_snapshot()));
    EXPECT_EQ(ask("display multicast ipv6 forwarding-table", true),
              reference_json(core.forwarding_snapshot()));
  }
};

TEST_F(DisplayTest, EmptyAndSmallTablesPrintWhatTheWholeSnapshotPrinted) {
  expect_same_as_reference("empty");
  EXPECT_EQ(ask("display mld group", false),
            "Interface group report information\nTotal 0 entries, digest 0000000000000000\n");
  join("ge0", 0, 40);
  join("ge1", 20, 30);
  run_timers_for(std::chrono::seconds(3));
  ASSERT_EQ(core.mld().group_count(), 70u);
  EXPECT_NE(groups().digest, "0000000000000000");
  expect_same_as_reference("70 groups");
  EXPECT_NE(ask("display mld group", false).find("ff05::10 "), std::string::npos);
}

// The digest of `display remote-backup-service`, `display mld group` and the metrics is the
// store's running sum (MldGroupStore): the bound interface's records under its RBP's key, and
// it follows the bindings a reload changes (ge0 unbound, then bound again).
TEST_F(DisplayTest, DigestCoversTheBoundInterfaceAndFollowsAReload) {
  join("ge0", 0, 300);
  join("ge1", 100, 300);
  uint64_t ge0 = 0;
  core.mld().for_each_group(
      [&](const mld::GroupRecordView& v) {
        ge0 += replication::record_digest(to_replicated(v, 10, "ge0"));
      },
      now, core.interfaces().ifindex("ge0"));
  EXPECT_EQ(core.replication_digest(), replication::digest_hex(ge0));
  std::string unbound = kConfig;
  const std::string binding = "\n remote-backup-profile rbp1\n";
  unbound.replace(unbound.find(binding), binding.size(), "\n");
  for (const auto& [text, digest] :
       {std::pair{unbound, uint64_t{0}}, {std::string(kConfig), ge0}}) {
    auto r = config::parse_config(text, "t.cfg");
    ASSERT_TRUE(r.ok()) << config::format_errors(r.errors);
    ASSERT_TRUE(core.reload(r.config, now).ok);
    EXPECT_EQ(core.replication_digest(), replication::digest_hex(digest));
    EXPECT_EQ(groups().digest, replication::digest_hex(digest));
  }
}

// Large: more rows than several pieces, runs that merge, and text keys that tie on 16 chars.
TEST_F(DisplayTest, LargeTablesPrintWhatTheWholeSnapshotPrinted) {
  join("ge0", 0, 12000);
  join("ge1", 6000, 9000);
  ASSERT_EQ(core.mld().group_count(), 21000u);
  expect_same_as_reference("21000 groups");
}

TEST_F(DisplayTest, TwoHundredThousandGroupsOnePieceATurnWithTimersBetween) {
  // TANDEM_DISPLAY_GROUPS=1000000 measures at the global limit (not in the test run).
  const char* env = std::getenv("TANDEM_DISPLAY_GROUPS");
  const uint32_t kGroups = env ? static_cast<uint32_t>(std::stoul(env)) : 200000;
  join("ge0", 0, kGroups);
  ASSERT_EQ(core.mld().group_count(), kGroups);
  const DisplayChunk chunk;
  display_now = now;

  for (bool json : {false, true}) {
    SCOPED_TRACE(json ? "json" : "text");
    io.sent.clear();
    // 10 ms of simulated time a turn: the listing spans seconds, VRRP6 adverts are due.
    const std::string got = ask("display mld group", json, milliseconds(10));
    // Before: the snapshot and its rendering in one go (what one loop callback used to do).
    // Rendered after the listing: the reference's million freed strings would otherwise make
    // the allocator consolidate inside one of the pieces being timed.
    auto t0 = SteadyClock::now();
    const std::string expected = json ? reference_json(groups()) : reference_text(groups(), false);
    const double whole = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    EXPECT_EQ(got.size(), expected.size());
    EXPECT_TRUE(got == expected);
    // One piece a turn, each at most `rows` rows (text: +1 interface line, +header/footer).
    ASSERT_GE(pieces.size(), kGroups / chunk.rows);
    double longest = 0, total = 0, longest_walk = 0;
    size_t max_rows = 0, max_bytes = 0;
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (i) {
        EXPECT_GT(pieces[i].turn, pieces[i - 1].turn);
      }
      max_rows = std::max(max_rows, pieces[i].rows);
      max_bytes = std::max(max_bytes, pieces[i].bytes);
      longest = std::max(longest, pieces[i].seconds);
      if (pieces[i].bytes < 100) longest_walk = std::max(longest_walk, pieces[i].seconds);
      total += pieces[i].seconds;
    }
    EXPECT_LE(max_rows, chunk.rows + 3);
    EXPECT_LE(max_bytes, chunk.bytes + 4096);
    // The engines' timers ran between the pieces: VRRP6 kept advertising every second.
    size_t between = 0;
    for (uint64_t t : timer_turns) between += t >= pieces.front().turn && t < pieces.back().turn;
    EXPECT_GE(between, 2u);
    EXPECT_GE(io.count(wire::PacketKind::vrrp), 2u);
    std::printf(
        "[ figures ] %s, %u groups: before (whole snapshot + render in one call) %.1f ms = "
        "%.3f us/group; after: %zu pieces, longest %.3f ms (walk steps %.3f ms), sum %.1f ms = "
        "%.3f us/group, max %zu rows and %zu bytes a piece\n",
        json ? "json" : "text", kGroups, whole * 1e3, whole * 1e6 / kGroups, pieces.size(),
        longest * 1e3, longest_walk * 1e3, total * 1e3, total * 1e6 / kGroups, max_rows, max_bytes);
  }

  // The forwarding table: the same pieces.
  const std::string got = ask("display multicast ipv6 forwarding-table", false);
  auto t0 = SteadyClock::now();
  const std::string expected_fwd = reference_text(core.forwarding_snapshot());
  const double whole_fwd = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  EXPECT_TRUE(got == expected_fwd);
  double longest = 0;
  std::vector<double> times;
  for (const auto& p : pieces) {
    EXPECT_LE(p.rows, 5 * (chunk.rows + 3));  // an entry is 4-5 lines of text
    longest = std::max(longest, p.seconds);
    times.push_back(p.seconds);
  }
  std::sort(times.begin(), times.end());
  std::printf("[ figures ] forwarding pieces: median %.3f ms, p99 %.3f ms\n",
              times[times.size() / 2] * 1e3, times[times.size() * 99 / 100] * 1e3);
  std::printf(
      "[ figures ] forwarding text, %zu entries: before %.1f ms, after longest piece %.3f ms\n",
      core.forwarding_snapshot().entries.size(), whole_fwd * 1e3, longest * 1e3);
  // Not in pieces: the RBS display and the metrics scrape read the digest the store keeps.
  t0 = SteadyClock::now();
  EXPECT_EQ(core.replication_digest().size(), 16u);
  std::printf("[ figures ] replication digest (display remote-backup-service, scrape): %.1f ms\n",
              std::chrono::duration<double>(SteadyClock::now() - t0).count() * 1e3);
}

TEST_F(DisplayTest, AReaderThatStopsReadingHoldsABoundedBuffer) {
  join("ge0", 0, 60000);
  const size_t bound = daemon::OneShotConnections::kLowWaterBytes + DisplayChunk{}.bytes + 4096;
  display_now = now;
  int fd = connect_and_ask("tandem1 text display mld group verbose\n");
  size_t most = 0;
  for (int i = 0; i < 3000; ++i) {  // far more turns than the listing needs
    turn(milliseconds(1));
    most = std::max(most, server->buffered_bytes());
  }
  EXPECT_LE(most, bound);
  EXPECT_EQ(server->connections(), 1u);
  const size_t produced_while_stalled = pieces.size();
  // The reader comes back: the rest follows, complete.
  std::string in;
  for (int i = 0; i < 1000000 && read_some(fd, in); ++i) {
    turn(milliseconds(1));
    most = std::max(most, server->buffered_bytes());
  }
  ::close(fd);
  EXPECT_LE(most, bound);
  EXPECT_GT(pieces.size(), produced_while_stalled);
  EXPECT_TRUE(in == "ok\n" + reference_text(groups(), true));
}

TEST_F(DisplayTest, AReaderThatLeavesMidwayIsCleanedUp) {
  join("ge0", 0, 60000);
  display_now = now;
  int fd = connect_and_ask("tandem1 json display mld group\n");
  std::string in;
  for (int i = 0; i < 10000 && in.size() < 200000; ++i) {
    turn(milliseconds(1));
    read_some(fd, in);
  }
  ASSERT_GE(in.size(), 200000u);
  EXPECT_FALSE(producer_alive.expired());
  ::close(fd);
  for (int i = 0; i < 10 && server->connections(); ++i) turn(milliseconds(1));
  EXPECT_EQ(server->connections(), 0u);
  EXPECT_EQ(server->buffered_bytes(), 0u);
  EXPECT_TRUE(producer_alive.expired());
  EXPECT_EQ(loop.size(), 2u);  // only the listening socket and the deadline timer are watched
  // The daemon answers the next request as usual.
  display_now = now;
  EXPECT_EQ(
      ask("display mld group interface ge1", false),
      "Interface group report information\nTotal 0 entries, digest " + groups().digest + "\n");
}

// ---- PIM displays: a core on fake I/O with a PIM neighbor upstream and a listener ----

// up0 runs PIM toward the RP's router (fe80::100, global 2001:db8:100::1: the next hop of the
// static route to the RP); ge0 is the listeners' LAN, ignoring DR and Assert state.
const char* kPimConfig = R"(
multicast ipv6 routing-enable
pim-ipv6
 static-rp 2001:db8::1
quit
ipv6 route-static 2001:db8::1 128 2001:db8:100::1
interface up0
 device net_null0
 ipv6 address 2001:db8:100::2/64
 pim ipv6 sm
quit
interface ge0
 device net_null1
 ipv6 address 2001:db8:1::2/64
 pim ipv6 sm
 mld enable
 pim ipv6 ignore dr-state
 pim ipv6 ignore assert-state
quit
)";

struct PimDisplayTest : ::testing::Test {
  FakeIo io;
  RouterCore core{io, null_log_sink(), 11};
  TimePoint now{};
  const Ipv6Address neighbor = Ipv6Address::must_parse("fe80::100");
  const Ipv6Address group = Ipv6Address::must_parse("ff0e::db8:1");

  void SetUp() override {
    auto r = config::parse_config(kPimConfig, "t.cfg");
    ASSERT_TRUE(r.ok()) << config::format_errors(r.errors);
    core.apply(r.config,
               {*MacAddress::parse("02:00:00:00:00:01"), *MacAddress::parse("02:00:00:00:00:02")},
               now);
    hello_from("up0", neighbor, 1, {Ipv6Address::must_parse("2001:db8:100::1")});
    advance(std::chrono::seconds(5));
    core.on_frame(ifindex("ge0"),
                  wire::build_mld_v2_report_frame(*MacAddress::parse("02:00:00:00:aa:01"),
                                                  Ipv6Address::must_parse("fe80::aa"),
                                                  {{wire::MldRecordType::to_ex, group, {}}}),
                  now);
    advance(std::chrono::seconds(2));
  }
  // A PIM Hello from `from` on `itf`; the Address List carries its global addresses.
  void hello_from(const std::string& itf, const Ipv6Address& from, uint32_t dr_priority,
                  std::vector<Ipv6Address> addresses) {
    wire::PimMessage m;
    m.type = wire::PimType::hello;
    m.hello.holdtime_s = 105;
    m.hello.dr_priority = dr_priority;
    m.hello.generation_id = 0x1234;
    m.hello.address_list = std::move(addresses);
    core.on_frame(ifindex(itf),
                  wire::build_pim_message_frame(*MacAddress::parse("02:00:00:00:01:00"), from, m),
                  now);
  }
  uint32_t ifindex(const std::string& name) const { return core.interfaces().ifindex(name); }
  std::string ll(const std::string& name) const {
    return core.interfaces().by_name(name)->link_local.to_string();
  }
  void advance(Duration d) { run_core_timers(core, now, d); }
  // Through the command table and dispatch, as tandemctl's request reaches tandemd.
  std::string ask(const std::string& command, bool json) {
    cli::WireRequest req{json, {}};
    std::istringstream in(command);
    for (std::string w; in >> w;) req.words.push_back(w);
    cli::WireResponse resp = dispatch_cli(req, core, CliActions{}, now);
    EXPECT_TRUE(resp.ok) << resp.body;
    EXPECT_FALSE(resp.more);
    if (json) {
      EXPECT_EQ(resp.body.find('\n'), resp.body.size() - 1) << "one document, one line";
    }
    return resp.body;
  }
};

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST_F(PimDisplayTest, NeighborListsTheHelloSender) {
  const std::string t = ask("display pim ipv6 neighbor", false);
  EXPECT_HAS(t, "Total Number of Neighbors = 1\n");
  EXPECT_HAS(t, "Neighbor                  Interface        Uptime   Expires  DR-Priority\n");
  // Up for 7 s, holdtime 105 s: expires in 98 s.
  EXPECT_HAS(t, "fe80::100                 up0              00:00:07 00:01:38 1\n");
  EXPECT_HAS(t, "  Secondary addresses: 2001:db8:100::1\n");
  const std::string j = ask("display pim ipv6 neighbor", true);
  EXPECT_EQ(j, R"({"neighbors":[{"neighbor":"fe80::100","interface":"up0","uptime_s":7,)"
               R"("expires_s":98,"dr_priority":1,"generation_id":4660,)"
               R"("secondary_addresses":["2001:db8:100::1"]}]})"
               "\n");
}

TEST_F(PimDisplayTest, InterfaceShowsTheDrAndVerboseTheIgnoreFlags) {
  // Our link-locals are above fe80::100 at the same priority: we are DR on both links.
  const std::string t = ask("display pim ipv6 interface", false);
  EXPECT_HAS(t, "Interface        State NbrCnt HelloInt DR-Pri     DR-Address\n");
  EXPECT_HAS(t, "up0              up    1      30       1          " + ll("up0") + " (local)\n");
  EXPECT_HAS(t, "ge0              up    0      30       1          " + ll("ge0") + " (local)\n");
  const std::string v = ask("display pim ipv6 interface verbose", false);
  EXPECT_HAS(v, " Interface ge0, " + ll("ge0") + "\n");
  EXPECT_HAS(v, "  Ignore dr-state       : on\n");
  EXPECT_HAS(v, "  Ignore assert-state   : on\n");
  EXPECT_HAS(v, "  Forwarding gate       : open\n");
  EXPECT_HAS(v, "  Hello holdtime        : 105 s\n");
  EXPECT_HAS(v, "  Join/Prune interval   : 60 s\n");
  EXPECT_HAS(v, "  Override interval     : 2500 ms\n");
  EXPECT_HAS(v, "  Propagation delay     : 500 ms\n");
  EXPECT_HAS(v, "  Neighbor ups/downs    : 1/0\n");
  EXPECT_HAS(v, "  Rx drops              : interface_not_pim 0, own_message 0,");
  // up0 keeps the defaults: both flags shown as off.
  const std::string up0 = v.substr(v.find(" Interface up0"));
  EXPECT_HAS(up0, "  Ignore dr-state       : off\n");
  EXPECT_HAS(up0, "  Ignore assert-state   : off\n");
  EXPECT_HAS(up0, "  J/P sent/received     : 1/0\n");

  EXPECT_HAS(ask("display pim ipv6 interface", true),
             R"({"interface":"up0","state":"up","neighbor_count":1,"hello_interval_s":30,)"
             R"("dr_priority":1,"dr_address":")" +
                 ll("up0") + R"(","is_dr":true})");
  const std::string jv = ask("display pim ipv6 interface verbose", true);
  EXPECT_HAS(jv, R"("interface":"ge0","state":"up","neighbor_count":0,)");
  EXPECT_HAS(jv, R"("ignore_dr_state":true,"ignore_assert_state":true,"forwarding_gate":"open",)");
  EXPECT_HAS(jv, R"("ignore_dr_state":false,"ignore_assert_state":false,)");
  EXPECT_HAS(jv, R"("rx_drops":{"interface_not_pim":0,"own_message":0,)");
  EXPECT_HAS(jv, R"("join_prunes_sent":1,"join_prunes_received":0,"joins_sent":1,)");
}

TEST_F(PimDisplayTest, RoutingTableShowsTheStarGJoinedTowardTheRp) {
  const std::string t = ask("display pim ipv6 routing-table", false);
  EXPECT_HAS(t, "Total 1 (*, G) entries; 0 (S, G) entries\n");
  EXPECT_HAS(t,
             "\n (*, ff0e::db8:1)\n"
             "     RP: 2001:db8::1\n"
             "     Protocol: pim-sm, Flag: WC RPT\n"
             "     UpTime: 00:00:02\n"
             "     Upstream interface: up0\n"
             "         Upstream neighbor: fe80::100\n"
             "         RPF prime neighbor: fe80::100\n"
             "     Upstream state: joined, Join timer: 00:00:58, Keepalive: --\n"
             "     Downstream interface(s) information:\n"
             "     Total number of downstreams: 1\n"
             "         1: ge0\n"
             "             Protocol: mld, Assert: NoInfo\n");
  EXPECT_EQ(ask("display pim ipv6 routing-table", true),
            R"({"entries":[{"source":"*","group":"ff0e::db8:1","rp":"2001:db8::1",)"
            R"("protocol":"pim-sm","flags":["WC","RPT"],"uptime_s":2,)"
            R"("upstream_interface":"up0","upstream_neighbor":"fe80::100",)"
            R"("rpf_prime_neighbor":"fe80::100","joined":true,"join_timer_s":58,)"
            R"("keepalive_s":null,"spt_bit":false,"rpt_pruned":false,)"
            R"("downstream":[{"interface":"ge0","protocol":"mld","assert_state":"NoInfo",)"
            R"("assert_winner":null,"assert_expires_s":null,"excluded":false}]}]})"
            "\n");
}

TEST_F(PimDisplayTest, RpInfoShowsTheStaticRpAndItsRpfNeighbor) {
  EXPECT_EQ(ask("display pim ipv6 rp-info", false),
            "  RP address    : 2001:db8::1\n"
            "  Group range   : ff00::/8\n"
            "  Type          : static\n"
            "  RPF interface : up0\n"
            "  RPF neighbor  : fe80::100\n"
            "  Groups joined : 1\n");
  EXPECT_EQ(ask("display pim ipv6 rp-info", true),
            R"({"rps":[{"rp_address":"2001:db8::1","group_range":"ff00::/8","type":"static",)"
            R"("rpf_interface":"up0","rpf_neighbor":"fe80::100","groups_joined":1}]})"
            "\n");
}

// A neighbor with a higher DR priority on ge0 takes the DR role: no "(local)", is_dr 0.
TEST_F(PimDisplayTest, AnotherDrIsShownWithoutLocal) {
  hello_from("ge0", Ipv6Address::must_parse("fe80::200"), 10, {});
  EXPECT_HAS(ask("display pim ipv6 interface", false),
             "ge0              up    1      30       1          fe80::200\n");
  EXPECT_HAS(ask("display pim ipv6 interface", true),
             R"("dr_priority":1,"dr_address":"fe80::200","is_dr":false})");
  metrics::MetricsSnapshot m;
  core.fill_metrics(m, now);
  ASSERT_EQ(m.pim.interfaces.at(0).interface, "ge0");
  EXPECT_FALSE(m.pim.interfaces.at(0).dr);
  // The listener still joins upstream: ge0 ignores DR state.
  EXPECT_HAS(ask("display pim ipv6 routing-table", false), "         1: ge0\n");
}

// The same state through the metrics the core fills.
TEST_F(PimDisplayTest, MetricsCarryTheNeighborTheDrAndTheEntry) {
  metrics::MetricsSnapshot m;
  core.fill_metrics(m, now);
  ASSERT_EQ(m.pim.interfaces.size(), 2u);
  for (const auto& p : m.pim.interfaces) {
    SCOPED_TRACE(p.interface);
    EXPECT_TRUE(p.dr);
    EXPECT_EQ(p.neighbors, p.interface == "up0" ? 1u : 0u);
    EXPECT_GE(p.hellos_sent, 1u);
  }
  // Receive drops: the PIM drop table has both interfaces with every reason.
  const auto pim_drops = std::find_if(m.drops.begin(), m.drops.end(),
                                      [](const DropTable& t) { return t.layer == "pim"; });
  ASSERT_NE(pim_drops, m.drops.end());
  EXPECT_EQ(pim_drops->rows.size(), 2u);
  EXPECT_EQ(pim_drops->reasons.size(), pim::kRxDropCount);
  EXPECT_EQ(m.pim.star_g, 1u);
  EXPECT_EQ(m.pim.s_g, 0u);
}

// The running config in the input syntax: what parses back to the applied model.
TEST_F(PimDisplayTest, CurrentConfigurationPrintsTheAppliedConfig) {
  const std::string t = ask("display current-configuration", false);
  EXPECT_HAS(t, "interface ge0\n");
  EXPECT_HAS(t, " pim ipv6 ignore dr-state\n");
  auto again = config::parse_config(t, "printed");
  ASSERT_TRUE(again.ok()) << config::format_errors(again.errors) << t;
  EXPECT_TRUE(again.config == core.config()) << t;
  // --json: the same lines, one string each.
  std::string json = "{\"lines\":[";
  for (const std::string& line : config::print_config_lines(core.config()))
    json += (json.back() == '[' ? "\"" : ",\"") + line + "\"";
  EXPECT_EQ(ask("display current-configuration", true), json + "]}\n");
}

}  // namespace
}  // namespace tandem::daemon
