#include "modules/alias/redirect_map.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

RedirectSpec prefix(std::string url, std::string target, int status = 302) {
  RedirectSpec rd;
  rd.url = std::move(url);
  rd.target = std::move(target);
  rd.status = status;
  return rd;
}

RedirectSpec regex(const char* re, std::string target, int status = 302) {
  RedirectSpec rd = prefix(re, std::move(target), status);
  RegexError e;
  rd.regex = std::make_shared<const Regex>(*Regex::compile(re, kRegexDefaultOptions, &e));
  return rd;
}

// One request: its decoded path, its query (when `query` is not null) and its Host.
struct Probe {
  Request req;
  RequestContext ctx;
  std::string location;
  int run(const std::vector<RedirectSpec>& rds, std::string_view path, const char* query,
          std::string_view host = "example.test", std::string_view server_name = "") {
    req.host = host;
    req.has_query = query != nullptr;
    req.query = query != nullptr ? query : "";
    ctx.local_ip = "10.0.0.1";
    ctx.local_port = 8080;
    return map_redirect(rds, req, ctx, path, server_name, &location);
  }
};

TEST(RedirectMap, StatusWords) {
  int s = 0;
  EXPECT_TRUE(redirect_status_word("permanent", &s));
  EXPECT_EQ(s, 301);
  EXPECT_TRUE(redirect_status_word("Temp", &s));
  EXPECT_EQ(s, 302);
  EXPECT_TRUE(redirect_status_word("SEEOTHER", &s));
  EXPECT_EQ(s, 303);
  EXPECT_TRUE(redirect_status_word("gone", &s));
  EXPECT_EQ(s, 410);
  EXPECT_TRUE(redirect_status_word("307", &s));
  EXPECT_EQ(s, 307);
  EXPECT_TRUE(redirect_status_word("308x", &s));  // atoi's leading digits, as httpd
  EXPECT_EQ(s, 308);
  EXPECT_FALSE(redirect_status_word("/old", &s));
  EXPECT_FALSE(redirect_status_word("permanently", &s));
}

TEST(RedirectMap, IsAbsoluteUrl) {
  EXPECT_TRUE(is_absolute_url("http://x/"));
  EXPECT_TRUE(is_absolute_url("mailto:a@b"));
  EXPECT_TRUE(is_absolute_url("svn+ssh://x"));
  EXPECT_FALSE(is_absolute_url("/path"));
  EXPECT_FALSE(is_absolute_url("relative/path"));
  EXPECT_FALSE(is_absolute_url(":nothing"));
  EXPECT_FALSE(is_absolute_url("a b:c"));
}

TEST(RedirectMap, EscapesAsOsEscapePath) {
  std::string out;
  append_os_escaped_path(out, "/a b/%?#\"<>;:@&=+$,~!*'()\xc3\xa9");
  EXPECT_EQ(out, "/a%20b/%25%3f%23%22%3c%3e;:@&=+$,~!*'()%c3%a9");
}

TEST(RedirectMap, PrefixAppendsTheRestAndTheQuery) {
  std::vector<RedirectSpec> rds{prefix("/old", "http://new.test/n")};
  Probe p;
  EXPECT_EQ(p.run(rds, "/old/a b/c", "x=1&y=2"), 302);
  EXPECT_EQ(p.location, "http://new.test/n/a%20b/c?x=1&y=2");
  EXPECT_EQ(p.run(rds, "/old", nullptr), 302);
  EXPECT_EQ(p.location, "http://new.test/n");
  EXPECT_EQ(p.run(rds, "/old", ""), 302);  // a bare '?' stays, as httpd's r->args ""
  EXPECT_EQ(p.location, "http://new.test/n?");
  EXPECT_EQ(p.run(rds, "/oldish", nullptr), 0);  // segment boundary
  EXPECT_EQ(p.run(rds, "/", nullptr), 0);
}

TEST(RedirectMap, TargetWithItsOwnQueryKeepsIt) {
  std::vector<RedirectSpec> rds{prefix("/q", "http://new.test/?from=q")};
  Probe p;
  EXPECT_EQ(p.run(rds, "/q", "lost=1"), 302);
  EXPECT_EQ(p.location, "http://new.test/?from=q");
}

TEST(RedirectMap, AbsPathTargetGetsTheRequestsHostAndPort) {
  std::vector<RedirectSpec> rds{prefix("/a", "/b", 301)};
  Probe p;
  EXPECT_EQ(p.run(rds, "/a/x", nullptr, "Example.Test:8080"), 301);
  EXPECT_EQ(p.location, "http://example.test:8080/b/x");
  EXPECT_EQ(p.run(rds, "/a/x", nullptr, "example.test:80"), 301);
  EXPECT_EQ(p.location, "http://example.test/b/x");
  // No Host (HTTP/1.0): ServerName and its port.
  EXPECT_EQ(p.run(rds, "/a", nullptr, "", "www.test:81"), 301);
  EXPECT_EQ(p.location, "http://www.test:81/b");
  // A Host without a port: ServerName's port, else the scheme's.
  EXPECT_EQ(p.run(rds, "/a", nullptr, "h.test", "www.test:81"), 301);
  EXPECT_EQ(p.location, "http://h.test:81/b");
  EXPECT_EQ(p.run(rds, "/a", nullptr, "[::1]:9", ""), 301);
  EXPECT_EQ(p.location, "http://[::1]:9/b");
}

TEST(RedirectMap, RegexSubstitutesAndEscapesButNotTheQuery) {
  std::vector<RedirectSpec> rds{regex("^/m/(\\w+)/(.*)$", "http://new.test/$2 x?n=$1#f")};
  Probe p;
  EXPECT_EQ(p.run(rds, "/m/abc/d e", "lost=1"), 302);
  EXPECT_EQ(p.location, "http://new.test/d%20e%20x?n=abc#f");
  std::vector<RedirectSpec> plain{regex("^/p/(.*)$", "http://new.test/$1", 301)};
  EXPECT_EQ(p.run(plain, "/p/z", "kept=1"), 301);
  EXPECT_EQ(p.location, "http://new.test/z?kept=1");
  std::vector<RedirectSpec> port{regex("^/d(.*)$", "http://new.test:80$1")};
  EXPECT_EQ(p.run(port, "/d/q", nullptr), 302);  // the scheme's port left out, as apr
  EXPECT_EQ(p.location, "http://new.test/q");
}

TEST(RedirectMap, RegexToNonUrlIs500) {
  std::vector<RedirectSpec> rds{regex("^/r(.*)$", "nowhere$1")};
  Probe p;
  EXPECT_EQ(p.run(rds, "/r/x", nullptr), 500);
  EXPECT_EQ(p.location, "");
}

TEST(RedirectMap, GoneAndFirstMatchWins) {
  std::vector<RedirectSpec> rds{prefix("/g", "", 410), prefix("/g/x", "http://never.test/"),
                                prefix("/", "http://all.test/")};
  Probe p;
  EXPECT_EQ(p.run(rds, "/g/x", "q"), 410);
  EXPECT_EQ(p.location, "");
  EXPECT_EQ(p.run(rds, "/other", nullptr), 302);
  EXPECT_EQ(p.location, "http://all.test/other");
}

}  // namespace
}  // namespace tern
