#include "fuzz/fuzz_input.h"

namespace tandem::fuzz {

namespace {
wire::Ipv6Address A(const char* text) {
  return wire::Ipv6Address::must_parse(text);
}
}  // namespace

const AddressPools& pools() {
  static const AddressPools p = [] {
    AddressPools x;
    // G1..G3 of the fixtures, an SSM group, global scope, and link-scope groups the router
    // must never track (RFC 4291 §2.7): all-nodes, a solicited-node address.
    x.groups = {A("ff05::db8:1"), A("ff3e::db8:2"), A("ff05::db8:3"),    A("ff0e::1"),
                A("ff15::4"),     A("ff02::1"),     A("ff02::1:ff00:1"), A("ff01::5")};
    x.sources = {A("2001:db8:1::10"), A("2001:db8:1::11"), A("2001:db8:1::12"),
                 A("2001:db8:1::13"), A("2001:db8:2::1"),  A("fe80::99")};
    x.link_locals = {A("fe80::101"), A("fe80::102"), A("fe80::1"), A("fe80::10"),
                     A("fe80::ffff:1")};
    return x;
  }();
  return p;
}

wire::Ipv6Address pick_or_raw(FuzzInput& in, const std::vector<wire::Ipv6Address>& pool) {
  const uint8_t sel = in.u8();
  if (sel >= 0xf0) return in.address();
  return pool[sel % pool.size()];
}

}  // namespace tandem::fuzz
