// All VRRP6 instances of the router, keyed by (interface, VRID), and the links between an
// mVRRP6 and its service groups. The daemon's only entry point into VRRP6:
//   add_instance / remove_instance / set_interface_up   (config and link state)
//   on_advert(ifindex, src, advert, now)               (a parsed VRRP packet)
//   on_timer(now) once next_deadline() has passed      (the one real timer is the daemon's)
//   take_actions()                                     (adverts, NAs, events to carry out)
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "control/common/log.h"
#include "control/common/time.h"
#include "control/vrrp6/config.h"
#include "control/vrrp6/events.h"
#include "control/vrrp6/state_machine.h"

namespace tandem::vrrp6 {

class Manager {
 public:
  // Sessions/instances hold references into the manager: it never moves.
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;
  explicit Manager(LogSink log = null_log_sink());

  // Creates and starts the instance (Initialize → Backup, or Master for an owner; a member
  // takes its mVRRP6's state). Returns the validate() message on error, empty on success.
  std::string add_instance(InstanceConfig cfg, TimePoint now);
  // Shutdown (priority-0 advert when Master), then forget it.
  // `release_hold`: a service group lets go of its interface (false when tandemd stops: the
  // interface must not open its gate or send a query on the way out).
  void remove_instance(uint32_t ifindex, uint8_t vrid, TimePoint now, bool release_hold = true);
  void set_interface_up(uint32_t ifindex, bool up, TimePoint now);

  void on_advert(uint32_t ifindex, const wire::Ipv6Address& src, const wire::VrrpAdvert& advert,
                 TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_deadline() const;

  // Some instance on `ifindex` is Master and owns `target`: answer NS with its virtual MAC.
  std::optional<wire::MacAddress> should_answer_ns(uint32_t ifindex,
                                                   const wire::Ipv6Address& target) const;

  // Replication hold (DESIGN.md §5): applies to every instance, including ones added later.
  void set_preempt_hold(bool hold, TimePoint now);

  Instance* find(uint32_t ifindex, uint8_t vrid);
  const Instance* find(uint32_t ifindex, uint8_t vrid) const;
  std::vector<Instance*> instances();
  std::vector<const Instance*> instances() const;
  std::vector<Status> status() const;  // sorted by (ifindex, vrid)

  Actions take_actions() { return std::exchange(actions_, Actions{}); }
  const Actions& pending_actions() const { return actions_; }

  // Adverts for a VRID configured nowhere on that interface (RFC 5798 §7.1): in all, and
  // by receiving interface (the daemon's drop table has a row per interface).
  uint64_t unknown_vrid_drops() const;
  const std::map<uint32_t, uint64_t>& unknown_vrid_drops_by_interface() const {
    return unknown_vrid_drops_;
  }

 private:
  using Key = std::pair<uint32_t, uint8_t>;
  void on_instance_change(const Instance& inst, const StateChange& change, TimePoint now);
  void sync_member(Instance& member, TimePoint now);

  LogSink log_;
  Actions actions_;
  std::map<Key, std::unique_ptr<Instance>> instances_;
  std::map<uint32_t, bool> interface_up_;
  bool preempt_hold_ = false;
  std::map<uint32_t, uint64_t> unknown_vrid_drops_;  // by ifindex
};

}  // namespace tandem::vrrp6
