#include "control/wire/pim.h"

#include <algorithm>

#include "control/wire/byte_io.h"

namespace tandem::wire {

namespace {

// Sizes of the IPv6 encoded forms (§4.9.1): family, encoding type, [flags, mask length,]
// then the 16-byte address.
constexpr size_t kEncodedUnicastLen = 2 + 16;
constexpr size_t kEncodedGroupLen = 4 + 16;
constexpr size_t kEncodedSourceLen = 4 + 16;
constexpr size_t kHelloOptionHeaderLen = 4;  // type, length (§4.9.2)

// Flag bits of the Encoded-Group (B .. Z) and Encoded-Source (.. S W R) third byte.
constexpr uint8_t kGroupFlagBidir = 0x80;
constexpr uint8_t kGroupFlagAdminZone = 0x01;
constexpr uint8_t kSourceFlagSparse = 0x04;
constexpr uint8_t kSourceFlagWildcard = 0x02;
constexpr uint8_t kSourceFlagRpt = 0x01;

constexpr uint32_t kTopBit32 = 0x80000000u;
constexpr uint16_t kTopBit16 = 0x8000u;

// A read position inside one span. Every read is preceded by has(): nothing here can step
// past the end, whatever the counts in the message claim.
class Cursor {
 public:
  explicit Cursor(std::span<const uint8_t> s) : s_(s) {}
  size_t left() const { return s_.size() - pos_; }
  bool has(size_t n) const { return left() >= n; }
  uint8_t u8() { return s_[pos_++]; }
  uint16_t be16() {
    uint16_t v = load_be16(s_.data() + pos_);
    pos_ += 2;
    return v;
  }
  uint32_t be32() {
    uint32_t v = load_be32(s_.data() + pos_);
    pos_ += 4;
    return v;
  }
  Ipv6Address address() {
    Ipv6Address a = Ipv6Address::from_bytes(s_.data() + pos_);
    pos_ += 16;
    return a;
  }
  std::span<const uint8_t> take(size_t n) {
    auto v = s_.subspan(pos_, n);
    pos_ += n;
    return v;
  }

 private:
  std::span<const uint8_t> s_;
  size_t pos_ = 0;
};

// ---- encoded forms (§4.9.1) ----

// Family and encoding type open every encoded form: IPv6 (2) in its native encoding (0) is
// the only one a PIMv6 router reads. `short_reason` names what a message that ends inside the
// form is (a bad option length inside a Hello, a bad length elsewhere).
DropReason read_family_and_encoding(Cursor& c, size_t form_len, DropReason short_reason) {
  if (!c.has(2)) return short_reason;
  if (c.u8() != kPimAddressFamilyIpv6) return DropReason::pim_bad_address_family;
  if (c.u8() != 0) return DropReason::pim_bad_encoding_type;
  return c.has(form_len - 2) ? DropReason::none : short_reason;
}

DropReason read_encoded_unicast(Cursor& c, Ipv6Address& out, DropReason short_reason) {
  DropReason r = read_family_and_encoding(c, kEncodedUnicastLen, short_reason);
  if (r != DropReason::none) return r;
  out = c.address();
  return DropReason::none;
}

// Encoded-Group and Encoded-Source share one layout after family and type: a flags byte,
// the mask length, the address. Their readers differ only in what the flags mean.
struct EncodedPrefix {
  uint8_t flags = 0;
  uint8_t mask_len = 128;
  Ipv6Address address;
};

DropReason read_encoded_prefix(Cursor& c, EncodedPrefix& out) {
  static_assert(kEncodedGroupLen == kEncodedSourceLen);
  DropReason r = read_family_and_encoding(c, kEncodedGroupLen, DropReason::pim_bad_length);
  if (r != DropReason::none) return r;
  out.flags = c.u8();
  out.mask_len = c.u8();
  out.address = c.address();
  return DropReason::none;
}

DropReason read_encoded_source(Cursor& c, PimSourceEntry& out) {
  EncodedPrefix e;
  DropReason r = read_encoded_prefix(c, e);
  out.source = e.address;
  out.mask_len = e.mask_len;
  out.sparse = (e.flags & kSourceFlagSparse) != 0;
  out.wildcard = (e.flags & kSourceFlagWildcard) != 0;
  out.rpt = (e.flags & kSourceFlagRpt) != 0;
  return r;
}

// The writing side of the forms above: IPv6 in the native encoding, then for a group or a
// source its flags and mask length, then the address.
void write_encoded(ByteWriter& w, const Ipv6Address& a, std::optional<uint8_t> flags = {},
                   uint8_t mask_len = 128) {
  w.u8(kPimAddressFamilyIpv6);
  w.u8(0);  // native encoding
  if (flags) {
    w.u8(*flags);
    w.u8(mask_len);
  }
  w.bytes(a.bytes.data(), 16);
}

void write_encoded_unicast(ByteWriter& w, const Ipv6Address& a) {
  write_encoded(w, a);
}

void write_encoded_group(ByteWriter& w, const Ipv6Address& g, uint8_t mask_len, bool bidir,
                         bool admin_zone) {
  write_encoded(
      w, g,
      static_cast<uint8_t>((bidir ? kGroupFlagBidir : 0) | (admin_zone ? kGroupFlagAdminZone : 0)),
      mask_len);
}

void write_encoded_source(ByteWriter& w, const PimSourceEntry& s) {
  write_encoded(
      w, s.source,
      static_cast<uint8_t>((s.sparse ? kSourceFlagSparse : 0) |
                           (s.wildcard ? kSourceFlagWildcard : 0) | (s.rpt ? kSourceFlagRpt : 0)),
      s.mask_len);
}

// ---- Hello (§4.9.2) ----

// Address List (option 24): Encoded-Unicast addresses filling the option exactly.
DropReason read_address_list(std::span<const uint8_t> value, std::vector<Ipv6Address>& out) {
  Cursor c(value);
  while (c.left() > 0) {
    Ipv6Address a;
    DropReason r = read_encoded_unicast(c, a, DropReason::pim_bad_option_length);
    if (r != DropReason::none) return r;
    out.push_back(a);
  }
  return DropReason::none;
}

// One option the RFC gives a fixed length; any other length makes the Hello unusable.
DropReason read_option(uint16_t type, std::span<const uint8_t> value, PimHello& h) {
  auto fixed = [&](size_t want) { return value.size() == want; };
  Cursor v(value);
  switch (type) {
    case kPimOptHoldtime:
      if (!fixed(2)) return DropReason::pim_bad_option_length;
      h.holdtime_s = v.be16();
      return DropReason::none;
    case kPimOptLanPruneDelay: {
      if (!fixed(4)) return DropReason::pim_bad_option_length;
      const uint16_t first = v.be16();
      h.lan_prune_delay =
          PimLanPruneDelay{.t_bit = (first & kTopBit16) != 0,
                           .propagation_delay_ms = static_cast<uint16_t>(first & ~kTopBit16),
                           .override_interval_ms = v.be16()};
      return DropReason::none;
    }
    case kPimOptDrPriority:
      if (!fixed(4)) return DropReason::pim_bad_option_length;
      h.dr_priority = v.be32();
      return DropReason::none;
    case kPimOptGenerationId:
      if (!fixed(4)) return DropReason::pim_bad_option_length;
      h.generation_id = v.be32();
      return DropReason::none;
    case kPimOptAddressList: return read_address_list(value, h.address_list);
    default: return DropReason::none;  // unknown options are ignored (§4.9.2)
  }
}

DropReason parse_hello(std::span<const uint8_t> body, PimHello& h) {
  Cursor c(body);
  while (c.left() > 0) {
    if (!c.has(kHelloOptionHeaderLen)) return DropReason::pim_option_truncated;
    const uint16_t type = c.be16();
    const uint16_t len = c.be16();
    if (!c.has(len)) return DropReason::pim_option_truncated;
    DropReason r = read_option(type, c.take(len), h);
    if (r != DropReason::none) return r;
  }
  return DropReason::none;
}

// ---- Join/Prune (§4.9.5) ----

DropReason read_sources(Cursor& c, uint16_t count, std::vector<PimSourceEntry>& out) {
  out.reserve(count);  // the caller checked that `count` entries fit in what is left
  for (uint16_t i = 0; i < count; ++i) {
    PimSourceEntry s;
    DropReason r = read_encoded_source(c, s);
    if (r != DropReason::none) return r;
    out.push_back(s);
  }
  return DropReason::none;
}

DropReason read_group_set(Cursor& c, PimGroupSet& g) {
  EncodedPrefix e;
  DropReason r = read_encoded_prefix(c, e);
  if (r != DropReason::none) return r;
  g.group = e.address;
  g.mask_len = e.mask_len;
  g.bidir = (e.flags & kGroupFlagBidir) != 0;
  g.admin_zone = (e.flags & kGroupFlagAdminZone) != 0;
  if (!c.has(4)) return DropReason::pim_bad_length;
  const uint16_t joined = c.be16();
  const uint16_t pruned = c.be16();
  // Refused before anything is reserved: the counts cannot claim more than the message holds.
  if ((size_t{joined} + pruned) * kEncodedSourceLen > c.left()) return DropReason::pim_bad_length;
  r = read_sources(c, joined, g.joins);
  if (r != DropReason::none) return r;
  return read_sources(c, pruned, g.prunes);
}

DropReason parse_join_prune(std::span<const uint8_t> body, PimJoinPrune& jp) {
  Cursor c(body);
  DropReason r = read_encoded_unicast(c, jp.upstream_neighbor, DropReason::pim_bad_length);
  if (r != DropReason::none) return r;
  if (!c.has(4)) return DropReason::pim_bad_length;
  (void)c.u8();  // reserved
  const uint8_t num_groups = c.u8();
  jp.holdtime_s = c.be16();
  // Each group set takes at least an Encoded-Group and its two counts.
  if (size_t{num_groups} * (kEncodedGroupLen + 4) > c.left()) return DropReason::pim_bad_length;
  jp.groups.resize(num_groups);
  for (PimGroupSet& g : jp.groups) {
    r = read_group_set(c, g);
    if (r != DropReason::none) return r;
  }
  return DropReason::none;
}

// ---- Assert (§4.9.6) ----

DropReason parse_assert(std::span<const uint8_t> body, PimAssert& a) {
  Cursor c(body);
  EncodedPrefix e;
  DropReason r = read_encoded_prefix(c, e);
  if (r != DropReason::none) return r;
  a.group = e.address;
  a.group_mask_len = e.mask_len;
  r = read_encoded_unicast(c, a.source, DropReason::pim_bad_length);
  if (r != DropReason::none) return r;
  if (!c.has(8)) return DropReason::pim_bad_length;
  const uint32_t pref = c.be32();
  a.rpt = (pref & kTopBit32) != 0;
  a.metric_preference = pref & ~kTopBit32;
  a.metric = c.be32();
  return DropReason::none;
}

// ---- builders ----

// A message of `type`: the common header (§4.9), then what `write_body` appends.
template <typename WriteBody>
std::vector<uint8_t> pim_message(PimType type, WriteBody&& write_body) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u8(static_cast<uint8_t>(kPimVersion << 4 | static_cast<uint8_t>(type)));
  w.u8(0);    // reserved
  w.be16(0);  // checksum: filled in by build_pim_frame
  write_body(w);
  return out;
}

void write_option_header(ByteWriter& w, uint16_t type, size_t len) {
  w.be16(type);
  w.be16(static_cast<uint16_t>(len));
}

// The largest Address List one 16-bit option length can carry.
constexpr size_t kMaxAddressListEntries = 0xffff / kEncodedUnicastLen;

void write_hello_options(ByteWriter& w, const PimHello& h) {
  if (h.holdtime_s) {
    write_option_header(w, kPimOptHoldtime, 2);
    w.be16(*h.holdtime_s);
  }
  if (h.lan_prune_delay) {
    write_option_header(w, kPimOptLanPruneDelay, 4);
    const PimLanPruneDelay& d = *h.lan_prune_delay;
    w.be16(
        static_cast<uint16_t>((d.t_bit ? kTopBit16 : 0) | (d.propagation_delay_ms & ~kTopBit16)));
    w.be16(d.override_interval_ms);
  }
  if (h.dr_priority) {
    write_option_header(w, kPimOptDrPriority, 4);
    w.be32(*h.dr_priority);
  }
  if (h.generation_id) {
    write_option_header(w, kPimOptGenerationId, 4);
    w.be32(*h.generation_id);
  }
  if (!h.address_list.empty()) {
    const size_t n = std::min(h.address_list.size(), kMaxAddressListEntries);
    write_option_header(w, kPimOptAddressList, n * kEncodedUnicastLen);
    for (size_t i = 0; i < n; ++i) write_encoded_unicast(w, h.address_list[i]);
  }
}

// Counts are 8 bits (groups) and 16 bits (sources) on the wire: entries past them are left
// out, so the message always says what it carries.
void write_join_prune(ByteWriter& w, const PimJoinPrune& jp) {
  write_encoded_unicast(w, jp.upstream_neighbor);
  const size_t num_groups = std::min<size_t>(jp.groups.size(), 0xff);
  w.u8(0);  // reserved
  w.u8(static_cast<uint8_t>(num_groups));
  w.be16(jp.holdtime_s);
  for (size_t i = 0; i < num_groups; ++i) {
    const PimGroupSet& g = jp.groups[i];
    write_encoded_group(w, g.group, g.mask_len, g.bidir, g.admin_zone);
    const size_t joined = std::min<size_t>(g.joins.size(), 0xffff);
    const size_t pruned = std::min<size_t>(g.prunes.size(), 0xffff);
    w.be16(static_cast<uint16_t>(joined));
    w.be16(static_cast<uint16_t>(pruned));
    for (size_t j = 0; j < joined; ++j) write_encoded_source(w, g.joins[j]);
    for (size_t j = 0; j < pruned; ++j) write_encoded_source(w, g.prunes[j]);
  }
}

void write_assert(ByteWriter& w, const PimAssert& a) {
  write_encoded_group(w, a.group, a.group_mask_len, false, false);
  write_encoded_unicast(w, a.source);
  w.be32((a.rpt ? kTopBit32 : 0) | (a.metric_preference & ~kTopBit32));
  w.be32(a.metric);
}

}  // namespace

DropReason check_pim_header(std::span<const uint8_t> message) {
  if (message.size() < kPimHeaderLen) return DropReason::pim_truncated;
  if ((message[0] >> 4) != kPimVersion) return DropReason::pim_bad_version;
  return DropReason::none;
}

PimType pim_type_of(std::span<const uint8_t> message) {
  return static_cast<PimType>(message[0] & 0x0f);
}

size_t pim_register_checksum_length(std::span<const uint8_t> message) {
  return std::min<size_t>(message.size(), kPimRegisterChecksumLen);
}

PimParse parse_pim(std::span<const uint8_t> payload) {
  PimParse out;
  out.drop = check_pim_header(payload);
  if (out.drop != DropReason::none) return out;
  PimMessage& m = out.message;
  m.type = pim_type_of(payload);
  m.checksum = load_be16(payload.data() + 2);
  const auto body = payload.subspan(kPimHeaderLen);
  switch (m.type) {
    case PimType::hello: out.drop = parse_hello(body, m.hello); break;
    case PimType::join_prune: out.drop = parse_join_prune(body, m.join_prune); break;
    case PimType::assert_: out.drop = parse_assert(body, m.assert_message); break;
    default: break;  // header only: the caller reports the message as `other`
  }
  return out;
}

std::vector<uint8_t> build_pim_hello_body(const PimHello& h) {
  return pim_message(PimType::hello, [&](ByteWriter& w) { write_hello_options(w, h); });
}

std::vector<uint8_t> build_pim_join_prune_body(const PimJoinPrune& jp) {
  return pim_message(PimType::join_prune, [&](ByteWriter& w) { write_join_prune(w, jp); });
}

std::vector<uint8_t> build_pim_assert_body(const PimAssert& a) {
  return pim_message(PimType::assert_, [&](ByteWriter& w) { write_assert(w, a); });
}

std::vector<uint8_t> build_pim_body(const PimMessage& m) {
  switch (m.type) {
    case PimType::hello: return build_pim_hello_body(m.hello);
    case PimType::join_prune: return build_pim_join_prune_body(m.join_prune);
    case PimType::assert_: return build_pim_assert_body(m.assert_message);
    default: return pim_message(m.type, [](ByteWriter&) {});  // the header alone
  }
}

namespace addr {
Ipv6Address all_pim_routers() {
  return Ipv6Address::must_parse("ff02::d");
}
}  // namespace addr

}  // namespace tandem::wire
