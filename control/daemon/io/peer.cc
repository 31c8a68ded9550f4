#include "control/daemon/io/peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

namespace tandem::daemon {

Peer address_peer(int fd) {
  Peer p;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  char text[INET6_ADDRSTRLEN] = "";
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) {
    p.key = "unknown";
  } else if (ss.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, text, sizeof text);
    p.key = std::string("[") + text + "]";
  } else if (ss.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, text, sizeof text);
    p.key = text;
  } else {
    p.key = "unknown";
  }
  return p;
}

Peer credential_peer(int fd) {
  Peer p;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
    p.key = "unknown";
    return p;
  }
  p.has_credentials = true;
  p.uid = cred.uid;
  p.gid = cred.gid;
  p.key = "uid " + std::to_string(cred.uid);
  // SO_PEERGROUPS (Linux 4.13) reports ERANGE with the size it needs when the buffer is short.
  std::vector<gid_t> groups(32);
  for (int attempt = 0; attempt < 2; ++attempt) {
    socklen_t glen = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen) == 0) {
      groups.resize(glen / sizeof(gid_t));
      p.groups = std::move(groups);
      break;
    }
    if (errno != ERANGE) break;
    groups.resize(glen / sizeof(gid_t) + 1);
  }
  return p;
}

}  // namespace tandem::daemon
