#include "control/daemon/cli/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace tandem::cli {

namespace {
// Sends the first bytes of the request with `fd` attached (SCM_RIGHTS); returns what
// sendmsg returns.
ssize_t send_with_fd(int sock, const std::string& out, int fd) {
  iovec iov{const_cast<char*>(out.data()), out.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cm), &fd, sizeof fd);
  return ::sendmsg(sock, &msg, MSG_NOSIGNAL);
}
}  // namespace

std::optional<WireResponse> send_request(const std::string& socket_path, const WireRequest& req,
                                         int timeout_ms, std::string& error) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof(addr.sun_path)) {
    error = "socket path too long: " + socket_path;
    return std::nullopt;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    error =
        "cannot connect to " + socket_path + ": " + std::strerror(errno) + " (is tandemd running?)";
    ::close(fd);
    return std::nullopt;
  }
  std::string out = encode_request(req);
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = sent == 0 && req.file_fd >= 0
                    ? send_with_fd(fd, out, req.file_fd)
                    : ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = std::string("cannot send the request: ") + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    sent += static_cast<size_t>(n);
  }
  std::string in;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      error = "no answer from tandemd within " + std::to_string(timeout_ms) + " ms";
      ::close(fd);
      return std::nullopt;
    }
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[8192];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::string("read: ") + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  auto resp = decode_response(in);
  if (!resp) error = "malformed answer from tandemd";
  return resp;
}

}  // namespace tandem::cli
