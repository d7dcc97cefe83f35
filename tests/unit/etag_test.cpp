#include "http/etag.h"

#include <gtest/gtest.h>

#include <string>

namespace tern {
namespace {

std::string tag(uint64_t size, int64_t usec, bool weak = false) {
  char buf[kMaxEtagLength];
  return std::string(buf, make_etag(size, usec, weak, buf));
}

TEST(Etag, HttpdFormat) {
  EXPECT_EQ(tag(45, 0x432a5e4a73a80), "\"2d-432a5e4a73a80\"");
  EXPECT_EQ(tag(0, 0), "\"0-0\"");
  EXPECT_EQ(tag(45, 1, true), "W/\"2d-1\"");
  std::string big = tag(UINT64_MAX, INT64_MAX, true);
  EXPECT_EQ(big, "W/\"ffffffffffffffff-7fffffffffffffff\"");
  EXPECT_LE(big.size(), kMaxEtagLength);
}

TEST(Etag, WeakDetection) {
  EXPECT_TRUE(etag_is_weak("W/\"x\""));
  EXPECT_FALSE(etag_is_weak("\"x\""));
  EXPECT_FALSE(etag_is_weak("w/\"x\""));
}

TEST(Etag, StrongAndWeakComparison) {
  // RFC 9110 §8.8.3.2 table.
  EXPECT_FALSE(etag_strong_equal("W/\"1\"", "W/\"1\""));
  EXPECT_TRUE(etag_weak_equal("W/\"1\"", "W/\"1\""));
  EXPECT_FALSE(etag_strong_equal("W/\"1\"", "W/\"2\""));
  EXPECT_FALSE(etag_weak_equal("W/\"1\"", "W/\"2\""));
  EXPECT_FALSE(etag_strong_equal("W/\"1\"", "\"1\""));
  EXPECT_TRUE(etag_weak_equal("W/\"1\"", "\"1\""));
  EXPECT_TRUE(etag_strong_equal("\"1\"", "\"1\""));
  EXPECT_TRUE(etag_weak_equal("\"1\"", "\"1\""));
}

TEST(Etag, MalformedNeverEqual) {
  EXPECT_FALSE(etag_weak_equal("1", "1"));
  EXPECT_FALSE(etag_weak_equal("\"1", "\"1"));
  EXPECT_FALSE(etag_weak_equal("\"a\"b\"", "\"a\"b\""));
  EXPECT_FALSE(etag_weak_equal("\"\"", ""));
  EXPECT_TRUE(etag_weak_equal("\"\"", "\"\""));
  EXPECT_FALSE(etag_strong_equal("\"a b\"", "\"a b\""));
}

TEST(Etag, ListMatching) {
  const std::string_view cur = "\"2d-5\"";
  EXPECT_TRUE(etag_list_matches("\"2d-5\"", cur, true));
  EXPECT_TRUE(etag_list_matches("\"x\", \"2d-5\"", cur, true));
  EXPECT_TRUE(etag_list_matches("\"x\",\"2d-5\"", cur, true));
  EXPECT_TRUE(etag_list_matches(" \t\"x\" ,\t W/\"y\" , \"2d-5\" ", cur, true));
  EXPECT_TRUE(etag_list_matches(",,\"2d-5\",,", cur, true));
  EXPECT_FALSE(etag_list_matches("W/\"2d-5\"", cur, true));
  EXPECT_TRUE(etag_list_matches("W/\"2d-5\"", cur, false));
  EXPECT_FALSE(etag_list_matches("\"2d-6\", W/\"2d-7\"", cur, false));
  EXPECT_FALSE(etag_list_matches("", cur, false));
  EXPECT_FALSE(etag_list_matches("2d-5", cur, false));
  EXPECT_FALSE(etag_list_matches("\"2d-5\"junk", cur, false));
  EXPECT_TRUE(etag_list_matches("\"2d-5\"junk, \"2d-5\"", cur, false));
  EXPECT_FALSE(etag_list_matches("\"2d-5", cur, false));
  // A comma inside quotes belongs to the tag.
  EXPECT_TRUE(etag_list_matches("\"a,b\"", "\"a,b\"", true));
  // The weak current tag never matches strongly.
  EXPECT_FALSE(etag_list_matches("W/\"1\"", "W/\"1\"", true));
  EXPECT_TRUE(etag_list_matches("W/\"1\"", "W/\"1\"", false));
}

TEST(Etag, StarMatchesAnyCurrentRepresentation) {
  EXPECT_TRUE(etag_list_matches("*", "\"1\"", true));
  EXPECT_TRUE(etag_list_matches(" * ", "W/\"1\"", true));
  EXPECT_FALSE(etag_list_matches("*", "", true));
  EXPECT_FALSE(etag_list_matches("*, \"1\"", "\"2\"", true));
}

}  // namespace
}  // namespace tern
