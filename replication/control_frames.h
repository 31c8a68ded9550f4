// Encoders of the RBS control frames (everything but the snapshot and delta payloads, which
// stream_sender.cc builds): each queues one frame on a FrameOutput.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "replication/auth.h"
#include "replication/frame_output.h"

namespace tandem::replication {

struct HelloFields {
  uint64_t node_id = 0, epoch = 0;
  const std::vector<uint16_t>* backup_ids = nullptr;  // every RBP bound to the service
  std::vector<uint16_t> master_ids;                   // the RBPs we are Master of
  Duration heartbeat_interval{};
  const AuthNonce* nonce = nullptr;  // only with an authentication key
};

void queue_hello(FrameOutput& out, const HelloFields& hello, TimePoint now);
void queue_auth_proof(FrameOutput& out, const AuthProof& proof, TimePoint now);
// Acknowledges the peer's stream up to `seq` (the last snapshot or Delta applied).
void queue_ack(FrameOutput& out, uint64_t seq, TimePoint now);
void queue_heartbeat(FrameOutput& out, uint64_t last_seq_sent, uint64_t last_seq_applied,
                     const std::vector<uint16_t>& master_ids, TimePoint now);
// Asks the peer for a snapshot of `ids` (empty = every profile it is Master of).
void queue_batch_request(FrameOutput& out, const std::vector<uint16_t>& ids, fb::BatchReason reason,
                         TimePoint now);
void queue_error(FrameOutput& out, CloseReason reason, const std::string& text, TimePoint now);

// The Error code a refusal is reported to the peer with.
fb::ErrorCode error_code_for(CloseReason r);

}  // namespace tandem::replication
