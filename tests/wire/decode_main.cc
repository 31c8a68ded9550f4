// Test helper: decode a pcap to JSON lines without the daemon's CLI (tests compare it with
// tshark). tandemctl decode calls the same function.
#include <iostream>

#include "control/wire/decode_json.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: wire_decode FILE.pcap\n";
    return 2;
  }
  return tandem::wire::decode_pcap_file(argv[1], std::cout, std::cerr);
}
