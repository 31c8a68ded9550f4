// Name tables generated from X-macro lists (VPP's foreach_* habit): one lookup that never
// reads past the table, shared by every engine's state, reason and drop-reason names.
#pragma once

#include <cstddef>

namespace tandem {

template <size_t N>
constexpr const char* name_at(const char* const (&table)[N], size_t i) {
  return i < N ? table[i] : "?";
}

}  // namespace tandem
