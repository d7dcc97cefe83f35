#include "http/request.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(Request, HeaderLookupIsCaseInsensitive) {
  Request r;
  r.headers.push_back({"Content-Type", "text/plain"});
  ASSERT_TRUE(r.header("content-type").has_value());
  EXPECT_EQ(*r.header("CONTENT-TYPE"), "text/plain");
  EXPECT_FALSE(r.header("Host").has_value());
}

}  // namespace
}  // namespace tern
