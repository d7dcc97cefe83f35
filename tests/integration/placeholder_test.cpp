#include <unistd.h>
#include <gtest/gtest.h>
TEST(Placeholder, BinaryExists) { EXPECT_EQ(access(TERN_BINARY, X_OK), 0); }
