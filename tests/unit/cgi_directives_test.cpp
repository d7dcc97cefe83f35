#include <gtest/gtest.h>

#include "config_test_util.h"

namespace tern {
namespace {

class CgiDirectives : public testing::ConfigTest {};

TEST_F(CgiDirectives, ScriptAliasAndMatchInFileOrder) {
  auto c =
      ok("ScriptAlias /cgi-bin/ /usr/lib/cgi-bin/\n"
         "ScriptAliasMatch ^/x/(.*)\\.cgi$ rel/$1\n");
  ASSERT_EQ(c->script_aliases.size(), 2u);
  EXPECT_EQ(c->script_aliases[0].url, "/cgi-bin/");
  EXPECT_EQ(c->script_aliases[0].target, "/usr/lib/cgi-bin/");
  EXPECT_EQ(c->script_aliases[0].regex, nullptr);
  EXPECT_EQ(c->script_aliases[0].line, 1);
  ASSERT_NE(c->script_aliases[1].regex, nullptr);
  EXPECT_EQ(c->script_aliases[1].target, dir.path() + "/rel/$1");  // under ServerRoot
}

TEST_F(CgiDirectives, TimeoutsSockAndPassAuth) {
  auto d = ok("");
  EXPECT_FALSE(d->cgi_script_timeout);
  EXPECT_FALSE(d->cgi_pass_auth);
  auto c = ok("CGIDScriptTimeout 1500ms\nScriptSock logs/cgisock\nCGIPassAuth On\n");
  ASSERT_TRUE(c->cgi_script_timeout);
  EXPECT_EQ(c->cgi_script_timeout->count(), 1500);
  EXPECT_TRUE(c->cgi_pass_auth);
  auto m = ok("CGIScriptTimeout 7\n");
  EXPECT_EQ(m->cgi_script_timeout->count(), 7000);
}

TEST_F(CgiDirectives, Errors) {
  EXPECT_NE(err("ScriptAlias /cgi-bin/\n"), "");
  EXPECT_NE(err("ScriptAliasMatch ^(/x /y\n").find("invalid regular expression"),
            std::string::npos);
  EXPECT_NE(err("CGIDScriptTimeout 0\n"), "");
  EXPECT_NE(err("CGIDScriptTimeout soon\n"), "");
  EXPECT_NE(err("CGIPassAuth maybe\n"), "");
}

}  // namespace
}  // namespace tern
