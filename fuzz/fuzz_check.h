// What every fuzz target shares: the libFuzzer entry point it defines, and FUZZ_CHECK, the
// assertion that turns a broken invariant into a crash libFuzzer records (the sanitizers
// catch memory and undefined-behaviour errors on their own).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace tandem::fuzz {

[[noreturn]] inline void check_failed(const char* expr, const char* file, int line,
                                      const char* what) {
  std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s) at %s:%d\n", expr, what, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace tandem::fuzz

// Active in every build type: NDEBUG must not switch the oracle off.
#define FUZZ_CHECK(cond, what)                                                  \
  do {                                                                          \
    if (!(cond)) ::tandem::fuzz::check_failed(#cond, __FILE__, __LINE__, what); \
  } while (0)
