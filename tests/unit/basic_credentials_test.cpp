// The Authorization: Basic field as mod_auth_basic's get_basic_auth reads it.

#include "modules/auth/basic_credentials.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(BasicCredentials, DecodesUserAndPassword) {
  auto c = parse_basic_authorization("Basic YWxpY2U6c2VjcmV0");  // alice:secret
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "secret");
  c = parse_basic_authorization("bAsIc   \tYTpiOmM=");  // a:b:c, scheme any case
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "a");
  EXPECT_EQ(c->password, "b:c");
  c = parse_basic_authorization("Basic bm9jb2xvbg");  // "nocolon", no padding
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "nocolon");
  EXPECT_EQ(c->password, "");
  c = parse_basic_authorization("Basic");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "");
}

TEST(BasicCredentials, OtherSchemesAreRefused) {
  EXPECT_FALSE(parse_basic_authorization("Digest username=\"a\""));
  EXPECT_FALSE(parse_basic_authorization("Bearer abc"));
  EXPECT_FALSE(parse_basic_authorization("Basic\tYTpi"));  // the scheme ends at a space
  EXPECT_FALSE(parse_basic_authorization(""));
}

TEST(BasicCredentials, LenientBase64AsApr) {
  EXPECT_EQ(base64_decode_lenient("YWJj"), "abc");
  EXPECT_EQ(base64_decode_lenient("YWJjZA=="), "abcd");
  EXPECT_EQ(base64_decode_lenient("YWJjZA"), "abcd");
  EXPECT_EQ(base64_decode_lenient("YWJj!ZGVm"), "abc");  // stops at a non-base64 byte
  EXPECT_EQ(base64_decode_lenient(""), "");
  // A NUL in the decoded text ends it (httpd works on C strings).
  auto c = parse_basic_authorization("Basic YQBiOmM=");  // "a\0b:c"
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "a");
  EXPECT_EQ(c->password, "");
}

}  // namespace
}  // namespace tern
