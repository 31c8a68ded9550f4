// One BFD single-hop session (RFC 5880 §6.8, RFC 5881) in asynchronous mode, without
// authentication or Demand mode. Variables keep the RFC's bfd.* names; intervals are in
// microseconds as on the wire. Timers are plain deadlines (TX and Detection), precise to
// the Duration of the injected clock.
#pragma once

#include <cstdint>
#include <string>

#include "control/bfd/config.h"
#include "control/bfd/events.h"
#include "control/common/log.h"
#include "control/common/rng.h"
#include "control/common/time.h"
#include "control/wire/bfd.h"

namespace tandem::bfd {

// `display bfd session all for-ipv6 [verbose]` and counters, from one snapshot.
struct SessionStatus {
  std::string name;
  uint32_t local_discriminator = 0;   // "Local"
  uint32_t remote_discriminator = 0;  // "Remote" (bfd.RemoteDiscr; 0 = not learnt yet)
  bool remote_configured = false;
  wire::Ipv6Address peer;  // "PeerIpAddr"
  wire::Ipv6Address local;
  BfdState state = BfdState::down;  // "State"
  const char* type = "Static";      // "Type"
  std::string ifname;               // "InterfaceName"
  uint32_t ifindex = 0;
  microseconds min_tx{0};     // "Min Tx Interval" (configured)
  microseconds min_rx{0};     // "Min Rx Interval" (configured)
  microseconds actual_tx{0};  // "Actual Tx Interval": max(DesiredMinTx, RemoteMinRx)
  microseconds actual_rx{0};  // "Actual Rx Interval": max(RequiredMinRx, remote TX)
  microseconds detection_time{0};
  uint8_t detect_mult = 0;  // "Detect Multi"
  uint8_t remote_detect_mult = 0;
  uint16_t destination_port = wire::kBfdSingleHopPort;  // "Destination Port"
  uint16_t source_port = 0;
  uint8_t ttl = kTtl;            // "TTL"
  std::string bind_application;  // "Bind Application"
  std::string not_up_reason;     // "Session Not Up Reason"
  BfdDiag local_diag = BfdDiag::none;
  BfdState remote_state = BfdState::down;
  bool poll_in_progress = false;

  uint64_t flaps = 0;  // Up → not Up
  uint64_t up_transitions = 0;
  uint64_t down_transitions = 0;
  uint64_t packets_sent = 0;
  uint64_t packets_received = 0;
  uint64_t polls_sent = 0;
  uint64_t finals_sent = 0;
  RxDropCounters rx_drops{};
};

class Session {
 public:
  Session(SessionConfig cfg, Actions& out, Rng& rng, LogSink log, TimePoint now);

  const SessionConfig& config() const { return cfg_; }
  BfdState state() const { return state_; }
  uint32_t local_discriminator() const { return cfg_.local_discriminator; }
  uint32_t remote_discriminator() const { return remote_discr_; }

  // A packet for this session (already demultiplexed, RFC 5880 §6.8.6 from step "set
  // bfd.RemoteDiscr" on). Returns false when dropped (counted).
  bool on_packet(const wire::BfdControl& c, TimePoint now);
  void on_timer(TimePoint now);
  TimePoint next_deadline() const;

  // Interval changes (RFC 5880 §6.8.3): a Poll Sequence while Up. A faster TX or a longer
  // RequiredMinRx applies at once; a slower TX or a shorter RequiredMinRx after Final.
  void set_intervals(milliseconds min_tx, milliseconds min_rx, uint8_t detect_mult, TimePoint now);
  void set_admin_down(bool down, TimePoint now);

  void set_bind_application(std::string app) { bind_application_ = std::move(app); }
  void count_drop(RxDrop d) { ++rx_drops_[static_cast<size_t>(d)]; }
  SessionStatus status() const;

  // The TX interval before jitter: max(bfd.DesiredMinTxInterval, bfd.RemoteMinRxInterval).
  microseconds tx_interval() const;
  // Detection Time (asynchronous): remote Detect Mult × max(RequiredMinRx, remote DesiredMinTx).
  microseconds detection_time() const;

 private:
  void change_state(BfdState to, BfdDiag diag, Reason reason, TimePoint now);
  void send(bool final_bit, TimePoint now);
  void schedule_tx(TimePoint from);
  void start_poll();
  void finish_poll();
  void apply_safe_interval_changes();
  // bfd.DesiredMinTxInterval as advertised now: ≥ 1 s while not Up (§6.8.3).
  microseconds advertised_desired_min_tx() const;
  void log(LogLevel level, const std::string& line) const;

  SessionConfig cfg_;
  Actions& out_;
  Rng& rng_;
  LogSink log_;
  std::string prefix_;
  uint16_t src_port_;

  // RFC 5880 §6.8.1 state variables.
  BfdState state_ = BfdState::down;         // bfd.SessionState
  BfdState remote_state_ = BfdState::down;  // bfd.RemoteSessionState
  uint32_t remote_discr_ = 0;               // bfd.RemoteDiscr
  BfdDiag local_diag_ = BfdDiag::none;      // bfd.LocalDiag
  microseconds desired_min_tx_;             // bfd.DesiredMinTxInterval (configured)
  microseconds required_min_rx_;            // bfd.RequiredMinRxInterval (in effect)
  microseconds remote_min_rx_{1};           // bfd.RemoteMinRxInterval, initialised to 1
  uint8_t detect_mult_;                     // bfd.DetectMult
  microseconds remote_desired_min_tx_{0};
  uint8_t remote_detect_mult_ = 0;

  // Values in force for our own timers; the unsafe direction of a change lags the
  // advertised value until Final (§6.8.3).
  microseconds active_desired_min_tx_;
  microseconds active_required_min_rx_;
  bool poll_ = false;    // Poll Sequence in progress (P set in periodic packets)
  bool was_up_ = false;  // active_* last settled with the session Up

  TimePoint next_tx_ = kNever;
  TimePoint detect_deadline_ = kNever;
  TimePoint last_rx_ = kNever;

  std::string bind_application_;
  uint64_t flaps_ = 0, up_transitions_ = 0, down_transitions_ = 0;
  uint64_t packets_sent_ = 0, packets_received_ = 0, polls_sent_ = 0, finals_sent_ = 0;
  RxDropCounters rx_drops_{};
};

}  // namespace tandem::bfd
