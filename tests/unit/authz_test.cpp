#include "handlers/authz.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

using Kind = RequireRule::Kind;

RequireRule leaf(Kind k, std::vector<std::string> ips = {}, bool negated = false) {
  RequireRule r;
  r.kind = k;
  r.ips = std::move(ips);
  r.negated = negated;
  return r;
}

RequireRule group(Kind k, std::vector<RequireRule> children, bool negated = false) {
  RequireRule r;
  r.kind = k;
  r.children = std::move(children);
  r.negated = negated;
  return r;
}

CompiledRequire compile(const RequireRule& r) {
  std::string error;
  auto c = CompiledRequire::compile(r, &error);
  EXPECT_TRUE(c.has_value()) << error;
  return c.value_or(*CompiledRequire::compile(leaf(Kind::kAllDenied), nullptr));
}

bool contains(std::string_view block, std::string_view ip) {
  auto b = parse_ip_block(block);
  auto a = parse_ip_address(ip);
  EXPECT_TRUE(b.has_value()) << block;
  EXPECT_TRUE(a.has_value()) << ip;
  return b && a && b->contains(*a);
}

TEST(Authz, IpBlocks) {
  EXPECT_TRUE(contains("10.1.2.3", "10.1.2.3"));
  EXPECT_FALSE(contains("10.1.2.3", "10.1.2.4"));
  EXPECT_TRUE(contains("10.1", "10.1.200.7"));
  EXPECT_FALSE(contains("10.1", "10.2.0.1"));
  EXPECT_TRUE(contains("10", "10.255.255.255"));
  EXPECT_TRUE(contains("192.168.1", "192.168.1.77"));
  EXPECT_TRUE(contains("10.0.0.0/8", "10.9.9.9"));
  EXPECT_FALSE(contains("10.0.0.0/8", "11.0.0.0"));
  EXPECT_TRUE(contains("10.1.2.3/8", "10.200.0.1"));  // host bits ignored
  EXPECT_TRUE(contains("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(contains("172.16.0.0/12", "172.32.0.0"));
  EXPECT_TRUE(contains("10.0.0.0/255.255.0.0", "10.0.5.5"));
  EXPECT_FALSE(contains("10.0.0.0/255.255.0.0", "10.1.5.5"));
  EXPECT_TRUE(contains("0.0.0.0/0", "1.2.3.4"));
  EXPECT_TRUE(contains("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(contains("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(contains("2001:db8::/33", "2001:db8:7fff::1"));
  EXPECT_FALSE(contains("2001:db8::/33", "2001:db8:8000::1"));
  EXPECT_TRUE(contains("::1", "::1"));
  EXPECT_TRUE(contains("fe80::/10", "fe80::1%eth0"));
  // IPv4-mapped IPv6 clients match IPv4 rules.
  EXPECT_TRUE(contains("10.1", "::ffff:10.1.2.3"));
  EXPECT_TRUE(contains("::ffff:10.0.0.0/104", "10.7.7.7"));
  EXPECT_FALSE(contains("10.0.0.0/8", "::a00:1"));  // IPv4-compatible is not mapped
}

TEST(Authz, BadBlocksRejected) {
  for (const char* s :
       {"", "10.1.2.3.4", "256.1.1.1", "10..1", "10.1.", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/",
        "10.1/8", "10.0.0.0/255.0.255.0", "2001:db8::/129", "2001:zz::1", "host.example.com",
        "1.2.3.4/8x", "fe80::1%eth0", "10.0.0.0/1234"}) {
    EXPECT_FALSE(parse_ip_block(s).has_value()) << s;
  }
  std::string error;
  EXPECT_FALSE(CompiledRequire::compile(leaf(Kind::kIp, {"10.0.0.1", "bogus"}), &error));
  EXPECT_NE(error.find("bogus"), std::string::npos);
  EXPECT_FALSE(
      CompiledRequire::compile(group(Kind::kAny, {leaf(Kind::kIp, {"1.2.3.4/99"})}), &error));
}

TEST(Authz, Leaves) {
  EXPECT_TRUE(compile(leaf(Kind::kAllGranted)).allows("1.2.3.4", "5.6.7.8"));
  EXPECT_FALSE(compile(leaf(Kind::kAllDenied)).allows("127.0.0.1", "127.0.0.1"));
  CompiledRequire ip = compile(leaf(Kind::kIp, {"10.1", "2001:db8::/32"}));
  EXPECT_TRUE(ip.allows("10.1.0.9", "10.0.0.1"));
  EXPECT_TRUE(ip.allows("2001:db8::5", "::1"));
  EXPECT_TRUE(ip.allows("::ffff:10.1.0.9", "::1"));
  EXPECT_FALSE(ip.allows("10.2.0.9", "10.0.0.1"));
  EXPECT_FALSE(ip.allows("garbage", "10.0.0.1"));
  EXPECT_FALSE(ip.allows("", ""));
}

TEST(Authz, Local) {
  CompiledRequire local = compile(leaf(Kind::kLocal));
  EXPECT_TRUE(local.allows("127.0.0.1", "127.0.0.1"));
  EXPECT_TRUE(local.allows("127.9.8.7", "10.0.0.1"));
  EXPECT_TRUE(local.allows("::1", "::1"));
  EXPECT_TRUE(local.allows("::ffff:127.0.0.1", "::1"));
  EXPECT_TRUE(local.allows("192.168.1.5", "192.168.1.5"));  // the server's own address
  EXPECT_TRUE(local.allows("192.168.1.5", "::ffff:192.168.1.5"));
  EXPECT_FALSE(local.allows("192.168.1.6", "192.168.1.5"));
  EXPECT_FALSE(local.allows("::2", "::3"));
}

TEST(Authz, NegationAndAll) {
  // <RequireAll> Require all granted; Require not ip 10.1 </RequireAll>
  CompiledRequire r = compile(
      group(Kind::kAll, {leaf(Kind::kAllGranted), leaf(Kind::kIp, {"10.1"}, /*negated=*/true)}));
  EXPECT_TRUE(r.allows("10.2.3.4", "127.0.0.1"));
  EXPECT_FALSE(r.allows("10.1.3.4", "127.0.0.1"));
  // A RequireAll of only negated rules is neutral → denied.
  CompiledRequire only_not =
      compile(group(Kind::kAll, {leaf(Kind::kIp, {"10.1"}, /*negated=*/true)}));
  EXPECT_FALSE(only_not.allows("10.2.3.4", "127.0.0.1"));
  // RequireAll with two positive leaves: both must grant.
  CompiledRequire both =
      compile(group(Kind::kAll, {leaf(Kind::kIp, {"10.0.0.0/8"}), leaf(Kind::kIp, {"10.1"})}));
  EXPECT_TRUE(both.allows("10.1.1.1", ""));
  EXPECT_FALSE(both.allows("10.2.1.1", ""));
  // An empty RequireAll grants nothing.
  EXPECT_FALSE(compile(group(Kind::kAll, {})).allows("1.1.1.1", ""));
}

TEST(Authz, Any) {
  CompiledRequire any =
      compile(group(Kind::kAny, {leaf(Kind::kLocal), leaf(Kind::kIp, {"2001:db8::/48"})}));
  EXPECT_TRUE(any.allows("127.0.0.1", "10.0.0.1"));
  EXPECT_TRUE(any.allows("2001:db8:0:ffff::1", "10.0.0.1"));
  EXPECT_FALSE(any.allows("2001:db8:1::1", "10.0.0.1"));
  EXPECT_FALSE(compile(group(Kind::kAny, {})).allows("1.1.1.1", ""));
}

TEST(Authz, NestedTree) {
  // <RequireAny>
  //   <RequireAll> Require ip 10.0.0.0/8; Require not ip 10.66 </RequireAll>
  //   Require ip 2001:db8::/32
  //   <RequireAll> Require local; Require not ip ::1 </RequireAll>
  // </RequireAny>
  CompiledRequire tree = compile(
      group(Kind::kAny,
            {group(Kind::kAll, {leaf(Kind::kIp, {"10.0.0.0/8"}), leaf(Kind::kIp, {"10.66"}, true)}),
             leaf(Kind::kIp, {"2001:db8::/32"}),
             group(Kind::kAll, {leaf(Kind::kLocal), leaf(Kind::kIp, {"::1"}, true)})}));
  EXPECT_TRUE(tree.allows("10.1.2.3", "192.0.2.1"));
  EXPECT_FALSE(tree.allows("10.66.2.3", "192.0.2.1"));
  EXPECT_TRUE(tree.allows("2001:db8:1::1", "192.0.2.1"));
  EXPECT_TRUE(tree.allows("127.0.0.1", "192.0.2.1"));
  EXPECT_FALSE(tree.allows("::1", "192.0.2.1"));
  EXPECT_FALSE(tree.allows("192.0.2.99", "192.0.2.1"));
  // Negated container: not (ip 10/8) inside a RequireAll with all granted.
  CompiledRequire neg =
      compile(group(Kind::kAll, {leaf(Kind::kAllGranted),
                                 group(Kind::kAny, {leaf(Kind::kIp, {"10.0.0.0/8"})}, true)}));
  EXPECT_FALSE(neg.allows("10.0.0.1", ""));
  EXPECT_TRUE(neg.allows("11.0.0.1", ""));
}

RequireRule users(std::vector<std::string> names, bool negated = false) {
  RequireRule r;
  r.kind = Kind::kUser;
  r.users = std::move(names);
  r.negated = negated;
  return r;
}

// mod_authz_user's providers answer "denied, no user" until a user is known, and
// authz_core's containers combine that as httpd's apply_authz_sections.
TEST(Authz, UserProvidersAndNoUserDenial) {
  const std::optional<std::string> none;
  const std::optional<std::string> alice = "alice";
  const std::optional<std::string> bob = "bob";
  CompiledRequire valid = compile(leaf(Kind::kValidUser));
  EXPECT_EQ(valid.check("10.0.0.1", "10.0.0.2", none), AuthzResult::kDeniedNoUser);
  EXPECT_EQ(valid.check("10.0.0.1", "10.0.0.2", alice), AuthzResult::kGranted);
  EXPECT_FALSE(valid.allows("10.0.0.1", "10.0.0.2"));
  CompiledRequire named = compile(users({"alice", "carol"}));
  EXPECT_EQ(named.check("10.0.0.1", "", none), AuthzResult::kDeniedNoUser);
  EXPECT_EQ(named.check("10.0.0.1", "", alice), AuthzResult::kGranted);
  EXPECT_EQ(named.check("10.0.0.1", "", bob), AuthzResult::kDenied);
  EXPECT_EQ(named.check("10.0.0.1", "", std::optional<std::string>("Alice")), AuthzResult::kDenied);
  EXPECT_EQ(compile(users({})).check("1.2.3.4", "", alice), AuthzResult::kDenied);

  // RequireAny: the IP grants without a user; elsewhere a user may still help.
  CompiledRequire any =
      compile(group(Kind::kAny, {leaf(Kind::kIp, {"127.0.0.1"}), leaf(Kind::kValidUser)}));
  EXPECT_EQ(any.check("127.0.0.1", "127.0.0.1", none), AuthzResult::kGranted);
  EXPECT_EQ(any.check("10.0.0.1", "127.0.0.1", none), AuthzResult::kDeniedNoUser);
  EXPECT_EQ(any.check("10.0.0.1", "127.0.0.1", alice), AuthzResult::kGranted);
  // RequireAll: a plain denial wins, no user cannot help then.
  CompiledRequire all =
      compile(group(Kind::kAll, {leaf(Kind::kIp, {"10.0.0.0/8"}), leaf(Kind::kValidUser)}));
  EXPECT_EQ(all.check("192.168.0.1", "", none), AuthzResult::kDenied);
  EXPECT_EQ(all.check("10.1.2.3", "", none), AuthzResult::kDeniedNoUser);
  EXPECT_EQ(all.check("10.1.2.3", "", alice), AuthzResult::kGranted);
  // `Require not user bob` inside RequireAll: neutral without a user.
  CompiledRequire not_bob =
      compile(group(Kind::kAll, {leaf(Kind::kValidUser), users({"bob"}, true)}));
  EXPECT_EQ(not_bob.check("1.2.3.4", "", none), AuthzResult::kDeniedNoUser);
  EXPECT_EQ(not_bob.check("1.2.3.4", "", alice), AuthzResult::kGranted);
  EXPECT_EQ(not_bob.check("1.2.3.4", "", bob), AuthzResult::kDenied);
}

// mod_ssl's `Require ssl-verify-client`: granted only for a verified client certificate.
TEST(Authz, SslVerifyClientProvider) {
  const std::optional<std::string> none;
  CompiledRequire r = compile(leaf(Kind::kSslVerifyClient));
  EXPECT_TRUE(r.needs_client_verify());
  EXPECT_FALSE(compile(leaf(Kind::kValidUser)).needs_client_verify());
  EXPECT_EQ(r.check("1.2.3.4", "", none, "SUCCESS"), AuthzResult::kGranted);
  EXPECT_EQ(r.check("1.2.3.4", "", none, "NONE"), AuthzResult::kDenied);
  EXPECT_EQ(r.check("1.2.3.4", "", none, "GENEROUS"), AuthzResult::kDenied);
  EXPECT_EQ(r.check("1.2.3.4", "", none, ""), AuthzResult::kDenied);  // plain connection
  CompiledRequire any =
      compile(group(Kind::kAny, {leaf(Kind::kIp, {"10.0.0.0/8"}), leaf(Kind::kSslVerifyClient)}));
  EXPECT_TRUE(any.needs_client_verify());
  EXPECT_EQ(any.check("192.168.0.1", "", none, "SUCCESS"), AuthzResult::kGranted);
  EXPECT_EQ(any.check("192.168.0.1", "", none, "FAILED:x"), AuthzResult::kDenied);
}

// mod_ssl's `Require ssl`: granted only for a request that came over TLS.
TEST(Authz, SslProvider) {
  const std::optional<std::string> none;
  CompiledRequire r = compile(leaf(Kind::kSsl));
  EXPECT_FALSE(r.needs_client_verify());
  EXPECT_EQ(r.check("1.2.3.4", "", none, "", true), AuthzResult::kGranted);
  EXPECT_EQ(r.check("1.2.3.4", "", none, "", false), AuthzResult::kDenied);
  EXPECT_EQ(r.check("1.2.3.4", "", none), AuthzResult::kDenied);
  // `Require not ssl` inside RequireAll: plain connections only.
  CompiledRequire plain_only =
      compile(group(Kind::kAll, {leaf(Kind::kAllGranted), leaf(Kind::kSsl, {}, true)}));
  EXPECT_EQ(plain_only.check("1.2.3.4", "", none, "", false), AuthzResult::kGranted);
  EXPECT_EQ(plain_only.check("1.2.3.4", "", none, "", true), AuthzResult::kDenied);
}

}  // namespace
}  // namespace tern
