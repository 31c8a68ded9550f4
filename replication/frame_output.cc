#include "replication/frame_output.h"

#include <algorithm>

namespace tandem::replication {

void FrameOutput::compact() {
  // Once the written prefix dominates, so a long stream costs O(bytes) overall.
  if (pos_ > 0 && pos_ >= out_.size() / 2) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
}

void FrameOutput::append(std::span<const uint8_t> body) {
  const size_t before = out_.size();
  if (sealer_) {
    sealer_->seal(out_, body);
  } else {
    append_plain_frame(out_, body);
  }
  queued_total_ += out_.size() - before;
  if (sealer_) sealed_pending_.emplace_back(queued_total_, sealer_->next_seq());
}

void FrameOutput::queue_finished(const flatbuffers::FlatBufferBuilder& fbb, TimePoint now) {
  compact();
  append({fbb.GetBufferPointer(), fbb.GetSize()});
  ++counters_.frames_sent;
  last_tx_ = now;
}

void FrameOutput::queue_encoded(std::span<const uint8_t> frames) {
  compact();
  if (!sealer_) {
    out_.insert(out_.end(), frames.begin(), frames.end());
    queued_total_ += frames.size();
    return;
  }
  // The caller's frames carry plain length prefixes: each body is sealed with the next seq.
  size_t at = 0;
  while (at + kFrameHeaderBytes <= frames.size()) {
    const size_t len = read_length_word(frames.data() + at);
    append(frames.subspan(at + kFrameHeaderBytes, len));
    at += kFrameHeaderBytes + len;
  }
}

void FrameOutput::consume(size_t n) {
  n = std::min(n, size());
  pos_ += n;
  counters_.bytes_sent += n;
  written_total_ += n;
  while (!sealed_pending_.empty() && sealed_pending_.front().first <= written_total_) {
    written_seq_ = sealed_pending_.front().second;
    sealed_pending_.pop_front();
  }
  if (pos_ == out_.size()) {  // all written: nothing to renumber, just reuse the buffer
    out_.clear();
    pos_ = 0;
  }
}

void FrameOutput::clear() {
  if (sealer_ && written_total_ <= seal_start_) {
    sealer_.reset();  // the peer saw nothing sealed (maybe not even our AuthProof)
  } else if (sealer_) {
    sealer_->rewind(written_seq_);
  }
  sealed_pending_.clear();
  queued_total_ = written_total_;
  out_.clear();
  pos_ = 0;
}

void FrameOutput::restart(TimePoint now) {
  clear();
  sealer_.reset();
  queued_total_ = written_total_ = seal_start_ = 0;
  last_tx_ = now;
}

}  // namespace tandem::replication
