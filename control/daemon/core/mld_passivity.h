// Why an MLD interface is passive. Two owners may silence the same interface: the RBP role
// (Backup of its remote-backup-profile, DESIGN.md §4) and flowdown (a service group whose
// mVRRP6 is not Master). The interface is passive while either holds it, so one owner letting
// go cannot wake an interface the other still silences.
#pragma once

#include <cstdint>
#include <map>

#include "control/common/time.h"
#include "control/mld/router.h"

namespace tandem::daemon {

enum class PassiveCause : uint8_t { rbp_backup = 1, flowdown = 2 };

class MldPassivity {
 public:
  explicit MldPassivity(mld::MldRouter& mld) : mld_(mld) {}

  // Sets or clears one cause on `ifindex` and makes the engine's interface passive while any
  // cause is set (leaving passive sends one general query, mld::MldRouter::set_passive).
  void set(uint32_t ifindex, PassiveCause cause, bool on, TimePoint now);
  bool held(uint32_t ifindex, PassiveCause cause) const;

 private:
  mld::MldRouter& mld_;
  std::map<uint32_t, uint8_t> causes_;  // ifindex → PassiveCause bits
};

}  // namespace tandem::daemon
