// mod_alias's Redirect, RedirectMatch, RedirectTemp and RedirectPermanent as Apache httpd
// answers them: the same directives given to Debian's apache2 (apache_harness.h) and to
// tern in the same test, and the answers compared (status, Location, Content-Type, body).

#include <gtest/gtest.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

class RedirectVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    apache_.root().write("shared/a/b", "aliased file\n");
    apache_.put("oldish", "a DocumentRoot file\n");
    tern_.put("oldish", "a DocumentRoot file\n");
    const std::string shared = apache_.root().path() + "/shared";
    // The Alias comes first in the file, yet httpd checks redirects before aliases.
    const std::string conf = "Alias /old/ " + shared + "/\n" +
                             "Redirect /old http://new.test/n\n"
                             "Redirect permanent /perm /target/dir\n"
                             "RedirectMatch ^/m/(\\w+)/(\\d+)$ http://new.test/item?name=$1&id=$2\n"
                             "RedirectMatch 301 ^/cap/(.*)$ http://new.test/c/$1\n"
                             "Redirect gone /gone\n"
                             "Redirect seeother /see http://new.test/other\n"
                             "Redirect 301 /num http://new.test/n301\n"
                             "RedirectTemp /tmp http://new.test/t\n"
                             "RedirectPermanent /pp http://new.test/p\n"
                             "Redirect 308 /eight /eight-new\n"
                             "RedirectMatch ^/sp/(.*)$ \"http://new.test:80/a b/$1#frag\"\n";
    start_both(apache_, tern_, "", "", conf);
  }

  // The same request to both servers; compares status, Location, Content-Type and body.
  void compare(const std::string& method, const std::string& target,
               const std::vector<std::string>& headers = {}) {
    SCOPED_TRACE(method + " " + target);
    compare_with_apache(apache_, tern_, http_request(method, target, headers), method == "HEAD",
                        {"location", "content-type"}, &last_);
  }

  ApacheServer apache_;
  Server tern_;
  Response last_;  // apache's answer to the last compare()
};

TEST_F(RedirectVersusApache, PrefixWithExtraPathAndQuery) {
  compare("GET", "/old/a/b?x=1&y=2");
  EXPECT_EQ(last_.status, 302);  // not the aliased file: redirects come first
  EXPECT_EQ(headers_map(last_)["location"], "http://new.test/n/a/b?x=1&y=2");
  compare("GET", "/old");
  compare("GET", "/old/with%20space/%C3%A9;x");
  compare("GET", "/oldish");  // a segment boundary: the DocumentRoot's file
  EXPECT_EQ(last_.status, 200);
  compare("HEAD", "/old/a");
}

TEST_F(RedirectVersusApache, AbsPathTargetTakesTheHostAndPort) {
  compare("GET", "/perm/x?q");
  EXPECT_EQ(last_.status, 301);
  compare("GET", "/perm/x", {"Host: Example.Test:8081"});
  EXPECT_EQ(headers_map(last_)["location"], "http://example.test:8081/target/dir/x");
  compare("GET", "/eight/z?k=v");
  EXPECT_EQ(last_.status, 308);
}

TEST_F(RedirectVersusApache, RedirectMatchWithCaptures) {
  compare("GET", "/m/abc/42?q=1");  // the target's own query: the request's is dropped
  EXPECT_EQ(headers_map(last_)["location"], "http://new.test/item?name=abc&id=42");
  compare("GET", "/m/abc/x");  // no match: 404
  EXPECT_EQ(last_.status, 404);
  compare("GET", "/cap/x%20y?z=1");
  EXPECT_EQ(last_.status, 301);
  compare("GET", "/sp/x%20y?z");  // escaped, the default port left out, the query appended
  EXPECT_EQ(last_.status, 302);
}

TEST_F(RedirectVersusApache, GoneSeeOtherNumericAndShortForms) {
  compare("GET", "/gone/x?y");
  EXPECT_EQ(last_.status, 410);
  compare("GET", "/see");
  EXPECT_EQ(last_.status, 303);
  compare("GET", "/num/");
  EXPECT_EQ(last_.status, 301);
  compare("GET", "/tmp/");
  EXPECT_EQ(last_.status, 302);
  compare("POST", "/pp");
  EXPECT_EQ(last_.status, 301);
}

}  // namespace
}  // namespace tern::test
