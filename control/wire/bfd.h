// BFD control packet (RFC 5880 §4.1) carried in UDP to port 3784 (RFC 5881 §4).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "control/wire/drop_reason.h"

namespace tandem::wire {

inline constexpr uint16_t kBfdSingleHopPort = 3784;
inline constexpr uint16_t kBfdSourcePortMin = 49152;  // RFC 5881 §4
inline constexpr uint32_t kBfdControlLen = 24;
inline constexpr uint32_t kUdpHeaderLen = 8;

enum class BfdState : uint8_t { admin_down = 0, down = 1, init = 2, up = 3 };
const char* bfd_state_name(BfdState s);  // "AdminDown", "Down", "Init", "Up"

// Diagnostic codes (RFC 5880 §4.1).
enum class BfdDiag : uint8_t {
  none = 0,
  control_detection_expired = 1,
  echo_failed = 2,
  neighbor_signaled_down = 3,
  forwarding_plane_reset = 4,
  path_down = 5,
  concatenated_path_down = 6,
  admin_down = 7,
  reverse_concatenated_path_down = 8,
};
const char* bfd_diag_name(BfdDiag d);

struct BfdControl {
  uint8_t version = 1;
  BfdDiag diag = BfdDiag::none;
  BfdState state = BfdState::down;
  bool poll = false;
  bool final = false;
  bool cpi = false;   // control plane independent
  bool auth = false;  // A
  bool demand = false;
  bool multipoint = false;
  uint8_t detect_mult = 3;
  uint8_t length = 24;
  uint32_t my_disc = 0;
  uint32_t your_disc = 0;
  uint32_t desired_min_tx_us = 0;
  uint32_t required_min_rx_us = 0;
  uint32_t required_min_echo_rx_us = 0;
};

// Parses a BFD control packet (UDP payload) with the receive checks of RFC 5880 §6.8.6 that
// need no session: version, length, detect mult, multipoint, my discriminator, your
// discriminator zero in Init/Up, A bit (tandem configures no authentication).
struct BfdParse {
  DropReason drop = DropReason::none;
  BfdControl control;
};
BfdParse parse_bfd(std::span<const uint8_t> udp_payload);

std::vector<uint8_t> build_bfd_body(const BfdControl& c);

}  // namespace tandem::wire
