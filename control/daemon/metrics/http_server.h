// The Prometheus endpoint: GET (or HEAD) /metrics → 200 with the exposition text, any other
// path → 404, other methods → 405, a malformed request → 400, a request head over 8 KiB → 431.
// One request per connection (Connection: close). It listens on IPv6 and IPv4 literals alike
// (prometheus-cpp's Exposer sits on Debian 12's civetweb, which has no IPv6).
//
// HTTP itself is Boost.Beast's: its request parser and response serializer are sans-IO (bytes
// in, bytes out), so they run here on the daemon's own event loop, on the connections of
// OneShotConnections (timeouts, per-address and global limits, oldest idle shed first).
// Not Beast's Asio streams on a thread of their own: the scrape body is rendered from the
// control core's live state (engines, data-plane counters) when a request arrives, which only
// the control thread may read; a separate thread would need a periodically copied snapshot,
// and scrapes would see it up to one period stale. Rendering on the loop is one bounded step
// per scrape, as it was before.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "control/daemon/io/event_loop.h"
#include "control/daemon/io/oneshot_connections.h"

namespace tandem::metrics {

class HttpServer {
 public:
  using BodyFn = std::function<std::string()>;

  // A Prometheus server or two per address, and room for a few operators with curl.
  static constexpr daemon::OneShotConnections::Limits kDefaultLimits{
      64, 8, std::chrono::milliseconds(5000), std::chrono::milliseconds(10000)};

  HttpServer(daemon::EventLoop& loop, BodyFn metrics_body,
             daemon::OneShotConnections::Limits limits = kDefaultLimits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // `address` is an IPv4 or IPv6 literal. May be called several times (one socket each).
  bool listen(const std::string& address, uint16_t port, std::string& error);
  // The port actually bound by the last listen() (useful with port 0 in tests).
  uint16_t bound_port() const { return bound_port_; }
  void close();
  uint64_t requests() const { return requests_; }
  const daemon::OneShotConnections::Stats& connection_stats() const { return conns_.stats(); }
  size_t connections() const { return conns_.size(); }

 private:
  std::optional<daemon::OneShotConnections::Reply> on_bytes(const std::string& received);

  daemon::EventLoop& loop_;
  BodyFn body_;
  std::vector<int> listeners_;
  daemon::OneShotConnections conns_;
  uint16_t bound_port_ = 0;
  uint64_t requests_ = 0;
};

}  // namespace tandem::metrics
