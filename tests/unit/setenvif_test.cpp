// mod_setenvif's rules: attributes, regex matching, $N substitution and !var.

#include <gtest/gtest.h>

#include "http/handler.h"
#include "http/request.h"
#include "http/response.h"
#include "modules/setenvif/setenvif_rules.h"

namespace tern {
namespace {

class SetEnvIfTest : public ::testing::Test {
 protected:
  SetEnvIfTest() {
    req_.method_name = "GET";
    req_.version_minor = 1;
    req_.headers = {{"User-Agent", "Mozilla/2.0 (X11)"}, {"X-Forwarded-For", "10.1.2.3"}};
    ctx_.client_ip = "127.0.0.9";
    ctx_.local_ip = "127.0.0.1";
  }
  void rule(std::string_view attr, std::string_view re, std::vector<std::string_view> vars,
            bool icase = false) {
    SetEnvIfRule r;
    ASSERT_EQ(parse_setenvif(attr, re, vars, icase, kRegexDefaultOptions, &r), "");
    rules_.push_back(std::move(r));
  }
  bool apply() { return apply_setenvif(rules_, {&req_, &ctx_, "/docs/a b.html"}, resp_); }
  std::string env(std::string_view name) {
    auto v = resp_.env_value(name);
    return v ? std::string(*v) : "<unset>";
  }
  Request req_;
  RequestContext ctx_;
  Response resp_;
  std::vector<SetEnvIfRule> rules_;
};

TEST_F(SetEnvIfTest, BrowserMatchSetsOne) {
  rule("User-Agent", "Mozilla/2", {"nokeepalive"});
  rule("User-Agent", "MSIE", {"ie"});
  ASSERT_TRUE(apply());
  EXPECT_EQ(env("nokeepalive"), "1");
  EXPECT_EQ(env("ie"), "<unset>");
}

TEST_F(SetEnvIfTest, SpecialAttributesCaseInsensitively) {
  rule("remote_addr", "^127\\.0\\.0\\.9$", {"ra=yes"});
  rule("Remote_Host", "^127\\.", {"rh"});  // HostnameLookups Off: the IP
  rule("SERVER_ADDR", "^127\\.0\\.0\\.1$", {"sa"});
  rule("Request_Method", "^GET$", {"m=get"});
  rule("Request_Protocol", "^HTTP/1\\.1$", {"p"});
  rule("Request_URI", "^/docs/(.*)\\.html$", {"page=$1"});
  ASSERT_TRUE(apply());
  EXPECT_EQ(env("ra"), "yes");
  EXPECT_EQ(env("rh"), "1");
  EXPECT_EQ(env("sa"), "1");
  EXPECT_EQ(env("m"), "get");
  EXPECT_EQ(env("p"), "1");
  EXPECT_EQ(env("page"), "a b");
}

TEST_F(SetEnvIfTest, NoCaseUnsetAndEarlierVariables) {
  rule("user-agent", "mozilla", {"moz"}, false);
  rule("User-Agent", "mozilla", {"moz_nc", "gone"}, true);
  rule("User-Agent", "x11", {"!gone"}, true);
  // An attribute that is no header: a variable set by an earlier rule.
  rule("moz_nc", "^1$", {"from_var=$0"});
  ASSERT_TRUE(apply());
  EXPECT_EQ(env("moz"), "<unset>");
  EXPECT_EQ(env("moz_nc"), "1");
  EXPECT_EQ(env("gone"), "<unset>");
  EXPECT_EQ(env("from_var"), "1");
}

TEST_F(SetEnvIfTest, MissingHeaderIsEmptyAndHeaderNameRegex) {
  rule("Referer", "^$", {"no_referer"});
  rule("^X-Forwarded-.*", "^10\\.", {"internal"});
  ASSERT_TRUE(apply());
  EXPECT_EQ(env("no_referer"), "1");
  EXPECT_EQ(env("internal"), "1");
}

TEST_F(SetEnvIfTest, RefusesBadRegex) {
  SetEnvIfRule r;
  EXPECT_NE(parse_setenvif("User-Agent", "(", {"x"}, false, 0, &r), "");
  EXPECT_NE(parse_setenvif("User-Agent", "x", {"=v"}, false, 0, &r), "");
}

TEST(SetEnvIfMerge, SectionRulesFollowTheEnclosingOnes) {
  SetEnvIfDirConfig base, add;
  base.dir_rules.resize(1);
  base.server_rules.resize(2);
  add.dir_rules.resize(3);
  auto m = base.merge(add);
  const auto& c = static_cast<const SetEnvIfDirConfig&>(*m);
  EXPECT_EQ(c.dir_rules.size(), 4u);
  EXPECT_EQ(c.server_rules.size(), 2u);
}

}  // namespace
}  // namespace tern
