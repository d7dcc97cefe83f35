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

TEST(Response, SharedBytesAreSentWithoutACopyAndKeptAlive) {
  Response r;
  auto bytes = std::make_shared<const std::string>("shared body");
  r.append_body("head ");
  r.append_shared(bytes);
  r.append_body(" tail");  // not merged into the shared chunk
  ASSERT_EQ(r.chunks.size(), 3u);
  EXPECT_EQ(r.body_length(), 21u);
  EXPECT_EQ(r.memory(r.chunks[0]), "head ");
  EXPECT_EQ(r.memory(r.chunks[1]).data(), bytes->data());  // the owner's bytes, not a copy
  EXPECT_EQ(r.memory(r.chunks[2]), " tail");
  std::weak_ptr<const std::string> alive = bytes;
  bytes.reset();
  EXPECT_EQ(r.memory(r.chunks[1]), "shared body");  // the response holds them
  r.clear_body();
  EXPECT_TRUE(alive.expired());
  EXPECT_EQ(r.body_length(), 0u);
}

}  // namespace
}  // namespace tern
