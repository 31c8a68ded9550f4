#include "control/daemon/io/oneshot_connections.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tandem::daemon {

namespace {
// At most this many descriptors are taken from one read; the kernel closes any beyond
// (MSG_CTRUNC), so a caller cannot make the daemon hold many.
constexpr size_t kMaxPassedFds = 4;
}  // namespace

OneShotConnections::OneShotConnections(EventLoop& loop, Limits limits, PeerOf peer_of,
                                       Responder responder)
    : loop_(loop), limits_(limits), peer_of_(std::move(peer_of)), responder_(std::move(responder)) {
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ >= 0) loop_.watch(timer_fd_, POLLIN, [this](short) { on_timer(); });
}

OneShotConnections::~OneShotConnections() {
  close_all();
  if (timer_fd_ >= 0) {
    loop_.unwatch(timer_fd_);
    ::close(timer_fd_);
  }
}

bool OneShotConnections::admit(const std::string& key) {
  if (count_of(key) >= limits_.max_per_peer) {
    auto victim = oldest_waiting(&key);
    if (!victim) return false;
    ++stats_.shed_peer_limit;
    drop(*victim);
  }
  if (conns_.size() >= limits_.max_connections) {
    auto victim = oldest_waiting(nullptr);
    if (!victim) return false;
    ++stats_.shed_global_limit;
    drop(*victim);
  }
  return true;
}

void OneShotConnections::accept_from(int listen_fd) {
  for (;;) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: all taken
    Peer peer;
    if (peer_of_) peer = peer_of_(fd);
    if (!admit(peer.key)) {
      ++stats_.refused;
      ::close(fd);
      continue;
    }
    ++stats_.accepted;
    Conn& c = conns_[fd];
    c.in.peer = std::move(peer);
    c.accepted_at = Clock::now();
    set_deadline(c, c.accepted_at + limits_.request_timeout);
    loop_.watch(fd, POLLIN, [this, fd](short ev) { on_ready(fd, ev); });
    // A real client sends its request right after connect: read it now, before the rest of
    // a flood is accepted and could shed this connection while it still looks idle.
    on_ready(fd, POLLIN);
  }
}

void OneShotConnections::close_all() {
  while (!conns_.empty()) drop(conns_.begin()->first);
}

void OneShotConnections::drop(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  for (int passed : it->second.in.fds)
    if (passed >= 0) ::close(passed);
  loop_.unwatch(fd);
  ::close(fd);
  conns_.erase(it);
}

std::optional<int> OneShotConnections::oldest_waiting(const std::string* key) const {
  std::optional<int> best;
  Clock::time_point best_at{};
  for (const auto& [fd, c] : conns_) {
    if (c.responding || (key && c.in.peer.key != *key)) continue;
    if (!best || c.accepted_at < best_at) {
      best = fd;
      best_at = c.accepted_at;
    }
  }
  return best;
}

size_t OneShotConnections::count_of(const std::string& key) const {
  size_t n = 0;
  for (const auto& [fd, c] : conns_) n += c.in.peer.key == key;
  return n;
}

size_t OneShotConnections::buffered_bytes() const {
  size_t n = 0;
  for (const auto& [fd, c] : conns_) n += c.out.size() - c.written;
  return n;
}

void OneShotConnections::set_deadline(Conn& c, Clock::time_point t) {
  c.deadline = t;
  // Deadlines only move later, so a timer armed earlier fires early and is re-armed then.
  if (!armed_ || t < *armed_) arm_timer(t);
}

void OneShotConnections::arm_timer(Clock::time_point t) {
  if (timer_fd_ < 0) return;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  if (ns <= 0) ns = 1;  // zero would disarm
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
  spec.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
  // steady_clock is CLOCK_MONOTONIC on Linux: the absolute time means the same to both.
  ::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
  armed_ = t;
}

void OneShotConnections::on_timer() {
  uint64_t expirations;
  while (::read(timer_fd_, &expirations, sizeof expirations) > 0) {
  }
  armed_.reset();
  auto now = Clock::now();
  std::vector<int> expired;
  std::optional<Clock::time_point> next;
  for (const auto& [fd, c] : conns_) {
    if (c.deadline <= now) {
      expired.push_back(fd);
      ++(c.responding ? stats_.send_timeouts : stats_.request_timeouts);
    } else if (!next || c.deadline < *next) {
      next = c.deadline;
    }
  }
  for (int fd : expired) drop(fd);
  if (next) arm_timer(*next);
}

bool OneShotConnections::receive(int fd, Conn& c) {
  char buf[2048];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int passed;
      std::memcpy(&passed, CMSG_DATA(cm) + i * sizeof(int), sizeof passed);
      c.in.fds.push_back(passed);
    }
  }
  if (n == 0) return false;
  c.in.bytes.append(buf, static_cast<size_t>(n));
  return true;
}

bool OneShotConnections::flush(int fd, Conn& c) {
  size_t before = c.written;
  while (c.written < c.out.size()) {
    ssize_t n = ::send(fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      break;
    }
    c.written += static_cast<size_t>(n);
  }
  if (c.written != before) set_deadline(c, Clock::now() + limits_.send_timeout);
  return true;
}

void OneShotConnections::on_ready(int fd, short revents) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  Conn& c = it->second;
  if (!c.responding) {  // still reading the request
    size_t had = c.in.bytes.size();
    if (!receive(fd, c)) return drop(fd);
    if (c.in.bytes.size() == had) return;
    auto reply = responder_(c.in);
    if (!reply) return;
    c.responding = true;
    set_deadline(c, Clock::now() + limits_.send_timeout);
    c.out = std::move(reply->head);
    c.more = std::move(reply->more);
    if (c.out.empty() && !c.more) return drop(fd);
    loop_.set_events(fd, POLLOUT);
    return;
  }
  if (revents & (POLLERR | POLLHUP)) return drop(fd);  // the reader went away: drop the rest
  if (!flush(fd, c)) return drop(fd);
  if (c.more && c.out.size() - c.written < kLowWaterBytes && last_piece_turn_ != loop_.turn()) {
    last_piece_turn_ = loop_.turn();
    c.out.erase(0, c.written);
    c.written = 0;
    if (!c.more(c.out)) c.more = nullptr;
    if (!flush(fd, c)) return drop(fd);
  }
  if (c.written == c.out.size() && !c.more) drop(fd);
}

}  // namespace tandem::daemon
