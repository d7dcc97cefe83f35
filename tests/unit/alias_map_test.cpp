#include "modules/alias/alias_map.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

ScriptAliasSpec prefix(std::string url, std::string target, bool script = false) {
  ScriptAliasSpec a;
  a.url = std::move(url);
  a.target = std::move(target);
  a.script = script;
  return a;
}

ScriptAliasSpec regex(const char* re, std::string target, bool script = false) {
  ScriptAliasSpec a;
  RegexError e;
  a.url = re;
  a.regex = std::make_shared<const Regex>(*Regex::compile(re, kRegexDefaultOptions, &e));
  a.target = std::move(target);
  a.script = script;
  return a;
}

TEST(AliasMap, AliasMatchesAsModAlias) {
  EXPECT_EQ(alias_matches("/cgi-bin/x", "/cgi-bin/"), 9u);
  EXPECT_EQ(alias_matches("/cgi-bin", "/cgi-bin/"), 0u);  // "Alias /icons/" misses "/icons"
  EXPECT_EQ(alias_matches("/cgi-bin/x", "/cgi-bin"), 8u);
  EXPECT_EQ(alias_matches("/cgi-bin", "/cgi-bin"), 8u);
  EXPECT_EQ(alias_matches("/cgi-binx", "/cgi-bin"), 0u);
  EXPECT_EQ(alias_matches("//cgi-bin//x", "/cgi-bin/"), 11u);  // runs of slashes
  EXPECT_EQ(alias_matches("/other", "/cgi-bin/"), 0u);
}

TEST(AliasMap, PrefixAndRegexInFileOrderFirstMatchWins) {
  std::vector<ScriptAliasSpec> aliases;
  aliases.push_back(prefix("/cgi-bin/", "/srv/cgi/", true));
  aliases.push_back(regex("^/x/([a-z]+)(.*)", "/srv/x/$1.cgi$2", true));
  aliases.push_back(prefix("/cgi-bin/special/", "/never/"));
  AliasMapping m;
  ASSERT_TRUE(map_alias(aliases, "/cgi-bin/special/a", &m));
  EXPECT_EQ(m.alias, &aliases[0]);  // not the longer prefix: configuration order
  EXPECT_EQ(m.filename, "/srv/cgi/special/a");
  EXPECT_EQ(m.context_prefix, "/cgi-bin/");
  EXPECT_EQ(m.context_root, "/srv/cgi/");
  ASSERT_TRUE(map_alias(aliases, "/x/abc/info", &m));
  EXPECT_EQ(m.alias, &aliases[1]);
  EXPECT_EQ(m.filename, "/srv/x/abc.cgi/info");
  EXPECT_EQ(m.context_prefix, "");
  EXPECT_EQ(m.status, 0);
  EXPECT_FALSE(map_alias(aliases, "/static/a", &m));
}

TEST(AliasMap, AliasKeepsItsTrailingSlashRule) {
  std::vector<ScriptAliasSpec> aliases{prefix("/icons/", "/usr/share/apache2/icons/")};
  AliasMapping m;
  EXPECT_FALSE(map_alias(aliases, "/icons", &m));
  EXPECT_FALSE(map_alias(aliases, "/iconsx/a.png", &m));
  ASSERT_TRUE(map_alias(aliases, "/icons/a.png", &m));
  EXPECT_EQ(m.filename, "/usr/share/apache2/icons/a.png");
  EXPECT_FALSE(m.alias->script);
  ASSERT_TRUE(map_alias(aliases, "/icons/", &m));
  EXPECT_EQ(m.filename, "/usr/share/apache2/icons/");
}

TEST(AliasMap, AliasMatchSubstitutesCaptures) {
  std::vector<ScriptAliasSpec> aliases{regex("^/img/(\\w+)/(.+)\\.png$", "/srv/$2-$1.png")};
  AliasMapping m;
  ASSERT_TRUE(map_alias(aliases, "/img/big/cat.png", &m));
  EXPECT_EQ(m.filename, "/srv/cat-big.png");
  EXPECT_EQ(m.status, 0);
  EXPECT_FALSE(map_alias(aliases, "/img/big/cat.gif", &m));
}

}  // namespace
}  // namespace tern
