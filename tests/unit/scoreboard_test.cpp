#include "server/scoreboard.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace tern {
namespace {

TEST(Scoreboard, SharedAcrossFork) {
  std::string err;
  auto sb = Scoreboard::create(4, 8, "", &err);
  ASSERT_TRUE(sb) << err;
  EXPECT_EQ(sb->worker(3, 7).status.load(), '.');
  pid_t pid = fork();
  if (pid == 0) {
    sb->process(2).pid = getpid();
    sb->worker(2, 5).accesses = 42;
    sb->worker(2, 5).set_request("127.0.0.1", "HTTP/1.1", "host", "GET / HTTP/1.1", "GET");
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  EXPECT_EQ(sb->process(2).pid.load(), pid);
  EXPECT_EQ(sb->worker(2, 5).accesses.load(), 42u);
  std::string c, p, v, r, m;
  ASSERT_TRUE(sb->worker(2, 5).read_request(c, p, v, r, m));
  EXPECT_EQ(r, "GET / HTTP/1.1");
  EXPECT_EQ(c, "127.0.0.1");
  sb->reset_process(2);
  EXPECT_EQ(sb->process(2).pid.load(), 0);
  EXPECT_EQ(sb->worker(2, 5).accesses.load(), 0u);
}

TEST(Scoreboard, LongFieldsAreTruncated) {
  std::string err;
  auto sb = Scoreboard::create(1, 1, "", &err);
  ASSERT_TRUE(sb);
  sb->worker(0, 0).set_request("c", "p", "v", std::string(500, 'x'), "GET");
  std::string c, p, v, r, m;
  ASSERT_TRUE(sb->worker(0, 0).read_request(c, p, v, r, m));
  EXPECT_EQ(r.size(), 127u);
}

TEST(Scoreboard, ReaderNeverSeesATornRequest) {
  std::string err;
  auto sb = Scoreboard::create(1, 1, "", &err);
  ASSERT_TRUE(sb);
  WorkerScore& w = sb->worker(0, 0);
  w.set_request("a", "A", "aa", "GET /a HTTP/1.1", "GET");
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 200000; ++i) {
      if (i % 2) {
        w.set_request("a", "A", "aa", "GET /a HTTP/1.1", "GET");
      } else {
        w.set_request("bbbbbbbb", "BB", "bbbbbbbbbbbbbbbbb", "POST /bbbbbbbbbbbbbbb HTTP/1.0",
                      "POST");
      }
    }
    done = true;
  });
  int consistent = 0;
  while (!done.load()) {
    std::string c, p, v, r, m;
    if (!w.read_request(c, p, v, r, m)) continue;  // kept changing: allowed
    bool a = c == "a" && p == "A" && v == "aa" && r == "GET /a HTTP/1.1" && m == "GET";
    bool b = c == "bbbbbbbb" && p == "BB" && v == "bbbbbbbbbbbbbbbbb" &&
             r == "POST /bbbbbbbbbbbbbbb HTTP/1.0" && m == "POST";
    ASSERT_TRUE(a || b) << c << "|" << p << "|" << v << "|" << r << "|" << m;
    ++consistent;
  }
  writer.join();
  EXPECT_GT(consistent, 0);
}

}  // namespace
}  // namespace tern
