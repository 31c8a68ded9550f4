// GroupRecord ⇄ FlatBuffers: the snapshot and delta payload codec. Decoding checks what the
// Verifier cannot (enum ranges, a multicast group, non-negative times, a sane interface
// name) so a bad record is refused before anything is applied.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "replication/frame_codec.h"
#include "replication/group_store.h"

namespace tandem::replication {

inline constexpr size_t kMaxInterfaceName = 64;
// The longest timer MLD can run is MALI = RV × QI + QRI = 5 × 18000 s + 125 s (about 25 h,
// commands.md ranges). A peer's record claiming more than a week is refused as bad_record:
// it would overflow the receiver's nanosecond clock arithmetic (found by fuzz_rbs_frame).
inline constexpr int64_t kMaxRemainingMs = 7LL * 24 * 3600 * 1000;

// Interface names repeat across records: each is written once per frame and shared.
class InterfaceNameCache {
 public:
  flatbuffers::Offset<flatbuffers::String> get(flatbuffers::FlatBufferBuilder& fbb,
                                               const std::string& name);
  void clear() { names_.clear(); }

 private:
  std::vector<std::pair<std::string, flatbuffers::Offset<flatbuffers::String>>> names_;
};

flatbuffers::Offset<fb::GroupKey> encode_key(flatbuffers::FlatBufferBuilder& fbb,
                                             const GroupKey& key, InterfaceNameCache& names);
flatbuffers::Offset<fb::GroupRecord> encode_record(flatbuffers::FlatBufferBuilder& fbb,
                                                   const GroupRecord& record,
                                                   InterfaceNameCache& names);

// false when the key or record breaks a rule above; *out is unspecified then.
bool decode_key(const fb::GroupKey* in, GroupKey* out);
bool decode_record(const fb::GroupRecord* in, GroupRecord* out);

// Is `id` one of `ids` (sorted)?
bool contains_id(const std::vector<uint16_t>& ids, uint16_t id);
std::vector<uint16_t> decode_ids(const flatbuffers::Vector<uint16_t>* ids);

}  // namespace tandem::replication
