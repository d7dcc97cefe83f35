#include "mpm/run_gate.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace tern {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until `pred` holds.
template <typename Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 2000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

TEST(RunGate, BaseIsClampedToOneAndMax) {
  EXPECT_EQ(RunGate(0, 8).base(), 1);
  EXPECT_EQ(RunGate(16, 8).base(), 8);
  EXPECT_EQ(RunGate(2, 8).limit(), 2);
  EXPECT_GE(usable_cpus(), 1);
}

TEST(RunGate, OnlyBaseWorkersRunUntilSlotsAreLent) {
  RunGate gate(1, 4);
  std::atomic<int> entered{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      if (gate.enter()) entered++;
    });
  }
  ASSERT_TRUE(eventually([&] { return entered.load() == 1; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(entered.load(), 1);  // the other three park
  gate.lend(1);
  ASSERT_TRUE(eventually([&] { return entered.load() == 2; }));
  gate.lend(8);  // capped at max
  ASSERT_TRUE(eventually([&] { return entered.load() == 4; }));
  EXPECT_EQ(gate.limit(), 4);
  EXPECT_EQ(gate.running(), 4);
  gate.close();
  for (auto& t : workers) t.join();
}

TEST(RunGate, ReclaimParksTheExcessAfterTheirBatch) {
  RunGate gate(1, 4);
  gate.lend(3);
  ASSERT_TRUE(gate.enter());
  ASSERT_TRUE(gate.enter());
  ASSERT_TRUE(gate.enter());
  EXPECT_TRUE(gate.yield_if_over());  // 3 running, limit 4
  gate.reclaim();                     // 1 + (4 - 1) / 2 = 2
  EXPECT_EQ(gate.limit(), 2);
  // One of the three must park: it does so in yield_if_over, until a slot frees.
  std::atomic<bool> resumed{false};
  std::thread parked([&] {
    if (gate.yield_if_over()) resumed = true;
  });
  ASSERT_TRUE(eventually([&] { return gate.running() == 2; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(resumed.load());
  gate.lend(1);
  ASSERT_TRUE(eventually([&] { return resumed.load(); }));
  EXPECT_EQ(gate.running(), 3);
  gate.reclaim();
  gate.reclaim();
  EXPECT_EQ(gate.limit(), 1);  // never below base
  parked.join();
}

TEST(RunGate, CloseReleasesParkedWorkers) {
  RunGate gate(1, 2);
  ASSERT_TRUE(gate.enter());
  std::atomic<int> refused{0};
  std::thread t([&] {
    if (!gate.enter()) refused++;
  });
  std::this_thread::sleep_for(10ms);
  gate.close();
  t.join();
  EXPECT_EQ(refused.load(), 1);
  EXPECT_FALSE(gate.enter());
}

}  // namespace
}  // namespace tern
