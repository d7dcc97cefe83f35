// mod_autoindex's text primitives against httpd's and APR's definitions.

#include "modules/autoindex_text.h"

#include <gtest/gtest.h>

namespace tern::autoindex {
namespace {

TEST(AutoindexText, WildcardMatchIsHttpdsStrcmpMatch) {
  EXPECT_TRUE(wildcard_match(".htaccess", ".??*"));
  EXPECT_FALSE(wildcard_match("..", ".??*"));
  EXPECT_TRUE(wildcard_match("notes~", "*~"));
  EXPECT_TRUE(wildcard_match("a#", "*#"));
  EXPECT_TRUE(wildcard_match("x,v", "*,v"));
  EXPECT_FALSE(wildcard_match("RCSx", "RCS"));
  EXPECT_TRUE(wildcard_match("RCS", "RCS"));
  EXPECT_TRUE(wildcard_match("/srv/a/b", "*"));
  EXPECT_TRUE(wildcard_match("/srv/a/b", "/srv/*"));
  EXPECT_FALSE(wildcard_match("/srv/a/b", "/var/*"));
  EXPECT_FALSE(wildcard_match("[ab]", "a"));  // no bracket expressions
  EXPECT_TRUE(wildcard_match("Text/Plain", "text/*", true));
  EXPECT_FALSE(wildcard_match("Text/Plain", "text/*", false));
  EXPECT_TRUE(is_matchexp("*.gz"));
  EXPECT_FALSE(is_matchexp(".gz"));
}

TEST(AutoindexText, FormatSizeIsAprStrfsize) {
  EXPECT_EQ(format_size(-1), "  - ");
  EXPECT_EQ(format_size(0), "  0 ");
  EXPECT_EQ(format_size(5), "  5 ");
  EXPECT_EQ(format_size(972), "972 ");
  EXPECT_EQ(format_size(973), "1.0K");
  EXPECT_EQ(format_size(1024), "1.0K");
  EXPECT_EQ(format_size(1536), "1.5K");
  EXPECT_EQ(format_size(10 * 1024 - 1), " 10K");
  EXPECT_EQ(format_size(12345), " 12K");
  EXPECT_EQ(format_size(999 * 1024), "1.0M");
  EXPECT_EQ(format_size(5 * 1024 * 1024 + 300 * 1024), "5.3M");
  EXPECT_EQ(format_size(int64_t{3} << 30), "3.0G");
}

TEST(AutoindexText, EscapesLikeHttpd) {
  std::string out;
  append_os_escaped_path(out, "a b/é?#%\"<x>&;=", false);
  EXPECT_EQ(out, "a%20b/%c3%a9%3f%23%25%22%3cx%3e&;=");
  out.clear();
  append_os_escaped_path(out, "c:d", false);
  EXPECT_EQ(out, "./c:d");
  out.clear();
  append_os_escaped_path(out, "c:d", true);
  EXPECT_EQ(out, "c:d");
  out.clear();
  append_html_escaped(out, "<a href=\"x\">&</a>'");
  EXPECT_EQ(out, "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'");
}

TEST(AutoindexText, NaturalCompareOrdersVersions) {
  EXPECT_LT(natural_compare("file2", "file10", false), 0);
  EXPECT_GT(natural_compare("file10", "file2", false), 0);
  EXPECT_LT(natural_compare("v1.9.zip", "v1.10.zip", false), 0);
  EXPECT_EQ(natural_compare("a1", "a1", false), 0);
  EXPECT_LT(natural_compare("x0.02", "x0.1", false), 0);  // leading zeros: fractions
  EXPECT_EQ(natural_compare("ABC", "abc", true), 0);
  EXPECT_LT(natural_compare("ABC", "abc", false), 0);
  EXPECT_LT(byte_compare("B", "a", false), 0);
  EXPECT_GT(byte_compare("B", "a", true), 0);
  EXPECT_GT(byte_compare("\xc3", "z", false), 0);  // bytes compare unsigned
}

}  // namespace
}  // namespace tern::autoindex
