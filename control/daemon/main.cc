// tandemd --config FILE [--socket PATH] [--cli-group GROUP] [--log-level LEVEL]
//         [-- EAL ARGS...]
#include <iostream>
#include <string>
#include <vector>

#include "control/daemon/cli/protocol.h"
#include "control/daemon/config/parser.h"
#include "control/daemon/daemon.h"
#include "control/daemon/log_sink.h"

namespace {
void usage(std::ostream& o) {
  o << "usage: tandemd --config FILE [--socket PATH] [--cli-group GROUP] [--log-level "
       "debug|info|notice|warning|error]\n"
       "               [-- EAL ARGS...]\n"
       "Over the CLI socket anyone may display; commit, reset and batch-backup need root or\n"
       "membership of --cli-group (default tandem; '' for root only).\n"
       "Devices come from the config's `device` lines (PCI address: -a, otherwise --vdev);\n"
       "--no-pci is added unless a PCI device is named. Default socket: "
    << tandem::cli::kDefaultSocketPath << "\n";
}
}  // namespace

int main(int argc, char** argv) {
  tandem::daemon::DaemonOptions opts;
  opts.socket_path = tandem::cli::kDefaultSocketPath;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "tandemd: " << name << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--") {
      for (++i; i < argc; ++i) opts.eal_args.push_back(argv[i]);
      break;
    } else if (a == "--config" || a == "-c") {
      opts.config_path = value("--config");
    } else if (a == "--check-config") {
      std::string path = value("--check-config");
      auto r = tandem::config::load_config_file(path);
      std::cerr << tandem::config::format_errors(r.errors);
      if (r.ok()) std::cout << path << ": OK\n";
      return r.ok() ? 0 : 1;
    } else if (a == "--socket") {
      opts.socket_path = value("--socket");
    } else if (a == "--cli-group") {
      opts.cli_group = value("--cli-group");
    } else if (a == "--log-level") {
      std::string l = value("--log-level");
      if (!tandem::daemon::parse_log_level(l, opts.log_level)) {
        std::cerr << "tandemd: unknown log level " << l << "\n";
        return 2;
      }
    } else if (a == "-h" || a == "--help") {
      usage(std::cout);
      return 0;
    } else {
      std::cerr << "tandemd: unknown argument " << a << "\n";
      usage(std::cerr);
      return 2;
    }
  }
  if (opts.config_path.empty()) {
    usage(std::cerr);
    return 2;
  }
  tandem::daemon::Daemon d(opts);
  int rc = d.start();
  if (rc != 0) return rc;
  return d.run();
}
