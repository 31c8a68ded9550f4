#include "control/daemon/metrics/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tandem::metrics {

namespace {
constexpr size_t kMaxHead = 8192;
constexpr size_t kMaxConnections = 16;

std::string response(int code, const char* reason, const std::string& content_type,
                     const std::string& body, bool head_only) {
  std::string r = "HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\n";
  r += "Content-Type: " + content_type + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "Connection: close\r\n\r\n";
  if (!head_only) r += body;
  return r;
}
}  // namespace

HttpServer::HttpServer(daemon::EventLoop& loop, BodyFn metrics_body)
    : loop_(loop),
      body_(std::move(metrics_body)),
      conns_(loop, kMaxConnections, [this](const std::string& in) { return on_bytes(in); }) {}

HttpServer::~HttpServer() {
  close();
}

bool HttpServer::listen(const std::string& address, uint16_t port, std::string& error) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = 0;
  auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
  auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
  if (inet_pton(AF_INET6, address.c_str(), &a6->sin6_addr) == 1) {
    family = AF_INET6;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
  } else if (inet_pton(AF_INET, address.c_str(), &a4->sin_addr) == 1) {
    family = AF_INET;
    a4->sin_family = AF_INET;
    a4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
  } else {
    error = "metrics listen: '" + address + "' is not an IP address";
    return false;
  }
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("metrics listen: socket: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // "::" means IPv6 only; an IPv4 listener on the same port is a separate line.
  if (family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0 || ::listen(fd, 16) < 0) {
    error = "metrics listen " + address + " " + std::to_string(port) + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  bound_port_ = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                         : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listeners_.push_back(fd);
  loop_.watch(fd, POLLIN, [this, fd](short) { conns_.accept_from(fd); });
  return true;
}

void HttpServer::close() {
  conns_.close_all();
  for (int fd : listeners_) {
    loop_.unwatch(fd);
    ::close(fd);
  }
  listeners_.clear();
}

std::string HttpServer::respond(const std::string& head) {
  ++requests_;
  size_t sp1 = head.find(' ');
  size_t sp2 = sp1 == std::string::npos ? sp1 : head.find(' ', sp1 + 1);
  size_t eol = head.find("\r\n");
  if (sp1 == std::string::npos || sp2 == std::string::npos || sp2 > eol)
    return response(400, "Bad Request", "text/plain", "bad request\n", false);
  std::string method = head.substr(0, sp1);
  std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  std::string path = target.substr(0, q);
  bool head_only = method == "HEAD";
  if (method != "GET" && !head_only)
    return response(405, "Method Not Allowed", "text/plain", "only GET\n", false);
  if (path != "/metrics")
    return response(404, "Not Found", "text/plain", "not found; try /metrics\n", head_only);
  return response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", body_(), head_only);
}

// The request head ends at the first empty line; a head over kMaxHead is refused (431).
std::optional<std::string> HttpServer::on_bytes(const std::string& in) {
  size_t end = in.find("\r\n\r\n");
  if (end != std::string::npos) return respond(in.substr(0, end + 2));
  if (in.size() <= kMaxHead) return std::nullopt;
  return response(431, "Request Header Fields Too Large", "text/plain", "too large\n", false);
}

}  // namespace tandem::metrics
