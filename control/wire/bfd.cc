#include "control/wire/bfd.h"

#include "control/wire/byte_io.h"

namespace tandem::wire {

const char* bfd_state_name(BfdState s) {
  switch (s) {
    case BfdState::admin_down: return "AdminDown";
    case BfdState::down: return "Down";
    case BfdState::init: return "Init";
    case BfdState::up: return "Up";
  }
  return "?";
}

const char* bfd_diag_name(BfdDiag d) {
  switch (d) {
    case BfdDiag::none: return "No Diagnostic";
    case BfdDiag::control_detection_expired: return "Control Detection Time Expired";
    case BfdDiag::echo_failed: return "Echo Function Failed";
    case BfdDiag::neighbor_signaled_down: return "Neighbor Signaled Session Down";
    case BfdDiag::forwarding_plane_reset: return "Forwarding Plane Reset";
    case BfdDiag::path_down: return "Path Down";
    case BfdDiag::concatenated_path_down: return "Concatenated Path Down";
    case BfdDiag::admin_down: return "Administratively Down";
    case BfdDiag::reverse_concatenated_path_down: return "Reverse Concatenated Path Down";
  }
  return "Reserved";
}

// RFC 5880 §6.8.6, the checks that need no session state, in the RFC's order.
BfdParse parse_bfd(std::span<const uint8_t> udp_payload) {
  BfdParse out;
  const uint8_t* p = udp_payload.data();
  const size_t len = udp_payload.size();
  if (len < kBfdControlLen) {
    out.drop = DropReason::bfd_bad_length;
    return out;
  }
  BfdControl& c = out.control;
  c.version = p[0] >> 5;
  c.diag = static_cast<BfdDiag>(p[0] & 0x1f);
  c.state = static_cast<BfdState>(p[1] >> 6);
  c.poll = p[1] & 0x20;
  c.final = p[1] & 0x10;
  c.cpi = p[1] & 0x08;
  c.auth = p[1] & 0x04;
  c.demand = p[1] & 0x02;
  c.multipoint = p[1] & 0x01;
  c.detect_mult = p[2];
  c.length = p[3];
  c.my_disc = load_be32(p + 4);
  c.your_disc = load_be32(p + 8);
  c.desired_min_tx_us = load_be32(p + 12);
  c.required_min_rx_us = load_be32(p + 16);
  c.required_min_echo_rx_us = load_be32(p + 20);
  DropReason r = DropReason::none;
  if (c.version != 1)
    r = DropReason::bfd_bad_version;
  else if (c.length < (c.auth ? 26 : 24) || c.length > len)
    r = DropReason::bfd_bad_length;
  else if (c.detect_mult == 0)
    r = DropReason::bfd_zero_detect_mult;
  else if (c.multipoint)
    r = DropReason::bfd_multipoint;
  else if (c.my_disc == 0)
    r = DropReason::bfd_zero_my_discriminator;
  else if (c.your_disc == 0 && c.state != BfdState::down && c.state != BfdState::admin_down)
    r = DropReason::bfd_zero_your_discriminator;
  else if (c.auth)
    r = DropReason::bfd_auth_not_configured;
  out.drop = r;
  return out;
}

std::vector<uint8_t> build_bfd_body(const BfdControl& c) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u8(static_cast<uint8_t>(1 << 5 | (static_cast<uint8_t>(c.diag) & 0x1f)));
  w.u8(static_cast<uint8_t>(static_cast<uint8_t>(c.state) << 6 | (c.poll ? 0x20 : 0) |
                            (c.final ? 0x10 : 0) | (c.cpi ? 0x08 : 0) | (c.auth ? 0x04 : 0) |
                            (c.demand ? 0x02 : 0) | (c.multipoint ? 0x01 : 0)));
  w.u8(c.detect_mult);
  w.u8(static_cast<uint8_t>(kBfdControlLen));
  w.be32(c.my_disc);
  w.be32(c.your_disc);
  w.be32(c.desired_min_tx_us);
  w.be32(c.required_min_rx_us);
  w.be32(c.required_min_echo_rx_us);
  return out;
}

}  // namespace tandem::wire
