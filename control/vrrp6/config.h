// VRRP6 configuration of one (interface, VRID): ranges and defaults of the VRP commands
// (reference/commands.md) with the RFC 5798 names they feed. Validated once, by validate().
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/common/time.h"
#include "control/wire/address.h"

namespace tandem::vrrp6 {

// `vrrp6 vrid N priority P`: 1–254, default 100; 255 = address owner, 0 = "I resign" on the
// wire only (RFC 5798 §5.2.4).
inline constexpr uint8_t kPriorityResign = 0;
inline constexpr uint8_t kPriorityMin = 1;
inline constexpr uint8_t kPriorityDefault = 100;
inline constexpr uint8_t kPriorityMax = 254;
inline constexpr uint8_t kPriorityOwner = 255;

// `vrrp6 vrid N timer advertise T`: Advertisement_Interval in centiseconds, 100–4095 (the
// field is 12 bits, RFC 5798 §5.2.7), default 100 cs = 1 s.
inline constexpr centiseconds kAdvertIntervalMin{100};
inline constexpr centiseconds kAdvertIntervalMax{4095};
inline constexpr centiseconds kAdvertIntervalDefault{100};

// `vrrp6 vrid N preempt-mode timer delay D`: 0–3600 s, default 0.
inline constexpr std::chrono::seconds kPreemptDelayMax{3600};
inline constexpr std::chrono::seconds kPreemptDelayDefault{0};

inline constexpr uint8_t kVridMin = 1;
inline constexpr uint8_t kVridMax = 255;

// `vrrp6 vrid N track bfd-session ID [increased V | reduced V]`: V 1–255, default reduced 10.
inline constexpr uint8_t kTrackValueDefault = 10;

// display vrrp6 "Config Type".
enum class ConfigType : uint8_t {
  normal,  // normal-vrrp: a common VRRP6 group
  admin,   // admin-vrrp: an mVRRP6 (`admin-vrrp6 vrid N [ignore-if-down]`)
  member,  // member-vrrp: a service group tracking an mVRRP6, sends no adverts
};
const char* config_type_name(ConfigType t);  // "normal-vrrp", "admin-vrrp", "member-vrrp"

// What a tracked BFD session going down does to this group.
enum class BfdTrackMode : uint8_t {
  reduced,    // priority − value
  increased,  // priority + value
  peer,       // backup: peer BFD down → become Master at once
  link,       // backup: link BFD down → Initialize
};
const char* bfd_track_mode_name(BfdTrackMode m);  // "reduced", "increased", "peer", "link"

struct BfdTrack {
  uint32_t session = 0;  // the BFD session's local discriminator (`track bfd-session ID`)
  BfdTrackMode mode = BfdTrackMode::reduced;
  uint8_t value = kTrackValueDefault;  // reduced / increased only
};

// `vrrp6 vrid N1 track admin-vrrp6 interface IF vrid N2 [unflowdown]`
struct AdminRef {
  uint32_t ifindex = 0;
  std::string ifname;
  uint8_t vrid = 0;
  bool flowdown = true;  // default; `unflowdown` clears it
};

struct InstanceConfig {
  uint32_t ifindex = 0;
  std::string ifname;
  uint8_t vrid = 1;
  // The interface's own link-local: the source of our adverts and the "primary address" of
  // RFC 5798 §6.4.3's tie-break. Must not be derived from the virtual MAC (rfc-checklists).
  wire::Ipv6Address local_address;
  // `virtual-ip X [link-local]`; normalised so the link-local one comes first (§7.1).
  std::vector<wire::Ipv6Address> virtual_addresses;
  uint8_t priority = kPriorityDefault;  // 255 = owner
  centiseconds advert_interval = kAdvertIntervalDefault;
  bool preempt = true;  // Preempt_Mode (RFC 5798 §6.1); VRP preempts by default
  std::chrono::seconds preempt_delay = kPreemptDelayDefault;
  ConfigType type = ConfigType::normal;
  bool ignore_if_down = false;    // admin only
  std::optional<AdminRef> admin;  // member only
  std::vector<BfdTrack> bfd_tracks;

  bool is_owner() const { return priority == kPriorityOwner; }
};

// Puts the link-local virtual address first (RFC 5798 §7.1 / commands.md) and removes
// duplicates, keeping the configured order otherwise.
void normalize(InstanceConfig& cfg);

// Empty when valid, else a one-line message for the config parser.
std::string validate(const InstanceConfig& cfg);

}  // namespace tandem::vrrp6
