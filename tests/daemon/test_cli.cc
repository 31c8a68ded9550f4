// CLI: the command table, the request/response protocol, a server/client round trip on a
// Unix socket, and every display rendered as text and JSON from its snapshot struct.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cstring>
#include <sstream>
#include <thread>

#include "control/daemon/cli/client.h"
#include "control/daemon/cli/commands.h"
#include "control/daemon/cli/json.h"
#include "control/daemon/cli/protocol.h"
#include "control/daemon/cli/render.h"
#include "control/daemon/cli/server.h"

namespace tandem::cli {
namespace {

namespace pt = boost::property_tree;

pt::ptree parse_json(const std::string& s) {
  pt::ptree t;
  std::istringstream in(s);
  pt::read_json(in, t);  // throws on malformed JSON
  return t;
}

std::optional<CliRequest> parse(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  std::string err;
  return parse_cli_command(words, err);
}

std::string parse_error(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  std::string err;
  EXPECT_FALSE(parse_cli_command(words, err).has_value()) << line;
  return err;
}

// ---- command table ----

TEST(CliCommands, DisplayRemoteBackupServiceForms) {
  auto a = parse("display remote-backup-service");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->command, CliCommand::display_rbs);
  EXPECT_EQ(a->name, "");
  auto b = parse("display remote-backup-service verbose");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->verbose);
  EXPECT_EQ(b->name, "");
  auto c = parse("display remote-backup-service rbs1 verbose");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "rbs1");
  EXPECT_TRUE(c->verbose);
}

TEST(CliCommands, EveryDisplayParses) {
  EXPECT_EQ(parse("display remote-backup-profile rbp1")->name, "rbp1");
  EXPECT_TRUE(parse("display vrrp6 brief")->brief);
  EXPECT_FALSE(parse("display vrrp6")->brief);
  EXPECT_TRUE(parse("display bfd session all for-ipv6 verbose")->verbose);
  auto g = parse("display mld group interface GigabitEthernet 0/1/0 verbose");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->interface, "GigabitEthernet0/1/0");
  EXPECT_TRUE(g->verbose);
  EXPECT_EQ(parse("display mld interface ge0")->interface, "ge0");
  EXPECT_EQ(parse("display multicast ipv6 forwarding-table")->command,
            CliCommand::display_forwarding);
  EXPECT_EQ(parse("display pim ipv6 neighbor")->command, CliCommand::display_pim_neighbor);
  EXPECT_EQ(parse("display pim ipv6 interface")->command, CliCommand::display_pim_interface);
  EXPECT_FALSE(parse("display pim ipv6 interface")->verbose);
  EXPECT_TRUE(parse("display pim ipv6 interface verbose")->verbose);
  EXPECT_EQ(parse("display pim ipv6 routing-table")->command,
            CliCommand::display_pim_routing_table);
  EXPECT_EQ(parse("display pim ipv6 rp-info")->command, CliCommand::display_pim_rp_info);
  EXPECT_EQ(parse("display current-configuration")->command,
            CliCommand::display_current_configuration);
  EXPECT_FALSE(parse("display current-configuration all"));
  EXPECT_EQ(parse("batch-backup now")->command, CliCommand::batch_backup);
  EXPECT_EQ(parse("reset statistics")->subsystem, "all");
  EXPECT_EQ(parse("reset mld statistics")->subsystem, "mld");
  EXPECT_EQ(parse("commit /etc/tandem/tandem.cfg")->path, "/etc/tandem/tandem.cfg");
  EXPECT_EQ(parse("decode x.pcap")->command, CliCommand::decode);
}

TEST(CliCommands, UnknownAndMalformedCommandsSayWhy) {
  EXPECT_NE(parse_error("display pim ipv6").find("incomplete command"), std::string::npos);
  EXPECT_NE(parse_error("display pim ipv6 neighbor ge0").find("unexpected 'ge0'"),
            std::string::npos);
  EXPECT_NE(cli_usage().find("  display pim ipv6 interface [verbose]\n"), std::string::npos);
  EXPECT_EQ(parse_error("frobnicate"), "unknown command 'frobnicate'");
  EXPECT_NE(parse_error("display bfd session all").find("incomplete command"), std::string::npos);
  EXPECT_NE(parse_error("display vrrp6 huge").find("unexpected 'huge'"), std::string::npos);
  EXPECT_NE(parse_error("batch-backup later").find("unexpected 'later'"), std::string::npos);
}

// ---- protocol ----

TEST(CliProtocol, RequestRoundTrip) {
  WireRequest r{true, {"display", "vrrp6", "brief"}};
  std::string err;
  auto back = decode_request(encode_request(r), err);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->json);
  EXPECT_EQ(back->words, r.words);
  EXPECT_FALSE(decode_request("hello world\n", err));
  EXPECT_NE(err.find("malformed request"), std::string::npos);
}

TEST(CliProtocol, ResponseRoundTrip) {
  auto ok = decode_response(encode_response(WireResponse{true, "body\nline2\n"}));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->body, "body\nline2\n");
  auto bad = decode_response(encode_response(WireResponse{false, "no\n"}));
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->ok);
  EXPECT_FALSE(decode_response("garbage"));
}

TEST(CliSocket, ClientTalksToServerOverUnixSocket) {
  std::string path = "/tmp/tandem-cli-test-" + std::to_string(::getpid()) + ".sock";
  daemon::EventLoop loop;
  CliServer server(loop, [](const WireRequest& r) {
    std::string body = std::string(r.json ? "json" : "text");
    for (const auto& w : r.words) body += " " + w;
    return WireResponse{r.words.size() != 1, body + "\n"};
  });
  std::string err;
  ASSERT_TRUE(server.listen(path, err)) << err;
  std::atomic<bool> stop{false};
  std::thread t([&] {
    while (!stop) loop.run_once(20);
  });
  auto resp = send_request(path, WireRequest{true, {"display", "vrrp6"}}, 5000, err);
  ASSERT_TRUE(resp) << err;
  EXPECT_TRUE(resp->ok);
  EXPECT_EQ(resp->body, "json display vrrp6\n");
  auto resp2 = send_request(path, WireRequest{false, {"x"}}, 5000, err);
  ASSERT_TRUE(resp2) << err;
  EXPECT_FALSE(resp2->ok);
  // A second daemon cannot take over a live socket.
  daemon::EventLoop loop2;
  CliServer second(loop2, [](const WireRequest&) { return WireResponse{}; });
  EXPECT_FALSE(second.listen(path, err));
  EXPECT_NE(err.find("already listening"), std::string::npos);
  stop = true;
  t.join();
  server.close();
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

// The RBS engine closes its sockets itself and the daemon unwatches their numbers on the next
// turn: a CLI connection accepted on a number just closed must keep its watch and be answered.
TEST(CliSocket, AStaleUnwatchOfAReusedNumberLeavesTheConnection) {
  std::string path = "/tmp/tandem-cli-reuse-test-" + std::to_string(::getpid()) + ".sock";
  daemon::EventLoop loop;
  CliServer server(loop, [](const WireRequest&) { return WireResponse{true, "answered\n"}; });
  std::string err;
  ASSERT_TRUE(server.listen(path, err)) << err;
  int client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  // Another owner watches a socket, which is closed behind its back (its watch stays).
  int other = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(other, 0);
  uint64_t id = loop.watch(other, POLLIN, [](short) {});
  ::close(other);
  loop.run_once(100);  // accepts the client on the lowest free number: `other`'s
  ASSERT_EQ(server.connections(), 1u);
  ASSERT_TRUE(loop.watching(other));
  loop.unwatch(other, id);  // the other owner's late cleanup
  std::string req = encode_request(WireRequest{false, {"display", "vrrp6"}});
  ASSERT_EQ(::send(client, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  std::string in;
  for (int turn = 0; turn < 50; ++turn) {
    loop.run_once(10);
    pollfd p{client, POLLIN, 0};
    if (::poll(&p, 1, 10) <= 0) continue;
    char buf[256];
    ssize_t n = ::read(client, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  ::close(client);
  auto resp = decode_response(in);
  ASSERT_TRUE(resp) << "no answer on the reused number";
  EXPECT_EQ(resp->body, "answered\n");
  EXPECT_EQ(server.connections(), 0u);
}

TEST(CliSocket, NoDaemonGivesAClearError) {
  std::string err;
  auto resp = send_request("/tmp/tandem-no-such-daemon.sock", WireRequest{}, 1000, err);
  EXPECT_FALSE(resp);
  EXPECT_EQ(err,
            "cannot connect to /tmp/tandem-no-such-daemon.sock: No such file or directory (is "
            "tandemd running?)");
}

// ---- JSON writer ----

TEST(CliJson, EscapesAndSeparates) {
  JsonWriter w;
  w.begin_object().field("a", "q\"\\\n\x01").field("b", int64_t{-3}).key("c").begin_array();
  w.value(true).null().end_array().end_object();
  EXPECT_EQ(w.str(), R"({"a":"q\"\\\n\u0001","b":-3,"c":[true,null]})");
}

// ---- displays ----

RbsSnapshot sample_rbs() {
  RbsRow r;
  r.index = 0;
  r.name = "rbs1";
  r.tcp_state = "connected";
  r.peer_ip = "2001:db8:10::2";
  r.source_ip = "2001:db8:10::1";
  r.tcp_port = 2046;
  r.track_bfd = "10";
  r.last_up_ms_ago = 65000;
  r.batch_backup = "finished";
  r.role = "master";
  r.last_seq_sent = 42;
  r.last_seq_acked = 41;
  r.digest = "00112233aabbccdd";
  r.snapshots_sent = 1;
  return RbsSnapshot{{r}};
}

TEST(CliDisplay, RemoteBackupServiceText) {
  std::string t = render_text(sample_rbs(), false);
  EXPECT_NE(t.find("  Service-Name    : rbs1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  TCP-State       : Connected\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  Peer-ip         : 2001:db8:10::2\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  TCP-Port        : 2046\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  Track-BFD       : 10\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  Last up time    : 00:01:05 ago\n"), std::string::npos) << t;
  EXPECT_EQ(t.find("Last-Seq-Sent"), std::string::npos);
  std::string v = render_text(sample_rbs(), true);
  EXPECT_NE(v.find("  Last-Seq-Sent   : 42\n"), std::string::npos) << v;
  EXPECT_NE(v.find("  Digest          : 00112233aabbccdd\n"), std::string::npos) << v;
}

TEST(CliDisplay, RemoteBackupServiceShowsAuthenticationButNeverTheKey) {
  RbsSnapshot s = sample_rbs();
  EXPECT_NE(render_text(s, false).find("  Authentication  : None\n"), std::string::npos);
  s.services[0].authentication = "configured";
  s.services[0].auth_failures = {{"auth_missing", 1}, {"auth_failed", 2}};
  const std::string v = render_text(s, true);
  EXPECT_NE(v.find("  Authentication  : Configured\n"), std::string::npos) << v;
  EXPECT_NE(v.find("  Auth failures   : missing 1, failed 2\n"), std::string::npos) << v;
  EXPECT_EQ(render_text(s, false).find("Auth failures"), std::string::npos);
  auto j = parse_json(render_json(s, true));
  const auto& r = j.get_child("services").front().second;
  EXPECT_EQ(r.get<std::string>("authentication"), "configured");
  EXPECT_EQ(r.get<int>("auth_failures.auth_failed"), 2);
  EXPECT_EQ(r.get<int>("auth_failures.auth_missing"), 1);
}

TEST(CliDisplay, RemoteBackupServiceJsonHasTheContractKeys) {
  std::string j = render_json(sample_rbs(), false);
  auto t = parse_json(j);
  const auto& s = t.get_child("services").front().second;
  EXPECT_EQ(s.get<std::string>("name"), "rbs1");
  EXPECT_EQ(s.get<std::string>("tcp_state"), "connected");
  EXPECT_EQ(s.get<std::string>("peer_ip"), "2001:db8:10::2");
  EXPECT_EQ(s.get<std::string>("source_ip"), "2001:db8:10::1");
  EXPECT_EQ(s.get<int>("tcp_port"), 2046);
  EXPECT_EQ(s.get<std::string>("role"), "master");
  EXPECT_EQ(s.get<int>("last_seq_sent"), 42);
  EXPECT_EQ(s.get<int>("last_seq_acked"), 41);
  EXPECT_EQ(s.get<std::string>("digest"), "00112233aabbccdd");
  EXPECT_NE(j.find("\"tcp_port\":2046"), std::string::npos);  // a number, not a string
  EXPECT_EQ(j.back(), '\n');
  EXPECT_EQ(j.find('\n'), j.size() - 1);  // one document, one line
}

TEST(CliDisplay, RemoteBackupProfileTextAndJson) {
  RbpRow p;
  p.name = "rbp1";
  p.service = "rbs1";
  p.backup_id = 10;
  p.vrrp_id = 1;
  p.vrrp_interface = "ge0";
  p.state = "master";
  p.peer_state = "backup";
  p.interfaces = {"ge0"};
  RbpSnapshot s{{p}};
  std::string t = render_text(s);
  for (const char* f :
       {"Profile-Index", "Profile-Name", "Remote-backup-service", "Backup-ID", "track protocol",
        "VRRP-ID", "VRRP-Interface", "State", "Peer State", "Interface list", "Backup mode"})
    EXPECT_NE(t.find(std::string("  ") + f), std::string::npos) << f;
  EXPECT_NE(t.find("  Backup-ID             : 10\n"), std::string::npos) << t;
  auto j = parse_json(render_json(s));
  const auto& r = j.get_child("profiles").front().second;
  EXPECT_EQ(r.get<std::string>("profile_name"), "rbp1");
  EXPECT_EQ(r.get<int>("backup_id"), 10);
  EXPECT_EQ(r.get<std::string>("state"), "master");
  EXPECT_EQ(r.get_child("interface_list").front().second.get_value<std::string>(), "ge0");
}

Vrrp6Snapshot sample_vrrp() {
  Vrrp6Row g;
  g.interface = "ge0";
  g.vrid = 1;
  g.state = "Master";
  g.virtual_ips = {"fe80::1", "2001:db8:1::1"};
  g.master_ip = "fe80::2";
  g.local_ip = "fe80::2";
  g.priority_run = 120;
  g.priority_config = 120;
  g.master_priority = 120;
  g.timer_run_cs = 100;
  g.timer_config_cs = 100;
  g.virtual_mac = "00:00:5e:00:02:01";
  g.config_type = "normal-vrrp";
  g.track_bfd = {"10 reduced 50"};
  g.create_ms_ago = 3600 * 1000;
  g.last_change_ms_ago = 1000;
  return Vrrp6Snapshot{{g}};
}

TEST(CliDisplay, Vrrp6TextHasTheVendorFields) {
  std::string t = render_text(sample_vrrp(), false);
  for (const char* f :
       {"State", "Virtual IP", "Master IP", "Local IP", "PriorityRun", "PriorityConfig",
        "MasterPriority", "Preempt", "Delay Time", "TimerRun", "TimerConfig", "Virtual MAC",
        "Config Type", "Track BFD", "Create Time", "Last Change Time"})
    EXPECT_NE(t.find(f), std::string::npos) << f;
  EXPECT_NE(t.find("  Virtual IP        : fe80::1, 2001:db8:1::1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  Create Time       : 01:00:00 ago\n"), std::string::npos) << t;
  std::string b = render_text(sample_vrrp(), true);
  EXPECT_NE(b.find("1     Master      ge0"), std::string::npos) << b;
  EXPECT_NE(b.find("Total:1"), std::string::npos) << b;
  // Further virtual addresses line up under the first one.
  size_t first = b.find("fe80::1");
  size_t line_start = b.rfind('\n', first) + 1;
  EXPECT_NE(b.find("\n" + std::string(first - line_start, ' ') + "2001:db8:1::1\n"),
            std::string::npos)
      << b;
}

TEST(CliDisplay, Vrrp6Json) {
  auto j = parse_json(render_json(sample_vrrp()));
  const auto& g = j.get_child("groups").front().second;
  EXPECT_EQ(g.get<int>("vrid"), 1);
  EXPECT_EQ(g.get<std::string>("state"), "Master");
  EXPECT_EQ(g.get<int>("priority_run"), 120);
  EXPECT_EQ(g.get<std::string>("config_type"), "normal-vrrp");
  EXPECT_EQ(g.get_child("virtual_ip").size(), 2u);
}

TEST(CliDisplay, Vrrp6ShowsTheSplitBrainAlarmInTextAndJson) {
  Vrrp6Snapshot s = sample_vrrp();
  EXPECT_NE(render_text(s, false).find("  Split Brain       : NO, events 0\n"), std::string::npos);
  Vrrp6Row& g = s.groups[0];
  g.split_brain = true;
  g.split_brain_events = 1;
  g.split_brain_evidence = "advert_we_win";
  g.split_brain_other_master = "fe80::3";
  g.split_brain_raised_ms_ago = 3000;
  std::string t = render_text(s, false);
  EXPECT_NE(t.find("  Split Brain       : YES (advert_we_win fe80::3) for 00:00:03, events 1\n"),
            std::string::npos)
      << t;
  auto j = parse_json(render_json(s));
  const auto& r = j.get_child("groups").front().second;
  EXPECT_TRUE(r.get<bool>("split_brain"));
  EXPECT_EQ(r.get<int>("split_brain_events"), 1);
  EXPECT_EQ(r.get<std::string>("split_brain_evidence"), "advert_we_win");
  EXPECT_EQ(r.get<std::string>("split_brain_other_master"), "fe80::3");
  EXPECT_EQ(r.get<std::string>("state"), "Master") << "contract fields unchanged";
}

BfdSnapshot sample_bfd() {
  BfdRow b;
  b.name = "tomaster";
  b.local = 10;
  b.remote = 20;
  b.peer_ip = "2001:db8:1::3";
  b.state = "Up";
  b.interface = "ge0";
  b.min_tx_ms = 10;
  b.min_rx_ms = 10;
  b.actual_tx_ms = 10;
  b.actual_rx_ms = 10;
  b.detect_multiplier = 3;
  b.bind_application = "VRRP6";
  b.not_up_reason = "";
  return BfdSnapshot{{b}};
}

TEST(CliDisplay, BfdTextBriefAndVerbose) {
  std::string t = render_text(sample_bfd(), false);
  EXPECT_NE(t.find("Local  Remote      PeerIpAddr"), std::string::npos) << t;
  EXPECT_NE(t.find("10     20          2001:db8:1::3"), std::string::npos) << t;
  EXPECT_NE(t.find("Total UP/DOWN Session Number : 1/0"), std::string::npos) << t;
  std::string v = render_text(sample_bfd(), true);
  EXPECT_NE(v.find("Destination Port        : 3784"), std::string::npos) << v;
  EXPECT_NE(v.find("TTL                     : 255"), std::string::npos) << v;
  EXPECT_NE(v.find("Session Not Up Reason   : --"), std::string::npos) << v;
  EXPECT_NE(v.find("Bind Application        : VRRP6"), std::string::npos) << v;
}

TEST(CliDisplay, BfdJson) {
  auto j = parse_json(render_json(sample_bfd(), true));
  const auto& b = j.get_child("sessions").front().second;
  EXPECT_EQ(b.get<int>("local"), 10);
  EXPECT_EQ(b.get<std::string>("peer_ip_addr"), "2001:db8:1::3");
  EXPECT_EQ(b.get<int>("destination_port"), 3784);
  auto brief = parse_json(render_json(sample_bfd(), false));
  EXPECT_FALSE(brief.get_child("sessions").front().second.get_child_optional("detect_multi"));
}

MldGroupSnapshot sample_groups() {
  MldGroupRow a;
  a.interface = "ge0";
  a.group = "ff05::1";
  a.uptime_ms = 1000;
  a.expires_ms = 259000;
  a.last_reporter = "fe80::2";
  a.filter_mode = "exclude";
  a.origin = "local";
  MldGroupRow b;
  b.interface = "ge0";
  b.group = "ff3e::db8:2";
  b.uptime_ms = 2000;
  b.expires_ms = -1;
  b.last_reporter = "fe80::3";
  b.filter_mode = "include";
  b.sources = {{"2001:db8:1::10", 250000}};
  b.origin = "backup";
  return MldGroupSnapshot{{a, b}, "0123456789abcdef"};
}

TEST(CliDisplay, MldGroupJsonIsTheContractExample) {
  std::string j = render_json(sample_groups());
  // DESIGN.md §6, key for key.
  EXPECT_NE(j.find(R"({"interface":"ge0","group":"ff05::1","filter_mode":"exclude","sources":[],)"
                   R"("expires_ms":259000,)"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("last_reporter":"fe80::2","origin":"local"})"), std::string::npos) << j;
  auto t = parse_json(j);
  EXPECT_EQ(t.get<std::string>("digest"), "0123456789abcdef");
  auto it = t.get_child("groups").begin();
  ++it;
  EXPECT_EQ(it->second.get<std::string>("origin"), "backup");
  EXPECT_EQ(it->second.get_child("sources").front().second.get<std::string>("address"),
            "2001:db8:1::10");
}

TEST(CliDisplay, MldGroupText) {
  std::string t = render_text(sample_groups(), false);
  EXPECT_NE(t.find(" ge0:\n"), std::string::npos) << t;
  EXPECT_NE(t.find("Expires: 00:04:19"), std::string::npos) << t;
  EXPECT_NE(t.find("Last reporter: fe80::2"), std::string::npos) << t;
  std::string v = render_text(sample_groups(), true);
  EXPECT_NE(v.find("  Filter mode     : include\n"), std::string::npos) << v;
  EXPECT_NE(v.find("  Source list     : 2001:db8:1::10  Expires: 00:04:10\n"), std::string::npos)
      << v;
  EXPECT_NE(v.find("Total 2 entries, digest 0123456789abcdef"), std::string::npos) << v;
}

TEST(CliDisplay, MldInterfaceTextAndJson) {
  MldInterfaceRow i;
  i.interface = "ge0";
  i.querier = "fe80::2";
  i.is_querier = true;
  i.groups = 3;
  i.joins = 5;
  i.leaves = 2;
  MldInterfaceSnapshot s{{i}};
  std::string t = render_text(s);
  EXPECT_NE(t.find("MLD version"), std::string::npos);
  EXPECT_NE(t.find("fe80::2 (this router)"), std::string::npos) << t;
  EXPECT_NE(t.find("Query interval                    : 125 s"), std::string::npos) << t;
  EXPECT_NE(t.find("Joins                             : 5"), std::string::npos) << t;
  auto j = parse_json(render_json(s));
  const auto& r = j.get_child("interfaces").front().second;
  EXPECT_EQ(r.get<int>("robustness"), 2);
  EXPECT_EQ(r.get<int>("leaves"), 2);
  EXPECT_EQ(r.get<std::string>("querier"), "fe80::2");
}

TEST(CliDisplay, ForwardingTableTextAndJson) {
  ForwardingRow e;
  e.source = "2001:db8:100::10";
  e.group = "ff05::1";
  e.upstream = {"up0"};
  e.egress = {{"ge0", true}, {"ge1", false}};
  ForwardingSnapshot s{{e}, 4};
  std::string t = render_text(s);
  EXPECT_NE(t.find("(2001:db8:100::10, ff05::1)"), std::string::npos) << t;
  EXPECT_NE(t.find("Upstream interface: up0"), std::string::npos) << t;
  EXPECT_NE(t.find("2: ge1 (blocked: VRRP6 not Master)"), std::string::npos) << t;
  auto j = parse_json(render_json(s));
  EXPECT_EQ(j.get<int>("generation"), 4);
  const auto& r = j.get_child("entries").front().second;
  EXPECT_EQ(r.get<std::string>("group"), "ff05::1");
  EXPECT_EQ(r.get_child("downstream").size(), 2u);
}

// ---- PIM displays (what a core fills: tests/daemon/test_display.cc) ----

TEST(CliDisplay, PimNeighborNeverExpiringAndWithoutDrPriority) {
  PimNeighborRow n;
  n.neighbor = "fe80::100";
  n.interface = "up0";
  n.uptime_s = 3725;
  n.expires_s = -1;  // holdtime 65535
  n.dr_priority = -1;
  PimNeighborSnapshot s{{n}};
  const std::string t = render_text(s);
  EXPECT_NE(t.find("fe80::100                 up0              01:02:05 never    --\n"),
            std::string::npos)
      << t;
  EXPECT_EQ(t.find("Secondary"), std::string::npos) << t;
  auto j = parse_json(render_json(s));
  const auto& r = j.get_child("neighbors").front().second;
  EXPECT_EQ(r.get<int>("uptime_s"), 3725);
  EXPECT_EQ(r.get<std::string>("expires_s"), "null");
  EXPECT_EQ(r.get<std::string>("dr_priority"), "null");
  EXPECT_TRUE(r.get_child("secondary_addresses").empty());
  EXPECT_EQ(render_text(PimNeighborSnapshot{}),
            "Total Number of Neighbors = 0\n\n"
            "Neighbor                  Interface        Uptime   Expires  DR-Priority\n");
}

TEST(CliDisplay, PimInterfaceVerboseHasEveryKnobAndCounter) {
  PimInterfaceRow i;
  i.interface = "ge0";
  i.up = false;
  i.hello_interval_s = 30;
  i.dr_priority = 1;
  i.address = "fe80::1";
  i.generation_id = 0xab;
  i.forwarding_gate_open = false;
  i.join_suppression = false;
  i.asserts_won = 2;
  i.asserts_lost = 3;
  i.rx_drops = {{"own_message", 4}, {"unsupported_type", 0}};
  PimInterfaceSnapshot s{{i}};
  const std::string b = render_text(s, false);
  EXPECT_NE(b.find("ge0              down  0      30       1          --\n"), std::string::npos)
      << b;
  const std::string v = render_text(s, true);
  for (const char* f : {" Interface ge0, fe80::1\n", "  Generation ID         : 0x000000ab\n",
                        "  Ignore dr-state       : off\n", "  Ignore assert-state   : off\n",
                        "  Forwarding gate       : closed (VRRP6 not Master)\n",
                        "  Join suppression      : off\n", "  Asserts won/lost      : 2/3\n",
                        "  Rx drops              : own_message 4, unsupported_type 0\n"})
    EXPECT_NE(v.find(f), std::string::npos) << f << v;
  auto brief = parse_json(render_json(s, false));
  const auto& r0 = brief.get_child("interfaces").front().second;
  EXPECT_EQ(r0.get<std::string>("state"), "down");
  EXPECT_EQ(r0.get<std::string>("dr_address"), "null");
  EXPECT_FALSE(r0.get_child_optional("ignore_dr_state"));
  auto j = parse_json(render_json(s, true));
  const auto& r = j.get_child("interfaces").front().second;
  EXPECT_FALSE(r.get<bool>("ignore_dr_state"));
  EXPECT_FALSE(r.get<bool>("ignore_assert_state"));
  EXPECT_EQ(r.get<std::string>("forwarding_gate"), "closed");
  EXPECT_EQ(r.get<int>("generation_id"), 0xab);
  EXPECT_EQ(r.get<int>("asserts_lost"), 3);
  EXPECT_EQ(r.get<int>("rx_drops.own_message"), 4);
  EXPECT_EQ(render_text(PimInterfaceSnapshot{}, true), "  No interface runs PIM.\n");
}

TEST(CliDisplay, PimRoutingTableShowsSourceEntriesAndLostAsserts) {
  PimRouteRow e;
  e.source = "2001:db8:200::50";
  e.group = "ff0e::db8:1";
  e.rp = "2001:db8::1";
  e.protocol = "pim-sm";
  e.flags = {"SPT"};
  e.upstream_interface = "up0";
  e.upstream_neighbor = "fe80::100";
  e.rpf_prime_neighbor = "fe80::100";
  e.joined = true;
  e.join_timer_s = 30;
  e.keepalive_s = 200;
  e.spt_bit = true;
  e.downstream = {{"ge0", "mld", "Loser", "fe80::3", 170, true}};
  PimRouteRow ssm;
  ssm.source = "2001:db8:200::51";
  ssm.group = "ff3e::1";
  ssm.protocol = "pim-ssm";
  PimRoutingSnapshot s{{e, ssm}};
  const std::string t = render_text(s);
  EXPECT_EQ(t.rfind("Total 0 (*, G) entries; 2 (S, G) entries\n", 0), 0u) << t;
  EXPECT_NE(t.find("\n (2001:db8:200::50, ff0e::db8:1)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("     Upstream state: joined, Join timer: 00:00:30, Keepalive: 00:03:20\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("             Protocol: mld, Assert: Loser, winner fe80::3, expires "
                   "00:02:50, excluded (lost the Assert)\n"),
            std::string::npos)
      << t;
  // Without RP, route or flags: dashes.
  EXPECT_NE(t.find("     RP: --\n     Protocol: pim-ssm, Flag: --\n"), std::string::npos) << t;
  EXPECT_NE(t.find("     Upstream interface: --\n         Upstream neighbor: --\n"),
            std::string::npos)
      << t;
  auto j = parse_json(render_json(s));
  auto it = j.get_child("entries").begin();
  const auto& d = it->second.get_child("downstream").front().second;
  EXPECT_EQ(d.get<std::string>("assert_state"), "Loser");
  EXPECT_EQ(d.get<std::string>("assert_winner"), "fe80::3");
  EXPECT_EQ(d.get<int>("assert_expires_s"), 170);
  EXPECT_TRUE(d.get<bool>("excluded"));
  EXPECT_TRUE(it->second.get<bool>("spt_bit"));
  ++it;
  EXPECT_EQ(it->second.get<std::string>("rp"), "null");
  EXPECT_EQ(it->second.get<std::string>("upstream_interface"), "null");
  EXPECT_EQ(it->second.get<std::string>("join_timer_s"), "null");
  EXPECT_EQ(render_text(PimRoutingSnapshot{}), "Total 0 (*, G) entries; 0 (S, G) entries\n");
}

TEST(CliDisplay, PimRpInfoEmbeddedWithoutRoute) {
  PimRpSnapshot s{{{"2001:db8:1::1", "ff70::/12", "embedded", "", "", 2}}};
  const std::string t = render_text(s);
  EXPECT_NE(t.find("  Type          : embedded\n  RPF interface : --\n  RPF neighbor  : --\n"),
            std::string::npos)
      << t;
  auto j = parse_json(render_json(s));
  const auto& r = j.get_child("rps").front().second;
  EXPECT_EQ(r.get<std::string>("group_range"), "ff70::/12");
  EXPECT_EQ(r.get<std::string>("rpf_neighbor"), "null");
  EXPECT_EQ(r.get<int>("groups_joined"), 2);
  EXPECT_NE(render_text(PimRpSnapshot{}).find("No RP"), std::string::npos);
}

TEST(CliDisplay, DurationFormat) {
  EXPECT_EQ(format_duration_ms(-1), "--");
  EXPECT_EQ(format_duration_ms(0), "00:00:00");
  EXPECT_EQ(format_duration_ms(259000), "00:04:19");
  EXPECT_EQ(format_duration_ms(90000000), "1d01h");
}

}  // namespace
}  // namespace tandem::cli
