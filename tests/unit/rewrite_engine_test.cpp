// mod_rewrite's lines as tern reads them: httpd's forms accepted, httpd's errors kept,
// and what tern does not do yet refused (never ignored).

#include "modules/rewrite/rewrite_engine.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

std::string rule(std::vector<std::string_view> args) {
  RewriteRuleSpec r;
  return parse_rewrite_rule(args, kRegexDefaultOptions, &r);
}

std::string cond(std::vector<std::string_view> args) {
  RewriteCondSpec c;
  return parse_rewrite_cond(args, kRegexDefaultOptions, &c);
}

TEST(RewriteParse, AcceptsWhatTernApplies) {
  EXPECT_EQ(rule({"^", "https://%{SERVER_NAME}%{REQUEST_URI}", "[END,NE,R=permanent]"}), "");
  EXPECT_EQ(rule({"^/a$", "-", "[F]"}), "");
  EXPECT_EQ(rule({"!^/a$", "/b", "[R=303, L, QSA]"}), "");
  EXPECT_EQ(rule({"^/x", "-", "[R=404]"}), "");
  EXPECT_EQ(cond({"%{SERVER_NAME}", "=example.com", "[OR]"}), "");
  EXPECT_EQ(cond({"%{HTTP:X}", "!^yes$", "[NC,NV]"}), "");
  EXPECT_EQ(cond({"%{REMOTE_PORT}", "-gt1024"}), "");
}

TEST(RewriteParse, KeepsHttpdsErrors) {
  EXPECT_EQ(rule({"^", "-", "[Z]"}), "unknown flag 'Z'");
  EXPECT_EQ(rule({"^", "-", "F"}), "bad flag delimiters");
  EXPECT_EQ(rule({"^", "/x", "[R=999]"}), "invalid HTTP response code '999' for flag 'R'");
  EXPECT_EQ(rule({"("}), "bad argument line '('");
  EXPECT_EQ(cond({"%{X}", "(", "[NC]"}), "cannot compile regular expression '('");
  EXPECT_EQ(cond({"%{X}", "y", "[XX]"}), "unknown flag 'XX'");
}

TEST(RewriteParse, RefusesWhatTernDoesNotDo) {
  for (const std::string& err :
       {rule({"^/a", "/b"}),  // an internal rewrite
        rule({"^/a", "http://backend/", "[P]"}), rule({"^/a", "-", "[E=X:1]"}),
        rule({"^/a", "${map:key}", "[R]"}), cond({"%{REQUEST_FILENAME}", "!-f"}),
        cond({"%{SSL:SSL_PROTOCOL}", "=TLSv1.3"})}) {
    EXPECT_NE(err.find("not supported"), std::string::npos) << err;
  }
}

// Variable names are case-insensitive (httpd upper-cases them); a relative target is
// qualified with the request's scheme, host and port.
TEST(RewriteApply, VariablesAnyCaseAndQualifiedTargets) {
  std::vector<RewriteRuleSpec> rules(2);
  ASSERT_EQ(
      parse_rewrite_rule(std::vector<std::string_view>{"^/a$", "https://%{server_name}/x", "[R]"},
                         kRegexDefaultOptions, &rules[0]),
      "");
  ASSERT_EQ(parse_rewrite_rule(std::vector<std::string_view>{"^/b$", "/y|z;", "[R=301]"},
                               kRegexDefaultOptions, &rules[1]),
            "");
  Request req;
  req.host = "Example.COM:8080";
  RequestContext ctx;
  ctx.scheme = "http";
  RewriteRequest r;
  r.req = &req;
  r.ctx = &ctx;
  r.url_path = "/a";
  RewriteResult res = apply_rewrite_rules(rules, r);
  EXPECT_EQ(res.status, 302);
  EXPECT_EQ(res.location, "https://example.com/x");
  r.url_path = "/b";
  res = apply_rewrite_rules(rules, r);
  EXPECT_EQ(res.status, 301);
  EXPECT_EQ(res.location, "http://example.com:8080/y%7cz;");
  r.url_path = "/c";
  EXPECT_EQ(apply_rewrite_rules(rules, r).status, 0);
}

}  // namespace
}  // namespace tern
