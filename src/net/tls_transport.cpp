#include "net/tls_transport.h"

#include <openssl/err.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

namespace tern {

namespace {

constexpr size_t kRecord = 16384;          // TLS's largest record payload
constexpr size_t kBatchMax = 4 * kRecord;  // plaintext encrypted per writev call, at most

TlsTransport* transport_of(const SSL* ssl) {
  return static_cast<TlsTransport*>(SSL_get_app_data(ssl));
}

// Acknowledges the server name; the ClientHello callback below already chose the server.
int on_servername(SSL*, int*, void*) {
  return SSL_TLSEXT_ERR_OK;
}

// The host name of the ClientHello's server_name extension, or "" (httpd's
// ssl_callback_ClientHello reads it the same way: before the version is chosen).
std::string_view client_hello_name(SSL* ssl) {
  const unsigned char* p = nullptr;
  size_t len = 0;
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p, &len) != 1 || len < 5) return {};
  const size_t list = (size_t{p[0]} << 8) | p[1];
  if (list + 2 != len || p[2] != TLSEXT_NAMETYPE_host_name) return {};
  const size_t n = (size_t{p[3]} << 8) | p[4];
  if (n == 0 || n + 5 > len) return {};
  return {reinterpret_cast<const char*>(p + 5), n};
}

// The ClientHello callback: switches to the named server's context before OpenSSL picks
// the protocol version and looks up the session, so its SSLProtocol and session id
// context apply (the servername callback comes too late for both).
int on_client_hello(SSL* ssl, int*, void*) {
  TlsTransport* t = transport_of(ssl);
  const std::string_view name = client_hello_name(ssl);
  if (t != nullptr && !name.empty()) t->on_server_name(name);
  return SSL_CLIENT_HELLO_SUCCESS;
}

void on_info(const SSL* ssl, int where, int) {
  if ((where & SSL_CB_HANDSHAKE_START) == 0) return;
  if (TlsTransport* t = transport_of(ssl)) t->on_handshake_start();
}

// Empties this thread's OpenSSL error queue before an SSL call (SSL_get_error needs it
// empty). ERR_clear_error walks all the queue's slots (about 1,000 instructions in
// OpenSSL 3.0); the queue is almost always empty already, which a peek tells cheaply.
void clear_errors() {
  if (ERR_peek_error() != 0) ERR_clear_error();
}

// The text of the first queued OpenSSL error, and clears the queue.
void take_error(char* buf, size_t len) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) {
    std::snprintf(buf, len, "%s", errno != 0 ? std::strerror(errno) : "connection closed");
    return;
  }
  ERR_error_string_n(e, buf, len);
}

// The socket BIO, with its write able to gather records (below) and its read wrapped to
// note whether a read of the socket came back full (OpenSSL's read-ahead asked for all the room it
// had: more may wait in the socket) or short (the socket is drained). A BIO callback would see the
// same, but OpenSSL then calls it around every BIO_ctrl as well (about 1,000 instructions per
// request).
enum class SocketRead { kNone, kShort, kFull };
thread_local SocketRead t_socket_read = SocketRead::kNone;  // since the worker last asked
int (*g_socket_read)(BIO*, char*, int) = nullptr;

// While a worker runs TlsTransport::writev, the records OpenSSL writes are gathered here
// and sent with one send() at the end of the call (null otherwise: the socket directly).
thread_local std::string* t_batch = nullptr;
int (*g_socket_write)(BIO*, const char*, int) = nullptr;

int write_batching(BIO* b, const char* buf, int len) {
  if (t_batch == nullptr) return g_socket_write(b, buf, len);
  t_batch->append(buf, static_cast<size_t>(len));
  return len;
}

// While alive, the records OpenSSL writes on this thread are appended to `into` (null: they
// go to the socket).
class WritesInto {
 public:
  explicit WritesInto(std::string* into) : prev_(std::exchange(t_batch, into)) {}
  ~WritesInto() { t_batch = prev_; }
  WritesInto(const WritesInto&) = delete;
  WritesInto& operator=(const WritesInto&) = delete;

 private:
  std::string* prev_;
};

int read_noting_drain(BIO* b, char* buf, int len) {
  const int n = g_socket_read(b, buf, len);
  t_socket_read = n >= len ? SocketRead::kFull : SocketRead::kShort;
  return n;
}

const BIO_METHOD* socket_method() {
  static BIO_METHOD* const method = [] {
    const BIO_METHOD* s = BIO_s_socket();
    g_socket_read = BIO_meth_get_read(s);
    g_socket_write = BIO_meth_get_write(s);
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "tern socket");
    if (m == nullptr || g_socket_read == nullptr || g_socket_write == nullptr)
      return static_cast<BIO_METHOD*>(nullptr);
    BIO_meth_set_write(m, write_batching);
    BIO_meth_set_read(m, read_noting_drain);
    BIO_meth_set_puts(m, BIO_meth_get_puts(s));
    BIO_meth_set_ctrl(m, BIO_meth_get_ctrl(s));
    BIO_meth_set_create(m, BIO_meth_get_create(s));
    BIO_meth_set_destroy(m, BIO_meth_get_destroy(s));
    return m;
  }();
  return method;
}

}  // namespace

template <class Call>
int TlsTransport::in_order(Call&& call) {
  WritesInto after_unsent(unsent_ ? &unsent_->held : nullptr);
  return call();
}

void prepare_tls_context(SSL_CTX* ctx) {
  SSL_CTX_set_tlsext_servername_callback(ctx, on_servername);
  SSL_CTX_set_client_hello_cb(ctx, on_client_hello, nullptr);
  SSL_CTX_set_info_callback(ctx, on_info);
}

TlsTransport::~TlsTransport() {
  if (ssl_ == nullptr) return;
  // Records still unsent: the response is cut, and a close_notify would hide that.
  if (done_ && !broken_ && !shut_ && !has_pending()) {
    ERR_clear_error();
    in_order([&] { return SSL_shutdown(ssl_); });  // one try: close_notify if the socket takes it
  }
  flush_held();
  SSL_free(ssl_);
  ERR_clear_error();
}

void TlsTransport::log_failure(const char* what, const char* detail) {
  char line[512];
  const ConnAddresses& a = addresses();
  std::snprintf(line, sizeof line, "[client %s:%u] %s (server %s:%u): %s", a.peer_ip,
                static_cast<unsigned>(a.peer_port), what, a.local_ip,
                static_cast<unsigned>(a.local_port), detail);
  factory_->log(line);
}

void TlsTransport::on_server_name(std::string_view name) {
  // A renegotiation's ClientHello: the server was chosen by the first one (httpd too keeps
  // the virtual host it found), and the verification mode is the request's.
  if (done_) return;
  const ConnAddresses& a = addresses();
  TlsServerChoice c = factory_->choose(a.local_ip, a.local_port, name);
  if (c.ctx == nullptr) return;  // keep the address's default server
  site_ = c.site;
  if (c.ctx == SSL_get_SSL_CTX(ssl_)) return;
  SSL_set_SSL_CTX(ssl_, c.ctx);
  // SSL_set_SSL_CTX takes the certificates; the options and verification mode are the
  // SSL object's own and are copied from the vhost's context too (as nginx does).
  SSL_clear_options(ssl_, SSL_get_options(ssl_) & ~SSL_CTX_get_options(c.ctx));
  SSL_set_options(ssl_, SSL_CTX_get_options(c.ctx));
  SSL_set_verify(ssl_, SSL_CTX_get_verify_mode(c.ctx), SSL_CTX_get_verify_callback(c.ctx));
  SSL_set_verify_depth(ssl_, SSL_CTX_get_verify_depth(c.ctx));
  // The version range (SSLProtocol) is the SSL object's own as well.
  SSL_set_min_proto_version(ssl_, SSL_CTX_get_min_proto_version(c.ctx));
  SSL_set_max_proto_version(ssl_, SSL_CTX_get_max_proto_version(c.ctx));
}

bool TlsTransport::tls_var(std::string_view name, std::string* out) const {
  TlsVarFn f = factory_->vars();
  if (f == nullptr || ssl_ == nullptr || !done_ || plain_) return false;
  return f(ssl_, name, out);
}

namespace {

// During a post-handshake authentication: the client's Finished ends its answer (OpenSSL
// reports no handshake-done event for it).
void on_message(int write_p, int, int content_type, const void* buf, size_t len, SSL* ssl, void*) {
  if (write_p || content_type != SSL3_RT_HANDSHAKE || len == 0) return;
  if (static_cast<const unsigned char*>(buf)[0] != SSL3_MT_FINISHED) return;
  if (auto* t = static_cast<TlsTransport*>(SSL_get_app_data(ssl))) t->on_client_auth_finished();
}

}  // namespace

ClientAuthStatus TlsTransport::continue_client_auth() {
  if (ssl_ == nullptr || broken_ || plain_) return ClientAuthStatus::kFailed;
  // TLS 1.2: a renegotiation (SSL_renegotiate was called), complete once OpenSSL no longer
  // has it pending; the client's Finished comes before the server's there.
  const bool renegotiation = SSL_version(ssl_) < TLS1_3_VERSION;
  if (!client_auth_) {
    client_auth_ = true;
    client_auth_finished_ = false;
    if (!renegotiation) SSL_set_msg_callback(ssl_, on_message);
  }
  const auto answered = [&] {
    return renegotiation ? SSL_renegotiate_pending(ssl_) == 0 : client_auth_finished_;
  };
  const auto end = [this](ClientAuthStatus s) {
    end_client_auth();
    return s;
  };
  clear_errors();
  errno = 0;
  t_socket_read = SocketRead::kNone;
  bool asked = false;
  const int r = in_order([&] {
    // Sends the CertificateRequest (TLS 1.2: the HelloRequest; a no-op once it is out).
    int rc = SSL_do_handshake(ssl_);
    asked = rc == 1;
    char byte;
    size_t n = 0;
    if (asked) rc = SSL_peek_ex(ssl_, &byte, 1, &n);  // processes the client's answer
    return rc;
  });
  note_socket_read();
  const int e = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_, r);
  flush_held();  // the request (after any session tickets still held)
  if (asked && answered()) return end(ClientAuthStatus::kAnswered);
  // Application data first: a body the client is sending, or it went on without
  // answering; the caller reads it or decides without a certificate.
  if (r == 1) return ClientAuthStatus::kData;
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return ClientAuthStatus::kWaiting;
  broken_ = true;
  char detail[256];
  take_error(detail, sizeof detail);
  log_failure(
      renegotiation ? "SSL renegotiation failed" : "SSL post-handshake authentication failed",
      detail);
  return end(ClientAuthStatus::kFailed);
}

void TlsTransport::end_client_auth() {
  if (!client_auth_) return;
  client_auth_ = false;
  SSL_set_msg_callback(ssl_, nullptr);
  SSL_set_options(ssl_, SSL_OP_NO_RENEGOTIATION);  // the one check_client_verify allowed
}

void TlsTransport::on_handshake_start() {
  // TLS 1.3 has no renegotiation (its post-handshake messages are not a new handshake); on
  // TLS 1.2 the only one allowed is the server's own while it asks for a certificate.
  if (done_ && !client_auth_ && SSL_version(ssl_) < TLS1_3_VERSION) renegotiating_ = true;
}

HandshakeStatus TlsTransport::handshake() {
  if (plain_) return HandshakeStatus::kPlainHttp;
  if (ssl_ == nullptr) {
    // A TLS record starts with its type (22, handshake); an HTTP request with an upper-case
    // method. The byte stays in the socket.
    char first = 0;
    ssize_t n;
    do {
      n = ::recv(fd(), &first, 1, MSG_PEEK);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return HandshakeStatus::kWouldBlock;
    if (n <= 0) return HandshakeStatus::kFailed;  // closed before a byte: nothing to log
    if (first >= 'A' && first <= 'Z') {
      plain_ = true;
      return HandshakeStatus::kPlainHttp;
    }
    const ConnAddresses& a = addresses();
    TlsServerChoice c = factory_->choose(a.local_ip, a.local_port, "");
    if (c.ctx == nullptr) return HandshakeStatus::kFailed;
    ssl_ = SSL_new(c.ctx);
    const BIO_METHOD* method = socket_method();
    BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
    if (ssl_ == nullptr || bio == nullptr) {
      BIO_free(bio);
      char detail[256];
      take_error(detail, sizeof detail);
      log_failure("SSL handshake failed", detail);
      return HandshakeStatus::kFailed;
    }
    BIO_set_fd(bio, fd(), BIO_NOCLOSE);
    SSL_set_bio(ssl_, bio, bio);  // the SSL object owns it now
    site_ = c.site;
    SSL_set_app_data(ssl_, this);
    SSL_set_accept_state(ssl_);
    // Read-ahead: one read() takes as many records as the socket holds (not a header, then
    // a body), and the socket BIO says when such a read came back full.
    SSL_set_read_ahead(ssl_, 1);
  }
  // Records of an earlier step the socket did not take go first.
  if (!flush_held()) return broken_ ? HandshakeStatus::kFailed : HandshakeStatus::kWouldBlock;
  clear_errors();
  errno = 0;
  t_socket_read = SocketRead::kNone;
  // The step's records are gathered and sent below, so OpenSSL never meets a full socket.
  static thread_local std::string flight;
  flight.clear();
  int r;
  {
    WritesInto gathered(&flight);
    r = SSL_do_handshake(ssl_);
  }
  note_socket_read();
  const auto waiting = [this] {
    return broken_ ? HandshakeStatus::kFailed : HandshakeStatus::kWouldBlock;
  };
  if (r == 1) {
    done_ = true;
    // In TLS 1.3 what the last step wrote is the session tickets, which the client does
    // not wait for: they leave with the first response, or before the connection waits
    // for the request (two send() calls and two wake-ups of the client fewer).
    if (SSL_version(ssl_) == TLS1_3_VERSION) {
      hold(flight);
      return HandshakeStatus::kDone;
    }
    return send_step(flight) ? HandshakeStatus::kDone : waiting();
  }
  const int e = SSL_get_error(ssl_, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
    send_step(flight);
    return waiting();
  }
  broken_ = true;
  char detail[256];
  take_error(detail, sizeof detail);
  send_step(flight);  // the alert, if the socket takes it
  log_failure("SSL handshake failed", detail);
  return HandshakeStatus::kFailed;
}

uint64_t TlsTransport::raw_bytes_read() const {
  if (ssl_ == nullptr) return 0;
  BIO* b = SSL_get_rbio(ssl_);
  return b != nullptr ? BIO_number_read(b) : 0;
}

IoResult TlsTransport::failed_io(int r, const char* what) {
  int e = SSL_get_error(ssl_, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
    return IoResult{IoStatus::kWouldBlock, 0, 0};
  }
  if (e == SSL_ERROR_ZERO_RETURN) return IoResult{IoStatus::kEof, 0, 0};  // close_notify
  broken_ = true;
  const int err = errno;
  if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
    // The socket failed or the peer closed without close_notify.
    ERR_clear_error();
    if (err == 0) return IoResult{IoStatus::kEof, 0, 0};
    return IoResult{IoStatus::kError, 0, err};
  }
  if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    ERR_clear_error();
    return IoResult{IoStatus::kEof, 0, 0};  // HTTP frames its messages: a plain close
  }
  char detail[256];
  take_error(detail, sizeof detail);
  log_failure(what, detail);
  return IoResult{IoStatus::kError, 0, EPROTO};
}

IoResult TlsTransport::read(std::span<char> buf) {
  if (plain_) {
    for (;;) {
      ssize_t n = ::read(fd(), buf.data(), buf.size());
      if (n > 0) return IoResult{IoStatus::kOk, static_cast<size_t>(n), 0};
      if (n == 0) return IoResult{buf.empty() ? IoStatus::kOk : IoStatus::kEof, 0, 0};
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult{IoStatus::kWouldBlock, 0, 0};
      if (errno != EINTR) return IoResult{IoStatus::kError, 0, errno};
    }
  }
  if (ssl_ == nullptr || broken_) return IoResult{IoStatus::kError, 0, EPROTO};
  if (buf.empty()) return IoResult{IoStatus::kOk, 0, 0};
  clear_errors();
  errno = 0;
  size_t n = 0;
  t_socket_read = SocketRead::kNone;
  // Records OpenSSL writes while reading (an alert, a KeyUpdate) follow any unsent ones.
  const int r = in_order([&] { return SSL_read_ex(ssl_, buf.data(), buf.size(), &n); });
  note_socket_read();
  if (renegotiating_) {
    broken_ = true;
    log_failure("SSL renegotiation refused", "the client started a new handshake");
    return IoResult{IoStatus::kError, 0, EPROTO};
  }
  if (r == 1) return IoResult{IoStatus::kOk, n, 0};  // held records wait for the response
  IoResult f = failed_io(r, "SSL read failed");
  // The connection waits for input now: what is held leaves before.
  if (f.status == IoStatus::kWouldBlock) flush_held();
  return f;
}

IoResult TlsTransport::writev(std::span<const iovec> iov, bool more) {
  const bool last = std::exchange(output_ends_, false) && !more;
  if (plain_) {
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(iov.data());  // sendmsg does not write through it
    msg.msg_iovlen = iov.size();
    for (;;) {
      ssize_t n = ::sendmsg(fd(), &msg, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
      if (n >= 0) return IoResult{IoStatus::kOk, static_cast<size_t>(n), 0};
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult{IoStatus::kWouldBlock, 0, 0};
      if (errno != EINTR) return IoResult{IoStatus::kError, 0, errno};
    }
  }
  if (ssl_ == nullptr || broken_) return IoResult{IoStatus::kError, 0, EPIPE};
  // Records of bytes accepted by an earlier call that the socket did not take yet: the
  // caller offers those bytes again (the retry contract); they count once sent.
  if (has_pending()) {
    IoResult f = send_pending(more);
    if (f.status != IoStatus::kOk) return f;
    const uint32_t plain = std::exchange(unsent_->pending_plain, 0);
    tidy_unsent();
    return IoResult{IoStatus::kOk, plain, 0};
  }
  // OpenSSL writes every record with its own BIO write. When this call makes several,
  // they are gathered in the worker's batch and leave in one send() (MSG_MORE while more
  // follows), so the kernel sends full segments and the peer wakes once per call, not once
  // per record. A call of one record (a small response) goes to the socket directly:
  // OpenSSL keeps it across WANT_WRITE itself, and no copy is made.
  size_t offered = 0;
  for (const iovec& v : iov) offered += v.iov_len;
  static thread_local std::string batch;
  batch.clear();
  // Held records (session tickets) lead this call's records in the same send().
  if (has_held()) {
    batch.assign(unsent_->held);
    unsent_.reset();  // nothing is pending here
  }
  const bool ends = last && done_ && !shut_;
  t_batch = offered > kRecord || !batch.empty() || ends ? &batch : nullptr;
  // Small buffers are gathered into one record; a buffer of a record or more goes as it is.
  // The split depends only on the bytes offered, so a retry offers the same records again.
  char gather[kRecord];
  size_t total = 0;
  size_t i = 0;
  size_t off = 0;
  IoResult failed{IoStatus::kOk, 0, 0};
  while (i < iov.size() && total < kBatchMax && failed.status == IoStatus::kOk) {
    const char* base = static_cast<const char*>(iov[i].iov_base);
    if (off == iov[i].iov_len) {
      ++i;
      off = 0;
      continue;
    }
    const char* p;
    size_t len;
    if (iov[i].iov_len - off >= kRecord) {
      p = base + off;
      len = std::min(iov[i].iov_len - off, kBatchMax - total);
      off += len;
    } else {
      len = 0;
      while (i < iov.size() && len < kRecord) {
        size_t take = std::min(iov[i].iov_len - off, kRecord - len);
        std::memcpy(gather + len, static_cast<const char*>(iov[i].iov_base) + off, take);
        len += take;
        off += take;
        if (off == iov[i].iov_len) {
          ++i;
          off = 0;
        }
      }
      p = gather;
    }
    // With SSL_MODE_ENABLE_PARTIAL_WRITE each call may stop after one record.
    for (size_t done = 0; done < len;) {
      clear_errors();
      errno = 0;
      size_t n = 0;
      int r = SSL_write_ex(ssl_, p + done, len - done, &n);
      if (r != 1) {
        failed = failed_io(r, "SSL write failed");
        break;
      }
      done += n;
      total += n;
    }
  }
  if (ends && total == offered && failed.status == IoStatus::kOk) {
    // The last response is all in: its close_notify leaves in the same send().
    clear_errors();
    SSL_shutdown(ssl_);
    clear_errors();
    shut_ = true;
  }
  const bool batched = t_batch != nullptr;
  t_batch = nullptr;
  if (total == 0) {
    if (batched) hold(batch);
    return failed.status == IoStatus::kOk ? IoResult{IoStatus::kOk, 0, 0} : failed;
  }
  if (!batched) return IoResult{IoStatus::kOk, total, 0};  // in the socket, or kept by OpenSSL
  // What OpenSSL accepted is sent, or kept for the retry, before an error shows on the
  // next call.
  size_t sent = 0;
  IoResult f = send_all(batch, &sent, more);
  if (f.status == IoStatus::kOk) return IoResult{IoStatus::kOk, total, 0};
  if (f.status == IoStatus::kWouldBlock) {
    if (!unsent_) unsent_ = std::make_unique<Unsent>();
    unsent_->pending.assign(batch, sent);
    unsent_->pending_sent = 0;
    unsent_->pending_plain = static_cast<uint32_t>(total);
  }
  return f;
}

IoResult TlsTransport::send_all(std::string_view out, size_t* sent, bool more) {
  while (*sent < out.size()) {
    ssize_t n =
        ::send(fd(), out.data() + *sent, out.size() - *sent, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
    if (n > 0) {
      *sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return IoResult{IoStatus::kWouldBlock, 0, 0};
    }
    broken_ = true;
    return IoResult{IoStatus::kError, 0, n < 0 ? errno : EPIPE};
  }
  return IoResult{IoStatus::kOk, 0, 0};
}

void TlsTransport::hold(std::string_view records) {
  if (records.empty()) return;
  if (!unsent_) unsent_ = std::make_unique<Unsent>();
  unsent_->held.append(records);
}

void TlsTransport::tidy_unsent() {
  if (unsent_ && unsent_->pending.empty() && unsent_->held.empty()) unsent_.reset();
}

bool TlsTransport::send_step(std::string_view records) {
  size_t sent = 0;
  IoResult f = send_all(records, &sent, false);
  if (f.status == IoStatus::kWouldBlock) hold(records.substr(sent));
  return f.status == IoStatus::kOk;
}

bool TlsTransport::flush_held() {
  tidy_unsent();
  if (!has_held()) return true;
  if (has_pending()) return false;  // older records: the writev retry sends them, then these
  const int err = errno;            // the caller may still read the errno of its OpenSSL call
  size_t sent = 0;
  IoResult f = send_all(unsent_->held, &sent, false);
  errno = err;
  if (f.status == IoStatus::kWouldBlock) {
    unsent_->held.erase(0, sent);
    return false;
  }
  unsent_.reset();
  return f.status == IoStatus::kOk;
}

IoResult TlsTransport::send_pending(bool more) {
  Unsent& u = *unsent_;
  size_t sent = u.pending_sent;
  IoResult f = send_all(u.pending, &sent, more);
  u.pending_sent = static_cast<uint32_t>(sent);
  if (f.status != IoStatus::kOk) return f;
  u.pending.clear();
  u.pending_sent = 0;
  return f;
}

void TlsTransport::release_buffers() {
  if (ssl_ == nullptr || plain_) return;
  SSL_free_buffers(ssl_);
  if (!frugal_) {
    SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
    frugal_ = true;
  }
}

void TlsTransport::keep_buffers() {
  if (ssl_ == nullptr || plain_ || !frugal_) return;
  SSL_clear_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
  frugal_ = false;
}

void TlsTransport::note_socket_read() {
  if (t_socket_read != SocketRead::kNone) socket_drained_ = t_socket_read == SocketRead::kShort;
}

IoResult TlsTransport::send_file(int, uint64_t, size_t) {
  return IoResult{IoStatus::kError, 0, EOPNOTSUPP};
}

void TlsTransport::shutdown_write() {
  if (has_pending() && send_pending(false).status != IoStatus::kOk) broken_ = true;
  if (ssl_ != nullptr && done_ && !broken_ && !shut_) {
    ERR_clear_error();
    in_order([&] { return SSL_shutdown(ssl_); });
    ERR_clear_error();
    shut_ = true;
  }
  flush_held();
  ::shutdown(fd(), SHUT_WR);
}

bool TlsTransport::has_buffered_input() const {
  return ssl_ != nullptr && !plain_ && (SSL_has_pending(ssl_) == 1 || !socket_drained_);
}

bool TlsTransport::has_unread_input() const {
  if (has_buffered_input()) return true;
  int unread = 0;
  return ::ioctl(fd(), FIONREAD, &unread) != 0 || unread > 0;
}

}  // namespace tern
