// RBS framing: 4-byte big-endian length + one FlatBuffers `Frame`. The reader refuses a
// frame before reading any field unless its length is within 1..max and it passes
// flatbuffers::Verifier; every refusal names a CloseReason. After the peer's AuthProof the
// reader is given the peer's FrameOpener (frame_mac.h): from then on every frame must be
// sealed and its MAC is checked before FlatBuffers reads a byte of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "rbs_generated.h"
#include "replication/frame_mac.h"
#include "replication/reasons.h"

namespace tandem::replication {

namespace fb = ::tandem::rbs::fb;

inline constexpr size_t kFrameHeaderBytes = 4;
inline constexpr size_t kDefaultMaxFrameBytes = size_t{4} << 20;  // 4 MiB

// Appends length prefix + the finished buffer of `fbb` to `out`.
void append_frame(std::vector<uint8_t>& out, const flatbuffers::FlatBufferBuilder& fbb);
// Appends a plain (unsealed) length prefix + `body`.
void append_plain_frame(std::vector<uint8_t>& out, std::span<const uint8_t> body);
// The 4-byte big-endian word at `p` (length prefix, with kSealedFlag when sealed).
uint32_t read_length_word(const uint8_t* p);

class FrameReader {
 public:
  explicit FrameReader(size_t max_frame_bytes = kDefaultMaxFrameBytes)
      : max_frame_bytes_(max_frame_bytes) {}

  void append(std::span<const uint8_t> data);

  // Every frame from the next one on must be sealed with the key of `opener`.
  void open_with(const FrameOpener& opener) { opener_ = opener; }
  bool sealed() const { return opener_.has_value(); }

  enum class Status : uint8_t { frame, need_more, error };
  // Extracts the next frame. On `frame`, *frame points into an internal, 8-byte aligned copy
  // that stays valid until the next call to next()/append()/reset(). On `error`, *reason says
  // why and the reader must be reset before further use.
  Status next(const fb::Frame** frame, CloseReason* reason);

  // The bytes of the frame last returned by next() (aligned copy).
  std::span<const uint8_t> frame_bytes() const {
    return {reinterpret_cast<const uint8_t*>(aligned_.data()), frame_len_};
  }

  // Bytes of an incomplete frame are buffered (a close now means a truncated frame).
  bool mid_frame() const { return buffered() != 0; }
  size_t buffered() const { return in_.size() - pos_; }
  // Drops buffered bytes and the opener (a new connection starts unsealed).
  void reset();

 private:
  // A sealed frame's trailer checked; false with *reason when it is refused.
  bool open_sealed(const uint8_t* p, size_t len, CloseReason* reason);

  size_t max_frame_bytes_;
  std::optional<FrameOpener> opener_;
  std::vector<uint8_t> in_;
  size_t pos_ = 0;
  std::vector<uint64_t> aligned_;
  size_t frame_len_ = 0;  // frame copy with the alignment flatbuffers reads need
};

}  // namespace tandem::replication
