#include "replication/tcp_transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tandem::replication {
namespace {

// <linux/in6.h> value; not exposed by glibc's <netinet/in.h> (Linux >= 4.15).
constexpr int kIpv6Freebind = 78;

sockaddr_in6 make_addr(const wire::Ipv6Address& a, uint16_t port) {
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_port = htons(port);
  std::memcpy(&sa.sin6_addr, a.bytes.data(), 16);
  return sa;
}

// Non-blocking, close-on-exec, dual-stack (so ::ffff:a.b.c.d works), no Nagle: deltas are
// small and latency matters more than packet count on a dedicated link.
int make_socket(std::string* error) {
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error) *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  int zero = 0, one = 1;
  ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // source-ipv6 may not be configured yet when the service starts (or may be held by an
  // interface still in DAD): bind anyway, traffic flows once it is.
  ::setsockopt(fd, IPPROTO_IPV6, kIpv6Freebind, &one, sizeof one);
  return fd;
}

}  // namespace

TcpSocket::TcpSocket(TcpSocket&& o) noexcept : fd_(o.fd_), connecting_(o.connecting_) {
  o.fd_ = -1;
}

TcpSocket& TcpSocket::operator=(TcpSocket&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    connecting_ = o.connecting_;
    o.fd_ = -1;
  }
  return *this;
}

std::optional<TcpSocket> TcpSocket::dial(const wire::Ipv6Address& local,
                                         const wire::Ipv6Address& peer, uint16_t port,
                                         std::string* error) {
  int fd = make_socket(error);
  if (fd < 0) return std::nullopt;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in6 src = make_addr(local, 0);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
    if (error) *error = std::string("bind source: ") + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  sockaddr_in6 dst = make_addr(peer, port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0 && errno != EINPROGRESS) {
    if (error) *error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  return TcpSocket(fd, true);
}

int TcpSocket::finish_connect() {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0) connecting_ = false;
  return err;
}

TcpSocket::IoStatus TcpSocket::read(std::span<uint8_t> buf, size_t* n) {
  const ssize_t r = ::recv(fd_, buf.data(), buf.size(), 0);
  if (r > 0) {
    *n = static_cast<size_t>(r);
    return IoStatus::ok;
  }
  if (r == 0) return IoStatus::eof;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return IoStatus::would_block;
  return IoStatus::error;
}

TcpSocket::IoStatus TcpSocket::write(std::span<const uint8_t> data, size_t* n) {
  const ssize_t r = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
  if (r >= 0) {
    *n = static_cast<size_t>(r);
    return IoStatus::ok;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return IoStatus::would_block;
  return IoStatus::error;
}

void TcpSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  connecting_ = false;
}

TcpListener::TcpListener(TcpListener&& o) noexcept : fd_(o.fd_), port_(o.port_) {
  o.fd_ = -1;
}

TcpListener& TcpListener::operator=(TcpListener&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    port_ = o.port_;
    o.fd_ = -1;
  }
  return *this;
}

std::optional<TcpListener> TcpListener::listen(const wire::Ipv6Address& local, uint16_t port,
                                               std::string* error) {
  int fd = make_socket(error);
  if (fd < 0) return std::nullopt;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in6 sa = make_addr(local, port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 8) != 0) {
    if (error) *error = std::string("listen: ") + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  TcpListener l;
  l.fd_ = fd;
  l.port_ = ntohs(sa.sin6_port);
  return l;
}

std::optional<TcpListener::Accepted> TcpListener::accept() {
  sockaddr_in6 sa{};
  socklen_t len = sizeof sa;
  int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return std::nullopt;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  Accepted a{TcpSocket(fd),
             wire::Ipv6Address::from_bytes(reinterpret_cast<const uint8_t*>(&sa.sin6_addr))};
  return a;
}

void TcpListener::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace tandem::replication
