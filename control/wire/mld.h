// MLD messages: MLDv1 (RFC 2710 §3) query/report/done, MLDv2 (RFC 3810 §5) query and report
// with the six record types, and the Max Resp Code / QQIC floating-point formats (§5.1.3,
// §5.1.9). Parsers return views into the caller's bytes (no allocation).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "control/wire/address.h"
#include "control/wire/drop_reason.h"

namespace tandem::wire {

inline constexpr uint8_t kIcmpMldQuery = 130;
inline constexpr uint8_t kIcmpMldV1Report = 131;
inline constexpr uint8_t kIcmpMldV1Done = 132;
inline constexpr uint8_t kIcmpMldV2Report = 143;

inline constexpr uint32_t kMldV1Len = 24;          // RFC 2710 §3
inline constexpr uint32_t kMldV2QueryMinLen = 28;  // RFC 3810 §5.1

enum class MldRecordType : uint8_t {
  is_in = 1,  // MODE_IS_INCLUDE
  is_ex = 2,  // MODE_IS_EXCLUDE
  to_in = 3,  // CHANGE_TO_INCLUDE_MODE
  to_ex = 4,  // CHANGE_TO_EXCLUDE_MODE
  allow = 5,  // ALLOW_NEW_SOURCES
  block = 6,  // BLOCK_OLD_SOURCES
};
// "IS_IN", "IS_EX", "TO_IN", "TO_EX", "ALLOW", "BLOCK"
const char* mld_record_type_name(MldRecordType t);

// Packed 16-byte addresses inside a message.
struct AddressList {
  std::span<const uint8_t> raw;
  size_t size() const { return raw.size() / 16; }
  bool empty() const { return raw.empty(); }
  Ipv6Address operator[](size_t i) const { return Ipv6Address::from_bytes(raw.data() + 16 * i); }
  std::vector<Ipv6Address> to_vector() const;
};

// Max Resp Code (16 bits, ms) and QQIC (8 bits, s): values at or above the threshold use the
// exponential form (mant | 0x1000) << (exp + 3) resp. (mant | 0x10) << (exp + 3).
uint32_t mld_max_resp_code_to_ms(uint16_t code);
uint16_t mld_max_resp_ms_to_code(uint32_t ms);  // rounds down to a representable value
uint32_t mld_qqic_to_s(uint8_t code);
uint8_t mld_qqi_s_to_code(uint32_t seconds);

struct MldQuery {
  bool v2 = false;  // 24 bytes = v1, >= 28 = v2 (RFC 3810 §8.1)
  uint16_t max_resp_code = 0;
  uint32_t max_resp_ms = 0;  // decoded
  Ipv6Address group;         // :: for a general query
  bool s_flag = false;       // suppress router-side processing (v2)
  uint8_t qrv = 0;           // querier's robustness variable, 0 when > 7 (v2)
  uint8_t qqic = 0;
  uint32_t qqi_s = 0;   // decoded querier's query interval (v2)
  AddressList sources;  // v2 address-and-source-specific query

  bool is_general() const { return group.is_unspecified(); }
};

// MLDv1 Report or Done: one group.
struct MldV1Message {
  uint32_t max_resp_ms = 0;
  Ipv6Address group;
};

struct MldRecord {
  MldRecordType type = MldRecordType::is_in;
  uint8_t aux_words = 0;  // auxiliary data, skipped (RFC 3810 §5.2.6)
  Ipv6Address group;
  AddressList sources;
};

// MLDv2 report: records already validated to lie inside the message.
struct MldV2Report {
  uint16_t num_records = 0;
  std::span<const uint8_t> records_raw;

  class Iterator {
   public:
    Iterator(const uint8_t* p, uint16_t left) : p_(p), left_(left) {}
    MldRecord operator*() const;
    Iterator& operator++();
    bool operator!=(const Iterator& o) const { return left_ != o.left_; }

   private:
    const uint8_t* p_;
    uint16_t left_;
  };
  Iterator begin() const { return Iterator(records_raw.data(), num_records); }
  Iterator end() const { return Iterator(nullptr, 0); }
};

enum class MldKind : uint8_t { query, report_v1, done, report_v2 };

struct MldMessage {
  MldKind kind = MldKind::query;
  MldQuery query;      // kind == query
  MldV1Message v1;     // kind == report_v1 or done
  MldV2Report report;  // kind == report_v2
};

// Parses the ICMPv6 body (type at icmp[0]). The caller has walked the IPv6 header and checks
// the IPv6-level receive rules (parse_frame does); this checks lengths, record layout,
// record types and group fields.
struct MldParse {
  DropReason drop = DropReason::none;
  MldMessage msg;
};
MldParse parse_mld(std::span<const uint8_t> icmp);

// ---- builders (control core; allocate) ----

struct MldQuerySpec {
  bool v2 = true;
  uint32_t max_resp_ms = 10000;
  Ipv6Address group;  // :: = general
  bool s_flag = false;
  uint8_t qrv = 2;  // put on the wire as 0 when > 7
  uint32_t qqi_s = 125;
  std::vector<Ipv6Address> sources;
};

struct MldRecordSpec {
  MldRecordType type = MldRecordType::is_ex;
  Ipv6Address group;
  std::vector<Ipv6Address> sources;
};

// ICMPv6 bodies with a zero checksum; frame.h adds the headers and the checksum.
std::vector<uint8_t> build_mld_query_body(const MldQuerySpec& q);
std::vector<uint8_t> build_mld_v1_body(uint8_t type, const Ipv6Address& group,
                                       uint32_t max_resp_ms = 0);
std::vector<uint8_t> build_mld_v2_report_body(const std::vector<MldRecordSpec>& records);

}  // namespace tandem::wire
