// mod_alias's Alias and AliasMatch as Apache httpd answers them: the same directory outside
// DocumentRoot served by Debian's apache2 (apache_harness.h) and by tern, in the same test,
// and the answers compared (status, body, the path of a redirect's Location).

#include <gtest/gtest.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

class AliasVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    // One directory outside both DocumentRoots, readable by apache's user.
    const std::string shared = apache_.root().path() + "/shared";
    apache_.root().write("shared/a.txt", "aliased file\n");
    apache_.root().write("shared/sub/index.html", "<p>aliased index</p>\n");
    apache_.root().write("shared/big-cat.txt", "meow\n");
    apache_.root().write("shared/script-dir/plain.txt", "not a script\n");
    apache_.put("icons", "a DocumentRoot file named like the alias\n");
    tern_.put("icons", "a DocumentRoot file named like the alias\n");
    apache_.put_script("local.sh", "#!/bin/sh\nprintf 'Location: /icons/a.txt\\r\\n\\r\\n'\n");
    apache_.put_script("loop.sh", "#!/bin/sh\nprintf 'Location: /cgi-bin/loop.sh\\r\\n\\r\\n'\n");
    // In file order, the first match wins: "/cgi-bin/" is a ScriptAlias before the Alias
    // for "/cgi-bin/static/" (which never applies), AliasMatch substitutes $1 and $2.
    const std::string conf = "Alias /icons/ " + shared + "/\n" +
                             "AliasMatch ^/pics/(\\w+)/(\\w+)$ " + shared + "/$2-$1.txt\n" +
                             "ScriptAlias /cgi-bin/ " + apache_.cgi_dir() + "/\n" +
                             "Alias /cgi-bin/static/ " + shared + "/\n";
    ASSERT_TRUE(apache_.start(conf)) << apache_.log();
    ASSERT_TRUE(tern_.start("ServerName 127.0.0.1\n" + conf)) << tern_.log();
  }

  // The same GET to both servers.
  std::pair<Response, Response> both(const std::string& target) {
    std::string req = http_request("GET", target);
    auto a = fetch(apache_.port(), req);
    auto t = fetch(tern_.port(), req);
    EXPECT_TRUE(a) << apache_.log();
    EXPECT_TRUE(t) << tern_.log();
    return {a.value_or(Response{}), t.value_or(Response{})};
  }

  // The path part of an absolute Location ("http://host:port/p" -> "/p").
  static std::string location_path(const Response& r) {
    std::string loc = headers_map(r)["location"];
    size_t scheme = loc.find("://");
    if (scheme == std::string::npos) return loc;
    size_t slash = loc.find('/', scheme + 3);
    return slash == std::string::npos ? "" : loc.substr(slash);
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(AliasVersusApache, AliasServesADirectoryOutsideDocumentRoot) {
  for (const char* target : {"/icons/a.txt", "/icons/sub/", "/icons/missing.txt", "/icons",
                             "/pics/cat/big", "/pics/cat", "/pics/cat/big/more"}) {
    SCOPED_TRACE(target);
    auto [a, t] = both(target);
    EXPECT_EQ(t.status, a.status) << t.body << tern_.read("logs/error_log");
    if (a.status == 200) {
      EXPECT_EQ(t.body, a.body);
    }
  }
  auto [a, t] = both("/icons/a.txt");
  EXPECT_EQ(a.body, "aliased file\n");  // not a claim about tern alone: both agree on it
  auto [a2, t2] = both("/icons");       // "Alias /icons/" needs the slash: DocumentRoot's file
  EXPECT_EQ(a2.body, "a DocumentRoot file named like the alias\n");
  EXPECT_EQ(t2.body, a2.body);
  auto [a3, t3] = both("/pics/cat/big");  // AliasMatch: $2-$1
  EXPECT_EQ(t3.status, 200);
  EXPECT_EQ(t3.body, "meow\n");
}

TEST_F(AliasVersusApache, DirectoryRedirectAndFirstMatchWins) {
  auto [a, t] = both("/icons/sub");  // mod_dir's slash redirect, under the alias URL
  EXPECT_EQ(a.status, 301);
  EXPECT_EQ(t.status, a.status);
  EXPECT_EQ(location_path(t), "/icons/sub/");
  EXPECT_EQ(location_path(t), location_path(a));
  // "/cgi-bin/static/a.txt" is the ScriptAlias's (first): no such script, 404 for both.
  auto [a2, t2] = both("/cgi-bin/static/a.txt");
  EXPECT_EQ(a2.status, 404);
  EXPECT_EQ(t2.status, a2.status);
}

TEST_F(AliasVersusApache, ScriptLocalRedirectRunsTheAliasAgain) {
  // The script's "Location: /icons/a.txt" is an internal redirect: a new pass through
  // every phase, so mod_alias maps it.
  auto [a, t] = both("/cgi-bin/local.sh");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(t.status, a.status) << tern_.read("logs/error_log");
  EXPECT_EQ(t.body, a.body);
  EXPECT_EQ(t.body, "aliased file\n");
}

TEST_F(AliasVersusApache, ChainOfScriptRedirectsStopsAtTheLimit) {
  // Each hop is a new script (a new task): the pipeline counts the redirects of the
  // request, and the 11th is refused with a 500 as httpd's LimitInternalRecursion 10.
  auto [a, t] = both("/cgi-bin/loop.sh");
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(t.status, a.status);
  EXPECT_NE(tern_.read("logs/error_log").find("AH00124: Request exceeded the limit of 10"),
            std::string::npos)
      << tern_.read("logs/error_log");
}

}  // namespace
}  // namespace tern::test
