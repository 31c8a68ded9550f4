#include "control/daemon/io/event_loop.h"

#include <fcntl.h>
#include <time.h>

#include <cerrno>
#include <vector>

namespace tandem::daemon {

uint64_t EventLoop::watch(int fd, short events, Callback cb) {
  watches_[fd] = Watch{events, std::move(cb), ++generation_};
  return generation_;
}

void EventLoop::set_events(int fd, short events) {
  auto it = watches_.find(fd);
  if (it != watches_.end()) it->second.events = events;
}

void EventLoop::unwatch(int fd) {
  watches_.erase(fd);
}

void EventLoop::unwatch(int fd, uint64_t id) {
  auto it = watches_.find(fd);
  if (it != watches_.end() && it->second.generation == id) watches_.erase(it);
}

int EventLoop::run_once(int timeout_ms) {
  return run_once_us(timeout_ms < 0 ? -1 : int64_t{timeout_ms} * 1000);
}

int EventLoop::run_once_us(int64_t timeout_us) {
  ++turn_;
  std::vector<pollfd> fds;
  std::vector<uint64_t> gens;
  fds.reserve(watches_.size());
  for (const auto& [fd, w] : watches_) {
    fds.push_back(pollfd{fd, w.events, 0});
    gens.push_back(w.generation);
  }
  timespec ts{};
  if (timeout_us >= 0) {
    ts.tv_sec = static_cast<time_t>(timeout_us / 1000000);
    ts.tv_nsec = static_cast<long>((timeout_us % 1000000) * 1000);
  }
  int n = ::ppoll(fds.data(), fds.size(), timeout_us < 0 ? nullptr : &ts, nullptr);
  if (n <= 0) return 0;
  int ran = 0;
  for (size_t i = 0; i < fds.size(); ++i) {
    if (!fds[i].revents) continue;
    auto it = watches_.find(fds[i].fd);
    // A callback earlier in this round may have closed the fd, or closed it and had the
    // number reused for a new watch: the generation tells them apart.
    if (it == watches_.end() || it->second.generation != gens[i]) continue;
    Callback cb = it->second.cb;  // the callback may unwatch itself
    cb(fds[i].revents);
    ++ran;
  }
  return ran;
}

bool set_nonblocking(int fd) {
  int fl = ::fcntl(fd, F_GETFL);
  if (fl < 0 || ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return false;
  int fdfl = ::fcntl(fd, F_GETFD);
  return fdfl >= 0 && ::fcntl(fd, F_SETFD, fdfl | FD_CLOEXEC) >= 0;
}

}  // namespace tandem::daemon
