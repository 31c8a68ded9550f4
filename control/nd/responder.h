// Neighbor discovery for the router itself (RFC 4861 §7.2.3–7.2.4): answer Neighbor
// Solicitations for the interfaces' own addresses, and for VRRP6 virtual addresses while a
// predicate (the VRRP6 engine, which nd/ may not include) says this router is Master.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "control/wire/address.h"
#include "control/wire/nd.h"

namespace tandem::nd {

// A Neighbor Advertisement to send. Build with wire::build_na_body + build_icmpv6_frame
// (hop limit 255, RFC 4861 §7.1.2).
struct NaSpec {
  uint32_t ifindex = 0;
  wire::MacAddress src_mac;  // the interface MAC, or the virtual MAC for a virtual address
  wire::MacAddress dst_mac;  // zero = derive 33:33:xx from dst (ff02::1)
  wire::Ipv6Address src;     // the target itself (RFC 4861 §7.2.4 "source address")
  wire::Ipv6Address dst;     // the solicitation's source, or ff02::1 when it was ::
  wire::Ipv6Address target;
  bool router = true;
  bool solicited = false;
  bool override_flag = true;
  wire::MacAddress target_lla;
};

#define TANDEM_ND_FOREACH_NS_IGNORE(_)                                               \
  _(unknown_interface, "NS on an interface ND does not know")                        \
  _(not_our_target, "target is neither ours nor a virtual address we are Master of") \
  _(no_link_layer_address, "no source link-layer option and no Ethernet source")

enum class NsIgnore : uint8_t {
#define TANDEM_ND_NS_IGNORE_ENUM(sym, text) sym,
  TANDEM_ND_FOREACH_NS_IGNORE(TANDEM_ND_NS_IGNORE_ENUM)
#undef TANDEM_ND_NS_IGNORE_ENUM
};
inline constexpr size_t kNsIgnoreCount = 0
#define TANDEM_ND_NS_IGNORE_COUNT(sym, text) +1
    TANDEM_ND_FOREACH_NS_IGNORE(TANDEM_ND_NS_IGNORE_COUNT)
#undef TANDEM_ND_NS_IGNORE_COUNT
    ;
const char* ns_ignore_name(NsIgnore r);
using NsIgnoreCounters = std::array<uint64_t, kNsIgnoreCount>;

class Responder {
 public:
  // Returns the virtual MAC when this router is Master for `target` on `ifindex`
  // (vrrp6::Manager::should_answer_ns fits).
  using VirtualPredicate =
      std::function<std::optional<wire::MacAddress>(uint32_t ifindex, const wire::Ipv6Address&)>;

  void set_interface(uint32_t ifindex, const wire::MacAddress& mac,
                     std::vector<wire::Ipv6Address> addresses);
  void remove_interface(uint32_t ifindex);
  void set_virtual_predicate(VirtualPredicate p) { virtual_ = std::move(p); }

  // `ns` passed wire::parse_nd (§7.1.1 checks). `eth_src` is the frame's source MAC, used
  // when the NS carries no Source Link-Layer Address option.
  std::optional<NaSpec> on_ns(uint32_t ifindex, const wire::Ipv6Address& src,
                              const wire::MacAddress& eth_src, const wire::NdMessage& ns);

  bool is_own_address(uint32_t ifindex, const wire::Ipv6Address& a) const;

  uint64_t answered() const { return answered_; }
  uint64_t answered_virtual() const { return answered_virtual_; }
  // NS from :: (DAD) for an address we hold: answered to ff02::1 with S=0 (§7.2.4).
  uint64_t dad_defended() const { return dad_defended_; }
  // Ignored NS: in all, and by receiving interface (the daemon's drop table has a row each).
  uint64_t ignored(NsIgnore r) const;
  const std::map<uint32_t, NsIgnoreCounters>& ignored_by_interface() const { return ignored_; }

 private:
  struct Interface {
    wire::MacAddress mac;
    std::vector<wire::Ipv6Address> addresses;
  };
  std::map<uint32_t, Interface> interfaces_;
  VirtualPredicate virtual_;
  uint64_t answered_ = 0, answered_virtual_ = 0, dad_defended_ = 0;
  std::map<uint32_t, NsIgnoreCounters> ignored_;  // by ifindex
  void ignore(uint32_t ifindex, NsIgnore r) { ++ignored_[ifindex][static_cast<size_t>(r)]; }
};

}  // namespace tandem::nd
