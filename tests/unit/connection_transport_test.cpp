// HttpConnection over a transport that is not the socket itself: a fake that, like TLS,
// takes everything off the socket at once and hands it out one record at a time, reports
// "https", and cannot send files. Checks that the edge-triggered "drained" rule asks the
// transport, that handlers see its scheme, and that file bodies fall back to read + write.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "http/connection.h"

namespace tern {
namespace {

// Reads the socket whole into its own buffer, returns at most `record` bytes per read().
class HoldingTransport final : public Transport {
 public:
  HoldingTransport(UniqueFd fd, const sockaddr* peer, const sockaddr* local, size_t record,
                   int* send_file_calls)
      : Transport(std::move(fd), peer, local), record_(record), send_file_calls_(send_file_calls) {}

  IoResult read(std::span<char> buf) override {
    if (held_.empty()) {
      char tmp[65536];
      ssize_t n = ::read(fd(), tmp, sizeof tmp);
      if (n == 0) return IoResult{IoStatus::kEof, 0, 0};
      if (n < 0) {
        return errno == EAGAIN ? IoResult{IoStatus::kWouldBlock, 0, 0}
                               : IoResult{IoStatus::kError, 0, errno};
      }
      held_.assign(tmp, static_cast<size_t>(n));
    }
    size_t take = std::min({buf.size(), record_, held_.size()});
    std::memcpy(buf.data(), held_.data(), take);
    held_.erase(0, take);
    return IoResult{IoStatus::kOk, take, 0};
  }
  IoResult writev(std::span<const iovec> iov, bool) override {
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(iov.data());
    msg.msg_iovlen = iov.size();
    ssize_t n = ::sendmsg(fd(), &msg, MSG_NOSIGNAL);
    if (n >= 0) return IoResult{IoStatus::kOk, static_cast<size_t>(n), 0};
    return errno == EAGAIN ? IoResult{IoStatus::kWouldBlock, 0, 0}
                           : IoResult{IoStatus::kError, 0, errno};
  }
  IoResult send_file(int, uint64_t, size_t) override {
    ++*send_file_calls_;
    return IoResult{IoStatus::kError, 0, ENOSYS};
  }
  bool can_send_file() const override { return false; }
  void shutdown_write() override { ::shutdown(fd(), SHUT_WR); }
  bool has_buffered_input() const override { return !held_.empty(); }
  bool has_unread_input() const override { return !held_.empty(); }
  std::string_view scheme() const override { return "https"; }

 private:
  std::string held_;
  size_t record_;
  int* send_file_calls_;
};

class HoldingFactory final : public TransportFactory {
 public:
  HoldingFactory(size_t record, int* calls) : record_(record), calls_(calls) {}
  Transport& make(TransportSlot& slot, UniqueFd fd, const sockaddr* peer,
                  const sockaddr* local) const override {
    return slot.emplace<HoldingTransport>(std::move(fd), peer, local, record_, calls_);
  }

 private:
  size_t record_;
  int* calls_;
};

// Answers /file with a file body (large enough not to be inlined in the head), anything
// else with the scheme the handler saw.
class SchemeHandler : public Handler {
 public:
  explicit SchemeHandler(int file_fd) : file_fd_(file_fd) {}
  void handle(const Request& req, const RequestContext& ctx, Response& resp) const override {
    resp.clear();  // Handler::handle clears what `resp` holds
    if (req.path == "/file") {
      resp.file.reset(::dup(file_fd_));
      resp.append_file_range(0, kFileSize);
      return;
    }
    resp.append_body(std::string(ctx.scheme) + " " + std::string(ctx.client_ip));
  }
  void error(int status, const Request*, const RequestContext&, Response& resp) const override {
    resp.status = status;
  }
  static constexpr uint64_t kFileSize = 300 * 1024;

 private:
  int file_fd_;
};

class ConnectionTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char path[] = "/tmp/tern_conn_transport_XXXXXX";
    file_.reset(::mkstemp(path));
    ASSERT_TRUE(file_);
    ::unlink(path);
    content_.resize(SchemeHandler::kFileSize);
    for (size_t i = 0; i < content_.size(); ++i) content_[i] = static_cast<char>('a' + i % 23);
    ASSERT_EQ(::write(file_.get(), content_.data(), content_.size()),
              static_cast<ssize_t>(content_.size()));
  }

  // Sends `request` in one write, runs the connection (resuming it while it waits to
  // write), and returns everything it wrote and what it waits for at the end.
  std::string exchange(const std::string& request, size_t record, bool sendfile_on,
                       ConnWait* last) {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    UniqueFd peer(sv[1]);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    HoldingFactory factory(record, &send_file_calls_);
    ConnectionSettings settings;
    settings.enable_sendfile = sendfile_on;
    SchemeHandler handler(file_.get());
    std::atomic<bool> stopping{false};
    ConnectionEnv env{&settings, &handler, nullptr};
    HttpProtocol proto(env, factory);
    HttpConnection conn(UniqueFd(sv[0]), reinterpret_cast<sockaddr*>(&addr),
                        reinterpret_cast<sockaddr*>(&addr), proto);
    WorkerContext w;
    w.stopping = &stopping;
    EXPECT_EQ(::write(peer.get(), request.data(), request.size()),
              static_cast<ssize_t>(request.size()));
    std::string out;
    ConnWait wait = conn.run(w);
    for (int round = 0;; ++round) {
      char buf[65536];
      ssize_t n;
      while ((n = ::read(peer.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
      if (wait != ConnWait::kWrite || round > 10000) break;
      wait = conn.run(w);
    }
    *last = wait;
    return out;
  }

  static size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
  }

  UniqueFd file_;
  std::string content_;
  int send_file_calls_ = 0;
};

// The first read returns exactly the first request (short of the buffer's room) while the
// transport still holds the second: the connection must not idle on the socket, which will
// never become readable again for bytes already taken off it.
TEST_F(ConnectionTransportTest, ShortReadIsNotDrainedWhileTheTransportHoldsInput) {
  const std::string one = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  ConnWait last;
  std::string out = exchange(one + one, one.size(), true, &last);
  EXPECT_EQ(count(out, "HTTP/1.1 200 OK\r\n"), 2u) << out;
  EXPECT_EQ(last, ConnWait::kKeepAlive);
}

TEST_F(ConnectionTransportTest, HandlerSeesTheTransportScheme) {
  ConnWait last;
  std::string out = exchange("GET /a HTTP/1.1\r\nHost: x\r\n\r\n", 4096, true, &last);
  EXPECT_NE(out.find("\r\n\r\nhttps 127.0.0.1"), std::string::npos) << out;
}

// A transport that cannot send files gets the file through the worker's buffer, whatever
// EnableSendfile says; send_file() is never called.
TEST_F(ConnectionTransportTest, FileBodyFallsBackToReadAndWrite) {
  for (bool sendfile_on : {true, false}) {
    send_file_calls_ = 0;
    ConnWait last;
    std::string out = exchange("GET /file HTTP/1.1\r\nHost: x\r\n\r\n", 4096, sendfile_on, &last);
    const size_t end = out.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos);
    EXPECT_NE(out.find("Content-Length: 307200\r\n"), std::string::npos) << out.substr(0, end);
    EXPECT_TRUE(out.substr(end + 4) == content_) << "body of " << out.size() - end - 4;
    EXPECT_EQ(send_file_calls_, 0);
    EXPECT_EQ(last, ConnWait::kKeepAlive);
  }
}

}  // namespace
}  // namespace tern
