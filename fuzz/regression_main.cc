// Regression runner: the same LLVMFuzzerTestOneInput as the fuzzer, fed every file of the
// directories (or files) named on the command line, in sorted order. Built by g++ (no
// libFuzzer) so `meson test` replays the committed corpus and every recorded crash input on
// each run, and under ASan+UBSan in build-asan/.
//
//   fuzz_frame_replay fuzz/corpus/fuzz_frame fuzz/regressions/fuzz_frame
//
// A missing directory counts as empty (regressions/<target>/ exists only once something was
// found); replaying nothing at all is a failure, so a wrong path cannot pass silently.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs_in(const fs::path& p) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) {
    out.push_back(p);
  } else if (fs::is_directory(p, ec)) {
    for (const auto& e : fs::directory_iterator(p, ec)) {
      if (e.is_regular_file() && e.path().filename().string()[0] != '.') out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  size_t total = 0;
  for (int i = 1; i < argc; ++i) {
    const auto files = inputs_in(argv[i]);
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
      // Print before running: if the input crashes, the log names it.
      std::fprintf(stderr, "replay %s (%zu bytes)\n", f.c_str(), bytes.size());
      // A heap copy of exactly the input's size, so ASan sees reads one past the end; never
      // a null pointer, as with libFuzzer.
      std::unique_ptr<uint8_t[]> exact(new uint8_t[bytes.size()]);
      std::copy(bytes.begin(), bytes.end(), exact.get());
      LLVMFuzzerTestOneInput(exact.get(), bytes.size());
      ++total;
    }
    std::printf("%s: %zu inputs\n", argv[i], files.size());
  }
  std::printf("replayed %zu inputs, all passed\n", total);
  return total == 0 ? 1 : 0;
}
