// One remote-backup-service put together: listener + dialer (TcpTransport) + connection
// rules (RbsConnector) + stream protocol (RbsChannel). Driven by the caller's event loop:
//
//   for (auto& p : ep.poll_fds()) { add p.fd with POLLIN, plus POLLOUT if p.want_write }
//   poll(..., timeout until ep.next_deadline());
//   for each ready fd: ep.on_fd_ready(fd, readable, writable, now);
//   ep.on_timer(now);   // every iteration is fine; cheap when nothing is due
//
// The endpoint itself makes no system calls; tcp_transport.cc does.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/common/log.h"
#include "replication/connector.h"
#include "replication/rbs_channel.h"
#include "replication/status.h"
#include "replication/tcp_transport.h"

namespace tandem::replication {

struct EndpointConfig {
  std::string name = "rbs1";  // remote-backup-service NAME
  wire::Ipv6Address local;    // source-ipv6
  wire::Ipv6Address peer;     // peer-ipv6
  uint16_t port = 2046;       // same on both devices (1024..55535)
  uint16_t peer_port = 0;     // 0 = port; tests on one address may use distinct ports
  bool track_bfd = false;
  ChannelConfig channel;
  ConnectorConfig connector;  // local/peer/track_bfd are filled from the fields above
};

struct PollFd {
  int fd;
  bool want_write;
};

class RbsEndpoint {
 public:
  RbsEndpoint(EndpointConfig config, GroupStore& store, LogSink log = null_log_sink());
  ~RbsEndpoint();

  // Enables the service and opens the listener; false + log line when the listener cannot
  // open yet (address not configured, port in use): on_timer() then retries every second.
  bool start(std::string* error = nullptr);
  static constexpr Duration kListenRetry = milliseconds(1000);
  void stop(TimePoint now);

  std::vector<PollFd> poll_fds() const;
  void on_fd_ready(int fd, bool readable, bool writable, TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_deadline() const;

  // `track bfd-session`: BFD state of the tracked session.
  void on_bfd(bool up, TimePoint now);

  RbsChannel& channel() { return channel_; }
  const RbsChannel& channel() const { return channel_; }
  const RbsConnector& connector() const { return connector_; }
  uint16_t listen_port() const { return listener_ ? listener_->port() : 0; }

  // Everything `display remote-backup-service verbose` / --json / metrics need.
  ServiceStatus status(TimePoint now, const GroupStore& store) const;

 private:
  struct Conn {
    TcpSocket socket;
    Direction dir;
    bool established;
  };
  bool open_listener(std::string* error);
  void accept_all(TimePoint now);
  void promote(Conn conn, TimePoint now);
  void pump_reads(TimePoint now);
  void pump_writes(TimePoint now);
  void drop_active(TimePoint now, CloseReason reason);
  void log(LogLevel level, const std::string& line) const;

  EndpointConfig config_;
  LogSink log_;
  RbsChannel channel_;
  RbsConnector connector_;
  std::optional<TcpListener> listener_;
  std::optional<Conn> active_;
  std::optional<Conn> dialing_;
  std::vector<Conn> candidates_;  // accepted, waiting for the tie-break
  TimePoint last_up_{};
  bool started_ = false;
  TimePoint next_listen_retry_{};
};

}  // namespace tandem::replication
