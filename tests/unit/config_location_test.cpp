// <Location>, <LocationMatch>, SetHandler and the Require trees.

#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace tern {
namespace {

using Kind = RequireRule::Kind;

class ConfigLocation : public testing::ConfigTest {};

TEST_F(ConfigLocation, LocationWithHandlerAndSingleRequire) {
  auto c =
      ok("\n<Location /server-status>\n  SetHandler server-status\n  Require local\n"
         "</Location>\n");
  ASSERT_EQ(c->sections.size(), 1u);
  const LocationSpec& l = c->sections[0];
  EXPECT_EQ(l.pattern, "/server-status");
  EXPECT_FALSE(l.is_regex);
  EXPECT_EQ(l.handler, "server-status");
  ASSERT_TRUE(l.require.has_value());
  EXPECT_EQ(l.require->kind, Kind::kLocal);
  EXPECT_FALSE(l.require->negated);
  EXPECT_EQ(l.file, "t.conf");
  EXPECT_EQ(l.line, 2);
}

TEST_F(ConfigLocation, LocationMatchAndTildeForm) {
  auto c =
      ok("<LocationMatch \"^/(metrics|stats)$\">\nSetHandler metrics\n</LocationMatch>\n"
         "<Location ~ \"\\.cgi$\">\nRequire all denied\n</Location>\n"
         "<Location /empty>\n</Location>\n");
  ASSERT_EQ(c->sections.size(), 3u);
  EXPECT_TRUE(c->sections[0].is_regex);
  EXPECT_EQ(c->sections[0].pattern, "^/(metrics|stats)$");
  EXPECT_FALSE(c->sections[0].require.has_value());
  EXPECT_TRUE(c->sections[1].is_regex);
  EXPECT_EQ(c->sections[1].pattern, "\\.cgi$");
  EXPECT_EQ(c->sections[1].require->kind, Kind::kAllDenied);
  EXPECT_FALSE(c->sections[2].handler.has_value());
  EXPECT_FALSE(c->sections[2].require.has_value());
}

TEST_F(ConfigLocation, BadRegexAndArguments) {
  EXPECT_EQ(err("\n<LocationMatch \"([a-\">\n</LocationMatch>\n").substr(0, 62),
            "t.conf:2: <LocationMatch>: invalid regular expression '([a-': ");
  EXPECT_NE(err("<Location ~ \"(\">\n</Location>\n")
                .find("t.conf:1: <Location>: invalid "
                      "regular expression '('"),
            std::string::npos);
  EXPECT_EQ(err("<Location a b>\n</Location>\n"),
            "t.conf:1: <Location>: takes one argument, or ~ and a regular expression");
  EXPECT_EQ(err("<Location \"\">\n</Location>\n"), "t.conf:1: <Location>: empty path");
  EXPECT_EQ(err("<Location>\n</Location>\n"), "t.conf:1: <Location>: takes one or two arguments");
}

TEST_F(ConfigLocation, SeveralRequiresMeanRequireAny) {
  auto c = ok("<Location /a>\nRequire ip 10.0.0.0/8 192.168.1\nRequire local\n</Location>\n");
  const auto& r = *c->sections[0].require;
  EXPECT_EQ(r.kind, Kind::kAny);
  ASSERT_EQ(r.children.size(), 2u);
  EXPECT_EQ(r.children[0].kind, Kind::kIp);
  EXPECT_EQ(r.children[0].ips, (std::vector<std::string>{"10.0.0.0/8", "192.168.1"}));
  EXPECT_EQ(r.children[1].kind, Kind::kLocal);
}

TEST_F(ConfigLocation, NestedContainers) {
  auto c =
      ok("<Location /admin>\n"
         "  <RequireAll>\n"
         "    Require all granted\n"
         "    Require not ip 10.1.2.3\n"
         "    <RequireAny>\n"
         "      Require ip ::1 fe80::/10\n"
         "      Require local\n"
         "    </RequireAny>\n"
         "  </RequireAll>\n"
         "  Require ip 127.0.0.1\n"
         "</Location>\n");
  const auto& r = *c->sections[0].require;
  ASSERT_EQ(r.kind, Kind::kAny);  // <RequireAll> plus a bare Require line
  ASSERT_EQ(r.children.size(), 2u);
  const auto& all = r.children[0];
  EXPECT_EQ(all.kind, Kind::kAll);
  ASSERT_EQ(all.children.size(), 3u);
  EXPECT_EQ(all.children[0].kind, Kind::kAllGranted);
  EXPECT_EQ(all.children[1].kind, Kind::kIp);
  EXPECT_TRUE(all.children[1].negated);
  EXPECT_EQ(all.children[2].kind, Kind::kAny);
  EXPECT_EQ(all.children[2].children.size(), 2u);
  EXPECT_EQ(r.children[1].ips, std::vector<std::string>{"127.0.0.1"});
}

TEST_F(ConfigLocation, SingleContainerIsTheRule) {
  auto c =
      ok("<Location />\n<RequireAll>\nRequire local\nRequire not ip 127.0.0.2\n"
         "</RequireAll>\n</Location>\n");
  EXPECT_EQ(c->sections[0].require->kind, Kind::kAll);
  EXPECT_EQ(c->sections[0].require->children.size(), 2u);
}

TEST_F(ConfigLocation, ServerLevelRulesBecomeLeadingRootLocation) {
  auto c =
      ok("<Location /x>\nSetHandler a\n</Location>\n"
         "Require all granted\nSetHandler none\n<RequireAll>\nRequire local\n"
         "</RequireAll>\n");
  ASSERT_EQ(c->sections.size(), 2u);
  const LocationSpec& root = c->sections[0];
  EXPECT_EQ(root.pattern, "/");
  EXPECT_FALSE(root.is_regex);
  EXPECT_EQ(root.handler, "none");
  EXPECT_EQ(root.line, 4);
  ASSERT_EQ(root.require->kind, Kind::kAny);
  EXPECT_EQ(root.require->children[0].kind, Kind::kAllGranted);
  EXPECT_EQ(root.require->children[1].kind, Kind::kAll);
  EXPECT_EQ(c->sections[1].pattern, "/x");
}

TEST_F(ConfigLocation, NegationRules) {
  EXPECT_EQ(err("<Location />\nRequire not ip 1.2.3.4\n</Location>\n"),
            "t.conf:2: Require: negative Require directive is only valid inside a <RequireAll> "
            "section");
  EXPECT_EQ(err("<Location />\n<RequireAny>\nRequire local\nRequire not local\n</RequireAny>\n"
                "</Location>\n"),
            "t.conf:4: Require: negative Require directive has no effect in <RequireAny> "
            "directive");
  EXPECT_EQ(err("<Location />\n<RequireAll>\nRequire not local\n</RequireAll>\n</Location>\n"),
            "t.conf:2: <RequireAll>: <RequireAll> directive has only negative authorization "
            "directives");
  EXPECT_EQ(err("<Location />\n<RequireAny>\n</RequireAny>\n</Location>\n"),
            "t.conf:2: <RequireAny>: <RequireAny> directive contains no authorization "
            "directives");
  EXPECT_EQ(err("Require not\n"), "t.conf:1: Require: 'Require not' needs a rule");
}

TEST_F(ConfigLocation, RequireArgumentErrors) {
  const std::string p = "t.conf:1: Require: ";
  EXPECT_EQ(err("Require all\n"), p + "'Require all' takes one argument, granted or denied");
  EXPECT_EQ(err("Require all maybe\n"), p + "'Require all' must be followed by 'granted' or "
                                            "'denied'");
  EXPECT_EQ(err("Require ip\n"), p + "'Require ip' requires at least one address");
  EXPECT_EQ(err("Require local 1\n"), p + "'Require local' takes no arguments");
  EXPECT_EQ(err("Require group staff\n"),
            p + "authorization provider 'group' is not supported by tern (all, ip, local, user, "
                "valid-user, ssl, ssl-verify-client and not are)");
  EXPECT_EQ(err("Require\n"), p + "Require requires at least one argument");
}

TEST_F(ConfigLocation, RequireIpValidation) {
  for (const char* good :
       {"10", "10.1", "10.1.", "10.1.2", "10.1.2.3", "10.0.0.0/8", "10.0.0.0/0",
        "192.168.0.0/255.255.0.0", "::1", "2001:db8::/32", "fe80::/128", "0.0.0.0/32"})
    EXPECT_EQ(testing::load(std::string("Require ip ") + good + "\n", dir.path()).error, "")
        << good;
  const std::pair<const char*, const char*> bad[] = {
      {"10.1.2.3.4", "is not a valid IP address or network"},
      {"256.1", "is not a valid IP address or network"},
      {"10..1", "is not a valid IP address or network"},
      {"host.example", "is not a valid IP address or network"},
      {"10.0.0.0/33", "has an invalid IPv4 prefix length (0..32)"},
      {"10.0.0.0/x", "has an invalid IPv4 prefix length (0..32)"},
      {"10.0/8", "is not a valid IP address or network"},
      {"10.0.0.0/255.0.255.0", "has a non-contiguous netmask"},
      {"10.0.0.0/255.0.0", "has an invalid netmask"},
      {"::1/129", "has an invalid IPv6 prefix length (0..128)"},
      {"::g", "is not a valid IP address or network"},
  };
  for (const auto& [addr, msg] : bad) {
    EXPECT_EQ(err(std::string("Require ip 127.0.0.1 ") + addr + "\n"),
              std::string("t.conf:1: Require: '") + addr + "' " + msg);
  }
}

TEST_F(ConfigLocation, IncludedFileAndConditionalsInsideLocation) {
  dir.write("auth.conf",
            "Require ip 10.0.0.1\n<IfModule status_module>\nSetHandler "
            "server-status\n</IfModule>\n");
  auto c = ok("<Location /s>\nInclude auth.conf\n</Location>\n");
  ASSERT_EQ(c->sections.size(), 1u);
  EXPECT_EQ(c->sections[0].handler, "server-status");
  EXPECT_EQ(c->sections[0].require->kind, Kind::kIp);
  dir.write("listen.conf", "Listen 99\n");
  EXPECT_EQ(err("<Location /s>\nInclude listen.conf\n</Location>\n"),
            dir.path() + "/listen.conf:1: Listen: Listen not allowed in <Location> context");
}

TEST_F(ConfigLocation, SectionsOnlyWhereAllowed) {
  EXPECT_EQ(err("<RequireAll>\nRequire local\n<Location /a>\n</Location>\n</RequireAll>\n"),
            "t.conf:3: <Location>: <Location not allowed in <RequireAll> context");
  EXPECT_EQ(err("<Location /a>\nServerAdmin root@example.com\n</Location>\n"),
            "t.conf:2: ServerAdmin: ServerAdmin not allowed in <Location> context");
  EXPECT_NE(ok("<Location /a>\nErrorDocument 404 /x\n</Location>\n"), nullptr);
}

}  // namespace
}  // namespace tern
