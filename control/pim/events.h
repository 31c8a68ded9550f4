// What the PIM engine hands back (sans-IO, like the other engines): messages to send and the
// groups whose forwarding inputs changed, collected in Actions and drained by the caller
// after every call. Counters and receive drops are X-macro lists: enum, name and text from
// one place.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "control/wire/address.h"
#include "control/wire/pim.h"

namespace tandem::pim {

// PIM messages the engine reads and does not use, counted per interface.
#define TANDEM_PIM_FOREACH_RX_DROP(_)                                                       \
  _(interface_not_pim, "PIM is not enabled on the receiving interface")                     \
  _(own_message, "our own message looped back")                                             \
  _(not_from_neighbor, "Join/Prune or Assert from a router we have no Hello from (4.5)")    \
  _(join_prune_to_us, "Join/Prune naming us upstream: a last-hop router has no downstream") \
  _(unsupported_type, "PIM message type a last-hop router does not process")                \
  _(assert_not_tracked, "Assert for a group or source without state on the interface")

enum class RxDrop : uint8_t {
#define TANDEM_PIM_RXDROP_ENUM(sym, text) sym,
  TANDEM_PIM_FOREACH_RX_DROP(TANDEM_PIM_RXDROP_ENUM)
#undef TANDEM_PIM_RXDROP_ENUM
};
inline constexpr size_t kRxDropCount = 0
#define TANDEM_PIM_RXDROP_COUNT(sym, text) +1
    TANDEM_PIM_FOREACH_RX_DROP(TANDEM_PIM_RXDROP_COUNT)
#undef TANDEM_PIM_RXDROP_COUNT
    ;
const char* rx_drop_name(RxDrop d);
const char* rx_drop_text(RxDrop d);
using RxDropCounters = std::array<uint64_t, kRxDropCount>;

// Per-interface counters (metrics label `interface`).
struct InterfaceCounters {
  uint64_t hellos_sent = 0, hellos_received = 0;
  uint64_t join_prunes_sent = 0, join_prunes_received = 0;
  uint64_t joins_sent = 0, prunes_sent = 0;  // entries inside the messages
  uint64_t asserts_sent = 0, asserts_received = 0;
  uint64_t asserts_won = 0, asserts_lost = 0;
  uint64_t neighbor_ups = 0, neighbor_downs = 0;
  RxDropCounters rx_drops{};
};

// A PIM message to send on `ifindex`: from its link-local address to ff02::d, hop limit 1
// (RFC 7761 §4.9), built with wire::build_pim_message_frame.
struct MessageOut {
  uint32_t ifindex = 0;
  wire::PimMessage message;
};

struct Actions {
  std::vector<MessageOut> messages;
  // Groups whose RPF interface, source-tree entries, source notifications or Assert
  // exclusions changed: the FIB entries of these groups must be recomputed.
  std::vector<wire::Ipv6Address> changed_groups;

  bool empty() const { return messages.empty() && changed_groups.empty(); }
};

}  // namespace tandem::pim
