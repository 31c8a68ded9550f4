#include "control/bfd/manager.h"

#include <algorithm>

namespace tandem::bfd {

Manager::Manager(uint64_t rng_seed, LogSink log)
    : log_(log ? std::move(log) : null_log_sink()), rng_(rng_seed) {}

std::string Manager::add_session(SessionConfig cfg, TimePoint now) {
  if (std::string err = validate(cfg); !err.empty()) return err;
  if (by_discr_.count(cfg.local_discriminator) != 0) {
    return format_string("discriminator local %u is already used", cfg.local_discriminator);
  }
  const Key key{cfg.ifindex, cfg.local, cfg.peer};
  if (by_key_.count(key) != 0) {
    return format_string("a session to %s on %s already exists", cfg.peer.to_string().c_str(),
                         cfg.ifname.c_str());
  }
  const uint32_t discr = cfg.local_discriminator;
  by_key_.emplace(key, discr);
  by_discr_.emplace(discr, std::make_unique<Session>(std::move(cfg), actions_, rng_, log_, now));
  return {};
}

void Manager::remove_session(uint32_t local_discriminator) {
  auto it = by_discr_.find(local_discriminator);
  if (it == by_discr_.end()) return;
  const auto& c = it->second->config();
  by_key_.erase(Key{c.ifindex, c.local, c.peer});
  by_discr_.erase(it);
}

void Manager::set_admin_down(uint32_t local_discriminator, bool down, TimePoint now) {
  if (Session* s = find(local_discriminator)) s->set_admin_down(down, now);
}

std::string Manager::set_intervals(uint32_t local_discriminator, milliseconds min_tx,
                                   milliseconds min_rx, uint8_t detect_mult, TimePoint now) {
  Session* s = find(local_discriminator);
  if (s == nullptr)
    return format_string("no bfd session with discriminator local %u", local_discriminator);
  SessionConfig c = s->config();
  c.min_tx = min_tx;
  c.min_rx = min_rx;
  c.detect_mult = detect_mult;
  if (std::string err = validate(c); !err.empty()) return err;
  s->set_intervals(min_tx, min_rx, detect_mult, now);
  return {};
}

bool Manager::on_packet(uint32_t ifindex, const wire::Ipv6Address& src,
                        const wire::Ipv6Address& dst, const wire::BfdControl& c, TimePoint now) {
  Session* s = nullptr;
  if (c.your_disc != 0) {
    // RFC 5880 §6.8.6: Your Discriminator selects the session.
    s = find(c.your_disc);
    if (s == nullptr) {
      ++rx_drops_[ifindex][static_cast<size_t>(RxDrop::unknown_discriminator)];
      return false;
    }
    // RFC 5881 §3: the session is bound to an interface and peer address.
    if (s->config().ifindex != ifindex || s->config().peer != src) {
      s->count_drop(RxDrop::session_mismatch);
      return false;
    }
  } else {
    // Your Discriminator 0 (the wire parser let it through only for Down/AdminDown):
    // demultiplex by interface and addresses (RFC 5881 §3).
    s = find(ifindex, dst, src);
    if (s == nullptr) {
      // The packet may be sent to another of our addresses (e.g. link-local): match the
      // peer on that interface when it is unambiguous.
      Session* only = nullptr;
      int matches = 0;
      for (auto& [d, sess] : by_discr_) {
        if (sess->config().ifindex == ifindex && sess->config().peer == src) {
          only = sess.get();
          ++matches;
        }
      }
      if (matches == 1) s = only;
    }
    if (s == nullptr) {
      ++rx_drops_[ifindex][static_cast<size_t>(RxDrop::no_session)];
      return false;
    }
  }
  return s->on_packet(c, now);
}

RxDropCounters Manager::rx_drops() const {
  RxDropCounters sum{};
  for (const auto& [ifindex, drops] : rx_drops_)
    for (size_t d = 0; d < kRxDropCount; ++d) sum[d] += drops[d];
  return sum;
}

void Manager::on_timer(TimePoint now) {
  for (auto& [d, s] : by_discr_) {
    if (s->next_deadline() <= now) s->on_timer(now);
  }
}

TimePoint Manager::next_deadline() const {
  TimePoint t = kNever;
  for (const auto& [d, s] : by_discr_) t = std::min(t, s->next_deadline());
  return t;
}

Session* Manager::find(uint32_t local_discriminator) {
  auto it = by_discr_.find(local_discriminator);
  return it == by_discr_.end() ? nullptr : it->second.get();
}

const Session* Manager::find(uint32_t local_discriminator) const {
  auto it = by_discr_.find(local_discriminator);
  return it == by_discr_.end() ? nullptr : it->second.get();
}

Session* Manager::find(uint32_t ifindex, const wire::Ipv6Address& local,
                       const wire::Ipv6Address& peer) {
  auto it = by_key_.find(Key{ifindex, local, peer});
  return it == by_key_.end() ? nullptr : find(it->second);
}

std::vector<SessionStatus> Manager::status() const {
  std::vector<SessionStatus> v;
  for (const auto& [d, s] : by_discr_) v.push_back(s->status());
  return v;
}

}  // namespace tandem::bfd
