// Static BFD for IPv6 session configuration (`bfd NAME bind peer-ipv6 X [source-ipv6 Y]
// track-interface interface IF` + its view), ranges and defaults from reference/commands.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "control/common/time.h"
#include "control/wire/address.h"

namespace tandem::bfd {

inline constexpr uint32_t kLocalDiscriminatorMin = 1;
inline constexpr uint32_t kLocalDiscriminatorMax = 16384;
inline constexpr uint32_t kRemoteDiscriminatorMin = 1;  // up to 4294967295
inline constexpr milliseconds kIntervalMin{3};
inline constexpr milliseconds kIntervalMax{20000};
inline constexpr milliseconds kIntervalDefault{10};
inline constexpr uint8_t kDetectMultMin = 3;
inline constexpr uint8_t kDetectMultMax = 50;
inline constexpr uint8_t kDetectMultDefault = 3;
// RFC 5880 §6.8.3: while not Up, bfd.DesiredMinTxInterval is at least one second.
inline constexpr microseconds kSlowTxInterval{1'000'000};
inline constexpr uint8_t kTtl = 255;  // RFC 5881 §5 (GTSM)

struct SessionConfig {
  std::string name;
  uint32_t ifindex = 0;
  std::string ifname;
  wire::Ipv6Address peer;            // peer-ipv6
  wire::Ipv6Address local;           // source-ipv6, or the interface address the daemon picked
  uint32_t local_discriminator = 0;  // discriminator local (required)
  std::optional<uint32_t> remote_discriminator;  // omitted: learnt (RFC 5880 §6.8.6)
  milliseconds min_tx = kIntervalDefault;        // min-tx-interval
  milliseconds min_rx = kIntervalDefault;        // min-rx-interval
  uint8_t detect_mult = kDetectMultDefault;      // detect-multiplier
  bool shutdown = false;                         // AdminDown (RFC 5880 §6.8.16)
};

// Empty when valid, else a one-line message for the config parser.
std::string validate(const SessionConfig& cfg);

// RFC 5881 §4: the source port is in 49152–65535 and stays fixed for the session. Derived
// from the local discriminator (1–16384) so every session has its own, deterministically.
inline uint16_t source_port_for(uint32_t local_discriminator) {
  return static_cast<uint16_t>(49151 + ((local_discriminator - 1) % 16384) + 1);
}

}  // namespace tandem::bfd
