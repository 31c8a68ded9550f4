// Connections that carry one request and one response, then close: the CLI socket and the
// metrics endpoint. Non-blocking on the event loop, so a slow or silent client never holds
// up the control core; at most `max_connections` at once, more are closed on accept.
//
// A response may be produced piece by piece (Reply::more): a big display renders one bounded
// chunk per event-loop turn, only while the connection's unsent bytes are under
// kLowWaterBytes, and at most one chunk per turn over all connections, so the timers of the
// control core run between chunks and a reader that stops reading stops the producer.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "control/daemon/io/event_loop.h"

namespace tandem::daemon {

class OneShotConnections {
 public:
  // Appends the next piece of the response to `out` (one bounded step; it may append
  // nothing) and returns false once the response is complete.
  using More = std::function<bool(std::string& out)>;
  struct Reply {
    Reply(std::string h = {}, More m = {}) : head(std::move(h)), more(std::move(m)) {}
    std::string head;
    More more;  // empty: `head` is the whole response
  };
  // Given every byte received so far, returns the response once the request is complete (or
  // must be refused, e.g. too long), nullopt while more bytes are needed.
  using Responder = std::function<std::optional<Reply>(const std::string& received)>;

  // More is asked for only while fewer unsent bytes than this are buffered: a connection
  // holds at most kLowWaterBytes plus one piece (the producer bounds its pieces).
  static constexpr size_t kLowWaterBytes = 16 * 1024;

  OneShotConnections(EventLoop& loop, size_t max_connections, Responder responder);
  ~OneShotConnections() { close_all(); }
  OneShotConnections(const OneShotConnections&) = delete;
  OneShotConnections& operator=(const OneShotConnections&) = delete;

  // Accepts every pending connection of a listening socket (call on its POLLIN).
  void accept_from(int listen_fd);
  void close_all();
  size_t size() const { return conns_.size(); }
  // Unsent response bytes held for all connections (the bound a stalled reader meets).
  size_t buffered_bytes() const;

 private:
  struct Conn {
    std::string in, out;
    size_t written = 0;
    bool responding = false;
    More more;
  };
  void on_ready(int fd, short revents);
  // Sends what the socket takes; false when the connection failed.
  bool flush(int fd, Conn& c);
  void drop(int fd);

  EventLoop& loop_;
  size_t max_connections_;
  Responder responder_;
  std::map<int, Conn> conns_;
  uint64_t last_piece_turn_ = 0;
};

}  // namespace tandem::daemon
