#include "control/daemon/cli/server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tandem::cli {

namespace {

void make_parent_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  std::string dir = path.substr(0, slash);
  ::mkdir(dir.c_str(), 0755);  // EEXIST is fine; a real failure shows up in bind()
}
}  // namespace

bool may_change(const daemon::Peer& peer, const CliAccess& access) {
  if (!peer.has_credentials) return false;
  if (peer.uid == 0) return true;
  if (!access.admin_gid) return false;
  gid_t g = *access.admin_gid;
  return peer.gid == g || std::find(peer.groups.begin(), peer.groups.end(), g) != peer.groups.end();
}

CliServer::CliServer(daemon::EventLoop& loop, Handler handler, CliAccess access,
                     daemon::OneShotConnections::Limits limits)
    : loop_(loop),
      handler_(std::move(handler)),
      access_(std::move(access)),
      conns_(loop, limits, daemon::credential_peer,
             [this](daemon::OneShotConnections::Received& in) { return respond(in); }) {}

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
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      ::listen(fd, daemon::OneShotConnections::kListenBacklog) < 0) {
    error = "cannot listen on " + path + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  ::chmod(path.c_str(), 0666);  // everyone may connect; may_change() guards the changes
  listen_fd_ = fd;
  path_ = path;
  loop_.watch(fd, POLLIN, [this](short) { conns_.accept_from(listen_fd_); });
  return true;
}

void CliServer::close() {
  conns_.close_all();
  if (listen_fd_ >= 0) {
    loop_.unwatch(listen_fd_);
    ::close(listen_fd_);
    ::unlink(path_.c_str());
    listen_fd_ = -1;
  }
}

// One request line (a big display's body continues piece by piece); anything longer than
// kMaxRequestBytes without a newline is refused.
std::optional<daemon::OneShotConnections::Reply> CliServer::respond(
    daemon::OneShotConnections::Received& received) {
  const std::string& in = received.bytes;
  size_t nl = in.find('\n');
  if (nl == std::string::npos && in.size() <= kMaxRequestBytes) return std::nullopt;
  WireResponse resp;
  std::string error;
  if (nl == std::string::npos) {
    resp =
        WireResponse{false, "request longer than " + std::to_string(kMaxRequestBytes) + " bytes\n"};
  } else if (auto req = decode_request(in.substr(0, nl), error)) {
    resp = authorize_and_handle(*req, received);
  } else {
    resp = WireResponse{false, error + "\n"};
  }
  return daemon::OneShotConnections::Reply{encode_response(resp), std::move(resp.more)};
}

WireResponse CliServer::authorize_and_handle(WireRequest& req,
                                             daemon::OneShotConnections::Received& in) {
  if (changes_state(req) && !may_change(in.peer, access_)) {
    std::string who = in.peer.has_credentials ? "uid " + std::to_string(in.peer.uid) : "caller";
    std::string allowed =
        access_.admin_gid ? "root and members of group " + access_.admin_group : "root";
    std::string command = req.words.empty() ? "(empty)" : req.words[0];
    return WireResponse{false, "permission denied: only " + allowed + " may run `" + command +
                                   "` (" + who + " may only display)\n"};
  }
  // The connection keeps ownership of the passed descriptor and closes it when it ends.
  if (!in.fds.empty()) req.file_fd = in.fds.front();
  return handler_(req);
}

}  // namespace tandem::cli
