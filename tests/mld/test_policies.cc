// Operator policies of the MLD router (docs/mld-controls.md), one test per rule, in
// simulated time: ACL semantics, SSM range (RFC 4604 §2.2, §3), SSM mapping, static groups,
// group-policy, prompt-leave, the Router Alert requirement, replication and reload.
#include "control/acl/acl6.h"
#include "sim.h"

namespace tandem::mld::test {
namespace {

using T = MldRecordType;

const Ipv6Address kSsmG = A("ff3e::1234");  // in the default SSM range ff3x::/32
const Ipv6Address kAsmG = A("ff0e::1234");  // outside it
const Ipv6Address kAsmG2 = A("ff0e::5678");
constexpr uint32_t kIf2 = 2;

acl::Rule rule(uint32_t id, acl::Action a, const char* prefix, uint8_t len) {
  return acl::Rule{id, a, wire::Ipv6Prefix{A(prefix), len}};
}

// ACL 2001: permit ff0e::1234/128, deny the rest of ff0e::/16; ACL 2002: permit ff3e::/16.
Policy two_acls() {
  Policy p;
  p.acls.set(acl::Acl6{2001,
                       {rule(5, acl::Action::permit, "ff0e::1234", 128),
                        rule(10, acl::Action::deny, "ff0e::", 16)}});
  p.acls.set(acl::Acl6{2002, {rule(5, acl::Action::permit, "ff3e::", 16)}});
  return p;
}

// ---- ACL ----

TEST(Acl6, FirstMatchInRuleOrderDecides) {
  acl::Acl6 a{
      2000,
      {rule(5, acl::Action::deny, "ff0e::1", 128), rule(10, acl::Action::permit, "ff0e::", 16)}};
  EXPECT_EQ(a.evaluate(A("ff0e::1")), acl::Action::deny);
  EXPECT_EQ(a.evaluate(A("ff0e::2")), acl::Action::permit);
}

TEST(Acl6, ExistingAclWithoutMatchDeniesMissingAclPermits) {
  acl::Acl6Table t;
  t.set(acl::Acl6{2000, {rule(5, acl::Action::permit, "ff0e::", 16)}});
  EXPECT_FALSE(t.permits(2000, A("ff05::1")));  // implicit deny at the end
  EXPECT_TRUE(t.permits(2999, A("ff05::1")));   // no ACL 2999: the policy is inactive
}

TEST(Acl6, DefaultRuleIdsStepByFive) {
  EXPECT_EQ(acl::next_rule_id(std::nullopt), 5u);
  EXPECT_EQ(acl::next_rule_id(5), 10u);
  EXPECT_EQ(acl::next_rule_id(7), 10u);
  EXPECT_EQ(acl::next_rule_id(acl::kMaxRuleId), std::nullopt);
}

// ---- SSM range, RFC 4604 ----

TEST(SsmRange, ExcludeJoinsForSsmGroupsAreIgnoredAndCounted) {
  Sim sim;
  sim.report_group(kHost1, T::to_ex, kSsmG);
  sim.report_group(kHost1, T::is_ex, kSsmG, {kS1});
  EXPECT_FALSE(sim.group(kSsmG));
  EXPECT_EQ(sim.ignored(IgnoreReason::ssm_exclude), 2u);
  // INCLUDE joins are what SSM is for (§3).
  sim.report_group(kHost1, T::allow, kSsmG, {kS1});
  ASSERT_TRUE(sim.group(kSsmG));
  EXPECT_TRUE(has_source(*sim.group(kSsmG), kS1));
  // An ASM group outside ff3x::/32 still takes EXCLUDE joins.
  sim.report_group(kHost1, T::to_ex, kAsmG);
  EXPECT_TRUE(sim.group(kAsmG));
}

TEST(SsmRange, Mldv1ReportForSsmGroupIsIgnored) {
  Sim sim;
  sim.v1_report(kHost1, kSsmG);
  EXPECT_FALSE(sim.group(kSsmG));
  EXPECT_EQ(sim.ignored(IgnoreReason::ssm_exclude), 1u);
}

TEST(SsmRange, SsmPolicyReplacesTheDefaultRange) {
  Sim sim;
  Policy p = two_acls();
  p.ssm_policy_acl = 2001;  // SSM range: ff0e::1234 only
  ASSERT_TRUE(sim.router.set_policy(p, sim.now));
  sim.report_group(kHost1, T::to_ex, kSsmG);  // ff3e: no longer SSM here
  EXPECT_TRUE(sim.group(kSsmG));
  sim.report_group(kHost1, T::to_ex, kAsmG);
  EXPECT_FALSE(sim.group(kAsmG));
  EXPECT_EQ(sim.ignored(IgnoreReason::ssm_exclude), 1u);
}

// ---- SSM mapping ----

Policy mapping() {
  Policy p;
  p.ssm_mapping_enable = true;
  p.ssm_mappings = {{wire::Ipv6Prefix{A("ff3e::"), 16}, kS1},
                    {wire::Ipv6Prefix{A("ff3e::1200"), 120}, kS2}};
  return p;
}

TEST(SsmMapping, V1ReportJoinsEveryMappedSourceAndDoneLeavesThem) {
  InterfaceConfig cfg;
  Sim sim(cfg);
  ASSERT_TRUE(sim.router.set_policy(mapping(), sim.now));
  sim.v1_report(kHost1, kSsmG);
  auto g = sim.group(kSsmG);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::include);
  EXPECT_EQ(sources_of(*g, true), (std::vector<Ipv6Address>{kS1, kS2}));
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS1, kSsmG));
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS2, kSsmG));
  EXPECT_EQ(sim.ignored(IgnoreReason::ssm_exclude), 0u);
  // The Done queries the sources (RFC 3810 7.4.2 TO_IN({})); unanswered, they go at LLQT.
  sim.clear_output();
  sim.v1_done(kHost1, kSsmG);
  EXPECT_FALSE(sim.specific_queries().empty());
  sim.advance(3s);
  EXPECT_FALSE(sim.group(kSsmG));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, kS1, kSsmG));
}

TEST(SsmMapping, AsmJoinBecomesIncludeOfTheMappedSourcesNotExcluded) {
  Sim sim;
  ASSERT_TRUE(sim.router.set_policy(mapping(), sim.now));
  sim.report_group(kHost1, T::is_ex, kSsmG, {kS2});  // every source but S2
  auto g = sim.group(kSsmG);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_mode, FilterMode::include);
  EXPECT_EQ(sources_of(*g, true), (std::vector<Ipv6Address>{kS1}));
}

TEST(SsmMapping, UnmappedOrDisabledStaysIgnored) {
  Sim sim;
  Policy p = mapping();
  p.ssm_mapping_enable = false;
  ASSERT_TRUE(sim.router.set_policy(p, sim.now));
  sim.v1_report(kHost1, kSsmG);
  EXPECT_FALSE(sim.group(kSsmG));
  ASSERT_TRUE(sim.router.set_policy(mapping(), sim.now));
  sim.report_group(kHost1, T::to_ex, A("ff35::1"));  // SSM, but no mapping covers it
  EXPECT_FALSE(sim.group(A("ff35::1")));
  EXPECT_EQ(sim.ignored(IgnoreReason::ssm_exclude), 2u);
}

// ---- static groups ----

InterfaceConfig with_static(std::vector<StaticGroup> groups) {
  InterfaceConfig cfg;
  cfg.static_groups = std::move(groups);
  return cfg;
}

TEST(StaticGroup, ForwardedWithoutListenerAndNeverAged) {
  Sim sim(with_static({{kAsmG, {}}, {kSsmG, kS1}}));
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, {}, kAsmG));
  EXPECT_TRUE(sim.has_event(EventKind::listener_added, kS1, kSsmG));
  sim.advance(std::chrono::hours(24));
  auto g = sim.group(kAsmG);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->origin, Origin::static_config);
  EXPECT_EQ(std::string(origin_name(g->origin)), "static");
  ASSERT_TRUE(sim.group(kSsmG));
  EXPECT_TRUE(has_source(*sim.group(kSsmG), kS1));
  EXPECT_EQ(sim.router.egress_interfaces(kAsmG, kS2), std::vector<uint32_t>{kIf});
}

TEST(StaticGroup, ReportsAndQueriesDoNotTouchIt) {
  Sim sim(with_static({{kAsmG, {}}}));
  sim.report_group(kHost1, T::to_in, kAsmG);  // a leave for the group
  sim.v1_done(kHost1, kAsmG);
  EXPECT_EQ(sim.ignored(IgnoreReason::static_group), 2u);
  wire::MldQuerySpec q;
  q.v2 = true;
  q.group = kAsmG;
  q.max_resp_ms = 1000;
  sim.query_from(A("fe80::1"), q);  // a lower querier's group query would lower a timer
  sim.advance(std::chrono::hours(1));
  EXPECT_TRUE(sim.group(kAsmG));
}

TEST(StaticGroup, NotReplicatedAndPeerCannotReplaceIt) {
  Sim sim(with_static({{kAsmG, {}}}));
  // Static records carry their own origin: the daemon's change feed and snapshot skip them.
  EXPECT_TRUE(std::all_of(sim.events.begin(), sim.events.end(),
                          [](const Event& e) { return e.origin == Origin::static_config; }));
  GroupRecordView peer;
  peer.ifindex = kIf;
  peer.group = kAsmG;
  peer.filter_mode = FilterMode::include;
  peer.sources = {{kS1, 10s}};
  EXPECT_FALSE(sim.router.apply_upsert(peer, sim.now));
  EXPECT_EQ(sim.ignored(IgnoreReason::static_group), 1u);
  EXPECT_TRUE(sim.router.apply_remove(kIf, kAsmG, sim.now));
  ASSERT_TRUE(sim.group(kAsmG));
  EXPECT_EQ(sim.group(kAsmG)->filter_mode, FilterMode::exclude);
}

TEST(StaticGroup, StaysOutOfTheReplicationDigest) {
  Sim sim;
  sim.router.set_fingerprints({{kIf, [](const GroupRecord&) { return uint64_t{7}; }}});
  sim.report_group(kHost1, T::to_ex, kAsmG2);
  EXPECT_EQ(sim.router.fingerprinted_groups(), 1u);
  InterfaceConfig cfg = with_static({{kAsmG, {}}});
  ASSERT_TRUE(sim.router.set_interface_config(kIf, cfg, sim.now));
  EXPECT_EQ(sim.router.group_count(), 2u);
  EXPECT_EQ(sim.router.fingerprinted_groups(), 1u);
  EXPECT_EQ(sim.router.fingerprint_sum(), 7u);
}

TEST(StaticGroup, ReloadReplacesLearnedStateAndRemovalDeletes) {
  Sim sim;
  sim.report_group(kHost1, T::is_in, kAsmG, {kS1});
  ASSERT_TRUE(sim.router.set_interface_config(kIf, with_static({{kAsmG, {}}}), sim.now));
  auto g = sim.group(kAsmG);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->origin, Origin::static_config);
  EXPECT_EQ(g->filter_mode, FilterMode::exclude);
  sim.clear_output();
  ASSERT_TRUE(sim.router.set_interface_config(kIf, InterfaceConfig{}, sim.now));
  sim.drain();
  EXPECT_FALSE(sim.group(kAsmG));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, {}, kAsmG));
}

// ---- group-policy ----

InterfaceConfig with_group_policy(uint32_t acl) {
  InterfaceConfig cfg;
  cfg.group_policy_acl = acl;
  return cfg;
}

TEST(GroupPolicy, ReportsForDeniedGroupsAreIgnoredAndCounted) {
  Sim sim(with_group_policy(2001));
  ASSERT_TRUE(sim.router.set_policy(two_acls(), sim.now));
  sim.report_group(kHost1, T::to_ex, kAsmG);         // permitted by rule 5
  sim.report_group(kHost1, T::to_ex, kAsmG2);        // denied by rule 10
  sim.report_group(kHost1, T::to_ex, A("ff05::1"));  // no rule: implicit deny
  EXPECT_TRUE(sim.group(kAsmG));
  EXPECT_FALSE(sim.group(kAsmG2));
  EXPECT_FALSE(sim.group(A("ff05::1")));
  EXPECT_EQ(sim.ignored(IgnoreReason::group_policy), 2u);
}

TEST(GroupPolicy, NarrowingTheAclRemovesRecordsItNowDenies) {
  Sim sim(with_group_policy(2001));
  Policy p = two_acls();
  p.acls.set(acl::Acl6{2001, {rule(5, acl::Action::permit, "ff0e::", 16)}});
  ASSERT_TRUE(sim.router.set_policy(p, sim.now));
  sim.report_group(kHost1, T::to_ex, kAsmG);
  sim.report_group(kHost1, T::to_ex, kAsmG2);
  ASSERT_TRUE(sim.group(kAsmG2));
  sim.clear_output();
  ASSERT_TRUE(sim.router.set_policy(two_acls(), sim.now));  // 2001 now denies ff0e::5678
  sim.drain();
  EXPECT_TRUE(sim.group(kAsmG));
  EXPECT_FALSE(sim.group(kAsmG2));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, {}, kAsmG2));
}

TEST(GroupPolicy, BackupAppliesThePolicyToPeerRecords) {
  Sim sim(with_group_policy(2001));
  ASSERT_TRUE(sim.router.set_policy(two_acls(), sim.now));
  ASSERT_TRUE(sim.router.set_passive(kIf, true, sim.now));
  GroupRecordView v;
  v.ifindex = kIf;
  v.group = kAsmG2;
  v.filter_mode = FilterMode::exclude;
  v.filter_remaining = 200s;
  EXPECT_FALSE(sim.router.apply_upsert(v, sim.now));
  EXPECT_FALSE(sim.group(kAsmG2));
  v.group = kAsmG;
  EXPECT_TRUE(sim.router.apply_upsert(v, sim.now));
  EXPECT_EQ(sim.ignored(IgnoreReason::group_policy), 1u);
}

TEST(SsmRange, BackupRefusesExcludeRecordsForSsmGroupsFromThePeer) {
  Sim sim;
  ASSERT_TRUE(sim.router.set_passive(kIf, true, sim.now));
  GroupRecordView v;
  v.ifindex = kIf;
  v.group = kSsmG;
  v.filter_mode = FilterMode::exclude;
  v.filter_remaining = 200s;
  EXPECT_FALSE(sim.router.apply_upsert(v, sim.now));
  EXPECT_EQ(sim.ignored(IgnoreReason::ssm_exclude), 1u);
  v.filter_mode = FilterMode::include;
  v.sources = {{kS1, 100s}};
  EXPECT_TRUE(sim.router.apply_upsert(v, sim.now));
}

// ---- prompt-leave ----

TEST(PromptLeave, DoneRemovesTheGroupAtOnceWithoutQueries) {
  InterfaceConfig cfg;
  cfg.prompt_leave = true;
  Sim sim(cfg);
  sim.v1_report(kHost1, kAsmG);
  sim.report_group(kHost1, T::is_in, kAsmG2, {kS1});
  sim.clear_output();
  sim.v1_done(kHost1, kAsmG);
  sim.report_group(kHost1, T::to_in, kAsmG2);
  EXPECT_FALSE(sim.group(kAsmG));
  EXPECT_FALSE(sim.group(kAsmG2));
  EXPECT_TRUE(sim.specific_queries().empty());
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, {}, kAsmG));
  EXPECT_TRUE(sim.has_event(EventKind::listener_removed, kS1, kAsmG2));
}

TEST(PromptLeave, AclLimitsItToPermittedGroups) {
  InterfaceConfig cfg;
  cfg.prompt_leave = true;
  cfg.prompt_leave_acl = 2001;
  Sim sim(cfg);
  ASSERT_TRUE(sim.router.set_policy(two_acls(), sim.now));
  sim.report_group(kHost1, T::to_ex, kAsmG);
  sim.report_group(kHost1, T::to_ex, kAsmG2);
  sim.clear_output();
  sim.report_group(kHost1, T::to_in, kAsmG);   // permitted: gone at once
  sim.report_group(kHost1, T::to_in, kAsmG2);  // denied: the normal last-listener queries
  EXPECT_FALSE(sim.group(kAsmG));
  ASSERT_TRUE(sim.group(kAsmG2));
  ASSERT_EQ(sim.specific_queries().size(), 1u);
  EXPECT_EQ(sim.specific_queries()[0].spec.group, kAsmG2);
  sim.advance(3s);
  EXPECT_FALSE(sim.group(kAsmG2));
}

TEST(PromptLeave, OffByDefault) {
  Sim sim;
  sim.v1_report(kHost1, kAsmG);
  sim.v1_done(kHost1, kAsmG);
  EXPECT_TRUE(sim.group(kAsmG));  // until LLQT
  sim.advance(3s);
  EXPECT_FALSE(sim.group(kAsmG));
}

// ---- Router Alert ----

std::vector<uint8_t> report_without_router_alert(const Ipv6Address& group) {
  wire::L2L3Spec l;
  l.src_mac = host_mac();
  l.src = kHost1;
  l.dst = wire::addr::all_mldv2_routers();
  l.hop_limit = 1;
  l.router_alert_mld = false;
  return wire::build_icmpv6_frame(l, wire::build_mld_v2_report_body({{T::to_ex, group, {}}}));
}

TEST(RouterAlert, RequiredByDefault) {
  Sim sim;
  EXPECT_TRUE(InterfaceConfig{}.require_router_alert);
  sim.feed(report_without_router_alert(kAsmG));
  EXPECT_FALSE(sim.group(kAsmG));
  EXPECT_EQ(sim.ignored(IgnoreReason::no_router_alert), 1u);
}

TEST(RouterAlert, AcceptedWhenNotRequired) {
  InterfaceConfig cfg;
  cfg.require_router_alert = false;
  Sim sim(cfg);
  sim.feed(report_without_router_alert(kAsmG));
  EXPECT_TRUE(sim.group(kAsmG));
  EXPECT_EQ(sim.ignored(IgnoreReason::no_router_alert), 0u);
}

// ---- validation ----

TEST(PolicyConfig, RangesAreChecked) {
  InterfaceConfig cfg;
  cfg.group_policy_acl = 3000;
  EXPECT_NE(cfg.validate(), "");
  cfg.group_policy_acl = 2999;
  EXPECT_EQ(cfg.validate(), "");
  cfg.static_groups = {{A("ff02::1"), {}}};
  EXPECT_NE(cfg.validate(), "");
  Policy p;
  p.ssm_policy_acl = 1999;
  EXPECT_NE(p.validate(), "");
  MldRouter r;
  EXPECT_FALSE(r.set_policy(p, TimePoint{}));
}

TEST(PolicyConfig, OnePolicyServesManyInterfaces) {
  MldRouter r;
  InterfaceConfig a, b;
  a.group_policy_acl = 2001;
  ASSERT_TRUE(r.add_interface(kIf, "ge0", a, kRouterLl, TimePoint{}));
  ASSERT_TRUE(r.add_interface(kIf2, "ge1", b, A("fe80::11"), TimePoint{}));
  ASSERT_TRUE(r.set_policy(two_acls(), TimePoint{}));
  wire::MldMessage m;
  m.kind = wire::MldKind::report_v1;
  m.v1.group = kAsmG2;
  r.on_message(kIf, kHost1, m, TimePoint{});
  r.on_message(kIf2, kHost1, m, TimePoint{});
  EXPECT_FALSE(r.find_group(kIf, kAsmG2, TimePoint{}));
  EXPECT_TRUE(r.find_group(kIf2, kAsmG2, TimePoint{}));
}

}  // namespace
}  // namespace tandem::mld::test
