// What HttpConnection keeps while it waits for the rest of a request head: a short partial
// head is kept as its bytes only (no exchange: no 8 KiB input buffer, parser or request), and
// the answer does not depend on how the head was split across reads. Runs the connection over
// a socketpair with a handler that echoes what it parsed.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include <gtest/gtest.h>

#include "http/connection.h"
#include "net/plain_transport.h"

namespace tern {
namespace {

// Echoes the parsed request (method, target, every field) as the body.
class EchoHandler : public Handler {
 public:
  void handle(const Request& req, const RequestContext&, Response& resp) const override {
    resp.clear();  // Handler::handle clears what `resp` holds
    std::string body = std::string(req.method_name) + " " + std::string(req.target) + "\n";
    for (const HeaderField& f : req.headers) {
      body += std::string(f.name) + "=" + std::string(f.value) + "\n";
    }
    resp.append_body(body);
  }
  void error(int status, const Request*, const RequestContext&, Response& resp) const override {
    resp.status = status;
    resp.append_body("error\n");
  }
};

// One connection over a socketpair, with the environment a worker gives it.
class Conn {
 public:
  Conn() {
    w_.stopping = &stopping_;
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    conn_ = std::make_unique<HttpConnection>(UniqueFd(sv[0]), reinterpret_cast<sockaddr*>(&addr),
                                             reinterpret_cast<sockaddr*>(&addr), proto_);
    peer_ = sv[1];
  }
  ~Conn() { ::close(peer_); }

  // Sends `bytes` and runs the connection as a worker would when it becomes readable.
  ConnWait send(const std::string& bytes) {
    EXPECT_EQ(::write(peer_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    return conn_->run(w_);
  }
  // What the server wrote so far (and not read yet).
  std::string output() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(peer_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  HttpConnection& conn() { return *conn_; }
  WorkerContext& worker() { return w_; }

 private:
  ConnectionSettings settings_;
  EchoHandler handler_;
  std::atomic<bool> stopping_{false};
  ConnectionEnv env_{&settings_, &handler_, nullptr};
  HttpProtocol proto_{env_, plain_transport_factory()};
  WorkerContext w_;
  std::unique_ptr<HttpConnection> conn_;
  int peer_ = -1;
};

// The response without its Date field (the only part that may change between runs).
std::string without_date(std::string out) {
  size_t d;
  while ((d = out.find("\r\nDate: ")) != std::string::npos) {
    out.erase(d, out.find("\r\n", d + 2) - d);
  }
  return out;
}

const std::string kHead =
    "GET /a?b=c HTTP/1.1\r\nHost: example.test\r\nUser-Agent: test/1.0\r\n"
    "Accept: */*\r\nX-Long: " +
    std::string(300, 'v') + "\r\n\r\n";

TEST(ConnectionPartialHead, ShortPartialHeadRetainsOnlyItsBytes) {
  Conn c;
  const std::string part = "GET / HTTP/1.1\r\nHost: x\r\nX-a: ";
  ASSERT_EQ(c.send(part), ConnWait::kReadHead);
  EXPECT_EQ(c.conn().buffered(), part.size());
  // No exchange: the connection object and the bytes received, nothing else.
  EXPECT_EQ(c.conn().retained_bytes(), sizeof(HttpConnection) + part.size());
  EXPECT_LE(c.conn().retained_bytes(), 2048u);
  EXPECT_EQ(c.output(), "");

  ASSERT_EQ(c.send("b\r\n\r\n"), ConnWait::kKeepAlive);
  const std::string out = c.output();
  EXPECT_EQ(out.rfind("HTTP/1.1 200 ", 0), 0u) << out;
  EXPECT_NE(out.find("\r\n\r\nGET /\nHost=x\nX-a=b\n"), std::string::npos) << out;
  // An idle keep-alive connection holds no exchange either.
  EXPECT_EQ(c.conn().retained_bytes(), sizeof(HttpConnection));
  EXPECT_LE(c.conn().retained_bytes(), 1024u);
}

TEST(ConnectionPartialHead, LargestStashedHeadStaysUnderTwoKiB) {
  Conn c;
  std::string part = "GET / HTTP/1.1\r\nHost: x\r\nX-a: ";
  part += std::string(HttpConnection::kStashMax - part.size(), 'a');
  ASSERT_EQ(c.send(part), ConnWait::kReadHead);
  EXPECT_LE(c.conn().retained_bytes(), 2048u);
  ASSERT_EQ(c.send("\r\n\r\n"), ConnWait::kKeepAlive);
  EXPECT_EQ(c.output().rfind("HTTP/1.1 200 ", 0), 0u);
}

TEST(ConnectionPartialHead, ByteByByteAnswersAsWhole) {
  Conn whole;
  ASSERT_EQ(whole.send(kHead), ConnWait::kKeepAlive);
  const std::string expected = without_date(whole.output());
  ASSERT_NE(expected.find("X-Long=" + std::string(300, 'v')), std::string::npos) << expected;

  Conn split;
  for (size_t i = 0; i + 1 < kHead.size(); ++i) {
    ASSERT_EQ(split.send(kHead.substr(i, 1)), ConnWait::kReadHead) << "byte " << i;
    ASSERT_EQ(split.conn().retained_bytes(), sizeof(HttpConnection) + i + 1) << "byte " << i;
  }
  ASSERT_EQ(split.send(kHead.substr(kHead.size() - 1)), ConnWait::kKeepAlive);
  EXPECT_EQ(without_date(split.output()), expected);
}

TEST(ConnectionPartialHead, ErrorFoundMidHeadIsTheSameHoweverSplit) {
  // A field line without a colon: 400 whether it arrives whole or a byte at a time, and the
  // split connection answers as soon as the offending line is complete.
  const std::string bad = "GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nMore: y\r\n\r\n";
  Conn whole;
  ConnWait w1 = whole.send(bad);
  const std::string expected = without_date(whole.output());
  ASSERT_EQ(expected.rfind("HTTP/1.1 400 ", 0), 0u) << expected;

  Conn split;
  ConnWait w2 = ConnWait::kReadHead;
  size_t i = 0;
  for (; i < bad.size() && w2 == ConnWait::kReadHead; ++i) w2 = split.send(bad.substr(i, 1));
  EXPECT_EQ(w2, w1);
  EXPECT_LT(i, bad.size());  // answered before the head's end arrived
  EXPECT_EQ(without_date(split.output()), expected);
}

TEST(ConnectionPartialHead, PipelinedPartialHeadAfterAnAnsweredRequest) {
  Conn c;
  ASSERT_EQ(c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHo"),
            ConnWait::kReadHead);
  const std::string first = c.output();
  EXPECT_NE(first.find("\r\n\r\nGET /one\n"), std::string::npos) << first;
  EXPECT_EQ(c.conn().retained_bytes(), sizeof(HttpConnection) + 21);
  ASSERT_EQ(c.send("st: y\r\n\r\n"), ConnWait::kKeepAlive);
  const std::string second = c.output();
  EXPECT_NE(second.find("\r\n\r\nGET /two\nHost=y\n"), std::string::npos) << second;
  EXPECT_EQ(c.conn().requests(), 2u);
}

TEST(ConnectionPartialHead, LongPartialHeadKeepsItsExchange) {
  // Past kStashMax the parser's progress is kept (a re-parse per read would cost up to the
  // whole head): the exchange stays, and the head completes as usual.
  Conn c;
  std::string part = "GET / HTTP/1.1\r\nHost: x\r\nX-a: ";
  part += std::string(HttpConnection::kStashMax + 1 - part.size(), 'a');
  ASSERT_EQ(c.send(part), ConnWait::kReadHead);
  EXPECT_GT(c.conn().retained_bytes(), sizeof(HttpConnection) + part.size());
  ASSERT_EQ(c.send("\r\n\r\n"), ConnWait::kKeepAlive);
  EXPECT_EQ(c.output().rfind("HTTP/1.1 200 ", 0), 0u);
}

TEST(ConnectionPartialHead, TimeoutOfAStashedHeadAnswers408) {
  Conn c;
  ASSERT_EQ(c.send("HEAD / HTTP/1.1\r\nHost: x\r\n"), ConnWait::kReadHead);
  ConnWait next = c.conn().on_timeout(c.worker(), ConnWait::kReadHead);
  EXPECT_TRUE(next == ConnWait::kLinger || next == ConnWait::kClose);
  const std::string out = c.output();
  EXPECT_EQ(out.rfind("HTTP/1.1 408 ", 0), 0u) << out;
  EXPECT_EQ(out.find("error\n"), std::string::npos) << out;  // HEAD: no body
}

}  // namespace
}  // namespace tern
