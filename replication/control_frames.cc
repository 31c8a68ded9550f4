#include "replication/control_frames.h"

namespace tandem::replication {

void queue_hello(FrameOutput& out, const HelloFields& h, TimePoint now) {
  flatbuffers::FlatBufferBuilder fbb(256);
  auto ids = fbb.CreateVector(*h.backup_ids);
  auto masters = fbb.CreateVector(h.master_ids);
  const auto hb_ms = static_cast<uint32_t>(to_ms(h.heartbeat_interval));
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> nonce;
  if (h.nonce) nonce = fbb.CreateVector(h.nonce->data(), h.nonce->size());
  auto hello =
      fb::CreateHello(fbb, kProtocolVersion, h.node_id, h.epoch, ids, masters, hb_ms, nonce);
  out.send(fbb, hello, fb::Message::Hello, now);
}

void queue_auth_proof(FrameOutput& out, const AuthProof& proof, TimePoint now) {
  flatbuffers::FlatBufferBuilder fbb(96);
  auto v = fbb.CreateVector(proof.data(), proof.size());
  out.send(fbb, fb::CreateAuthProof(fbb, v), fb::Message::AuthProof, now);
}

void queue_ack(FrameOutput& out, uint64_t seq, TimePoint now) {
  flatbuffers::FlatBufferBuilder fbb(64);
  out.send(fbb, fb::CreateAck(fbb, seq), fb::Message::Ack, now);
}

void queue_heartbeat(FrameOutput& out, uint64_t last_seq_sent, uint64_t last_seq_applied,
                     const std::vector<uint16_t>& master_ids, TimePoint now) {
  flatbuffers::FlatBufferBuilder fbb(64);
  auto masters = fbb.CreateVector(master_ids);
  out.send(fbb, fb::CreateHeartbeat(fbb, last_seq_sent, last_seq_applied, masters),
           fb::Message::Heartbeat, now);
}

void queue_batch_request(FrameOutput& out, const std::vector<uint16_t>& ids, fb::BatchReason reason,
                         TimePoint now) {
  flatbuffers::FlatBufferBuilder fbb(64);
  auto v = fbb.CreateVector(ids);
  out.send(fbb, fb::CreateBatchBackupRequest(fbb, v, reason), fb::Message::BatchBackupRequest, now);
}

void queue_error(FrameOutput& out, CloseReason reason, const std::string& text, TimePoint now) {
  flatbuffers::FlatBufferBuilder fbb(128);
  auto t = fbb.CreateString(text);
  out.send(fbb, fb::CreateError(fbb, error_code_for(reason), t), fb::Message::Error, now);
}

fb::ErrorCode error_code_for(CloseReason r) {
  switch (r) {
    case CloseReason::bad_version: return fb::ErrorCode::BadVersion;
    case CloseReason::backup_id_mismatch: return fb::ErrorCode::BackupIdMismatch;
    case CloseReason::unexpected_message:
    case CloseReason::snapshot_mismatch: return fb::ErrorCode::UnexpectedMessage;
    case CloseReason::bad_record: return fb::ErrorCode::BadRecord;
    case CloseReason::auth_missing:
    case CloseReason::auth_failed:
    case CloseReason::auth_unexpected:
    case CloseReason::auth_refused:
    case CloseReason::mac_missing:
    case CloseReason::mac_mismatch:
    case CloseReason::mac_replayed:
    case CloseReason::mac_reordered:
    case CloseReason::mac_unexpected: return fb::ErrorCode::AuthFailed;
    case CloseReason::snapshot_too_large: return fb::ErrorCode::BadRecord;
    default: return fb::ErrorCode::Shutdown;
  }
}

}  // namespace tandem::replication
