// Sorting received frames (DESIGN.md §1): control traffic for the control core, multicast
// data to forward, or a drop with its reason. Pure functions of the frame's bytes, no DPDK:
// the worker calls them per frame, and the unit tests check the fast path against the full
// header walk.
#pragma once

#include <emmintrin.h>

#include <cstdint>
#include <cstring>

#include "control/wire/headers.h"
#include "control/wire/pim.h"  // kProtoPim: next header 103 (RFC 7761 §4.9)
#include "dataplane/types.h"

namespace tandem::dataplane {

// ICMPv6 types punted as MLD (RFC 2710 §3, RFC 3810 §5) and ND (RFC 4861 §4.3, §4.4).
constexpr uint8_t kIcmpMldQuery = 130;
constexpr uint8_t kIcmpMldV1Report = 131;
constexpr uint8_t kIcmpMldV1Done = 132;
constexpr uint8_t kIcmpMldV2Report = 143;
constexpr uint8_t kIcmpNs = 135;
constexpr uint8_t kIcmpNa = 136;
constexpr uint16_t kBfdPort = 3784;  // RFC 5881 §4
constexpr uint32_t kIpv6HopLimitOffset = 7;
constexpr uint32_t kIpv6SrcOffset = 8;
constexpr uint32_t kIpv6DstOffset = 24;
constexpr uint32_t kEthLen = 14;

enum class Verdict : uint8_t { drop, punt, data };

struct Classified {
  Verdict verdict;
  wire::DropReason reason;
  PuntClass cls;
};

// What rides with a punted frame to the control core, in the 8 bytes of the mbuf's hash
// field (punt.h): its class, and where the worker's walk found the headers, so the control
// core parses from there (wire::parse_classified) instead of walking the chain again.
struct PuntTag {
  PuntClass cls = PuntClass::mld;
  uint8_t l3_offset = 0;  // 14, or 18 behind an 802.1Q tag
  uint8_t upper_protocol = wire::kProtoNoNext;
  bool router_alert = false;
  uint16_t upper_offset = 0;  // a single-segment frame is at most 16 bits long
  uint16_t router_alert_value = 0;

  // A frame classify() punted: `w` is its walk.
  static PuntTag control(PuntClass c, const wire::HeaderWalk& w) {
    return {c,
            static_cast<uint8_t>(w.l3_offset),
            w.upper_protocol,
            w.router_alert,
            static_cast<uint16_t>(w.upper_offset),
            w.router_alert_value};
  }
  // Multicast data sampled for PIM (PuntClass::data), its IPv6 header at `l3_offset`.
  static PuntTag data(uint16_t l3_offset) {
    PuntTag t;
    t.cls = PuntClass::data;
    t.l3_offset = static_cast<uint8_t>(l3_offset);
    return t;
  }
  wire::FrameHint hint() const {
    wire::FrameHint h;
    h.kind = cls == PuntClass::data ? wire::FrameHint::Kind::data : wire::FrameHint::Kind::control;
    h.l3_offset = l3_offset;
    h.upper_offset = upper_offset;
    h.upper_protocol = upper_protocol;
    h.router_alert = router_alert;
    h.router_alert_value = router_alert_value;
    return h;
  }
};
static_assert(sizeof(PuntTag) == 8);

// The forwarding fast path's usual frame: untagged IPv6, a whole UDP header right after the
// fixed header and the packet ending exactly where the frame does, hop limit above 1, from a
// source that is not multicast, not BFD. Frame bytes 12-27 are checked in one 16-byte
// compare: EtherType, IP version and next header must match, and the hop limit (masked to
// its upper 7 bits) and the first source byte must not (a hop limit of 0 or 1, a multicast
// source). The destination is not looked at: plain_udp_multicast() adds that.
constexpr unsigned kPlainHeadMatch = 0xffffu & ~(1u << 9) & ~(1u << 10);
inline bool plain_udp(const uint8_t* f, uint16_t len) {
  constexpr uint32_t kUdpOffset = kEthLen + wire::kIpv6HeaderLen;
  if (len < kUdpOffset + 8) return false;
  const __m128i mask =
      _mm_setr_epi8(-1, -1, 0xf0 - 256, 0, 0, 0, 0, 0, -1, 0xfe - 256, -1, 0, 0, 0, 0, 0);
  const __m128i want = _mm_setr_epi8(0x86 - 256, 0xdd - 256, 0x60, 0, 0, 0, 0, 0,
                                     static_cast<char>(wire::kProtoUdp), 0, -1, 0, 0, 0, 0, 0);
  const __m128i head = _mm_loadu_si128(reinterpret_cast<const __m128i*>(f + 12));
  const auto same =
      static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(head, mask), want)));
  uint16_t payload_wire, dport;
  std::memcpy(&payload_wire, f + 18, 2);
  std::memcpy(&dport, f + kUdpOffset + 2, 2);
  constexpr uint16_t kBfdPortWire = (kBfdPort >> 8) | ((kBfdPort & 0xff) << 8);
  // The payload fills the frame to its end: with the length checked above, it holds at
  // least the UDP header. Compared in wire order.
  const auto payload_want = static_cast<uint16_t>(len - kUdpOffset);
  return same == kPlainHeadMatch && payload_wire == __builtin_bswap16(payload_want) &&
         dport != kBfdPortWire;
}

// A destination that routers forward: multicast with a scope above link-local (RFC 4291
// §2.7: ff0X:: with X > 2). Byte 0 then byte 1's scope nibble, as one number: exactly
// 0xff03 and above.
inline bool routable_group(const uint8_t* dst) {
  uint16_t head;
  std::memcpy(&head, dst, 2);
  return static_cast<uint16_t>(__builtin_bswap16(head & 0x0fff)) >= 0xff03;
}

// plain_udp() to a routable group: exactly the frames the full walk below would classify as
// data with no extension header, no bytes after the packet, and that would not expire here.
// Anything else takes the full walk.
inline bool plain_udp_multicast(const uint8_t* f, uint16_t len) {
  return plain_udp(f, len) && routable_group(f + kEthLen + kIpv6DstOffset);
}

// The full walk, for frames plain_udp_multicast() does not take.
// Control traffic (MLD, ND, VRRP, BFD, PIM), multicast data, or a drop reason. Only the first
// segment is examined: ports are set up without scattered RX and with the default MTU, so a
// received frame is always one segment (a multi-segment frame would fail the payload-length check
// and be counted, never read out of bounds).
inline Classified classify(const uint8_t* frame, uint32_t len, wire::HeaderWalk& w) {
  w = wire::walk_headers(frame, len);
  if (w.drop != wire::DropReason::none) [[unlikely]] {
    return {Verdict::drop, w.drop, PuntClass::mld};
  }
  // A later fragment carries no upper-layer header: only its destination can be judged.
  bool upper_visible = !w.fragment || w.first_fragment;
  if (upper_visible && w.upper_offset <= w.l3_end && w.upper_offset <= len) {
    const uint8_t* up = frame + w.upper_offset;
    uint32_t up_len = w.l3_end - w.upper_offset;
    int punt = -1;
    if (w.upper_protocol == wire::kProtoIcmpv6 && up_len >= 1) {
      switch (up[0]) {
        case kIcmpMldQuery:
        case kIcmpMldV1Report:
        case kIcmpMldV1Done:
        case kIcmpMldV2Report: punt = static_cast<int>(PuntClass::mld); break;
        case kIcmpNs:
        case kIcmpNa: punt = static_cast<int>(PuntClass::nd); break;
        default: break;
      }
    } else if (w.upper_protocol == wire::kProtoVrrp) {
      punt = static_cast<int>(PuntClass::vrrp);
    } else if (w.upper_protocol == wire::kProtoPim) {
      // Every PIM message, to ff02::d or unicast (Register, Register-Stop): the control
      // core checks the checksum and whether it is for this router.
      punt = static_cast<int>(PuntClass::pim);
    } else if (w.upper_protocol == wire::kProtoUdp && up_len >= 8 &&
               wire::load_be16(up + 2) == kBfdPort) {
      punt = static_cast<int>(PuntClass::bfd);
    }
    if (punt >= 0) {
      if (w.fragment) return {Verdict::drop, wire::DropReason::fragmented_control, PuntClass::mld};
      return {Verdict::punt, wire::DropReason::none, static_cast<PuntClass>(punt)};
    }
  }
  const uint8_t* dst = frame + w.l3_offset + kIpv6DstOffset;
  if (dst[0] != 0xff) return {Verdict::drop, wire::DropReason::not_for_us, PuntClass::mld};
  // RFC 4291 §2.7: scopes 0-2 (reserved, interface-local, link-local) are never routed.
  if ((dst[1] & 0x0f) <= 2)
    return {Verdict::drop, wire::DropReason::not_forwardable, PuntClass::mld};
  return {Verdict::data, wire::DropReason::none, PuntClass::mld};
}

}  // namespace tandem::dataplane
