#include "net/tls_transport.h"

#include <openssl/err.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <utility>

#include "net/raw_io.h"

namespace tern {

namespace {

constexpr size_t kRecord = 16384;          // TLS's largest record payload
constexpr size_t kBatchMax = 4 * kRecord;  // plaintext encrypted per writev call, at most
// What one read of the socket asks for once tern reads it itself: two full records.
constexpr uint32_t kReadRoom = 2 * Tls13Records::kMaxRecord;

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
  const unsigned char* pha = nullptr;
  size_t pha_len = 0;
  if (t != nullptr &&
      SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_post_handshake_auth, &pha, &pha_len) == 1)
    t->on_client_offers_pha();
  return SSL_CLIENT_HELLO_SUCCESS;
}

// OpenSSL's key log (NSS format: label, client random, secret in hex): TLS 1.3's first
// application traffic secrets go to the transport, which keys its record layer with them.
void on_keylog(const SSL* ssl, const char* line) {
  TlsTransport* t = transport_of(ssl);
  if (t == nullptr) return;
  const std::string_view l(line);
  bool client;
  if (l.starts_with("CLIENT_TRAFFIC_SECRET_0 ")) {
    client = true;
  } else if (l.starts_with("SERVER_TRAFFIC_SECRET_0 ")) {
    client = false;
  } else {
    return;
  }
  unsigned char secret[48];
  size_t len = 0;
  // The secret is the line's last field (hex digits, no separator).
  if (OPENSSL_hexstr2buf_ex(secret, sizeof secret, &len, line + l.rfind(' ') + 1, '\0') == 1)
    t->on_traffic_secret(client, {secret, len});
  OPENSSL_cleanse(secret, sizeof secret);
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

// The worker's buffer for the records one writev makes, sealed by tern or gathered from
// OpenSSL's writes (see t_batch), before they leave in one send().
std::string& worker_batch() {
  static thread_local std::string batch;
  batch.clear();
  return batch;
}

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

// While a worker serves a connection that reads its socket itself (from the client's last
// handshake flight on), the connection's input is in the worker's buffer, and OpenSSL's
// reads are served from it: one read() of the socket however many records OpenSSL asks
// for one by one, and what follows the handshake stays in the input (null: OpenSSL reads
// the socket).
thread_local Tls13Input* t_input = nullptr;
thread_local Tls13Input t_worker_input;

// While alive, `conn`'s input is in this worker's buffer (room for a read of two records),
// and OpenSSL's reads on this thread come from it (null `conn`: from the socket). Then
// what is left goes back to `conn` in a buffer of its size: a connection between reads
// holds only a partial record, or plaintext its reader had no room for.
class ReadsFrom {
 public:
  explicit ReadsFrom(Tls13Input* conn) : conn_(t_input == nullptr ? conn : nullptr) {
    if (conn_ == nullptr) return;
    Tls13Input& w = t_worker_input;
    w.off = w.len = w.plain = w.skip = 0;
    if (conn_->size() > 0) {
      std::memcpy(w.room(conn_->size()), conn_->data.get() + conn_->off, conn_->size());
      w.len = conn_->size();
      w.plain = conn_->plain;
      w.skip = conn_->skip;
    }
    conn_->data.reset();
    conn_->cap = conn_->off = conn_->len = conn_->plain = conn_->skip = 0;
    t_input = &w;
  }
  ~ReadsFrom() {
    if (conn_ == nullptr) return;
    t_input = nullptr;
    const Tls13Input& w = t_worker_input;
    if (w.size() == 0) return;
    conn_->data.reset(new char[w.size()]);
    std::memcpy(conn_->data.get(), w.data.get() + w.off, w.size());
    conn_->cap = conn_->len = w.size();
    conn_->plain = w.plain;
    conn_->skip = w.skip;
  }
  ReadsFrom(const ReadsFrom&) = delete;
  ReadsFrom& operator=(const ReadsFrom&) = delete;

 private:
  Tls13Input* conn_;
};

int read_through_input(BIO* b, Tls13Input& in, char* buf, int len) {
  if (in.size() == 0) {
    char* room = in.room(kReadRoom);
    const int n = g_socket_read(b, room, static_cast<int>(kReadRoom));
    if (n <= 0) return n;  // the socket BIO set the retry flags
    in.len += static_cast<uint32_t>(n);
    t_socket_read = static_cast<uint32_t>(n) >= kReadRoom ? SocketRead::kFull : SocketRead::kShort;
  }
  BIO_clear_retry_flags(b);
  const uint32_t take = std::min(static_cast<uint32_t>(len), in.size());
  std::memcpy(buf, in.data.get() + in.off, take);
  in.off += take;
  return static_cast<int>(take);
}

int read_noting_drain(BIO* b, char* buf, int len) {
  if (t_input != nullptr) return read_through_input(b, *t_input, buf, len);
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
  ReadsFrom input(own_ && own_->reading ? &own_->input : nullptr);
  return call();
}

void enable_own_records(SSL_CTX* ctx) {
  SSL_CTX_set_keylog_callback(ctx, on_keylog);
}

namespace {

// RecordLayerChoice::kAdaptive's measure: reads of data on TLS connections and their
// handshakes, both halved whenever the handshakes reach kWindow * 2, so their ratio covers
// the last one to two thousand handshakes however long ago they were (a pause forgets
// nothing). Relaxed atomics: a racing update may lose a count, which a ratio can afford.
// In shared memory once share_tls_traffic() ran (lock-free atomics work across
// processes), so every child, and a child started later, follows the whole server's
// traffic.
struct TlsTraffic {
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> handshakes{0};
};
static_assert(std::atomic<uint64_t>::is_always_lock_free);
constexpr uint64_t kWindow = 1024;
TlsTraffic g_local_traffic;
TlsTraffic* g_traffic = &g_local_traffic;
// From this many reads per handshake on, tern's record layer saves more than the key log
// costs the handshakes (callgrind, 600 B requests: about 230,000 instructions per
// handshake against about 8,000 saved per request).
constexpr uint64_t kOwnRecordsFrom = 32;

}  // namespace

bool TlsTransportFactory::wants_own_records() const {
  switch (records_) {
    case RecordLayerChoice::kAlways:
      return true;
    case RecordLayerChoice::kNever:
      return false;
    case RecordLayerChoice::kAdaptive:
      break;
  }
  TlsTraffic& t = *g_traffic;
  const uint64_t reads = t.reads.load(std::memory_order_relaxed);
  return reads > 0 && reads >= kOwnRecordsFrom * t.handshakes.load(std::memory_order_relaxed);
}

void TlsTransportFactory::note_reads(uint64_t reads) {
  g_traffic->reads.fetch_add(reads, std::memory_order_relaxed);
}

void TlsTransportFactory::note_handshake() {
  TlsTraffic& t = *g_traffic;
  uint64_t h = t.handshakes.fetch_add(1, std::memory_order_relaxed) + 1;
  if (h >= 2 * kWindow && t.handshakes.compare_exchange_strong(h, h / 2))
    t.reads.store(t.reads.load(std::memory_order_relaxed) / 2, std::memory_order_relaxed);
}

void TlsTransport::count_read() {
  if (++reads_ == 64) {
    TlsTransportFactory::note_reads(reads_);
    reads_ = 0;
  }
}

void TlsTransportFactory::reset_tls_traffic() {
  g_traffic->reads.store(0, std::memory_order_relaxed);
  g_traffic->handshakes.store(0, std::memory_order_relaxed);
}

void TlsTransportFactory::share_tls_traffic() {
  static TlsTraffic* const shared = [] {
    void* p = ::mmap(nullptr, sizeof(TlsTraffic), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : new (p) TlsTraffic();
  }();
  if (shared != nullptr) g_traffic = shared;
}

void prepare_tls_context(SSL_CTX* ctx) {
  SSL_CTX_set_tlsext_servername_callback(ctx, on_servername);
  SSL_CTX_set_client_hello_cb(ctx, on_client_hello, nullptr);
  SSL_CTX_set_info_callback(ctx, on_info);
}

TlsTransport::~TlsTransport() {
  if (ssl_ == nullptr) return;
  if (reads_ > 0) TlsTransportFactory::note_reads(reads_);
  // Records still unsent: the response is cut, and a close_notify would hide that.
  if (done_ && !broken_ && !shut_ && !has_pending()) {
    ERR_clear_error();
    if (seals_own_records())
      queue_own_alert(1, 0);
    else
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
  if (own_wanted_ && c.own_records_ctx != nullptr) c.ctx = c.own_records_ctx;
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
  if (ssl_ == nullptr || broken_ || plain_ || seals_own_records()) return ClientAuthStatus::kFailed;
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
    // The twin with the key log, when tern's record layer should take over; a server
    // chosen later by SNI without a twin leaves the connection OpenSSL's.
    own_wanted_ = factory_->wants_own_records();
    ssl_ = SSL_new(own_wanted_ && c.own_records_ctx != nullptr ? c.own_records_ctx : c.ctx);
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
    ReadsFrom input(own_ && own_->reading ? &own_->input : nullptr);
    r = SSL_do_handshake(ssl_);
  }
  note_socket_read();
  const auto waiting = [this] {
    return broken_ ? HandshakeStatus::kFailed : HandshakeStatus::kWouldBlock;
  };
  if (r == 1) {
    done_ = true;
    TlsTransportFactory::note_handshake();
    // In TLS 1.3 what the last step wrote is the session tickets, which the client does
    // not wait for: they leave with the first response, or before the connection waits
    // for the request (two send() calls and two wake-ups of the client fewer).
    if (SSL_version(ssl_) == TLS1_3_VERSION) {
      start_own_records(flight);
      hold(flight);
      return HandshakeStatus::kDone;
    }
    return send_step(flight) ? HandshakeStatus::kDone : waiting();
  }
  const int e = SSL_get_error(ssl_, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
    start_own_input();
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
  const uint64_t own = seals_own_records() ? own_->records->bytes_opened() : 0;
  return (b != nullptr ? BIO_number_read(b) : 0) + own;
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
      ssize_t n = raw_io::read(fd(), buf.data(), buf.size());
      if (n > 0) return IoResult{IoStatus::kOk, static_cast<size_t>(n), 0};
      if (n == 0) return IoResult{buf.empty() ? IoStatus::kOk : IoStatus::kEof, 0, 0};
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult{IoStatus::kWouldBlock, 0, 0};
      if (errno != EINTR) return IoResult{IoStatus::kError, 0, errno};
    }
  }
  if (ssl_ == nullptr || broken_) return IoResult{IoStatus::kError, 0, EPROTO};
  if (buf.empty()) return IoResult{IoStatus::kOk, 0, 0};
  if (seals_own_records()) {
    IoResult r = read_own(buf);
    if (r.status == IoStatus::kOk && r.bytes > 0) count_read();
    return r;
  }
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
  if (r == 1) {
    count_read();
    return IoResult{IoStatus::kOk, n, 0};  // held records wait for the response
  }
  IoResult f = failed_io(r, "SSL read failed");
  // The connection waits for input now: what is held leaves before.
  if (f.status == IoStatus::kWouldBlock) flush_held();
  return f;
}

IoResult TlsTransport::writev(std::span<const iovec> iov, bool more) {
  const bool last = output_ends_ && !more;
  output_ends_ = false;
  if (plain_) {
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(iov.data());  // sendmsg does not write through it
    msg.msg_iovlen = iov.size();
    for (;;) {
      ssize_t n = raw_io::sendmsg(fd(), &msg, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
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
  size_t offered = 0;
  for (const iovec& v : iov) offered += v.iov_len;
  // Held records (session tickets, a KeyUpdate) lead this call's records in the same
  // send().
  std::string& batch = worker_batch();
  if (has_held()) {
    batch.assign(unsent_->held);
    unsent_.reset();  // nothing is pending here
  }
  if (seals_own_records()) {
    // Sealed straight from the caller's buffers into the worker's batch, with the
    // close_notify when this ends the output: one send().
    bool failed = !seal_key_update_due(&batch);
    const size_t total = failed ? 0 : seal_own(iov, &batch, &failed);
    if (!failed && last && !shut_ && total == offered) failed = !seal_own_alert(1, 0, &batch);
    if (failed) {
      broken_ = true;
      log_failure("SSL write failed", "the cipher failed");
      return IoResult{IoStatus::kError, 0, EPROTO};
    }
    return send_batch(batch, total, more);
  }
  // OpenSSL writes every record with its own BIO write. When this call makes several,
  // they are gathered in the worker's batch and leave in one send() (MSG_MORE while more
  // follows), so the kernel sends full segments and the peer wakes once per call, not once
  // per record. A call of one record (a small response) goes to the socket directly:
  // OpenSSL keeps it across WANT_WRITE itself, and no copy is made.
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
  return send_batch(batch, total, more);
}

IoResult TlsTransport::send_batch(const std::string& batch, size_t total, bool more) {
  if (total == 0) {
    hold(batch);  // held records only: they wait for the next response or input wait
    return IoResult{IoStatus::kOk, 0, 0};
  }
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
    ssize_t n = raw_io::send(fd(), out.data() + *sent, out.size() - *sent,
                             MSG_NOSIGNAL | (more ? MSG_MORE : 0));
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
  if (own_) {
    own_->input.release();
    if (own_->records) own_->records->release();
  }
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
    if (seals_own_records())
      queue_own_alert(1, 0);
    else
      in_order([&] { return SSL_shutdown(ssl_); });
    ERR_clear_error();
    shut_ = true;
  }
  flush_held();
  ::shutdown(fd(), SHUT_WR);
}

bool TlsTransport::has_buffered_input() const {
  if (ssl_ == nullptr || plain_) return false;
  if (!socket_drained_) return true;
  if (own_ && own_->reading) {
    const Tls13Input& in = own_->input;
    if (own_->records) return in.plain > 0 || in.has_record();
    if (in.size() > 0) return true;
  }
  return !seals_own_records() && SSL_has_pending(ssl_) == 1;
}

bool TlsTransport::has_unread_input() const {
  if (has_buffered_input()) return true;
  int unread = 0;
  return ::ioctl(fd(), FIONREAD, &unread) != 0 || unread > 0;
}

void TlsTransport::on_traffic_secret(bool client, std::span<const unsigned char> secret) {
  if (pha_offered_ || done_ || secret.size() > sizeof Own::client_secret) return;
  if (!own_) own_ = std::make_unique<Own>();
  std::memcpy(client ? own_->client_secret : own_->server_secret, secret.data(), secret.size());
  (client ? own_->client_secret_len : own_->server_secret_len) =
      static_cast<uint8_t>(secret.size());
}

void TlsTransport::start_own_input() {
  // The server's Finished is out (its application secret is known): what the client sends
  // next is its last flight, then data.
  if (!own_ || own_->reading || own_->server_secret_len == 0) return;
  if (SSL_has_pending(ssl_) == 1) {  // bytes OpenSSL read ahead: it keeps reading itself
    own_.reset();
    return;
  }
  own_->reading = true;
  SSL_set_read_ahead(ssl_, 0);  // OpenSSL asks for one record at a time
}

void TlsTransport::start_own_records(std::string_view tickets) {
  if (!own_ || !own_->reading) return;
  Own& o = *own_;
  // The records of the last step (session tickets) went out under the server's first
  // application key: the sequence number goes on from their count.
  uint64_t written = 0;
  bool counted = true;
  for (size_t p = 0; p < tickets.size(); ++written) {
    const auto* h = reinterpret_cast<const unsigned char*>(tickets.data() + p);
    if (tickets.size() - p < Tls13Records::kHeader || h[0] != Tls13Records::kApplicationData) {
      counted = false;
      break;
    }
    p += Tls13Records::kHeader + Tls13Records::body_length(h);
  }
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_);
  SSL_SESSION* session = SSL_get_session(ssl_);
  const bool eligible = counted && cipher != nullptr && o.client_secret_len > 0 &&
                        o.server_secret_len > 0 && SSL_has_pending(ssl_) == 0 &&
                        Tls13Records::supports(SSL_CIPHER_get_protocol_id(cipher)) &&
                        (session == nullptr || SSL_SESSION_get_max_fragment_length(session) ==
                                                   TLSEXT_max_fragment_length_DISABLED);
  if (eligible) {
    auto records = std::make_unique<Tls13Records>(
        SSL_CIPHER_get_protocol_id(cipher), std::span(o.client_secret, o.client_secret_len),
        std::span(o.server_secret, o.server_secret_len), 0, written);
    if (records->ok()) o.records = std::move(records);
  }
  OPENSSL_cleanse(o.client_secret, sizeof o.client_secret);
  OPENSSL_cleanse(o.server_secret, sizeof o.server_secret);
}

size_t TlsTransport::seal_own(std::span<const iovec> iov, std::string* batch, bool* failed) {
  Tls13Records& records = *own_->records;
  size_t total = 0;
  size_t i = 0;
  size_t off = 0;
  iovec parts[32];
  while (total < kBatchMax) {
    size_t n = 0;
    size_t k = 0;
    while (i < iov.size() && n < kRecord && k < std::size(parts)) {
      const size_t left = iov[i].iov_len - off;
      const size_t take = std::min(left, kRecord - n);
      if (take > 0) parts[k++] = iovec{static_cast<char*>(iov[i].iov_base) + off, take};
      n += take;
      off += take;
      if (off == iov[i].iov_len) {
        ++i;
        off = 0;
      }
    }
    if (n == 0) break;
    const size_t at = batch->size();
    batch->resize(at + Tls13Records::sealed_size(n));
    if (!records.seal({parts, k}, Tls13Records::kApplicationData, batch->data() + at)) {
      *failed = true;
      break;
    }
    total += n;
  }
  return total;
}

bool TlsTransport::seal_key_update_due(std::string* out) {
  Tls13Records& records = *own_->records;
  if (!records.key_update_due()) return true;
  const size_t at = out->size();
  out->resize(at + Tls13Records::sealed_size(5));
  if (records.seal_key_update(out->data() + at)) return true;
  out->resize(at);
  return false;
}

bool TlsTransport::seal_own_alert(uint8_t level, uint8_t description, std::string* out) {
  const unsigned char body[2] = {level, description};
  const iovec v{const_cast<unsigned char*>(body), sizeof body};
  const size_t at = out->size();
  out->resize(at + Tls13Records::sealed_size(sizeof body));
  if (!own_->records->seal({&v, 1}, Tls13Records::kAlert, out->data() + at)) {
    out->resize(at);
    return false;
  }
  if (description == 0) {
    shut_ = true;
    // OpenSSL forgets the session of an SSL object freed without a close_notify.
    SSL_set_shutdown(ssl_, SSL_get_shutdown(ssl_) | SSL_SENT_SHUTDOWN);
  }
  return true;
}

void TlsTransport::queue_own_alert(uint8_t level, uint8_t description) {
  if (!unsent_) unsent_ = std::make_unique<Unsent>();
  seal_own_alert(level, description, &unsent_->held);
  tidy_unsent();
}

IoResult TlsTransport::read_own(std::span<char> buf) {
  ReadsFrom input(&own_->input);
  Tls13Input& in = *t_input;
  Tls13Records& records = *own_->records;
  size_t got = 0;
  for (;;) {
    if (in.plain > 0) {
      const uint32_t take = static_cast<uint32_t>(std::min<size_t>(in.plain, buf.size() - got));
      std::memcpy(buf.data() + got, in.data.get() + in.off, take);
      got += take;
      in.off += take;
      in.plain -= take;
      if (in.plain > 0) break;  // the caller's buffer is full
    }
    in.off += std::exchange(in.skip, 0);
    if (got == buf.size() || peer_closed_) break;
    const Tls13Records::Opened opened = records.open(in);
    switch (opened) {
      case Tls13Records::Opened::kData:
        continue;
      case Tls13Records::Opened::kKeyUpdated:
        continue;  // an answer it asks for goes before our next record (key_update_due)
      case Tls13Records::Opened::kCloseNotify:
        peer_closed_ = true;
        SSL_set_shutdown(ssl_, SSL_get_shutdown(ssl_) | SSL_RECEIVED_SHUTDOWN);
        continue;
      case Tls13Records::Opened::kAlert: {
        broken_ = true;
        char detail[64];
        std::snprintf(detail, sizeof detail, "the client sent alert %u",
                      static_cast<unsigned>(records.alert()));
        log_failure("SSL read failed", detail);
        return IoResult{IoStatus::kError, 0, EPROTO};
      }
      case Tls13Records::Opened::kBad: {
        const uint8_t alert = records.alert();
        queue_own_alert(2, alert);
        flush_held();
        broken_ = true;
        char detail[64];
        std::snprintf(detail, sizeof detail, "a bad record (alert %u sent)",
                      static_cast<unsigned>(alert));
        log_failure("SSL read failed", detail);
        return IoResult{IoStatus::kError, 0, EPROTO};
      }
      case Tls13Records::Opened::kNeedMore:
        break;
    }
    if (got > 0) break;
    // Nothing whole in the input: read the socket.
    char* room = in.room(kReadRoom);
    const ssize_t n = raw_io::read(fd(), room, kReadRoom);
    if (n > 0) {
      in.len += static_cast<uint32_t>(n);
      socket_drained_ = static_cast<size_t>(n) < kReadRoom;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    socket_drained_ = true;
    if (n == 0) return IoResult{IoStatus::kEof, 0, 0};  // HTTP frames its messages
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // The connection waits for input: a KeyUpdate answer and what is held leave now.
      if (!unsent_) unsent_ = std::make_unique<Unsent>();
      if (!seal_key_update_due(&unsent_->held)) {
        broken_ = true;
        log_failure("SSL read failed", "the cipher failed");
        return IoResult{IoStatus::kError, 0, EPROTO};
      }
      flush_held();
      return IoResult{IoStatus::kWouldBlock, 0, 0};
    }
    broken_ = true;
    return IoResult{IoStatus::kError, 0, errno};
  }
  if (got > 0) return IoResult{IoStatus::kOk, got, 0};
  return IoResult{IoStatus::kEof, 0, 0};  // the peer's close_notify
}

}  // namespace tern
