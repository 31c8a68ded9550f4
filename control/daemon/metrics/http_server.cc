#include "control/daemon/metrics/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace tandem::metrics {

namespace http = boost::beast::http;

namespace {
// A scrape request is a line and a few headers; anything longer is refused (431).
constexpr size_t kMaxHead = 8192;
// The exposition format's content type (Prometheus text format 0.0.4).
constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string response(http::status status, const char* content_type, std::string body,
                     bool head_only) {
  http::response<http::string_body> res{status, 11};
  res.set(http::field::content_type, content_type);
  res.keep_alive(false);  // "Connection: close": one request per connection
  res.content_length(body.size());
  std::ostringstream out;
  if (head_only) {
    out << res.base();  // RFC 9110 §9.3.2: HEAD gets the GET's header fields, no content
  } else {
    res.body() = std::move(body);
    out << res;
  }
  return out.str();
}
}  // namespace

HttpServer::HttpServer(daemon::EventLoop& loop, BodyFn metrics_body,
                       daemon::OneShotConnections::Limits limits)
    : loop_(loop),
      body_(std::move(metrics_body)),
      conns_(loop, limits, daemon::address_peer,
             [this](daemon::OneShotConnections::Received& in) { return on_bytes(in.bytes); }) {}

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
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0 ||
      ::listen(fd, daemon::OneShotConnections::kListenBacklog) < 0) {
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

// Beast parses everything received so far; need_more waits for the rest of the head. A GET
// carries no content, so a request with a body is malformed here (400).
std::optional<daemon::OneShotConnections::Reply> HttpServer::on_bytes(const std::string& in) {
  http::request_parser<http::empty_body> parser;
  parser.header_limit(kMaxHead);
  parser.eager(true);
  boost::system::error_code ec;
  size_t used = 0;
  while (!ec && !parser.is_done() && used < in.size())
    used += parser.put(boost::asio::buffer(in.data() + used, in.size() - used), ec);
  if (ec == http::error::header_limit)
    return response(http::status::request_header_fields_too_large, "text/plain", "too large\n",
                    false);
  if (!parser.is_done() && (!ec || ec == http::error::need_more)) {
    if (in.size() <= kMaxHead) return std::nullopt;
    return response(http::status::request_header_fields_too_large, "text/plain", "too large\n",
                    false);
  }
  ++requests_;
  if (ec) return response(http::status::bad_request, "text/plain", "bad request\n", false);
  const auto& req = parser.get();
  bool head_only = req.method() == http::verb::head;
  if (req.method() != http::verb::get && !head_only)
    return response(http::status::method_not_allowed, "text/plain", "only GET\n", false);
  auto target = req.target();
  auto path = target.substr(0, target.find('?'));
  if (path != "/metrics")
    return response(http::status::not_found, "text/plain", "not found; try /metrics\n", head_only);
  return response(http::status::ok, kMetricsContentType, body_(), head_only);
}

}  // namespace tandem::metrics
