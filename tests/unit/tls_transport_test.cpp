// TlsTransport over a socketpair, against an OpenSSL client on the other end: the
// non-blocking handshake, SNI, input held by OpenSSL (has_buffered_input), gathered writes,
// plaintext HTTP and garbage instead of a ClientHello, TLS 1.3's session tickets held for
// the first response, the close_notify sent with the last one.

#include "net/tls_transport.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace tern {
namespace {

// A self-signed ECDSA certificate for `cn` and its context (in memory, nothing on disk).
SSL_CTX* server_context(const char* cn) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(ctx, x);
  SSL_CTX_use_PrivateKey(ctx, key);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  X509_free(x);
  EVP_PKEY_free(key);
  prepare_tls_context(ctx);
  return ctx;
}

std::string subject_cn(SSL* ssl) {
  X509* peer = SSL_get1_peer_certificate(ssl);
  if (peer == nullptr) return "";
  char buf[128] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, buf, sizeof buf);
  X509_free(peer);
  return buf;
}

class TlsTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ctx_ = server_context("a.test");
    b_ctx_ = server_context("b.test");
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    client_fd_ = sv[1];
    factory_ = std::make_unique<TlsTransportFactory>(
        [this](std::string_view, uint16_t, std::string_view name) {
          names_.emplace_back(name);
          if (name == "b.test") return TlsServerChoice{b_ctx_, 2};
          if (name.empty()) return TlsServerChoice{a_ctx_, 1};
          return TlsServerChoice{};
        },
        [this](std::string_view line) { log_.emplace_back(line); });
    sockaddr_un_like_.sa_family = AF_UNIX;
    transport_ = &factory_->make(slot_, UniqueFd(sv[0]), &sockaddr_un_like_, &sockaddr_un_like_);
    client_ctx_ = SSL_CTX_new(TLS_client_method());
    client_ = SSL_new(client_ctx_);
    SSL_set_fd(client_, client_fd_);
    SSL_set_connect_state(client_);
  }
  void TearDown() override {
    slot_.reset();
    SSL_free(client_);
    SSL_CTX_free(client_ctx_);
    SSL_CTX_free(a_ctx_);
    SSL_CTX_free(b_ctx_);
    ::close(client_fd_);
  }
  // Runs both handshakes in turn until both are done (or a bound is reached).
  HandshakeStatus pump() {
    HandshakeStatus s = HandshakeStatus::kWouldBlock;
    bool client_done = false;
    for (int i = 0; i < 100 && !(client_done && s == HandshakeStatus::kDone); ++i) {
      if (!client_done) client_done = SSL_do_handshake(client_) == 1;
      if (s == HandshakeStatus::kWouldBlock) s = transport_->handshake();
      if (s == HandshakeStatus::kFailed) break;
    }
    return s;
  }
  // The client reads what the server wrote (all of it that is there now).
  std::string client_read() {
    std::string out;
    char buf[4096];
    for (int i = 0; i < 1000; ++i) {
      size_t n = 0;
      if (SSL_read_ex(client_, buf, sizeof buf, &n) != 1) break;
      out.append(buf, n);
    }
    return out;
  }

  SSL_CTX* a_ctx_ = nullptr;
  SSL_CTX* b_ctx_ = nullptr;
  SSL_CTX* client_ctx_ = nullptr;
  SSL* client_ = nullptr;
  int client_fd_ = -1;
  std::unique_ptr<TlsTransportFactory> factory_;
  std::vector<std::string> names_;
  std::vector<std::string> log_;
  sockaddr sockaddr_un_like_{};
  TransportSlot slot_;
  Transport* transport_ = nullptr;
};

TEST_F(TlsTransportTest, FitsTheTransportSlot) {
  EXPECT_LE(sizeof(TlsTransport), TransportSlot::kBytes);
  EXPECT_TRUE(factory_->needs_handshake());
  EXPECT_FALSE(transport_->can_send_file());
  EXPECT_EQ(transport_->scheme(), "https");
}

TEST_F(TlsTransportTest, HandshakeWithoutSniUsesTheDefaultAndSniChoosesTheVhost) {
  EXPECT_EQ(transport_->handshake(), HandshakeStatus::kWouldBlock);  // nothing sent yet
  ASSERT_EQ(pump(), HandshakeStatus::kDone) << (log_.empty() ? "" : log_[0]);
  EXPECT_EQ(subject_cn(client_), "a.test");
  EXPECT_EQ(transport_->sni_site(), 1);
  EXPECT_GT(transport_->raw_bytes_read(), 0u);

  // A second connection asking for b.test.
  TearDown();
  SetUp();
  SSL_set_tlsext_host_name(client_, "b.test");
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  EXPECT_EQ(subject_cn(client_), "b.test");
  EXPECT_EQ(transport_->sni_site(), 2);
  EXPECT_EQ(names_, (std::vector<std::string>{"", "", "b.test"}));
}

TEST_F(TlsTransportTest, InputDecryptedAheadIsReportedAsBuffered) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  size_t n = 0;
  ASSERT_EQ(SSL_write_ex(client_, "GET / one record", 16, &n), 1);  // one TLS record
  char buf[4];
  IoResult r = transport_->read(buf);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(buf, r.bytes), "GET ");
  // The rest of the record is inside OpenSSL, not in the socket.
  EXPECT_TRUE(transport_->has_buffered_input());
  EXPECT_TRUE(transport_->has_unread_input());
  char rest[64];
  r = transport_->read(rest);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(rest, r.bytes), "/ one record");
  EXPECT_FALSE(transport_->has_buffered_input());
  EXPECT_EQ(transport_->read(rest).status, IoStatus::kWouldBlock);
}

TEST_F(TlsTransportTest, WritevSendsEveryBufferInOrderAndCloseNotifyEndsTheStream) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  std::string big(40000, 'x');
  std::string head = "HTTP/1.1 200 OK\r\n\r\n";
  iovec iov[3] = {{head.data(), head.size()}, {big.data(), big.size()}, {head.data(), 4}};
  std::string got;
  size_t sent = 0;
  const size_t total = head.size() + big.size() + 4;
  for (int i = 0; i < 1000 && sent < total; ++i) {
    // Offer what is left, as the connection does after a partial write.
    std::vector<iovec> left;
    size_t skip = sent;
    for (const iovec& v : iov) {
      if (skip >= v.iov_len) {
        skip -= v.iov_len;
        continue;
      }
      left.push_back({static_cast<char*>(v.iov_base) + skip, v.iov_len - skip});
      skip = 0;
    }
    IoResult r = transport_->writev(left, false);
    ASSERT_NE(r.status, IoStatus::kError);
    if (r.status == IoStatus::kOk) sent += r.bytes;
    got += client_read();
  }
  got += client_read();
  EXPECT_EQ(got, head + big + "HTTP");
  transport_->shutdown_write();
  char buf[8];
  EXPECT_EQ(SSL_read(client_, buf, sizeof buf), 0);
  EXPECT_EQ(SSL_get_error(client_, 0), SSL_ERROR_ZERO_RETURN);
}

// Bytes waiting in the client's socket.
int queued(int fd) {
  int n = -1;
  return ::ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

// The client has a session it can resume (in TLS 1.3: a NewSessionTicket came).
bool resumable(SSL* client) {
  SSL_SESSION* s = SSL_get1_session(client);
  const bool ok = s != nullptr && SSL_SESSION_is_resumable(s) == 1;
  SSL_SESSION_free(s);
  return ok;
}

TEST_F(TlsTransportTest, SessionTicketsLeaveWithTheFirstResponse) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  ASSERT_EQ(SSL_version(client_), TLS1_3_VERSION);
  EXPECT_EQ(queued(client_fd_), 0);  // the tickets wait for the response
  // A response larger than the socket takes at once: held tickets, then its records, in
  // order across partial writes.
  std::string big(200000, 'y');
  std::string got;
  size_t sent = 0;
  for (int i = 0; i < 1000 && sent < big.size(); ++i) {
    iovec v{big.data() + sent, big.size() - sent};
    IoResult r = transport_->writev({&v, 1}, false);
    ASSERT_NE(r.status, IoStatus::kError);
    if (r.status == IoStatus::kOk) sent += r.bytes;
    got += client_read();
  }
  got += client_read();
  EXPECT_EQ(got, big);
  EXPECT_TRUE(resumable(client_));
}

TEST_F(TlsTransportTest, SessionTicketsLeaveBeforeTheConnectionWaitsForInput) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  EXPECT_EQ(queued(client_fd_), 0);
  EXPECT_FALSE(resumable(client_));
  char buf[16];
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kWouldBlock);
  EXPECT_GT(queued(client_fd_), 0);
  EXPECT_EQ(client_read(), "");  // takes the tickets
  EXPECT_TRUE(resumable(client_));
  // The request then reads as usual.
  size_t n = 0;
  ASSERT_EQ(SSL_write_ex(client_, "GET /", 5, &n), 1);
  IoResult r = transport_->read(buf);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(buf, r.bytes), "GET /");
}

TEST_F(TlsTransportTest, AFlightLargerThanTheSocketTakesGoesOutInSteps) {
  // A chain of 64 certificates (about 20 KB) through a send buffer of a few KB: the
  // server's flight cannot leave at once, the rest leaves as the client reads.
  X509* cert = SSL_CTX_get0_certificate(a_ctx_);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(SSL_CTX_add1_chain_cert(a_ctx_, cert), 1);
  const int small = 4096;
  ASSERT_EQ(::setsockopt(transport_->fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(client_);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(sk_X509_num(chain), 65);
  size_t n = 0;
  ASSERT_EQ(SSL_write_ex(client_, "ping", 4, &n), 1);
  char buf[8];
  IoResult r = transport_->read(buf);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(buf, r.bytes), "ping");
}

TEST_F(TlsTransportTest, TheLastResponseCarriesTheCloseNotify) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  char part[] = "HTTP/1.1 200 OK\r\n\r\n";
  char end[] = "hello";
  iovec v{part, sizeof part - 1};
  // More follows: the announcement waits for the call that ends the output.
  transport_->output_ends_with_next_write();
  ASSERT_EQ(transport_->writev({&v, 1}, true).status, IoStatus::kOk);
  EXPECT_EQ(client_read(), part);
  char buf[8];
  EXPECT_EQ(SSL_read(client_, buf, sizeof buf), -1);
  EXPECT_EQ(SSL_get_error(client_, -1), SSL_ERROR_WANT_READ);
  // Holds for one call only.
  ASSERT_EQ(transport_->writev({&v, 1}, false).status, IoStatus::kOk);
  EXPECT_EQ(client_read(), part);
  transport_->output_ends_with_next_write();
  v = {end, sizeof end - 1};
  ASSERT_EQ(transport_->writev({&v, 1}, false).status, IoStatus::kOk);
  EXPECT_EQ(client_read(), "hello");
  EXPECT_EQ(SSL_read(client_, buf, sizeof buf), 0);
  EXPECT_EQ(SSL_get_error(client_, 0), SSL_ERROR_ZERO_RETURN);
  // Closing sends no second close_notify.
  slot_.reset();
  EXPECT_EQ(::read(client_fd_, buf, sizeof buf), 0);
}

TEST_F(TlsTransportTest, PlainHttpIsSpottedBeforeOpenSsl) {
  const std::string req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  ASSERT_EQ(::write(client_fd_, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  EXPECT_EQ(transport_->handshake(), HandshakeStatus::kPlainHttp);
  EXPECT_EQ(transport_->scheme(), "http");
  char buf[128];
  IoResult r = transport_->read(buf);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(buf, r.bytes), req);
  iovec v{const_cast<char*>("HTTP/1.1 400"), 12};
  EXPECT_EQ(transport_->writev({&v, 1}, false).bytes, 12u);
  EXPECT_EQ(::read(client_fd_, buf, sizeof buf), 12);
  EXPECT_TRUE(log_.empty());
}

TEST_F(TlsTransportTest, GarbageFailsTheHandshakeWithOneLogLine) {
  const char junk[] = "\x01\x02\x03garbage garbage garbage";
  ASSERT_GT(::write(client_fd_, junk, sizeof junk), 0);
  EXPECT_EQ(transport_->handshake(), HandshakeStatus::kFailed);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].find("SSL handshake failed"), std::string::npos) << log_[0];
  char buf[8];
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kError);
}

TEST_F(TlsTransportTest, PeerCloseBeforeAnyByteFailsQuietly) {
  ::shutdown(client_fd_, SHUT_WR);
  EXPECT_EQ(transport_->handshake(), HandshakeStatus::kFailed);
  EXPECT_TRUE(log_.empty());
}

}  // namespace
}  // namespace tern
