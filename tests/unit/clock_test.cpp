#include "mpm/clock.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

// Deadlines computed from the coarse stamp must never come early: read after
// monotonic_ms(), it is never behind it, however the two calls fall between ticks.
TEST(Clock, CoarseCeilingIsNeverBehindTheMonotonicClock) {
  for (int i = 0; i < 200000; ++i) {
    const int64_t precise = monotonic_ms();
    const int64_t ceiling = coarse_monotonic_ceil_ms();
    ASSERT_GE(ceiling, precise) << "after " << i << " reads";
  }
}

// The plain coarse clock is the one that lags (busy and free stamps tolerate that); the
// ceiling is the coarse clock plus one tick.
TEST(Clock, CeilingIsTheCoarseClockPlusItsResolution) {
  timespec r{};
  ASSERT_EQ(clock_getres(CLOCK_MONOTONIC_COARSE, &r), 0);
  const int64_t tick_ms = static_cast<int64_t>(r.tv_sec) * 1000 + (r.tv_nsec + 999999) / 1000000;
  ASSERT_GE(tick_ms, 1);
  // The coarse clock may advance between the two reads: retry until it did not.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int64_t before = coarse_monotonic_ms();
    const int64_t ceiling = coarse_monotonic_ceil_ms();
    const int64_t after = coarse_monotonic_ms();
    if (before != after) continue;
    EXPECT_EQ(ceiling, before + tick_ms);
    return;
  }
  FAIL() << "the coarse clock moved during every attempt";
}

}  // namespace
}  // namespace tern
