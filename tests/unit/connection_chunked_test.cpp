// Response::chunked as serialised by HttpConnection: Transfer-Encoding: chunked for HTTP/1.1,
// a close-delimited body for HTTP/1.0, no body for HEAD. Runs the connection over a socketpair
// with a test handler producing a generated body in two memory chunks.

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

class GeneratedHandler : public Handler {
 public:
  void handle(const Request&, const RequestContext&, Response& resp) const override {
    resp.clear();  // Handler::handle clears what `resp` holds
    resp.chunked = true;
    resp.add_header("Content-Type", "text/plain");
    resp.body_mem = "hello world!";  // two memory chunks: two HTTP chunks
    resp.chunks = {BodyChunk{false, 0, 6}, BodyChunk{false, 6, 6}};
  }
  void error(int status, const Request*, const RequestContext&, Response& resp) const override {
    resp.status = status;
  }
};

struct Exchanged {
  std::string out;
  ConnWait wait;
};

Exchanged exchange(const std::string& request) {
  int sv[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ConnectionSettings settings;
  GeneratedHandler handler;
  std::atomic<bool> stopping{false};
  ConnectionEnv env{&settings, &handler, nullptr};
  HttpProtocol proto(env, plain_transport_factory());
  HttpConnection conn(UniqueFd(sv[0]), reinterpret_cast<sockaddr*>(&addr),
                      reinterpret_cast<sockaddr*>(&addr), proto);
  WorkerContext w;
  w.stopping = &stopping;
  EXPECT_EQ(::write(sv[1], request.data(), request.size()), static_cast<ssize_t>(request.size()));
  Exchanged r;
  r.wait = conn.run(w);
  char buf[4096];
  ssize_t n;
  while ((n = ::read(sv[1], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  ::close(sv[1]);
  return r;
}

TEST(ConnectionChunked, Http11GetsTransferEncodingChunked) {
  Exchanged r = exchange("GET /gen HTTP/1.1\r\nHost: x\r\n\r\n");
  const size_t end = r.out.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << r.out;
  const std::string head = r.out.substr(0, end + 4);
  EXPECT_NE(head.find("\r\nTransfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_EQ(head.find("Connection: close"), std::string::npos) << head;
  EXPECT_EQ(r.out.substr(end + 4), "6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n");
  EXPECT_EQ(r.wait, ConnWait::kKeepAlive);
}

TEST(ConnectionChunked, Http10GetsCloseDelimitedBody) {
  Exchanged r = exchange("GET /gen HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  const size_t end = r.out.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << r.out;
  const std::string head = r.out.substr(0, end + 4);
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nConnection: close\r\n"), std::string::npos) << head;
  EXPECT_EQ(r.out.substr(end + 4), "hello world!");
  EXPECT_NE(r.wait, ConnWait::kKeepAlive);
}

TEST(ConnectionChunked, HeadGetsTheFieldsAndNoBody) {
  Exchanged r = exchange("HEAD /gen HTTP/1.1\r\nHost: x\r\n\r\n");
  const size_t end = r.out.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\r\nTransfer-Encoding: chunked\r\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.size(), end + 4) << r.out;
}

}  // namespace
}  // namespace tern
