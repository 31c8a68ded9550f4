// The CLI socket inside tandemd: a non-blocking Unix stream listener on the event loop.
// Each connection sends one request line; the handler's response is written back and the
// connection closed. A slow or silent client never blocks the control loop, and cannot hold
// the socket (OneShotConnections: request timeout, per-uid and global limits).
//
// Who may do what comes from the kernel's record of the caller (SO_PEERCRED, SO_PEERGROUPS):
// anyone who can open the socket may display; commands that change the router (commit,
// reset, batch-backup, anything not a display) need uid 0 or membership, primary or
// supplementary, of the admin group (tandemd --cli-group, default "tandem").
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "control/daemon/cli/protocol.h"
#include "control/daemon/io/event_loop.h"
#include "control/daemon/io/oneshot_connections.h"

namespace tandem::cli {

struct CliAccess {
  // Members of this group may change the router besides root; unset: root only.
  std::optional<gid_t> admin_gid;
  std::string admin_group;  // its name, for the refusal message
};

// Whether `peer` may run commands that change the router.
bool may_change(const daemon::Peer& peer, const CliAccess& access);

class CliServer {
 public:
  using Handler = std::function<WireResponse(const WireRequest&)>;

  // An operator's shell or two and a monitoring script per uid.
  static constexpr daemon::OneShotConnections::Limits kDefaultLimits{
      32, 8, std::chrono::milliseconds(5000), std::chrono::milliseconds(10000)};

  CliServer(daemon::EventLoop& loop, Handler handler, CliAccess access = {},
            daemon::OneShotConnections::Limits limits = kDefaultLimits);
  ~CliServer();
  CliServer(const CliServer&) = delete;
  CliServer& operator=(const CliServer&) = delete;

  // Creates the socket's directory if missing, replaces a stale socket file, listens. The
  // socket is mode 0666: access is decided per command from the caller's credentials.
  bool listen(const std::string& path, std::string& error);
  void close();
  const std::string& path() const { return path_; }
  size_t connections() const { return conns_.size(); }
  const daemon::OneShotConnections::Stats& connection_stats() const { return conns_.stats(); }
  // Response bytes produced but not yet taken by the readers (bounded per connection).
  size_t buffered_bytes() const { return conns_.buffered_bytes(); }

 private:
  std::optional<daemon::OneShotConnections::Reply> respond(
      daemon::OneShotConnections::Received& received);
  WireResponse authorize_and_handle(WireRequest& req, daemon::OneShotConnections::Received& in);

  daemon::EventLoop& loop_;
  Handler handler_;
  CliAccess access_;
  int listen_fd_ = -1;
  std::string path_;
  daemon::OneShotConnections conns_;
};

}  // namespace tandem::cli
