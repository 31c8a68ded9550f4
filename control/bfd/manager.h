// All BFD sessions; the daemon's only entry point into BFD. Demultiplexes received packets
// (RFC 5880 §6.8.6: by Your Discriminator, or by (interface, source, destination) when it is
// zero), drives the timers, and collects packets and state changes in take_actions().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "control/bfd/config.h"
#include "control/bfd/events.h"
#include "control/bfd/session.h"
#include "control/common/log.h"
#include "control/common/rng.h"
#include "control/common/time.h"

namespace tandem::bfd {

class Manager {
 public:
  // Sessions/instances hold references into the manager: it never moves.
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;
  explicit Manager(uint64_t rng_seed = 0x62666421, LogSink log = null_log_sink());

  // Empty string on success, else the reason (invalid, duplicate discriminator or key).
  std::string add_session(SessionConfig cfg, TimePoint now);
  void remove_session(uint32_t local_discriminator);
  void set_admin_down(uint32_t local_discriminator, bool down, TimePoint now);
  // Empty string on success, else the range error (nothing changed).
  std::string set_intervals(uint32_t local_discriminator, milliseconds min_tx, milliseconds min_rx,
                            uint8_t detect_mult, TimePoint now);

  // A BFD control packet that passed wire::parse_frame (hop limit 255, UDP 3784, source
  // port range, §6.8.6 context-free checks). Returns false when dropped (counted).
  bool on_packet(uint32_t ifindex, const wire::Ipv6Address& src, const wire::Ipv6Address& dst,
                 const wire::BfdControl& c, TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_deadline() const;

  Actions take_actions() { return std::exchange(actions_, Actions{}); }
  const Actions& pending_actions() const { return actions_; }

  Session* find(uint32_t local_discriminator);
  const Session* find(uint32_t local_discriminator) const;
  Session* find(uint32_t ifindex, const wire::Ipv6Address& local, const wire::Ipv6Address& peer);
  std::vector<SessionStatus> status() const;  // sorted by local discriminator

  // Drops that have no session to be charged to: in all, and by receiving interface (the
  // daemon's drop table has a row per interface).
  RxDropCounters rx_drops() const;
  const std::map<uint32_t, RxDropCounters>& rx_drops_by_interface() const { return rx_drops_; }

 private:
  struct Key {
    uint32_t ifindex;
    wire::Ipv6Address local, peer;
    auto operator<=>(const Key&) const = default;
  };
  LogSink log_;
  Rng rng_;
  Actions actions_;
  std::map<uint32_t, std::unique_ptr<Session>> by_discr_;
  std::map<Key, uint32_t> by_key_;
  std::map<uint32_t, RxDropCounters> rx_drops_;  // by ifindex
};

}  // namespace tandem::bfd
