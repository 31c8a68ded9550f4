// `display current-configuration` (config/printer.h): each view prints in the input syntax,
// and printing is the inverse of parsing: every example and lab config, printed and parsed
// again, gives the same model, and printing that gives the same text (a fixed point).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "control/daemon/config/parser.h"
#include "control/daemon/config/printer.h"

namespace tandem::config {
namespace {

// The printed text of `text` (which must parse), between the leading `#` and the trailing
// `#`/`return`, so each view's test shows only its own block.
std::string printed(const std::string& text) {
  auto r = parse_lines(text, "t.cfg");
  EXPECT_TRUE(r.ok()) << format_errors(r.errors);
  std::string out = print_config(r.config);
  const std::string head = "#\n", tail = "#\nreturn\n";
  if (out == "#\nreturn\n") return "";  // nothing but the frame
  EXPECT_EQ(out.substr(0, head.size()), head);
  EXPECT_EQ(out.substr(out.size() - tail.size()), tail);
  return out.substr(head.size(), out.size() - head.size() - tail.size());
}

TEST(ConfigPrinter, EmptyConfigIsTheFrame) {
  EXPECT_EQ(print_config(Config{}), "#\nreturn\n");
}

TEST(ConfigPrinter, SystemViewPrintsWhatDiffersFromTheDefaults) {
  EXPECT_EQ(printed("multicast ipv6 routing-enable\nmld global limit groups 5000\n"
                    "dataplane idle-sleep-us 200\nmetrics listen ::1 9464\n"
                    "ipv6 route-static 2001:db8:: 64 ge0 fe80::1\n"
                    "ipv6 route-static 2001:db8:1:: 64 2001:db8:2::1\n"),
            "multicast ipv6 routing-enable\nmld global limit groups 5000\n"
            "dataplane idle-sleep-us 200\n#\nipv6 route-static 2001:db8:: 64 ge0 fe80::1\n"
            "ipv6 route-static 2001:db8:1:: 64 2001:db8:2::1\nmetrics listen ::1 9464\n");
}

TEST(ConfigPrinter, RbsViewLeavesTheAuthenticationKeyOut) {
  EXPECT_EQ(printed("remote-backup-service r\n"
                    " peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 2046\n"
                    " track bfd-session 10\n shutdown\n authentication-key s3cretKey99\n"),
            "remote-backup-service r\n"
            " peer-ipv6 2001:db8::2 source-ipv6 2001:db8::1 port 2046\n"
            " track bfd-session 10\n shutdown\nquit\n");
}

TEST(ConfigPrinter, RbpView) {
  EXPECT_EQ(printed("remote-backup-profile p\n vrrp6-id 1 interface GigabitEthernet 0/1/0\n"
                    " backup-id 7 remote-backup-service r\n"),
            "remote-backup-profile p\n backup-id 7 remote-backup-service r\n peer-backup hot\n"
            " vrrp6-id 1 interface GigabitEthernet0/1/0\nquit\n");
}

TEST(ConfigPrinter, BfdViewAndSessionView) {
  EXPECT_EQ(printed("bfd\nbfd s bind peer-ipv6 2001:db8::9 vpn-instance _public_ source-ipv6 "
                    "2001:db8::1 track-interface interface ge0\n discriminator local 10\n"
                    " discriminator remote 20\n min-tx-interval 10\n min-rx-interval 50\n"
                    " detect-multiplier 5\n"),
            "bfd\nquit\n#\nbfd s bind peer-ipv6 2001:db8::9 vpn-instance _public_ source-ipv6 "
            "2001:db8::1 track-interface interface ge0\n discriminator local 10\n"
            " discriminator remote 20\n min-rx-interval 50\n detect-multiplier 5\nquit\n");
}

TEST(ConfigPrinter, PimViewOnlyWhenSomethingDiffers) {
  EXPECT_EQ(printed("pim-ipv6\n embedded-rp\n spt-switch-threshold 0\n"), "");
  EXPECT_EQ(printed("pim-ipv6\n static-rp 2001:db8::1\n static-rp 2001:db8::2 ff0e::/16\n"
                    " undo embedded-rp\n spt-switch-threshold infinity\n"),
            "pim-ipv6\n static-rp 2001:db8::1\n static-rp 2001:db8::2 ff0e::/16\n"
            " undo embedded-rp\n spt-switch-threshold infinity\nquit\n");
}

TEST(ConfigPrinter, InterfaceViewEveryCommand) {
  EXPECT_EQ(printed("interface ge0\n device net_null0\n ipv6 enable\n"
                    " ipv6 address 2001:db8:1::2/64\n ipv6 address auto link-local\n"
                    " multicast ipv6 upstream\n pim ipv6 sm\n pim ipv6 timer hello 10\n"
                    " pim ipv6 hello-option holdtime 105\n pim ipv6 hello-option dr-priority 0\n"
                    " pim ipv6 timer join-prune 30\n mld enable\n mld version 1\n"
                    " mld timer query-interval 60\n mld robust-count 3\n"
                    " mld max-response-time 5\n mld lastlistener-queryinterval 2\n"
                    " mld lastlistener-querycount 4\n mld access-limit 100\n"
                    " vrrp6 vrid 1 virtual-ip fe80::1 link-local\n"
                    " vrrp6 vrid 1 virtual-ip 2001:db8:1::1\n vrrp6 vrid 1 priority 120\n"
                    " vrrp6 vrid 1 timer advertise 200\n"
                    " vrrp6 vrid 1 preempt-mode timer delay 5\n"
                    " vrrp6 vrid 1 track bfd-session 10\n"
                    " vrrp6 vrid 1 track bfd-session 11 peer\n"
                    " vrrp6 vrid 1 track admin-vrrp6 interface ge1 vrid 2 unflowdown\n"
                    " admin-vrrp6 vrid 3 ignore-if-down\n"
                    " vrrp6 vrid 3 virtual-ip fe80::3 link-local\n"
                    " multicast ipv6 track vrrp6 vrid 1\n pim ipv6 ignore dr-state\n"
                    " pim ipv6 ignore assert-state\n remote-backup-profile p\n"),
            "interface ge0\n device net_null0\n ipv6 address 2001:db8:1::2/64\n"
            " ipv6 address auto link-local\n multicast ipv6 upstream\n pim ipv6 sm\n"
            " pim ipv6 timer hello 10\n pim ipv6 hello-option holdtime 105\n"
            " pim ipv6 hello-option dr-priority 0\n pim ipv6 timer join-prune 30\n"
            " mld enable\n mld version 1\n mld timer query-interval 60\n mld robust-count 3\n"
            " mld max-response-time 5\n mld lastlistener-queryinterval 2\n"
            " mld lastlistener-querycount 4\n mld access-limit 100\n"
            " vrrp6 vrid 1 virtual-ip fe80::1 link-local\n"
            " vrrp6 vrid 1 virtual-ip 2001:db8:1::1\n vrrp6 vrid 1 priority 120\n"
            " vrrp6 vrid 1 timer advertise 200\n vrrp6 vrid 1 preempt-mode timer delay 5\n"
            " vrrp6 vrid 1 track bfd-session 10 reduced 10\n"
            " vrrp6 vrid 1 track bfd-session 11 peer\n"
            " vrrp6 vrid 1 track admin-vrrp6 interface ge1 vrid 2 unflowdown\n"
            " admin-vrrp6 vrid 3 ignore-if-down\n vrrp6 vrid 3 virtual-ip fe80::3 link-local\n"
            " multicast ipv6 track vrrp6 vrid 1\n pim ipv6 ignore dr-state\n"
            " pim ipv6 ignore assert-state\n remote-backup-profile p\nquit\n");
  EXPECT_EQ(printed("interface ge0\n multicast ipv6 track admin-vrrp6 interface ge1 vrid 2\n"),
            "interface ge0\n multicast ipv6 track admin-vrrp6 interface ge1 vrid 2\nquit\n");
}

TEST(ConfigPrinter, MldControlsAclAndMldViews) {
  const std::string text =
      "acl ipv6 number 2001\n rule 5 permit source ff05::/16\n rule deny source ff05::db8:0/112\n"
      "quit\nacl ipv6 number 2002\n rule 7 permit source ff3e::/16\nquit\n"
      "mld\n ssm-policy 2002\n ssm-mapping enable\n ssm-mapping ff3e::db8:0/112 2001:db8:1::10\n"
      " ssm-mapping ff3e::db8:0/112 2001:db8:1::11\nquit\n"
      "interface ge0\n mld enable\n mld group-policy 2001\n mld prompt-leave group-policy 2001\n"
      " undo mld require-router-alert\n mld static-group ff05::db8:7\n"
      " mld static-group ff3e::db8:2 source 2001:db8:1::10\nquit\n";
  EXPECT_EQ(printed(text),
            "acl ipv6 number 2001\n rule 5 permit source ff05::/16\n"
            " rule 10 deny source ff05::db8:0/112\nquit\n#\n"
            "acl ipv6 number 2002\n rule 7 permit source ff3e::/16\nquit\n#\n"
            "mld\n ssm-policy 2002\n ssm-mapping enable\n"
            " ssm-mapping ff3e::db8:0/112 2001:db8:1::10\n"
            " ssm-mapping ff3e::db8:0/112 2001:db8:1::11\nquit\n#\n"
            "interface ge0\n mld enable\n mld group-policy 2001\n"
            " mld prompt-leave group-policy 2001\n undo mld require-router-alert\n"
            " mld static-group ff05::db8:7\n"
            " mld static-group ff3e::db8:2 source 2001:db8:1::10\nquit\n");
  // Printed and parsed again: the same model, and the same text (a fixed point).
  auto original = parse_lines(text, "t.cfg");
  ASSERT_TRUE(original.ok()) << format_errors(original.errors);
  const std::string out = print_config(original.config);
  auto again = parse_lines(out, "printed");  // syntax only: this file is not a whole router
  ASSERT_TRUE(again.ok()) << format_errors(again.errors) << out;
  EXPECT_TRUE(again.config == original.config) << out;
  EXPECT_EQ(print_config(again.config), out);
  EXPECT_EQ(printed("interface ge0\n mld enable\n mld prompt-leave\nquit\n"),
            "interface ge0\n mld enable\n mld prompt-leave\nquit\n");
}

// The model with what the printer deliberately leaves out (secrets) removed.
Config without_secrets(Config c) {
  for (auto& [name, r] : c.rbs) r.authentication_key.clear();
  return c;
}

TEST(ConfigPrinter, EveryExampleAndLabConfigRoundTrips) {
  size_t files = 0;
  for (const char* dir : {TANDEM_DAEMON_CONFIGS, TANDEM_LAB_CONFIGS}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".cfg") continue;
      const std::string path = entry.path().string();
      auto original = load_config_file(path);
      ASSERT_TRUE(original.ok()) << format_errors(original.errors);
      const std::string text = print_config(original.config);
      auto again = parse_config(text, "printed");
      ASSERT_TRUE(again.ok()) << path << ":\n" << format_errors(again.errors) << text;
      EXPECT_TRUE(again.config == without_secrets(original.config)) << path << ":\n" << text;
      EXPECT_EQ(print_config(again.config), text) << path;
      ++files;
    }
  }
  EXPECT_GE(files, 20u);
}

}  // namespace
}  // namespace tandem::config
