// The CLI socket inside tandemd: a non-blocking Unix stream listener on the event loop.
// Each connection sends one request line; the handler's response is written back and the
// connection closed. A slow or silent client never blocks the control loop.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "control/daemon/cli/protocol.h"
#include "control/daemon/io/event_loop.h"
#include "control/daemon/io/oneshot_connections.h"

namespace tandem::cli {

class CliServer {
 public:
  using Handler = std::function<WireResponse(const WireRequest&)>;

  CliServer(daemon::EventLoop& loop, Handler handler);
  ~CliServer();
  CliServer(const CliServer&) = delete;
  CliServer& operator=(const CliServer&) = delete;

  // Creates the socket's directory if missing, replaces a stale socket file, listens.
  bool listen(const std::string& path, std::string& error);
  void close();
  const std::string& path() const { return path_; }
  size_t connections() const { return conns_.size(); }
  // Response bytes produced but not yet taken by the readers (bounded per connection).
  size_t buffered_bytes() const { return conns_.buffered_bytes(); }

 private:
  std::optional<daemon::OneShotConnections::Reply> respond(const std::string& received);

  daemon::EventLoop& loop_;
  Handler handler_;
  int listen_fd_ = -1;
  std::string path_;
  daemon::OneShotConnections conns_;
};

}  // namespace tandem::cli
