#include "control/daemon/cli/server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tandem::cli {

namespace {
constexpr size_t kMaxConnections = 32;

void make_parent_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  std::string dir = path.substr(0, slash);
  ::mkdir(dir.c_str(), 0755);  // EEXIST is fine; a real failure shows up in bind()
}
}  // namespace

CliServer::CliServer(daemon::EventLoop& loop, Handler handler)
    : loop_(loop), handler_(std::move(handler)) {}

CliServer::~CliServer() {
  close();
}

bool CliServer::listen(const std::string& path, std::string& error) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) {
    error = "socket path too long: " + path;
    return false;
  }
  make_parent_dir(path);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  // A socket file left by a crashed daemon: remove it only when nobody answers on it.
  int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe >= 0) {
    if (::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      ::close(probe);
      ::close(fd);
      error = "another tandemd is already listening on " + path;
      return false;
    }
    ::close(probe);
  }
  ::unlink(path.c_str());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || ::listen(fd, 16) < 0) {
    error = "cannot listen on " + path + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  ::chmod(path.c_str(), 0660);
  listen_fd_ = fd;
  path_ = path;
  loop_.watch(fd, POLLIN, [this](short) { on_accept(); });
  return true;
}

void CliServer::close() {
  for (auto& [fd, c] : conns_) {
    loop_.unwatch(fd);
    ::close(fd);
  }
  conns_.clear();
  if (listen_fd_ >= 0) {
    loop_.unwatch(listen_fd_);
    ::close(listen_fd_);
    ::unlink(path_.c_str());
    listen_fd_ = -1;
  }
}

void CliServer::on_accept() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: all taken
    if (conns_.size() >= kMaxConnections) {
      ::close(fd);
      continue;
    }
    conns_[fd] = Conn{};
    loop_.watch(fd, POLLIN, [this, fd](short ev) { on_conn(fd, ev); });
  }
}

void CliServer::drop(int fd) {
  loop_.unwatch(fd);
  ::close(fd);
  conns_.erase(fd);
}

void CliServer::on_conn(int fd, short revents) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  Conn& c = it->second;
  if (c.out.empty()) {
    char buf[2048];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return drop(fd);
    if (n > 0) c.in.append(buf, static_cast<size_t>(n));
    size_t nl = c.in.find('\n');
    if (nl == std::string::npos && c.in.size() <= kMaxRequestBytes) return;
    WireResponse resp;
    std::string error;
    if (nl == std::string::npos) {
      resp = WireResponse{false,
                          "request longer than " + std::to_string(kMaxRequestBytes) + " bytes\n"};
    } else if (auto req = decode_request(c.in.substr(0, nl), error)) {
      resp = handler_(*req);
    } else {
      resp = WireResponse{false, error + "\n"};
    }
    c.out = encode_response(resp);
    loop_.set_events(fd, POLLOUT);
    return;
  }
  if (revents & (POLLERR | POLLHUP)) return drop(fd);
  ssize_t n = ::send(fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN && errno != EINTR) return drop(fd);
  if (n > 0) c.written += static_cast<size_t>(n);
  if (c.written == c.out.size()) drop(fd);
}

}  // namespace tandem::cli
