// mod_rewrite's server-level rules as Debian's apache2 answers them: certbot's redirect
// to https (the lines `certbot --apache --redirect` writes), redirects with back-references
// and query handling, [F], [G], [L] and conditions — the same configuration given to both
// servers, status, Location and body compared.

#include <gtest/gtest.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

constexpr const char* kRewriteConfig =
    // certbot's options for a vhost it redirects, verbatim.
    "RewriteEngine on\n"
    "RewriteCond %{SERVER_NAME} =example.com [OR]\n"
    "RewriteCond %{SERVER_NAME} =www.example.com\n"
    "RewriteRule ^ https://%{SERVER_NAME}%{REQUEST_URI} [END,NE,R=permanent]\n"
    "RewriteRule ^/old/(.*)$ /new/$1 [R=301,L]\n"
    "RewriteRule ^/esc/(.*)$ /dest/$1?k=1 [R,L]\n"
    "RewriteRule ^/chain/(.*)$ /step/$1 [R]\n"
    "RewriteCond %{QUERY_STRING} (^|&)id=([0-9]+)\n"
    "RewriteRule ^/q$ /item/%2? [R=302,L]\n"
    "RewriteRule ^/qsa$ /dest?added=1 [R,QSA,L]\n"
    "RewriteRule ^/qsd$ /dest [R,QSD,L]\n"
    "RewriteRule ^/forbidden - [F]\n"
    "RewriteRule ^/gone - [G]\n"
    "RewriteRule ^/missing - [R=404]\n"
    "RewriteCond %{HTTP_USER_AGENT} badbot [NC]\n"
    "RewriteRule ^ - [F]\n"
    "RewriteRule ^/stop - [L]\n"
    "RewriteRule ^/stop http://example.com/never [R,L]\n"
    "RewriteCond %{HTTPS} !=on\n"
    "RewriteCond %{HTTP:X-Test} ^yes$\n"
    "RewriteRule ^/header$ https://%{HTTP_HOST}/h [R=307,L]\n"
    "RewriteRule !^/(a|stop|header) /elsewhere [R=303,L]\n";

class RewriteVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    apache_.put("a.txt", "a\n");
    tern_.put("a.txt", "a\n");
    apache_.put("stop", "stopped\n");
    tern_.put("stop", "stopped\n");
    start_both(apache_, tern_,
               "LoadModule rewrite_module " + std::string(kApacheModules) + "/mod_rewrite.so\n", "",
               kRewriteConfig);
  }

  // The same request to both; compares status, Location and body; returns apache's answer.
  Response compare(const std::string& target, const std::vector<std::string>& fields = {}) {
    SCOPED_TRACE(target);
    Response a;
    compare_with_apache(apache_, tern_, http_request("GET", target, fields), false,
                        {"location", "content-type"}, &a);
    return a;
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(RewriteVersusApache, CertbotsRedirectToHttps) {
  Response r = compare("/some/page?x=1", {"Host: example.com"});
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(headers_map(r)["location"], "https://example.com/some/page?x=1");
  r = compare("/", {"Host: WWW.Example.COM:80"});
  EXPECT_EQ(r.status, 301);
  compare("/sp%20ace", {"Host: example.com"});
  r = compare("/a.txt", {"Host: other.example"});
  EXPECT_EQ(r.status, 200);
}

TEST_F(RewriteVersusApache, RedirectsWithBackReferencesAndQueries) {
  EXPECT_EQ(compare("/old/x/y").status, 301);
  Response e = compare("/esc/a%20b~c");  // the decoded capture escaped again
  EXPECT_EQ(headers_map(e)["location"], "http://127.0.0.1/dest/a%20b~c?k=1");
  e = compare("/esc/a%7Cb;c");  // ap_escape_uri: lower-case hex, ';' kept
  EXPECT_EQ(headers_map(e)["location"], "http://127.0.0.1/dest/a%7cb;c?k=1");
  // httpd 2.4.60 (CVE-2024-38474): a '?' brought in by a back-reference is refused.
  EXPECT_EQ(compare("/esc/a%3Fb").status, 403);
  Response r = compare("/q?a=1&id=42");
  EXPECT_EQ(headers_map(r)["location"], "http://127.0.0.1/item/42");
  compare("/q?none=1");
  r = compare("/qsa?orig=2");
  EXPECT_EQ(headers_map(r)["location"], "http://127.0.0.1/dest?added=1&orig=2");
  compare("/qsa");
  r = compare("/qsd?orig=2");
  EXPECT_EQ(headers_map(r)["location"], "http://127.0.0.1/dest");
  EXPECT_EQ(compare("/elsewhere-not?x=1").status, 303);
  // [R] without [L]: the walk goes on with the redirect's URL, as httpd's.
  r = compare("/chain/x?y=1");
  EXPECT_EQ(headers_map(r)["location"], "http://127.0.0.1/elsewhere?y=1");
}

TEST_F(RewriteVersusApache, StatusesConditionsAndLast) {
  EXPECT_EQ(compare("/forbidden").status, 403);
  EXPECT_EQ(compare("/gone").status, 410);
  EXPECT_EQ(compare("/missing").status, 404);
  EXPECT_EQ(compare("/a.txt", {"User-Agent: Mozilla BadBot/1.0"}).status, 403);
  EXPECT_EQ(compare("/a.txt").status, 200);
  EXPECT_EQ(compare("/stop").status, 200);
  EXPECT_EQ(compare("/header", {"X-Test: yes"}).status, 307);
  EXPECT_EQ(compare("/header", {"X-Test: no"}).status, 404);
}

}  // namespace
}  // namespace tern::test
