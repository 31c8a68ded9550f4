// Connections that carry one request and one response, then close: the CLI socket and the
// metrics endpoint. Non-blocking on the event loop, so a slow or silent client never holds
// up the control core.
//
// Nobody can hold the set open (slowloris): a request must arrive complete within
// Limits::request_timeout and a reader must take some of the response every
// Limits::send_timeout, or the connection is closed (a timerfd on the loop keeps the
// deadlines). A peer (address or uid) holds at most Limits::max_per_peer connections and all
// peers together Limits::max_connections: a new connection over either limit takes the place
// of the oldest connection still waiting for its request (of that peer, resp. of anyone), so
// a flood of idle connections pushes out its own oldest and a real request, which arrives
// right after connect, is read and answered in between. Only when every slot is busy
// answering is a new connection refused.
//
// A response may be produced piece by piece (Reply::more): a big display renders one bounded
// chunk per event-loop turn, only while the connection's unsent bytes are under
// kLowWaterBytes, and at most one chunk per turn over all connections, so the timers of the
// control core run between chunks and a reader that stops reading stops the producer.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/daemon/io/event_loop.h"
#include "control/daemon/io/peer.h"

namespace tandem::daemon {

class OneShotConnections {
 public:
  using Clock = std::chrono::steady_clock;
  // Appends the next piece of the response to `out` (one bounded step; it may append
  // nothing) and returns false once the response is complete.
  using More = std::function<bool(std::string& out)>;
  struct Reply {
    Reply(std::string h = {}, More m = {}) : head(std::move(h)), more(std::move(m)) {}
    std::string head;
    More more;  // empty: `head` is the whole response
  };
  // What a connection has delivered so far. `fds` are descriptors passed with SCM_RIGHTS
  // (Unix sockets): owned here and closed with the connection unless the responder takes one
  // (and replaces it by -1).
  struct Received {
    std::string bytes;
    Peer peer;
    std::vector<int> fds;
  };
  // Given everything received so far, returns the response once the request is complete (or
  // must be refused, e.g. too long), nullopt while more bytes are needed.
  using Responder = std::function<std::optional<Reply>(Received& received)>;
  // Identifies the peer of a just-accepted connection (address_peer, credential_peer).
  using PeerOf = std::function<Peer(int fd)>;

  struct Limits {
    size_t max_connections = 64;
    size_t max_per_peer = 8;
    std::chrono::milliseconds request_timeout{5000};
    std::chrono::milliseconds send_timeout{10000};
  };
  // What happened to connections that did not end with a response taken (tests, logs).
  struct Stats {
    uint64_t accepted = 0;
    uint64_t shed_peer_limit = 0;    // oldest waiting connection of the peer, closed for a new one
    uint64_t shed_global_limit = 0;  // oldest waiting connection of all, closed for a new one
    uint64_t refused = 0;            // new connection closed: every slot busy answering
    uint64_t request_timeouts = 0;   // request not complete within request_timeout
    uint64_t send_timeouts = 0;      // reader took nothing for send_timeout
  };

  // More is asked for only while fewer unsent bytes than this are buffered: a connection
  // holds at most kLowWaterBytes plus one piece (the producer bounds its pieces).
  static constexpr size_t kLowWaterBytes = 16 * 1024;
  // The listen(2) backlog for the servers using this set: deep enough that a connection
  // flood is accepted (and shed here) rather than dropped in the kernel, which would leave a
  // real client waiting for its SYN retransmission (1 s and more).
  static constexpr int kListenBacklog = 4096;

  OneShotConnections(EventLoop& loop, Limits limits, PeerOf peer_of, Responder responder);
  ~OneShotConnections();
  OneShotConnections(const OneShotConnections&) = delete;
  OneShotConnections& operator=(const OneShotConnections&) = delete;

  // Accepts every pending connection of a listening socket (call on its POLLIN).
  void accept_from(int listen_fd);
  void close_all();
  size_t size() const { return conns_.size(); }
  // Unsent response bytes held for all connections (the bound a stalled reader meets).
  size_t buffered_bytes() const;
  const Stats& stats() const { return stats_; }

 private:
  struct Conn {
    Received in;
    std::string out;
    size_t written = 0;
    bool responding = false;
    More more;
    Clock::time_point accepted_at;
    Clock::time_point deadline;
  };
  void on_ready(int fd, short revents);
  // Reads what is there (bytes and passed descriptors); false when the connection ended.
  bool receive(int fd, Conn& c);
  // Sends what the socket takes; false when the connection failed.
  bool flush(int fd, Conn& c);
  void drop(int fd);
  // Makes room for a connection of `key`; false when none can be made.
  bool admit(const std::string& key);
  // The connection still waiting for its request that came first (of `key` if not null).
  std::optional<int> oldest_waiting(const std::string* key) const;
  size_t count_of(const std::string& key) const;
  void set_deadline(Conn& c, Clock::time_point t);
  void on_timer();
  void arm_timer(Clock::time_point t);

  EventLoop& loop_;
  Limits limits_;
  PeerOf peer_of_;
  Responder responder_;
  std::map<int, Conn> conns_;
  int timer_fd_ = -1;
  std::optional<Clock::time_point> armed_;
  uint64_t last_piece_turn_ = 0;
  Stats stats_;
};

}  // namespace tandem::daemon
