// A small neighbor cache (RFC 4861 §7.3) for the few unicast peers the router itself talks
// to (BFD peers, the RBS peer's next hop): INCOMPLETE → REACHABLE ⇄ STALE → PROBE, with
// multicast NS to the solicited-node group every RetransTimer (1 s), MAX_MULTICAST_SOLICIT
// (3) tries, then failure. Sans-IO: NS to send come out of take_solicitations().
//
// DELAY (§7.3.3) is folded into PROBE: the only upper-layer hint we have is a BFD packet
// from the peer (confirm_reachable), which already arrives every few ms while it matters.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control/common/time.h"
#include "control/wire/address.h"
#include "control/wire/nd.h"

namespace tandem::nd {

inline constexpr Duration kRetransTimer = std::chrono::seconds(1);    // RETRANS_TIMER
inline constexpr int kMaxMulticastSolicit = 3;                        // MAX_MULTICAST_SOLICIT
inline constexpr int kMaxUnicastSolicit = 3;                          // MAX_UNICAST_SOLICIT
inline constexpr Duration kReachableTime = std::chrono::seconds(30);  // REACHABLE_TIME

enum class NeighborState : uint8_t { incomplete, reachable, stale, probe };
const char* neighbor_state_name(NeighborState s);  // "INCOMPLETE", ...

// A Neighbor Solicitation to send: multicast to the solicited-node group while INCOMPLETE,
// unicast to the cached MAC in PROBE (§7.2.2). Build with wire::build_ns_body +
// build_icmpv6_frame (hop limit 255).
struct NsSpec {
  uint32_t ifindex = 0;
  wire::MacAddress src_mac;
  wire::MacAddress dst_mac;  // zero = derive 33:33:ff:xx:xx:xx from dst
  wire::Ipv6Address src;
  wire::Ipv6Address dst;
  wire::Ipv6Address target;
};

struct NeighborEvent {
  uint32_t ifindex = 0;
  wire::Ipv6Address address;
  bool resolved = false;  // false: resolution failed, entry removed
};

struct NeighborEntry {
  wire::Ipv6Address address;
  uint32_t ifindex = 0;
  NeighborState state = NeighborState::incomplete;
  std::optional<wire::MacAddress> mac;
  bool is_router = false;
  int probes_sent = 0;
  TimePoint deadline = kNever;  // next retransmit (INCOMPLETE/PROBE) or REACHABLE → STALE
  wire::Ipv6Address solicit_source;
};

struct NeighborCounters {
  uint64_t solicitations_sent = 0;
  uint64_t resolutions = 0;
  uint64_t resolution_failures = 0;
  uint64_t unresolved_lookups = 0;      // resolve() found no MAC: the caller queued or dropped
  uint64_t unsolicited_na_ignored = 0;  // NA for an address with no entry (§7.2.5)
};

class NeighborCache {
 public:
  // Our MAC and the address NS leave from when the caller gives no hint (the link-local).
  void set_interface(uint32_t ifindex, const wire::MacAddress& mac,
                     const wire::Ipv6Address& link_local);
  void remove_interface(uint32_t ifindex);

  // The MAC to use now, or nullopt (never a broadcast MAC): the caller queues or drops the
  // packet. Starts resolution when there is no entry, and a probe when the entry is STALE.
  // `source_hint` is the source address of the packet that needs it (§7.2.2).
  std::optional<wire::MacAddress> resolve(uint32_t ifindex, const wire::Ipv6Address& addr,
                                          TimePoint now,
                                          std::optional<wire::Ipv6Address> source_hint = {});
  // Pure read, no side effects.
  std::optional<wire::MacAddress> lookup(uint32_t ifindex, const wire::Ipv6Address& addr) const;
  const NeighborEntry* entry(uint32_t ifindex, const wire::Ipv6Address& addr) const;

  // §7.2.5 (NA) and §7.2.3 (NS with a Source Link-Layer Address: entry STALE).
  void on_na(uint32_t ifindex, const wire::NdMessage& na, TimePoint now);
  void on_ns(uint32_t ifindex, const wire::Ipv6Address& src, const wire::NdMessage& ns,
             TimePoint now);
  // Upper-layer reachability confirmation (a BFD packet from the peer), §7.3.1.
  void confirm_reachable(uint32_t ifindex, const wire::Ipv6Address& addr, TimePoint now);

  void on_timer(TimePoint now);
  TimePoint next_deadline() const;

  std::vector<NsSpec> take_solicitations() { return std::exchange(solicit_, {}); }
  std::vector<NeighborEvent> take_events() { return std::exchange(events_, {}); }
  const NeighborCounters& counters() const { return counters_; }
  std::vector<NeighborEntry> entries() const;

 private:
  using Key = std::pair<uint32_t, wire::Ipv6Address>;
  struct Interface {
    wire::MacAddress mac;
    wire::Ipv6Address link_local;
  };
  void solicit(NeighborEntry& e, TimePoint now);

  std::map<uint32_t, Interface> interfaces_;
  std::map<Key, NeighborEntry> entries_;
  std::vector<NsSpec> solicit_;
  std::vector<NeighborEvent> events_;
  NeighborCounters counters_;
};

}  // namespace tandem::nd
