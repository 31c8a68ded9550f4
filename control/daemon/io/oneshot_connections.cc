#include "control/daemon/io/oneshot_connections.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace tandem::daemon {

OneShotConnections::OneShotConnections(EventLoop& loop, size_t max_connections, Responder responder)
    : loop_(loop), max_connections_(max_connections), responder_(std::move(responder)) {}

void OneShotConnections::accept_from(int listen_fd) {
  for (;;) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: all taken
    if (conns_.size() >= max_connections_) {
      ::close(fd);
      continue;
    }
    conns_[fd] = Conn{};
    loop_.watch(fd, POLLIN, [this, fd](short ev) { on_ready(fd, ev); });
  }
}

void OneShotConnections::close_all() {
  for (auto& [fd, c] : conns_) {
    loop_.unwatch(fd);
    ::close(fd);
  }
  conns_.clear();
}

void OneShotConnections::drop(int fd) {
  loop_.unwatch(fd);
  ::close(fd);
  conns_.erase(fd);
}

size_t OneShotConnections::buffered_bytes() const {
  size_t n = 0;
  for (const auto& [fd, c] : conns_) n += c.out.size() - c.written;
  return n;
}

bool OneShotConnections::flush(int fd, Conn& c) {
  while (c.written < c.out.size()) {
    ssize_t n = ::send(fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    c.written += static_cast<size_t>(n);
  }
  return true;
}

void OneShotConnections::on_ready(int fd, short revents) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  Conn& c = it->second;
  if (!c.responding) {  // still reading the request
    char buf[2048];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return drop(fd);
    if (n > 0) c.in.append(buf, static_cast<size_t>(n));
    auto reply = responder_(c.in);
    if (!reply) return;
    c.responding = true;
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
