#include "mpm/thread_state.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

namespace tern {
namespace {

using namespace std::chrono_literals;

TEST(ThreadState, RunningAndSleepingThreads) {
  EXPECT_EQ(thread_state(::gettid()), 'R');  // the caller is on a CPU
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  std::atomic<pid_t> tid{0};
  std::thread sleeper([&] {
    tid = ::gettid();
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return go; });
  });
  // Blocked in the condition variable: sleeping (S), as a worker stuck in a blocking call.
  char state = '?';
  for (int i = 0; i < 2000 && state != 'S'; ++i) {
    std::this_thread::sleep_for(1ms);
    if (tid != 0) state = thread_state(tid);
  }
  EXPECT_EQ(state, 'S');
  {
    std::lock_guard lk(mu);
    go = true;
  }
  cv.notify_one();
  sleeper.join();
  EXPECT_EQ(thread_state(0x7ffffff0), '?');  // no such thread
}

}  // namespace
}  // namespace tern
