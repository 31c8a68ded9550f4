// The start of every RBS connection, sans-IO: our Hello out, the peer's Hello checked
// (protocol version, backup-id set, epoch) and, with an authentication key, the AuthProof
// exchange of auth.h in between: the peer's Hello takes effect only once its proof of the key
// matches. Also remembers who the peer is across connections, to notice a restart.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "control/common/time.h"
#include "replication/auth.h"
#include "replication/channel_log.h"
#include "replication/channel_types.h"
#include "replication/frame_mac.h"
#include "replication/frame_output.h"
#include "replication/refusal.h"

namespace tandem::replication {

// What the peer's Hello announced.
struct PeerHello {
  uint64_t node_id = 0, epoch = 0;
  std::vector<uint16_t> backup_ids, master_backup_ids;
};

// The handshake's answer to a Hello or an AuthProof: a refusal closes the link; `accepted`
// means the peer's Hello takes effect now (both Hellos exchanged, the proof matched).
// With a key, `opener` checks every frame of the peer after its AuthProof (frame_mac.h).
struct HandshakeStep {
  Verdict refusal;
  std::optional<PeerHello> accepted;
  std::optional<FrameOpener> opener;
};

// What a frame received before hello_ok() may do: be dispatched (Hello, AuthProof, Error,
// or anything once the handshake is over), only prove the peer alive (a Heartbeat that
// crossed our Hello while the peer's proof is awaited), or close the link.
struct EarlyFrame {
  enum class Kind : uint8_t { dispatch, liveness_only, refuse } kind = Kind::dispatch;
  Refusal refusal;  // refuse
};

class HelloHandshake {
 public:
  // `cfg.backup_ids` sorted. Counts epoch_changes in `counters`.
  HelloHandshake(const ChannelConfig& cfg, ChannelCounters& counters, const ChannelLog& log)
      : cfg_(cfg), c_(counters), log_(log) {}

  // A connection became the active one: a fresh nonce (with a key) and our Hello, announcing
  // `master_ids`, queued on `out`. `side` is covered by each proof.
  void start(TimePoint now, TcpSide side, std::vector<uint16_t> master_ids, FrameOutput& out);
  // The connection ended: the next one starts over.
  void reset();

  EarlyFrame screen(fb::Message type) const;
  // With a key, answers the peer's nonce with our AuthProof on `out`, and seals every later
  // frame on `out` with this connection's key of our direction.
  HandshakeStep on_hello(const fb::Hello* hello, FrameOutput& out, TimePoint now);
  HandshakeStep on_auth_proof(const fb::AuthProof* proof);
  // With a key, a connection that has not authenticated within the heartbeat detect time is
  // refused, so a peer that only sends heartbeats after its Hello cannot hold the link.
  Verdict on_timer(TimePoint now) const;
  // When on_timer() would refuse; kNever without a key or once hello_ok().
  TimePoint auth_deadline() const;

  bool keyed() const { return !cfg_.authentication_key.empty(); }
  bool hello_ok() const { return hello_ok_; }
  bool authenticated() const { return authenticated_; }
  // The last accepted peer (0 before any), kept across connections.
  uint64_t peer_epoch() const { return peer_epoch_; }
  uint64_t peer_node_id() const { return peer_node_; }

 private:
  Duration auth_timeout() const { return cfg_.heartbeat_interval * cfg_.heartbeat_multiplier; }
  AuthIdentity our_identity() const { return {cfg_.node_id, cfg_.epoch}; }
  // Checks what must match whether or not a key is configured; then the Hello takes effect.
  HandshakeStep accept(PeerHello peer);

  const ChannelConfig& cfg_;
  ChannelCounters& c_;
  const ChannelLog& log_;

  // Per connection.
  TcpSide side_ = TcpSide::dialer;
  TimePoint connected_at_{};
  AuthNonce local_nonce_{}, peer_nonce_{};
  bool awaiting_proof_ = false;  // peer Hello checked, its AuthProof not yet
  bool authenticated_ = false;
  bool hello_ok_ = false;
  FrameKey inbound_key_{};  // the peer's direction, used once its proof matched
  PeerHello pending_;       // the peer's Hello while its proof is awaited: nothing of it applies

  // Across connections.
  uint64_t peer_epoch_ = 0, peer_node_ = 0;
};

}  // namespace tandem::replication
