// Whole Ethernet frames for what the VRRP6 engine emits, so the daemon only picks the port:
// adverts (RFC 5798 §5.1: src = our link-local, dst ff02::12, hop limit 255, Ethernet src =
// virtual MAC) and unsolicited NAs (§6.4: src = the virtual address, dst ff02::1,
// R=1 S=0 O=1, Target LLA = virtual MAC, hop limit 255 per RFC 4861 §7.1.2).
#pragma once

#include <cstdint>
#include <vector>

#include "control/vrrp6/events.h"

namespace tandem::vrrp6 {

std::vector<uint8_t> advert_frame(const AdvertOut& a);
std::vector<uint8_t> neighbor_advert_frame(const NaOut& na);

}  // namespace tandem::vrrp6
