#include "control/bfd/session.h"

#include <algorithm>

namespace tandem::bfd {

namespace {
microseconds us(milliseconds ms) {
  return std::chrono::duration_cast<microseconds>(ms);
}
}  // namespace

Session::Session(SessionConfig cfg, Actions& out, Rng& rng, LogSink log, TimePoint now)
    : cfg_(std::move(cfg)),
      out_(out),
      rng_(rng),
      log_(log ? std::move(log) : null_log_sink()),
      prefix_(format_string("bfd %s", cfg_.name.c_str())),
      src_port_(source_port_for(cfg_.local_discriminator)),
      desired_min_tx_(us(cfg_.min_tx)),
      required_min_rx_(us(cfg_.min_rx)),
      detect_mult_(cfg_.detect_mult) {
  remote_discr_ = cfg_.remote_discriminator.value_or(0);
  active_desired_min_tx_ = advertised_desired_min_tx();
  active_required_min_rx_ = required_min_rx_;
  if (cfg_.shutdown) {
    state_ = BfdState::admin_down;
    local_diag_ = BfdDiag::admin_down;
  }
  next_tx_ = now;  // the first packet goes out on the first timer call
}

void Session::log(LogLevel level, const std::string& line) const {
  log_(level, prefix_, line);
}

// RFC 5880 §6.8.3: "When bfd.SessionState is not Up, the system MUST set
// bfd.DesiredMinTxInterval to a value of not less than one second".
microseconds Session::advertised_desired_min_tx() const {
  if (state_ == BfdState::up) return desired_min_tx_;
  return std::max(desired_min_tx_, kSlowTxInterval);
}

microseconds Session::tx_interval() const {
  return std::max(active_desired_min_tx_, remote_min_rx_);
}

microseconds Session::detection_time() const {
  return remote_detect_mult_ * std::max(active_required_min_rx_, remote_desired_min_tx_);
}

// RFC 5880 §6.8.7: periodic packets at tx_interval() less 0–25 % jitter (10–25 % when
// bfd.DetectMult is 1), none at all while bfd.RemoteMinRxInterval is zero.
void Session::schedule_tx(TimePoint from) {
  if (remote_min_rx_.count() == 0) {
    next_tx_ = kNever;
    return;
  }
  const int64_t interval = tx_interval().count();
  const uint64_t lo = detect_mult_ == 1 ? static_cast<uint64_t>(interval / 10) : 0;
  const uint64_t hi = static_cast<uint64_t>(interval / 4);
  const int64_t reduction = static_cast<int64_t>(rng_.uniform(lo, hi));
  next_tx_ = from + microseconds(interval - reduction);
}

void Session::send(bool final_bit, TimePoint) {
  wire::BfdControl c;
  c.version = 1;
  c.diag = local_diag_;
  c.state = state_;
  c.poll = poll_ && !final_bit;  // §6.8.7: never P and F together
  c.final = final_bit;
  c.detect_mult = detect_mult_;
  c.length = static_cast<uint8_t>(wire::kBfdControlLen);
  c.my_disc = cfg_.local_discriminator;
  c.your_disc = remote_discr_;
  c.desired_min_tx_us = static_cast<uint32_t>(advertised_desired_min_tx().count());
  c.required_min_rx_us = static_cast<uint32_t>(required_min_rx_.count());
  c.required_min_echo_rx_us = 0;  // no Echo function
  out_.packets.push_back({c, cfg_.local, cfg_.peer, src_port_, cfg_.ifindex});
  ++packets_sent_;
  if (c.poll) ++polls_sent_;
  if (c.final) ++finals_sent_;
}

void Session::start_poll() {
  poll_ = true;
  log(LogLevel::debug, format_string("Poll Sequence: advertising tx %lld us rx %lld us",
                                     static_cast<long long>(advertised_desired_min_tx().count()),
                                     static_cast<long long>(required_min_rx_.count())));
}

// §6.8.3 while Up: a faster TX and a longer RequiredMinRx cannot make the peer declare a
// false failure, so they apply at once; a slower TX and a shorter RequiredMinRx (the
// Detection Time we compute) wait until the Poll Sequence has ended with Final.
void Session::apply_safe_interval_changes() {
  active_desired_min_tx_ = std::min(active_desired_min_tx_, advertised_desired_min_tx());
  active_required_min_rx_ = std::max(active_required_min_rx_, required_min_rx_);
}

// §6.8.3: the remaining interval changes take effect once the peer has answered with Final.
void Session::finish_poll() {
  poll_ = false;
  active_desired_min_tx_ = advertised_desired_min_tx();
  active_required_min_rx_ = required_min_rx_;
}

void Session::change_state(BfdState to, BfdDiag diag, Reason reason, TimePoint now) {
  const BfdState from = state_;
  if (to == from) return;
  state_ = to;
  if (to == BfdState::down || to == BfdState::admin_down) {
    local_diag_ = diag;
    if (from == BfdState::up) {
      ++flaps_;
      ++down_transitions_;
    }
    // Not Up: slow TX at once (§6.8.3), no Poll Sequence needed.
    poll_ = false;
    active_desired_min_tx_ = advertised_desired_min_tx();
    active_required_min_rx_ = required_min_rx_;
  }
  if (to == BfdState::up) {
    ++up_transitions_;
    local_diag_ = BfdDiag::none;
    // Leaving the 1 s floor changes bfd.DesiredMinTxInterval: Poll Sequence (§6.8.3).
    if (advertised_desired_min_tx() != active_desired_min_tx_ ||
        required_min_rx_ != active_required_min_rx_) {
      start_poll();
      apply_safe_interval_changes();
    }
  }
  if (to == BfdState::admin_down) detect_deadline_ = kNever;
  log(LogLevel::notice,
      format_string("%s -> %s (%s, diag %s)", wire::bfd_state_name(from), wire::bfd_state_name(to),
                    reason_text(reason), wire::bfd_diag_name(local_diag_)));
  out_.state_changes.push_back({cfg_.name, cfg_.local_discriminator, cfg_.ifindex, cfg_.peer, from,
                                to, local_diag_, reason});
  // Tell the peer now rather than up to a slow interval later (speeds up the three-way
  // handshake and the peer's reaction to Down).
  if (remote_min_rx_.count() != 0) {
    send(false, now);
    schedule_tx(now);
  }
}

// RFC 5880 §6.8.6, from "set bfd.RemoteDiscr" on (the manager has demultiplexed the packet).
bool Session::on_packet(const wire::BfdControl& c, TimePoint now) {
  if (cfg_.remote_discriminator && c.my_disc != *cfg_.remote_discriminator) {
    count_drop(RxDrop::remote_discriminator_mismatch);
    return false;
  }
  ++packets_received_;
  remote_discr_ = c.my_disc;  // learnt when `discriminator remote` was omitted
  remote_state_ = c.state;
  const microseconds old_remote_min_rx = remote_min_rx_;
  remote_min_rx_ = microseconds(c.required_min_rx_us);
  remote_desired_min_tx_ = microseconds(c.desired_min_tx_us);
  remote_detect_mult_ = c.detect_mult;
  if (c.final && poll_) finish_poll();
  last_rx_ = now;
  detect_deadline_ = now + detection_time();
  // The transmit interval may have changed: never wait longer than the new interval, and
  // resume after RemoteMinRx = 0.
  if (remote_min_rx_ != old_remote_min_rx) {
    if (remote_min_rx_.count() == 0) {
      next_tx_ = kNever;
    } else if (next_tx_ == kNever || next_tx_ > now + tx_interval()) {
      schedule_tx(now);
    }
  }

  if (state_ == BfdState::admin_down) {
    count_drop(RxDrop::admin_down);
    return false;
  }
  if (c.state == BfdState::admin_down) {
    if (state_ != BfdState::down) {
      change_state(BfdState::down, BfdDiag::neighbor_signaled_down, Reason::neighbor_admin_down,
                   now);
    }
  } else if (state_ == BfdState::down) {
    if (c.state == BfdState::down) {
      change_state(BfdState::init, BfdDiag::none, Reason::remote_down, now);
    } else if (c.state == BfdState::init) {
      change_state(BfdState::up, BfdDiag::none, Reason::remote_init, now);
    }
  } else if (state_ == BfdState::init) {
    if (c.state == BfdState::init || c.state == BfdState::up) {
      change_state(BfdState::up, BfdDiag::none,
                   c.state == BfdState::up ? Reason::remote_up : Reason::remote_init, now);
    }
  } else if (state_ == BfdState::up) {
    if (c.state == BfdState::down) {
      change_state(BfdState::down, BfdDiag::neighbor_signaled_down, Reason::neighbor_signaled_down,
                   now);
    }
  }
  // §6.8.7: a Poll is answered at once with Final, whatever the transmit timer says.
  if (c.poll) send(true, now);
  return true;
}

void Session::on_timer(TimePoint now) {
  if (detect_deadline_ <= now) {
    detect_deadline_ = kNever;
    // §6.8.1: bfd.RemoteDiscr goes back to zero after a Detection Time of silence.
    if (!cfg_.remote_discriminator) remote_discr_ = 0;
    remote_state_ = BfdState::down;
    remote_min_rx_ = microseconds(1);  // its initial value: slow TX resumes
    if (state_ == BfdState::init || state_ == BfdState::up) {
      change_state(BfdState::down, BfdDiag::control_detection_expired,
                   Reason::detection_time_expired, now);
    }
    if (next_tx_ == kNever) schedule_tx(now);
  }
  if (next_tx_ <= now) {
    send(false, now);
    schedule_tx(now);
  }
}

TimePoint Session::next_deadline() const {
  return std::min(next_tx_, detect_deadline_);
}

void Session::set_intervals(milliseconds min_tx, milliseconds min_rx, uint8_t detect_mult,
                            TimePoint now) {
  cfg_.min_tx = min_tx;
  cfg_.min_rx = min_rx;
  cfg_.detect_mult = detect_mult;
  desired_min_tx_ = us(min_tx);
  required_min_rx_ = us(min_rx);
  detect_mult_ = detect_mult;
  if (state_ == BfdState::up) {
    if (advertised_desired_min_tx() != active_desired_min_tx_ ||
        required_min_rx_ != active_required_min_rx_) {
      start_poll();
      apply_safe_interval_changes();
      if (remote_min_rx_.count() != 0) {
        send(false, now);
        schedule_tx(now);
      }
    }
  } else {
    active_desired_min_tx_ = advertised_desired_min_tx();
    active_required_min_rx_ = required_min_rx_;
  }
}

void Session::set_admin_down(bool down, TimePoint now) {
  cfg_.shutdown = down;
  if (down) {
    change_state(BfdState::admin_down, BfdDiag::admin_down, Reason::local_admin_down, now);
  } else if (state_ == BfdState::admin_down) {
    change_state(BfdState::down, BfdDiag::none, Reason::local_admin_up, now);
  }
}

SessionStatus Session::status() const {
  SessionStatus s;
  s.name = cfg_.name;
  s.local_discriminator = cfg_.local_discriminator;
  s.remote_discriminator = remote_discr_;
  s.remote_configured = cfg_.remote_discriminator.has_value();
  s.peer = cfg_.peer;
  s.local = cfg_.local;
  s.state = state_;
  s.ifname = cfg_.ifname;
  s.ifindex = cfg_.ifindex;
  s.min_tx = desired_min_tx_;
  s.min_rx = required_min_rx_;
  s.actual_tx = tx_interval();
  s.actual_rx = std::max(active_required_min_rx_, remote_desired_min_tx_);
  s.detection_time = detection_time();
  s.detect_mult = detect_mult_;
  s.remote_detect_mult = remote_detect_mult_;
  s.source_port = src_port_;
  s.bind_application = bind_application_;
  if (state_ != BfdState::up) {
    if (state_ == BfdState::admin_down) {
      s.not_up_reason = "Session administratively down";
    } else if (local_diag_ != BfdDiag::none) {
      s.not_up_reason = wire::bfd_diag_name(local_diag_);
    } else if (packets_received_ == 0) {
      s.not_up_reason = "No packet received from peer";
    } else {
      s.not_up_reason = "Three-way handshake in progress";
    }
  }
  s.local_diag = local_diag_;
  s.remote_state = remote_state_;
  s.poll_in_progress = poll_;
  s.flaps = flaps_;
  s.up_transitions = up_transitions_;
  s.down_transitions = down_transitions_;
  s.packets_sent = packets_sent_;
  s.packets_received = packets_received_;
  s.polls_sent = polls_sent_;
  s.finals_sent = finals_sent_;
  s.rx_drops = rx_drops_;
  return s;
}

}  // namespace tandem::bfd
