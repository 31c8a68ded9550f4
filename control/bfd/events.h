// What a BFD engine hands back: control packets to send and session state changes, in an
// Actions box the daemon drains. Reasons and receive drops are X-macro lists.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "control/wire/address.h"
#include "control/wire/bfd.h"

namespace tandem::bfd {

using wire::BfdDiag;
using wire::BfdState;

#define TANDEM_BFD_FOREACH_REASON(_)                                                   \
  _(remote_down, "remote reports Down: Down -> Init (RFC 5880 6.8.6)")                 \
  _(remote_init, "remote reports Init (RFC 5880 6.8.6)")                               \
  _(remote_up, "remote reports Up: Init -> Up (RFC 5880 6.8.6)")                       \
  _(neighbor_signaled_down, "remote reports Down while we are Up (diag 3)")            \
  _(neighbor_admin_down, "remote reports AdminDown (diag 3, RFC 5880 6.8.6)")          \
  _(detection_time_expired, "no packet for a Detection Time (diag 1, RFC 5880 6.8.4)") \
  _(local_admin_down, "session shut down by configuration (diag 7, RFC 5880 6.8.16)")  \
  _(local_admin_up, "shutdown undone: AdminDown -> Down")

enum class Reason : uint8_t {
#define TANDEM_BFD_REASON_ENUM(sym, text) sym,
  TANDEM_BFD_FOREACH_REASON(TANDEM_BFD_REASON_ENUM)
#undef TANDEM_BFD_REASON_ENUM
};
const char* reason_name(Reason r);
const char* reason_text(Reason r);

// Receive checks of RFC 5880 §6.8.6 that need the session table (the wire parser already
// did version, length, detect mult, M, my/your discriminator zero, A, hop limit, port).
#define TANDEM_BFD_FOREACH_RX_DROP(_)                                                    \
  _(unknown_discriminator, "Your Discriminator names no session (RFC 5880 6.8.6)")       \
  _(no_session, "Your Discriminator 0 and no session for (interface, peer, local)")      \
  _(session_mismatch, "Your Discriminator names a session on another interface or peer") \
  _(remote_discriminator_mismatch, "My Discriminator is not the configured remote one")  \
  _(admin_down, "session is AdminDown: packet discarded (RFC 5880 6.8.6)")

enum class RxDrop : uint8_t {
#define TANDEM_BFD_RXDROP_ENUM(sym, text) sym,
  TANDEM_BFD_FOREACH_RX_DROP(TANDEM_BFD_RXDROP_ENUM)
#undef TANDEM_BFD_RXDROP_ENUM
};
inline constexpr size_t kRxDropCount = 0
#define TANDEM_BFD_RXDROP_COUNT(sym, text) +1
    TANDEM_BFD_FOREACH_RX_DROP(TANDEM_BFD_RXDROP_COUNT)
#undef TANDEM_BFD_RXDROP_COUNT
    ;
const char* rx_drop_name(RxDrop d);
const char* rx_drop_text(RxDrop d);
using RxDropCounters = std::array<uint64_t, kRxDropCount>;

// One control packet: UDP src_port → 3784, hop limit 255 (RFC 5881 §4, §5). Built with
// wire::build_bfd_frame once the daemon has the peer's MAC (nd::NeighborCache).
struct TxPacket {
  wire::BfdControl control;
  wire::Ipv6Address src;
  wire::Ipv6Address dst;
  uint16_t src_port = 0;
  uint32_t ifindex = 0;
};

struct StateChange {
  std::string name;
  uint32_t local_discriminator = 0;
  uint32_t ifindex = 0;
  wire::Ipv6Address peer;
  BfdState from = BfdState::down;
  BfdState to = BfdState::down;
  BfdDiag diag = BfdDiag::none;
  Reason reason = Reason::remote_down;
};

struct Actions {
  std::vector<TxPacket> packets;
  std::vector<StateChange> state_changes;
  bool empty() const { return packets.empty() && state_changes.empty(); }
};

}  // namespace tandem::bfd
