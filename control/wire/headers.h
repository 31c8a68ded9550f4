// Ethernet (with one 802.1Q tag) and IPv6 with a bounded walk of its extension chain.
// Header-only and allocation-free: the data-plane classifier inlines it per packet, the
// control core's full parser (frame.h) starts from the same walk.
#pragma once

#include <cstdint>

#include "control/wire/byte_io.h"
#include "control/wire/drop_reason.h"

namespace tandem::wire {

inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;
inline constexpr uint16_t kEtherTypeQinQ = 0x88a8;
inline constexpr uint32_t kEthHeaderLen = 14;
inline constexpr uint32_t kIpv6HeaderLen = 40;

inline constexpr uint8_t kProtoHopByHop = 0;
inline constexpr uint8_t kProtoTcp = 6;
inline constexpr uint8_t kProtoUdp = 17;
inline constexpr uint8_t kProtoRouting = 43;
inline constexpr uint8_t kProtoFragment = 44;
inline constexpr uint8_t kProtoEsp = 50;
inline constexpr uint8_t kProtoAh = 51;
inline constexpr uint8_t kProtoIcmpv6 = 58;
inline constexpr uint8_t kProtoNoNext = 59;
inline constexpr uint8_t kProtoDestOpts = 60;
inline constexpr uint8_t kProtoMobility = 135;
inline constexpr uint8_t kProtoVrrp = 112;

// Hop-by-hop option types (RFC 2711, RFC 8200 §4.2).
inline constexpr uint8_t kOptPad1 = 0;
inline constexpr uint8_t kOptPadN = 1;
inline constexpr uint8_t kOptRouterAlert = 5;
inline constexpr uint16_t kRouterAlertMld = 0;  // RFC 2711: value 0 = MLD

// The walk stops after this many extension headers: a crafted chain cannot make a worker
// loop (RFC 8200 leaves the count open; real traffic uses at most a few).
inline constexpr int kMaxExtHeaders = 8;

struct HeaderWalk {
  DropReason drop = DropReason::none;
  uint16_t ethertype = 0;
  bool has_vlan = false;
  uint16_t vlan_tci = 0;
  uint32_t l3_offset = 0;     // start of the IPv6 header
  uint32_t l3_end = 0;        // end of the IPv6 payload (may be < frame length: padding)
  uint32_t upper_offset = 0;  // start of the upper-layer header
  uint8_t upper_protocol = kProtoNoNext;
  uint8_t ext_count = 0;
  bool router_alert = false;
  uint16_t router_alert_value = 0;
  bool fragment = false;       // a Fragment header is present
  bool first_fragment = true;  // offset 0 (only meaningful when fragment)

  uint32_t upper_len() const { return l3_end - upper_offset; }
};

// What a classifier that already walked a frame (the data plane's worker, dataplane/classify.h)
// hands to parse_classified() (frame.h), so the control core does not walk the headers again.
// Only positions and what the walk found: the parser still checks the frame against them.
struct FrameHint {
  enum class Kind : uint8_t {
    // walk_headers() accepted the frame, it is not a fragment, and upper_offset,
    // upper_protocol and the Router Alert are what the walk found.
    control,
    // Multicast data to a routable group that the walk accepted: only l3_offset is known.
    data,
  };
  Kind kind = Kind::control;
  uint32_t l3_offset = 0;
  uint32_t upper_offset = 0;
  uint8_t upper_protocol = kProtoNoNext;
  bool router_alert = false;
  uint16_t router_alert_value = 0;
};

namespace detail {
// Options of a hop-by-hop or destination header: TLVs must stay inside the header.
inline bool walk_options(const uint8_t* p, uint32_t len, HeaderWalk& w, bool hop_by_hop) {
  uint32_t i = 2;
  while (i < len) {
    uint8_t type = p[i];
    if (type == kOptPad1) {
      ++i;
      continue;
    }
    if (i + 2 > len) return false;
    uint32_t olen = p[i + 1];
    if (i + 2 + olen > len) return false;
    if (hop_by_hop && type == kOptRouterAlert && olen == 2) {
      w.router_alert = true;
      w.router_alert_value = load_be16(p + i + 2);
    }
    i += 2 + olen;
  }
  return true;
}
}  // namespace detail

// Walks Ethernet → [802.1Q] → IPv6 → extension headers up to the upper-layer protocol.
// Never reads past `len`.
inline HeaderWalk walk_headers(const uint8_t* frame, uint32_t len) {
  HeaderWalk w;
  if (len < kEthHeaderLen) {
    w.drop = DropReason::eth_truncated;
    return w;
  }
  uint32_t off = 12;
  uint16_t et = load_be16(frame + off);
  if (et == kEtherTypeVlan || et == kEtherTypeQinQ) {
    if (len < kEthHeaderLen + 4) {
      w.drop = DropReason::eth_truncated;
      return w;
    }
    w.has_vlan = true;
    w.vlan_tci = load_be16(frame + off + 2);
    off += 4;
    et = load_be16(frame + off);
  }
  w.ethertype = et;
  off += 2;
  w.l3_offset = off;
  if (et != kEtherTypeIpv6) {
    w.drop = DropReason::not_ipv6;
    return w;
  }
  if (len - off < kIpv6HeaderLen) {
    w.drop = DropReason::ipv6_truncated;
    return w;
  }
  const uint8_t* ip = frame + off;
  if ((ip[0] >> 4) != 6) {
    w.drop = DropReason::ipv6_bad_version;
    return w;
  }
  uint32_t payload_len = load_be16(ip + 4);
  if (payload_len > len - off - kIpv6HeaderLen) {
    w.drop = DropReason::ipv6_bad_payload_length;
    return w;
  }
  if (ip[8] == 0xff) {  // source address is multicast
    w.drop = DropReason::ipv6_multicast_source;
    return w;
  }
  w.l3_end = off + kIpv6HeaderLen + payload_len;
  uint8_t next = ip[6];
  uint32_t cur = off + kIpv6HeaderLen;
  for (;;) {
    switch (next) {
      case kProtoHopByHop:
      case kProtoDestOpts:
      case kProtoRouting:
      case kProtoMobility: {
        // RFC 8200 §4.1: hop-by-hop may only follow the IPv6 header itself.
        if (next == kProtoHopByHop && w.ext_count != 0) {
          w.drop = DropReason::hop_by_hop_not_first;
          return w;
        }
        if (++w.ext_count > kMaxExtHeaders) {
          w.drop = DropReason::ext_chain_too_long;
          return w;
        }
        if (w.l3_end - cur < 2) {
          w.drop = DropReason::ext_header_truncated;
          return w;
        }
        uint32_t hlen = (uint32_t{frame[cur + 1]} + 1) * 8;
        if (w.l3_end - cur < hlen) {
          w.drop = DropReason::ext_header_truncated;
          return w;
        }
        if ((next == kProtoHopByHop || next == kProtoDestOpts) &&
            !detail::walk_options(frame + cur, hlen, w, next == kProtoHopByHop)) {
          w.drop = DropReason::ext_option_malformed;
          return w;
        }
        next = frame[cur];
        cur += hlen;
        break;
      }
      case kProtoFragment: {
        if (++w.ext_count > kMaxExtHeaders) {
          w.drop = DropReason::ext_chain_too_long;
          return w;
        }
        if (w.l3_end - cur < 8) {
          w.drop = DropReason::ext_header_truncated;
          return w;
        }
        w.fragment = true;
        w.first_fragment = (load_be16(frame + cur + 2) & 0xfff8) == 0;
        next = frame[cur];
        cur += 8;
        if (!w.first_fragment) {  // later fragments carry no upper-layer header
          w.upper_protocol = next;
          w.upper_offset = cur;
          return w;
        }
        break;
      }
      default:
        w.upper_protocol = next;
        w.upper_offset = cur;
        return w;
    }
  }
}

}  // namespace tandem::wire
