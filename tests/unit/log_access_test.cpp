#include "log/access_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "http/request.h"
#include "http/response.h"
#include "log/error_log.h"
#include "log_test_util.h"

namespace tern {
namespace {

using testing_log::read_file;
using testing_log::split_lines;
using testing_log::TempDir;

AccessRecord make_record(const Request* req, int status) {
  AccessRecord r;
  r.req = req;
  r.request_line = req ? req->request_line : std::string_view{};
  r.original_status = r.final_status = status;
  r.client_ip = "127.0.0.1";
  r.body_bytes = 600;
  r.request_time_us = 1795678200LL * 1000000;
  return r;
}

Config config_with(const std::string& root, std::vector<CustomLogSpec> logs) {
  Config cfg;
  cfg.server_root = root;
  cfg.custom_logs = std::move(logs);
  return cfg;
}

TEST(AccessLogsTest, NoCustomLogIsANoOp) {
  AccessLogs logs;
  EXPECT_FALSE(logs.enabled());
  Config cfg;
  std::string err;
  ASSERT_TRUE(logs.open(cfg, &err)) << err;
  EXPECT_FALSE(logs.enabled());
  logs.log(make_record(nullptr, 400));  // must not crash or write anywhere
  EXPECT_TRUE(logs.reopen(&err));
}

TEST(AccessLogsTest, OpensAbsoluteAndRelativePathsAndWritesLines) {
  TempDir dir;
  Config cfg = config_with(
      dir.path(), {{dir.file("a.log"), "%h \\\"%r\\\" %>s %b"}, {"b.log", "%>s|%{User-Agent}i"}});
  AccessLogs logs;
  std::string err;
  ASSERT_TRUE(logs.open(cfg, &err)) << err;
  EXPECT_TRUE(logs.enabled());
  EXPECT_EQ(logs.paths(), (std::vector<std::string>{dir.file("a.log"), dir.file("b.log")}));
  Request req;
  req.request_line = "GET / HTTP/1.1";
  req.headers = {{"User-Agent", "ua"}};
  logs.log(make_record(&req, 200));
  logs.log(make_record(&req, 404));
  EXPECT_EQ(read_file(dir.file("a.log")),
            "127.0.0.1 \"GET / HTTP/1.1\" 200 600\n127.0.0.1 \"GET / HTTP/1.1\" 404 600\n");
  EXPECT_EQ(read_file(dir.file("b.log")), "200|ua\n404|ua\n");
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("a.log").c_str(), &st), 0);
  mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0644u & ~mask);
}

TEST(AccessLogsTest, EnvConditionSelectsRequests) {
  TempDir dir;
  CustomLogSpec only(dir.file("only.log"), "%>s");
  only.env = "tester";
  CustomLogSpec not_(dir.file("not.log"), "%>s");
  not_.env = "TESTER";  // names are case-insensitive, as httpd's tables
  not_.env_negated = true;
  AccessLogs logs;
  std::string err;
  ASSERT_TRUE(logs.open(config_with(dir.path(), {only, not_}), &err)) << err;
  Response with, without;
  with.set_env("Tester", "1");
  AccessRecord r = make_record(nullptr, 200);
  r.resp = &with;
  logs.log(r);
  r = make_record(nullptr, 404);
  r.resp = &without;
  logs.log(r);
  logs.log(make_record(nullptr, 400));  // no response: no variables
  EXPECT_EQ(read_file(dir.file("only.log")), "200\n");
  EXPECT_EQ(read_file(dir.file("not.log")), "404\n400\n");
}

TEST(AccessLogsTest, AppendsToAnExistingFile) {
  TempDir dir;
  {
    std::FILE* f = std::fopen(dir.file("a.log").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("old line\n", f);
    std::fclose(f);
  }
  AccessLogs logs;
  std::string err;
  ASSERT_TRUE(logs.open(config_with(dir.path(), {{dir.file("a.log"), "%>s"}}), &err)) << err;
  logs.log(make_record(nullptr, 408));
  EXPECT_EQ(read_file(dir.file("a.log")), "old line\n408\n");
}

TEST(AccessLogsTest, OpenErrorsNameThePathAndCreateNothing) {
  TempDir dir;
  AccessLogs logs;
  std::string err;
  std::string missing = dir.file("nodir/access_log");
  EXPECT_FALSE(logs.open(config_with(dir.path(), {{missing, "%h"}}), &err));
  EXPECT_NE(err.find(missing), std::string::npos) << err;
  EXPECT_NE(err.find("No such file or directory"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("nodir")));
  EXPECT_FALSE(logs.enabled());

  err.clear();
  EXPECT_FALSE(logs.open(
      config_with(dir.path(), {{dir.file("ok.log"), "%h"}, {dir.file("bad.log"), "%h %Q"}}), &err));
  EXPECT_NE(err.find(dir.file("bad.log")), std::string::npos) << err;
  EXPECT_NE(err.find("Unrecognized LogFormat directive %Q"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.log")));
  EXPECT_FALSE(logs.enabled());

  err.clear();
  EXPECT_FALSE(logs.open(config_with(dir.path(), {{"|/usr/bin/rotatelogs x 86400", "%h"}}), &err));
  EXPECT_EQ(err, "CustomLog |/usr/bin/rotatelogs x 86400: piped logs are not supported");
}

// Two threads write long lines concurrently: every line must come out whole.
TEST(AccessLogsTest, ConcurrentWritersNeverInterleave) {
  TempDir dir;
  AccessLogs logs;
  std::string err;
  ASSERT_TRUE(logs.open(config_with(dir.path(), {{dir.file("a.log"), "%>s %{X}i"}}), &err));
  constexpr int kLines = 2000;
  std::string a(700, 'a'), b(900, 'b');
  auto writer = [&](const std::string& payload, int status) {
    Request req;
    req.headers = {{"X", payload}};
    AccessRecord r = make_record(&req, status);
    for (int i = 0; i < kLines; ++i) logs.log(r);
  };
  std::thread t1(writer, a, 201);
  std::thread t2(writer, b, 202);
  t1.join();
  t2.join();
  std::map<std::string, int> counts;
  for (const auto& line : split_lines(read_file(dir.file("a.log")))) ++counts[line];
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts["201 " + a], kLines);
  EXPECT_EQ(counts["202 " + b], kLines);
}

TEST(AccessLogsTest, ReopenAfterRenameStartsANewFile) {
  TempDir dir;
  AccessLogs logs;
  std::string err;
  ASSERT_TRUE(logs.open(config_with(dir.path(), {{dir.file("a.log"), "%>s"}}), &err));
  logs.log(make_record(nullptr, 200));
  ASSERT_EQ(std::rename(dir.file("a.log").c_str(), dir.file("a.log.1").c_str()), 0);
  logs.log(make_record(nullptr, 201));  // still the renamed file
  ASSERT_TRUE(logs.reopen(&err)) << err;
  logs.log(make_record(nullptr, 202));
  EXPECT_EQ(read_file(dir.file("a.log.1")), "200\n201\n");
  EXPECT_EQ(read_file(dir.file("a.log")), "202\n");
}

TEST(AccessLogsTest, ReopenWhileWritingLosesAndSplitsNothing) {
  TempDir dir;
  AccessLogs logs;
  std::string err;
  ASSERT_TRUE(logs.open(config_with(dir.path(), {{dir.file("a.log"), "%>s %{X}i"}}), &err));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::string payload(500, 'p');
  std::thread writer([&] {
    Request req;
    req.headers = {{"X", payload}};
    AccessRecord r = make_record(&req, 200);
    while (!stop.load()) {
      logs.log(r);
      written.fetch_add(1);
    }
  });
  constexpr int kRotations = 20;
  for (int i = 0; i < kRotations; ++i) {
    while (written.load() < (i + 1) * 50) std::this_thread::yield();
    std::string to = dir.file("a.log." + std::to_string(i));
    ASSERT_EQ(std::rename(dir.file("a.log").c_str(), to.c_str()), 0);
    ASSERT_TRUE(logs.reopen(&err)) << err;
  }
  stop.store(true);
  writer.join();
  int total = 0;
  for (int i = 0; i <= kRotations; ++i) {
    std::string name = i == kRotations ? "a.log" : "a.log." + std::to_string(i);
    for (const auto& line : split_lines(read_file(dir.file(name)))) {
      ASSERT_EQ(line, "200 " + payload) << name;
      ++total;
    }
  }
  EXPECT_EQ(total, written.load());
}

TEST(AccessLogsTest, ReopenFailureKeepsTheOldFile) {
  TempDir dir;
  std::filesystem::create_directory(dir.file("sub"));
  AccessLogs logs;
  std::string err;
  ASSERT_TRUE(logs.open(config_with(dir.path(), {{dir.file("sub/a.log"), "%>s"}}), &err));
  ASSERT_EQ(std::rename(dir.file("sub").c_str(), dir.file("moved").c_str()), 0);
  EXPECT_FALSE(logs.reopen(&err));
  EXPECT_NE(err.find(dir.file("sub/a.log")), std::string::npos) << err;
  logs.log(make_record(nullptr, 500));
  EXPECT_EQ(read_file(dir.file("moved/a.log")), "500\n");
}

TEST(AccessLogsTest, WriteErrorsGoToTheErrorLogOnce) {
  TempDir dir;
  std::string err;
  ASSERT_TRUE(ErrorLog::open(dir.file("error_log"), LogLevel::kWarn, &err)) << err;
  AccessLogs logs;
  ASSERT_TRUE(logs.open(config_with(dir.path(), {{"/dev/full", "%>s"}}), &err)) << err;
  logs.log(make_record(nullptr, 200));
  logs.log(make_record(nullptr, 200));
  ErrorLog::reset();
  auto lines = split_lines(read_file(dir.file("error_log")));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("[log_config:error]"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("error writing to /dev/full: No space left on device"), std::string::npos)
      << lines[0];
}

}  // namespace
}  // namespace tern
