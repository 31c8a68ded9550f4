#include "dataplane/eal.h"

#include <rte_eal.h>
#include <rte_errno.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "control/common/log.h"

namespace tandem::dataplane {

namespace {
bool has_any(const std::vector<std::string>& args, std::initializer_list<const char*> names) {
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
    return std::any_of(names.begin(), names.end(), [&](const char* n) {
      return a == n || a.rfind(std::string(n) + "=", 0) == 0;
    });
  });
}
}  // namespace

EalStart start_eal(const std::vector<std::string>& args) {
  EalStart r;
  r.shared_config = !has_any(args, {"--no-shconf", "--in-memory"});
  std::vector<std::string> copy = args;  // rte_eal_init may permute argv
  std::vector<char*> argv;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = rte_eal_init(static_cast<int>(copy.size()), argv.data());
  if (rc < 0) {
    r.error = format_string("rte_eal_init: %s", rte_strerror(rte_errno));
    return r;
  }
  r.ok = true;
  return r;
}

void stop_eal(bool shared_config) {
  const std::string runtime_dir = rte_eal_get_runtime_dir();
  rte_eal_cleanup();
  if (shared_config || runtime_dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(runtime_dir, ec);
}

}  // namespace tandem::dataplane
