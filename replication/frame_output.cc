#include "replication/frame_output.h"

#include <algorithm>

namespace tandem::replication {

void FrameOutput::queue_finished(const flatbuffers::FlatBufferBuilder& fbb, TimePoint now) {
  // Compact once the written prefix dominates, so a long stream costs O(bytes) overall.
  if (pos_ > 0 && pos_ >= out_.size() / 2) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  append_frame(out_, fbb);
  ++counters_.frames_sent;
  last_tx_ = now;
}

void FrameOutput::queue_encoded(std::span<const uint8_t> frames) {
  out_.insert(out_.end(), frames.begin(), frames.end());
}

void FrameOutput::consume(size_t n) {
  n = std::min(n, size());
  pos_ += n;
  counters_.bytes_sent += n;
  if (pos_ == out_.size()) clear();
}

void FrameOutput::clear() {
  out_.clear();
  pos_ = 0;
}

void FrameOutput::restart(TimePoint now) {
  clear();
  last_tx_ = now;
}

}  // namespace tandem::replication
