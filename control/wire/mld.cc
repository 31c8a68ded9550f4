#include "control/wire/mld.h"

#include "control/wire/byte_io.h"

namespace tandem::wire {

const char* mld_record_type_name(MldRecordType t) {
  switch (t) {
    case MldRecordType::is_in: return "IS_IN";
    case MldRecordType::is_ex: return "IS_EX";
    case MldRecordType::to_in: return "TO_IN";
    case MldRecordType::to_ex: return "TO_EX";
    case MldRecordType::allow: return "ALLOW";
    case MldRecordType::block: return "BLOCK";
  }
  return "?";
}

std::vector<Ipv6Address> AddressList::to_vector() const {
  std::vector<Ipv6Address> v;
  v.reserve(size());
  for (size_t i = 0; i < size(); ++i) v.push_back((*this)[i]);
  return v;
}

// RFC 3810 §5.1.3: codes below 32768 are milliseconds; above, 1|exp(3)|mant(12).
uint32_t mld_max_resp_code_to_ms(uint16_t code) {
  if (code < 0x8000) return code;
  uint32_t exp = (code >> 12) & 0x7;
  uint32_t mant = code & 0x0fff;
  return (mant | 0x1000) << (exp + 3);
}

uint16_t mld_max_resp_ms_to_code(uint32_t ms) {
  if (ms < 0x8000) return static_cast<uint16_t>(ms);
  // Largest exponent whose range contains ms; round the mantissa down.
  for (uint32_t exp = 0; exp < 8; ++exp) {
    uint32_t mant_full = ms >> (exp + 3);  // includes the implicit 0x1000 bit
    if (mant_full < 0x2000) return static_cast<uint16_t>(0x8000 | exp << 12 | (mant_full & 0x0fff));
  }
  return 0xffff;  // saturate at the largest representable delay
}

// RFC 3810 §5.1.9: QQIC below 128 is seconds; above, 1|exp(3)|mant(4).
uint32_t mld_qqic_to_s(uint8_t code) {
  if (code < 0x80) return code;
  uint32_t exp = (code >> 4) & 0x7;
  uint32_t mant = code & 0x0f;
  return (mant | 0x10) << (exp + 3);
}

uint8_t mld_qqi_s_to_code(uint32_t seconds) {
  if (seconds < 0x80) return static_cast<uint8_t>(seconds);
  for (uint32_t exp = 0; exp < 8; ++exp) {
    uint32_t mant_full = seconds >> (exp + 3);
    if (mant_full < 0x20) return static_cast<uint8_t>(0x80 | exp << 4 | (mant_full & 0x0f));
  }
  return 0xff;
}

static constexpr uint32_t kRecordHeaderLen = 20;  // type, aux len, nsrc, group

MldRecord MldV2Report::Iterator::operator*() const {
  MldRecord r;
  r.type = static_cast<MldRecordType>(p_[0]);
  r.aux_words = p_[1];
  uint16_t nsrc = load_be16(p_ + 2);
  r.group = Ipv6Address::from_bytes(p_ + 4);
  r.sources.raw = std::span<const uint8_t>(p_ + kRecordHeaderLen, size_t{nsrc} * 16);
  return r;
}

MldV2Report::Iterator& MldV2Report::Iterator::operator++() {
  uint16_t nsrc = load_be16(p_ + 2);
  p_ += kRecordHeaderLen + size_t{nsrc} * 16 + size_t{p_[1]} * 4;
  --left_;
  return *this;
}

static MldParse fail(DropReason r) {
  MldParse p;
  p.drop = r;
  return p;
}

MldParse parse_mld(std::span<const uint8_t> icmp) {
  MldParse out;
  const uint8_t* p = icmp.data();
  const size_t len = icmp.size();
  if (len < 4) return fail(DropReason::icmpv6_truncated);
  switch (p[0]) {
    case kIcmpMldQuery: {
      // RFC 3810 §8.1: 24 bytes = MLDv1 query, >= 28 = MLDv2; 25..27 is invalid.
      if (len < kMldV1Len || (len > kMldV1Len && len < kMldV2QueryMinLen))
        return fail(DropReason::mld_bad_length);
      MldQuery& q = out.msg.query;
      out.msg.kind = MldKind::query;
      q.max_resp_code = load_be16(p + 4);
      q.group = Ipv6Address::from_bytes(p + 8);
      if (len == kMldV1Len) {
        q.v2 = false;
        q.max_resp_ms = q.max_resp_code;  // RFC 2710 §3.4: plain milliseconds
      } else {
        q.v2 = true;
        q.max_resp_ms = mld_max_resp_code_to_ms(q.max_resp_code);
        q.s_flag = (p[24] & 0x08) != 0;
        q.qrv = p[24] & 0x07;
        q.qqic = p[25];
        q.qqi_s = mld_qqic_to_s(q.qqic);
        uint16_t nsrc = load_be16(p + 26);
        if (len < kMldV2QueryMinLen + size_t{nsrc} * 16) return fail(DropReason::mld_bad_length);
        q.sources.raw = icmp.subspan(kMldV2QueryMinLen, size_t{nsrc} * 16);
        if (q.group.is_unspecified() && nsrc != 0) return fail(DropReason::mld_bad_length);
      }
      if (!q.group.is_unspecified() && !q.group.is_multicast())
        return fail(DropReason::mld_group_not_multicast);
      return out;
    }
    case kIcmpMldV1Report:
    case kIcmpMldV1Done: {
      if (len < kMldV1Len) return fail(DropReason::mld_bad_length);
      out.msg.kind = p[0] == kIcmpMldV1Report ? MldKind::report_v1 : MldKind::done;
      out.msg.v1.max_resp_ms = load_be16(p + 4);
      out.msg.v1.group = Ipv6Address::from_bytes(p + 8);
      if (!out.msg.v1.group.is_multicast()) return fail(DropReason::mld_group_not_multicast);
      return out;
    }
    case kIcmpMldV2Report: {
      if (len < 8) return fail(DropReason::mld_bad_length);
      out.msg.kind = MldKind::report_v2;
      uint16_t nrec = load_be16(p + 6);
      size_t off = 8;
      for (uint16_t i = 0; i < nrec; ++i) {
        if (len - off < kRecordHeaderLen) return fail(DropReason::mld_record_truncated);
        const uint8_t* r = p + off;
        if (r[0] < 1 || r[0] > 6) return fail(DropReason::mld_bad_record_type);
        size_t rec_len = kRecordHeaderLen + size_t{load_be16(r + 2)} * 16 + size_t{r[1]} * 4;
        if (len - off < rec_len) return fail(DropReason::mld_record_truncated);
        if (r[4] != 0xff) return fail(DropReason::mld_group_not_multicast);
        off += rec_len;
      }
      out.msg.report.num_records = nrec;
      out.msg.report.records_raw = icmp.subspan(8, off - 8);
      return out;
    }
    default: return fail(DropReason::none);  // not MLD; the caller never asks
  }
}

std::vector<uint8_t> build_mld_query_body(const MldQuerySpec& q) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u8(kIcmpMldQuery);
  w.u8(0);
  w.be16(0);  // checksum
  w.be16(q.v2 ? mld_max_resp_ms_to_code(q.max_resp_ms)
              : static_cast<uint16_t>(q.max_resp_ms > 0xffff ? 0xffff : q.max_resp_ms));
  w.be16(0);  // reserved
  w.bytes(q.group.bytes.data(), 16);
  if (q.v2) {
    uint8_t qrv = q.qrv > 7 ? 0 : q.qrv;  // RFC 3810 §5.1.8
    w.u8(static_cast<uint8_t>((q.s_flag ? 0x08 : 0) | qrv));
    w.u8(mld_qqi_s_to_code(q.qqi_s));
    w.be16(static_cast<uint16_t>(q.sources.size()));
    for (const auto& s : q.sources) w.bytes(s.bytes.data(), 16);
  }
  return out;
}

std::vector<uint8_t> build_mld_v1_body(uint8_t type, const Ipv6Address& group,
                                       uint32_t max_resp_ms) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u8(type);
  w.u8(0);
  w.be16(0);
  w.be16(static_cast<uint16_t>(max_resp_ms > 0xffff ? 0xffff : max_resp_ms));  // RFC 2710 §3.4
  w.be16(0);
  w.bytes(group.bytes.data(), 16);
  return out;
}

std::vector<uint8_t> build_mld_v2_report_body(const std::vector<MldRecordSpec>& records) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u8(kIcmpMldV2Report);
  w.u8(0);
  w.be16(0);
  w.be16(0);
  w.be16(static_cast<uint16_t>(records.size()));
  for (const auto& r : records) {
    w.u8(static_cast<uint8_t>(r.type));
    w.u8(0);
    w.be16(static_cast<uint16_t>(r.sources.size()));
    w.bytes(r.group.bytes.data(), 16);
    for (const auto& s : r.sources) w.bytes(s.bytes.data(), 16);
  }
  return out;
}

}  // namespace tandem::wire
