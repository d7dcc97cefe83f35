// Event-MPM limit checks: each adjustment is applied as httpd 2.4 does and
// reported as a "file:line: …" warning.

#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace tern {
namespace {

class ConfigMpm : public testing::ConfigTest {};

TEST_F(ConfigMpm, ConsistentValuesProduceNoWarnings) {
  auto c =
      ok("ServerLimit 40\nThreadLimit 100\nThreadsPerChild 50\nMaxRequestWorkers 2000\n"
         "StartServers 4\nMinSpareThreads 10\nMaxSpareThreads 60\n");
  EXPECT_TRUE(c->warnings.empty());
  EXPECT_EQ(c->server_limit, 40);
  EXPECT_EQ(c->thread_limit, 100);
  EXPECT_EQ(c->threads_per_child, 50);
  EXPECT_EQ(c->max_request_workers, 2000);
  EXPECT_EQ(c->start_servers, 4);
  EXPECT_EQ(c->min_spare_threads, 10);
  EXPECT_EQ(c->max_spare_threads, 60);
}

TEST_F(ConfigMpm, DefaultMaxRequestWorkersIsServerLimitTimesThreadsPerChild) {
  auto c = ok("ServerLimit 4\nThreadsPerChild 10\n");
  EXPECT_EQ(c->max_request_workers, 40);
  EXPECT_TRUE(c->warnings.empty());
}

TEST_F(ConfigMpm, ThreadsPerChildAboveThreadLimitIsLowered) {
  auto c = ok("\nThreadsPerChild 100\n");
  EXPECT_EQ(c->threads_per_child, 64);
  EXPECT_EQ(c->max_request_workers, 16 * 64);
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_EQ(c->warnings[0],
            "t.conf:2: ThreadsPerChild of 100 exceeds ThreadLimit of 64, "
            "lowered to 64");
}

TEST_F(ConfigMpm, ThreadLimitBounds) {
  auto c = ok("ThreadLimit 200000\nThreadsPerChild 25\n");
  EXPECT_EQ(c->thread_limit, 100000);
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_EQ(c->warnings[0],
            "t.conf:1: ThreadLimit of 200000 exceeds compile-time limit of "
            "100000 threads, lowered to 100000");
  c = ok("ThreadLimit 0\n");
  EXPECT_EQ(c->thread_limit, 1);
  EXPECT_EQ(c->threads_per_child, 1);
  ASSERT_GE(c->warnings.size(), 2u);
  EXPECT_EQ(c->warnings[0], "t.conf:1: ThreadLimit of 0 not allowed, raised to 1");
  EXPECT_EQ(c->warnings[1],
            "t.conf:1: ThreadsPerChild of 25 exceeds ThreadLimit of 1, "
            "lowered to 1");
}

TEST_F(ConfigMpm, ServerLimitBounds) {
  auto c = ok("ServerLimit 30000\n");
  EXPECT_EQ(c->server_limit, 20000);
  EXPECT_EQ(c->warnings.at(0),
            "t.conf:1: ServerLimit of 30000 exceeds compile-time limit of "
            "20000 servers, lowered to 20000");
  c = ok("ServerLimit 0\n");
  EXPECT_EQ(c->server_limit, 1);
  EXPECT_EQ(c->max_request_workers, 25);
  EXPECT_EQ(c->start_servers, 1);
  ASSERT_EQ(c->warnings.size(), 2u);
  EXPECT_EQ(c->warnings[0], "t.conf:1: ServerLimit of 0 not allowed, raised to 1");
  EXPECT_EQ(c->warnings[1],
            "t.conf:1: StartServers of 3 exceeds the 1 servers allowed by "
            "MaxRequestWorkers/ThreadsPerChild, lowered to 1");
}

TEST_F(ConfigMpm, ThreadsPerChildZeroIsRaised) {
  auto c = ok("ThreadsPerChild 0\n");
  EXPECT_EQ(c->threads_per_child, 1);
  EXPECT_EQ(c->warnings.at(0), "t.conf:1: ThreadsPerChild of 0 not allowed, raised to 1");
}

TEST_F(ConfigMpm, MaxRequestWorkersBelowThreadsPerChildIsRaised) {
  auto c = ok("MaxRequestWorkers 10\n");
  EXPECT_EQ(c->max_request_workers, 25);
  EXPECT_EQ(c->start_servers, 1);
  ASSERT_EQ(c->warnings.size(), 2u);
  EXPECT_EQ(c->warnings[0],
            "t.conf:1: MaxRequestWorkers of 10 is less than ThreadsPerChild of "
            "25, raised to 25");
  EXPECT_EQ(c->warnings[1],
            "t.conf:1: StartServers of 3 exceeds the 1 servers allowed by "
            "MaxRequestWorkers/ThreadsPerChild, lowered to 1");
}

TEST_F(ConfigMpm, MaxRequestWorkersIsRoundedDownToMultiple) {
  auto c = ok("MaxRequestWorkers 410\n");
  EXPECT_EQ(c->max_request_workers, 400);
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_EQ(c->warnings[0],
            "t.conf:1: MaxRequestWorkers of 410 is not an integer multiple of "
            "ThreadsPerChild of 25, lowered to 400");
}

TEST_F(ConfigMpm, MaxRequestWorkersIsCappedByServerLimit) {
  auto c = ok("MaxRequestWorkers 1000\n");
  EXPECT_EQ(c->max_request_workers, 400);
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_EQ(c->warnings[0],
            "t.conf:1: MaxRequestWorkers of 1000 would require 40 servers and "
            "exceed ServerLimit of 16, lowered to 400");
}

TEST_F(ConfigMpm, StartServersBounds) {
  auto c = ok("StartServers 0\n");
  EXPECT_EQ(c->start_servers, 1);
  EXPECT_EQ(c->warnings.at(0), "t.conf:1: StartServers of 0 not allowed, raised to 1");
  c = ok("ServerLimit 2\n\nStartServers 5\n");
  EXPECT_EQ(c->start_servers, 2);
  EXPECT_EQ(c->warnings.at(0),
            "t.conf:3: StartServers of 5 exceeds the 2 servers allowed by "
            "MaxRequestWorkers/ThreadsPerChild, lowered to 2");
}

TEST_F(ConfigMpm, SpareThreads) {
  auto c = ok("MinSpareThreads 0\nMaxSpareThreads 0\n");
  EXPECT_EQ(c->min_spare_threads, 1);
  EXPECT_EQ(c->max_spare_threads, 26);
  ASSERT_EQ(c->warnings.size(), 2u);
  EXPECT_EQ(c->warnings[0], "t.conf:1: MinSpareThreads of 0 not allowed, raised to 1");
  EXPECT_EQ(c->warnings[1],
            "t.conf:2: MaxSpareThreads of 0 is less than MinSpareThreads + "
            "ThreadsPerChild, raised to 26");
  c = ok("MinSpareThreads 300\n");
  EXPECT_EQ(c->max_spare_threads, 325);
  EXPECT_EQ(c->warnings.at(0),
            "t.conf:1: MaxSpareThreads of 250 is less than MinSpareThreads + "
            "ThreadsPerChild, raised to 325");
}

TEST_F(ConfigMpm, NegativeAndJunkValuesAreErrors) {
  LoadResult r = testing::load("ThreadsPerChild -4\n", dir.path());
  EXPECT_EQ(r.error, "t.conf:1: ThreadsPerChild: '-4' must not be negative");
  r = testing::load("ServerLimit 16x\n", dir.path());
  EXPECT_EQ(r.error, "t.conf:1: ServerLimit: '16x' is not a number");
  r = testing::load("MaxRequestWorkers 99999999999\n", dir.path());
  EXPECT_EQ(r.error,
            "t.conf:1: MaxRequestWorkers: '99999999999' is out of range "
            "(0..2147483647)");
}

}  // namespace
}  // namespace tern
