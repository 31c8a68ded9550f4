#include "control/vrrp6/manager.h"

#include <algorithm>

namespace tandem::vrrp6 {

Manager::Manager(LogSink log) : log_(log ? std::move(log) : null_log_sink()) {}

std::string Manager::add_instance(InstanceConfig cfg, TimePoint now) {
  normalize(cfg);
  if (std::string err = validate(cfg); !err.empty()) return err;
  const Key key{cfg.ifindex, cfg.vrid};
  if (instances_.count(key) != 0) {
    return format_string("vrrp6 vrid %u already exists on %s", cfg.vrid, cfg.ifname.c_str());
  }
  auto inst = std::make_unique<Instance>(std::move(cfg), actions_, log_, now);
  Instance& ref = *inst;
  instances_.emplace(key, std::move(inst));
  ref.set_state_hook([this](const Instance& i, const StateChange& c, TimePoint t) {
    on_instance_change(i, c, t);
  });
  if (preempt_hold_) ref.set_preempt_hold(true, now);
  if (auto it = interface_up_.find(ref.ifindex()); it != interface_up_.end() && !it->second) {
    ref.set_interface_up(false, now);
  }
  if (ref.config().type == ConfigType::member) {
    sync_member(ref, now);
  } else {
    ref.start(now);
  }
  // Service groups configured before their mVRRP6 (a file is one transaction).
  if (ref.config().type == ConfigType::admin) {
    for (auto& [k, m] : instances_) {
      const auto& adm = m->config().admin;
      if (adm && adm->ifindex == ref.ifindex() && adm->vrid == ref.vrid()) sync_member(*m, now);
    }
  }
  return {};
}

void Manager::remove_instance(uint32_t ifindex, uint8_t vrid, TimePoint now, bool release_hold) {
  auto it = instances_.find({ifindex, vrid});
  if (it == instances_.end()) return;
  it->second->shutdown(now);
  if (release_hold) it->second->release_hold();
  const bool was_admin = it->second->config().type == ConfigType::admin;
  instances_.erase(it);
  if (was_admin) {
    for (auto& [k, m] : instances_) {
      const auto& adm = m->config().admin;
      if (adm && adm->ifindex == ifindex && adm->vrid == vrid) sync_member(*m, now);
    }
  }
}

void Manager::set_interface_up(uint32_t ifindex, bool up, TimePoint now) {
  interface_up_[ifindex] = up;
  for (auto& [k, inst] : instances_) {
    if (k.first == ifindex) inst->set_interface_up(up, now);
  }
}

void Manager::on_advert(uint32_t ifindex, const wire::Ipv6Address& src,
                        const wire::VrrpAdvert& advert, TimePoint now) {
  auto it = instances_.find({ifindex, advert.vrid});
  if (it == instances_.end()) {
    // RFC 5798 §7.1: the VRID must be configured on the receiving interface.
    ++unknown_vrid_drops_[ifindex];
    return;
  }
  it->second->on_advert(src, advert, now);
}

uint64_t Manager::unknown_vrid_drops() const {
  uint64_t n = 0;
  for (const auto& [ifindex, drops] : unknown_vrid_drops_) n += drops;
  return n;
}

void Manager::on_timer(TimePoint now) {
  for (auto& [k, inst] : instances_) {
    if (inst->next_deadline() <= now) inst->on_timer(now);
  }
}

TimePoint Manager::next_deadline() const {
  TimePoint t = kNever;
  for (const auto& [k, inst] : instances_) t = std::min(t, inst->next_deadline());
  return t;
}

std::optional<wire::MacAddress> Manager::should_answer_ns(uint32_t ifindex,
                                                          const wire::Ipv6Address& target) const {
  for (auto it = instances_.lower_bound({ifindex, 0});
       it != instances_.end() && it->first.first == ifindex; ++it) {
    if (it->second->should_answer_ns(target)) return it->second->virtual_mac();
  }
  return std::nullopt;
}

void Manager::set_preempt_hold(bool hold, TimePoint now) {
  preempt_hold_ = hold;
  for (auto& [k, inst] : instances_) inst->set_preempt_hold(hold, now);
}

Instance* Manager::find(uint32_t ifindex, uint8_t vrid) {
  auto it = instances_.find({ifindex, vrid});
  return it == instances_.end() ? nullptr : it->second.get();
}

const Instance* Manager::find(uint32_t ifindex, uint8_t vrid) const {
  auto it = instances_.find({ifindex, vrid});
  return it == instances_.end() ? nullptr : it->second.get();
}

std::vector<Instance*> Manager::instances() {
  std::vector<Instance*> v;
  for (auto& [k, inst] : instances_) v.push_back(inst.get());
  return v;
}

std::vector<const Instance*> Manager::instances() const {
  std::vector<const Instance*> v;
  for (const auto& [k, inst] : instances_) v.push_back(inst.get());
  return v;
}

std::vector<Status> Manager::status() const {
  std::vector<Status> v;
  for (const auto& [k, inst] : instances_) v.push_back(inst->status());
  return v;
}

// mVRRP6 → service groups: every member tracking `inst` takes its new state.
void Manager::on_instance_change(const Instance& inst, const StateChange&, TimePoint now) {
  if (inst.config().type != ConfigType::admin) return;
  for (auto& [k, m] : instances_) {
    const auto& adm = m->config().admin;
    if (adm && adm->ifindex == inst.ifindex() && adm->vrid == inst.vrid()) {
      m->follow_admin(inst.state(), now);
    }
  }
}

void Manager::sync_member(Instance& member, TimePoint now) {
  const auto& adm = member.config().admin;
  if (!adm) return;
  const Instance* admin = find(adm->ifindex, adm->vrid);
  if (admin == nullptr || admin->config().type != ConfigType::admin) {
    member.follow_admin(State::initialize, now);
  } else {
    member.follow_admin(admin->state(), now);
  }
}

}  // namespace tandem::vrrp6
