// Turns fuzz input bytes into structured values. Reads past the end yield zeros, so every
// input, however short, decodes to some sequence of operations, and a byte always means the
// same thing at the same position (libFuzzer's mutations stay local).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "control/wire/address.h"

namespace tandem::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  size_t remaining() const { return empty() ? 0 : size_ - pos_; }

  uint8_t u8() { return empty() ? 0 : data_[pos_++]; }
  uint16_t u16() { return static_cast<uint16_t>(u8() << 8 | u8()); }
  uint32_t u32() { return uint32_t{u16()} << 16 | u16(); }
  uint64_t u64() { return uint64_t{u32()} << 32 | u32(); }
  bool flag() { return (u8() & 1) != 0; }

  // Uniform enough over [lo, hi] (inclusive) for the small ranges the targets use.
  uint32_t range(uint32_t lo, uint32_t hi) {
    if (hi <= lo) return lo;
    const uint64_t span = uint64_t{hi} - lo + 1;
    const uint32_t raw = span <= 0x100 ? u8() : span <= 0x10000 ? u16() : u32();
    return static_cast<uint32_t>(lo + raw % span);
  }

  // Up to `n` bytes (fewer at the end of the input).
  std::span<const uint8_t> bytes(size_t n) {
    const size_t take = n < remaining() ? n : remaining();
    std::span<const uint8_t> out(data_ + pos_, take);
    pos_ += take;
    return out;
  }
  std::span<const uint8_t> rest() { return bytes(remaining()); }

  template <typename T>
  const T& pick(const std::vector<T>& pool) {
    return pool[range(0, static_cast<uint32_t>(pool.size() - 1))];
  }

  wire::Ipv6Address address() {
    wire::Ipv6Address a;
    auto b = bytes(16);
    for (size_t i = 0; i < b.size(); ++i) a.bytes[i] = b[i];
    return a;
  }
  wire::MacAddress mac() {
    wire::MacAddress m;
    auto b = bytes(6);
    for (size_t i = 0; i < b.size(); ++i) m.bytes[i] = b[i];
    return m;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Small pools of addresses so that fuzzed reports keep hitting the same groups and sources
// (state builds up), with an occasional fully fuzzed address.
struct AddressPools {
  std::vector<wire::Ipv6Address> groups;       // routable multicast + a few link-scope ones
  std::vector<wire::Ipv6Address> sources;      // unicast sources
  std::vector<wire::Ipv6Address> link_locals;  // hosts and routers on the link
};
const AddressPools& pools();

// Pool pick most of the time, a raw 16-byte address when the selector byte says so.
wire::Ipv6Address pick_or_raw(FuzzInput& in, const std::vector<wire::Ipv6Address>& pool);

}  // namespace tandem::fuzz
