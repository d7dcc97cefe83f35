#include "server/scoreboard.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tern
