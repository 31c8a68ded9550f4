// EAL start-up: the argument list tandemd hands to rte_eal_init, and the call itself.
#pragma once

#include <string>
#include <vector>

namespace tandem::dataplane {

// True for a PCI address as EAL's -a takes it: [DDDD:]BB:DD.F (hex).
bool is_pci_address(const std::string& device);

// Program name, user args, then each device as `-a ADDR` or `--vdev SPEC`; `--no-pci` is
// added when no PCI device is named and the user did not allow/block any (so EAL probes
// nothing that is not named).
std::vector<std::string> build_eal_args(const std::string& program_name,
                                        const std::vector<std::string>& devices,
                                        const std::vector<std::string>& user_args);

struct EalStart {
  bool ok = false;
  std::string error;
  // False under --no-shconf / --in-memory: secondary processes (dpdk-pdump) cannot attach.
  bool shared_config = true;
};

// rte_eal_init once per process.
EalStart start_eal(const std::vector<std::string>& args);

// rte_eal_cleanup. Without a shared configuration (EalStart::shared_config false) no other
// process can attach to this one's runtime directory (/var/run/dpdk/PREFIX for root), so it
// is removed too: every test and benchmark run has a prefix of its own, and would leave one
// directory each behind.
void stop_eal(bool shared_config);

}  // namespace tandem::dataplane
