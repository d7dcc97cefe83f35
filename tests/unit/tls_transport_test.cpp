// TlsTransport over a socketpair, against an OpenSSL client on the other end: the
// non-blocking handshake, SNI, input held by OpenSSL (has_buffered_input), gathered writes,
// plaintext HTTP and garbage instead of a ClientHello, TLS 1.3's session tickets held for
// the first response, the close_notify sent with the last one.

#include "net/tls_transport.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/err.h>
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
    a_own_ = server_context("a.test");
    b_own_ = server_context("b.test");
    enable_own_records(a_own_);
    enable_own_records(b_own_);
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    client_fd_ = sv[1];
    factory_ = std::make_unique<TlsTransportFactory>(
        [this](std::string_view, uint16_t, std::string_view name) {
          names_.emplace_back(name);
          if (name == "b.test") return TlsServerChoice{b_ctx_, 2, twins_ ? b_own_ : nullptr};
          if (name.empty()) return TlsServerChoice{a_ctx_, 1, twins_ ? a_own_ : nullptr};
          return TlsServerChoice{};
        },
        [this](std::string_view line) { log_.emplace_back(line); }, nullptr, records_);
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
    SSL_CTX_free(a_own_);
    SSL_CTX_free(b_own_);
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
  SSL_CTX* a_own_ = nullptr;  // their twins with the key log (TlsServerChoice)
  SSL_CTX* b_own_ = nullptr;
  bool twins_ = true;  // the lookup returns the twins
  RecordLayerChoice records_ = RecordLayerChoice::kAlways;
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
  for (SSL_CTX* ctx : {a_ctx_, a_own_}) {
    X509* cert = SSL_CTX_get0_certificate(ctx);
    for (int i = 0; i < 64; ++i) ASSERT_EQ(SSL_CTX_add1_chain_cert(ctx, cert), 1);
  }
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

// tern's TLS 1.3 record layer (net/tls13_records.h): which connections it carries, and
// that what OpenSSL's peer sends and expects still holds.
TlsTransport& tls(Transport* t) {
  return *static_cast<TlsTransport*>(t);
}

// The client sends `text` in one record; the server reads all of it.
std::string round_trip_request(SSL* client, Transport* server, const std::string& text) {
  size_t n = 0;
  if (SSL_write_ex(client, text.data(), text.size(), &n) != 1) return "client write failed";
  std::string got;
  char buf[4096];
  for (int i = 0; i < 100 && got.size() < text.size(); ++i) {
    IoResult r = server->read(buf);
    if (r.status != IoStatus::kOk) break;
    got.append(buf, r.bytes);
  }
  return got;
}

// The server writes `text`; what the client reads of it.
std::string round_trip_response(SSL* client, Transport* server, std::string text) {
  iovec v{text.data(), text.size()};
  IoResult r = server->writev({&v, 1}, false);
  if (r.status != IoStatus::kOk || r.bytes != text.size()) return "server write failed";
  std::string out;
  char buf[4096];
  for (int i = 0; i < 100 && out.size() < text.size(); ++i) {
    size_t n = 0;
    if (SSL_read_ex(client, buf, sizeof buf, &n) != 1) break;
    out.append(buf, n);
  }
  return out;
}

TEST_F(TlsTransportTest, TernSealsTheRecordsOfEveryTls13AeadSuite) {
  for (const char* suite :
       {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
    SCOPED_TRACE(suite);
    TearDown();
    SetUp();
    ASSERT_EQ(SSL_set_ciphersuites(client_, suite), 1);
    ASSERT_EQ(pump(), HandshakeStatus::kDone);
    EXPECT_STREQ(SSL_CIPHER_get_name(SSL_get_current_cipher(client_)), suite);
    EXPECT_TRUE(tls(transport_).seals_own_records());
    EXPECT_EQ(round_trip_request(client_, transport_, "GET / HTTP/1.1\r\n\r\n"),
              "GET / HTTP/1.1\r\n\r\n");
    EXPECT_EQ(round_trip_response(client_, transport_, "HTTP/1.1 200 OK\r\n\r\n"),
              "HTTP/1.1 200 OK\r\n\r\n");
    // Both sequence numbers move on: a second exchange, and a large one.
    EXPECT_EQ(round_trip_request(client_, transport_, "second"), "second");
    const std::string big(50000, 'z');
    EXPECT_EQ(round_trip_response(client_, transport_, big), big);
    EXPECT_TRUE(resumable(client_));  // the tickets OpenSSL sealed came first
  }
}

TEST_F(TlsTransportTest, Tls12AndPostHandshakeAuthStayWithOpenSsl) {
  SSL_set_max_proto_version(client_, TLS1_2_VERSION);
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  EXPECT_FALSE(tls(transport_).seals_own_records());
  EXPECT_EQ(round_trip_request(client_, transport_, "GET /"), "GET /");
  EXPECT_EQ(round_trip_response(client_, transport_, "200"), "200");
  TearDown();
  SetUp();
  SSL_set_post_handshake_auth(client_, 1);
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  ASSERT_EQ(SSL_version(client_), TLS1_3_VERSION);
  EXPECT_FALSE(tls(transport_).seals_own_records());
  EXPECT_EQ(round_trip_request(client_, transport_, "GET /"), "GET /");
  EXPECT_EQ(round_trip_response(client_, transport_, "200"), "200");
}

TEST_F(TlsTransportTest, AServerWithoutATwinKeepsOpenSslsRecordLayer) {
  // As a vhost with SSLOpenSSLConfCmd RecordPadding (TlsPorts makes it no twin).
  TearDown();
  twins_ = false;
  SetUp();
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  ASSERT_EQ(SSL_version(client_), TLS1_3_VERSION);
  EXPECT_FALSE(tls(transport_).seals_own_records());
  EXPECT_EQ(round_trip_request(client_, transport_, "GET /"), "GET /");
  EXPECT_EQ(round_trip_response(client_, transport_, "200"), "200");
  // SNI naming a server with a twin does not move a connection that began without.
  TearDown();
  SetUp();
  records_ = RecordLayerChoice::kNever;
  TearDown();
  SetUp();
  SSL_set_tlsext_host_name(client_, "b.test");
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  EXPECT_FALSE(tls(transport_).seals_own_records());
}

TEST_F(TlsTransportTest, TheAdaptiveChoiceFollowsTheReadsPerHandshake) {
  TlsTransportFactory::reset_tls_traffic();
  TearDown();
  records_ = RecordLayerChoice::kAdaptive;
  SetUp();
  EXPECT_FALSE(factory_->wants_own_records());  // a fresh process: OpenSSL's records
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  EXPECT_FALSE(tls(transport_).seals_own_records());
  // This connection's reads count as they come (at its end for the last few): three reads
  // for one handshake is below the threshold.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(round_trip_request(client_, transport_, "GET /"), "GET /");
  TearDown();
  SetUp();
  EXPECT_FALSE(factory_->wants_own_records());
  // Connections of many requests each: the next one moves to tern's record layer.
  TlsTransportFactory::note_reads(100000);
  EXPECT_TRUE(factory_->wants_own_records());
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  EXPECT_TRUE(tls(transport_).seals_own_records());
  EXPECT_EQ(round_trip_request(client_, transport_, "GET /"), "GET /");
  // A flood of one-request connections brings it back.
  for (int i = 0; i < 5000; ++i) TlsTransportFactory::note_handshake();
  EXPECT_FALSE(factory_->wants_own_records());
  TlsTransportFactory::reset_tls_traffic();
}

TEST_F(TlsTransportTest, ARequestThatCameWithTheClientsFinishedIsRead) {
  // The client finishes and sends its request before the server reads its Finished: both
  // come in one read of the socket, and the request stays with tern's record layer.
  for (int i = 0; i < 100 && SSL_do_handshake(client_) != 1; ++i) {
    ASSERT_NE(transport_->handshake(), HandshakeStatus::kFailed);
  }
  size_t n = 0;
  ASSERT_EQ(SSL_write_ex(client_, "GET /early", 10, &n), 1);
  ASSERT_EQ(transport_->handshake(), HandshakeStatus::kDone);
  EXPECT_TRUE(tls(transport_).seals_own_records());
  EXPECT_TRUE(transport_->has_buffered_input());
  char buf[64];
  IoResult r = transport_->read(buf);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(buf, r.bytes), "GET /early");
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kWouldBlock);
}

TEST_F(TlsTransportTest, AClientsKeyUpdateIsFollowedAndAnswered) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  ASSERT_TRUE(tls(transport_).seals_own_records());
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    // Asks for the server's KeyUpdate too; the client's read key moves on with it.
    ASSERT_EQ(SSL_key_update(client_, SSL_KEY_UPDATE_REQUESTED), 1);
    EXPECT_EQ(round_trip_request(client_, transport_, "after update"), "after update");
    EXPECT_EQ(round_trip_response(client_, transport_, "answer"), "answer");
    ASSERT_EQ(SSL_key_update(client_, SSL_KEY_UPDATE_NOT_REQUESTED), 1);
    EXPECT_EQ(round_trip_request(client_, transport_, "again"), "again");
    EXPECT_EQ(round_trip_response(client_, transport_, "ok"), "ok");
  }
  EXPECT_TRUE(log_.empty()) << log_[0];
}

TEST_F(TlsTransportTest, ManyKeyUpdateRequestsGetOneAnswer) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  ASSERT_TRUE(tls(transport_).seals_own_records());
  char buf[64];
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kWouldBlock);  // the tickets leave
  EXPECT_EQ(client_read(), "");
  ASSERT_EQ(queued(client_fd_), 0);
  // Twenty KeyUpdates that each ask for the server's, before the server reads any: one
  // KeyUpdate answers them all (RFC 8446 §4.6.3), not twenty queued records.
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(SSL_key_update(client_, SSL_KEY_UPDATE_REQUESTED), 1);
    ASSERT_EQ(SSL_do_handshake(client_), 1);
  }
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kWouldBlock);
  EXPECT_EQ(queued(client_fd_), static_cast<int>(Tls13Records::sealed_size(5)));
  EXPECT_EQ(client_read(), "");
  EXPECT_EQ(round_trip_request(client_, transport_, "in step"), "in step");
  EXPECT_EQ(round_trip_response(client_, transport_, "both ways"), "both ways");
}

TEST_F(TlsTransportTest, TheClientsCloseNotifyEndsTheInput) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  ASSERT_TRUE(tls(transport_).seals_own_records());
  size_t n = 0;
  ASSERT_EQ(SSL_write_ex(client_, "last", 4, &n), 1);
  ASSERT_EQ(SSL_shutdown(client_), 0);  // close_notify sent, the server's not read yet
  char buf[64];
  IoResult r = transport_->read(buf);
  ASSERT_EQ(r.status, IoStatus::kOk);
  EXPECT_EQ(std::string(buf, r.bytes), "last");
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kEof);
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kEof);
  transport_->shutdown_write();
  EXPECT_EQ(SSL_shutdown(client_), 1);  // the server's close_notify came
}

TEST_F(TlsTransportTest, AForgedRecordEndsTheSessionWithBadRecordMac) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  ASSERT_TRUE(tls(transport_).seals_own_records());
  EXPECT_EQ(round_trip_request(client_, transport_, "fine"), "fine");
  unsigned char forged[5 + 40] = {23, 3, 3, 0, 40};
  for (size_t i = 5; i < sizeof forged; ++i) forged[i] = static_cast<unsigned char>(i * 7);
  ASSERT_EQ(::write(client_fd_, forged, sizeof forged), static_cast<ssize_t>(sizeof forged));
  char buf[64];
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kError);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].find("bad record"), std::string::npos) << log_[0];
  // The client gets the alert (the tickets come before it).
  const int r = SSL_read(client_, buf, sizeof buf);
  EXPECT_LE(r, 0);
  EXPECT_EQ(SSL_get_error(client_, r), SSL_ERROR_SSL);
  EXPECT_EQ(ERR_GET_REASON(ERR_peek_last_error()), SSL_R_SSLV3_ALERT_BAD_RECORD_MAC);
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kError);
}

TEST_F(TlsTransportTest, ARecordLongerThanTls13AllowsIsRefused) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  ASSERT_TRUE(tls(transport_).seals_own_records());
  const unsigned char header[5] = {23, 3, 3, 0x41, 0x01};  // 16,641 > 16,384 + 256
  ASSERT_EQ(::write(client_fd_, header, sizeof header), 5);
  char buf[64];
  EXPECT_EQ(transport_->read(buf).status, IoStatus::kError);
  const int r = SSL_read(client_, buf, sizeof buf);
  EXPECT_LE(r, 0);
  EXPECT_EQ(SSL_get_error(client_, r), SSL_ERROR_SSL);
  EXPECT_EQ(ERR_GET_REASON(ERR_peek_last_error()), SSL_R_TLSV1_ALERT_RECORD_OVERFLOW);
}

TEST_F(TlsTransportTest, AnIdleConnectionFreesItsRecordBuffersAndCiphers) {
  ASSERT_EQ(pump(), HandshakeStatus::kDone);
  ASSERT_TRUE(tls(transport_).seals_own_records());
  EXPECT_EQ(round_trip_request(client_, transport_, "one"), "one");
  transport_->release_buffers();
  // Made again at the next record, in both directions.
  EXPECT_EQ(round_trip_request(client_, transport_, "two"), "two");
  transport_->release_buffers();
  EXPECT_EQ(round_trip_response(client_, transport_, "three"), "three");
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
