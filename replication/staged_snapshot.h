// The chunks of a received snapshot, kept verbatim (verified frames) from its SnapshotBegin
// to its SnapshotEnd and then read back slice by slice while it is applied. Nothing is
// applied before the whole snapshot has arrived, so a reset in the middle leaves the table
// as it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "control/common/time.h"
#include "replication/record_codec.h"

namespace tandem::replication {

class StagedSnapshot {
 public:
  // `frame` is a verified Frame carrying a SnapshotChunk whose records all decode.
  void add(std::span<const uint8_t> frame, TimePoint received);
  // Drops every chunk; the cursor goes back to the start.
  void clear();
  // The cursor goes back to the start; the next walk() begins with the first record.
  void rewind() {
    chunk_ = 0;
    index_ = 0;
  }
  size_t chunks() const { return chunks_.size(); }

  // Calls f(record, chunk arrival) for up to `budget` records from the cursor on, taking
  // what it visits off `budget`; true (and the cursor back at the start) once every record
  // has been visited.
  template <class F>
  bool walk(size_t& budget, F&& f);

 private:
  struct Chunk {
    std::vector<uint64_t> frame;  // 8-byte aligned copy, as flatbuffers reads need
    TimePoint received;
  };
  std::vector<Chunk> chunks_;
  size_t chunk_ = 0, index_ = 0;  // cursor: next record
};

template <class F>
bool StagedSnapshot::walk(size_t& budget, F&& f) {
  GroupRecord r;
  while (chunk_ < chunks_.size() && budget > 0) {
    const auto& chunk = chunks_[chunk_];
    const auto* recs = fb::GetFrame(chunk.frame.data())->message_as_SnapshotChunk()->records();
    const size_t n = recs ? recs->size() : 0;
    for (; index_ < n && budget > 0; ++index_, --budget) {
      decode_record(recs->Get(static_cast<flatbuffers::uoffset_t>(index_)), &r);
      f(r, chunk.received);
    }
    if (index_ >= n) {
      ++chunk_;
      index_ = 0;
    }
  }
  if (chunk_ < chunks_.size()) return false;
  rewind();
  return true;
}

}  // namespace tandem::replication
