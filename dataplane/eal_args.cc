// The EAL argument list, apart from EAL itself so it is testable without DPDK.
#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "dataplane/eal.h"

namespace tandem::dataplane {

namespace {
bool hex_run(const std::string& s, size_t& i, size_t n) {
  for (size_t k = 0; k < n; ++k, ++i) {
    if (i >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}
bool has_any(const std::vector<std::string>& args, std::initializer_list<const char*> names) {
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
    return std::any_of(names.begin(), names.end(), [&](const char* n) {
      return a == n || a.rfind(std::string(n) + "=", 0) == 0;
    });
  });
}
}  // namespace

bool is_pci_address(const std::string& d) {
  // Optional 4-digit domain, then BB:DD.F; nothing after (a PCI device takes no kvargs here).
  size_t i = 0;
  std::string s = d;
  if (s.size() > 4 && s[4] == ':') {
    if (!hex_run(s, i, 4)) return false;
    ++i;
  }
  if (!hex_run(s, i, 2) || i >= s.size() || s[i++] != ':') return false;
  if (!hex_run(s, i, 2) || i >= s.size() || s[i++] != '.') return false;
  if (!hex_run(s, i, 1)) return false;
  return i == s.size();
}

std::vector<std::string> build_eal_args(const std::string& program_name,
                                        const std::vector<std::string>& devices,
                                        const std::vector<std::string>& user_args) {
  std::vector<std::string> args{program_name};
  args.insert(args.end(), user_args.begin(), user_args.end());
  bool any_pci = false;
  for (const std::string& d : devices) {
    if (is_pci_address(d)) {
      any_pci = true;
      args.push_back("-a");
    } else {
      args.push_back("--vdev");
    }
    args.push_back(d);
  }
  if (!any_pci && !has_any(user_args, {"-a", "--allow", "-b", "--block", "--no-pci"})) {
    args.push_back("--no-pci");
  }
  return args;
}

}  // namespace tandem::dataplane
