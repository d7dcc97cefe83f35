// HttpConnection driving a ResponseTask (the seam CGI and backends use): streaming with
// unknown length (chunked), Content-Length when the body is known at once, the request body as
// a stream with backpressure, 100 Continue, output backpressure, errors and timeouts before
// the head (500/504), client aborts, and watched fds handed back before the task dies.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "http/connection.h"
#include "http/response_task.h"
#include "net/plain_transport.h"

namespace tern {
namespace {

// What the fake task did, shared with the test (the task itself belongs to the connection).
struct TaskLog {
  std::string body;  // request body bytes read
  int steps = 0;
  int aborts = 0;
  TaskAbort last_abort = TaskAbort::kStop;
  bool destroyed = false;
  bool destroyed_while_watched = false;
};

// The host a worker gives a running connection: records watched fds.
struct FakeHost : ConnectionHost {
  std::set<int> watched;
  bool watch(int fd) override { return watched.insert(fd).second; }
  void unwatch(int fd) override { watched.erase(fd); }
};

// A task whose steps are a script of lambdas: step i runs script[min(i, size-1)].
class ScriptedTask : public ResponseTask {
 public:
  using Step = std::function<TaskStep(TaskIo&, TaskLog&)>;
  ScriptedTask(std::vector<Step> steps, TaskLog* log, FakeHost* host, int watched_fd)
      : steps_(std::move(steps)), log_(log), host_(host), fd_(watched_fd) {}
  ~ScriptedTask() override {
    log_->destroyed = true;
    if (fd_ >= 0 && host_->watched.count(fd_)) log_->destroyed_while_watched = true;
  }
  TaskStep step(TaskIo& io) override {
    size_t i = std::min<size_t>(static_cast<size_t>(log_->steps), steps_.size() - 1);
    ++log_->steps;
    return steps_[i](io, *log_);
  }
  void abort(TaskIo&, TaskAbort why) override {
    ++log_->aborts;
    log_->last_abort = why;
  }
  int error_status() const override { return 502; }

 private:
  std::vector<Step> steps_;
  TaskLog* log_;
  FakeHost* host_;
  int fd_;
};

// Answers every request with the task the test prepared.
class TaskHandler : public Handler {
 public:
  std::function<std::unique_ptr<ResponseTask>()> make;
  void handle(const Request&, const RequestContext&, Response& resp) const override {
    resp.clear();  // Handler::handle clears what `resp` holds
    resp.task = make();
  }
  void error(int status, const Request*, const RequestContext&, Response& resp) const override {
    resp.status = status;
    resp.append_body("error page\n");
  }
};

class ConnectionTask : public ::testing::Test {
 protected:
  void SetUp() override {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    conn_ = std::make_unique<HttpConnection>(UniqueFd(sv[0]), reinterpret_cast<sockaddr*>(&addr),
                                             reinterpret_cast<sockaddr*>(&addr), proto_);
    peer_ = sv[1];
    w_.stopping = &stopping_;
    w_.host = &host_;
  }
  void TearDown() override {
    conn_.reset();
    if (peer_ >= 0) ::close(peer_);
  }
  void use(std::vector<ScriptedTask::Step> steps, int watched_fd = -1) {
    handler_.make = [this, steps, watched_fd] {
      return std::make_unique<ScriptedTask>(steps, &log_, &host_, watched_fd);
    };
  }
  ConnWait send(const std::string& bytes) {
    if (!bytes.empty()) {
      EXPECT_EQ(::write(peer_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    }
    return conn_->run(w_);
  }
  std::string output() {
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(peer_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

  ConnectionSettings settings_;
  TaskHandler handler_;
  std::atomic<bool> stopping_{false};
  ConnectionEnv env_{&settings_, &handler_, nullptr};
  HttpProtocol proto_{env_, plain_transport_factory()};
  FakeHost host_;
  WorkerContext w_;
  TaskLog log_;
  std::unique_ptr<HttpConnection> conn_;
  int peer_ = -1;
};

TaskStep write_all(TaskIo& io, std::string_view s) {
  EXPECT_EQ(io.write_body(s), s.size());
  return TaskStep::kWaitBackend;
}

TEST_F(ConnectionTask, UnknownLengthStreamsChunkedAsItComes) {
  use({[](TaskIo& io, TaskLog&) {
         io.response().add_header("Content-Type", "text/plain");
         return write_all(io, "hello");
       },
       [](TaskIo& io, TaskLog&) {
         write_all(io, "world");
         return TaskStep::kDone;
       }});
  EXPECT_EQ(send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n"), ConnWait::kPark);
  std::string first = output();
  EXPECT_NE(first.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << first;
  EXPECT_NE(first.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << first;
  EXPECT_NE(first.find("Content-Type: text/plain\r\n"), std::string::npos) << first;
  EXPECT_EQ(first.substr(first.find("\r\n\r\n") + 4), "5\r\nhello\r\n");
  // The backend's fd wakes the connection: the rest and the last chunk follow.
  EXPECT_EQ(send(""), ConnWait::kKeepAlive);
  EXPECT_EQ(output(), "5\r\nworld\r\n0\r\n\r\n");
  EXPECT_TRUE(log_.destroyed);
  EXPECT_EQ(log_.aborts, 0);
}

TEST_F(ConnectionTask, BodyKnownAtOnceGetsContentLength) {
  use({[](TaskIo& io, TaskLog&) {
    write_all(io, "all of it");
    return TaskStep::kDone;
  }});
  EXPECT_EQ(send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n"), ConnWait::kKeepAlive);
  std::string out = output();
  EXPECT_NE(out.find("Content-Length: 9\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("chunked"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.find("\r\n\r\n") + 4), "all of it");
}

TEST_F(ConnectionTask, Http10StreamIsCloseDelimited) {
  use({[](TaskIo& io, TaskLog&) { return write_all(io, "a"); },
       [](TaskIo& io, TaskLog&) {
         write_all(io, "b");
         return TaskStep::kDone;
       }});
  EXPECT_EQ(send("GET /s HTTP/1.0\r\n\r\n"), ConnWait::kPark);
  EXPECT_NE(send(""), ConnWait::kKeepAlive);
  std::string out = output();
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("chunked"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.find("\r\n\r\n") + 4), "ab");
}

// Reads the request body until it would block or ends; echoes its size when complete.
TaskStep read_then_answer(TaskIo& io, TaskLog& log) {
  char buf[7];  // small on purpose: many reads
  for (;;) {
    IoResult r = io.read_body(buf);
    if (r.status == IoStatus::kOk) {
      log.body.append(buf, r.bytes);
      continue;
    }
    if (r.status == IoStatus::kWouldBlock) return TaskStep::kWaitBody;
    if (r.status == IoStatus::kError) return TaskStep::kError;
    write_all(io, "got " + std::to_string(log.body.size()));
    return TaskStep::kDone;
  }
}

TEST_F(ConnectionTask, RequestBodyArrivesAsAStream) {
  use({read_then_answer});
  EXPECT_EQ(send("POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n0123456789"),
            ConnWait::kReadBody);
  EXPECT_EQ(log_.body, "0123456789");
  EXPECT_EQ(send("abcdefghij"), ConnWait::kKeepAlive);
  EXPECT_EQ(log_.body, "0123456789abcdefghij");
  std::string out = output();
  EXPECT_EQ(out.substr(out.find("\r\n\r\n") + 4), "got 20");
}

TEST_F(ConnectionTask, ChunkedRequestBodyIsDecodedAndPipelineKept) {
  use({read_then_answer});
  EXPECT_EQ(send("POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n"),
            ConnWait::kKeepAlive);
  EXPECT_EQ(log_.body, "abcdefg");
  std::string out = output();
  // Both requests were answered, the second by a task of its own that read no body (the
  // count is of all bytes the tasks read).
  size_t first = out.find("got 7");
  ASSERT_NE(first, std::string::npos) << out;
  EXPECT_NE(out.find("got 7", first + 1), std::string::npos) << out;
}

TEST_F(ConnectionTask, ExpectContinueIsSentWhenTheTaskReads) {
  use({read_then_answer});
  EXPECT_EQ(
      send("POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"),
      ConnWait::kReadBody);
  EXPECT_EQ(output(), "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(send("xyz"), ConnWait::kKeepAlive);
  std::string out = output();
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("got 3"), std::string::npos);
}

TEST_F(ConnectionTask, SlowClientStopsTheTaskAndLosesNothing) {
  // The task offers 1 MiB in pieces and stops whenever the connection takes less.
  auto sent = std::make_shared<size_t>(0);
  const size_t total = 1 << 20;
  // Byte i of the body is 'a' + (i / 4096) % 26; the task offers what is left from *sent.
  use({[sent, total](TaskIo& io, TaskLog&) {
    while (*sent < total) {
      const size_t n = std::min<size_t>(4096 - *sent % 4096, total - *sent);
      std::string piece(n, static_cast<char>('a' + (*sent / 4096) % 26));
      size_t took = io.write_body(piece);
      *sent += took;
      if (took < piece.size()) return TaskStep::kWaitBackend;
    }
    return TaskStep::kDone;
  }});
  ConnWait wait = send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string out;
  int rounds = 0;
  while (wait != ConnWait::kKeepAlive && rounds++ < 10000) {
    EXPECT_TRUE(wait == ConnWait::kWrite || wait == ConnWait::kPark);
    out += output();
    wait = conn_->run(w_);
  }
  out += output();
  ASSERT_EQ(wait, ConnWait::kKeepAlive);
  // Decode the chunked body and compare.
  std::string body;
  size_t at = out.find("\r\n\r\n") + 4;
  for (;;) {
    size_t eol = out.find("\r\n", at);
    size_t len = std::stoul(out.substr(at, eol - at), nullptr, 16);
    if (len == 0) break;
    body += out.substr(eol + 2, len);
    at = eol + 2 + len + 2;
  }
  ASSERT_EQ(body.size(), total);
  for (size_t i = 0; i < total; ++i) {
    ASSERT_EQ(body[i], static_cast<char>('a' + (i / 4096) % 26)) << i;
  }
}

TEST_F(ConnectionTask, ErrorBeforeTheHeadAnswersTheTasksStatus) {
  use({[](TaskIo&, TaskLog&) { return TaskStep::kError; }});
  ConnWait wait = send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(wait == ConnWait::kClose || wait == ConnWait::kLinger);
  std::string out = output();
  EXPECT_EQ(out.rfind("HTTP/1.1 502 Bad Gateway\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("error page"), std::string::npos);
  EXPECT_TRUE(log_.destroyed);
}

TEST_F(ConnectionTask, ParkTimeoutBeforeTheHeadIs504AndAbortsTheTask) {
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  const int fd = pipefd[0];
  use({[fd](TaskIo& io, TaskLog&) {
        EXPECT_TRUE(io.watch(fd));
        io.set_backend_timeout_ms(1234);
        return TaskStep::kWaitBackend;
      }},
      fd);
  EXPECT_EQ(send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n"), ConnWait::kPark);
  EXPECT_EQ(conn_->park_timeout_ms(), 1234);
  EXPECT_EQ(host_.watched.count(fd), 1u);
  ConnWait wait = conn_->on_timeout(w_, ConnWait::kPark);
  EXPECT_TRUE(wait == ConnWait::kClose || wait == ConnWait::kLinger);
  EXPECT_EQ(log_.aborts, 1);
  EXPECT_EQ(log_.last_abort, TaskAbort::kTimeout);
  EXPECT_TRUE(log_.destroyed);
  EXPECT_FALSE(log_.destroyed_while_watched);  // unwatched before the task could close it
  EXPECT_TRUE(host_.watched.empty());
  std::string out = output();
  EXPECT_EQ(out.rfind("HTTP/1.1 504 Gateway Timeout\r\n", 0), 0u) << out;
  ::close(pipefd[0]);
  ::close(pipefd[1]);
}

TEST_F(ConnectionTask, ClientLeavingWhileParkedAbortsTheTask) {
  use({[](TaskIo& io, TaskLog&) { return write_all(io, "partial"); }});
  EXPECT_EQ(send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n"), ConnWait::kPark);
  ::close(peer_);
  peer_ = -1;
  EXPECT_EQ(conn_->run(w_), ConnWait::kClose);
  EXPECT_EQ(log_.aborts, 1);
  EXPECT_EQ(log_.last_abort, TaskAbort::kClientGone);
  EXPECT_TRUE(log_.destroyed);
}

TEST_F(ConnectionTask, HeadRequestGetsTheHeadOnly) {
  use({[](TaskIo& io, TaskLog&) {
    write_all(io, "body that must not be sent");
    return TaskStep::kDone;
  }});
  EXPECT_EQ(send("HEAD /s HTTP/1.1\r\nHost: x\r\n\r\n"), ConnWait::kKeepAlive);
  std::string out = output();
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_EQ(out.substr(out.find("\r\n\r\n") + 4), "");
}

TEST_F(ConnectionTask, UnreadBodyIsDroppedAndTheConnectionKept) {
  use({[](TaskIo& io, TaskLog&) {
    write_all(io, "ignored your body");
    return TaskStep::kDone;
  }});
  EXPECT_EQ(send("POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde"
                 "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"),
            ConnWait::kKeepAlive);
  std::string out = output();
  size_t first = out.find("ignored your body");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(out.find("ignored your body", first + 1), std::string::npos) << out;
}

}  // namespace
}  // namespace tern
