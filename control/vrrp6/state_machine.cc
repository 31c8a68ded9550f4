#include "control/vrrp6/state_machine.h"

#include <algorithm>

#include "control/vrrp6/timers.h"

namespace tandem::vrrp6 {

namespace {
std::string make_prefix(const InstanceConfig& cfg) {
  if (cfg.ifname.empty()) return format_string("vrrp6 if%u/%u", cfg.ifindex, cfg.vrid);
  return format_string("vrrp6 %s/%u", cfg.ifname.c_str(), cfg.vrid);
}
}  // namespace

Instance::Instance(InstanceConfig cfg, Actions& out, LogSink log, TimePoint now)
    : cfg_(std::move(cfg)),
      out_(out),
      log_(log ? std::move(log) : null_log_sink()),
      master_adver_interval_(cfg_.advert_interval),
      create_time_(now),
      last_change_time_(now) {
  normalize(cfg_);
  prefix_ = make_prefix(cfg_);
}

void Instance::log(LogLevel level, const std::string& line) const {
  log_(level, prefix_, line);
}

uint8_t Instance::priority() const {
  if (cfg_.is_owner()) return kPriorityOwner;
  const int p =
      std::clamp(int{cfg_.priority} + priority_delta_, int{kPriorityMin}, int{kPriorityMax});
  return static_cast<uint8_t>(p);
}

bool Instance::may_run() const {
  const bool iface_ok = interface_up_ || (cfg_.type == ConfigType::admin && cfg_.ignore_if_down);
  return iface_ok && !link_bfd_down_;
}

bool Instance::owns_virtual_address(const wire::Ipv6Address& target) const {
  return std::find(cfg_.virtual_addresses.begin(), cfg_.virtual_addresses.end(), target) !=
         cfg_.virtual_addresses.end();
}

bool Instance::should_answer_ns(const wire::Ipv6Address& target) const {
  return state_ == State::master && owns_virtual_address(target);
}

// ---- the one transition funnel (FRR's vrrp_change_state) ----

void Instance::change_state(State to, Reason reason, TimePoint now) {
  if (to == state_) return;
  const State from = state_;
  // Exit actions.
  if (from == State::master) leave_master(now);
  if (from == State::backup) {
    master_down_timer_ = kNever;
    preempt_deadline_ = kNever;
    last_lower_advert_ = kNever;
  }
  state_ = to;
  ++transitions_;
  last_change_time_ = now;
  last_change_reason_ = reason;
  // Entry actions. A member group sends no adverts and runs no timers of its own.
  if (to == State::master) enter_master(now);
  if (to == State::backup && cfg_.type != ConfigType::member) arm_master_down(now);
  if (to == State::initialize) {
    master_ip_ = {};
    master_priority_ = 0;
  }

  log(LogLevel::notice,
      format_string("%s -> %s (%s)", state_name(from), state_name(to), reason_text(reason)));
  StateChange change{cfg_.ifindex, cfg_.vrid, from, to, reason};
  out_.state_changes.push_back(change);
  update_split_brain(now);
  if (cfg_.type == ConfigType::member) update_flowdown(reason);
  if (hook_) hook_(*this, change, now);
}

void Instance::enter_master(TimePoint now) {
  out_.vmac_changes.push_back({cfg_.ifindex, cfg_.vrid, virtual_mac(), true});
  send_neighbor_adverts();
  master_ip_ = cfg_.local_address;
  master_priority_ = priority();
  master_adver_interval_ = cfg_.advert_interval;
  if (cfg_.type != ConfigType::member) adver_timer_ = now + to_duration(cfg_.advert_interval);
}

void Instance::leave_master(TimePoint) {
  adver_timer_ = kNever;
  out_.vmac_changes.push_back({cfg_.ifindex, cfg_.vrid, virtual_mac(), false});
}

void Instance::update_flowdown(Reason reason) {
  if (!cfg_.admin) return;
  const bool down = state_ != State::master;
  if (flowdown_known_ && down == flowdown_down_) return;
  flowdown_known_ = true;
  flowdown_down_ = down;
  const bool flowdown = cfg_.admin->flowdown;
  log(LogLevel::notice,
      format_string("%s: service interface %s (%s)", flowdown ? "flowdown" : "unflowdown",
                    down ? (flowdown ? "down" : "gate closed") : (flowdown ? "up" : "gate open"),
                    reason_text(reason)));
  out_.flowdown_changes.push_back({cfg_.ifindex, cfg_.vrid, down, flowdown, reason});
}

// ---- outputs ----

void Instance::send_advert(uint8_t prio, TimePoint now) {
  AdvertOut a;
  a.ifindex = cfg_.ifindex;
  a.src = cfg_.local_address;
  a.advert.vrid = cfg_.vrid;
  a.advert.priority = prio;
  a.advert.max_adver_int_cs = static_cast<uint16_t>(cfg_.advert_interval.count());
  a.advert.addresses = cfg_.virtual_addresses;
  out_.adverts.push_back(std::move(a));
  ++adverts_sent_;
  last_advert_sent_ = now;
  if (prio == kPriorityResign) ++priority_zero_sent_;
}

void Instance::send_neighbor_adverts() {
  for (const auto& addr : cfg_.virtual_addresses) {
    out_.neighbor_adverts.push_back({cfg_.ifindex, addr, virtual_mac()});
    ++neighbor_adverts_sent_;
  }
}

void Instance::arm_master_down(TimePoint now) {
  master_down_timer_ = now + to_duration(master_down_interval(priority(), master_adver_interval_));
}

// RFC 5798 §6.4.1 (owner) / §6.4.2 (Master_Down_Timer): send an ADVERTISEMENT, broadcast
// an unsolicited NA per virtual address (the Master entry action), set the Adver_Timer.
void Instance::become_master(Reason reason, TimePoint now) {
  if (cfg_.type != ConfigType::member) send_advert(priority(), now);
  change_state(State::master, reason, now);
}

// ---- events ----

void Instance::start(TimePoint now, Reason reason) {
  if (state_ != State::initialize || !may_run()) return;
  if (cfg_.type == ConfigType::member) {
    if (admin_state_known_) follow_admin(admin_state_, now);
    return;
  }
  if (cfg_.is_owner()) {
    become_master(Reason::owner_startup, now);
    return;
  }
  master_adver_interval_ = cfg_.advert_interval;
  change_state(State::backup, reason, now);
}

void Instance::shutdown(TimePoint now, Reason reason) {
  if (state_ == State::master && cfg_.type != ConfigType::member) {
    // RFC 5798 §6.4.3: cancel the Adver_Timer and send an ADVERTISEMENT with Priority 0.
    send_advert(kPriorityResign, now);
  }
  change_state(State::initialize, reason, now);
}

void Instance::release_hold(Reason reason) {
  if (cfg_.type != ConfigType::member || !flowdown_down_) return;
  flowdown_down_ = false;
  out_.flowdown_changes.push_back({cfg_.ifindex, cfg_.vrid, false, cfg_.admin->flowdown, reason});
}

void Instance::set_interface_up(bool up, TimePoint now) {
  if (up == interface_up_) return;
  interface_up_ = up;
  if (!up && cfg_.type == ConfigType::admin && cfg_.ignore_if_down) {
    log(LogLevel::info, "interface down ignored (ignore-if-down)");
    return;
  }
  if (!up) {
    // The link is gone: a priority-0 advert could not leave anyway.
    change_state(State::initialize, Reason::interface_down, now);
  } else {
    start(now, Reason::interface_up);
  }
}

void Instance::on_timer(TimePoint now) {
  switch (state_) {
    case State::master:
      if (adver_timer_ <= now) {
        // RFC 5798 §6.4.3: Adver_Timer fires → send an ADVERTISEMENT, reset the timer.
        send_advert(priority(), now);
        adver_timer_ = now + to_duration(cfg_.advert_interval);
      }
      if (split_.next_deadline() <= now) update_split_brain(now);
      break;
    case State::backup:
      if (preempt_deadline_ <= now) {
        log(LogLevel::info,
            format_string("preempt delay %llds over: preempting Master %s (priority %u)",
                          static_cast<long long>(cfg_.preempt_delay.count()),
                          master_ip_.to_string().c_str(), master_priority_));
        become_master(Reason::preempt_delay_expired, now);
      } else if (master_down_timer_ <= now) {
        // Preemption (a lower-priority Master still advertising, heard within 1.5 of its
        // intervals) waits for the delay; a Master that fell silent is replaced at once.
        const bool lower_master_alive =
            last_lower_advert_ != kNever && preempt_deadline_ == kNever &&
            now - last_lower_advert_ <= to_duration(last_lower_interval_) * 3 / 2;
        if (lower_master_alive && cfg_.preempt_delay.count() > 0) {
          // Preemption, not failure: wait the configured delay while watching the Master.
          preempt_deadline_ = now + cfg_.preempt_delay;
          arm_master_down(now);
          log(LogLevel::info,
              format_string("Master_Down_Timer fired while %s (priority %u) advertises: "
                            "preempting in %llds",
                            master_ip_.to_string().c_str(), master_priority_,
                            static_cast<long long>(cfg_.preempt_delay.count())));
        } else {
          log(LogLevel::info, "Master_Down_Timer fired: becoming Master");
          become_master(Reason::master_down_timer, now);
        }
      }
      break;
    case State::initialize: break;
  }
}

TimePoint Instance::next_deadline() const {
  switch (state_) {
    case State::master: return std::min(adver_timer_, split_.next_deadline());
    case State::backup: return std::min(master_down_timer_, preempt_deadline_);
    case State::initialize: return kNever;
  }
  return kNever;
}

bool Instance::address_list_matches(const wire::VrrpAdvert& a) const {
  if (a.addresses.size() != cfg_.virtual_addresses.size()) return false;
  std::vector<wire::Ipv6Address> theirs = a.addresses.to_vector();
  std::vector<wire::Ipv6Address> ours = cfg_.virtual_addresses;
  std::sort(theirs.begin(), theirs.end());
  std::sort(ours.begin(), ours.end());
  return theirs == ours;
}

void Instance::on_advert(const wire::Ipv6Address& src, const wire::VrrpAdvert& a, TimePoint now) {
  ++adverts_received_;
  if (cfg_.type == ConfigType::member) return count_drop(RxDrop::member_group);
  if (src == cfg_.local_address) return count_drop(RxDrop::own_advert);
  // RFC 5798 §7.1: the address owner does not process adverts for its VRID; it still notes
  // that another router claims Master (split brain).
  if (cfg_.is_owner()) {
    if (state_ == State::master && a.priority != kPriorityResign)
      note_other_master(SplitEvidence::advert_we_win, src, a, now);
    return count_drop(RxDrop::owner_ignores);
  }
  if (state_ == State::initialize) return count_drop(RxDrop::not_running);
  if (!address_list_matches(a)) {
    // §7.1: log the misconfiguration; drop unless the sender is the address owner.
    ++address_list_mismatches_;
    log(LogLevel::warning,
        format_string("advert from %s (priority %u) lists %zu address(es) that differ from ours",
                      src.to_string().c_str(), a.priority, a.addresses.size()));
    if (a.priority != kPriorityOwner) {
      // Neither side will ever step down for the other: a lasting split brain.
      if (state_ == State::master && a.priority != kPriorityResign)
        note_other_master(SplitEvidence::advert_mismatched, src, a, now);
      return count_drop(RxDrop::address_list_mismatch);
    }
  }
  if (a.priority == kPriorityResign) ++priority_zero_received_;
  if (state_ == State::backup) {
    backup_on_advert(src, a, now);
  } else {
    master_on_advert(src, a, now);
  }
}

// RFC 5798 §6.4.2 (Backup), with tandem's preempt delay and replication hold.
void Instance::backup_on_advert(const wire::Ipv6Address& src, const wire::VrrpAdvert& a,
                                TimePoint now) {
  if (a.priority == kPriorityResign) {
    // The Master resigned: take over after Skew_Time (the highest priority goes first).
    master_down_timer_ = now + to_duration(skew_time(priority(), master_adver_interval_));
    log(LogLevel::info, format_string("Master %s resigned (priority 0): Master_Down_Timer = Skew",
                                      src.to_string().c_str()));
    return;
  }
  master_ip_ = src;
  master_priority_ = a.priority;
  if (!cfg_.preempt || a.priority >= priority() || preempt_hold_) {
    // Accept this Master: adopt its interval (§6.4.2), restart Master_Down_Timer.
    master_adver_interval_ = from_wire_interval(a.max_adver_int_cs);
    arm_master_down(now);
    preempt_deadline_ = kNever;
    last_lower_advert_ = kNever;
    return;
  }
  // Preempt: a lower-priority Master is discarded; Master_Down_Timer runs out.
  last_lower_advert_ = now;
  last_lower_interval_ = from_wire_interval(a.max_adver_int_cs);
  // While a preempt delay is pending keep watching: expiry then means the Master fell silent.
  if (preempt_deadline_ != kNever) arm_master_down(now);
  count_drop(RxDrop::lower_priority_ignored);
}

// RFC 5798 §6.4.3 (Master), plus split-brain recovery (rfc-checklists).
void Instance::master_on_advert(const wire::Ipv6Address& src, const wire::VrrpAdvert& a,
                                TimePoint now) {
  const uint8_t ours = priority();
  if (a.priority == kPriorityResign) {
    send_advert(ours, now);
    adver_timer_ = now + to_duration(cfg_.advert_interval);
    return;
  }
  const bool higher = a.priority > ours;
  const bool tie_lost = a.priority == ours && cfg_.local_address < src;
  if (higher || tie_lost) {
    log(LogLevel::notice,
        format_string("advert from %s priority %u beats ours (%u%s): stepping down",
                      src.to_string().c_str(), a.priority, ours,
                      tie_lost ? ", higher primary address" : ""));
    // Overruled while no tracked BFD session is Up, or when one came Up so recently that we
    // have not advertised since: the other router never heard us as its Master, yet claims
    // Master itself (split brain, raised here and cleared on stepping down). A Backup that
    // preempts after contact has heard at least one of our adverts first.
    const bool unheard = tracked_bfd_up_.has_value() &&
                         (!*tracked_bfd_up_ || tracked_bfd_up_since_ > last_advert_sent_);
    if (unheard) note_other_master(SplitEvidence::advert_we_lose_unheard, src, a, now);
    master_adver_interval_ = from_wire_interval(a.max_adver_int_cs);
    master_ip_ = src;
    master_priority_ = a.priority;
    change_state(State::backup,
                 higher ? Reason::higher_priority_advert : Reason::equal_priority_higher_address,
                 now);
    // change_state armed Master_Down_Timer with the adopted interval.
    return;
  }
  // We win. Another router thinks it is Master (split brain): re-announce at once so it
  // steps down and hosts re-learn the virtual MAC.
  note_other_master(SplitEvidence::advert_we_win, src, a, now);
  count_drop(RxDrop::lower_or_equal_discarded);
  ++reannounces_;
  log(LogLevel::info, format_string("advert from %s priority %u loses to ours (%u): re-announcing",
                                    src.to_string().c_str(), a.priority, ours));
  send_advert(ours, now);
  send_neighbor_adverts();
  adver_timer_ = now + to_duration(cfg_.advert_interval);
}

// ---- tracking and service groups ----

void Instance::set_priority_delta(int delta, TimePoint now) {
  const uint8_t before = priority();
  priority_delta_ = delta;
  const uint8_t after = priority();
  if (before == after) return;
  log(LogLevel::notice,
      format_string("priority %u -> %u (tracking delta %+d)", before, after, delta));
  if (state_ == State::master && cfg_.type != ConfigType::member) {
    // Tell the Backup now rather than an interval later: failover starts at once.
    master_priority_ = after;
    send_advert(after, now);
    adver_timer_ = now + to_duration(cfg_.advert_interval);
  }
}

void Instance::track_peer_bfd_down(TimePoint now) {
  if (state_ != State::backup || cfg_.type == ConfigType::member) return;
  log(LogLevel::notice, "peer BFD session down: becoming Master at once");
  become_master(Reason::peer_bfd_down, now);
}

void Instance::track_link_bfd(bool down, TimePoint now) {
  if (down == link_bfd_down_) return;
  link_bfd_down_ = down;
  if (down) {
    change_state(State::initialize, Reason::link_bfd_down, now);
  } else {
    start(now, Reason::link_bfd_up);
  }
}

void Instance::set_preempt_hold(bool hold, TimePoint) {
  if (hold == preempt_hold_) return;
  preempt_hold_ = hold;
  if (hold) preempt_deadline_ = kNever;
  log(LogLevel::info, hold ? "preemption held until the replication snapshot is complete"
                           : "preemption hold released");
}

// ---- split brain (split_brain.h) ----

void Instance::note_other_master(SplitEvidence kind, const wire::Ipv6Address& src,
                                 const wire::VrrpAdvert& a, TimePoint now) {
  // The sender's own Master_Down_Interval: how long a Backup would wait before declaring it
  // gone; as long the alarm holds after its last advert.
  const Duration hold =
      to_duration(master_down_interval(a.priority, from_wire_interval(a.max_adver_int_cs)));
  if (split_.advert_from_other_master(kind, src, a.priority, hold,
                                      to_duration(cfg_.advert_interval), now))
    update_split_brain(now);
}

void Instance::set_tracked_bfd_up(bool up, TimePoint now) {
  if (tracked_bfd_up_ == up) return;
  if (up) tracked_bfd_up_since_ = now;
  tracked_bfd_up_ = up;
}

void Instance::set_peer_claims_master(bool claims, TimePoint now) {
  split_.set_peer_claims_master(
      claims, to_duration(master_down_interval(priority(), cfg_.advert_interval)), now);
  update_split_brain(now);
}

void Instance::update_split_brain(TimePoint now) {
  switch (split_.update(state_ == State::master, now)) {
    case SplitChange::raised:
      log(LogLevel::warning,
          "split brain: another router is Master of this group too (" + split_.describe() + ")");
      break;
    case SplitChange::cleared:
      log(LogLevel::notice, "split brain cleared: " + split_.status().clear_reason);
      break;
    case SplitChange::none: break;
  }
}

void Instance::follow_admin(State admin, TimePoint now) {
  if (cfg_.type != ConfigType::member) return;
  admin_state_known_ = true;
  admin_state_ = admin;
  if (!may_run()) {
    change_state(State::initialize, Reason::interface_down, now);
    update_flowdown(Reason::admin_initialize);
    return;
  }
  switch (admin) {
    case State::master: change_state(State::master, Reason::admin_master, now); break;
    case State::backup: change_state(State::backup, Reason::admin_backup, now); break;
    case State::initialize: change_state(State::initialize, Reason::admin_initialize, now); break;
  }
  // First sync with the mVRRP6 in Initialize changes no state but still flows down.
  update_flowdown(admin == State::master   ? Reason::admin_master
                  : admin == State::backup ? Reason::admin_backup
                                           : Reason::admin_initialize);
}

Status Instance::status() const {
  Status s;
  s.ifindex = cfg_.ifindex;
  s.ifname = cfg_.ifname;
  s.vrid = cfg_.vrid;
  s.state = state_;
  s.virtual_ips = cfg_.virtual_addresses;
  s.master_ip = master_ip_;
  s.local_ip = cfg_.local_address;
  s.priority_run = priority();
  s.priority_config = cfg_.priority;
  s.master_priority = state_ == State::master ? priority() : master_priority_;
  s.preempt = cfg_.preempt;
  s.delay_time = cfg_.preempt_delay;
  s.timer_run = master_adver_interval_;
  s.timer_config = cfg_.advert_interval;
  s.virtual_mac = virtual_mac();
  s.config_type = cfg_.type;
  s.track_bfd = cfg_.bfd_tracks;
  s.bfd_down = bfd_down_;
  s.create_time = create_time_;
  s.last_change_time = last_change_time_;
  if (transitions_) s.last_change_reason = reason_text(last_change_reason_);
  s.preempt_hold = preempt_hold_;
  s.link_bfd_down = link_bfd_down_;
  s.interface_up = interface_up_;
  s.transitions = transitions_;
  s.adverts_sent = adverts_sent_;
  s.adverts_received = adverts_received_;
  s.priority_zero_sent = priority_zero_sent_;
  s.priority_zero_received = priority_zero_received_;
  s.neighbor_adverts_sent = neighbor_adverts_sent_;
  s.reannounces = reannounces_;
  s.address_list_mismatches = address_list_mismatches_;
  s.rx_drops = rx_drops_;
  s.split_brain = split_.status();
  return s;
}

}  // namespace tandem::vrrp6
