// PIM-SM messages for IPv6 (RFC 7761 §4.9): the common header, the encoded address forms
// (§4.9.1) and the three messages a last-hop router sends and reads: Hello (§4.9.2),
// Join/Prune (§4.9.5) and Assert (§4.9.6). Parsers read spans and never allocate beyond the
// vectors they fill; the checksum (§4.9: ICMPv6-style, over the IPv6 pseudo-header with next
// header 103 and the whole message) is checked by parse_frame, which knows the pseudo-header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "control/wire/address.h"
#include "control/wire/drop_reason.h"

namespace tandem::wire {

inline constexpr uint8_t kProtoPim = 103;
inline constexpr uint8_t kPimVersion = 2;
inline constexpr uint32_t kPimHeaderLen = 4;
// Address family of the encoded forms (IANA address family numbers): 2 = IPv6.
inline constexpr uint8_t kPimAddressFamilyIpv6 = 2;

enum class PimType : uint8_t {
  hello = 0,
  register_ = 1,
  register_stop = 2,
  join_prune = 3,
  bootstrap = 4,
  assert_ = 5,
  graft = 6,
  graft_ack = 7,
  candidate_rp_advertisement = 8,
};

// Hello option types (§4.9.2, IANA "PIM-Hello Options").
inline constexpr uint16_t kPimOptHoldtime = 1;
inline constexpr uint16_t kPimOptLanPruneDelay = 2;
inline constexpr uint16_t kPimOptDrPriority = 19;
inline constexpr uint16_t kPimOptGenerationId = 20;
inline constexpr uint16_t kPimOptAddressList = 24;

struct PimLanPruneDelay {
  bool t_bit = false;                 // join suppression disabled by the sender
  uint16_t propagation_delay_ms = 0;  // 15 bits
  uint16_t override_interval_ms = 0;
  bool operator==(const PimLanPruneDelay&) const = default;
};

// A Hello's options; absent ones stay empty (unknown options are skipped, §4.9.2).
struct PimHello {
  std::optional<uint16_t> holdtime_s;  // 0 = neighbor leaving, 0xffff = never time out
  std::optional<uint32_t> dr_priority;
  std::optional<uint32_t> generation_id;
  std::optional<PimLanPruneDelay> lan_prune_delay;
  std::vector<Ipv6Address> address_list;  // secondary (global) addresses of the sender
  bool operator==(const PimHello&) const = default;
};

// Encoded-Source (§4.9.1) inside a Join/Prune group set. mask_len is 128 for every source
// a router sends; the flags say how to read the entry: S (sparse, always 1), W (wildcard:
// the source is the RP, a (*,G) entry), R (RPT: the entry applies to the RP tree).
struct PimSourceEntry {
  Ipv6Address source;
  uint8_t mask_len = 128;
  bool sparse = true;
  bool wildcard = false;
  bool rpt = false;
  bool operator==(const PimSourceEntry&) const = default;
};

struct PimGroupSet {
  Ipv6Address group;
  uint8_t mask_len = 128;
  bool bidir = false;       // B bit of the Encoded-Group
  bool admin_zone = false;  // Z bit
  std::vector<PimSourceEntry> joins;
  std::vector<PimSourceEntry> prunes;
  bool operator==(const PimGroupSet&) const = default;
};

struct PimJoinPrune {
  Ipv6Address upstream_neighbor;  // the RPF neighbor's link-local address (§4.9.5)
  uint16_t holdtime_s = 0;
  std::vector<PimGroupSet> groups;
  bool operator==(const PimJoinPrune&) const = default;
};

// Assert (§4.9.6). A (*,G) Assert carries the RP tree bit and source = the wildcard "::".
// An AssertCancel has metric_preference and metric at their maximum (§4.6.1 "infinite").
struct PimAssert {
  Ipv6Address group;
  uint8_t group_mask_len = 128;
  Ipv6Address source;
  bool rpt = false;
  uint32_t metric_preference = 0;  // 31 bits on the wire
  uint32_t metric = 0;
  bool operator==(const PimAssert&) const = default;
};
inline constexpr uint32_t kPimAssertInfinitePreference = 0x7fffffffu;
inline constexpr uint32_t kPimAssertInfiniteMetric = 0xffffffffu;

struct PimMessage {
  PimType type = PimType::hello;
  uint16_t checksum = 0;
  PimHello hello;            // type hello
  PimJoinPrune join_prune;   // type join_prune
  PimAssert assert_message;  // type assert_
  bool operator==(const PimMessage&) const = default;
};

// Parses the PIM message (after the IPv6 chain). Types other than the three above parse
// their header only (the caller reports them as `other`). Checksum: checked by parse_frame.
struct PimParse {
  DropReason drop = DropReason::none;
  PimMessage message;
};
PimParse parse_pim(std::span<const uint8_t> payload);

// The checks every PIM message passes before anything else (§4.9): at least the 4-byte
// header (pim_truncated) and version 2 (pim_bad_version). parse_pim starts with them;
// parse_frame runs them before the checksum, as FRR's pim_pim_packet does.
DropReason check_pim_header(std::span<const uint8_t> message);
// The Type field; only after check_pim_header passed.
PimType pim_type_of(std::span<const uint8_t> message);

// §4.9: a Register's checksum covers only its first 8 bytes (header and flags), with the
// pseudo-header's Upper-Layer Packet Length set to 8; a sum over the whole Register is to be
// accepted as well. Every other type sums the whole message.
inline constexpr size_t kPimRegisterChecksumLen = 8;
size_t pim_register_checksum_length(std::span<const uint8_t> message);

// Message bodies with a zero checksum; build_pim_frame (frame.h) fills it in.
std::vector<uint8_t> build_pim_hello_body(const PimHello& h);
std::vector<uint8_t> build_pim_join_prune_body(const PimJoinPrune& jp);
std::vector<uint8_t> build_pim_assert_body(const PimAssert& a);
std::vector<uint8_t> build_pim_body(const PimMessage& m);  // by m.type (the three above)

namespace addr {
Ipv6Address all_pim_routers();  // ff02::d (RFC 7761 §4.9)
}  // namespace addr

}  // namespace tandem::wire
