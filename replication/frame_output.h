// The bytes an RBS channel has queued for the transport, and when it last queued a frame
// (the heartbeat timer runs from there). Every part of the channel that sends writes here;
// the transport reads pending() and reports what it wrote with consume().
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <utility>
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
  // Queues frames encoded (and counted) by the caller, e.g. a snapshot's chunks, as
  // append_frame() wrote them; with a sealer each is sealed on the way.
  void queue_encoded(std::span<const uint8_t> frames);

  // Every frame queued from now on is sealed (frame_mac.h): after our AuthProof.
  void seal_with(const FrameSealer& sealer) {
    sealer_ = sealer;
    seal_start_ = queued_total_;
    written_seq_ = sealer.next_seq();
  }
  bool sealed() const { return sealer_.has_value(); }

  std::span<const uint8_t> pending() const { return {out_.data() + pos_, size()}; }
  size_t size() const { return out_.size() - pos_; }
  // The transport wrote the first `n` pending bytes.
  void consume(size_t n);
  // Drops everything not yet written (a new connection, or a close that sends only an Error).
  // A sealed stream numbers on from the last frame written, and goes back to plain frames if
  // no sealed frame was written, so the Error that may follow is one the peer can read.
  void clear();

  TimePoint last_tx() const { return last_tx_; }
  // A new connection: nothing pending, unsealed, and the heartbeat timer starts at `now`.
  void restart(TimePoint now);

 private:
  ChannelCounters& counters_;
  void compact();
  void append(std::span<const uint8_t> body);

  std::optional<FrameSealer> sealer_;
  uint64_t queued_total_ = 0, written_total_ = 0;  // bytes over the connection's life
  uint64_t seal_start_ = 0;                        // queued_total_ at seal_with()
  uint64_t written_seq_ = 0;                       // seq after the last sealed frame written
  // Sealed frames not fully written: (queued_total_ at their end, seq after them).
  std::deque<std::pair<uint64_t, uint64_t>> sealed_pending_;
  std::vector<uint8_t> out_;
  size_t pos_ = 0;  // bytes of out_ already written
  TimePoint last_tx_{};
};

}  // namespace tandem::replication
