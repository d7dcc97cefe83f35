#include "http/target.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(Target, OriginForm) {
  ParsedTarget t;
  ASSERT_TRUE(parse_target("/a/b%2F?x=1?y", false, false, t));
  EXPECT_EQ(t.form, TargetForm::kOrigin);
  EXPECT_EQ(t.path, "/a/b%2F");
  EXPECT_EQ(t.query, "x=1?y");
  EXPECT_TRUE(t.has_query);
  EXPECT_TRUE(t.authority.empty());
  ASSERT_TRUE(parse_target("/", false, false, t));
  EXPECT_EQ(t.path, "/");
  EXPECT_FALSE(t.has_query);
  // Printable characters outside RFC 3986 that clients send unencoded are tolerated.
  EXPECT_TRUE(parse_target("/a|b{c}\"d", false, false, t));
}

TEST(Target, AbsoluteForm) {
  ParsedTarget t;
  ASSERT_TRUE(parse_target("hTTp://h.example:8080/p?q", false, false, t));
  EXPECT_EQ(t.form, TargetForm::kAbsolute);
  EXPECT_EQ(t.authority, "h.example:8080");
  EXPECT_EQ(t.path, "/p");
  EXPECT_EQ(t.query, "q");
  ASSERT_TRUE(parse_target("https://[::1]", false, false, t));
  EXPECT_EQ(t.authority, "[::1]");
  EXPECT_EQ(t.path, "/");
  EXPECT_FALSE(t.has_query);
  for (const char* bad : {"ftp://h/", "http:/h/", "http://", "http:///p", "http://u@h/",
                          "http://h:99999/", "http://a b/", "mailto:x", "h:80"}) {
    EXPECT_FALSE(parse_target(bad, false, false, t)) << bad;
  }
}

TEST(Target, AsteriskAndAuthorityForms) {
  ParsedTarget t;
  ASSERT_TRUE(parse_target("*", false, true, t));
  EXPECT_EQ(t.form, TargetForm::kAsterisk);
  EXPECT_EQ(t.path, "*");
  EXPECT_FALSE(parse_target("*", false, false, t));
  EXPECT_FALSE(parse_target("*x", false, true, t));
  ASSERT_TRUE(parse_target("h.example:443", true, false, t));
  EXPECT_EQ(t.form, TargetForm::kAuthority);
  EXPECT_EQ(t.authority, "h.example:443");
  EXPECT_FALSE(parse_target("h.example", true, false, t));
  EXPECT_FALSE(parse_target("/p", true, false, t));
  EXPECT_FALSE(parse_target("http://h/", true, false, t));
  EXPECT_FALSE(parse_target("*", true, true, t));
}

TEST(Target, RejectsBadCharacters) {
  ParsedTarget t;
  for (const char* bad :
       {"", "/a#", "/a b", "/a\tb", "/%", "/%4", "/%4g", "/\x7f", "/\x80", "/a\x01"}) {
    EXPECT_FALSE(parse_target(bad, false, false, t)) << bad;
  }
}

}  // namespace
}  // namespace tern
