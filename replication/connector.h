// Connection management for one RBS, sans-IO: when to dial, which connection to keep, whom
// to refuse. Both routers listen on `port` and dial peer-ipv6:port from source-ipv6.
//  - Simultaneous connects: of two established connections between the pair, the one
//    initiated by the router with the numerically lower source address is kept; both
//    routers apply the same rule, so they close the same one.
//  - Inbound connections from any address other than peer-ipv6 are refused and counted.
//  - Dialing backs off exponentially (min → max, doubling) after failures and drops; a
//    successful hello resets it.
//  - Inbound attempts are rate limited (token bucket); an authenticated live link is never
//    displaced by a newcomer, which has proven nothing yet: a peer that really restarted
//    closed the old connection (FIN/RST), or the old one times out after the detect time.
//  - With `track bfd-session`, BFD down drops the link and stops dialing; BFD up dials at
//    once (the new connection starts with a snapshot, i.e. a resync).
#pragma once

#include <cstdint>

#include "control/common/time.h"
#include "control/wire/address.h"
#include "replication/token_bucket.h"

namespace tandem::replication {

enum class Direction : uint8_t { outbound, inbound };

struct ConnectorConfig {
  wire::Ipv6Address local;  // source-ipv6
  wire::Ipv6Address peer;   // peer-ipv6
  bool track_bfd = false;
  Duration backoff_min = milliseconds(100);
  Duration backoff_max = milliseconds(5000);
  // Inbound connection attempts from peer-ipv6: `burst` at once, then one per interval.
  uint32_t inbound_burst = 8;
  Duration inbound_interval = milliseconds(250);
};

// True when a connection in direction `dir` was initiated by the lower of the two addresses.
bool initiated_by_lower(Direction dir, const wire::Ipv6Address& local,
                        const wire::Ipv6Address& peer);

struct ConnectorCounters {
  uint64_t connect_attempts = 0;
  uint64_t connect_failures = 0;
  uint64_t refused_wrong_peer = 0;
  uint64_t refused_bfd_down = 0;
  uint64_t replaced = 0;                    // connections closed by the simultaneous-connect rule
  uint64_t refused_rate_limited = 0;        // inbound attempts beyond the token bucket
  uint64_t refused_authenticated_live = 0;  // newcomers that met an authenticated live link
  uint64_t bfd_drops = 0;
};

class RbsConnector {
 public:
  explicit RbsConnector(ConnectorConfig config)
      : config_(config),
        backoff_(config.backoff_min),
        inbound_(config.inbound_burst, config.inbound_interval) {}

  // --- dialing ---
  // Whether to start an outbound connect now (not connected, nothing in progress, backoff
  // elapsed, BFD not down).
  bool should_dial(TimePoint now, bool have_active, bool dial_in_progress) const;
  void on_dial_started(TimePoint now);
  void on_dial_failed(TimePoint now);
  // The active link went down: dial again after the current backoff.
  void on_link_lost(TimePoint now);
  // Hello exchanged: the link works, backoff starts over.
  void on_link_healthy();
  TimePoint next_dial_time() const { return next_dial_; }

  // --- accepting ---
  enum class Verdict : uint8_t { accept, refuse_wrong_peer, refuse_bfd_down, refuse_rate_limited };
  Verdict on_inbound(const wire::Ipv6Address& from, TimePoint now = {});

  // --- tie-break: an established candidate vs the active connection (if any) ---
  // Returns true when the candidate should replace the active connection (or become active
  // when there is none); false when the candidate must be closed. An active link whose peer
  // authenticated (`active_authenticated`) is always kept.
  bool prefer_candidate(bool have_active, Direction active_dir, Direction candidate_dir,
                        bool active_authenticated = false);

  // --- BFD tracking (`track bfd-session`) ---
  // Returns true when the link must be dropped now (BFD went down while tracked).
  bool on_bfd(bool up, TimePoint now);
  bool bfd_blocked() const { return config_.track_bfd && !bfd_up_; }

  const ConnectorCounters& counters() const { return counters_; }
  const ConnectorConfig& config() const { return config_; }
  Duration current_backoff() const { return backoff_; }

 private:
  ConnectorConfig config_;
  Duration backoff_;
  TimePoint next_dial_{};
  bool bfd_up_ = true;
  ConnectorCounters counters_;
  TokenBucket inbound_;
};

}  // namespace tandem::replication
