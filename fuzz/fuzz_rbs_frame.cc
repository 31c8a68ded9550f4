// fuzz_rbs_frame: the RBS stream decoder and apply path (replication/RbsChannel, receiving
// role) fed a byte stream in fuzzed chunk sizes, with time advancing between chunks. The
// stream is either raw bytes, a valid Hello followed by raw bytes, or a sequence of
// FlatBuffers frames generated from the input (Hello, snapshots, deltas, acks, heartbeats,
// batch requests, errors; mostly consistent sequence numbers and counts, with bad values
// mixed in) and then optionally corrupted at a few positions. Checks (DESIGN.md §5):
//  - the group table changes only when the channel reports an applied snapshot or delta, and
//    only after at least one frame of the stream passed flatbuffers::Verifier (an
//    independent FrameReader over the same bytes counts them); a snapshot cut short changes
//    nothing;
//  - timers, role changes and closing never change the table; once the channel asked to
//    close, further bytes change nothing;
//  - a profile that is not bound to this RBS is never touched;
//  - what the table holds after an apply is well formed (multicast group, named interface,
//    sorted unique sources, INCLUDE records non-empty, times non-negative);
//  - every byte the channel writes back parses as verified frames.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "rbs_generated.h"
#include "replication/frame_codec.h"
#include "replication/memory_group_store.h"
#include "replication/rbs_channel.h"
#include "replication/record_codec.h"

namespace tandem::fuzz {
namespace {

using namespace tandem::replication;
namespace fbs = ::tandem::rbs::fb;

const std::vector<uint16_t> kBoundIds = {10, 20};
constexpr uint16_t kUnboundId = 30;  // a profile of another RBS: must never change here
constexpr size_t kMaxFrame = 1 << 16;

// ---- the table as comparable text, at one `now` ----

// With times (remaining at `now`) unless `times` is false.
std::vector<std::string> image(const MemoryGroupStore& store, TimePoint now, bool times = true) {
  auto ms = [times](int64_t v) { return times ? std::to_string(v) : std::string(v ? "+" : "0"); };
  std::vector<std::string> out;
  store.for_each(now, [&](const GroupRecord& r) {
    std::string s = std::to_string(r.key.backup_id) + "/" + r.key.interface + "/" +
                    r.key.group.to_string() + (r.mode == FilterMode::include ? " in " : " ex ") +
                    ms(r.filter_timer_ms) + (r.compat == CompatMode::mldv1 ? " v1 " : " v2 ") +
                    ms(r.older_host_present_ms) + " " + origin_name(r.origin);
    for (const auto& src : r.sources)
      s += " " + src.address.to_string() + "=" + ms(src.remaining_ms);
    out.push_back(std::move(s));
  });
  std::sort(out.begin(), out.end());
  return out;
}

void check_well_formed(const MemoryGroupStore& store, TimePoint now) {
  store.for_each(now, [&](const GroupRecord& r) {
    FUZZ_CHECK(r.key.group.is_multicast(), "stored group is multicast");
    FUZZ_CHECK(!r.key.interface.empty() && r.key.interface.size() <= kMaxInterfaceName,
               "stored interface name is sane");
    FUZZ_CHECK(r.key.backup_id >= 1 && r.key.backup_id <= 4095, "backup-id 1..4095");
    FUZZ_CHECK(r.mode == FilterMode::exclude || !r.sources.empty(),
               "RFC 3810 §7.2.1: INCLUDE({}) is no record");
    FUZZ_CHECK(r.filter_timer_ms >= 0 && r.older_host_present_ms >= 0, "times non-negative");
    FUZZ_CHECK(r.key.backup_id == kUnboundId || r.origin == Origin::backup,
               "records from the peer are stored with origin backup");
    for (size_t i = 0; i < r.sources.size(); ++i) {
      FUZZ_CHECK(r.sources[i].remaining_ms >= 0, "source times non-negative");
      if (i > 0) FUZZ_CHECK(r.sources[i - 1].address < r.sources[i].address, "sources sorted");
    }
  });
}

// ---- stream generation ----

class StreamWriter {
 public:
  explicit StreamWriter(FuzzInput& in) : in_(in) {}

  std::vector<uint8_t> out;

  void hello(bool valid) {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<uint16_t> ids = kBoundIds;
    uint16_t version = kProtocolVersion;
    if (!valid) {
      const uint8_t sel = in_.u8();
      if (sel & 1) ids = {static_cast<uint16_t>(in_.u16() % 4097)};
      if (sel & 2) version = in_.u16();
      if (sel & 4) epoch_ = 0;
    }
    if (epoch_ == 0 && valid) epoch_ = 0xe90c;
    std::vector<uint16_t> masters;
    if (in_.flag()) masters = {kBoundIds[in_.u8() % kBoundIds.size()]};
    auto h = fbs::CreateHello(fbb, version, 0xbeef, epoch_, fbb.CreateVector(ids),
                              fbb.CreateVector(masters), 1000);
    finish(fbb, fbs::Message::Hello, h.Union());
  }

  void message() {
    switch (in_.u8() % 12) {
      case 0: return hello(in_.u8() % 8 != 0);
      case 1:
      case 2:
      case 3: return snapshot();
      case 4:
      case 5:
      case 6: return delta();
      case 7: {
        flatbuffers::FlatBufferBuilder fbb;
        finish(fbb, fbs::Message::Ack, fbs::CreateAck(fbb, in_.flag() ? 0 : in_.u64()).Union());
        return;
      }
      case 8: {
        flatbuffers::FlatBufferBuilder fbb;
        finish(fbb, fbs::Message::Heartbeat, fbs::CreateHeartbeat(fbb, seq_, in_.u64()).Union());
        return;
      }
      case 9: {
        flatbuffers::FlatBufferBuilder fbb;
        std::vector<uint16_t> ids;
        if (in_.flag()) ids.push_back(static_cast<uint16_t>(in_.u16() % 4097));
        finish(fbb, fbs::Message::BatchBackupRequest,
               fbs::CreateBatchBackupRequest(fbb, fbb.CreateVector(ids),
                                             static_cast<fbs::BatchReason>(in_.u8() % 5))
                   .Union());
        return;
      }
      case 10: {
        flatbuffers::FlatBufferBuilder fbb;
        finish(fbb, fbs::Message::Error,
               fbs::CreateError(fbb, static_cast<fbs::ErrorCode>(in_.u8() % 8),
                                fbb.CreateString("fuzz"))
                   .Union());
        return;
      }
      default: {  // a raw length prefix + bytes: a frame that is not a flatbuffer
        const auto raw = in_.bytes(in_.u8());
        const uint32_t len = in_.flag() ? static_cast<uint32_t>(raw.size()) : in_.u32();
        const uint8_t p[4] = {static_cast<uint8_t>(len >> 24), static_cast<uint8_t>(len >> 16),
                              static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
        out.insert(out.end(), p, p + 4);
        out.insert(out.end(), raw.begin(), raw.end());
        return;
      }
    }
  }

 private:
  void finish(flatbuffers::FlatBufferBuilder& fbb, fbs::Message type,
              flatbuffers::Offset<void> msg) {
    fbs::FinishFrameBuffer(fbb, fbs::CreateFrame(fbb, type, msg));
    append_frame(out, fbb);
  }

  fbs::Ipv6Addr addr(const wire::Ipv6Address& a) {
    return fbs::Ipv6Addr(flatbuffers::span<const uint8_t, 16>(a.bytes.data(), 16));
  }

  uint16_t backup_id() {
    switch (in_.u8() % 8) {
      case 0: return 0;
      case 1: return kUnboundId;
      case 2: return in_.u16();
      default: return kBoundIds[in_.u8() % kBoundIds.size()];
    }
  }

  // The identity of a record (backup-id, interface, group), valid most of the time: the
  // GroupKey table of removes and the inlined key fields of GroupRecord share it.
  struct KeyFields {
    uint16_t backup_id = 0;
    flatbuffers::Offset<flatbuffers::String> interface;
    fbs::Ipv6Addr group;
    bool has_group = true;
  };
  KeyFields key_fields(flatbuffers::FlatBufferBuilder& fbb) {
    KeyFields k;
    const uint8_t sel = in_.u8();
    std::string name = (sel & 1) ? "ge1" : "ge0";
    if ((sel & 0x0e) == 0x0e) name.assign(in_.u8() % 80, 'x');  // empty or over 64
    k.group = addr(pick_or_raw(in_, pools().groups));
    k.has_group = (sel & 0xc0) != 0xc0;
    if ((sel & 0x30) != 0x30) k.interface = fbb.CreateString(name);
    k.backup_id = backup_id();
    return k;
  }
  flatbuffers::Offset<fbs::GroupKey> key(flatbuffers::FlatBufferBuilder& fbb) {
    const KeyFields k = key_fields(fbb);
    return fbs::CreateGroupKey(fbb, k.backup_id, k.interface, k.has_group ? &k.group : nullptr);
  }

  int64_t time_ms() {
    const uint8_t sel = in_.u8();
    if (sel == 0xff) return -static_cast<int64_t>(in_.u32());
    if (sel < 0x40) return 0;
    return static_cast<int64_t>(in_.range(1, 300000));
  }

  flatbuffers::Offset<fbs::GroupRecord> record(flatbuffers::FlatBufferBuilder& fbb) {
    const KeyFields k = key_fields(fbb);
    std::vector<fbs::SourceTimer> sources;
    for (uint32_t i = in_.range(0, 4); i > 0; --i)
      sources.emplace_back(addr(pick_or_raw(in_, pools().sources)), time_ms());
    const uint8_t sel = in_.u8();
    const auto mode = static_cast<fbs::FilterMode>(sel == 0xff ? in_.u8() : sel & 1);
    const auto compat = static_cast<fbs::CompatMode>(sel == 0xfe ? in_.u8() : (sel >> 1) & 1);
    const auto reporter = addr(pick_or_raw(in_, pools().link_locals));
    return fbs::CreateGroupRecord(fbb, k.backup_id, k.interface, k.has_group ? &k.group : nullptr,
                                  mode, fbb.CreateVectorOfStructs(sources), time_ms(), compat,
                                  time_ms(), static_cast<fbs::Origin>((sel >> 2) & 1), &reporter);
  }

  // Mostly the value the receiver expects, sometimes another.
  uint64_t seq_or(uint64_t expected) {
    const uint8_t sel = in_.u8();
    return sel < 0xe0 ? expected : sel < 0xf0 ? expected + 1 + sel % 3 : in_.u64();
  }

  void snapshot() {
    const uint64_t s = seq_or(seq_ + 1);
    std::vector<std::vector<uint8_t>> chunks;  // built first: Begin needs the count
    uint64_t count = 0;
    std::vector<uint8_t> body;
    for (uint32_t c = in_.range(0, 3); c > 0; --c) {
      flatbuffers::FlatBufferBuilder fbb;
      std::vector<flatbuffers::Offset<fbs::GroupRecord>> recs;
      for (uint32_t i = in_.range(0, 5); i > 0; --i) recs.push_back(record(fbb));
      count += recs.size();
      const uint64_t cs = in_.u8() == 0xff ? s + 1 : s;
      fbs::FinishFrameBuffer(
          fbb, fbs::CreateFrame(fbb, fbs::Message::SnapshotChunk,
                                fbs::CreateSnapshotChunk(fbb, cs, fbb.CreateVector(recs)).Union()));
      append_frame(body, fbb);
    }
    const uint8_t sel = in_.u8();
    {
      flatbuffers::FlatBufferBuilder fbb;
      std::vector<uint16_t> ids = kBoundIds;
      if (sel & 1) ids = {kBoundIds[0]};
      if ((sel & 6) == 6) ids.push_back(kUnboundId);
      const uint64_t ep = (sel & 0x18) == 0x18 ? epoch_ + 1 : epoch_;
      finish(fbb, fbs::Message::SnapshotBegin,
             fbs::CreateSnapshotBegin(fbb, s, ep, fbb.CreateVector(ids),
                                      (sel & 0x60) == 0x60 ? count + 1 : count)
                 .Union());
    }
    // Cut short now and then: nothing of it may be applied.
    if (sel & 0x80 && in_.u8() % 4 == 0) body.resize(body.size() / 2);
    out.insert(out.end(), body.begin(), body.end());
    if (!(sel & 0x80) || in_.u8() % 4 != 0) {
      flatbuffers::FlatBufferBuilder fbb;
      finish(fbb, fbs::Message::SnapshotEnd,
             fbs::CreateSnapshotEnd(fbb, s, in_.u8() == 0xff ? count + 1 : count).Union());
    }
    seq_ = s;
  }

  void delta() {
    flatbuffers::FlatBufferBuilder fbb;
    const uint64_t s = seq_or(seq_ + 1);
    std::vector<flatbuffers::Offset<fbs::GroupRecord>> ups;
    std::vector<flatbuffers::Offset<fbs::GroupKey>> rms;
    for (uint32_t i = in_.range(0, 4); i > 0; --i) ups.push_back(record(fbb));
    for (uint32_t i = in_.range(0, 2); i > 0; --i) rms.push_back(key(fbb));
    finish(fbb, fbs::Message::Delta,
           fbs::CreateDelta(fbb, s, fbb.CreateVector(ups), fbb.CreateVector(rms)).Union());
    seq_ = s;
  }

  FuzzInput& in_;
  uint64_t epoch_ = 0xe90c;
  uint64_t seq_ = 0;
};

// ---- the run ----

class Harness {
 public:
  // `keyed`: this end holds an authentication key. The generated streams never carry the
  // peer's proof of it, so then nothing may ever be applied.
  explicit Harness(bool keyed) : keyed_(keyed), channel_(config(keyed), store_) {}

  void run(FuzzInput& in) {
    prefill(in);
    const uint8_t mode = in.u8() % 4;
    const uint8_t chunk = in.u8();
    const uint32_t step_ms = in.u8() * 50u;
    const uint32_t role_flip_at = in.u8() % 16;
    uint16_t corrupt_pos[3] = {};
    uint8_t corrupt_xor[3] = {};
    const uint32_t corruptions = mode >= 2 ? in.u8() % 4 : 0;
    for (uint32_t i = 0; i < corruptions; ++i) {
      corrupt_pos[i] = in.u16();
      corrupt_xor[i] = in.u8() | 1;
    }

    StreamWriter w(in);
    if (mode == 1) w.hello(true);
    if (mode >= 2) {
      w.hello(in.u8() % 16 != 0);
      for (int i = 0; i < 24 && !in.empty(); ++i) w.message();
    } else {
      const auto raw = in.rest();
      w.out.insert(w.out.end(), raw.begin(), raw.end());
    }
    for (uint32_t i = 0; i < corruptions && !w.out.empty(); ++i)
      w.out[corrupt_pos[i] % w.out.size()] ^= corrupt_xor[i];

    channel_.on_connected(now_);
    drain_output();
    const std::span<const uint8_t> stream(w.out);
    const size_t size = chunk == 0 ? stream.size() : chunk;
    uint32_t index = 0;
    for (size_t off = 0; off < stream.size(); off += size, ++index) {
      const auto piece = stream.subspan(off, std::min(size, stream.size() - off));
      feed(piece);
      tick(step_ms);
      if (index == role_flip_at) flip_role();
    }
    const auto before = image(store_, now_);
    channel_.on_disconnected(now_);
    tick(0);
    FUZZ_CHECK(image(store_, now_) == before, "closing the link leaves the table as it is");
  }

 private:
  static ChannelConfig config(bool keyed) {
    ChannelConfig c;
    if (keyed) {
      c.authentication_key = "fuzz-shared-key";
      c.nonce_source = [] {
        AuthNonce n{};
        n.fill(0x5a);  // deterministic runs
        return n;
      };
    }
    c.name = "fuzz";
    c.node_id = 1;
    c.epoch = 0x5eed;
    c.backup_ids = kBoundIds;
    c.max_frame_bytes = kMaxFrame;
    return c;
  }

  void prefill(FuzzInput& in) {
    // The unbound profile's record, and a few the peer sent earlier.
    GroupRecord r;
    r.key = GroupKey{kUnboundId, "ge0", wire::Ipv6Address::must_parse("ff05::30")};
    r.mode = FilterMode::exclude;
    r.filter_timer_ms = int64_t{1} << 40;  // outlives any run
    store_.upsert(r, now_);
    for (uint32_t i = in.range(0, 3); i > 0; --i) {
      GroupRecord p;
      p.key =
          GroupKey{kBoundIds[in.u8() % 2], in.flag() ? "ge0" : "ge1", pools().groups[in.u8() % 5]};
      p.mode = FilterMode::include;
      p.sources = {SourceTimer{pools().sources[in.u8() % 4], 100000}};
      p.origin = Origin::backup;
      store_.upsert(p, now_);
    }
    unbound_ = find_unbound();
  }

  std::string find_unbound() const {
    std::string s;
    for (const auto& line : image(store_, now_, false))
      if (line.rfind(std::to_string(kUnboundId) + "/", 0) == 0) s += line + "\n";
    return s;
  }

  void feed(std::span<const uint8_t> piece) {
    const auto before = image(store_, now_);
    const bool was_closing = channel_.wants_close() || !channel_.link_up();
    reference_.append(piece);
    while (!reference_failed_) {
      const fbs::Frame* f = nullptr;
      CloseReason why = CloseReason::none;
      const auto st = reference_.next(&f, &why);
      if (st == FrameReader::Status::need_more) break;
      if (st == FrameReader::Status::error) {
        reference_failed_ = true;
        break;
      }
      ++verified_;
    }
    channel_.on_bytes(piece, now_);
    const bool applied = take_apply_events();
    const auto after = image(store_, now_);
    FUZZ_CHECK(!(keyed_ && applied), "with a key, nothing applies before the peer's proof");
    if (!applied) {
      FUZZ_CHECK(after == before, "the table changes only through an applied snapshot or delta");
    } else {
      FUZZ_CHECK(verified_ > 0, "nothing is applied before a frame passed the Verifier");
      FUZZ_CHECK(!was_closing, "nothing is applied after the channel asked to close");
    }
    FUZZ_CHECK(find_unbound() == unbound_, "a profile not bound to this RBS is never touched");
    check_well_formed(store_, now_);
    drain_output();
  }

  void tick(uint32_t ms) {
    now_ += std::chrono::milliseconds(ms);
    const auto before = image(store_, now_);
    if (channel_.next_deadline() <= now_) channel_.on_timer(now_);
    FUZZ_CHECK(!take_apply_events(), "timers apply nothing");
    FUZZ_CHECK(image(store_, now_) == before, "timers never change the table");
    drain_output();
  }

  void flip_role() {
    const auto before = image(store_, now_);
    channel_.set_role(kBoundIds[0],
                      channel_.role(kBoundIds[0]) == Role::master ? Role::backup : Role::master,
                      now_);
    FUZZ_CHECK(!take_apply_events(), "a role change applies nothing");
    FUZZ_CHECK(image(store_, now_) == before, "a role change never changes the table");
    drain_output();
  }

  bool take_apply_events() {
    bool applied = false;
    for (const auto& e : channel_.take_events()) {
      if (e.kind == ChannelEvent::Kind::snapshot_complete ||
          e.kind == ChannelEvent::Kind::delta_applied)
        applied = true;
      if (e.kind == ChannelEvent::Kind::connected) {
        output_reader_.reset();
        output_failed_ = false;
      }
    }
    return applied;
  }

  // What we send must be frames the peer's reader accepts.
  void drain_output() {
    const auto out = channel_.output();
    if (out.empty()) return;
    output_reader_.append(out);
    channel_.consume_output(out.size());
    while (!output_failed_) {
      const fbs::Frame* f = nullptr;
      CloseReason why = CloseReason::none;
      const auto st = output_reader_.next(&f, &why);
      if (st == FrameReader::Status::need_more) break;
      FUZZ_CHECK(st == FrameReader::Status::frame, "every frame the channel writes verifies");
    }
  }

  bool keyed_ = false;
  MemoryGroupStore store_;
  RbsChannel channel_;
  TimePoint now_ = TimePoint{} + std::chrono::hours(1);
  FrameReader reference_{kMaxFrame};
  bool reference_failed_ = false;
  uint64_t verified_ = 0;
  FrameReader output_reader_{kDefaultMaxFrameBytes};
  bool output_failed_ = false;
  std::string unbound_;
};

}  // namespace
}  // namespace tandem::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Inputs starting with "KEY!" run against an end that holds an authentication key; other
  // inputs (and the kept corpus and crash inputs) mean what they always meant.
  const bool keyed = size >= 4 && std::memcmp(data, "KEY!", 4) == 0;
  if (keyed) {
    data += 4;
    size -= 4;
  }
  tandem::fuzz::FuzzInput in(data, size);
  tandem::fuzz::Harness h(keyed);
  h.run(in);
  return 0;
}
