// tandemctl [--socket PATH] [--json] COMMAND...
// Operator commands against a running tandemd, and `decode FILE.pcap` offline.
#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "control/daemon/cli/client.h"
#include "control/daemon/cli/commands.h"
#include "control/daemon/cli/protocol.h"
#include "control/wire/decode_json.h"

namespace {

void usage(std::ostream& o) {
  o << "usage: tandemctl [--socket PATH] [--json] COMMAND...\n"
       "commands:\n"
    << tandem::cli::cli_usage() << "default socket: " << tandem::cli::kDefaultSocketPath << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tandem::cli;
  std::string socket_path = kDefaultSocketPath;
  if (const char* env = std::getenv("TANDEM_SOCKET")) socket_path = env;
  bool json = false;
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (words.empty() && a == "--socket") {
      if (i + 1 >= argc) {
        std::cerr << "tandemctl: --socket needs a path\n";
        return 2;
      }
      socket_path = argv[++i];
    } else if (words.empty() && a.rfind("--socket=", 0) == 0) {
      socket_path = a.substr(9);
    } else if (words.empty() && a == "--json") {
      json = true;
    } else if (words.empty() && (a == "-h" || a == "--help")) {
      usage(std::cout);
      return 0;
    } else if (words.empty() && a.size() > 1 && a[0] == '-') {
      std::cerr << "tandemctl: unknown option " << a << "\n";
      usage(std::cerr);
      return 2;
    } else {
      words.push_back(a);
    }
  }
  if (words.empty()) {
    usage(std::cerr);
    return 2;
  }
  std::string error;
  auto req = parse_cli_command(words, error);
  if (!req) {
    std::cerr << "tandemctl: " << error << "\n";
    usage(std::cerr);
    return 2;
  }
  if (req->command == CliCommand::decode)
    return tandem::wire::decode_pcap_file(req->path, std::cout, std::cerr);

  int file_fd = -1;
  if (req->command == CliCommand::commit) {
    // The daemon reads the file through this descriptor, opened with our own rights; the
    // absolute path goes along for its messages and SIGHUP.
    file_fd = ::open(req->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (file_fd < 0) {
      std::cerr << "tandemctl: cannot read " << req->path << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    char buf[PATH_MAX];
    if (!::realpath(req->path.c_str(), buf)) {
      std::cerr << "tandemctl: cannot read " << req->path << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    std::string abs = buf;
    if (abs.find_first_of(" \t\r\n") != std::string::npos) {
      std::cerr << "tandemctl: config path must not contain whitespace: " << abs << "\n";
      return 2;
    }
    words.back() = abs;
  }
  auto resp = send_request(socket_path, WireRequest{json, words, file_fd}, 30000, error);
  if (file_fd >= 0) ::close(file_fd);
  if (!resp) {
    std::cerr << "tandemctl: " << error << "\n";
    return 1;
  }
  (resp->ok ? std::cout : std::cerr) << resp->body;
  return resp->ok ? 0 : 1;
}
