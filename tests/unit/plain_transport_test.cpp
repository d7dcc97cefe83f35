// PlainTransport over a non-blocking socketpair: reads (partial, would-block, EOF), gathered
// writes (partial when the socket buffer fills, EPIPE without SIGPIPE), send_file from an
// offset, shutdown_write, unread input, and the addresses and scheme it reports.

#include "net/plain_transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace tern {
namespace {

class PlainTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    peer_.reset(sv[1]);
    sockaddr_in p{};
    p.sin_family = AF_INET;
    p.sin_port = htons(40000);
    p.sin_addr.s_addr = htonl(0x7f000002);
    sockaddr_in6 l{};
    l.sin6_family = AF_INET6;
    l.sin6_port = htons(8443);
    l.sin6_addr = in6addr_loopback;
    t_ = &factory().make(slot_, UniqueFd(sv[0]), reinterpret_cast<sockaddr*>(&p),
                         reinterpret_cast<sockaddr*>(&l));
  }

  static const TransportFactory& factory() { return plain_transport_factory(); }

  void peer_write(const std::string& s) {
    ASSERT_EQ(::write(peer_.get(), s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  // Everything the peer can read now.
  std::string peer_read_all() {
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(peer_.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

  UniqueFd peer_;
  TransportSlot slot_;
  Transport* t_ = nullptr;
};

TEST_F(PlainTransportTest, ReportsSchemeAndAddresses) {
  EXPECT_EQ(t_->scheme(), "http");
  EXPECT_STREQ(t_->addresses().peer_ip, "127.0.0.2");
  EXPECT_EQ(t_->addresses().peer_port, 40000);
  EXPECT_STREQ(t_->addresses().local_ip, "::1");
  EXPECT_EQ(t_->addresses().local_port, 8443);
  EXPECT_EQ(slot_.get(), t_);
  EXPECT_GE(t_->fd(), 0);
}

TEST_F(PlainTransportTest, PartialReadsThenWouldBlockThenEof) {
  peer_write("0123456789");
  char buf[4];
  IoResult r = t_->read(buf);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(buf, r.bytes), "0123");
  r = t_->read(buf);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(buf, r.bytes), "4567");
  char big[64];
  r = t_->read(big);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(big, r.bytes), "89");  // a short read
  EXPECT_FALSE(t_->has_buffered_input());      // plain: nothing held above the socket
  r = t_->read(big);
  EXPECT_EQ(r.status, IoStatus::kWouldBlock);
  EXPECT_EQ(r.bytes, 0u);
  peer_.reset();
  r = t_->read(big);
  EXPECT_EQ(r.status, IoStatus::kEof);
  EXPECT_EQ(r.bytes, 0u);
}

TEST_F(PlainTransportTest, UnreadInputFollowsTheSocket) {
  EXPECT_FALSE(t_->has_unread_input());
  peer_write("abc");
  EXPECT_TRUE(t_->has_unread_input());
  char buf[8];
  ASSERT_EQ(t_->read(buf).bytes, 3u);
  EXPECT_FALSE(t_->has_unread_input());
}

TEST_F(PlainTransportTest, WritevGathersInOrder) {
  std::string a = "HTTP/1.1 200 OK\r\n", b = "\r\n", c = "body";
  iovec iov[] = {{a.data(), a.size()}, {b.data(), b.size()}, {c.data(), c.size()}};
  IoResult r = t_->writev(iov, false);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(r.bytes, a.size() + b.size() + c.size());
  EXPECT_EQ(peer_read_all(), a + b + c);
}

TEST_F(PlainTransportTest, WritevIsPartialWhenTheBufferFillsThenWouldBlock) {
  int small = 4096;
  ASSERT_EQ(::setsockopt(t_->fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  std::string a(1 << 20, 'a'), b(1 << 20, 'b');
  iovec iov[] = {{a.data(), a.size()}, {b.data(), b.size()}};
  IoResult r = t_->writev(iov, true);
  ASSERT_EQ(r.status, IoStatus::kOk);
  ASSERT_GT(r.bytes, 0u);
  ASSERT_LT(r.bytes, a.size() + b.size());  // partial: the rest waits for the peer
  size_t sent = r.bytes;
  // Keep writing the remainder until the socket refuses.
  for (int i = 0; i < 1000; ++i) {
    std::string rest = (a + b).substr(sent);
    iovec one{rest.data(), rest.size()};
    r = t_->writev({&one, 1}, false);
    if (r.status != IoStatus::kOk) break;
    sent += r.bytes;
  }
  EXPECT_EQ(r.status, IoStatus::kWouldBlock);
  std::string got = peer_read_all();
  EXPECT_EQ(got.size(), sent);
  EXPECT_EQ(got, (a + b).substr(0, sent));  // the bytes came in order, none twice
}

TEST_F(PlainTransportTest, WritevToAClosedPeerIsAnErrorWithoutSigpipe) {
  peer_.reset();
  std::string s = "x";
  iovec one{s.data(), s.size()};
  IoResult r = t_->writev({&one, 1}, false);  // SIGPIPE would kill the test binary
  EXPECT_EQ(r.status, IoStatus::kError);
  EXPECT_EQ(r.err, EPIPE);
}

TEST_F(PlainTransportTest, SendFileSendsTheRangeAtItsOffset) {
  char path[] = "/tmp/tern_transport_XXXXXX";
  UniqueFd file(::mkstemp(path));
  ASSERT_TRUE(file);
  ::unlink(path);
  const std::string content = "abcdefghijklmnopqrstuvwxyz";
  ASSERT_EQ(::write(file.get(), content.data(), content.size()),
            static_cast<ssize_t>(content.size()));
  EXPECT_TRUE(t_->can_send_file());
  IoResult r = t_->send_file(file.get(), 5, 10);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(r.bytes, 10u);
  EXPECT_EQ(peer_read_all(), "fghijklmno");
  // The file's own offset is not used or moved: the same range again, then the tail.
  r = t_->send_file(file.get(), 5, 3);
  ASSERT_EQ(r.bytes, 3u);
  r = t_->send_file(file.get(), 24, 10);  // asks past the end: what there is
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(r.bytes, 2u);
  EXPECT_EQ(peer_read_all(), "fghyz");
  r = t_->send_file(file.get(), 26, 10);  // the file ended before the range
  EXPECT_EQ(r.status, IoStatus::kEof);
}

TEST_F(PlainTransportTest, ShutdownWriteEndsOutputButKeepsInput) {
  t_->shutdown_write();
  char buf[8];
  EXPECT_EQ(::read(peer_.get(), buf, sizeof buf), 0);  // the peer sees EOF
  peer_write("late");
  IoResult r = t_->read(buf);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(buf, r.bytes), "late");
}

TEST_F(PlainTransportTest, ResetClosesTheSocket) {
  slot_.reset();
  EXPECT_EQ(slot_.get(), nullptr);
  char buf[8];
  EXPECT_EQ(::read(peer_.get(), buf, sizeof buf), 0);  // the peer sees EOF
}

}  // namespace
}  // namespace tern
