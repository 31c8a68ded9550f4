// The bytes an RBS channel has queued for the transport, and when it last queued a frame
// (the heartbeat timer runs from there). Every part of the channel that sends writes here;
// the transport reads pending() and reports what it wrote with consume().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "control/common/time.h"
#include "replication/channel_types.h"
#include "replication/frame_codec.h"

namespace tandem::replication {

class FrameOutput {
 public:
  // frames_sent and bytes_sent are counted in `counters`.
  explicit FrameOutput(ChannelCounters& counters) : counters_(counters) {}

  // Finishes `fbb` as a Frame carrying `msg` of `type` and queues it.
  template <typename T>
  void send(flatbuffers::FlatBufferBuilder& fbb, flatbuffers::Offset<T> msg, fb::Message type,
            TimePoint now) {
    fbb.Finish(fb::CreateFrame(fbb, type, msg.Union()), fb::FrameIdentifier());
    queue_finished(fbb, now);
  }
  // Queues the finished Frame in `fbb`.
  void queue_finished(const flatbuffers::FlatBufferBuilder& fbb, TimePoint now);
  // Queues frames encoded (and counted) by the caller, e.g. a snapshot's chunks.
  void queue_encoded(std::span<const uint8_t> frames);

  std::span<const uint8_t> pending() const { return {out_.data() + pos_, size()}; }
  size_t size() const { return out_.size() - pos_; }
  // The transport wrote the first `n` pending bytes.
  void consume(size_t n);
  // Drops everything not yet written (a new connection, or a close that sends only an Error).
  void clear();

  TimePoint last_tx() const { return last_tx_; }
  // A new connection: nothing pending, and the heartbeat timer starts at `now`.
  void restart(TimePoint now);

 private:
  ChannelCounters& counters_;
  std::vector<uint8_t> out_;
  size_t pos_ = 0;  // bytes of out_ already written
  TimePoint last_tx_{};
};

}  // namespace tandem::replication
