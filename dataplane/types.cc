#include "dataplane/types.h"

namespace tandem::dataplane {

const char* punt_class_name(PuntClass c) {
  switch (c) {
    case PuntClass::mld: return "mld";
    case PuntClass::vrrp: return "vrrp";
    case PuntClass::bfd: return "bfd";
    case PuntClass::nd: return "nd";
    case PuntClass::pim: return "pim";
    case PuntClass::data: return "data";
  }
  return "unknown";
}

PortCounters& PortCounters::operator+=(const PortCounters& o) {
  rx += o.rx;
  tx += o.tx;
  forwarded += o.forwarded;
  copies += o.copies;
  clones += o.clones;
  punted += o.punted;
  for (size_t i = 0; i < kPuntClassCount; ++i) {
    punted_by_class[i] += o.punted_by_class[i];
    policed_by_class[i] += o.policed_by_class[i];
  }
  for (size_t i = 0; i < drops.size(); ++i) drops[i] += o.drops[i];
  return *this;
}

}  // namespace tandem::dataplane
