#include "control/mld/querier.h"

#include <algorithm>

namespace tandem::mld {

void Querier::start(const InterfaceConfig& config, const wire::Ipv6Address& own, TimePoint now) {
  config_ = config;
  own_ = own;
  active_ = true;
  timers_ = EffectiveTimers::from_config(config_);
  // The first start-up query goes out now; RV-1 more follow at QI/4 (§7.1, §9.6, §9.7).
  startup_left_ = timers_.startup_query_count() > 0 ? timers_.startup_query_count() - 1 : 0;
  become_querier(now, true);
}

void Querier::stop() {
  active_ = false;
  querier_ = false;
  startup_left_ = 0;
  general_query_at_ = kNever;
  other_querier_expires_ = kNever;
}

void Querier::resume(TimePoint now) {
  active_ = true;
  startup_left_ = 0;
  become_querier(now, true);
}

void Querier::set_config(const InterfaceConfig& config, TimePoint now) {
  config_ = config;
  if (!active_) return;
  if (querier_) {
    timers_ = EffectiveTimers::from_config(config_);
    // A shorter interval takes effect now rather than after the old, longer one.
    const TimePoint due =
        now + (startup_left_ > 0 ? timers_.startup_query_interval() : timers_.query_interval);
    general_query_at_ = std::min(general_query_at_, due);
  } else {
    // Keep the adopted QRV/QQI; take the local-only parameters (§9.3, §9.8, §9.9).
    const EffectiveTimers own = EffectiveTimers::from_config(config_);
    timers_.query_response_interval = own.query_response_interval;
    timers_.last_listener_query_interval = own.last_listener_query_interval;
    timers_.last_listener_query_count = config_.last_listener_query_count != 0
                                            ? config_.last_listener_query_count
                                            : timers_.robustness;
  }
}

void Querier::set_own_address(const wire::Ipv6Address& own, TimePoint now) {
  own_ = own;
  if (!active_) return;
  if (querier_) {
    querier_addr_ = own_;
  } else if (own_ < querier_addr_) {
    // Our new address wins the election outright.
    become_querier(now, true);
  }
}

void Querier::become_querier(TimePoint now, bool send_now) {
  querier_ = true;
  querier_addr_ = own_;
  other_querier_expires_ = kNever;
  timers_ = EffectiveTimers::from_config(config_);
  general_query_at_ = send_now ? now : now + timers_.query_interval;
}

bool Querier::on_query(const wire::Ipv6Address& src, const wire::MldQuery& q, TimePoint now) {
  if (!active_) return false;
  // §7.6.2: lower address wins; the current other querier's queries refresh its timer.
  const bool wins = querier_ ? src < own_ : !(querier_addr_ < src);
  if (!wins) return false;
  const bool lost = querier_;
  querier_ = false;
  startup_left_ = 0;
  general_query_at_ = kNever;
  querier_addr_ = src;
  // §9.1 / §9.2: adopt the querier's QRV (unless 0) and QQI (v2 queries only; a v1 query
  // carries neither and the configured values stay).
  EffectiveTimers t = EffectiveTimers::from_config(config_);
  if (q.v2) {
    if (q.qrv != 0) t.robustness = q.qrv;
    if (q.qqi_s != 0) t.query_interval = std::chrono::seconds(q.qqi_s);
    t.last_listener_query_count =
        config_.last_listener_query_count != 0 ? config_.last_listener_query_count : t.robustness;
  }
  timers_ = t;
  other_querier_expires_ = now + timers_.other_querier_present();
  return lost;
}

bool Querier::on_timer(TimePoint now) {
  if (!active_) return false;
  if (!querier_ && other_querier_expires_ <= now) {
    // §7.6.2: the other querier went quiet; resume the role with a general query at once.
    become_querier(now, true);
  }
  if (querier_ && general_query_at_ <= now) {
    if (startup_left_ > 0) {
      --startup_left_;
      general_query_at_ = now + timers_.startup_query_interval();
    } else {
      general_query_at_ = now + timers_.query_interval;
    }
    return true;
  }
  return false;
}

TimePoint Querier::next_deadline() const {
  if (!active_) return kNever;
  return querier_ ? general_query_at_ : other_querier_expires_;
}

wire::MldQuerySpec Querier::general_query_spec() const {
  wire::MldQuerySpec q;
  q.v2 = config_.version == MldVersion::v2;
  q.max_resp_ms = static_cast<uint32_t>(to_ms(timers_.query_response_interval));
  q.group = wire::Ipv6Address{};
  q.s_flag = false;
  q.qrv = timers_.robustness;
  q.qqi_s = static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(timers_.query_interval).count());
  return q;
}

}  // namespace tandem::mld
