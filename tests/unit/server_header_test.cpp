#include "handlers/server_header.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(ServerHeader, PerServerTokens) {
  std::string v = TERN_VERSION;  // "0.1.0" in this build
  ASSERT_EQ(v, "0.1.0");
  EXPECT_EQ(server_header_value(ServerTokens::kProd), "tern");
  EXPECT_EQ(server_header_value(ServerTokens::kMajor), "tern/0");
  EXPECT_EQ(server_header_value(ServerTokens::kMinor), "tern/0.1");
  EXPECT_EQ(server_header_value(ServerTokens::kMinimal), "tern/0.1.0");
  EXPECT_EQ(server_header_value(ServerTokens::kOS), "tern/0.1.0 (Unix)");
  EXPECT_EQ(server_header_value(ServerTokens::kFull), "tern/0.1.0 (Unix)");
}

}  // namespace
}  // namespace tern
