// The daemon's one poll(2) loop: file descriptors with callbacks. Timers are not kept here:
// the caller computes the timeout from the engines' next_deadline() (sans-IO engines own
// their deadlines; the daemon owns the only real wait).
#pragma once

#include <poll.h>

#include <cstdint>
#include <functional>
#include <map>

namespace tandem::daemon {

class EventLoop {
 public:
  using Callback = std::function<void(short revents)>;

  // Watches `fd` for `events` (POLLIN/POLLOUT). Replaces an existing watch of the fd.
  // Returns the watch's id (for unwatch(fd, id)).
  uint64_t watch(int fd, short events, Callback cb);
  void set_events(int fd, short events);
  // Safe to call from inside a callback (also for the fd being dispatched).
  void unwatch(int fd);
  // Unwatches `fd` only while its watch is still the one `watch` returned `id` for. For an
  // owner whose fds are closed by someone else (the RBS sockets): once the number is reused,
  // e.g. by a CLI connection accepted in the same turn, the new owner's watch stays.
  void unwatch(int fd, uint64_t id);
  bool watching(int fd) const { return watches_.count(fd) != 0; }
  size_t size() const { return watches_.size(); }
  // How many times run_once* has polled: callbacks that see the same number run in the same
  // turn (a producer uses it to do at most one bounded step per turn).
  uint64_t turn() const { return turn_; }

  // Waits up to `timeout_ms` (-1: no limit, 0: just poll), then runs the callback of every
  // ready fd. Returns how many callbacks ran; EINTR counts as 0.
  int run_once(int timeout_ms);
  // Same with microsecond resolution (ppoll): the control loop's idle sleep is in µs.
  int run_once_us(int64_t timeout_us);

 private:
  struct Watch {
    short events;
    Callback cb;
    uint64_t generation;
  };
  std::map<int, Watch> watches_;
  uint64_t generation_ = 0;
  uint64_t turn_ = 0;
};

// Sets O_NONBLOCK and FD_CLOEXEC; false on failure.
bool set_nonblocking(int fd);

}  // namespace tandem::daemon
