#include "mpm/timeout_queue.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(TimeoutQueue, FifoExpiresFromHead) {
  TimeoutQueue q(100);
  TimeoutLink a, b, c;
  q.push(&a, 0);
  q.push(&b, 10);
  q.push(&c, 20);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.pop_expired(99), nullptr);
  EXPECT_EQ(q.pop_expired(100), &a);
  EXPECT_EQ(q.pop_expired(100), nullptr);
  EXPECT_EQ(q.pop_expired(200), &b);
  EXPECT_EQ(q.pop_expired(200), &c);
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(a.queue, nullptr);
}

TEST(TimeoutQueue, RemoveFromMiddleHeadAndTail) {
  TimeoutQueue q(5);
  TimeoutLink a, b, c;
  q.push(&a, 0);
  q.push(&b, 0);
  q.push(&c, 0);
  q.remove(&b);
  EXPECT_EQ(q.front(), &a);
  q.remove(&a);
  EXPECT_EQ(q.front(), &c);
  q.remove(&c);
  EXPECT_EQ(q.front(), nullptr);
  EXPECT_EQ(q.size(), 0u);
  q.push(&b, 1);
  EXPECT_EQ(q.front(), &b);
  EXPECT_EQ(b.deadline_ms, 6);
}

TEST(TimeoutQueue, SortedQueueOrdersByDeadline) {
  TimeoutQueue q(0, true);
  TimeoutLink a, b, c, d;
  q.insert(&a, 50);
  q.insert(&b, 30);
  q.insert(&c, 70);
  q.insert(&d, 30);
  EXPECT_EQ(q.pop_expired(100), &b);
  EXPECT_EQ(q.pop_expired(100), &d);
  EXPECT_EQ(q.pop_expired(100), &a);
  EXPECT_EQ(q.pop_expired(60), nullptr);
  EXPECT_EQ(q.pop_expired(70), &c);
}

}  // namespace
}  // namespace tern
