#include "mpm/fd_limit.h"

#include <sys/resource.h>

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(FdLimit, RaisesTheSoftLimitToTheHardLimit) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = 32;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  FdLimit r = raise_fd_limit();
  rlimit now{};
  ::getrlimit(RLIMIT_NOFILE, &now);
  ::setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.before, 32u);
  EXPECT_EQ(r.soft, saved.rlim_max);
  EXPECT_EQ(r.hard, saved.rlim_max);
  EXPECT_EQ(now.rlim_cur, saved.rlim_max);
}

TEST(FdLimit, NeedCoversWhatAChildAdmitsWithEveryWorkerIdle) {
  Config c;  // tern's defaults: 25 threads, factor 256, no Listen yet
  EXPECT_EQ(fds_needed_per_process(c), 25u + 256u * 25u + 25u + 64u);
  c.threads_per_child = 64;
  c.async_request_worker_factor = 160;
  c.listens.resize(2);
  EXPECT_EQ(fds_needed_per_process(c), 64u + 160u * 64u + 64u + 2u + 64u);
}

}  // namespace
}  // namespace tern
