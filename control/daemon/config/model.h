// The typed configuration: what one config file means once parsed. Every name-valued field
// that refers to another object keeps the source position of its token, so the cross-checks
// (validate.h) can point at the exact column. Positions never take part in equality: two
// configs that say the same thing in a different layout are equal (diff.h relies on it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/wire/address.h"

namespace tandem::config {

struct SourcePos {
  int line = 0;
  int col = 0;
  // Layout is not meaning: positions compare equal so `==` on the model compares content.
  bool operator==(const SourcePos&) const { return true; }
};

// A reference to a named object, with where it was written.
struct NameRef {
  std::string name;
  SourcePos pos;
  bool operator==(const NameRef&) const = default;
};

using Ipv6Prefix = wire::Ipv6Prefix;

// ---- RBS: remote-backup-service NAME ----
struct RbsConfig {
  std::string name;
  SourcePos pos;
  std::optional<wire::Ipv6Address> peer_ipv6;
  std::optional<wire::Ipv6Address> source_ipv6;
  uint16_t port = 0;  // 1024-55535, same on both devices
  bool shutdown = false;
  std::optional<uint32_t> track_bfd_session;  // local discriminator of a BFD session
  SourcePos track_pos;
  // `authentication-key KEY` (tandem addition, replication/auth_key.h); empty = none. A
  // secret: never logged, displayed or exported, only handed to the RBS channel.
  std::string authentication_key;
  bool operator==(const RbsConfig&) const = default;
};

// ---- RBP: remote-backup-profile NAME ----
struct RbpConfig {
  std::string name;
  SourcePos pos;
  std::optional<uint16_t> backup_id;  // 1-4095, unique per RBP
  SourcePos backup_id_pos;
  std::optional<NameRef> service;   // remote-backup-service S
  bool peer_backup_hot = true;      // the only mode; the default
  std::optional<uint8_t> vrrp6_id;  // vrrp6-id VRID interface IF
  std::optional<NameRef> vrrp6_interface;
  SourcePos vrrp6_pos;
  bool operator==(const RbpConfig&) const = default;
};

// ---- BFD: bfd NAME bind peer-ipv6 P [vpn-instance V] [source-ipv6 S] track-interface ... ----
inline constexpr uint32_t kBfdDefaultIntervalMs = 10;
inline constexpr uint8_t kBfdDefaultDetectMultiplier = 3;

// VRP's name for the public (default) instance, the only one tandem has until VRFs exist.
inline constexpr const char* kPublicVpnInstance = "_public_";

struct BfdSessionConfig {
  std::string name;
  SourcePos pos;
  wire::Ipv6Address peer_ipv6;
  std::string vpn_instance;  // empty or kPublicVpnInstance: tandem has one routing table
  std::optional<wire::Ipv6Address> source_ipv6;
  NameRef interface;
  std::optional<uint32_t> discriminator_local;  // 1-16384
  SourcePos discriminator_local_pos;
  std::optional<uint32_t> discriminator_remote;             // 1-4294967295
  uint32_t min_tx_interval_ms = kBfdDefaultIntervalMs;      // 3-20000
  uint32_t min_rx_interval_ms = kBfdDefaultIntervalMs;      // 3-20000
  uint8_t detect_multiplier = kBfdDefaultDetectMultiplier;  // 3-50
  bool operator==(const BfdSessionConfig&) const = default;
};

// ---- VRRP6 group on an interface ----
inline constexpr uint8_t kVrrpDefaultPriority = 100;
inline constexpr uint16_t kVrrpDefaultAdvertiseCs = 100;
inline constexpr uint8_t kVrrpDefaultReduced = 10;

struct VirtualIp {
  wire::Ipv6Address address;
  bool link_local = false;  // `link-local` keyword given
  SourcePos pos;
  bool operator==(const VirtualIp&) const = default;
};

enum class BfdTrackMode { reduced, increased, peer, link };
const char* bfd_track_mode_name(BfdTrackMode m);

struct VrrpBfdTrack {
  uint32_t session = 0;  // BFD session local discriminator
  BfdTrackMode mode = BfdTrackMode::reduced;
  uint8_t value = kVrrpDefaultReduced;  // increased/reduced amount
  SourcePos pos;
  bool operator==(const VrrpBfdTrack&) const = default;
};

struct AdminVrrpTrack {  // vrrp6 vrid N1 track admin-vrrp6 interface IF vrid N2 [unflowdown]
  NameRef interface;
  uint8_t vrid = 0;
  bool unflowdown = false;
  bool operator==(const AdminVrrpTrack&) const = default;
};

struct Vrrp6GroupConfig {
  uint8_t vrid = 0;
  SourcePos pos;  // first line that named the group
  std::vector<VirtualIp> virtual_ips;
  uint8_t priority = kVrrpDefaultPriority;          // 1-254
  uint16_t advertise_cs = kVrrpDefaultAdvertiseCs;  // 100-4095 centiseconds
  uint16_t preempt_delay_s = 0;                     // 0-3600
  std::vector<VrrpBfdTrack> bfd_tracks;
  bool admin = false;  // admin-vrrp6 vrid N: an mVRRP6
  bool ignore_if_down = false;
  std::optional<AdminVrrpTrack> track_admin;  // service group following an mVRRP6
  bool operator==(const Vrrp6GroupConfig&) const = default;
};

// ---- MLD per interface (RFC 3810 §9 defaults) ----
// A reference to a basic IPv6 ACL by number, with where it was written (validate.h checks
// that the ACL exists).
struct AclRef {
  uint32_t number = 0;  // 2000-2999
  SourcePos pos;
  bool operator==(const AclRef&) const = default;
};

// `mld static-group GROUP [source SOURCE]`
struct MldStaticGroupConfig {
  wire::Ipv6Address group;
  std::optional<wire::Ipv6Address> source;
  SourcePos pos;  // of GROUP
  bool operator==(const MldStaticGroupConfig&) const = default;
};

struct MldInterfaceConfig {
  uint8_t version = 2;                               // mld version 1|2
  uint32_t query_interval_s = 125;                   // mld timer query-interval 1-18000
  uint8_t robust_count = 2;                          // mld robust-count 2-5
  uint32_t max_response_time_s = 10;                 // mld max-response-time 1-125
  uint32_t last_listener_query_interval_s = 1;       // mld lastlistener-queryinterval 1-25
  std::optional<uint8_t> last_listener_query_count;  // 1-255; default = robust count
  uint32_t access_limit = 0;                         // mld access-limit 1-16384; 0 = none
  std::optional<AclRef> group_policy;                // mld group-policy 2000-2999
  bool prompt_leave = false;                         // mld prompt-leave [group-policy ACL]
  std::optional<AclRef> prompt_leave_policy;
  bool require_router_alert = true;                 // [undo] mld require-router-alert
  std::vector<MldStaticGroupConfig> static_groups;  // mld static-group G [source S]
  bool operator==(const MldInterfaceConfig&) const = default;
};

// ---- PIM-SM per interface (RFC 7761 §4.11 defaults; `pim ipv6 ...` in interface view) ----
struct PimInterfaceConfig {
  uint32_t hello_interval_s = 30;            // pim ipv6 timer hello 1-18000
  std::optional<uint16_t> hello_holdtime_s;  // pim ipv6 hello-option holdtime 1-65535;
                                             // default 3.5 x hello interval
  uint32_t dr_priority = 1;                  // pim ipv6 hello-option dr-priority 0-4294967295
  uint32_t join_prune_interval_s = 60;       // pim ipv6 timer join-prune 1-18000
  SourcePos pos;  // first `pim ipv6 timer|hello-option` line (line 0: none); they need pim sm
  bool operator==(const PimInterfaceConfig&) const = default;
};

// Forwarding gate: one kind of binding per interface.
struct MulticastTrack {
  enum class Kind { vrrp6, admin_vrrp6 } kind = Kind::vrrp6;
  std::optional<NameRef> interface;  // admin_vrrp6 only
  uint8_t vrid = 0;
  SourcePos pos;
  bool operator==(const MulticastTrack&) const = default;
};

struct InterfaceConfig {
  std::string name;
  SourcePos pos;
  std::string device;  // DPDK device: PCI address or vdev string
  SourcePos device_pos;
  std::vector<Ipv6Prefix> addresses;
  bool auto_link_local = false;
  bool multicast_upstream = false;
  bool pim_sm = false;
  bool mld_enable = false;
  SourcePos mld_enable_pos;
  MldInterfaceConfig mld;
  std::map<uint8_t, Vrrp6GroupConfig> vrrp6;
  std::optional<MulticastTrack> multicast_track;
  bool pim_ignore_dr_state = false;
  bool pim_ignore_assert_state = false;
  PimInterfaceConfig pim;
  std::optional<NameRef> rbp;  // remote-backup-profile NAME (one per interface)
  bool operator==(const InterfaceConfig&) const = default;
};

struct MetricsListen {
  std::string address;  // IPv4 or IPv6 literal
  uint16_t port = 0;
  bool operator==(const MetricsListen&) const = default;
};

// ---- MLD router-wide (system view `mld global limit ...`) ----
// Huawei's `mld global limit N` split by what it counts (tandem addition: the keyword). The
// defaults equal control/mld/config.h's (engine_config.cc checks it at compile time).
struct MldGlobalConfig {
  uint32_t global_group_limit = 1000000;   // mld global limit groups 1-16000000
  uint32_t global_source_limit = 4000000;  // mld global limit sources 1-64000000
  bool operator==(const MldGlobalConfig&) const = default;
};

// ---- the `mld` view: SSM range and SSM mapping (docs/mld-controls.md) ----
struct SsmMappingConfig {
  Ipv6Prefix groups;  // ssm-mapping GROUP/LEN SOURCE
  wire::Ipv6Address source;
  SourcePos pos;  // of GROUP/LEN
  bool operator==(const SsmMappingConfig&) const = default;
};

struct MldViewConfig {
  std::optional<AclRef> ssm_policy;  // ssm-policy 2000-2999; default ff3x::/32
  bool ssm_mapping_enable = false;   // ssm-mapping enable
  std::vector<SsmMappingConfig> ssm_mappings;
  bool operator==(const MldViewConfig&) const = default;
};

// ---- acl ipv6 number 2000-2999: a basic IPv6 ACL (control/acl/acl6.h) ----
struct AclRuleConfig {
  uint32_t id = 0;  // rule [ID]; default: next multiple of 5 above the highest
  bool permit = true;
  Ipv6Prefix source;
  SourcePos pos;
  bool operator==(const AclRuleConfig&) const = default;
};

struct Acl6Config {
  uint32_t number = 0;
  SourcePos pos;
  std::vector<AclRuleConfig> rules;  // ascending id; a rule with an existing id replaces it
  bool operator==(const Acl6Config&) const = default;
};

// ---- PIM-SM router-wide: the `pim-ipv6` view ----
struct StaticRpConfig {
  wire::Ipv6Address address;  // static-rp X [GROUP/LEN]
  Ipv6Prefix groups{wire::Ipv6Address::must_parse("ff00::"), 8};
  SourcePos pos;  // of X
  bool operator==(const StaticRpConfig&) const = default;
};

struct PimGlobalConfig {
  std::vector<StaticRpConfig> static_rps;
  bool embedded_rp = true;           // RFC 3956 for ff7x::/12; `undo embedded-rp` turns it off
  bool spt_switch_infinity = false;  // spt-switch-threshold infinity: stay on the RP tree
  bool operator==(const PimGlobalConfig&) const = default;
};

// ---- ipv6 route-static PREFIX LEN { NEXTHOP | INTERFACE [NEXTHOP] } (system view) ----
struct StaticRouteConfig {
  Ipv6Prefix prefix;
  std::optional<NameRef> interface;
  std::optional<wire::Ipv6Address> nexthop;
  SourcePos pos;          // of PREFIX
  SourcePos nexthop_pos;  // of NEXTHOP
  bool operator==(const StaticRouteConfig&) const = default;
};

struct DataplaneConfig {
  uint32_t idle_sleep_us = 0;  // 0 = busy poll (default)
  bool operator==(const DataplaneConfig&) const = default;
};

struct Config {
  bool multicast_routing_enable = false;
  bool bfd_enable = false;
  std::map<std::string, RbsConfig> rbs;
  std::map<std::string, RbpConfig> rbp;
  std::map<std::string, BfdSessionConfig> bfd_sessions;
  std::map<std::string, InterfaceConfig> interfaces;
  std::vector<MetricsListen> metrics;
  DataplaneConfig dataplane;
  MldGlobalConfig mld;
  MldViewConfig mld_view;
  std::map<uint32_t, Acl6Config> acls;
  PimGlobalConfig pim;
  std::vector<StaticRouteConfig> static_routes;
  bool operator==(const Config&) const = default;

  const InterfaceConfig* find_interface(const std::string& name) const;
  const BfdSessionConfig* find_bfd_by_local_discriminator(uint32_t d) const;
};

}  // namespace tandem::config
