#include "http/response.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(Response, HeadersAddFindRemove) {
  Response r;
  r.add_header("Content-Type", "text/html");
  r.add_header("ETag", "\"x\"");
  EXPECT_EQ(*r.header("etag"), "\"x\"");
  r.remove_header("content-type");
  EXPECT_FALSE(r.header("Content-Type"));
  EXPECT_EQ(r.fields, "ETag: \"x\"\r\n");
}

TEST(Response, BodyChunksMergeMemory) {
  Response r;
  r.append_body("ab");
  r.append_body("cd");
  r.append_file_range(10, 5);
  ASSERT_EQ(r.chunks.size(), 2u);
  EXPECT_EQ(r.body_length(), 9u);
  EXPECT_EQ(reason_phrase(404), "Not Found");
}

}  // namespace
}  // namespace tern
