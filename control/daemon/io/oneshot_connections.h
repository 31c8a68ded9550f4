// Connections that carry one request and one response, then close: the CLI socket and the
// metrics endpoint. Non-blocking on the event loop, so a slow or silent client never holds
// up the control core; at most `max_connections` at once, more are closed on accept.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "control/daemon/io/event_loop.h"

namespace tandem::daemon {

class OneShotConnections {
 public:
  // Given every byte received so far, returns the whole response once the request is
  // complete (or must be refused, e.g. too long), nullopt while more bytes are needed.
  using Responder = std::function<std::optional<std::string>(const std::string& received)>;

  OneShotConnections(EventLoop& loop, size_t max_connections, Responder responder);
  ~OneShotConnections() { close_all(); }
  OneShotConnections(const OneShotConnections&) = delete;
  OneShotConnections& operator=(const OneShotConnections&) = delete;

  // Accepts every pending connection of a listening socket (call on its POLLIN).
  void accept_from(int listen_fd);
  void close_all();
  size_t size() const { return conns_.size(); }

 private:
  struct Conn {
    std::string in, out;
    size_t written = 0;
  };
  void on_ready(int fd, short revents);
  void drop(int fd);

  EventLoop& loop_;
  size_t max_connections_;
  Responder responder_;
  std::map<int, Conn> conns_;
};

}  // namespace tandem::daemon
