#include "replication/frame_codec.h"

#include <cstring>

namespace tandem::replication {

void append_plain_frame(std::vector<uint8_t>& out, std::span<const uint8_t> body) {
  const auto len = static_cast<uint32_t>(body.size());
  const uint8_t prefix[kFrameHeaderBytes] = {
      static_cast<uint8_t>(len >> 24), static_cast<uint8_t>(len >> 16),
      static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  out.insert(out.end(), prefix, prefix + kFrameHeaderBytes);
  out.insert(out.end(), body.begin(), body.end());
}

void append_frame(std::vector<uint8_t>& out, const flatbuffers::FlatBufferBuilder& fbb) {
  append_plain_frame(out, {fbb.GetBufferPointer(), fbb.GetSize()});
}

uint32_t read_length_word(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void FrameReader::append(std::span<const uint8_t> data) {
  // Compact once the consumed prefix dominates, so a long stream costs O(bytes) overall.
  if (pos_ > 0 && pos_ >= in_.size() / 2) {
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  in_.insert(in_.end(), data.begin(), data.end());
}

FrameReader::Status FrameReader::next(const fb::Frame** frame, CloseReason* reason) {
  if (buffered() < kFrameHeaderBytes) return Status::need_more;
  const uint8_t* p = in_.data() + pos_;
  const uint32_t word = read_length_word(p);
  const bool sealed = (word & kSealedFlag) != 0;
  size_t len = word & ~kSealedFlag;
  if (sealed != opener_.has_value()) {
    *reason = sealed ? CloseReason::mac_unexpected : CloseReason::mac_missing;
    return Status::error;
  }
  if (sealed) {
    if (len <= kSealTrailerBytes) {
      *reason = CloseReason::mac_mismatch;
      return Status::error;
    }
    len -= kSealTrailerBytes;  // the limit is on the Frame itself
  }
  if (len == 0) {
    *reason = CloseReason::zero_length_frame;
    return Status::error;
  }
  if (len > max_frame_bytes_) {
    // Refused on the prefix alone: nothing of an oversized frame is ever buffered.
    *reason = CloseReason::oversized_frame;
    return Status::error;
  }
  const size_t wire_len = len + (sealed ? kSealTrailerBytes : 0);
  if (buffered() < kFrameHeaderBytes + wire_len) return Status::need_more;
  // The MAC before anything reads the frame: an altered frame never reaches the verifier.
  if (sealed && !open_sealed(p + kFrameHeaderBytes, len, reason)) return Status::error;
  // FlatBuffers reads scalars in place; copy to an 8-byte aligned buffer first (a stream
  // puts frames at arbitrary offsets).
  aligned_.resize((len + 7) / 8);
  std::memcpy(aligned_.data(), p + kFrameHeaderBytes, len);
  frame_len_ = len;
  pos_ += kFrameHeaderBytes + wire_len;
  const auto* buf = reinterpret_cast<const uint8_t*>(aligned_.data());
  flatbuffers::Verifier verifier(buf, len, /*max_depth=*/16, /*max_tables=*/4'000'000);
  if (!fb::VerifyFrameBuffer(verifier)) {  // also checks the "RBS1" identifier
    *reason = CloseReason::unverifiable_frame;
    return Status::error;
  }
  *frame = fb::GetFrame(buf);
  if ((*frame)->message_type() == fb::Message::NONE || (*frame)->message() == nullptr) {
    *reason = CloseReason::unverifiable_frame;
    return Status::error;
  }
  return Status::frame;
}

bool FrameReader::open_sealed(const uint8_t* p, size_t len, CloseReason* reason) {
  switch (opener_->open({p, len}, {p + len, kSealTrailerBytes})) {
    case FrameOpener::Result::ok: return true;
    case FrameOpener::Result::mismatch: *reason = CloseReason::mac_mismatch; break;
    case FrameOpener::Result::replayed: *reason = CloseReason::mac_replayed; break;
    case FrameOpener::Result::reordered: *reason = CloseReason::mac_reordered; break;
  }
  return false;
}

void FrameReader::reset() {
  in_.clear();
  pos_ = 0;
  opener_.reset();
}

}  // namespace tandem::replication
