// Every reason a packet is dropped, defined once (VPP's foreach_*_error habit): the enum,
// its snake_case name (decode's "drop_reason", the metrics label "reason") and its human
// text all come from this one list. Grouped by the stage that raises them, "none" first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tandem::wire {

#define TANDEM_FOREACH_DROP_REASON(_)                                                         \
  _(none, "not dropped")                                                                      \
  /* Ethernet */                                                                              \
  _(eth_truncated, "frame shorter than its Ethernet (and 802.1Q) header")                     \
  _(not_ipv6, "EtherType is not IPv6")                                                        \
  /* IPv6 and its extension chain (RFC 8200) */                                               \
  _(ipv6_truncated, "shorter than the 40-byte IPv6 header")                                   \
  _(ipv6_bad_version, "IP version field is not 6")                                            \
  _(ipv6_bad_payload_length, "IPv6 payload length runs past the frame")                       \
  _(ipv6_multicast_source, "source address is multicast (RFC 4291 2.7)")                      \
  _(ext_header_truncated, "extension header runs past the payload")                           \
  _(ext_chain_too_long, "more extension headers than the bounded walk allows")                \
  _(hop_by_hop_not_first, "hop-by-hop options header not directly after IPv6 (RFC 8200 4.1)") \
  _(ext_option_malformed, "option TLV runs past its extension header")                        \
  _(fragmented_control, "control packet (ICMPv6/VRRP/BFD/PIM) in a fragment")                 \
  /* ICMPv6 (RFC 4443) */                                                                     \
  _(icmpv6_truncated, "ICMPv6 message shorter than its 4-byte header")                        \
  _(icmpv6_bad_checksum, "ICMPv6 checksum does not match the pseudo-header sum")              \
  /* MLD (RFC 3810 5, 6.2; RFC 2710 5) */                                                     \
  _(mld_hop_limit_not_one, "MLD message with hop limit other than 1")                         \
  _(mld_source_not_link_local, "MLD message from a source that is not link-local")            \
  _(mld_bad_length, "MLD message length does not fit its type")                               \
  _(mld_record_truncated, "MLDv2 report record runs past the message")                        \
  _(mld_bad_record_type, "MLDv2 record type is not 1 to 6")                                   \
  _(mld_group_not_multicast, "MLD group field is not a multicast address")                    \
  _(mld_query_from_unspecified, "MLD query from the unspecified address")                     \
  /* Neighbor discovery (RFC 4861 7.1) */                                                     \
  _(nd_hop_limit_not_255, "ND message with hop limit other than 255")                         \
  _(nd_bad_code, "ND message with ICMP code other than 0")                                    \
  _(nd_bad_length, "ND message shorter than its fixed part")                                  \
  _(nd_bad_option, "ND option of length 0 or past the end")                                   \
  _(nd_target_multicast, "NS/NA target address is multicast")                                 \
  _(nd_dad_with_source_lla, "NS from :: carries a source link-layer option")                  \
  _(nd_solicited_na_to_multicast, "NA to a multicast destination has the S flag")             \
  /* UDP (RFC 8200 8.1) */                                                                    \
  _(udp_truncated, "UDP datagram shorter than its header")                                    \
  _(udp_bad_length, "UDP length field disagrees with the IPv6 payload")                       \
  _(udp_bad_checksum, "UDP checksum zero (mandatory over IPv6, RFC 8200 8.1)")                \
  /* VRRPv3 (RFC 5798 7.1) */                                                                 \
  _(vrrp_hop_limit_not_255, "VRRP advert with hop limit other than 255")                      \
  _(vrrp_bad_version, "VRRP version is not 3")                                                \
  _(vrrp_bad_type, "VRRP type is not 1 (advertisement)")                                      \
  _(vrrp_bad_length, "VRRP length does not match its address count")                          \
  _(vrrp_bad_checksum, "VRRP checksum does not match the pseudo-header sum")                  \
  _(vrrp_bad_vrid, "VRRP VRID is 0")                                                          \
  _(vrrp_no_addresses, "VRRP advert carries no IPvX address")                                 \
  /* BFD control (RFC 5880 6.8.6, RFC 5881 5) */                                              \
  _(bfd_hop_limit_not_255, "BFD packet with hop limit other than 255")                        \
  _(bfd_bad_version, "BFD version is not 1")                                                  \
  _(bfd_bad_length, "BFD length under 24 (26 with A) or past the payload")                    \
  _(bfd_zero_detect_mult, "BFD Detect Mult is 0")                                             \
  _(bfd_multipoint, "BFD Multipoint bit set")                                                 \
  _(bfd_zero_my_discriminator, "BFD My Discriminator is 0")                                   \
  _(bfd_zero_your_discriminator, "BFD Your Discriminator 0 in state Init or Up")              \
  _(bfd_auth_not_configured, "BFD A bit set, no authentication configured")                   \
  _(bfd_bad_source_port, "BFD source port outside 49152-65535")                               \
  /* PIM (RFC 7761 4.9) */                                                                    \
  _(pim_truncated, "PIM message shorter than its 4-byte header")                              \
  _(pim_bad_version, "PIM version is not 2")                                                  \
  _(pim_bad_checksum, "PIM checksum does not match the pseudo-header sum")                    \
  _(pim_hop_limit_not_one, "PIM Hello/Join-Prune/Assert with hop limit other than 1")         \
  _(pim_source_not_link_local, "PIM Hello/Join-Prune/Assert from a non-link-local source")    \
  _(pim_option_truncated, "PIM Hello option runs past the message")                           \
  _(pim_bad_option_length, "PIM Hello option length wrong for its type")                      \
  _(pim_bad_address_family, "PIM encoded address family is not IPv6 (2)")                     \
  _(pim_bad_encoding_type, "PIM encoded address encoding type is not 0 (native)")             \
  _(pim_bad_length, "PIM Join/Prune or Assert ends inside its fields or entries")             \
  /* Data plane forwarding (DESIGN.md 4) */                                                   \
  _(rpf_fail,                                                                                 \
    "multicast data on an interface other than the entry's RPF interface and not upstream")   \
  _(hop_limit_expired, "multicast data with hop limit 1 or 0")                                \
  _(no_route, "no (S,G) or (*,G) entry for the group")                                        \
  _(no_egress, "entry has no open egress interface")                                          \
  _(not_forwardable, "unspecified, link-scope or otherwise unroutable multicast")             \
  _(not_for_us, "unicast or control packet not addressed to this router")                     \
  _(punt_ring_full, "punt ring to the control core full")                                     \
  _(punt_policed, "punt rate limit exceeded")                                                 \
  _(mbuf_alloc_failed, "no mbuf for a copy or clone")                                         \
  _(tx_full, "TX queue full")

enum class DropReason : uint8_t {
#define TANDEM_DROP_ENUM(sym, text) sym,
  TANDEM_FOREACH_DROP_REASON(TANDEM_DROP_ENUM)
#undef TANDEM_DROP_ENUM
};

inline constexpr size_t kDropReasonCount = 0
#define TANDEM_DROP_COUNT(sym, text) +1
    TANDEM_FOREACH_DROP_REASON(TANDEM_DROP_COUNT)
#undef TANDEM_DROP_COUNT
    ;

// snake_case name: "hop_limit_expired".
std::string_view drop_reason_name(DropReason r);
// One line of human text.
std::string_view drop_reason_text(DropReason r);
std::optional<DropReason> drop_reason_from_name(std::string_view name);

}  // namespace tandem::wire
