// One VRRPv3 virtual router for IPv6 on one interface (RFC 5798 §6, RFC 9568): the
// Initialize / Backup / Master machine, its two timers as plain deadlines, and the
// tandem extensions (preempt delay, tracking, backup peer/link BFD, mVRRP6 service groups,
// replication preempt hold). Sans-IO: inputs carry `now`, outputs go into the shared Actions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "control/common/log.h"
#include "control/common/time.h"
#include "control/vrrp6/config.h"
#include "control/vrrp6/events.h"
#include "control/vrrp6/split_brain.h"
#include "control/wire/address.h"
#include "control/wire/vrrp.h"

namespace tandem::vrrp6 {

// Everything `display vrrp6 [brief]` prints, plus counters; one snapshot, text and JSON
// are both built from it.
struct Status {
  uint32_t ifindex = 0;
  std::string ifname;
  uint8_t vrid = 0;
  State state = State::initialize;
  std::vector<wire::Ipv6Address> virtual_ips;   // "Virtual IP"
  wire::Ipv6Address master_ip;                  // "Master IP": ours while Master
  wire::Ipv6Address local_ip;                   // "Local IP"
  uint8_t priority_run = 0;                     // "PriorityRun"
  uint8_t priority_config = 0;                  // "PriorityConfig"
  uint8_t master_priority = 0;                  // "MasterPriority"
  bool preempt = true;                          // "Preempt"
  std::chrono::seconds delay_time{0};           // "Delay Time"
  centiseconds timer_run{0};                    // "TimerRun": Master_Adver_Interval
  centiseconds timer_config{0};                 // "TimerConfig": Advertisement_Interval
  wire::MacAddress virtual_mac;                 // "Virtual MAC"
  ConfigType config_type = ConfigType::normal;  // "Config Type"
  std::vector<BfdTrack> track_bfd;              // "Track BFD"
  std::vector<uint32_t> bfd_down;               // tracked sessions currently down
  TimePoint create_time{};                      // "Create Time"
  TimePoint last_change_time{};                 // "Last Change Time"
  std::string last_change_reason;               // why the last transition happened
  bool preempt_hold = false;
  bool link_bfd_down = false;
  bool interface_up = true;

  uint64_t transitions = 0;
  uint64_t adverts_sent = 0;
  uint64_t adverts_received = 0;
  uint64_t priority_zero_sent = 0;
  uint64_t priority_zero_received = 0;
  uint64_t neighbor_adverts_sent = 0;
  uint64_t reannounces = 0;  // Master heard a lower priority and advertised at once
  uint64_t address_list_mismatches = 0;
  RxDropCounters rx_drops{};
  SplitBrainStatus split_brain;  // "Split Brain": both routers Master (split_brain.h)
};

class Instance {
 public:
  // Called after every change_state (the manager links mVRRP6 → service groups with it).
  using StateHook = std::function<void(const Instance&, const StateChange&, TimePoint now)>;

  // `cfg` should have passed validate(); normalize() is applied here. The instance starts in
  // Initialize: call start() (the daemon does it through the Manager).
  Instance(InstanceConfig cfg, Actions& out, LogSink log, TimePoint now);

  const InstanceConfig& config() const { return cfg_; }
  uint32_t ifindex() const { return cfg_.ifindex; }
  uint8_t vrid() const { return cfg_.vrid; }
  State state() const { return state_; }
  wire::MacAddress virtual_mac() const { return wire::MacAddress::vrrp6_virtual(cfg_.vrid); }

  // Startup / Shutdown events (RFC 5798 §6.4). Member groups instead follow their mVRRP6.
  void start(TimePoint now, Reason reason = Reason::startup);
  void shutdown(TimePoint now, Reason reason = Reason::shutdown);
  // A service group about to be removed lets go of its interface (FlowdownChange down=false)
  // if it holds it, so the interface returns to its own configuration.
  void release_hold(Reason reason = Reason::shutdown);
  void set_interface_up(bool up, TimePoint now);

  // An advert the wire parser accepted (hop limit, version, type, length, checksum), received
  // on this instance's interface from `src`.
  void on_advert(const wire::Ipv6Address& src, const wire::VrrpAdvert& advert, TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_deadline() const;

  // Answer NS for virtual addresses only while Master (rfc-checklists VRRP).
  bool should_answer_ns(const wire::Ipv6Address& target) const;
  bool owns_virtual_address(const wire::Ipv6Address& target) const;

  // Tracking: the run priority becomes config priority + delta, clamped to 1..254; an owner
  // stays 255. A Master advertises the new priority at once.
  void set_priority_delta(int delta, TimePoint now);
  uint8_t priority() const;  // Priority as used now (PriorityRun)

  // `track bfd-session ID peer`: peer BFD down → a Backup becomes Master at once.
  void track_peer_bfd_down(TimePoint now);
  // `track bfd-session ID link`: link BFD down → Initialize until it comes back.
  void track_link_bfd(bool down, TimePoint now);
  // Replication snapshot not complete yet: a Backup does not preempt a lower-priority Master.
  void set_preempt_hold(bool hold, TimePoint now);
  // Split-brain evidence from the RBS: the peer lists the backup-id of the RBP bound to this
  // group among the ones it is Master of (split_brain.h).
  void set_peer_claims_master(bool claims, TimePoint now);
  // Whether some BFD session this group tracks is Up (the daemon tells after every event):
  // a Master overruled by a higher advert while none is, or before it advertised again since
  // one came Up, was Master without the other router hearing it (split-brain evidence
  // advert_we_lose_unheard). Unknown until told.
  void set_tracked_bfd_up(bool up, TimePoint now);

  // Member groups: take the state of the mVRRP6 (`admin` = its state).
  void follow_admin(State admin, TimePoint now);

  void set_state_hook(StateHook hook) { hook_ = std::move(hook); }
  void set_bfd_down_sessions(std::vector<uint32_t> down) { bfd_down_ = std::move(down); }

  Status status() const;
  const std::string& log_prefix() const { return prefix_; }
  void count_drop(RxDrop d) { ++rx_drops_[static_cast<size_t>(d)]; }

 private:
  void change_state(State to, Reason reason, TimePoint now);
  void enter_master(TimePoint now);
  void leave_master(TimePoint now);
  void send_advert(uint8_t priority, TimePoint now);
  void send_neighbor_adverts();
  void arm_master_down(TimePoint now);
  void become_master(Reason reason, TimePoint now);
  void backup_on_advert(const wire::Ipv6Address& src, const wire::VrrpAdvert& a, TimePoint now);
  void master_on_advert(const wire::Ipv6Address& src, const wire::VrrpAdvert& a, TimePoint now);
  bool address_list_matches(const wire::VrrpAdvert& a) const;
  bool may_run() const;
  void update_flowdown(Reason reason);
  void note_other_master(SplitEvidence kind, const wire::Ipv6Address& src,
                         const wire::VrrpAdvert& a, TimePoint now);
  void update_split_brain(TimePoint now);
  void log(LogLevel level, const std::string& line) const;

  InstanceConfig cfg_;
  Actions& out_;
  LogSink log_;
  StateHook hook_;
  std::string prefix_;  // "vrrp6 ge0/1"

  State state_ = State::initialize;
  int priority_delta_ = 0;
  centiseconds master_adver_interval_;    // RFC 5798 §6.1
  TimePoint adver_timer_ = kNever;        // Master
  TimePoint master_down_timer_ = kNever;  // Backup
  // Preempt delay: a Backup whose Master_Down_Timer fired while a lower-priority Master is
  // still advertising waits until this deadline before taking over.
  TimePoint preempt_deadline_ = kNever;
  TimePoint last_lower_advert_ = kNever;  // last lower-priority advert heard as Backup
  centiseconds last_lower_interval_{0};   // its Max Adver Int
  bool preempt_hold_ = false;
  bool interface_up_ = true;
  bool link_bfd_down_ = false;
  bool admin_state_known_ = false;
  State admin_state_ = State::initialize;
  bool flowdown_known_ = false;  // member: a FlowdownChange has been emitted
  bool flowdown_down_ = false;

  wire::Ipv6Address master_ip_;
  uint8_t master_priority_ = 0;
  std::vector<uint32_t> bfd_down_;
  SplitBrain split_;
  std::optional<bool> tracked_bfd_up_;
  TimePoint tracked_bfd_up_since_{};
  TimePoint last_advert_sent_{};

  TimePoint create_time_;
  TimePoint last_change_time_;
  Reason last_change_reason_{};
  uint64_t transitions_ = 0;
  uint64_t adverts_sent_ = 0;
  uint64_t adverts_received_ = 0;
  uint64_t priority_zero_sent_ = 0;
  uint64_t priority_zero_received_ = 0;
  uint64_t neighbor_adverts_sent_ = 0;
  uint64_t reannounces_ = 0;
  uint64_t address_list_mismatches_ = 0;
  RxDropCounters rx_drops_{};
};

}  // namespace tandem::vrrp6
