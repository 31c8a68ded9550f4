#include "replication/frame_codec.h"

#include <cstring>

namespace tandem::replication {

void append_frame(std::vector<uint8_t>& out, const flatbuffers::FlatBufferBuilder& fbb) {
  const uint32_t len = fbb.GetSize();
  const uint8_t prefix[kFrameHeaderBytes] = {
      static_cast<uint8_t>(len >> 24), static_cast<uint8_t>(len >> 16),
      static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  out.insert(out.end(), prefix, prefix + kFrameHeaderBytes);
  const uint8_t* p = fbb.GetBufferPointer();
  out.insert(out.end(), p, p + len);
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
  const size_t len = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
  if (len == 0) {
    *reason = CloseReason::zero_length_frame;
    return Status::error;
  }
  if (len > max_frame_bytes_) {
    // Refused on the prefix alone: nothing of an oversized frame is ever buffered.
    *reason = CloseReason::oversized_frame;
    return Status::error;
  }
  if (buffered() < kFrameHeaderBytes + len) return Status::need_more;
  // FlatBuffers reads scalars in place; copy to an 8-byte aligned buffer first (a stream
  // puts frames at arbitrary offsets).
  aligned_.resize((len + 7) / 8);
  std::memcpy(aligned_.data(), p + kFrameHeaderBytes, len);
  frame_len_ = len;
  pos_ += kFrameHeaderBytes + len;
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

void FrameReader::reset() {
  in_.clear();
  pos_ = 0;
}

}  // namespace tandem::replication
