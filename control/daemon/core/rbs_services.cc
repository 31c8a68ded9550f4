#include "control/daemon/core/rbs_services.h"

#include <algorithm>
#include <functional>

namespace tandem::daemon {

std::string RbsServices::start(const config::RbsConfig& r, const config::Config& cfg,
                               TimePoint now) {
  if (!r.peer_ipv6 || !r.source_ipv6) return "";
  replication::EndpointConfig ec;
  ec.name = r.name;
  ec.local = *r.source_ipv6;
  ec.peer = *r.peer_ipv6;
  ec.port = r.port;
  ec.track_bfd = r.track_bfd_session.has_value();
  ec.channel.name = r.name;
  ec.channel.authentication_key = r.authentication_key;
  // A peer's snapshot cannot hold more than our own table may (`mld global limit groups`).
  ec.channel.max_snapshot_records = cfg.mld.global_group_limit;
  // A stable node id from our RBS address; a fresh epoch per start so the peer sees restarts.
  ec.channel.node_id = std::hash<std::string>{}(r.source_ipv6->to_string()) | 1;
  ec.channel.epoch = static_cast<uint64_t>(now.time_since_epoch().count()) ^ 0x9e3779b97f4a7c15ULL;
  if (ec.channel.epoch == 0) ec.channel.epoch = 1;
  for (const auto& [name, p] : cfg.rbp)
    if (p.backup_id && p.service && p.service->name == r.name)
      ec.channel.backup_ids.push_back(*p.backup_id);
  RbsService entry;
  entry.endpoint = std::make_unique<replication::RbsEndpoint>(ec, store_, log_);
  std::string problem;
  if (r.shutdown) {
    log_(LogLevel::notice, "rbs " + r.name, "shutdown (configured)");
  } else {
    std::string err;
    // The endpoint retries a listener that cannot open yet (address not configured, port
    // busy) from its own timer, so it runs either way.
    bool listening = entry.endpoint->start(&err);
    entry.started = true;
    if (!listening) problem = "rbs " + r.name + ": cannot listen yet (retrying): " + err;
  }
  services_[r.name] = std::move(entry);
  return problem;
}

void RbsServices::stop(const std::string& name, TimePoint now) {
  auto it = services_.find(name);
  if (it == services_.end()) return;
  if (it->second.started) it->second.endpoint->stop(now);
  services_.erase(it);
}

void RbsServices::stop_all(TimePoint now) {
  for (auto& [name, s] : services_)
    if (s.started) s.endpoint->stop(now);
}

void RbsServices::set_backup_ids(const config::Config& cfg) {
  service_of_backup_id_.clear();
  for (const auto& [name, p] : cfg.rbp)
    if (p.backup_id && p.service) service_of_backup_id_[*p.backup_id] = p.service->name;
}

const RbsService* RbsServices::find(const std::string& name) const {
  auto it = services_.find(name);
  return it == services_.end() ? nullptr : &it->second;
}

replication::RbsEndpoint* RbsServices::endpoint(const std::string& name) {
  auto it = services_.find(name);
  return it == services_.end() ? nullptr : it->second.endpoint.get();
}

replication::RbsEndpoint* RbsServices::endpoint_of_backup_id(uint16_t backup_id) {
  auto it = service_of_backup_id_.find(backup_id);
  return it == service_of_backup_id_.end() ? nullptr : endpoint(it->second);
}

replication::RbsEndpoint* RbsServices::running(const std::string& name) {
  auto it = services_.find(name);
  return it != services_.end() && it->second.started ? it->second.endpoint.get() : nullptr;
}

const replication::RbsEndpoint* RbsServices::running(const std::string& name) const {
  auto it = services_.find(name);
  return it != services_.end() && it->second.started ? it->second.endpoint.get() : nullptr;
}

void RbsServices::on_timer(TimePoint now) {
  for (auto& [name, s] : services_)
    if (s.started) s.endpoint->on_timer(now);
}

void RbsServices::run_due(TimePoint now) {
  for (auto& [name, s] : services_)
    if (s.started && s.endpoint->next_deadline() <= now) s.endpoint->on_timer(now);
}

TimePoint RbsServices::next_deadline() const {
  TimePoint t = kNever;
  for (const auto& [name, s] : services_)
    if (s.started) t = std::min(t, s.endpoint->next_deadline());
  return t;
}

std::vector<replication::PollFd> RbsServices::poll_fds() const {
  std::vector<replication::PollFd> out;
  for (const auto& [name, s] : services_)
    if (s.started)
      for (const auto& p : s.endpoint->poll_fds()) out.push_back(p);
  return out;
}

bool RbsServices::on_fd(int fd, bool readable, bool writable, TimePoint now) {
  for (auto& [name, s] : services_) {
    if (!s.started) continue;
    for (const auto& p : s.endpoint->poll_fds()) {
      if (p.fd != fd) continue;
      s.endpoint->on_fd_ready(fd, readable, writable, now);
      return true;
    }
  }
  return false;
}

void RbsServices::batch_backup(TimePoint now) {
  for (auto& [name, s] : services_) {
    if (!s.started) continue;
    s.endpoint->channel().batch_backup_now(now);
    log_(LogLevel::notice, "rbs " + name, "batch-backup now");
  }
}

void RbsServices::log_channel_events() {
  for (auto& [name, s] : services_) {
    if (!s.started) continue;
    for (const auto& ev : s.endpoint->channel().take_events()) {
      std::string line = replication::channel_event_name(ev.kind);
      if (ev.kind == replication::ChannelEvent::Kind::closed)
        line += std::string(" (") + replication::close_reason_name(ev.reason) + ")";
      if (ev.kind == replication::ChannelEvent::Kind::snapshot_complete)
        line +=
            " at seq " + std::to_string(ev.seq) + ", " + std::to_string(ev.records) + " records";
      if (ev.kind != replication::ChannelEvent::Kind::delta_applied)
        log_(LogLevel::notice, "rbs " + name, line);
    }
  }
}

bool RbsServices::snapshot_pending() const {
  for (const auto& [name, s] : services_)
    if (s.started && s.endpoint->channel().link_up() && !s.endpoint->channel().snapshot_complete())
      return true;
  return false;
}

}  // namespace tandem::daemon
