#include "replication/rbs_endpoint.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "replication/digest.h"

namespace tandem::replication {

RbsEndpoint::RbsEndpoint(EndpointConfig config, GroupStore& store, LogSink log)
    : config_(std::move(config)),
      log_(std::move(log)),
      channel_(
          [&] {
            ChannelConfig c = config_.channel;
            c.name = config_.name;
            return c;
          }(),
          store, log_),
      connector_([&] {
        ConnectorConfig c = config_.connector;
        c.local = config_.local;
        c.peer = config_.peer;
        c.track_bfd = config_.track_bfd;
        return c;
      }()) {}

RbsEndpoint::~RbsEndpoint() = default;

void RbsEndpoint::log(LogLevel level, const std::string& line) const {
  log_(level, "rbs " + config_.name, line);
}

bool RbsEndpoint::start(std::string* error) {
  // Enabled from now on: a listener that cannot open yet (address not configured, port
  // busy) is retried from on_timer() every kListenRetry.
  started_ = true;
  return open_listener(error);
}

bool RbsEndpoint::open_listener(std::string* error) {
  std::string err;
  listener_ = TcpListener::listen(config_.local, config_.port, &err);
  if (!listener_) {
    log(LogLevel::error,
        format_string("cannot listen on [%s]:%u: %s (retrying)", config_.local.to_string().c_str(),
                      config_.port, err.c_str()));
    if (error) *error = err;
    return false;
  }
  log(LogLevel::info,
      format_string("listening on [%s]:%u, peer [%s]", config_.local.to_string().c_str(),
                    listener_->port(), config_.peer.to_string().c_str()));
  return true;
}

void RbsEndpoint::stop(TimePoint now) {
  if (active_) {
    channel_.close(CloseReason::local_shutdown, now);
    channel_.on_disconnected(now, CloseReason::local_shutdown);
  }
  active_.reset();
  dialing_.reset();
  listener_.reset();
  started_ = false;
}

std::vector<PollFd> RbsEndpoint::poll_fds() const {
  std::vector<PollFd> fds;
  if (listener_) fds.push_back({listener_->fd(), false});
  if (dialing_) fds.push_back({dialing_->socket.fd(), true});
  if (active_) fds.push_back({active_->socket.fd(), !channel_.output().empty()});
  return fds;
}

void RbsEndpoint::promote(Conn conn, TimePoint now) {
  if (active_) {
    const bool live_authenticated = channel_.status().authenticated;
    const bool replace =
        connector_.prefer_candidate(true, active_->dir, conn.dir, live_authenticated);
    if (!replace && live_authenticated) {
      log(LogLevel::info, "new connection closed: the live link is authenticated");
      return;
    }
    if (!replace) {
      log(LogLevel::info,
          format_string("simultaneous connect: keeping the %s connection",
                        active_->dir == Direction::outbound ? "outbound" : "inbound"));
      return;  // `conn` goes out of scope: closed
    }
    log(LogLevel::info,
        format_string("simultaneous connect: %s connection replaces the %s one",
                      conn.dir == Direction::outbound ? "outbound" : "inbound",
                      active_->dir == Direction::outbound ? "outbound" : "inbound"));
    channel_.close(CloseReason::replaced, now);
    channel_.on_disconnected(now, CloseReason::replaced);
    active_.reset();
  }
  // A dial still in progress is left to finish: the peer may already have accepted it and
  // chosen it by the tie-break, so closing it here would tear down the link both keep.
  active_ = std::move(conn);
  last_up_ = now;
  channel_.on_connected(now,
                        active_->dir == Direction::outbound ? TcpSide::dialer : TcpSide::acceptor);
  pump_writes(now);
}

void RbsEndpoint::accept_all(TimePoint now) {
  while (listener_) {
    auto a = listener_->accept();
    if (!a) break;
    const auto verdict = connector_.on_inbound(a->from, now);
    if (verdict == RbsConnector::Verdict::refuse_wrong_peer) {
      log(LogLevel::warning,
          format_string("refused connection from [%s]: not peer-ipv6 [%s]",
                        a->from.to_string().c_str(), config_.peer.to_string().c_str()));
      continue;  // closed when `a` goes out of scope
    }
    if (verdict == RbsConnector::Verdict::refuse_rate_limited) continue;  // counted; no log flood
    if (verdict == RbsConnector::Verdict::refuse_bfd_down) {
      log(LogLevel::info, "refused connection: tracked BFD session is down");
      continue;
    }
    promote(Conn{std::move(a->socket), Direction::inbound, true}, now);
  }
}

void RbsEndpoint::drop_active(TimePoint now, CloseReason reason) {
  if (!active_) return;
  active_.reset();
  channel_.on_disconnected(now, reason);
  connector_.on_link_lost(now);
}

void RbsEndpoint::pump_reads(TimePoint now) {
  std::array<uint8_t, 64 * 1024> buf;
  // Bounded so one busy peer cannot starve the rest of the caller's loop.
  for (int i = 0; i < 64 && active_; ++i) {
    size_t n = 0;
    const auto st = active_->socket.read(buf, &n);
    if (st == TcpSocket::IoStatus::would_block) break;
    if (st == TcpSocket::IoStatus::eof) return drop_active(now, CloseReason::peer_closed);
    if (st == TcpSocket::IoStatus::error) return drop_active(now, CloseReason::io_error);
    channel_.on_bytes({buf.data(), n}, now);
    if (channel_.wants_close()) break;
  }
}

void RbsEndpoint::pump_writes(TimePoint now) {
  while (active_) {
    auto out = channel_.output();
    if (out.empty()) break;
    size_t n = 0;
    const auto st = active_->socket.write(out, &n);
    if (st == TcpSocket::IoStatus::would_block) break;
    if (st == TcpSocket::IoStatus::error) return drop_active(now, CloseReason::io_error);
    channel_.consume_output(n);
  }
  if (active_ && channel_.wants_close()) {
    // The Error frame (if any) had its chance to go out; close now.
    active_.reset();
    channel_.on_disconnected(now);
    connector_.on_link_lost(now);
  }
}

void RbsEndpoint::on_fd_ready(int fd, bool readable, bool writable, TimePoint now) {
  if (listener_ && fd == listener_->fd()) {
    if (readable) accept_all(now);
    return;
  }
  if (dialing_ && fd == dialing_->socket.fd()) {
    if (!writable && !readable) return;
    const int err = dialing_->socket.finish_connect();
    if (err != 0) {
      log(LogLevel::info, format_string("connect to [%s] failed: %s",
                                        config_.peer.to_string().c_str(), std::strerror(err)));
      dialing_.reset();
      connector_.on_dial_failed(now);
      return;
    }
    Conn c = std::move(*dialing_);
    dialing_.reset();
    c.established = true;
    promote(std::move(c), now);
    return;
  }
  if (active_ && fd == active_->socket.fd()) {
    if (readable) pump_reads(now);
    if (active_ && channel_.hello_ok()) connector_.on_link_healthy();
    pump_writes(now);
  }
}

void RbsEndpoint::on_timer(TimePoint now) {
  if (!started_) return;
  if (!listener_ && now >= next_listen_retry_) {
    next_listen_retry_ = now + kListenRetry;
    open_listener(nullptr);
  }
  channel_.on_timer(now);
  if (active_) {
    pump_writes(now);
  } else if (connector_.should_dial(now, false, dialing_.has_value())) {
    connector_.on_dial_started(now);
    std::string err;
    const uint16_t port = config_.peer_port ? config_.peer_port : config_.port;
    auto s = TcpSocket::dial(config_.local, config_.peer, port, &err);
    if (!s) {
      log(LogLevel::info,
          format_string("dial [%s]:%u: %s", config_.peer.to_string().c_str(), port, err.c_str()));
      connector_.on_dial_failed(now);
    } else {
      dialing_ = Conn{std::move(*s), Direction::outbound, false};
    }
  }
}

TimePoint RbsEndpoint::next_deadline() const {
  if (!started_) return kNever;
  TimePoint d = channel_.next_deadline();
  if (!listener_) d = std::min(d, next_listen_retry_);
  if (!active_ && !dialing_ && !connector_.bfd_blocked())
    d = std::min(d, connector_.next_dial_time());
  return d;
}

void RbsEndpoint::on_bfd(bool up, TimePoint now) {
  if (connector_.on_bfd(up, now)) {
    log(LogLevel::warning, "tracked BFD session down: dropping the link");
    dialing_.reset();
    if (active_) {
      channel_.close(CloseReason::bfd_down, now);
      active_.reset();
      channel_.on_disconnected(now, CloseReason::bfd_down);
    }
  } else if (up && config_.track_bfd) {
    log(LogLevel::info, "tracked BFD session up: reconnecting");
  }
}

ServiceStatus RbsEndpoint::status(TimePoint now, const GroupStore& store) const {
  ServiceStatus s;
  s.name = config_.name;
  s.tcp_state = active_ ? "connected" : dialing_ ? "connecting" : listener_ ? "listening" : "down";
  s.peer_ip = config_.peer.to_string();
  s.source_ip = config_.local.to_string();
  s.tcp_port = config_.port;
  s.channel = channel_.status();
  s.role = "backup";
  for (const auto& [id, r] : s.channel.roles) {
    if (r == Role::master) s.role = "master";
  }
  s.track_bfd = config_.track_bfd;
  s.last_up_ms_ago = last_up_ == TimePoint{} && !active_ ? -1 : to_ms(now - last_up_);
  s.digest = digest_hex(store.digest());
  s.lag = s.channel.last_seq_sent - s.channel.last_seq_acked;
  s.connector = connector_.counters();
  return s;
}

}  // namespace tandem::replication
