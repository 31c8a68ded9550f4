// Why an RBS connection was closed or refused: one list, one counter each (VPP-style), the
// text is used in log lines and as the `reason` metric label.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tandem::replication {

#define TANDEM_RBS_CLOSE_REASONS(X)                                                \
  X(none, "none")                                                                  \
  X(peer_closed, "peer closed the connection")                                     \
  X(truncated_frame, "connection closed inside a frame")                           \
  X(zero_length_frame, "frame length 0")                                           \
  X(oversized_frame, "frame length above the limit")                               \
  X(unverifiable_frame, "frame failed flatbuffers verification")                   \
  X(bad_version, "unsupported protocol version")                                   \
  X(backup_id_mismatch, "backup-id sets differ")                                   \
  X(unexpected_message, "message not valid in this state")                         \
  X(bad_record, "record failed semantic checks")                                   \
  X(snapshot_mismatch, "snapshot end does not match its begin")                    \
  X(heartbeat_timeout, "no frame for detect-multiplier heartbeat intervals")       \
  X(peer_error, "peer sent an Error frame")                                        \
  X(replaced, "lost the simultaneous-connect tie-break")                           \
  X(bfd_down, "tracked BFD session down")                                          \
  X(local_shutdown, "local shutdown")                                              \
  X(wrong_peer_address, "connection from an address other than peer-ipv6 refused") \
  X(io_error, "socket error")                                                      \
  X(auth_missing, "peer did not authenticate, authentication-key configured here") \
  X(auth_failed, "peer's authentication proof does not match the key")             \
  X(auth_unexpected, "peer authenticates, no authentication-key configured here")  \
  X(auth_refused, "peer refused our authentication")                               \
  X(mac_missing, "frame after the peer's AuthProof without a MAC")                 \
  X(mac_mismatch, "frame MAC does not verify: altered, or another key")            \
  X(mac_replayed, "frame replayed: its sequence number was already accepted")      \
  X(mac_reordered, "frame out of order: an earlier one was dropped or moved")      \
  X(mac_unexpected, "sealed frame where none is due")                              \
  X(snapshot_too_large, "snapshot announces more records than the group limit")

enum class CloseReason : uint8_t {
#define TANDEM_X(sym, text) sym,
  TANDEM_RBS_CLOSE_REASONS(TANDEM_X)
#undef TANDEM_X
};

inline constexpr size_t kCloseReasonCount = 0
#define TANDEM_X(sym, text) +1
    TANDEM_RBS_CLOSE_REASONS(TANDEM_X)
#undef TANDEM_X
    ;

// The refusals of peer authentication (auth.h) and of stream integrity (frame_mac.h: someone
// on the link altered, replayed, reordered, dropped or injected a frame), each counted,
// displayed and exported (`Auth failures`, tandem_rbs_auth_failures_total{reason}).
inline constexpr CloseReason kAuthCloseReasons[] = {
    CloseReason::auth_missing, CloseReason::auth_failed,   CloseReason::auth_unexpected,
    CloseReason::auth_refused, CloseReason::mac_missing,   CloseReason::mac_mismatch,
    CloseReason::mac_replayed, CloseReason::mac_reordered, CloseReason::mac_unexpected};

const char* close_reason_name(CloseReason r);  // symbol, e.g. "oversized_frame"
const char* close_reason_text(CloseReason r);  // human text

}  // namespace tandem::replication
