#include <gtest/gtest.h>

#include "config_test_util.h"

namespace tern {
namespace {

class AliasDirectives : public testing::ConfigTest {};

TEST_F(AliasDirectives, AllFourShareOneListInFileOrder) {
  auto c =
      ok("Alias /icons/ \"/usr/share/apache2/icons/\"\n"
         "ScriptAlias /cgi-bin/ /usr/lib/cgi-bin/\n"
         "AliasMatch ^/img/(\\w+)$ img/$1.png\n"
         "ScriptAliasMatch ^/x/(.*)$ /srv/x/$1\n");
  ASSERT_EQ(c->script_aliases.size(), 4u);
  EXPECT_EQ(c->script_aliases[0].url, "/icons/");
  EXPECT_EQ(c->script_aliases[0].target, "/usr/share/apache2/icons/");
  EXPECT_FALSE(c->script_aliases[0].script);
  EXPECT_EQ(c->script_aliases[0].regex, nullptr);
  EXPECT_TRUE(c->script_aliases[1].script);
  EXPECT_FALSE(c->script_aliases[2].script);
  ASSERT_NE(c->script_aliases[2].regex, nullptr);
  EXPECT_EQ(c->script_aliases[2].target, dir.path() + "/img/$1.png");  // under ServerRoot
  EXPECT_EQ(c->script_aliases[2].line, 3);
  EXPECT_TRUE(c->script_aliases[3].script);
}

TEST_F(AliasDirectives, DebianAliasConfLinesInsideIfModule) {
  // alias_module is active: the <IfModule> of Debian's alias.conf is read, and its Alias
  // line is understood (its <Directory> waits for the next issue's scopes).
  auto c =
      ok("<IfModule alias_module>\n"
         "  Alias /icons/ \"/usr/share/apache2/icons/\"\n"
         "</IfModule>\n");
  ASSERT_EQ(c->script_aliases.size(), 1u);
  EXPECT_EQ(c->script_aliases[0].url, "/icons/");
}

TEST_F(AliasDirectives, Errors) {
  EXPECT_NE(err("Alias /icons/\n"), "");
  EXPECT_NE(err("Alias /a /b /c\n"), "");
  EXPECT_NE(err("Alias \"\" /b\n"), "");
  EXPECT_NE(err("AliasMatch ^(/x /y\n").find("invalid regular expression"), std::string::npos);
  EXPECT_NE(err("<Location /x>\nAlias /a /b\n</Location>\n"), "");  // server context only
}

}  // namespace
}  // namespace tern
