#include "mpm/spawn_policy.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

SpawnInput base() {
  SpawnInput in;
  in.server_limit = 16;
  in.threads_per_child = 25;
  in.max_request_workers = 400;
  in.min_spare_threads = 75;
  in.max_spare_threads = 250;
  in.active_children = 3;
  in.total_children = 3;
  in.free_slots = 13;
  in.idle_threads = 100;
  return in;
}

TEST(SpawnPolicy, ActiveLimitIsWorkersOverThreads) {
  EXPECT_EQ(active_children_limit(400, 25), 16);
  EXPECT_EQ(active_children_limit(10, 4), 2);
  EXPECT_EQ(active_children_limit(1, 4), 1);
  EXPECT_EQ(active_children_limit(10, 0), 0);
}

TEST(SpawnPolicy, BetweenMinAndMaxDoesNothingAndResetsRate) {
  SpawnInput in = base();
  in.spawn_rate = 8;
  SpawnDecision d = plan_maintenance(in);
  EXPECT_EQ(d.spawn, 0);
  EXPECT_FALSE(d.stop_one);
  EXPECT_EQ(d.next_spawn_rate, 1);
}

TEST(SpawnPolicy, BelowMinSpawnsAtRateThatDoublesUpTo32) {
  SpawnInput in = base();
  in.idle_threads = 10;
  in.server_limit = 100;
  in.free_slots = 90;
  in.max_request_workers = 2500;
  int expected[] = {1, 2, 4, 8, 16, 32, 32};
  int rate = 1;
  for (int want : expected) {
    in.spawn_rate = rate;
    SpawnDecision d = plan_maintenance(in);
    EXPECT_EQ(d.spawn, want);
    rate = d.next_spawn_rate;
  }
  EXPECT_EQ(rate, kMaxSpawnRate);
}

TEST(SpawnPolicy, SpawnCappedByActiveLimitAndFreeSlots) {
  SpawnInput in = base();
  in.idle_threads = 0;
  in.spawn_rate = 32;
  in.active_children = 14;  // limit 16
  in.total_children = 14;
  in.free_slots = 2;
  EXPECT_EQ(plan_maintenance(in).spawn, 2);
  in.free_slots = 1;
  EXPECT_EQ(plan_maintenance(in).spawn, 1);
  in.active_children = 16;
  SpawnDecision d = plan_maintenance(in);
  EXPECT_EQ(d.spawn, 0);
  EXPECT_TRUE(d.at_max_workers);
  EXPECT_EQ(d.next_spawn_rate, 1);
}

TEST(SpawnPolicy, FullScoreboardReportedWhenBelowActiveLimit) {
  SpawnInput in = base();
  in.idle_threads = 0;
  in.active_children = 10;
  in.total_children = 16;  // 6 finishing gracefully
  in.free_slots = 0;
  SpawnDecision d = plan_maintenance(in);
  EXPECT_EQ(d.spawn, 0);
  EXPECT_TRUE(d.scoreboard_full);
  EXPECT_FALSE(d.at_max_workers);
}

TEST(SpawnPolicy, AboveMaxStopsOneChild) {
  SpawnInput in = base();
  in.idle_threads = 251;
  in.spawn_rate = 4;
  SpawnDecision d = plan_maintenance(in);
  EXPECT_TRUE(d.stop_one);
  EXPECT_EQ(d.spawn, 0);
  EXPECT_EQ(d.next_spawn_rate, 1);
}

TEST(SpawnPolicy, NoStopWhenStoppingChildrenFillTheSlack) {
  SpawnInput in = base();
  in.idle_threads = 300;
  in.server_limit = 20;
  in.max_request_workers = 400;  // active limit 16
  in.active_children = 12;
  in.total_children = 14;  // two still finishing; 20 - 14 = 6 ≤ 16
  in.free_slots = 6;
  EXPECT_FALSE(plan_maintenance(in).stop_one);
  in.server_limit = 40;  // 40 - 14 = 26 > 16: room enough
  EXPECT_TRUE(plan_maintenance(in).stop_one);
  in.server_limit = 20;
  in.total_children = 12;  // none stopping
  EXPECT_TRUE(plan_maintenance(in).stop_one);
}

TEST(SpawnPolicy, NeverStopsTheLastChild) {
  SpawnInput in = base();
  in.idle_threads = 300;
  in.active_children = 1;
  in.total_children = 1;
  EXPECT_FALSE(plan_maintenance(in).stop_one);
}

TEST(SpawnPolicy, RateOutOfRangeIsClamped) {
  SpawnInput in = base();
  in.idle_threads = 0;
  in.spawn_rate = 0;
  EXPECT_EQ(plan_maintenance(in).spawn, 1);
  in.spawn_rate = 1000;
  EXPECT_EQ(plan_maintenance(in).spawn, 13);  // free slots 13 < 32
}

TEST(SpawnPolicy, StartupBackoffDoublesTo32Seconds) {
  EXPECT_EQ(startup_backoff_ms(0), 0);
  EXPECT_EQ(startup_backoff_ms(-1), 0);
  EXPECT_EQ(startup_backoff_ms(1), 1000);
  EXPECT_EQ(startup_backoff_ms(2), 2000);
  EXPECT_EQ(startup_backoff_ms(5), 16000);
  EXPECT_EQ(startup_backoff_ms(6), 32000);
  EXPECT_EQ(startup_backoff_ms(50), 32000);
}

}  // namespace
}  // namespace tern
