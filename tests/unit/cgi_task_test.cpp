#include "modules/cgi/cgi_task.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>

#include "log/error_log.h"
#include "log_test_util.h"

namespace tern {
namespace {

using testing_log::read_file;
using testing_log::TempDir;

// A connection stand-in: a request body, an output bound (backpressure) and the fds
// the task watches, polled the way the listener would.
class FakeIo : public TaskIo {
 public:
  std::string body;            // the request body to deliver
  size_t body_step = 1 << 20;  // at most this many bytes per read_body
  bool body_stalls = false;    // every other read_body says kWouldBlock
  size_t take_max = 1 << 20;   // write_body takes at most this much per call
  bool refuse_next = false;    // the next write_body takes nothing (output buffer full)
  std::string out;
  Response resp;
  std::optional<uint64_t> length;
  std::set<int> watched;
  int64_t timeout_ms = -1;
  int progress = 0;
  bool sent_head = false;

  IoResult read_body(std::span<char> buf) override {
    if (body_stalls && (stall_ = !stall_)) return {IoStatus::kWouldBlock, 0, 0};
    if (body_off_ == body.size()) return {IoStatus::kEof, 0, 0};
    size_t n = std::min({buf.size(), body_step, body.size() - body_off_});
    body.copy(buf.data(), n, body_off_);
    body_off_ += n;
    return {IoStatus::kOk, n, 0};
  }
  int body_error_status() const override { return 400; }
  Response& response() override { return resp; }
  void set_content_length(uint64_t n) override { length = n; }
  size_t write_body(std::string_view data) override {
    sent_head = true;
    if (refuse_next) {
      refuse_next = false;
      return 0;
    }
    size_t n = std::min(data.size(), take_max);
    out.append(data.substr(0, n));
    refuse_next = take_max < (1u << 20);  // with a small bound, alternate full / not full
    return n;
  }
  bool head_sent() const override { return sent_head; }
  bool watch(int fd) override { return watched.insert(fd).second; }
  void unwatch(int fd) override { watched.erase(fd); }
  void set_backend_timeout_ms(int64_t ms) override { timeout_ms = ms; }
  void note_backend_progress() override { ++progress; }

  // Steps `task` until it is done or fails, polling the watched fds between steps.
  TaskStep run(ResponseTask& task, int limit_ms = 20000) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
    while (std::chrono::steady_clock::now() < until) {
      TaskStep s = task.step(*this);
      if (s == TaskStep::kDone || s == TaskStep::kError) return s;
      wait_event(100);
    }
    return TaskStep::kWaitBackend;
  }
  void wait_event(int ms) {
    std::vector<pollfd> p;
    for (int fd : watched) p.push_back({fd, POLLIN | POLLOUT, 0});
    ::poll(p.data(), p.size(), ms);
  }

 private:
  size_t body_off_ = 0;
  bool stall_ = false;
};

class FakeHost : public RequestPipeline {
 public:
  mutable std::string redirected_to;
  mutable std::string redirect_method;
  mutable int error_status = 0;
  mutable int redirects = 0;
  void internal_redirect(const Request& req, const RequestContext&, int n,
                         Response& resp) const override {
    redirects = n;
    redirect_method = std::string(req.method_name);
    redirected_to = std::string(req.path) + "|" + std::string(req.query);
    resp.clear();
    resp.add_header("Content-Type", "text/plain");
    resp.append_body("redirected body");
  }
  void error_page(int status, const Request&, std::string_view location,
                  Response& resp) const override {
    error_status = status;
    resp.clear();
    resp.status = status;
    resp.add_header("Location", location);
    resp.append_body("moved");
  }
};

class CgiTaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::signal(SIGPIPE, SIG_IGN);
    ASSERT_TRUE(ErrorLog::open(dir_.file("error_log"), LogLevel::kWarn, nullptr));
    req_.method = Method::kPost;
    req_.method_name = "POST";
    req_.target = "/cgi-bin/t";
    req_.path = "/cgi-bin/t";
    ctx_.client_ip = "127.0.0.1";
    ctx_.client_port = 5555;
  }
  void TearDown() override {
    ErrorLog::reset();
    ASSERT_TRUE(ProcessReaper::instance().wait_idle(20000));
  }
  std::unique_ptr<CgiTask> start(const std::string& body_sh, bool head = false) {
    std::string path = dir_.file("t.cgi");
    std::ofstream(path) << "#!/bin/sh\n" << body_sh;
    ::chmod(path.c_str(), 0755);
    CgiSpawn spec;
    spec.program = path;
    spec.dir = dir_.path();
    spec.argv = {"t.cgi"};
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.stderr_fd = ErrorLog::fd();
    int err = 0;
    auto proc = CgiProcess::spawn(spec, &err);
    EXPECT_TRUE(proc) << err;
    if (!proc) return nullptr;
    pid_ = proc->pid();
    CgiTaskParams p;
    p.script_path = path;
    p.client = "127.0.0.1:5555";
    p.timeout_ms = 7000;
    p.head_request = head;
    p.pipeline = &host_;
    p.redirects = 3;
    return std::make_unique<CgiTask>(std::move(*proc), p, req_, ctx_);
  }
  std::string log() { return read_file(dir_.file("error_log")); }

  TempDir dir_;
  Request req_;
  RequestContext ctx_;
  FakeHost host_;
  pid_t pid_ = -1;
};

TEST_F(CgiTaskTest, BodyToStdinAndBackWithBackpressureOnBothSides) {
  auto task = start("printf 'Content-Type: application/octet-stream\\r\\n\\r\\n'; cat\n");
  FakeIo io;
  for (int i = 0; i < 300000; ++i) io.body.push_back(static_cast<char>('a' + i % 26));
  io.body_step = 777;
  io.body_stalls = true;
  io.take_max = 1000;
  ASSERT_EQ(io.run(*task), TaskStep::kDone);
  EXPECT_EQ(io.timeout_ms, 7000);
  EXPECT_EQ(io.resp.status, 200);
  EXPECT_EQ(io.resp.header("Content-Type"), "application/octet-stream");
  EXPECT_FALSE(io.length);
  EXPECT_EQ(io.out.size(), io.body.size());
  EXPECT_TRUE(io.out == io.body);
  EXPECT_GT(io.progress, 0);
}

TEST_F(CgiTaskTest, StatusFieldsAndContentLength) {
  auto task = start(
      "printf 'Status: 404 Nope\\nX-A: 1\\nContent-Length: 5\\nSet-Cookie: a\\nSet-Cookie: "
      "b\\n\\nhello and more'\n");
  FakeIo io;
  ASSERT_EQ(io.run(*task), TaskStep::kDone);
  EXPECT_EQ(io.resp.status, 404);
  ASSERT_TRUE(io.length);
  EXPECT_EQ(*io.length, 5u);
  EXPECT_EQ(io.out, "hello");
  EXPECT_NE(io.resp.fields.find("Set-Cookie: a\r\nSet-Cookie: b\r\n"), std::string::npos);
}

TEST_F(CgiTaskTest, LocalRedirectIsAnInternalGetAfterTheScriptEnds) {
  auto task = start("printf 'Location: /other/page?x=1\\n\\nignored'\n");
  FakeIo io;
  ASSERT_EQ(io.run(*task), TaskStep::kDone);
  EXPECT_EQ(host_.redirected_to, "/other/page|x=1");
  EXPECT_EQ(host_.redirect_method, "GET");
  EXPECT_EQ(host_.redirects, 4);  // one more than the request that ran the script
  EXPECT_EQ(io.resp.status, 200);
  EXPECT_EQ(io.out, "redirected body");
  EXPECT_EQ(io.length, 15u);
  EXPECT_TRUE(io.watched.empty());
}

TEST_F(CgiTaskTest, AbsoluteLocationIsA302Page) {
  auto task = start("printf 'Location: http://example.org/\\n\\n'\n");
  FakeIo io;
  ASSERT_EQ(io.run(*task), TaskStep::kDone);
  EXPECT_EQ(host_.error_status, 302);
  EXPECT_EQ(io.resp.status, 302);
  EXPECT_EQ(io.resp.header("Location"), "http://example.org/");
}

TEST_F(CgiTaskTest, NoHeadersGarbageAndBadStatusAre500WithALogLine) {
  struct Case {
    const char* script;
    const char* logged;
  } cases[] = {
      {"exit 0\n", "End of script output before headers: t.cgi"},
      {"echo hello\n", "End of script output before headers: t.cgi"},
      {"echo '<html>garbage'; echo; sleep 30\n",
       "malformed header from script 't.cgi': Bad header: <html>garbage"},
      {"echo 'Status: xyz'; echo\n", "Invalid status line from script 't.cgi': xyz"},
  };
  for (const Case& c : cases) {
    auto task = start(c.script);
    FakeIo io;
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(io.run(*task), TaskStep::kError) << c.script;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
    EXPECT_EQ(task->error_status(), 500);
    task.reset();
    EXPECT_NE(log().find(std::string("[cgid:error]")), std::string::npos);
    EXPECT_NE(log().find(c.logged), std::string::npos) << log();
  }
}

TEST_F(CgiTaskTest, StreamsEachLineAsItComes) {
  auto task = start("echo 'Content-Type: text/plain'; echo; echo one; sleep 2; echo two\n");
  FakeIo io;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  TaskStep s = TaskStep::kWaitBackend;
  while (io.out != "one\n" && std::chrono::steady_clock::now() < until) {
    s = task->step(io);
    ASSERT_NE(s, TaskStep::kError);
    if (io.out != "one\n") io.wait_event(100);
  }
  EXPECT_EQ(io.out, "one\n");
  EXPECT_EQ(s, TaskStep::kWaitBackend);  // "two" is a second away: the task waits
  EXPECT_EQ(::kill(pid_, 0), 0);
  ASSERT_EQ(io.run(*task), TaskStep::kDone);
  EXPECT_EQ(io.out, "one\ntwo\n");
}

TEST_F(CgiTaskTest, AbortKillsTheScriptAndTimeoutIsLogged) {
  auto task = start("echo 'Content-Type: text/plain'; echo; echo one; exec sleep 300\n");
  FakeIo io;
  while (io.out.empty()) {
    ASSERT_EQ(task->step(io), TaskStep::kWaitBackend);
    io.wait_event(100);
  }
  task->abort(io, TaskAbort::kTimeout);
  task.reset();
  ASSERT_TRUE(ProcessReaper::instance().wait_idle(20000));
  EXPECT_NE(::kill(pid_, 0), 0);  // gone, reaped
  EXPECT_NE(log().find("Timeout waiting for output from CGI script"), std::string::npos);
}

TEST_F(CgiTaskTest, TimeoutBeforeHeaders) {
  auto task = start("exec sleep 300\n");
  FakeIo io;
  EXPECT_EQ(task->step(io), TaskStep::kWaitBackend);
  task->abort(io, TaskAbort::kTimeout);
  task.reset();
  EXPECT_NE(log().find("Script timed out before returning headers: t.cgi"), std::string::npos);
}

TEST_F(CgiTaskTest, ScriptIgnoringItsStdinStillAnswers) {
  auto task = start("echo 'Content-Type: text/plain'; echo; echo done\n");
  FakeIo io;
  io.body.assign(1 << 20, 'x');  // more than a pipe holds
  ASSERT_EQ(io.run(*task), TaskStep::kDone);
  EXPECT_EQ(io.out, "done\n");
}

TEST_F(CgiTaskTest, HeadRequestDropsTheBody) {
  auto task = start("echo 'Content-Type: text/plain'; echo; echo body\n", true);
  FakeIo io;
  ASSERT_EQ(io.run(*task), TaskStep::kDone);
  EXPECT_EQ(io.out, "");
  EXPECT_EQ(io.resp.header("Content-Type"), "text/plain");
}

}  // namespace
}  // namespace tern
