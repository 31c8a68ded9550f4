// The management sockets cannot be held open: request timeout, per-peer and global limits
// with the oldest waiting connection shed, the HTTP request limits (Beast), the CLI's access
// rule and the commit file passed as a descriptor. One thread: the test drives the loop.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "control/daemon/cli/client.h"
#include "control/daemon/cli/server.h"
#include "control/daemon/io/passed_file.h"
#include "control/daemon/metrics/http_server.h"
#include "tests/daemon/loopback_connect.h"

namespace tandem {
namespace {

using daemon::OneShotConnections;
using std::chrono::milliseconds;

void pump(daemon::EventLoop& loop, milliseconds for_how_long) {
  auto end = std::chrono::steady_clock::now() + for_how_long;
  while (std::chrono::steady_clock::now() < end) loop.run_once(5);
}

std::string socket_path(const char* what) {
  return "/tmp/tandem-mgmt-" + std::string(what) + "-" + std::to_string(::getpid()) + ".sock";
}

int unix_connect(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  return fd;
}

int tcp_connect(int family, const char* address, uint16_t port) {
  int fd = testing::loopback_connect(family, address, port);
  EXPECT_GE(fd, 0);
  return fd;
}

// Whether the server has closed `fd` (a read sees the end, after any answer).
bool closed_by_server(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  char buf[4096];
  return ::recv(fd, buf, sizeof buf, MSG_DONTWAIT) == 0;
}

// Sends `request` and drives the loop until the server closes; returns what came back.
std::string exchange(daemon::EventLoop& loop, int fd, const std::string& request) {
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string in;
  for (int turn = 0; turn < 400; ++turn) {
    loop.run_once(5);
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) break;
    if (n > 0) in.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return in;
}

cli::WireResponse echo(const cli::WireRequest& r) {
  std::string body;
  for (const auto& w : r.words) body += w + " ";
  return {true, body + "\n"};
}

TEST(MgmtLimits, ASilentConnectionIsClosedAfterTheRequestTimeout) {
  daemon::EventLoop loop;
  std::string path = socket_path("timeout");
  cli::CliServer server(loop, echo, {}, {8, 8, milliseconds(150), milliseconds(1000)});
  std::string err;
  ASSERT_TRUE(server.listen(path, err)) << err;
  int silent = unix_connect(path);
  int trickling = unix_connect(path);
  pump(loop, milliseconds(50));
  EXPECT_EQ(server.connections(), 2u);
  ::send(trickling, "tandem1 te", 10, MSG_NOSIGNAL);  // progress does not extend the deadline
  pump(loop, milliseconds(300));
  EXPECT_TRUE(closed_by_server(silent));
  EXPECT_TRUE(closed_by_server(trickling));
  EXPECT_EQ(server.connections(), 0u);
  EXPECT_EQ(server.connection_stats().request_timeouts, 2u);
  ::close(silent);
  ::close(trickling);
}

TEST(MgmtLimits, AFloodOfIdleConnectionsShedsItsOldestAndARealRequestIsAnswered) {
  daemon::EventLoop loop;
  std::string path = socket_path("flood");
  cli::CliServer server(loop, echo, {}, {6, 4, milliseconds(5000), milliseconds(5000)});
  std::string err;
  ASSERT_TRUE(server.listen(path, err)) << err;
  std::vector<int> idle;
  for (int i = 0; i < 50; ++i) {
    idle.push_back(unix_connect(path));
    loop.run_once(0);
  }
  pump(loop, milliseconds(20));
  // One uid: the per-peer limit holds it to 4, the oldest went first.
  EXPECT_EQ(server.connections(), 4u);
  EXPECT_EQ(server.connection_stats().shed_peer_limit, 46u);
  EXPECT_TRUE(closed_by_server(idle.front()));
  EXPECT_FALSE(closed_by_server(idle.back()));
  std::string answer = exchange(loop, unix_connect(path), "tandem1 text display vrrp6\n");
  EXPECT_EQ(answer, "ok\ndisplay vrrp6 \n");
  for (int fd : idle) ::close(fd);
}

TEST(MgmtLimits, TheGlobalLimitShedsTheOldestWaitingConnectionOfAnyPeer) {
  daemon::EventLoop loop;
  metrics::HttpServer http(loop, [] { return std::string("tandem_up 1\n"); },
                           {4, 3, milliseconds(5000), milliseconds(5000)});
  std::string err;
  ASSERT_TRUE(http.listen("::1", 0, err)) << err;
  uint16_t p6 = http.bound_port();
  ASSERT_TRUE(http.listen("127.0.0.1", 0, err)) << err;
  uint16_t p4 = http.bound_port();
  std::vector<int> v6, v4;
  for (int i = 0; i < 3; ++i) {
    v6.push_back(tcp_connect(AF_INET6, "::1", p6));
    pump(loop, milliseconds(5));
  }
  for (int i = 0; i < 2; ++i) {
    v4.push_back(tcp_connect(AF_INET, "127.0.0.1", p4));
    pump(loop, milliseconds(5));
  }
  pump(loop, milliseconds(20));
  EXPECT_EQ(http.connections(), 4u);
  EXPECT_EQ(http.connection_stats().shed_global_limit, 1u);
  EXPECT_EQ(http.connection_stats().shed_peer_limit, 0u);
  EXPECT_TRUE(closed_by_server(v6[0]));  // the oldest of all, though another peer's
  EXPECT_FALSE(closed_by_server(v6[1]));
  std::string answer =
      exchange(loop, tcp_connect(AF_INET6, "::1", p6), "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
  for (int fd : v6) ::close(fd);
  for (int fd : v4) ::close(fd);
}

TEST(MgmtLimits, AReaderThatTakesNothingIsClosedAfterTheSendTimeout) {
  daemon::EventLoop loop;
  std::string big(4 << 20, 'x');  // far more than the socket buffers take
  metrics::HttpServer http(loop, [&] { return big; },
                           {4, 4, milliseconds(5000), milliseconds(150)});
  std::string err;
  ASSERT_TRUE(http.listen("::1", 0, err)) << err;
  int fd = tcp_connect(AF_INET6, "::1", http.bound_port());
  std::string req = "GET /metrics HTTP/1.1\r\n\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  pump(loop, milliseconds(400));
  EXPECT_EQ(http.connections(), 0u);
  EXPECT_EQ(http.connection_stats().send_timeouts, 1u);
  ::close(fd);
}

TEST(MgmtHttp, HeadOversizedHeadAndABodyAreAnsweredByTheRules) {
  daemon::EventLoop loop;
  metrics::HttpServer http(loop, [] { return std::string("tandem_up 1\n"); });
  std::string err;
  ASSERT_TRUE(http.listen("::1", 0, err)) << err;
  uint16_t port = http.bound_port();
  auto ask = [&](const std::string& req) {
    return exchange(loop, tcp_connect(AF_INET6, "::1", port), req);
  };
  std::string head = ask("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Length: 12\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n") << "HEAD carries no content";
  std::string big = ask("GET /metrics HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n");
  EXPECT_EQ(big.rfind("HTTP/1.1 431", 0), 0u) << big;
  std::string body = ask("GET /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(body.rfind("HTTP/1.1 400", 0), 0u) << body;
  std::string query = ask("GET /metrics?x=1 HTTP/1.1\r\n\r\n");
  EXPECT_NE(query.find("\r\n\r\ntandem_up 1\n"), std::string::npos) << query;
}

TEST(MgmtCli, OnlyRootAndTheAdminGroupMayChangeTheRouter) {
  cli::CliAccess none;
  cli::CliAccess group{gid_t{4242}, "tandem"};
  daemon::Peer root{"uid 0", true, 0, 0, {}};
  daemon::Peer user{"uid 1000", true, 1000, 1000, {27, 100}};
  daemon::Peer primary{"uid 1001", true, 1001, 4242, {}};
  daemon::Peer supplementary{"uid 1002", true, 1002, 1002, {4242}};
  daemon::Peer unknown{"unknown", false, 0, 0, {}};
  EXPECT_TRUE(cli::may_change(root, none));
  EXPECT_FALSE(cli::may_change(user, none));
  EXPECT_FALSE(cli::may_change(primary, none));
  EXPECT_TRUE(cli::may_change(root, group));
  EXPECT_FALSE(cli::may_change(user, group));
  EXPECT_TRUE(cli::may_change(primary, group));
  EXPECT_TRUE(cli::may_change(supplementary, group));
  EXPECT_FALSE(cli::may_change(unknown, group));  // uid 0 only counts when the kernel said so
  EXPECT_FALSE(cli::changes_state(cli::WireRequest{false, {"display", "vrrp6"}}));
  for (const char* w : {"commit", "reset", "batch-backup", "frobnicate"})
    EXPECT_TRUE(cli::changes_state(cli::WireRequest{false, {w}})) << w;
  EXPECT_TRUE(cli::changes_state(cli::WireRequest{}));
}

TEST(MgmtCli, CommitReadsTheDescriptorTheClientPassed) {
  std::string file = "/tmp/tandem-mgmt-commit-" + std::to_string(::getpid()) + ".cfg";
  {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "interface ge0\n", 14), 14);
    ::close(fd);
  }
  daemon::EventLoop loop;
  std::string path = socket_path("commit");
  std::string seen;
  cli::CliServer server(loop, [&](const cli::WireRequest& r) {
    std::string err;
    auto text = daemon::read_passed_file(r.file_fd, err);
    seen = text ? *text : "none: " + err;
    return cli::WireResponse{true, "done\n"};
  });
  std::string err;
  ASSERT_TRUE(server.listen(path, err)) << err;
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ::unlink(file.c_str());  // the daemon reads what the client opened, not what the path is now
  std::thread client([&] {
    std::string e;
    auto resp = cli::send_request(path, cli::WireRequest{false, {"commit", file}, fd}, 5000, e);
    EXPECT_TRUE(resp && resp->ok) << e;
  });
  pump(loop, milliseconds(200));
  client.join();
  ::close(fd);
  EXPECT_EQ(seen, "interface ge0\n");
  // No descriptor: nothing to read.
  seen.clear();
  exchange(loop, unix_connect(path), "tandem1 text commit " + file + "\n");
  EXPECT_EQ(seen.rfind("none: ", 0), 0u) << seen;
}

TEST(MgmtCli, APassedFifoIsNotRead) {
  std::string fifo = "/tmp/tandem-mgmt-fifo-" + std::to_string(::getpid());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  int fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  ::unlink(fifo.c_str());
  ASSERT_GE(fd, 0);
  std::string err;
  EXPECT_FALSE(daemon::read_passed_file(fd, err));
  EXPECT_NE(err.find("not a regular file"), std::string::npos) << err;
  ::close(fd);
}

}  // namespace
}  // namespace tandem
