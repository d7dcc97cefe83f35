#include "log/log_rate_limit.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(LogRateLimit, FirstEventLogsAtOnceLaterOnesAreCounted) {
  LogRateLimiter lim(10000);
  EXPECT_TRUE(lim.event(1000));
  EXPECT_FALSE(lim.event(1001));
  EXPECT_FALSE(lim.event(5000));
  EXPECT_EQ(lim.pending(), 2u);
  // No summary before the interval has passed since the first line.
  EXPECT_EQ(lim.take_summary(10999).count, 0u);
  LogRateLimiter::Summary s = lim.take_summary(11000);
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.since_ms, 10000);
  EXPECT_EQ(lim.pending(), 0u);
  EXPECT_EQ(lim.take_summary(30000).count, 0u);  // nothing new: no line
}

TEST(LogRateLimit, ASteadyStormGivesOneLinePerInterval) {
  LogRateLimiter lim(10000);
  int lines = 0;
  uint64_t reported = 0;
  // 10 events a second for 60 s, the owner polling for summaries every 100 ms.
  for (int64_t t = 0; t < 60000; t += 100) {
    if (lim.event(t)) {
      ++lines;
      ++reported;
    }
    LogRateLimiter::Summary s = lim.take_summary(t);
    if (s.count > 0) {
      ++lines;
      reported += s.count;
    }
  }
  EXPECT_EQ(lines, 6);  // the first event at 0, summaries at 10, 20, 30, 40, 50 s
  EXPECT_EQ(reported + lim.pending(), 600u);  // every event is accounted for
}

TEST(LogRateLimit, AfterAQuietIntervalTheNextEventLogsAtOnce) {
  LogRateLimiter lim(1000);
  EXPECT_TRUE(lim.event(0));
  EXPECT_FALSE(lim.event(500));
  EXPECT_EQ(lim.take_summary(1000).count, 1u);
  // The summary was a line: an event right after it is counted, not logged.
  EXPECT_FALSE(lim.event(1200));
  EXPECT_EQ(lim.take_summary(2000).count, 1u);
  // A quiet interval: the next event is a first again.
  EXPECT_TRUE(lim.event(3500));
  EXPECT_EQ(lim.pending(), 0u);
}

TEST(LogRateLimit, BatchesAreLoggedOrCountedWhole) {
  LogRateLimiter lim(1000);
  EXPECT_TRUE(lim.event(0, 16));  // the caller logs all 16
  EXPECT_EQ(lim.pending(), 0u);
  EXPECT_FALSE(lim.event(10, 0));  // nothing happened
  EXPECT_FALSE(lim.event(20, 16));
  EXPECT_FALSE(lim.event(30, 3));
  EXPECT_EQ(lim.take_summary(1000).count, 19u);
}

}  // namespace
}  // namespace tern
