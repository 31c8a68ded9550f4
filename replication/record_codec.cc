#include "replication/record_codec.h"

#include <algorithm>

namespace tandem::replication {
namespace {

fb::Ipv6Addr to_fb(const wire::Ipv6Address& a) {
  return fb::Ipv6Addr(flatbuffers::span<const uint8_t, 16>(a.bytes.data(), 16));
}

wire::Ipv6Address from_fb(const fb::Ipv6Addr& a) {
  return wire::Ipv6Address::from_bytes(a.bytes()->Data());
}

}  // namespace

flatbuffers::Offset<flatbuffers::String> InterfaceNameCache::get(
    flatbuffers::FlatBufferBuilder& fbb, const std::string& name) {
  for (const auto& [n, off] : names_) {
    if (n == name) return off;
  }
  auto off = fbb.CreateString(name);
  names_.emplace_back(name, off);
  return off;
}

flatbuffers::Offset<fb::GroupKey> encode_key(flatbuffers::FlatBufferBuilder& fbb,
                                             const GroupKey& key, InterfaceNameCache& names) {
  auto iface = names.get(fbb, key.interface);
  const fb::Ipv6Addr group = to_fb(key.group);
  return fb::CreateGroupKey(fbb, key.backup_id, iface, &group);
}

flatbuffers::Offset<fb::GroupRecord> encode_record(flatbuffers::FlatBufferBuilder& fbb,
                                                   const GroupRecord& r,
                                                   InterfaceNameCache& names) {
  auto iface = names.get(fbb, r.key.interface);
  const fb::Ipv6Addr group = to_fb(r.key.group);
  flatbuffers::Offset<flatbuffers::Vector<const fb::SourceTimer*>> sources;
  if (!r.sources.empty()) {
    fb::SourceTimer* buf = nullptr;
    sources = fbb.CreateUninitializedVectorOfStructs(r.sources.size(), &buf);
    for (size_t i = 0; i < r.sources.size(); ++i) {
      buf[i] = fb::SourceTimer(to_fb(r.sources[i].address), r.sources[i].remaining_ms);
    }
  }
  // Display-only and often unknown (::): left out then, 16 bytes less per record.
  const fb::Ipv6Addr reporter = to_fb(r.last_reporter);
  const fb::Ipv6Addr* reporter_ptr = r.last_reporter.is_unspecified() ? nullptr : &reporter;
  return fb::CreateGroupRecord(
      fbb, r.key.backup_id, iface, &group,
      r.mode == FilterMode::exclude ? fb::FilterMode::Exclude : fb::FilterMode::Include, sources,
      r.filter_timer_ms,
      r.compat == CompatMode::mldv1 ? fb::CompatMode::MLDv1 : fb::CompatMode::MLDv2,
      r.older_host_present_ms, r.origin == Origin::backup ? fb::Origin::Backup : fb::Origin::Local,
      reporter_ptr);
}

namespace {

// Shared by GroupKey and GroupRecord, which carry the same three key fields.
template <typename T>
bool decode_key_fields(const T* in, GroupKey* out) {
  if (in == nullptr || in->interface() == nullptr || in->group() == nullptr) return false;
  const auto* name = in->interface();
  if (name->size() == 0 || name->size() > kMaxInterfaceName) return false;
  if (in->backup_id() < 1 || in->backup_id() > 4095) return false;
  out->backup_id = in->backup_id();
  out->interface.assign(name->data(), name->size());
  out->group = from_fb(*in->group());
  return out->group.is_multicast();
}

}  // namespace

bool decode_key(const fb::GroupKey* in, GroupKey* out) {
  return decode_key_fields(in, out);
}

bool decode_record(const fb::GroupRecord* in, GroupRecord* out) {
  if (!decode_key_fields(in, &out->key)) return false;
  const auto mode = in->filter_mode();
  if (mode != fb::FilterMode::Include && mode != fb::FilterMode::Exclude) return false;
  const auto compat = in->compat_mode();
  if (compat != fb::CompatMode::MLDv2 && compat != fb::CompatMode::MLDv1) return false;
  auto valid_ms = [](int64_t ms) { return ms >= 0 && ms <= kMaxRemainingMs; };
  if (!valid_ms(in->filter_timer_ms()) || !valid_ms(in->older_host_present_ms())) return false;
  out->mode = mode == fb::FilterMode::Exclude ? FilterMode::exclude : FilterMode::include;
  out->compat = compat == fb::CompatMode::MLDv1 ? CompatMode::mldv1 : CompatMode::mldv2;
  out->filter_timer_ms = out->mode == FilterMode::exclude ? in->filter_timer_ms() : 0;
  out->older_host_present_ms = in->older_host_present_ms();
  out->origin = in->origin() == fb::Origin::Backup ? Origin::backup : Origin::local;
  out->last_reporter = in->last_reporter() ? from_fb(*in->last_reporter()) : wire::Ipv6Address{};
  out->sources.clear();
  if (const auto* srcs = in->sources()) {
    out->sources.reserve(srcs->size());
    for (const auto* s : *srcs) {
      if (!valid_ms(s->remaining_ms())) return false;
      // RFC 3810 §7.2.1: INCLUDE mode holds running sources only.
      if (out->mode == FilterMode::include && s->remaining_ms() == 0) continue;
      out->sources.push_back({from_fb(s->address()), s->remaining_ms()});
    }
  }
  std::sort(out->sources.begin(), out->sources.end(),
            [](const SourceTimer& a, const SourceTimer& b) { return a.address < b.address; });
  for (size_t i = 1; i < out->sources.size(); ++i) {
    if (out->sources[i].address == out->sources[i - 1].address) return false;
  }
  return true;
}

bool contains_id(const std::vector<uint16_t>& ids, uint16_t id) {
  return std::binary_search(ids.begin(), ids.end(), id);
}

std::vector<uint16_t> decode_ids(const flatbuffers::Vector<uint16_t>* ids) {
  std::vector<uint16_t> out;
  if (ids != nullptr) out.assign(ids->begin(), ids->end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace tandem::replication
