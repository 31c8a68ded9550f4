// The role of each RBP (remote-backup-profile) bound to one RBS, following its vrrp6-id
// group: Master sends its table, Backup applies the peer's. Also remembers since when each
// profile is Master, for the takeover grace (ChannelConfig::takeover_grace).
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "control/common/time.h"
#include "replication/channel_types.h"

namespace tandem::replication {

class RbpRoles {
 public:
  // Every id in `backup_ids` starts as Backup.
  RbpRoles(const std::vector<uint16_t>& backup_ids, Duration takeover_grace);

  bool bound(uint16_t backup_id) const { return roles_.count(backup_id) != 0; }
  // Backup for an id not bound to the service: it never sends for it.
  Role role(uint16_t backup_id) const;
  // Sorted.
  std::vector<uint16_t> master_ids() const;
  std::vector<std::pair<uint16_t, Role>> list() const;

  // `backup_id` must be bound. Becoming Master starts its takeover grace at `now`.
  void set(uint16_t backup_id, Role role, TimePoint now);

  // Master for less than the takeover grace: the previous Master's last records still merge.
  bool in_takeover_grace(uint16_t backup_id, TimePoint now) const;
  bool any_in_takeover_grace(TimePoint now) const;

 private:
  Duration takeover_grace_;
  std::map<uint16_t, Role> roles_;
  std::map<uint16_t, TimePoint> master_since_;  // Masters only
};

}  // namespace tandem::replication
