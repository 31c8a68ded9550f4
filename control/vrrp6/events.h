// What a VRRP6 engine hands back to its caller: packets to send and events, collected in an
// Actions box the daemon drains after every call (sans-IO, STYLE.md §4). States, reasons and
// receive drops are X-macro lists so enum, name and text come from one place.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "control/wire/address.h"
#include "control/wire/vrrp.h"

namespace tandem::vrrp6 {

enum class State : uint8_t { initialize, backup, master };
const char* state_name(State s);  // "Initialize", "Backup", "Master"

// Why an instance changed state; every change_state() call names one.
#define TANDEM_VRRP6_FOREACH_REASON(_)                                                \
  _(startup, "Startup event (RFC 5798 6.4.1)")                                        \
  _(owner_startup, "address owner (priority 255) starts as Master (RFC 5798 6.4.1)")  \
  _(master_down_timer, "Master_Down_Timer fired (RFC 5798 6.4.2)")                    \
  _(preempt_delay_expired, "preempt delay over, lower-priority Master preempted")     \
  _(higher_priority_advert, "advert with a higher priority (RFC 5798 6.4.3)")         \
  _(equal_priority_higher_address,                                                    \
    "advert with equal priority from a higher primary address (RFC 5798 6.4.3)")      \
  _(shutdown, "Shutdown event: instance disabled or removed (RFC 5798 6.4.2, 6.4.3)") \
  _(interface_down, "interface went down")                                            \
  _(interface_up, "interface came up")                                                \
  _(peer_bfd_down, "tracked peer BFD session down: Backup takes over at once")        \
  _(link_bfd_down, "tracked link BFD session down: Initialize")                       \
  _(link_bfd_up, "tracked link BFD session up again")                                 \
  _(admin_master, "mVRRP6 became Master")                                             \
  _(admin_backup, "mVRRP6 became Backup")                                             \
  _(admin_initialize, "mVRRP6 is Initialize or missing")

enum class Reason : uint8_t {
#define TANDEM_VRRP6_REASON_ENUM(sym, text) sym,
  TANDEM_VRRP6_FOREACH_REASON(TANDEM_VRRP6_REASON_ENUM)
#undef TANDEM_VRRP6_REASON_ENUM
};
const char* reason_name(Reason r);  // snake_case
const char* reason_text(Reason r);

// Adverts the engine ignores after the wire parser accepted them (RFC 5798 §7.1 checks that
// need configuration), each counted per instance or, for an unknown VRID, per manager.
#define TANDEM_VRRP6_FOREACH_RX_DROP(_)                                                    \
  _(vrid_not_configured, "no VRRP6 group with this VRID on the interface (RFC 5798 7.1)")  \
  _(owner_ignores, "we are the address owner (priority 255): adverts ignored (7.1)")       \
  _(address_list_mismatch, "address list differs from ours and sender is not owner (7.1)") \
  _(not_running, "instance is in Initialize")                                              \
  _(member_group, "service (member) group follows its mVRRP6, adverts not used")           \
  _(own_advert, "our own advert looped back")                                              \
  _(lower_priority_ignored, "Backup preempting: lower-priority advert ignored (6.4.2)")    \
  _(lower_or_equal_discarded, "Master: advert that does not win discarded (6.4.3)")

enum class RxDrop : uint8_t {
#define TANDEM_VRRP6_RXDROP_ENUM(sym, text) sym,
  TANDEM_VRRP6_FOREACH_RX_DROP(TANDEM_VRRP6_RXDROP_ENUM)
#undef TANDEM_VRRP6_RXDROP_ENUM
};
inline constexpr size_t kRxDropCount = 0
#define TANDEM_VRRP6_RXDROP_COUNT(sym, text) +1
    TANDEM_VRRP6_FOREACH_RX_DROP(TANDEM_VRRP6_RXDROP_COUNT)
#undef TANDEM_VRRP6_RXDROP_COUNT
    ;
const char* rx_drop_name(RxDrop d);
const char* rx_drop_text(RxDrop d);
using RxDropCounters = std::array<uint64_t, kRxDropCount>;

struct StateChange {
  uint32_t ifindex = 0;
  uint8_t vrid = 0;
  State from = State::initialize;
  State to = State::initialize;
  Reason reason = Reason::startup;
};

// An advert to send: IPv6 src = `src` (our link-local), dst ff02::12, hop limit 255,
// Ethernet src = the virtual MAC (RFC 5798 §5.1.1, §7.3). Built with
// wire::build_vrrp_advert_frame(src, advert).
struct AdvertOut {
  uint32_t ifindex = 0;
  wire::Ipv6Address src;
  wire::VrrpAdvertSpec advert;
};

// Unsolicited NA for one virtual address on becoming Master (RFC 5798 §6.4.2, RFC 4861
// §7.2.6): IPv6 src = target, dst ff02::1, R=1 S=0 O=1, Target LLA = vmac, Ethernet src vmac.
struct NaOut {
  uint32_t ifindex = 0;
  wire::Ipv6Address target;
  wire::MacAddress vmac;
};

// "Program the virtual MAC on the port": add on entering Master, remove on leaving it.
struct VmacChange {
  uint32_t ifindex = 0;
  uint8_t vrid = 0;
  wire::MacAddress vmac;
  bool add = false;
};

// A service (member) group's hold on its interface: held while its mVRRP6 is Backup or
// Initialize, released when it is Master (the member follows it). The multicast gate of the
// service interface is closed while held, in both modes; with flowdown (the default) the
// interface also carries no MLD service (passive: no queries, reports left alone, replicated
// state still applied) while held. The member's virtual addresses are answered only while it
// is Master, so ND needs no extra event. The daemon must not feed this back into the member
// as an interface-down event.
struct FlowdownChange {
  uint32_t ifindex = 0;  // the service interface
  uint8_t vrid = 0;      // the service group
  bool down = false;     // held: the mVRRP6 is not Master
  bool flowdown = true;  // false with `unflowdown`: only the gate follows the mVRRP6
  Reason reason = Reason::admin_backup;
};

struct Actions {
  std::vector<AdvertOut> adverts;
  std::vector<NaOut> neighbor_adverts;
  std::vector<StateChange> state_changes;
  std::vector<VmacChange> vmac_changes;
  std::vector<FlowdownChange> flowdown_changes;

  bool empty() const {
    return adverts.empty() && neighbor_adverts.empty() && state_changes.empty() &&
           vmac_changes.empty() && flowdown_changes.empty();
  }
  void clear() { *this = Actions{}; }
};

}  // namespace tandem::vrrp6
