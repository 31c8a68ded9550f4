#include "control/daemon/io/event_loop.h"

#include <fcntl.h>

#include <cerrno>
#include <vector>

namespace tandem::daemon {

void EventLoop::watch(int fd, short events, Callback cb) {
  watches_[fd] = Watch{events, std::move(cb), ++generation_};
}

void EventLoop::set_events(int fd, short events) {
  auto it = watches_.find(fd);
  if (it != watches_.end()) it->second.events = events;
}

void EventLoop::unwatch(int fd) {
  watches_.erase(fd);
}

int EventLoop::run_once(int timeout_ms) {
  std::vector<pollfd> fds;
  std::vector<uint64_t> gens;
  fds.reserve(watches_.size());
  for (const auto& [fd, w] : watches_) {
    fds.push_back(pollfd{fd, w.events, 0});
    gens.push_back(w.generation);
  }
  int n = ::poll(fds.data(), fds.size(), timeout_ms);
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
