#include "replication/rbp_roles.h"

namespace tandem::replication {

RbpRoles::RbpRoles(const std::vector<uint16_t>& backup_ids, Duration takeover_grace)
    : takeover_grace_(takeover_grace) {
  for (uint16_t id : backup_ids) roles_[id] = Role::backup;
}

Role RbpRoles::role(uint16_t backup_id) const {
  auto it = roles_.find(backup_id);
  return it == roles_.end() ? Role::backup : it->second;
}

std::vector<uint16_t> RbpRoles::master_ids() const {
  std::vector<uint16_t> ids;
  for (const auto& [id, r] : roles_) {
    if (r == Role::master) ids.push_back(id);
  }
  return ids;
}

std::vector<std::pair<uint16_t, Role>> RbpRoles::list() const {
  return {roles_.begin(), roles_.end()};
}

void RbpRoles::set(uint16_t backup_id, Role role, TimePoint now) {
  auto it = roles_.find(backup_id);
  if (it == roles_.end() || it->second == role) return;
  it->second = role;
  if (role == Role::master) {
    master_since_[backup_id] = now;
  } else {
    master_since_.erase(backup_id);
  }
}

bool RbpRoles::in_takeover_grace(uint16_t backup_id, TimePoint now) const {
  auto since = master_since_.find(backup_id);
  return since != master_since_.end() && now - since->second < takeover_grace_;
}

bool RbpRoles::any_in_takeover_grace(TimePoint now) const {
  for (const auto& [id, since] : master_since_) {
    if (now - since < takeover_grace_) return true;
  }
  return false;
}

}  // namespace tandem::replication
