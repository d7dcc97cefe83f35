#include "mpm/read_deadline.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

// httpd 2.4's default: header=20-40,MinRate=500 body=20,MinRate=500.
constexpr ReadTimeoutRule kHeader{20, 40, 500};
constexpr ReadTimeoutRule kBody{20, 0, 500};

TEST(ReadDeadline, HeaderStartsWithTheInitialTimeout) {
  EXPECT_EQ(read_deadline_ms(kHeader, 1000, 0), 21000);
}

TEST(ReadDeadline, HeaderExtendsOneSecondPerMinRateBytes) {
  EXPECT_EQ(read_deadline_ms(kHeader, 1000, 500), 22000);
  EXPECT_EQ(read_deadline_ms(kHeader, 1000, 250), 21500);
  EXPECT_EQ(read_deadline_ms(kHeader, 1000, 1), 21002);
  EXPECT_EQ(read_deadline_ms(kHeader, 1000, 5000), 31000);
}

TEST(ReadDeadline, HeaderNeverBeyondItsMaximum) {
  EXPECT_EQ(read_deadline_ms(kHeader, 1000, 10000), 41000);
  EXPECT_EQ(read_deadline_ms(kHeader, 1000, 10001), 41000);
  EXPECT_EQ(read_deadline_ms(kHeader, 1000, 1u << 30), 41000);
}

TEST(ReadDeadline, BodyWithoutMaximumKeepsExtending) {
  EXPECT_EQ(read_deadline_ms(kBody, 0, 0), 20000);
  EXPECT_EQ(read_deadline_ms(kBody, 0, 100000), 220000);
}

TEST(ReadDeadline, ATrickleBelowMinRateDoesNotPushTheDeadlineByItsArrivalTime) {
  // A body sending one byte every 10 s: after 19 bytes (190 s of trickle) the
  // deadline has moved by 38 ms, not by 190 s.
  EXPECT_EQ(read_deadline_ms(kBody, 0, 19), 20038);
}

TEST(ReadDeadline, MinRateZeroMeansNoExtension) {
  ReadTimeoutRule r{10, 0, 0};
  EXPECT_EQ(read_deadline_ms(r, 500, 0), 10500);
  EXPECT_EQ(read_deadline_ms(r, 500, 1000000), 10500);
}

TEST(ReadDeadline, ZeroInitialTimeoutDisablesThePhase) {
  EXPECT_EQ(read_deadline_ms(ReadTimeoutRule{0, 0, 0}, 0, 0), std::nullopt);
  EXPECT_EQ(read_deadline_ms(ReadTimeoutRule{0, 0, 500}, 0, 100), std::nullopt);
}

TEST(ReadDeadline, HugeByteCountsDoNotOverflow) {
  ReadTimeoutRule r{1, 0, 1};
  auto d = read_deadline_ms(r, 0, UINT64_MAX);
  ASSERT_TRUE(d);
  EXPECT_GT(*d, 1000);
}

}  // namespace
}  // namespace tern
