// Regular expressions against hostile paths, end to end: a long path that made
// std::regex overflow a child's stack, and a catastrophic pattern that hits PCRE2's
// match limit. The child answers and lives on.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace tern::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
}

TEST(RegexLimits, HostilePathsNeitherCrashNorStallTheChild) {
  Server s;
  s.put("index.html", "home\n");
  s.put("aaa", "three a\n");
  // One child (MaxRequestWorkers = ThreadsPerChild), so "the same child" is checkable.
  ASSERT_TRUE(
      s.start("MaxRequestWorkers 4\nLimitRequestLine 65536\n"
              "<LocationMatch \"^/(a|b)*x\">\nRequire all denied\n</LocationMatch>\n"
              "<LocationMatch \"^/c/(a+)+$\">\nRequire all denied\n</LocationMatch>\n"))
      << s.log();
  // The listen socket is open before the child is forked: wait for it (bounded).
  std::vector<pid_t> kids;
  for (auto end = Clock::now() + std::chrono::seconds(10);
       kids.size() != 1 && Clock::now() < end;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kids = children_of(s.pid());
  }
  ASSERT_EQ(kids.size(), 1u);

  // The crash of issue 9: std::regex recursed once per character (SIGSEGV). Now the
  // pattern is decided (no 'x': no match) and the path is simply not found.
  auto r = fetch(s.port(), get("/" + std::string(30000, 'a')));
  ASSERT_TRUE(r.has_value()) << "no response; error log:\n" << s.read("logs/error_log");
  EXPECT_EQ(r->status, 404);
  // The section still applies where it matches.
  r = fetch(s.port(), get("/abx"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 403);

  // Exponential backtracking: the match limit stops it; that request gets a 500.
  r = fetch(s.port(), get("/c/" + std::string(30000, 'a') + "b"));
  ASSERT_TRUE(r.has_value()) << "no response; error log:\n" << s.read("logs/error_log");
  EXPECT_EQ(r->status, 500);
  r = fetch(s.port(), get("/c/aaa"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 403);

  // A new connection is served by the same child.
  r = fetch(s.port(), get("/aaa"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "three a\n");
  EXPECT_EQ(children_of(s.pid()), kids);

  std::string log = s.read("logs/error_log");
  EXPECT_EQ(log.find("exit signal"), std::string::npos) << log;
  const size_t at = log.find("LocationMatch '^/c/(a+)+$'");
  ASSERT_NE(at, std::string::npos) << log;
  const size_t line_start = log.rfind('\n', at) + 1;
  const std::string line = log.substr(line_start, log.find('\n', at) - line_start);
  EXPECT_NE(line.find(":error]"), std::string::npos) << line;
  EXPECT_NE(line.find("match limit"), std::string::npos) << line;
  EXPECT_LT(line.size(), 500u) << line;  // the 30 KB path is not copied into the log
  EXPECT_EQ(s.stop(), 0);
}

}  // namespace
}  // namespace tern::test
