// util/fnv1a.h against the published FNV-1a test vectors (32 and 64 bits).

#include "util/fnv1a.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(Fnv1a, PublishedVectors) {
  EXPECT_EQ(fnv1a<uint32_t>(""), 0x811c9dc5u);
  EXPECT_EQ(fnv1a<uint32_t>("a"), 0xe40c292cu);
  EXPECT_EQ(fnv1a<uint32_t>("foobar"), 0xbf9cf968u);
  EXPECT_EQ(fnv1a<uint64_t>(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a<uint64_t>("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a<uint64_t>("foobar"), 0x85944171f73967e8ull);
  // Bytes above 0x7f hash as unsigned octets.
  EXPECT_NE(fnv1a<uint64_t>("\xff"), fnv1a<uint64_t>("\x7f"));
}

}  // namespace
}  // namespace tern
