// RegexDefaultOptions and how <LocationMatch>/<Location ~> patterns are compiled at
// their line: PCRE2 syntax, the options in effect there, errors with file:line.

#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace tern {
namespace {

class ConfigRegex : public testing::ConfigTest {};

TEST_F(ConfigRegex, PatternsAreCompiledWithTheOptionsInEffectAtTheirLine) {
  auto c =
      ok("<LocationMatch ^/a$>\n</LocationMatch>\n"
         "RegexDefaultOptions +ICASE\n"
         "<Location ~ ^/b$>\n</Location>\n"
         "RegexDefaultOptions none\n"
         "<LocationMatch ^/c.$>\n</LocationMatch>\n");
  ASSERT_EQ(c->sections.size(), 3u);
  for (const LocationSpec& l : c->sections) ASSERT_TRUE(l.regex) << l.pattern;
  // Before the directive: httpd's default DOTALL DOLLAR_ENDONLY.
  const Regex& a = *c->sections[0].regex;
  EXPECT_EQ(a.options(), kRegexDotAll | kRegexDollarEndOnly);
  EXPECT_EQ(a.match("/a\n"), RegexResult::kNoMatch);
  EXPECT_EQ(a.match("/A"), RegexResult::kNoMatch);
  // After +ICASE.
  const Regex& b = *c->sections[1].regex;
  EXPECT_EQ(b.options(), kRegexDotAll | kRegexDollarEndOnly | kRegexIcase);
  EXPECT_EQ(b.match("/B"), RegexResult::kMatch);
  // After none: '.' stops at a newline and '$' matches before a final one.
  const Regex& cc = *c->sections[2].regex;
  EXPECT_EQ(cc.options(), 0u);
  EXPECT_EQ(cc.match("/c\n"), RegexResult::kNoMatch);
  EXPECT_EQ(cc.match("/cx\n"), RegexResult::kMatch);
}

TEST_F(ConfigRegex, PcreSyntaxIsAccepted) {
  auto c =
      ok("<LocationMatch \"(?i)^/(?<area>admin|ops)/(?<=/ops/)?\\d++\">\n</LocationMatch>\n"
         "<LocationMatch \"(?<!\\.php)$\">\n</LocationMatch>\n");
  ASSERT_EQ(c->sections.size(), 2u);
  EXPECT_EQ(c->sections[0].regex->group_number("area"), 1);
  EXPECT_EQ(c->sections[0].regex->match("/OPS/12"), RegexResult::kMatch);
}

TEST_F(ConfigRegex, CompileErrorsNameFileLineMessageAndOffset) {
  EXPECT_EQ(err("\n<LocationMatch \"^/(a\">\n</LocationMatch>\n"),
            "t.conf:2: <LocationMatch>: invalid regular expression '^/(a': missing closing "
            "parenthesis at offset 4");
  EXPECT_EQ(err("<Location ~ \"[z-a]\">\n</Location>\n"),
            "t.conf:1: <Location>: invalid regular expression '[z-a]': range out of order in "
            "character class at offset 3");
  // A huge pattern is quoted by a short prefix only.
  std::string e = err("<LocationMatch \"(" + std::string(10000, 'a') + "\">\n</LocationMatch>\n");
  EXPECT_LT(e.size(), 300u) << e.substr(0, 300);
  EXPECT_NE(e.find("missing closing parenthesis"), std::string::npos) << e.substr(0, 300);
  // EXTENDED changes what a pattern means, so it can make one invalid or valid.
  ok("RegexDefaultOptions +EXTENDED\n<LocationMatch \"^/a # comment (\">\n</LocationMatch>\n");
  EXPECT_NE(err("<LocationMatch \"^/a # comment (\">\n</LocationMatch>\n").find("offset"),
            std::string::npos);
}

TEST_F(ConfigRegex, RegexDefaultOptionsErrors) {
  EXPECT_EQ(err("\nRegexDefaultOptions +ICASE NEWLINE\n"),
            "t.conf:2: RegexDefaultOptions: option 'NEWLINE' unknown");
  EXPECT_EQ(err("RegexDefaultOptions\n"),
            "t.conf:1: RegexDefaultOptions: RegexDefaultOptions requires at least one argument");
  EXPECT_NE(err("<Location /x>\nRegexDefaultOptions none\n</Location>\n").find("t.conf:2: "),
            std::string::npos);
}

}  // namespace
}  // namespace tern
