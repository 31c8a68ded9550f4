// A tiny non-blocking HTTP/1.1 responder on the daemon's event loop, for Prometheus scrapes:
// GET /metrics → 200 with the exposition text, any other path → 404, other methods → 405.
// One request per connection (Connection: close). prometheus-cpp's own Exposer sits on
// Debian 12's civetweb, which has no IPv6, hence this: it listens on IPv6 and IPv4 alike.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "control/daemon/io/event_loop.h"
#include "control/daemon/io/oneshot_connections.h"

namespace tandem::metrics {

class HttpServer {
 public:
  using BodyFn = std::function<std::string()>;

  HttpServer(daemon::EventLoop& loop, BodyFn metrics_body);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // `address` is an IPv4 or IPv6 literal. May be called several times (one socket each).
  bool listen(const std::string& address, uint16_t port, std::string& error);
  // The port actually bound by the last listen() (useful with port 0 in tests).
  uint16_t bound_port() const { return bound_port_; }
  void close();
  uint64_t requests() const { return requests_; }

 private:
  std::optional<std::string> on_bytes(const std::string& received);
  std::string respond(const std::string& request_head);

  daemon::EventLoop& loop_;
  BodyFn body_;
  std::vector<int> listeners_;
  daemon::OneShotConnections conns_;
  uint16_t bound_port_ = 0;
  uint64_t requests_ = 0;
};

}  // namespace tandem::metrics
