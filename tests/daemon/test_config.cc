// Config language: every command's accept and reject cases, ranges, cross-checks, error
// positions, the reference procedure for master and backup, and the reload diff.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "control/daemon/config/command_table.h"
#include "control/daemon/config/diff.h"
#include "control/daemon/config/parser.h"

namespace tandem::config {
namespace {

using wire::Ipv6Address;

std::string configs_dir() {
  return TANDEM_DAEMON_CONFIGS;
}

// Errors reported on line `line` of `text`.
// Line syntax only: the cross-checks are tested on whole files below.
std::vector<ConfigError> errors_on_line(const std::string& text, int line) {
  auto r = parse_lines(text, "t.cfg");
  std::vector<ConfigError> out;
  for (const auto& e : r.errors)
    if (e.line == line) out.push_back(e);
  return out;
}

// One command typed in the view where it belongs (the view line is line 1, the command line 2).
struct Case {
  const char* view_line;  // "" for the system view
  const char* command;
  bool accepted;
  const char* error_part = "";  // substring of the error message when rejected
  int error_col = 0;            // expected column when rejected (0 = do not check)
};

const Case kCases[] = {
    // any view
    {"", "commit", true},
    {"", "quit", true},
    {"interface ge0", "return", true},
    {"", "system-view", true},
    {"", "system-view now", false, "unexpected 'now'", 13},
    // system view
    {"", "remote-backup-service rbs1", true},
    {"", "remote-backup-service 012345678901234567890123456789012", false, "1-32 characters", 23},
    {"", "remote-backup-service", false, "incomplete command", 23},
    {"", "remote-backup-profile rbp1", true},
    {"",
     "remote-backup-profile "
     "p234567890123456789012345678901234567890123456789012345678901234567890123456789012345678"
     "901234567890123456789012345678901234567890",
     false, "1-128 characters", 23},
    {"", "bfd", true},
    {"", "bfd s1 bind peer-ipv6 2001:db8::1 track-interface interface ge0", true},
    {"",
     "bfd s1 bind peer-ipv6 2001:db8::1 vpn-instance _public_ source-ipv6 2001:db8::2 "
     "track-interface interface GigabitEthernet 0/1/0",
     true},
    {"",
     "bfd s1 bind peer-ipv6 2001:db8::1 vpn-instance v1 source-ipv6 2001:db8::2 "
     "track-interface interface GigabitEthernet 0/1/0",
     false,
     "vpn-instance v1: tandem has one routing table (no VRFs yet); only the public "
     "instance `_public_` is accepted",
     48},
    {"", "bfd s1 bind peer-ipv6 2001:db8::zz track-interface interface ge0", false,
     "not a valid IPv6 address", 23},
    {"", "bfd s1234567890123456 bind peer-ipv6 2001:db8::1 track-interface interface ge0", false,
     "1-15 characters", 5},
    {"", "bfd s1 bind peer-ipv6 2001:db8::1 track-interface ge0", false, "expected 'interface'",
     51},
    {"", "multicast ipv6 routing-enable", true},
    {"", "multicast ipv6 routing-disable", false, "unexpected 'routing-disable'", 16},
    {"", "interface ge0", true},
    {"", "interface GigabitEthernet 0/1/0", true},
    {"", "interface if34567890123456789012345678901234567890123456789012345678901234", false,
     "longer than 63 characters", 11},
    {"", "metrics listen ::1 9464", true},
    {"", "metrics listen 127.0.0.1 9464", true},
    {"", "metrics listen 127.0.0.300 9464", false, "not a valid IPv4 or IPv6 address", 16},
    {"", "metrics listen ::1 65536", false, "out of range 1-65535", 20},
    {"", "dataplane idle-sleep-us 0", true},
    {"", "dataplane idle-sleep-us 50", true},
    {"", "dataplane idle-sleep-us -1", false, "", 25},
    {"", "mld global limit groups 1", true},
    {"", "mld global limit groups 16000000", true},
    {"", "mld global limit groups 0", false, "out of range 1-16000000", 25},
    {"", "mld global limit groups 16000001", false, "out of range 1-16000000", 25},
    {"", "mld global limit sources 64000000", true},
    {"", "mld global limit sources 64000001", false, "out of range 1-64000000", 26},
    {"", "mld global limit", false, "incomplete command", 18},
    {"", "ipv6 route-static 2001:db8:99:: 48 2001:db8:100::1", true},
    {"", "ipv6 route-static :: 0 ge0 fe80::1", true},
    {"", "ipv6 route-static 2001:db8:99:: 48 GigabitEthernet 0/1/0", true},
    {"", "ipv6 route-static 2001:db8:99:: 48 GigabitEthernet0/1/0 2001:db8:100::1", true},
    {"", "ipv6 route-static 2001:db8:99:: 129 2001:db8:100::1", false,
     "length 129 out of range 0-128", 33},
    {"", "ipv6 route-static 2001:db8:99::1 48 2001:db8:100::1", false,
     "has bits set beyond the prefix length (refused, not normalised: write 2001:db8:99:: 48)", 19},
    {"", "ipv6 route-static ff0e:: 16 2001:db8:100::1", false, "is a multicast prefix", 19},
    {"", "ipv6 route-static 2001:db8:99:: 48 ff02::1", false,
     "nexthop ff02::1 is not a unicast address", 36},
    {"", "ipv6 route-static 2001:db8:99:: 48 ::1", false, "nexthop ::1 is not a unicast address",
     36},
    {"", "ipv6 route-static 2001:db8:99:: 48 fe80::1", false,
     "link-local nexthop fe80::1 needs its interface", 36},
    {"", "ipv6 route-static 2001:db8:99:: 48 ge0 2001:db8::zz", false,
     "'2001:db8::zz' is not a valid IPv6 address", 40},
    {"", "ipv6 route-static 2001:db8:99:: 48", false, "incomplete command", 36},
    {"", "pim-ipv6", true},
    {"", "pim-ipv6 now", false, "unexpected 'now'", 10},
    {"", "frobnicate", false, "unknown command 'frobnicate' in system view", 1},
    // PIM view
    {"pim-ipv6", "static-rp 2001:db8:300::1", true},
    {"pim-ipv6", "static-rp 2001:db8:300::1 ff0e::/16", true},
    {"pim-ipv6", "static-rp 2001:db8:300::1 ff00::/14", true},  // scopes 0-3: 3 is routed
    {"pim-ipv6", "static-rp 2001:db8:300::1 ff3e:40:2001:db8::/64", true},  // not SSM (RFC 3306)
    {"pim-ipv6", "static-rp fe80::1", false, "static-rp fe80::1 is not a global unicast address",
     11},
    {"pim-ipv6", "static-rp ff0e::1", false, "is not a global unicast address", 11},
    {"pim-ipv6", "static-rp ::", false, "is not a global unicast address", 11},
    {"pim-ipv6", "static-rp 2001:db8:300::1 2001:db8::/32", false,
     "static-rp group range 2001:db8::/32 is not a multicast range (inside ff00::/8)", 27},
    {"pim-ipv6", "static-rp 2001:db8:300::1 ff02::/16", false,
     "static-rp group range ff02::/16 holds only interface- and link-local scope groups", 27},
    {"pim-ipv6", "static-rp 2001:db8:300::1 ff00::/15", false,
     "holds only interface- and link-local scope groups", 27},
    {"pim-ipv6", "static-rp 2001:db8:300::1 ff3e::/32", false,
     "static-rp group range ff3e::/32 is inside the SSM range ff3x::/32", 27},
    {"pim-ipv6", "static-rp 2001:db8:300::1 ff35::/96", false, "is inside the SSM range", 27},
    {"pim-ipv6", "static-rp 2001:db8:300::1 ff0e::1/16", false,
     "static-rp group range ff0e::1/16 has bits set beyond the prefix length (refused, not "
     "normalised: write ff0e::/16)",
     27},
    {"pim-ipv6", "static-rp 2001:db8:300::1 ff0e::/129", false,
     "prefix length '129' out of range 1-128", 27},
    {"pim-ipv6", "embedded-rp", true},
    {"pim-ipv6", "undo embedded-rp", true},
    {"pim-ipv6", "undo embedded-rp now", false, "unexpected 'now'", 18},
    {"pim-ipv6", "spt-switch-threshold 0", true},
    {"pim-ipv6", "spt-switch-threshold infinity", true},
    {"pim-ipv6", "spt-switch-threshold 100", false,
     "spt-switch-threshold 100: tandem switches to the SPT on the first packet (0) or never "
     "(infinity); a traffic-rate threshold is not supported",
     22},
    {"pim-ipv6", "spt-switch-threshold never", false, "unexpected 'never'", 22},
    {"pim-ipv6", "undo spt-switch-threshold", true},
    {"pim-ipv6", "c-bsr 2001:db8::1", false,
     "tandem is a PIM-SM last-hop router: it is never a BSR (c-bsr refused)", 1},
    {"pim-ipv6", "c-bsr", false, "it is never a BSR (c-bsr refused)", 1},
    {"pim-ipv6", "c-rp 2001:db8::1 group-policy 2000", false,
     "tandem is a PIM-SM last-hop router: it is never an RP (c-rp refused)", 1},
    {"pim-ipv6", "anycast-rp 2001:db8::1", false, "it is never an RP (anycast-rp refused)", 1},
    {"pim-ipv6", "register-policy 3000", false,
     "it is never an RP, so it receives no Register (register-policy refused)", 1},
    {"pim-ipv6", "crp-policy 3000", false,
     "it is never a BSR, so it receives no C-RP-Adv (crp-policy refused)", 1},
    {"pim-ipv6", "bsr-policy 2000", false, "never from a BSR (bsr-policy refused)", 1},
    {"pim-ipv6", "bsr-boundary", false,
     "it is never a BSR and has no BSR domain (bsr-boundary refused)", 1},
    {"pim-ipv6", "source-policy 2000", false,
     "it filters no multicast data by source (source-policy refused)", 1},
    {"pim-ipv6", "peer-backup hot", false, "unknown command 'peer-backup' in pim-ipv6 view", 1},
    // RBS view
    {"remote-backup-service r", "peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 2046", true},
    {"remote-backup-service r", "peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 1024", true},
    {"remote-backup-service r", "peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 55535", true},
    {"remote-backup-service r", "peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 1023", false,
     "port 1023 out of range 1024-55535", 52},
    {"remote-backup-service r", "peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 55536", false,
     "out of range 1024-55535", 52},
    {"remote-backup-service r", "peer-ipv6 2001:db8::2 source-ipv6 2001:db8::2 port 2046", false,
     "source-ipv6 equals peer-ipv6", 35},
    {"remote-backup-service r", "peer-ipv6 2001:db8::2 port 2046", false, "expected 'source-ipv6'",
     23},
    {"remote-backup-service r", "track bfd-session 10", true},
    {"remote-backup-service r", "track bfd-session 16385", false, "out of range 1-16384", 19},
    {"remote-backup-service r", "shutdown", true},
    {"remote-backup-service r", "undo shutdown", true},
    {"remote-backup-service r", "authentication-key s3cret-Rbs-key!", true},
    {"remote-backup-service r", "authentication-key 12345678", true},
    {"remote-backup-service r", "authentication-key short", false, "8 to 64 characters", 20},
    {"remote-backup-service r",
     "authentication-key k2345678901234567890123456789012345678901234567890123456789012345", false,
     "8 to 64 characters", 20},
    {"remote-backup-service r", "authentication-key caf\xc3\xa9-key-1", false, "printable ASCII",
     20},
    {"remote-backup-service r", "authentication-key", false, "incomplete command", 20},
    {"remote-backup-service r", "undo authentication-key", true},
    {"remote-backup-service r", "undo authentication-key now", false, "unexpected 'now'", 25},
    // RBP view
    {"remote-backup-profile p", "backup-id 10 remote-backup-service rbs1", true},
    {"remote-backup-profile p", "backup-id 4095 remote-backup-service rbs1", true},
    {"remote-backup-profile p", "backup-id 0 remote-backup-service rbs1", false,
     "out of range 1-4095", 11},
    {"remote-backup-profile p", "backup-id 4096 remote-backup-service rbs1", false,
     "out of range 1-4095", 11},
    {"remote-backup-profile p", "peer-backup hot", true},
    {"remote-backup-profile p", "peer-backup HOT", true},
    {"remote-backup-profile p", "peer-backup cold", false,
     "peer-backup cold: only `peer-backup hot` is implemented", 13},
    {"remote-backup-profile p", "peer-backup", false, "incomplete command", 13},
    {"remote-backup-profile p", "vrrp6-id 1 interface ge0", true},
    {"remote-backup-profile p", "vrrp6-id 256 interface ge0", false, "out of range 1-255", 10},
    // BFD session view
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0", "discriminator local 1",
     true},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0", "discriminator local 16385",
     false, "out of range 1-16384", 21},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0",
     "discriminator remote 4294967295", true},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0",
     "discriminator remote 4294967296", false, "out of range 1-4294967295", 22},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0", "discriminator both 1",
     false, "expected 'local' or 'remote'", 15},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0", "min-tx-interval 3", true},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0", "min-tx-interval 2", false,
     "out of range 3-20000", 17},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0", "min-rx-interval 20000",
     true},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0", "min-rx-interval 20001",
     false, "out of range 3-20000", 17},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0", "detect-multiplier 50",
     true},
    {"bfd s bind peer-ipv6 2001:db8::1 track-interface interface ge0", "detect-multiplier 2", false,
     "out of range 3-50", 19},
    // interface view
    {"interface ge0", "device net_null0", true},
    {"interface ge0", "device 0000:03:00.0", true},
    {"interface ge0", "device", false, "incomplete command", 8},
    {"interface ge0", "ipv6 enable", true},
    {"interface ge0", "ipv6 address 2001:db8::1/64", true},
    {"interface ge0", "ipv6 address 2001:db8::1/129", false, "out of range 1-128", 14},
    {"interface ge0", "ipv6 address 2001:db8::1", false, "needs a prefix length", 14},
    {"interface ge0", "ipv6 address ff05::1/64", false, "not a unicast address", 14},
    {"interface ge0", "ipv6 address auto link-local", true},
    {"interface ge0", "multicast ipv6 upstream", true},
    {"interface ge0", "pim ipv6 sm", true},
    {"interface ge0", "pim ipv6 dm", false, "unexpected 'dm'", 10},
    {"interface ge0", "mld enable", true},
    {"interface ge0", "mld version 1", true},
    {"interface ge0", "mld version 3", false, "out of range 1-2", 13},
    {"interface ge0", "mld timer query-interval 18000", true},
    {"interface ge0", "mld timer query-interval 0", false, "out of range 1-18000", 26},
    {"interface ge0", "mld robust-count 5", true},
    {"interface ge0", "mld robust-count 1", false, "out of range 2-5", 18},
    {"interface ge0", "mld max-response-time 126", false, "out of range 1-125", 23},
    {"interface ge0", "mld max-response-time 20", true},
    {"interface ge0", "mld lastlistener-queryinterval 25", true},
    {"interface ge0", "mld lastlistener-queryinterval 26", false, "out of range 1-25", 32},
    {"interface ge0", "mld lastlistener-querycount 3", true},
    {"interface ge0", "mld lastlistener-querycount 0", false, "out of range 1-255", 29},
    {"interface ge0", "mld access-limit 16384", true},
    {"interface ge0", "mld access-limit 16385", false, "out of range 1-16384", 18},
    {"interface ge0", "mld static-group ff0e::1", true},
    {"interface ge0", "mld static-group ff3e::1 source 2001:db8::10", true},
    {"interface ge0", "mld static-group ff02::1", false, "not a routable multicast group", 18},
    {"interface ge0", "mld static-group ff3e::1 source ff0e::2", false, "not a unicast source", 33},
    {"interface ge0", "mld group-policy 2000", true},
    {"interface ge0", "mld group-policy 3000", false, "out of range 2000-2999", 18},
    {"interface ge0", "mld prompt-leave", true},
    {"interface ge0", "mld prompt-leave group-policy 2999", true},
    {"interface ge0", "mld prompt-leave group-policy 1999", false, "out of range 2000-2999", 31},
    {"interface ge0", "mld require-router-alert", true},
    {"interface ge0", "undo mld require-router-alert", true},
    {"interface ge0", "undo mld require-router-alert now", false, "unexpected 'now'", 31},
    // acl6 view
    {"", "acl ipv6 number 2000", true},
    {"", "acl ipv6 number 3000", false, "out of range 2000-2999", 17},
    {"acl ipv6 number 2000", "rule 5 permit source ff0e::/16", true},
    {"acl ipv6 number 2000", "rule deny source ff3e::/16", true},
    {"acl ipv6 number 2000", "rule 4294967295 permit source ff0e::/16", false,
     "out of range 0-4294967294", 6},
    {"acl ipv6 number 2000", "rule permit source ff0e::", false, "", 20},
    // mld view
    {"", "mld", true},
    {"mld", "ssm-policy 2001", true},
    {"mld", "ssm-policy 200", false, "out of range 2000-2999", 12},
    {"mld", "ssm-mapping enable", true},
    {"mld", "ssm-mapping ff3e::/16 2001:db8::10", true},
    {"mld", "ssm-mapping 2001:db8::/32 2001:db8::10", false, "not a multicast prefix", 13},
    {"mld", "ssm-mapping ff3e::/16 ff0e::1", false, "not a unicast source", 23},
    {"interface ge0", "vrrp6 vrid 1 virtual-ip fe80::1 link-local", true},
    {"interface ge0", "vrrp6 vrid 0 virtual-ip fe80::1 link-local", false, "out of range 1-255",
     12},
    {"interface ge0", "vrrp6 vrid 1 virtual-ip 2001:db8::1 link-local", false, "not in fe80::/10",
     25},
    {"interface ge0", "vrrp6 vrid 1 virtual-ip fe80::1", false, "needs the `link-local` keyword",
     25},
    {"interface ge0", "vrrp6 vrid 1 priority 254", true},
    {"interface ge0", "vrrp6 vrid 1 priority 255", false, "out of range 1-254", 23},
    {"interface ge0", "vrrp6 vrid 1 timer advertise 100", true},
    {"interface ge0", "vrrp6 vrid 1 timer advertise 99", false, "out of range 100-4095", 30},
    {"interface ge0", "vrrp6 vrid 1 preempt-mode timer delay 3600", true},
    {"interface ge0", "vrrp6 vrid 1 preempt-mode timer delay 3601", false, "out of range 0-3600",
     39},
    {"interface ge0", "vrrp6 vrid 1 track bfd-session 10", true},
    {"interface ge0", "vrrp6 vrid 1 track bfd-session 10 reduced 50", true},
    {"interface ge0", "vrrp6 vrid 1 track bfd-session 10 increased 255", true},
    {"interface ge0", "vrrp6 vrid 1 track bfd-session 10 reduced 256", false, "out of range 1-255",
     43},
    {"interface ge0", "vrrp6 vrid 1 track bfd-session 10 peer", true},
    {"interface ge0", "vrrp6 vrid 1 track bfd-session 10 link", true},
    {"interface ge0", "vrrp6 vrid 1 track bfd-session 10 both", false, "unexpected 'both'", 35},
    {"interface ge0", "vrrp6 vrid 2 track admin-vrrp6 interface ge1 vrid 1", true},
    {"interface ge0", "vrrp6 vrid 2 track admin-vrrp6 interface ge1 vrid 1 unflowdown", true},
    {"interface ge0", "vrrp6 vrid 2 track admin-vrrp6 interface ge1", false,
     "incomplete command: expected 'vrid'", 46},
    {"interface ge0", "admin-vrrp6 vrid 1", true},
    {"interface ge0", "admin-vrrp6 vrid 1 ignore-if-down", true},
    {"interface ge0", "admin-vrrp6 vrid 1 ignore", false, "unexpected 'ignore'", 20},
    {"interface ge0", "multicast ipv6 track vrrp6 vrid 1", true},
    {"interface ge0", "multicast ipv6 track vrrp6 vrid 0", false, "out of range 1-255", 33},
    {"interface ge0", "multicast ipv6 track admin-vrrp6 interface ge1 vrid 1", true},
    {"interface ge0", "multicast ipv6 track admin-vrrp6 interface ge1 vrid 300", false,
     "out of range 1-255", 53},
    {"interface ge0", "multicast ipv6 track admin-vrrp6 vrid 1", false, "expected 'interface'", 34},
    {"interface ge0", "pim ipv6 ignore dr-state", true},
    {"interface ge0", "pim ipv6 ignore assert-state", true},
    {"interface ge0", "pim ipv6 timer hello 1", true},
    {"interface ge0", "pim ipv6 timer hello 18000", true},
    {"interface ge0", "pim ipv6 timer hello 0", false, "seconds 0 out of range 1-18000", 22},
    {"interface ge0", "pim ipv6 timer hello 18001", false, "seconds 18001 out of range 1-18000",
     22},
    {"interface ge0", "pim ipv6 hello-option holdtime 1", true},
    {"interface ge0", "pim ipv6 hello-option holdtime 65535", true},
    {"interface ge0", "pim ipv6 hello-option holdtime 0", false, "seconds 0 out of range 1-65535",
     32},
    {"interface ge0", "pim ipv6 hello-option holdtime 65536", false,
     "seconds 65536 out of range 1-65535", 32},
    {"interface ge0", "pim ipv6 hello-option dr-priority 0", true},
    {"interface ge0", "pim ipv6 hello-option dr-priority 4294967295", true},
    {"interface ge0", "pim ipv6 hello-option dr-priority 4294967296", false,
     "priority 4294967296 out of range 0-4294967295", 35},
    {"interface ge0", "pim ipv6 hello-option dr-priority -1", false, "", 35},
    {"interface ge0", "pim ipv6 timer join-prune 1", true},
    {"interface ge0", "pim ipv6 timer join-prune 18000", true},
    {"interface ge0", "pim ipv6 timer join-prune 0", false, "seconds 0 out of range 1-18000", 27},
    {"interface ge0", "pim ipv6 timer join-prune 18001", false,
     "seconds 18001 out of range 1-18000", 27},
    {"interface ge0", "pim ipv6 timer assert 10", false,
     "unexpected 'assert' (expected 'hello' or 'join-prune')", 16},
    {"interface ge0", "pim ipv6 bsr-boundary", false,
     "tandem is a PIM-SM last-hop router: it is never a BSR and has no BSR domain (pim ipv6 "
     "bsr-boundary refused)",
     1},
    {"interface ge0", "pim ipv6 bsr-boundary incoming", false, "(pim ipv6 bsr-boundary refused)",
     1},
    {"interface ge0", "remote-backup-profile rbp1", true},
    {"interface ge0", "peer-backup hot", false, "unknown command 'peer-backup' in interface view",
     1},
};

TEST(ConfigSyntax, EveryCommandAcceptsAndRejectsItsForms) {
  for (const Case& c : kCases) {
    std::string text = std::string(c.view_line) + "\n" + c.command + "\n";
    auto errs = errors_on_line(text, 2);
    auto view_errs = errors_on_line(text, 1);
    EXPECT_TRUE(view_errs.empty()) << c.view_line << ": " << view_errs[0].to_string();
    if (c.accepted) {
      EXPECT_TRUE(errs.empty()) << c.command << " -> " << errs[0].to_string();
    } else {
      ASSERT_EQ(errs.size(), 1u) << c.command;
      EXPECT_NE(errs[0].message.find(c.error_part), std::string::npos)
          << c.command << " -> " << errs[0].to_string();
      if (c.error_col) {
        EXPECT_EQ(errs[0].col, c.error_col) << c.command << " -> " << errs[0].to_string();
      }
    }
  }
}

TEST(ConfigSyntax, EveryTableEntryHasAnAcceptedAndARejectedCase) {
  for (const auto& cmd : compiled_commands()) {
    std::string head = pattern_head(cmd.pattern);
    bool accept = false, reject = false;
    for (const Case& c : kCases) {
      if (std::string(c.command).rfind(head, 0) != 0) continue;
      (c.accepted ? accept : reject) = true;
    }
    if (is_refusal(*cmd.spec)) {  // never accepted: every form is an error
      EXPECT_FALSE(accept) << "accepted case for the refused `" << cmd.spec->syntax << "`";
      EXPECT_TRUE(reject) << "no case for the refused `" << cmd.spec->syntax << "`";
      continue;
    }
    EXPECT_TRUE(accept) << "no accepted case for `" << cmd.spec->syntax << "`";
    // Commands with arguments also need a case where an argument is wrong.
    bool has_args = false;
    for (const auto& e : cmd.pattern) has_args |= e.kind != PatternElem::Kind::keyword;
    if (has_args) {
      EXPECT_TRUE(reject) << "no rejected case for `" << cmd.spec->syntax << "`";
    }
  }
}

TEST(ConfigSyntax, KeywordsAreCaseInsensitiveAndIndentationIgnored) {
  auto r = parse_config("Interface ge0\n\t  PIM IPv6 SM\n    quit\n", "t.cfg");
  auto errs = errors_on_line("Interface ge0\n\t  PIM IPv6 SM\n    quit\n", 2);
  EXPECT_TRUE(errs.empty());
  EXPECT_TRUE(r.config.interfaces.at("ge0").pim_sm);
}

TEST(ConfigSyntax, CommentsAreIgnored) {
  auto r = parse_config("# a comment\ninterface ge0 # trailing\n pim ipv6 sm\n", "t.cfg");
  EXPECT_TRUE(errors_on_line("# a comment\ninterface ge0 # trailing\n", 2).empty());
  EXPECT_TRUE(r.config.interfaces.at("ge0").pim_sm);
}

TEST(ConfigSyntax, InterfaceTypeAndNumberJoinIntoOneName) {
  auto r = parse_config("interface GigabitEthernet 0/1/0\n pim ipv6 sm\n", "t.cfg");
  ASSERT_TRUE(r.config.interfaces.count("GigabitEthernet0/1/0"));
}

TEST(ConfigSyntax, QuitLeavesTheViewSoViewCommandsAreRejectedAfterIt) {
  auto errs = errors_on_line("interface ge0\nquit\npim ipv6 sm\n", 3);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "unknown command 'pim' in system view");
  EXPECT_EQ(errs[0].col, 1);
}

TEST(ConfigSyntax, SystemCommandInsideAViewLeavesIt) {
  auto r = parse_config("interface ge0\n pim ipv6 sm\ninterface ge1\n mld enable\n", "t.cfg");
  EXPECT_FALSE(r.config.interfaces.at("ge0").mld_enable);
  EXPECT_TRUE(r.config.interfaces.at("ge1").mld_enable);
}

TEST(ConfigSyntax, ErrorFormatIsFileLineColMessage) {
  auto r = parse_config("interface ge0\n  mld version 7\n device d0\n", "router.cfg");
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].to_string(), "router.cfg:2:15: version 7 out of range 1-2");
}

TEST(ConfigSyntax, AllErrorsAreReportedInOrder) {
  auto r = parse_config("frob\ninterface ge0\n mld version 9\n mld robust-count 9\nbar\n", "t.cfg");
  std::vector<int> lines;
  for (const auto& e : r.errors) lines.push_back(e.line);
  // Line 2's interface has no device (cross-check), plus the three syntax errors.
  EXPECT_EQ(lines, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST(ConfigSyntax, BodyOfAFailedViewLineIsSkippedNotMisread) {
  auto r = parse_config("interface\n pim ipv6 sm\n mld enable\nquit\n", "t.cfg");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 1);
}

TEST(ConfigSyntax, UnreadableFileIsOneError) {
  auto r = load_config_file("/nonexistent/tandem.cfg");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("cannot read"), std::string::npos);
}

// Files stitched from the table's own words, numbers, addresses and junk: the parser never
// crashes, and every error points inside its line.
TEST(ConfigSyntax, RandomFilesNeverCrashAndErrorsPointIntoTheLine) {
  std::vector<std::string> vocab = {"0",       "1",
                                    "255",     "256",
                                    "4096",    "65536",
                                    "-1",      "99999999999999999999",
                                    "fe80::1", "2001:db8::1/64",
                                    "::",      "ff05::1",
                                    "1.2.3.4", "x/200",
                                    "#",       "ge0",
                                    "ge1",     "GigabitEthernet",
                                    "0/1/0",   "\t",
                                    "",        "::1"};
  for (const auto& cmd : compiled_commands()) {
    std::istringstream in(pattern_head(cmd.pattern));
    for (std::string w; in >> w;) vocab.push_back(w);
    for (const auto& e : cmd.pattern)
      if (e.kind == PatternElem::Kind::keyword) vocab.push_back(e.text);
  }
  std::mt19937 rng(12345);
  for (int file = 0; file < 300; ++file) {
    std::string text;
    std::vector<size_t> lengths;
    int lines = 1 + static_cast<int>(rng() % 30);
    for (int l = 0; l < lines; ++l) {
      std::string line(rng() % 3, ' ');
      int words = static_cast<int>(rng() % 9);
      for (int w = 0; w < words; ++w) line += vocab[rng() % vocab.size()] + " ";
      lengths.push_back(line.size());
      text += line + "\n";
    }
    auto r = parse_config(text, "fuzz.cfg");
    for (const auto& e : r.errors) {
      if (e.line == 0) continue;
      ASSERT_GE(e.line, 1);
      ASSERT_LE(e.line, lines);
      EXPECT_GE(e.col, 1) << e.to_string();
      EXPECT_LE(e.col, static_cast<int>(lengths[e.line - 1]) + 2) << e.to_string();
    }
  }
}

// ---- whole files ----

TEST(ConfigFiles, DesignExampleMasterIsAccepted) {
  auto r = load_config_file(configs_dir() + "/design_master.cfg");
  ASSERT_TRUE(r.ok()) << format_errors(r.errors);
  const Config& c = r.config;
  EXPECT_TRUE(c.multicast_routing_enable);
  EXPECT_TRUE(c.bfd_enable);
  const auto& rbs = c.rbs.at("rbs1");
  EXPECT_EQ(*rbs.peer_ipv6, Ipv6Address::must_parse("2001:db8:10::2"));
  EXPECT_EQ(*rbs.source_ipv6, Ipv6Address::must_parse("2001:db8:10::1"));
  EXPECT_EQ(rbs.port, 2046);
  const auto& rbp = c.rbp.at("rbp1");
  EXPECT_EQ(*rbp.backup_id, 10);
  EXPECT_EQ(rbp.service->name, "rbs1");
  EXPECT_EQ(*rbp.vrrp6_id, 1);
  EXPECT_EQ(rbp.vrrp6_interface->name, "ge0");
  const auto& bfd = c.bfd_sessions.at("tomaster");
  EXPECT_EQ(*bfd.discriminator_local, 10u);
  EXPECT_EQ(*bfd.discriminator_remote, 20u);
  EXPECT_EQ(bfd.min_tx_interval_ms, 10u);
  EXPECT_EQ(bfd.detect_multiplier, 3);
  const auto& ge0 = c.interfaces.at("ge0");
  EXPECT_EQ(ge0.device, "net_af_packet1,iface=r1-down");
  EXPECT_TRUE(ge0.auto_link_local);
  EXPECT_TRUE(ge0.mld_enable);
  EXPECT_EQ(ge0.mld.version, 2);
  EXPECT_EQ(ge0.mld.query_interval_s, 125u);
  const auto& g = ge0.vrrp6.at(1);
  EXPECT_EQ(g.priority, 120);
  EXPECT_EQ(g.advertise_cs, 100);
  ASSERT_EQ(g.virtual_ips.size(), 2u);
  EXPECT_TRUE(g.virtual_ips[0].link_local);
  ASSERT_EQ(g.bfd_tracks.size(), 1u);
  EXPECT_EQ(g.bfd_tracks[0].mode, BfdTrackMode::reduced);
  EXPECT_EQ(g.bfd_tracks[0].value, 50);
  EXPECT_EQ(ge0.multicast_track->kind, MulticastTrack::Kind::vrrp6);
  EXPECT_TRUE(ge0.pim_ignore_dr_state && ge0.pim_ignore_assert_state);
  EXPECT_EQ(ge0.rbp->name, "rbp1");
  EXPECT_TRUE(c.interfaces.at("up0").multicast_upstream);
  ASSERT_EQ(c.metrics.size(), 1u);
  EXPECT_EQ(c.metrics[0].address, "::1");
  EXPECT_EQ(c.metrics[0].port, 9464);
  EXPECT_EQ(c.dataplane.idle_sleep_us, 0u);
}

TEST(ConfigFiles, ReferenceProcedureMasterIsAccepted) {
  auto r = load_config_file(configs_dir() + "/reference_master.cfg");
  ASSERT_TRUE(r.ok()) << format_errors(r.errors);
  const auto& peer = r.config.interfaces.at("GigabitEthernet0/1/1");
  EXPECT_TRUE(peer.vrrp6.at(1).admin);
  const auto& down = r.config.interfaces.at("GigabitEthernet0/1/0");
  EXPECT_EQ(down.vrrp6.at(2).track_admin->vrid, 1);
  EXPECT_FALSE(down.vrrp6.at(2).track_admin->unflowdown);
  EXPECT_EQ(down.multicast_track->kind, MulticastTrack::Kind::admin_vrrp6);
  EXPECT_EQ(r.config.bfd_sessions.at("tomaster").interface.name, "GigabitEthernet0/1/1");
}

TEST(ConfigFiles, ReferenceProcedureBackupIsAccepted) {
  auto r = load_config_file(configs_dir() + "/reference_backup.cfg");
  ASSERT_TRUE(r.ok()) << format_errors(r.errors);
  const auto& g = r.config.interfaces.at("GigabitEthernet0/1/1").vrrp6.at(1);
  ASSERT_EQ(g.bfd_tracks.size(), 1u);
  EXPECT_EQ(g.bfd_tracks[0].mode, BfdTrackMode::peer);
  EXPECT_EQ(g.priority, 100);
}

// ---- cross-checks ----

std::string base_config() {
  return "bfd\n"                                                             // 1
         "bfd s bind peer-ipv6 2001:db8::9 track-interface interface ge0\n"  // 2
         " discriminator local 10\n"                                         // 3
         " discriminator remote 20\n"                                        // 4
         "quit\n"                                                            // 5
         "multicast ipv6 routing-enable\n"                                   // 6
         "interface ge0\n"                                                   // 7
         " device net_null0\n"                                               // 8
         " pim ipv6 sm\n"                                                    // 9
         " mld enable\n"                                                     // 10
         " vrrp6 vrid 1 virtual-ip fe80::1 link-local\n"                     // 11
         "quit\n";                                                           // 12
}

// Every error of `r` as FILE:LINE:COL: message, in order.
std::vector<std::string> messages(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.to_string());
  return out;
}

ParseResult with(const std::string& extra) {
  return parse_config(base_config() + extra, "t.cfg");
}

TEST(ConfigCrossChecks, BaseConfigIsValid) {
  auto r = with("");
  EXPECT_TRUE(r.ok()) << format_errors(r.errors);
}

TEST(ConfigCrossChecks, NameMayBeUsedBeforeItsDeclaration) {
  auto r = parse_config(
      "interface ge1\n device net_null1\n remote-backup-profile rbp1\n"
      " vrrp6 vrid 2 virtual-ip fe80::2 link-local\n multicast ipv6 track vrrp6 vrid 2\nquit\n"
      "remote-backup-profile rbp1\n backup-id 1 remote-backup-service rbs1\n"
      " vrrp6-id 2 interface ge1\nquit\n"
      "remote-backup-service rbs1\n peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port "
      "2046\nquit\n" +
          base_config(),
      "t.cfg");
  EXPECT_TRUE(r.ok()) << format_errors(r.errors);
}

TEST(ConfigCrossChecks, MldEnableNeedsPimSmAndRoutingEnable) {
  auto r = parse_config("interface ge0\n device d0\n mld enable\nquit\n", "t.cfg");
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_EQ(r.errors[0].col, 2);
  EXPECT_NE(r.errors[0].message.find("pim ipv6 sm"), std::string::npos);
  EXPECT_NE(r.errors[1].message.find("routing-enable"), std::string::npos);
}

TEST(ConfigCrossChecks, UnknownReferencesPointAtTheName) {
  auto r = with(
      "remote-backup-profile p\n backup-id 5 remote-backup-service nosuch\n"
      " vrrp6-id 9 interface ge0\nquit\n"
      "interface ge0\n remote-backup-profile nope\n"
      " vrrp6 vrid 1 track bfd-session 99\nquit\n");
  std::vector<std::string> msgs = messages(r);
  ASSERT_EQ(r.errors.size(), 5u) << format_errors(r.errors);
  EXPECT_EQ(msgs[0], "t.cfg:14:36: remote-backup-service nosuch does not exist");
  EXPECT_EQ(msgs[1], "t.cfg:15:11: interface ge0 has no VRRP6 group 9");
  EXPECT_EQ(msgs[2], "t.cfg:18:24: remote-backup-profile nope does not exist");
  // The interface also lacks the gate binding any RBP needs (validate_pairing.cc).
  EXPECT_NE(msgs[3].find("t.cfg:18:24: interface ge0 binds remote-backup-profile nope but has no "
                         "`multicast ipv6 track"),
            std::string::npos)
      << msgs[3];
  EXPECT_NE(msgs[4].find("t.cfg:19:33: VRID 1 on ge0 tracks bfd-session 99"), std::string::npos)
      << msgs[4];
}

TEST(ConfigCrossChecks, BackupIdIsUniqueAcrossProfiles) {
  std::string rbs =
      "remote-backup-service r\n peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 2046\nquit\n";
  auto r = with(rbs +
                "remote-backup-profile a\n backup-id 7 remote-backup-service r\n"
                " vrrp6-id 1 interface ge0\nquit\n"
                "remote-backup-profile b\n backup-id 7 remote-backup-service r\n"
                " vrrp6-id 1 interface ge0\nquit\n");
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(r.errors[0].line, 21);
  EXPECT_EQ(r.errors[0].col, 12);
  EXPECT_NE(r.errors[0].message.find("already used by remote-backup-profile a"), std::string::npos);
}

TEST(ConfigCrossChecks, OneRbpPerInterface) {
  auto errs =
      errors_on_line("interface ge0\n remote-backup-profile a\n remote-backup-profile b\n", 3);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].message.find("one per interface"), std::string::npos);
  EXPECT_EQ(errs[0].col, 24);
}

TEST(ConfigCrossChecks, OneMulticastTrackBindingPerInterface) {
  auto errs = errors_on_line(
      "interface ge0\n multicast ipv6 track vrrp6 vrid 1\n"
      " multicast ipv6 track admin-vrrp6 interface ge1 vrid 1\n",
      3);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].message.find("one kind of VRRP6 binding"), std::string::npos);
}

TEST(ConfigCrossChecks, MulticastTrackNeedsTheGroup) {
  auto r = with("interface ge0\n multicast ipv6 track vrrp6 vrid 3\nquit\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), "t.cfg:14:34: interface ge0 has no VRRP6 group 3");
}

TEST(ConfigCrossChecks, AdminTrackNeedsAnMvrrp6) {
  auto r = with(
      "interface ge1\n device d1\n vrrp6 vrid 2 virtual-ip fe80::2 link-local\n"
      " vrrp6 vrid 2 track admin-vrrp6 interface ge0 vrid 1\n"
      " multicast ipv6 track admin-vrrp6 interface ge0 vrid 1\nquit\n");
  ASSERT_EQ(r.errors.size(), 2u) << format_errors(r.errors);
  EXPECT_NE(r.errors[0].message.find("is not an mVRRP6"), std::string::npos);
  EXPECT_NE(r.errors[1].message.find("is not an mVRRP6"), std::string::npos);
  auto ok = with(
      "interface ge0\n admin-vrrp6 vrid 1\nquit\n"
      "interface ge1\n device d1\n vrrp6 vrid 2 virtual-ip fe80::2 link-local\n"
      " vrrp6 vrid 2 track admin-vrrp6 interface ge0 vrid 1\n"
      " multicast ipv6 track admin-vrrp6 interface ge0 vrid 1\nquit\n");
  EXPECT_TRUE(ok.ok()) << format_errors(ok.errors);
}

TEST(ConfigCrossChecks, FirstVirtualIpMustBeLinkLocal) {
  auto r = with(
      "interface ge0\n vrrp6 vrid 5 virtual-ip 2001:db8::5\n"
      " vrrp6 vrid 5 virtual-ip fe80::5 link-local\nquit\n");
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(r.errors[0].line, 14);
  EXPECT_NE(r.errors[0].message.find("first virtual-ip must be link-local"), std::string::npos);
}

TEST(ConfigCrossChecks, BfdSessionNeedsGlobalBfdDiscriminatorsAndInterface) {
  auto r = parse_config("bfd s bind peer-ipv6 2001:db8::9 track-interface interface nope\nquit\n",
                        "t.cfg");
  std::string all = format_errors(r.errors);
  EXPECT_NE(all.find("needs `bfd` (global) first"), std::string::npos) << all;
  EXPECT_NE(all.find("t.cfg:1:60: interface nope does not exist"), std::string::npos) << all;
  EXPECT_NE(all.find("no `discriminator local N`"), std::string::npos) << all;
  // the remote discriminator is optional (learnt from the peer, RFC 5880 §6.8.6)
  EXPECT_EQ(all.find("discriminator remote"), std::string::npos) << all;
}

TEST(ConfigCrossChecks, LocalDiscriminatorsAreUnique) {
  auto r = with(
      "bfd t bind peer-ipv6 2001:db8::8 track-interface interface ge0\n"
      " discriminator local 10\n discriminator remote 30\nquit\n");
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_NE(r.errors[0].message.find("already used by BFD session"), std::string::npos);
}

TEST(ConfigCrossChecks, RbsNeedsPeerLineAndItsTrackedSession) {
  auto r = with("remote-backup-service r\n track bfd-session 11\nquit\n");
  ASSERT_EQ(r.errors.size(), 2u) << format_errors(r.errors);
  EXPECT_NE(r.errors[0].message.find("has no `peer-ipv6"), std::string::npos);
  EXPECT_EQ(r.errors[1].line, 14);
  EXPECT_EQ(r.errors[1].col, 20);
}

TEST(ConfigCrossChecks, DevicesAreRequiredAndUnique) {
  auto r = with("interface ge1\n device net_null0\nquit\ninterface ge2\nquit\n");
  ASSERT_EQ(r.errors.size(), 2u) << format_errors(r.errors);
  EXPECT_NE(r.errors[0].message.find("already used by interface ge0"), std::string::npos);
  EXPECT_NE(r.errors[1].message.find("ge2 has no `device"), std::string::npos);
}

TEST(ConfigCrossChecks, MaxResponseTimeBelowQueryInterval) {
  auto r = with("interface ge0\n mld timer query-interval 10\n mld max-response-time 10\nquit\n");
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_NE(r.errors[0].message.find("less than the query interval"), std::string::npos);
}

TEST(ConfigCrossChecks, DuplicateVirtualIpIsRejected) {
  auto errs = errors_on_line(
      "interface ge0\n vrrp6 vrid 1 virtual-ip fe80::1 link-local\n"
      " vrrp6 vrid 1 virtual-ip fe80::1 link-local\n",
      3);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].message.find("already configured"), std::string::npos);
}

// ---- reload diff ----

TEST(ConfigMldGlobalLimit, DefaultsAreABoundAndTheFileSetsEachLimit) {
  auto none = parse_config("", "t.cfg");
  EXPECT_EQ(none.config.mld.global_group_limit, 1000000u);
  EXPECT_EQ(none.config.mld.global_source_limit, 4000000u);
  auto r = parse_config("mld global limit groups 5000\nmld global limit sources 20000\n", "t.cfg");
  ASSERT_TRUE(r.errors.empty()) << format_errors(r.errors);
  EXPECT_EQ(r.config.mld.global_group_limit, 5000u);
  EXPECT_EQ(r.config.mld.global_source_limit, 20000u);
  ConfigDiff d = diff_configs(none.config, r.config);
  EXPECT_TRUE(d.mld_global);
  EXPECT_EQ(d.describe(), std::vector<std::string>{"mld global limit changed"});
}

TEST(ConfigMldGlobalLimit, RangeErrorIsReportedAtFileLineCol) {
  auto r = parse_config("# limits\nmld global limit sources 0\n", "router.cfg");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), "router.cfg:2:26: count 0 out of range 1-64000000");
}

// ---- MLD controls (docs/mld-controls.md) ----

TEST(ConfigMldControls, AclsAndPoliciesParse) {
  auto r = with(
      "acl ipv6 number 2001\n rule permit source ff0e::/16\n rule 2 deny source ff0e::1/128\n"
      " rule permit source ff05::/16\nquit\n"
      "mld\n ssm-policy 2001\n ssm-mapping enable\n ssm-mapping ff3e::/16 2001:db8::10\n"
      " ssm-mapping ff3e::/16 2001:db8::11\nquit\n"
      "interface ge0\n mld group-policy 2001\n mld prompt-leave group-policy 2001\n"
      " undo mld require-router-alert\n mld static-group ff0e::7 source 2001:db8::10\nquit\n");
  ASSERT_TRUE(r.ok()) << format_errors(r.errors);
  const Acl6Config& acl = r.config.acls.at(2001);
  ASSERT_EQ(acl.rules.size(), 3u);
  // Rule IDs: 5 (default step), 2 (given, sorts first), 10 (next multiple of 5 above 5).
  EXPECT_EQ(acl.rules[0].id, 2u);
  EXPECT_FALSE(acl.rules[0].permit);
  EXPECT_EQ(acl.rules[1].id, 5u);
  EXPECT_EQ(acl.rules[2].id, 10u);
  EXPECT_EQ(r.config.mld_view.ssm_policy->number, 2001u);
  EXPECT_TRUE(r.config.mld_view.ssm_mapping_enable);
  EXPECT_EQ(r.config.mld_view.ssm_mappings.size(), 2u);
  const MldInterfaceConfig& m = r.config.interfaces.at("ge0").mld;
  EXPECT_EQ(m.group_policy->number, 2001u);
  EXPECT_TRUE(m.prompt_leave);
  EXPECT_EQ(m.prompt_leave_policy->number, 2001u);
  EXPECT_FALSE(m.require_router_alert);
  ASSERT_EQ(m.static_groups.size(), 1u);
  EXPECT_EQ(*m.static_groups[0].source, Ipv6Address::must_parse("2001:db8::10"));
}

TEST(ConfigMldControls, Defaults) {
  auto r = with("");
  const MldInterfaceConfig& m = r.config.interfaces.at("ge0").mld;
  EXPECT_TRUE(m.require_router_alert);
  EXPECT_FALSE(m.prompt_leave);
  EXPECT_FALSE(m.group_policy);
  EXPECT_TRUE(m.static_groups.empty());
  EXPECT_FALSE(r.config.mld_view.ssm_policy);
  EXPECT_FALSE(r.config.mld_view.ssm_mapping_enable);
}

TEST(ConfigMldControls, UnknownAclNumbersAreErrorsAtTheirColumn) {
  auto r = with(
      "acl ipv6 number 2001\n rule permit source ff0e::/16\nquit\n"  // 13-15
      "mld\n ssm-policy 2002\nquit\n"                                // 16-18
      "interface ge0\n mld group-policy 2003\n mld prompt-leave group-policy 2001\n"
      " mld prompt-leave group-policy 2004\nquit\n");  // 19-23
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                "t.cfg:17:13: ssm-policy names acl ipv6 number 2002, which is not configured",
                "t.cfg:20:19: mld group-policy on ge0 names acl ipv6 number 2003, which is not "
                "configured",
                "t.cfg:22:32: mld prompt-leave group-policy on ge0 names acl ipv6 number 2004, "
                "which is not configured"}));
}

TEST(ConfigMldControls, StaticGroupNeedsMldEnable) {
  auto r = with("interface ge1\n device net_null1\n mld static-group ff0e::1\nquit\n");
  EXPECT_EQ(messages(r), (std::vector<std::string>{
                             "t.cfg:15:19: `mld static-group` on ge1 needs `mld enable` on it"}));
}

TEST(ConfigMldControls, ReloadDiffNamesThePolicyChange) {
  auto a = with("acl ipv6 number 2001\n rule permit source ff0e::/16\nquit\n");
  auto b = with("acl ipv6 number 2001\n rule permit source ff05::/16\nquit\n");
  auto c = with(
      "acl ipv6 number 2001\n rule permit source ff0e::/16\nquit\n"
      "interface ge0\n mld group-policy 2001\nquit\n");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << format_errors(c.errors);
  ConfigDiff d = diff_configs(a.config, b.config);
  EXPECT_TRUE(d.mld_policy);
  EXPECT_TRUE(d.restart_required.empty());
  EXPECT_EQ(d.describe(), std::vector<std::string>{"acl ipv6 / mld view changed"});
  ConfigDiff e = diff_configs(a.config, c.config);
  EXPECT_FALSE(e.mld_policy);
  ASSERT_EQ(e.interfaces.size(), 1u);
  EXPECT_TRUE(e.interfaces[0].mld);
}

TEST(ConfigDiffTest, SameFileHasNoDifference) {
  auto a = load_config_file(configs_dir() + "/design_master.cfg");
  auto b = parse_config(base_config(), "x");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(diff_configs(a.config, a.config).empty());
  EXPECT_FALSE(diff_configs(a.config, b.config).empty());
}

TEST(ConfigDiffTest, LayoutAndCommentsAreNotChanges) {
  auto a = parse_config(base_config(), "a");
  auto b = parse_config("# comment\n\n" + base_config(), "b");
  EXPECT_TRUE(diff_configs(a.config, b.config).empty());
}

TEST(ConfigDiffTest, ReportsOnlyWhatChanged) {
  auto a = parse_config(base_config(), "a");
  auto b =
      parse_config(base_config() +
                       "interface ge0\n vrrp6 vrid 1 priority 150\n"
                       " vrrp6 vrid 2 virtual-ip fe80::2 link-local\n mld robust-count 3\nquit\n"
                       "bfd s\n min-tx-interval 100\nquit\nmetrics listen ::1 9464\n",
                   "b");
  ASSERT_TRUE(b.ok()) << format_errors(b.errors);
  ConfigDiff d = diff_configs(a.config, b.config);
  EXPECT_FALSE(d.multicast_routing);
  EXPECT_TRUE(d.metrics);
  EXPECT_EQ(d.bfd_sessions.changed, std::vector<std::string>{"s"});
  EXPECT_TRUE(d.bfd_sessions.added.empty());
  ASSERT_EQ(d.interfaces.size(), 1u);
  EXPECT_TRUE(d.interfaces[0].mld);
  EXPECT_FALSE(d.interfaces[0].gate);
  EXPECT_EQ(d.interfaces[0].vrrp_changed, std::vector<uint8_t>{1});
  EXPECT_EQ(d.interfaces[0].vrrp_added, std::vector<uint8_t>{2});
  EXPECT_TRUE(d.restart_required.empty());
  EXPECT_EQ(d.describe().size(), 3u);
}

TEST(ConfigRbsAuthentication, KeyIsKeptAsWrittenAndUndoRemovesIt) {
  const std::string rbs =
      "remote-backup-service r\n peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 2046\n";
  auto r = parse_config(rbs + " authentication-key MiXeD-case-Key\nquit\n", "t.cfg");
  EXPECT_EQ(r.config.rbs.at("r").authentication_key, "MiXeD-case-Key");
  auto u =
      parse_config(rbs + " authentication-key MiXeD-case-Key\n undo authentication-key\n", "t.cfg");
  EXPECT_EQ(u.config.rbs.at("r").authentication_key, "");
  auto none = parse_config(rbs, "t.cfg");
  EXPECT_EQ(none.config.rbs.at("r").authentication_key, "");
}

TEST(ConfigRbsAuthentication, RejectedKeyIsReportedAtFileLineColWithoutTheKey) {
  auto r = errors_on_line("remote-backup-service r\n authentication-key Sh0rt!\n", 2);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].to_string(),
            "t.cfg:2:21: authentication-key must be 8 to 64 characters, this one has 6");
  auto s = errors_on_line("remote-backup-service r\n authentication-key #Sh0rt-but-long\n", 2);
  ASSERT_EQ(s.size(), 1u);  // `#` starts a comment: the key is missing
  EXPECT_NE(s[0].message.find("incomplete command"), std::string::npos);
  EXPECT_EQ(s[0].message.find("Sh0rt"), std::string::npos);
}

TEST(ConfigRbsAuthentication, KeyChangeRestartsTheServiceAndTheDiffNeverShowsIt) {
  const std::string rbs =
      "remote-backup-service r\n peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 2046\n";
  auto a = parse_config(base_config() + rbs + " authentication-key first-key-1\nquit\n", "a");
  auto b = parse_config(base_config() + rbs + " authentication-key second-key-2\nquit\n", "b");
  ASSERT_TRUE(a.ok()) << format_errors(a.errors);
  ASSERT_TRUE(b.ok()) << format_errors(b.errors);
  ConfigDiff d = diff_configs(a.config, b.config);
  EXPECT_EQ(d.rbs.changed, std::vector<std::string>{"r"});
  for (const auto& line : d.describe()) {
    EXPECT_EQ(line.find("first-key-1"), std::string::npos) << line;
    EXPECT_EQ(line.find("second-key-2"), std::string::npos) << line;
  }
}

TEST(ConfigDiffTest, NewOrChangedDevicesNeedARestart) {
  auto a = parse_config(base_config(), "a");
  auto b =
      parse_config(base_config() + "interface ge0\nquit\ninterface ge9\n device d9\nquit\n", "b");
  std::string changed = base_config();
  changed.replace(changed.find("net_null0"), 9, "net_null7");
  auto c = parse_config(changed, "c");
  EXPECT_EQ(diff_configs(a.config, b.config).restart_required,
            std::vector<std::string>{"interface ge9 added"});
  EXPECT_EQ(diff_configs(a.config, c.config).restart_required,
            std::vector<std::string>{"interface ge0 device net_null0 -> net_null7"});
  EXPECT_EQ(diff_configs(b.config, a.config).restart_required,
            std::vector<std::string>{"interface ge9 removed"});
}

// ---- PIM-SM: interface commands ----

TEST(ConfigPimInterface, DefaultsAreRfc7761s) {
  auto r = parse_config(base_config(), "t.cfg");
  ASSERT_TRUE(r.ok()) << format_errors(r.errors);
  const PimInterfaceConfig& p = r.config.interfaces.at("ge0").pim;
  EXPECT_EQ(p.hello_interval_s, 30u);
  EXPECT_FALSE(p.hello_holdtime_s.has_value());  // 3.5 x the Hello interval
  EXPECT_EQ(p.dr_priority, 1u);
  EXPECT_EQ(p.join_prune_interval_s, 60u);
  EXPECT_EQ(p.pos.line, 0);
}

TEST(ConfigPimInterface, EachCommandSetsItsField) {
  auto r = with(
      "interface ge0\n pim ipv6 timer hello 10\n pim ipv6 hello-option holdtime 35\n"
      " pim ipv6 hello-option dr-priority 4294967295\n pim ipv6 timer join-prune 90\nquit\n");
  ASSERT_TRUE(r.ok()) << format_errors(r.errors);
  const PimInterfaceConfig& p = r.config.interfaces.at("ge0").pim;
  EXPECT_EQ(p.hello_interval_s, 10u);
  EXPECT_EQ(p.hello_holdtime_s, std::optional<uint16_t>(35));
  EXPECT_EQ(p.dr_priority, 4294967295u);
  EXPECT_EQ(p.join_prune_interval_s, 90u);
  auto zero = with("interface ge0\n pim ipv6 hello-option dr-priority 0\nquit\n");
  ASSERT_TRUE(zero.ok()) << format_errors(zero.errors);
  EXPECT_EQ(zero.config.interfaces.at("ge0").pim.dr_priority, 0u);
}

TEST(ConfigPimInterface, RangeErrorsAreReportedAtFileLineCol) {
  auto r = parse_config(
      "interface ge0\n device d0\n pim ipv6 sm\n pim ipv6 timer hello 0\n"
      " pim ipv6 hello-option holdtime 65536\n pim ipv6 hello-option dr-priority 4294967296\n"
      " pim ipv6 timer join-prune 18001\nquit\n",
      "router.cfg");
  std::vector<std::string> msgs = messages(r);
  EXPECT_EQ(msgs, (std::vector<std::string>{
                      "router.cfg:4:23: seconds 0 out of range 1-18000",
                      "router.cfg:5:33: seconds 65536 out of range 1-65535",
                      "router.cfg:6:36: priority 4294967296 out of range 0-4294967295",
                      "router.cfg:7:28: seconds 18001 out of range 1-18000",
                  }));
}

TEST(ConfigPimInterface, TimersAndHelloOptionsNeedPimSm) {
  // The first such line is where the error points, wherever `pim ipv6 sm` would have been.
  auto r = parse_config(
      "interface ge1\n device d1\n pim ipv6 hello-option dr-priority 5\n"
      " pim ipv6 timer hello 10\nquit\n",
      "t.cfg");
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(r.errors[0].to_string(),
            "t.cfg:3:2: `pim ipv6 timer`/`hello-option` on ge1 need `pim ipv6 sm` on it");
  for (const char* knob : {"pim ipv6 timer hello 10", "pim ipv6 hello-option holdtime 200",
                           "pim ipv6 hello-option dr-priority 1", "pim ipv6 timer join-prune 60"}) {
    auto one =
        parse_config(std::string("interface ge1\n device d1\n ") + knob + "\nquit\n", "t.cfg");
    ASSERT_EQ(one.errors.size(), 1u) << knob;
    EXPECT_NE(one.errors[0].message.find("need `pim ipv6 sm`"), std::string::npos) << knob;
    // `pim ipv6 sm` later in the file (another visit of the view) satisfies it.
    auto later = parse_config(std::string("interface ge1\n device d1\n ") + knob +
                                  "\nquit\ninterface ge1\n pim ipv6 sm\n",
                              "t.cfg");
    EXPECT_TRUE(later.ok()) << knob << ": " << format_errors(later.errors);
  }
}

TEST(ConfigPimInterface, HoldtimeMustExceedTheHelloInterval) {
  auto r = with("interface ge0\n pim ipv6 timer hello 60\n pim ipv6 hello-option holdtime 60\n");
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(r.errors[0].to_string(),
            "t.cfg:7:11: interface ge0: pim ipv6 hello-option holdtime 60 must be greater than "
            "the Hello interval 60 (neighbors would expire between Hellos)");
  EXPECT_TRUE(with("interface ge0\n pim ipv6 hello-option holdtime 31\n").ok());
  EXPECT_FALSE(with("interface ge0\n pim ipv6 hello-option holdtime 30\n").ok());
}

TEST(ConfigPimInterface, HelpTextSaysWhatEachExistingCommandDoesNow) {
  std::map<std::string, std::string> meaning;
  for (const auto& s : command_specs()) meaning[s.syntax] = s.meaning;
  EXPECT_EQ(meaning.at("multicast ipv6 upstream").find("not implemented"), std::string::npos);
  EXPECT_NE(meaning.at("multicast ipv6 upstream").find("without PIM joins"), std::string::npos);
  EXPECT_NE(meaning.at("pim ipv6 sm").find("Hellos"), std::string::npos);
  EXPECT_NE(meaning.at("pim ipv6 ignore dr-state").find("DR"), std::string::npos);
  EXPECT_NE(meaning.at("pim ipv6 ignore assert-state").find("Assert"), std::string::npos);
}

// ---- PIM-SM: the pim-ipv6 view ----

TEST(ConfigPimView, DefaultsWithoutTheView) {
  auto r = parse_config("", "t.cfg");
  EXPECT_TRUE(r.config.pim.static_rps.empty());
  EXPECT_TRUE(r.config.pim.embedded_rp);
  EXPECT_FALSE(r.config.pim.spt_switch_infinity);
  EXPECT_TRUE(r.config.static_routes.empty());
}

TEST(ConfigPimView, StaticRpsEmbeddedRpAndSptThreshold) {
  auto r = with(
      "pim-ipv6\n static-rp 2001:db8:300::1\n static-rp 2001:db8:300::2 ff0e::/16\n"
      " static-rp 2001:db8:300::1 ff0e::/16\n undo embedded-rp\n spt-switch-threshold infinity\n"
      "quit\n");
  ASSERT_TRUE(r.ok()) << format_errors(r.errors);
  const PimGlobalConfig& p = r.config.pim;
  ASSERT_EQ(p.static_rps.size(), 3u);
  EXPECT_EQ(p.static_rps[0].address, Ipv6Address::must_parse("2001:db8:300::1"));
  EXPECT_EQ(p.static_rps[0].groups, (Ipv6Prefix{Ipv6Address::must_parse("ff00::"), 8}));
  EXPECT_EQ(p.static_rps[0].pos.line, 14);
  EXPECT_EQ(p.static_rps[0].pos.col, 12);
  EXPECT_EQ(p.static_rps[1].groups, (Ipv6Prefix{Ipv6Address::must_parse("ff0e::"), 16}));
  EXPECT_FALSE(p.embedded_rp);
  EXPECT_TRUE(p.spt_switch_infinity);
  auto back = with(
      "pim-ipv6\n undo embedded-rp\n embedded-rp\n spt-switch-threshold infinity\n"
      " undo spt-switch-threshold\n");
  ASSERT_TRUE(back.ok()) << format_errors(back.errors);
  EXPECT_TRUE(back.config.pim.embedded_rp);
  EXPECT_FALSE(back.config.pim.spt_switch_infinity);
  auto zero = with("pim-ipv6\n spt-switch-threshold infinity\n spt-switch-threshold 0\n");
  EXPECT_FALSE(zero.config.pim.spt_switch_infinity);
}

TEST(ConfigPimView, DuplicateStaticRpIsRefused) {
  // The default range written out is the same line.
  auto errs = errors_on_line(
      "pim-ipv6\n static-rp 2001:db8:300::1\n static-rp 2001:db8:300::1 ff00::/8\n", 3);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].to_string(),
            "t.cfg:3:12: static-rp 2001:db8:300::1 ff00::/8 is already configured");
}

TEST(ConfigPimView, QuitAndSystemCommandsLeaveTheView) {
  auto quit = errors_on_line("pim-ipv6\n static-rp 2001:db8::1\nquit\nstatic-rp 2001:db8::1\n", 4);
  ASSERT_EQ(quit.size(), 1u);
  EXPECT_EQ(quit[0].message, "unknown command 'static-rp' in system view");
  auto r = parse_config("pim-ipv6\n static-rp 2001:db8::1\ninterface ge0\n device d0\n", "t.cfg");
  EXPECT_TRUE(r.ok()) << format_errors(r.errors);
  EXPECT_EQ(r.config.interfaces.at("ge0").device, "d0");
  // A mistyped view line: its body is skipped, not read as system commands.
  auto bad = parse_config("pim-ipv6 x\n static-rp 2001:db8::1\n c-bsr\nquit\n", "t.cfg");
  ASSERT_EQ(bad.errors.size(), 1u) << format_errors(bad.errors);
  EXPECT_EQ(bad.errors[0].to_string(), "t.cfg:1:10: unexpected 'x' (expected end of line)");
}

TEST(ConfigPimView, LastHopRouterRolesAreRefusedAtFileLineCol) {
  auto r = parse_config(
      "pim-ipv6\n  c-bsr 2001:db8::1 hash-length 126\n C-RP 2001:db8::1\n"
      " register-policy 3000\n anycast-rp 2001:db8::9\n source-policy 2000\n bsr-boundary\n"
      "interface ge0\n pim ipv6 bsr-boundary incoming\n",
      "router.cfg");
  std::vector<std::string> msgs = messages(r);
  ASSERT_EQ(msgs.size(), 8u) << format_errors(r.errors);  // + ge0 has no device
  const std::string why = ": tandem is a PIM-SM last-hop router: ";
  EXPECT_EQ(msgs[0], "router.cfg:2:3" + why + "it is never a BSR (c-bsr refused)");
  EXPECT_EQ(msgs[1], "router.cfg:3:2" + why + "it is never an RP (c-rp refused)");
  EXPECT_EQ(msgs[2], "router.cfg:4:2" + why +
                         "it is never an RP, so it receives no Register (register-policy refused)");
  EXPECT_EQ(msgs[3], "router.cfg:5:2" + why + "it is never an RP (anycast-rp refused)");
  EXPECT_EQ(msgs[4], "router.cfg:6:2" + why +
                         "it filters no multicast data by source (source-policy refused)");
  EXPECT_EQ(msgs[5], "router.cfg:7:2" + why +
                         "it is never a BSR and has no BSR domain (bsr-boundary refused)");
  EXPECT_EQ(msgs[6], "router.cfg:8:11: interface ge0 has no `device DPDK-DEVICE` line");
  EXPECT_EQ(msgs[7], "router.cfg:9:2" + why +
                         "it is never a BSR and has no BSR domain (pim ipv6 bsr-boundary refused)");
}

TEST(ConfigPimView, StaticRpOnOneOfOurAddressesIsRefused) {
  auto own = with(
      "interface ge0\n ipv6 address 2001:db8:1::2/64\n vrrp6 vrid 1 virtual-ip 2001:db8:1::1\n"
      "quit\npim-ipv6\n static-rp 2001:db8:1::2\n static-rp 2001:db8:1::1 ff0e::/16\n"
      " static-rp 2001:db8:1::3\nquit\n");
  std::vector<std::string> msgs = messages(own);
  EXPECT_EQ(msgs, (std::vector<std::string>{
                      "t.cfg:18:12: static-rp 2001:db8:1::2 is an address of interface ge0: "
                      "tandem is never an RP",
                      "t.cfg:19:12: static-rp 2001:db8:1::1 is an address of interface ge0: "
                      "tandem is never an RP",
                  }));
  // The address may be declared after the view (whole-file cross-check).
  auto after = parse_config(
      "pim-ipv6\n static-rp 2001:db8:5::1\nquit\ninterface ge5\n device d5\n"
      " ipv6 address 2001:db8:5::1/64\n",
      "t.cfg");
  ASSERT_EQ(after.errors.size(), 1u);
  EXPECT_EQ(after.errors[0].line, 2);
  EXPECT_EQ(after.errors[0].col, 12);
}

// ---- ipv6 route-static ----

TEST(ConfigStaticRoute, BothFormsAreParsedIntoTheModel) {
  auto r = with(
      "interface ge0\n ipv6 address 2001:db8:1::2/64\nquit\n"
      "interface GigabitEthernet 0/1/0\n device d1\nquit\n"
      "ipv6 route-static 2001:db8:300:: 64 2001:db8:1::1\n"
      "ipv6 route-static :: 0 GigabitEthernet 0/1/0 fe80::1\n"
      "ipv6 route-static 2001:db8:400:: 48 ge0\n"
      "ipv6 route-static 2001:db8:500::1 128 GigabitEthernet0/1/0 2001:db8:9::1\n");
  ASSERT_TRUE(r.ok()) << format_errors(r.errors);
  const auto& routes = r.config.static_routes;
  ASSERT_EQ(routes.size(), 4u);
  EXPECT_EQ(routes[0].prefix, (Ipv6Prefix{Ipv6Address::must_parse("2001:db8:300::"), 64}));
  EXPECT_FALSE(routes[0].interface.has_value());
  EXPECT_EQ(routes[0].nexthop, Ipv6Address::must_parse("2001:db8:1::1"));
  EXPECT_EQ(routes[0].pos.col, 19);
  EXPECT_EQ(routes[0].nexthop_pos.col, 37);
  EXPECT_EQ(routes[1].prefix, (Ipv6Prefix{Ipv6Address::must_parse("::"), 0}));
  EXPECT_EQ(routes[1].interface->name, "GigabitEthernet0/1/0");
  EXPECT_EQ(routes[1].nexthop, Ipv6Address::must_parse("fe80::1"));
  EXPECT_EQ(routes[2].interface->name, "ge0");
  EXPECT_FALSE(routes[2].nexthop.has_value());
  EXPECT_EQ(routes[3].interface->name, "GigabitEthernet0/1/0");
  EXPECT_EQ(routes[3].prefix.length, 128);
}

TEST(ConfigStaticRoute, InterfaceMustExist) {
  auto r = with(
      "ipv6 route-static 2001:db8:300:: 64 ge7 fe80::1\n"
      "ipv6 route-static 2001:db8:300:: 64 2001:db8::zz\n");
  std::vector<std::string> msgs = messages(r);
  EXPECT_EQ(msgs, (std::vector<std::string>{
                      "t.cfg:13:37: interface ge7 does not exist",
                      // a mistyped next hop is read as an interface name
                      "t.cfg:14:37: interface 2001:db8::zz does not exist (nor is it a valid "
                      "IPv6 address)",
                  }));
}

TEST(ConfigStaticRoute, GlobalNexthopAloneMustBeOnAConnectedPrefix) {
  const std::string addr = "interface ge0\n ipv6 address 2001:db8:1::2/64\nquit\n";
  auto off = with(addr + "ipv6 route-static 2001:db8:300:: 64 2001:db8:2::1\n");
  ASSERT_EQ(off.errors.size(), 1u) << format_errors(off.errors);
  EXPECT_EQ(off.errors[0].to_string(),
            "t.cfg:16:37: nexthop 2001:db8:2::1 is in no interface's prefix (`ipv6 address "
            "X/LEN`): name the interface or fix the address");
  EXPECT_TRUE(with(addr + "ipv6 route-static 2001:db8:300:: 64 2001:db8:1::ffff\n").ok());
  // With the interface named, the next hop is on its link whatever the prefixes.
  auto named = with(addr + "ipv6 route-static 2001:db8:300:: 64 ge0 2001:db8:2::1\n");
  EXPECT_TRUE(named.ok()) << format_errors(named.errors);
  // The prefix may be declared after the route.
  auto before = with("ipv6 route-static 2001:db8:300:: 64 2001:db8:1::1\n" + addr);
  EXPECT_TRUE(before.ok()) << format_errors(before.errors);
}

TEST(ConfigStaticRoute, NexthopMustNotBeOneOfOurAddresses) {
  auto r = with(
      "interface ge0\n ipv6 address 2001:db8:1::2/64\nquit\n"
      "ipv6 route-static 2001:db8:300:: 64 2001:db8:1::2\n");
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(r.errors[0].to_string(),
            "t.cfg:16:37: nexthop 2001:db8:1::2 is an address of interface ge0 (this router)");
  // A link-local address is ours on its own link only: fe80::1 is ge0's VRRP6 address.
  auto ll = with(
      "interface ge1\n device d1\nquit\nipv6 route-static :: 0 ge0 fe80::1\n"
      "ipv6 route-static :: 0 ge1 fe80::1\n");
  ASSERT_EQ(ll.errors.size(), 1u) << format_errors(ll.errors);
  EXPECT_EQ(ll.errors[0].to_string(),
            "t.cfg:16:28: nexthop fe80::1 is an address of interface ge0 (this router)");
}

TEST(ConfigStaticRoute, LineChecksAtFileLineCol) {
  auto r = parse_lines(
      "ipv6 route-static 2001:db8:300::1 64 2001:db8:1::1\n"
      "ipv6 route-static 2001:db8:300:: 64 fe80::1\n"
      "ipv6 route-static 2001:db8:300:: 64 ff05::2\n"
      "ipv6 route-static ff05:: 16 2001:db8:1::1\n"
      "ipv6 route-static 2001:db8:300:: 129 2001:db8:1::1\n",
      "router.cfg");
  std::vector<std::string> msgs = messages(r);
  EXPECT_EQ(msgs, (std::vector<std::string>{
                      "router.cfg:1:19: ipv6 route-static 2001:db8:300::1 64 has bits set beyond "
                      "the prefix length (refused, not normalised: write 2001:db8:300:: 64)",
                      "router.cfg:2:37: link-local nexthop fe80::1 needs its interface: ipv6 "
                      "route-static PREFIX LEN INTERFACE fe80::1",
                      "router.cfg:3:37: nexthop ff05::2 is not a unicast address",
                      "router.cfg:4:19: ipv6 route-static ff05::/16 is a multicast prefix: static "
                      "routes lead to unicast destinations (sources and RPs)",
                      "router.cfg:5:34: length 129 out of range 0-128",
                  }));
  EXPECT_TRUE(r.config.static_routes.empty());
}

TEST(ConfigStaticRoute, DuplicatesAreRefusedOtherNexthopsAreNot) {
  auto r = parse_lines(
      "ipv6 route-static 2001:db8:300:: 64 2001:db8:1::1\n"
      "ipv6 route-static 2001:db8:300:: 64 2001:db8:1::3\n"
      "ipv6 route-static 2001:db8:300:: 64 ge0 2001:db8:1::1\n"
      "ipv6 route-static 2001:db8:300:: 64 2001:db8:1::1\n",
      "t.cfg");
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(r.errors[0].to_string(),
            "t.cfg:4:19: this ipv6 route-static is already configured (line 1)");
  EXPECT_EQ(r.config.static_routes.size(), 3u);
}

// ---- reload diff: PIM ----

TEST(ConfigDiffTest, PimChangesAreFlaggedPerInterfaceAndGlobally) {
  auto a = parse_config(base_config(), "a");
  auto knob = with("interface ge0\n pim ipv6 hello-option dr-priority 9\nquit\n");
  ASSERT_TRUE(knob.ok()) << format_errors(knob.errors);
  ConfigDiff d = diff_configs(a.config, knob.config);
  ASSERT_EQ(d.interfaces.size(), 1u);
  EXPECT_TRUE(d.interfaces[0].pim);
  EXPECT_FALSE(d.interfaces[0].mld);
  EXPECT_FALSE(d.pim);
  EXPECT_FALSE(d.static_routes);
  EXPECT_TRUE(d.restart_required.empty());
  EXPECT_EQ(d.describe(), std::vector<std::string>{"interface ge0 changed: pim"});

  // pim ipv6 sm itself: PIM and MLD (which runs only with it) both see it.
  auto up = with("interface ge1\n device d1\n pim ipv6 sm\nquit\n");
  auto up_off = with("interface ge1\n device d1\nquit\n");
  ConfigDiff sm = diff_configs(up_off.config, up.config);
  ASSERT_EQ(sm.interfaces.size(), 1u);
  EXPECT_TRUE(sm.interfaces[0].pim && sm.interfaces[0].mld);
  auto ignore = with("interface ge1\n device d1\n pim ipv6 ignore dr-state\nquit\n");
  ConfigDiff ig = diff_configs(up_off.config, ignore.config);
  ASSERT_EQ(ig.interfaces.size(), 1u);
  EXPECT_TRUE(ig.interfaces[0].pim && ig.interfaces[0].gate);

  auto view = with("pim-ipv6\n static-rp 2001:db8:300::1\nquit\n");
  ConfigDiff v = diff_configs(a.config, view.config);
  EXPECT_TRUE(v.pim);
  EXPECT_TRUE(v.interfaces.empty());
  EXPECT_EQ(v.describe(), std::vector<std::string>{"pim-ipv6 changed"});
  for (const char* line :
       {"pim-ipv6\n undo embedded-rp\n", "pim-ipv6\n spt-switch-threshold infinity\n"})
    EXPECT_TRUE(diff_configs(a.config, with(line).config).pim) << line;

  auto route = with("interface ge0\n ipv6 address 2001:db8:1::2/64\nquit\n");
  auto routed = with(
      "interface ge0\n ipv6 address 2001:db8:1::2/64\nquit\n"
      "ipv6 route-static 2001:db8:300:: 64 2001:db8:1::1\n");
  ConfigDiff rd = diff_configs(route.config, routed.config);
  EXPECT_TRUE(rd.static_routes);
  EXPECT_FALSE(rd.pim);
  EXPECT_FALSE(rd.empty());
  EXPECT_EQ(rd.describe(), std::vector<std::string>{"ipv6 route-static changed"});
}

TEST(ConfigDiffTest, OrderOfStaticRpAndRouteLinesIsNotAChange) {
  auto a = with(
      "pim-ipv6\n static-rp 2001:db8:300::1\n static-rp 2001:db8:300::2 ff0e::/16\nquit\n"
      "ipv6 route-static 2001:db8:300:: 64 ge0\nipv6 route-static :: 0 ge0 fe80::9\n");
  auto b = with(
      "ipv6 route-static :: 0 ge0 fe80::9\nipv6 route-static 2001:db8:300:: 64 ge0\n"
      "pim-ipv6\n static-rp 2001:db8:300::2 ff0e::/16\n static-rp 2001:db8:300::1\nquit\n");
  ASSERT_TRUE(a.ok() && b.ok()) << format_errors(a.errors) << format_errors(b.errors);
  EXPECT_TRUE(diff_configs(a.config, b.config).empty());
}

// ---- whole files: PIM ----

TEST(ConfigFiles, EveryExampleFileIsAccepted) {  // what `tandemd --check-config` runs
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(configs_dir())) {
    if (entry.path().extension() != ".cfg") continue;
    auto r = load_config_file(entry.path().string());
    EXPECT_TRUE(r.ok()) << format_errors(r.errors);
    ++files;
  }
  EXPECT_GE(files, 4u);
}

TEST(ConfigFiles, PimMasterHasAPimUpstreamAStaticRpAndARouteToIt) {
  auto r = load_config_file(configs_dir() + "/pim_master.cfg");
  ASSERT_TRUE(r.ok()) << format_errors(r.errors);
  const Config& c = r.config;
  const auto& up = c.interfaces.at("up0");
  EXPECT_TRUE(up.pim_sm);
  EXPECT_FALSE(up.multicast_upstream);  // the upstream comes from PIM joins, not flooding
  EXPECT_EQ(up.pim.hello_interval_s, 30u);
  const auto& ge0 = c.interfaces.at("ge0");
  EXPECT_TRUE(ge0.pim_sm && ge0.mld_enable);
  EXPECT_EQ(ge0.pim.hello_holdtime_s, std::optional<uint16_t>(105));
  ASSERT_EQ(c.pim.static_rps.size(), 2u);
  EXPECT_EQ(c.pim.static_rps[0].address, Ipv6Address::must_parse("2001:db8:300::1"));
  EXPECT_EQ(c.pim.static_rps[1].groups, (Ipv6Prefix{Ipv6Address::must_parse("ff0e::"), 16}));
  EXPECT_TRUE(c.pim.embedded_rp);
  EXPECT_FALSE(c.pim.spt_switch_infinity);
  ASSERT_EQ(c.static_routes.size(), 2u);
  EXPECT_TRUE(c.static_routes[0].prefix.contains(c.pim.static_rps[0].address));
  EXPECT_EQ(c.static_routes[1].interface->name, "up0");
  // Against the design master (same roles, static upstream): PIM and routes differ.
  auto design = load_config_file(configs_dir() + "/design_master.cfg");
  ConfigDiff d = diff_configs(design.config, c);
  EXPECT_TRUE(d.pim && d.static_routes);
}

TEST(ConfigPrefix, ContainsAndNetwork) {
  Ipv6Prefix p{Ipv6Address::must_parse("2001:db8:1::"), 63};
  EXPECT_TRUE(p.contains(Ipv6Address::must_parse("2001:db8:1:1::5")));
  EXPECT_FALSE(p.contains(Ipv6Address::must_parse("2001:db8:1:2::5")));
  EXPECT_EQ((Ipv6Prefix{Ipv6Address::must_parse("2001:db8:1:1::5"), 63}).network(),
            Ipv6Address::must_parse("2001:db8:1::"));
  EXPECT_TRUE((Ipv6Prefix{Ipv6Address::must_parse("::"), 0})
                  .contains(Ipv6Address::must_parse("2001:db8::1")));
  EXPECT_EQ((Ipv6Prefix{Ipv6Address::must_parse("ff0e::1"), 128}).network(),
            Ipv6Address::must_parse("ff0e::1"));
  EXPECT_EQ(p.to_string(), "2001:db8:1::/63");
}

}  // namespace
}  // namespace tandem::config
