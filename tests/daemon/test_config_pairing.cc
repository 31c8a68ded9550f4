// Hot-backup pairing checks (config/validate_pairing.cc) and the line checks that refuse what
// tandem does not implement (peer-backup modes other than hot, VPN instances), on whole
// files: every error is FILE:LINE:COL at the token to fix.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "control/daemon/config/parser.h"

namespace tandem::config {
namespace {

// An RBS, an RBP following `profile_vrrp` and, on ge0, an mVRRP6 (vrid 2) with the service
// group vrid 1 following it; `binding` is ge0's gate line (or none).
std::string pair_config(const std::string& profile_vrrp, const std::string& binding) {
  return "remote-backup-service rbs1\n"                                      // 1
         " peer-ipv6 2001:db8:10::2 source-ipv6 2001:db8:10::1 port 2046\n"  // 2
         "quit\n"                                                            // 3
         "remote-backup-profile rbp1\n"                                      // 4
         " backup-id 10 remote-backup-service rbs1\n"                        // 5
         " " +
         profile_vrrp +
         "\n"                                                      // 6
         "quit\n"                                                  // 7
         "multicast ipv6 routing-enable\n"                         // 8
         "interface ge0\n"                                         // 9
         " device net_null0\n"                                     // 10
         " pim ipv6 sm\n"                                          // 11
         " mld enable\n"                                           // 12
         " vrrp6 vrid 2 virtual-ip fe80::2 link-local\n"           // 13
         " admin-vrrp6 vrid 2\n"                                   // 14
         " vrrp6 vrid 1 virtual-ip fe80::1 link-local\n"           // 15
         " vrrp6 vrid 1 track admin-vrrp6 interface ge0 vrid 2\n"  // 16
         " vrrp6 vrid 3 virtual-ip fe80::3 link-local\n"           // 17
         " " +
         binding +
         "\n"                             // 18
         " remote-backup-profile rbp1\n"  // 19
         "quit\n";                        // 20
}

std::string errors_of(const ParseResult& r) {
  return format_errors(r.errors);
}

TEST(ConfigPairing, RbpInterfaceWithoutATrackBindingIsRefusedAtTheBinding) {
  auto r = parse_config(pair_config("vrrp6-id 1 interface ge0", ""), "t.cfg");
  ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
  EXPECT_EQ(r.errors[0].to_string(),
            "t.cfg:19:24: interface ge0 binds remote-backup-profile rbp1 but has no `multicast "
            "ipv6 track vrrp6 vrid N` or `multicast ipv6 track admin-vrrp6 interface IF vrid N` "
            "binding: the backup would forward too");
}

TEST(ConfigPairing, BindingAndProfileOnTheSameGroupAreAccepted) {
  // The common flavour: both name the group that elects.
  auto r = parse_config(
      pair_config("vrrp6-id 3 interface ge0", "multicast ipv6 track vrrp6 vrid 3"), "t.cfg");
  EXPECT_TRUE(r.ok()) << errors_of(r);
  // The reference procedure: both name the mVRRP6.
  r = parse_config(pair_config("vrrp6-id 2 interface ge0",
                               "multicast ipv6 track admin-vrrp6 interface ge0 vrid 2"),
                   "t.cfg");
  EXPECT_TRUE(r.ok()) << errors_of(r);
}

TEST(ConfigPairing, ServiceGroupAndTheMvrrp6ItTracksAreTheSameElection) {
  // The lab's admin flavour: the profile on the service group, the gate on its mVRRP6.
  auto r = parse_config(pair_config("vrrp6-id 1 interface ge0",
                                    "multicast ipv6 track admin-vrrp6 interface ge0 vrid 2"),
                        "t.cfg");
  EXPECT_TRUE(r.ok()) << errors_of(r);
  // And the other way round: the profile on the mVRRP6, the gate on the service group.
  r = parse_config(pair_config("vrrp6-id 2 interface ge0", "multicast ipv6 track vrrp6 vrid 1"),
                   "t.cfg");
  EXPECT_TRUE(r.ok()) << errors_of(r);
}

TEST(ConfigPairing, GroupsElectedSeparatelyAreRefusedAtTheBindingsVrid) {
  auto r = parse_config(
      pair_config("vrrp6-id 1 interface ge0", "multicast ipv6 track vrrp6 vrid 3"), "t.cfg");
  ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
  EXPECT_EQ(r.errors[0].to_string(),
            "t.cfg:18:34: the multicast track binding of ge0 follows VRID 3 on ge0, but its "
            "remote-backup-profile rbp1 follows VRID 2 on ge0 (vrrp6-id 1 interface ge0): both "
            "must follow the same VRRP6 election, directly or through a service group that "
            "tracks the mVRRP6");
  // An mVRRP6 the profile's group does not track is another election too.
  r = parse_config(pair_config("vrrp6-id 3 interface ge0",
                               "multicast ipv6 track admin-vrrp6 interface ge0 vrid 2"),
                   "t.cfg");
  ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
  EXPECT_EQ(r.errors[0].line, 18);
  EXPECT_EQ(r.errors[0].col, 54);
}

TEST(ConfigPairing, OnlyHotBackupAndThePublicVpnInstanceAreAccepted) {
  auto r = parse_config(
      pair_config("vrrp6-id 1 interface ge0\n peer-backup cold",
                  "multicast ipv6 track admin-vrrp6 interface ge0 vrid 2") +
          "bfd\nquit\n"
          "bfd s bind peer-ipv6 2001:db8:1::3 vpn-instance red track-interface interface ge0\n"
          " discriminator local 10\nquit\n"
          "bfd t bind peer-ipv6 2001:db8:1::4 vpn-instance _public_ track-interface interface "
          "ge0\n discriminator local 11\nquit\n",
      "t.cfg");
  ASSERT_EQ(r.errors.size(), 2u) << errors_of(r);
  EXPECT_EQ(r.errors[0].to_string(),
            "t.cfg:7:14: peer-backup cold: only `peer-backup hot` is implemented (entries "
            "replicated as they change)");
  EXPECT_EQ(r.errors[1].to_string(),
            "t.cfg:24:49: vpn-instance red: tandem has one routing table (no VRFs yet); only "
            "the public instance `_public_` is accepted");
}

// What `tandemd --check-config` and `commit` run (load_config_file) on every shipped file:
// the example configs and every variant the lab renders from scripts/lab/*.cfg.in.
TEST(ConfigPairing, EveryExampleAndLabConfigPassesTheChecks) {
  size_t lab = 0, examples = 0;
  for (const char* dir : {TANDEM_DAEMON_CONFIGS, TANDEM_LAB_CONFIGS}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".cfg") continue;
      auto r = load_config_file(entry.path().string());
      EXPECT_TRUE(r.ok()) << errors_of(r);
      ++(std::string(dir) == TANDEM_LAB_CONFIGS ? lab : examples);
    }
  }
  EXPECT_GE(examples, 4u);
  EXPECT_EQ(lab, 16u);  // 2 roles x 2 flavours x 2 upstreams x with/without hot backup
}

}  // namespace
}  // namespace tandem::config
