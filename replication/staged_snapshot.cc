#include "replication/staged_snapshot.h"

#include <cstring>

namespace tandem::replication {

void StagedSnapshot::add(std::span<const uint8_t> frame, TimePoint received) {
  Chunk chunk;
  chunk.frame.resize((frame.size() + 7) / 8);
  std::memcpy(chunk.frame.data(), frame.data(), frame.size());
  chunk.received = received;
  chunks_.push_back(std::move(chunk));
}

void StagedSnapshot::clear() {
  chunks_.clear();
  rewind();
}

}  // namespace tandem::replication
