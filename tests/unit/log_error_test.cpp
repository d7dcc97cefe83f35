#include "log/error_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <regex>
#include <thread>

#include "log_test_util.h"

namespace tern {
namespace {

using testing_log::read_file;
using testing_log::split_lines;
using testing_log::TempDir;

class ErrorLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC0", 1);
    tzset();
    ErrorLog::reset();
  }
  void TearDown() override { ErrorLog::reset(); }
};

TEST_F(ErrorLogTest, LineFormatIsHttpd24Style) {
  std::string out;
  format_error_line(out, 1795678200LL * 1000000 + 123456, LogLevel::kError, "core", "hello", 1234,
                    5678);
  EXPECT_EQ(out, "[Thu Nov 26 07:30:00.123456 2026] [core:error] [pid 1234:tid 5678] hello\n");
  out.clear();
  format_error_line(out, 1793847845LL * 1000000 + 7, LogLevel::kTrace, "mpm_event",
                    "two\nlines \"q\"", 1, 2);
  EXPECT_EQ(out,
            "[Thu Nov 05 03:04:05.000007 2026] [mpm_event:trace1] [pid 1:tid 2] two\\nlines "
            "\"q\"\n");
}

TEST_F(ErrorLogTest, LevelNames) {
  const std::pair<LogLevel, const char*> names[] = {
      {LogLevel::kEmerg, "emerg"}, {LogLevel::kAlert, "alert"}, {LogLevel::kCrit, "crit"},
      {LogLevel::kError, "error"}, {LogLevel::kWarn, "warn"},   {LogLevel::kNotice, "notice"},
      {LogLevel::kInfo, "info"},   {LogLevel::kDebug, "debug"}, {LogLevel::kTrace, "trace1"}};
  for (const auto& [level, name] : names) EXPECT_EQ(log_level_name(level), name);
}

TEST_F(ErrorLogTest, WritesToFileFilteredByLevel) {
  TempDir dir;
  std::string err;
  ASSERT_TRUE(ErrorLog::open(dir.file("error_log"), LogLevel::kInfo, &err)) << err;
  EXPECT_EQ(ErrorLog::level(), LogLevel::kInfo);
  EXPECT_TRUE(ErrorLog::enabled(LogLevel::kEmerg));
  EXPECT_TRUE(ErrorLog::enabled(LogLevel::kInfo));
  EXPECT_FALSE(ErrorLog::enabled(LogLevel::kDebug));
  ErrorLog::set_level(LogLevel::kEmerg);
  EXPECT_TRUE(ErrorLog::enabled(LogLevel::kNotice));  // as httpd: notices always
  EXPECT_FALSE(ErrorLog::enabled(LogLevel::kWarn));
  ErrorLog::set_level(LogLevel::kInfo);
  ErrorLog::write(LogLevel::kInfo, "core", "shown");
  ErrorLog::write(LogLevel::kDebug, "core", "hidden");
  ErrorLog::printf(LogLevel::kError, "mpm_event", "child %d exited with %s", 42, "status 1");
  ErrorLog::printf(LogLevel::kTrace, "core", "hidden %d", 1);
  ErrorLog::set_level(LogLevel::kDebug);
  ErrorLog::write(LogLevel::kDebug, "core", "now shown");
  auto lines = split_lines(read_file(dir.file("error_log")));
  ASSERT_EQ(lines.size(), 3u);
  std::regex head(
      R"(\[\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2}\.\d{6} \d{4}\] \[([a-z_]+:[a-z0-9]+)\] \[pid (\d+):tid (\d+)\] (.*))");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, head)) << lines[0];
  EXPECT_EQ(m[1], "core:info");
  EXPECT_EQ(m[2], std::to_string(getpid()));
  EXPECT_EQ(m[3], std::to_string(::syscall(SYS_gettid)));
  EXPECT_EQ(m[4], "shown");
  ASSERT_TRUE(std::regex_match(lines[1], m, head)) << lines[1];
  EXPECT_EQ(m[1], "mpm_event:error");
  EXPECT_EQ(m[4], "child 42 exited with status 1");
  ASSERT_TRUE(std::regex_match(lines[2], m, head)) << lines[2];
  EXPECT_EQ(m[4], "now shown");
}

TEST_F(ErrorLogTest, LongPrintfIsTruncatedNotOverflowed) {
  TempDir dir;
  ASSERT_TRUE(ErrorLog::open(dir.file("error_log"), LogLevel::kWarn, nullptr));
  std::string big(20000, 'x');
  ErrorLog::printf(LogLevel::kWarn, nullptr, "%s", big.c_str());
  auto lines = split_lines(read_file(dir.file("error_log")));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("[core:warn]"), std::string::npos);
  EXPECT_EQ(lines[0].size() - lines[0].find("] x") - 2, 8191u);
}

TEST_F(ErrorLogTest, OpenFailureNamesThePathAndKeepsTheOldLog) {
  TempDir dir;
  std::string err;
  ASSERT_TRUE(ErrorLog::open(dir.file("error_log"), LogLevel::kWarn, &err));
  std::string bad = dir.file("missing/error_log");
  EXPECT_FALSE(ErrorLog::open(bad, LogLevel::kDebug, &err));
  EXPECT_NE(err.find(bad), std::string::npos) << err;
  EXPECT_EQ(ErrorLog::level(), LogLevel::kWarn);
  ErrorLog::write(LogLevel::kWarn, "core", "still here");
  EXPECT_NE(read_file(dir.file("error_log")).find("still here"), std::string::npos);
}

TEST_F(ErrorLogTest, ReopenAfterRename) {
  TempDir dir;
  std::string err;
  EXPECT_TRUE(ErrorLog::reopen(&err));  // nothing open: nothing to do
  ASSERT_TRUE(ErrorLog::open(dir.file("error_log"), LogLevel::kWarn, &err));
  int fd = ErrorLog::fd();
  ErrorLog::write(LogLevel::kWarn, "core", "first");
  ASSERT_EQ(std::rename(dir.file("error_log").c_str(), dir.file("error_log.1").c_str()), 0);
  ASSERT_TRUE(ErrorLog::reopen(&err)) << err;
  EXPECT_EQ(ErrorLog::fd(), fd);  // same descriptor number, new file behind it
  ErrorLog::write(LogLevel::kWarn, "core", "second");
  EXPECT_NE(read_file(dir.file("error_log.1")).find("first"), std::string::npos);
  std::string now = read_file(dir.file("error_log"));
  EXPECT_NE(now.find("second"), std::string::npos);
  EXPECT_EQ(now.find("first"), std::string::npos);
  // Reopen fails when the directory is gone; the log stays usable.
  ASSERT_EQ(std::rename(dir.path().c_str(), (dir.path() + ".gone").c_str()), 0);
  EXPECT_FALSE(ErrorLog::reopen(&err));
  EXPECT_NE(err.find("error_log"), std::string::npos);
  ASSERT_EQ(std::rename((dir.path() + ".gone").c_str(), dir.path().c_str()), 0);
}

TEST_F(ErrorLogTest, StderrWhenNotOpened) {
  EXPECT_EQ(ErrorLog::fd(), STDERR_FILENO);
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  int saved = ::dup(STDERR_FILENO);
  ASSERT_GE(saved, 0);
  ::dup2(pipefd[1], STDERR_FILENO);
  ErrorLog::write(LogLevel::kCrit, "core", "to stderr");
  ErrorLog::write(LogLevel::kInfo, "core", "filtered");  // default level is warn
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  ::close(pipefd[1]);
  char buf[512];
  ssize_t n = ::read(pipefd[0], buf, sizeof(buf));
  ::close(pipefd[0]);
  ASSERT_GT(n, 0);
  std::string got(buf, static_cast<size_t>(n));
  EXPECT_NE(got.find("[core:crit]"), std::string::npos) << got;
  EXPECT_NE(got.find("] to stderr\n"), std::string::npos) << got;
  EXPECT_EQ(got.find("filtered"), std::string::npos) << got;
}

TEST_F(ErrorLogTest, ConcurrentLinesStayWhole) {
  TempDir dir;
  ASSERT_TRUE(ErrorLog::open(dir.file("error_log"), LogLevel::kWarn, nullptr));
  constexpr int kLines = 1000;
  std::string a(300, 'a'), b(400, 'b');
  std::thread t1([&] {
    for (int i = 0; i < kLines; ++i) ErrorLog::write(LogLevel::kError, "core", a);
  });
  std::thread t2([&] {
    for (int i = 0; i < kLines; ++i) ErrorLog::write(LogLevel::kError, "core", b);
  });
  t1.join();
  t2.join();
  std::map<std::string, int> counts;
  for (const auto& line : split_lines(read_file(dir.file("error_log")))) {
    size_t p = line.rfind("] ");
    ASSERT_NE(p, std::string::npos) << line;
    ++counts[line.substr(p + 2)];
  }
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[a], kLines);
  EXPECT_EQ(counts[b], kLines);
}

}  // namespace
}  // namespace tern
