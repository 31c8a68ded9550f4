#include "control/mld/fingerprint.h"

namespace tandem::mld {

const RecordFingerprint* FingerprintSum::configure(uint32_t ifindex, RecordFingerprint fn) {
  if (!fn) {
    fns_.erase(ifindex);
    return nullptr;
  }
  RecordFingerprint& stored = fns_[ifindex];
  stored = std::move(fn);
  return &stored;
}

const RecordFingerprint* FingerprintSum::find(uint32_t ifindex) const {
  auto it = fns_.find(ifindex);
  return it == fns_.end() ? nullptr : &it->second;
}

}  // namespace tandem::mld
