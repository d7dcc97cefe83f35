#pragma once
// The TLS transport: OpenSSL over the non-blocking socket, driven by workers without ever
// blocking. The handshake is a step like a read: WANT_READ/WANT_WRITE returns kWouldBlock
// and the connection waits in the listener (edge-triggered on both directions). The server
// name (SNI) picks the context of the virtual host it names, with the same matching as the
// Host header; without SNI the address's default server answers. src/net knows nothing of
// the configuration: the factory asks a lookup function for the context.

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/tls13_records.h"
#include "net/transport.h"

namespace tern {

// The server a TLS connection talks to: its context and its site index (-1: none).
struct TlsServerChoice {
  SSL_CTX* ctx = nullptr;
  int site = -1;
  // The same server with the key log on (enable_own_records), or null: a connection that
  // should move to tern's TLS 1.3 record layer uses it instead of `ctx`.
  SSL_CTX* own_records_ctx = nullptr;
};

// When connections move to tern's TLS 1.3 record layer. It needs the traffic secrets,
// which OpenSSL 3.0 gives only through its key log, and formatting those lines costs a
// handshake about 230,000 instructions (sprintf per byte): as much as tern's record layer
// saves on some 30 small requests. kAdaptive: a new connection moves while the server's
// TLS connections carry at least 32 reads per handshake (counted over the last one to two
// thousand handshakes, long-lived connections while they last; see share_tls_traffic).
enum class RecordLayerChoice : uint8_t { kAdaptive, kAlways, kNever };

// The server for a connection to `local_ip`:`local_port` asking for server name `name`
// ("" = no SNI: the address's default). A null ctx refuses the handshake.
using TlsServerLookup = std::function<TlsServerChoice(std::string_view local_ip,
                                                      uint16_t local_port, std::string_view name)>;
// Receives one line about a connection that failed (info level in the error log).
using TlsLogFn = std::function<void(std::string_view line)>;
// mod_ssl's variable `name` of the established session `ssl` into *out; false when unknown
// or empty (the policy lives above src/net: modules/ssl/ssl_vars.h).
using TlsVarFn = bool (*)(SSL* ssl, std::string_view name, std::string* out);

// Installs on `ctx` the callbacks TlsTransport relies on (SNI, refusal of renegotiation).
// Call once for every context a lookup may return, before serving.
void prepare_tls_context(SSL_CTX* ctx);

// Sets the key log callback on `ctx` (the twin of a server's context, see TlsServerChoice):
// its TLS 1.3 connections hand their traffic secrets to tern's record layer.
void enable_own_records(SSL_CTX* ctx);

class TlsTransportFactory;

// One TLS connection. Used by one thread at a time, as any transport.
class TlsTransport final : public Transport {
 public:
  // Takes ownership of the non-blocking socket `fd`; the SSL object is made at the first
  // handshake() (a connection that never sends a byte holds none).
  TlsTransport(UniqueFd fd, const sockaddr* peer, const sockaddr* local,
               const TlsTransportFactory& factory)
      : Transport(std::move(fd), peer, local), factory_(&factory) {}
  // Sends close_notify when the session is healthy and it was not sent yet, then frees it.
  ~TlsTransport() override;

  // SSL_read_ex: decrypted bytes; kEof on close_notify or the peer's close.
  IoResult read(std::span<char> buf) override;
  // SSL_write_ex of up to 64 KiB of the buffers, small ones gathered into records of up to
  // 16 KiB; the call's records leave in one send(). Records the socket does not take are
  // kept and the call returns kWouldBlock: a retry must offer the same bytes again (the
  // connection does), and they count once their records are out.
  IoResult writev(std::span<const iovec> iov, bool more) override;
  // Not available (no kernel TLS): kError EOPNOTSUPP.
  IoResult send_file(int file_fd, uint64_t offset, size_t len) override;
  // False: files go through the worker's buffer and writev.
  bool can_send_file() const override { return false; }
  // close_notify (once), then shutdown(SHUT_WR).
  void shutdown_write() override;
  // SSL_has_pending (decrypted or read-ahead bytes held by OpenSSL), or the last read of
  // the socket filled OpenSSL's buffer, so more may wait in the socket.
  bool has_buffered_input() const override;
  // Held by OpenSSL, or waiting in the socket.
  bool has_unread_input() const override;
  // "https" ("http" for a plaintext request answered with 400).
  std::string_view scheme() const override { return plain_ ? "http" : "https"; }
  // SSL_do_handshake, the first call also spots plaintext HTTP.
  HandshakeStatus handshake() override;
  uint64_t raw_bytes_read() const override;
  int sni_site() const override { return site_; }
  // SSL_free_buffers: an idle connection keeps no record buffers (OpenSSL refuses while it
  // holds unread bytes).
  void release_buffers() override;
  // A TLS session (not a plaintext request on the TLS port).
  bool holds_buffers() const override { return ssl_ != nullptr && !plain_; }
  // Turns SSL_MODE_RELEASE_BUFFERS off until the next release_buffers() turns it on again.
  void keep_buffers() override;
  // The close_notify goes with the next writev's last record (see Transport).
  void output_ends_with_next_write() override { output_ends_ = true; }
  // tern's record layer seals and opens the application data (TLS 1.3 with an AEAD suite
  // tern implements and no post-handshake authentication offered); else OpenSSL's does.
  bool seals_own_records() const { return own_ && own_->records; }
  // Through the factory's TlsVarFn, once the handshake is done (false on plain HTTP).
  bool tls_var(std::string_view name, std::string* out) const override;

  // The session once the first handshake is done (not for plaintext HTTP).
  ssl_st* tls_session() const override { return done_ && !plain_ ? ssl_ : nullptr; }
  // SSL_do_handshake sends the CertificateRequest (TLS 1.2: the HelloRequest), SSL_peek
  // reads the client's answer; the client's Finished (seen by a message callback; TLS 1.2:
  // the renegotiation no longer pending) says it is complete.
  ClientAuthStatus continue_client_auth() override;
  // Removes the message callback continue_client_auth() set.
  void end_client_auth() override;
  // For the callbacks: the client finished its answer to a post-handshake request.
  void on_client_auth_finished() { client_auth_finished_ = true; }
  // For the callbacks: the client asked for server `name` (may switch the context).
  void on_server_name(std::string_view name);
  // For the callbacks: the peer started a handshake after the first one (renegotiation).
  void on_handshake_start();
  // For the callbacks: the ClientHello offers post-handshake authentication (the
  // connection then stays on OpenSSL's record layer, which that needs).
  void on_client_offers_pha() { pha_offered_ = true; }
  // For the callbacks: OpenSSL derived TLS 1.3's first application traffic secret of the
  // client (`client`) or of the server.
  void on_traffic_secret(bool client, std::span<const unsigned char> secret);

 private:
  // Maps a failed OpenSSL call's result `r` (SSL_get_error) to an IoResult.
  IoResult failed_io(int r, const char* what);
  // After an SSL call: if it read the socket, whether that read drained it.
  void note_socket_read();
  // Sends `out` from offset *sent on (advancing it; MSG_MORE when `more`): kOk once all of
  // it is out, kWouldBlock, or kError (the session is then broken).
  IoResult send_all(std::string_view out, size_t* sent, bool more);
  // Sends what is left of the pending records: kOk once all of them are out.
  IoResult send_pending(bool more);
  // Sends the held records: true once nothing is held (false: the socket is full, pending
  // records must go first, or the session broke).
  bool flush_held();
  // Sends a handshake step's records (nothing is held before them): true once all left;
  // what the socket does not take is held.
  bool send_step(std::string_view records);
  // Runs `call`, an OpenSSL call that may write records, with those records queued after
  // every unsent one (straight to the socket when nothing waits); returns its result.
  template <class Call>
  int in_order(Call&& call);
  // Logs one line about this connection through the factory.
  void log_failure(const char* what, const char* detail);
  // After a handshake step that left OpenSSL waiting: from the client's last flight on,
  // tern reads the socket itself (OpenSSL takes its records from own_->input), so that
  // what the client sends after its Finished stays with tern.
  void start_own_input();
  // Once the handshake is done: tern's record layer takes over when it can (`tickets`: the
  // records OpenSSL wrote in the last step, under the server's application key).
  void start_own_records(std::string_view tickets);
  // Counts a read that returned data, passed on to the process's count 64 at a time.
  void count_read();
  // read() and writev() through tern's record layer.
  IoResult read_own(std::span<char> buf);
  // Seals up to kBatchMax bytes of `iov` into `batch` (after what it holds); the bytes taken.
  size_t seal_own(std::span<const iovec> iov, std::string* batch, bool* failed);
  // Appends the KeyUpdate the client asked for, if one is due, to `out` (false: the cipher
  // failed).
  bool seal_key_update_due(std::string* out);
  // Appends a sealed alert (close_notify: 0, which marks the output shut) to `out`.
  bool seal_own_alert(uint8_t level, uint8_t description, std::string* out);
  // Queues a sealed alert after the unsent records.
  void queue_own_alert(uint8_t level, uint8_t description);
  // Sends the records gathered in `batch`, carrying `total` plaintext bytes (see writev).
  IoResult send_batch(const std::string& batch, size_t total, bool more);

  SSL* ssl_ = nullptr;
  const TlsTransportFactory* factory_;
  int site_ = -1;
  uint32_t reads_ = 0;              // reads that returned data not yet counted (RecordLayerChoice)
  bool plain_ : 1 = false;          // plaintext HTTP on the TLS port
  bool frugal_ : 1 = true;          // SSL_MODE_RELEASE_BUFFERS on (a new or idle connection)
  bool done_ : 1 = false;           // the first handshake completed
  bool broken_ : 1 = false;         // a fatal error: no close_notify any more
  bool shut_ : 1 = false;           // close_notify sent
  bool renegotiating_ : 1 = false;  // the peer tried to renegotiate: the connection ends
  bool socket_drained_ : 1 = true;  // the last read of the socket came back short
  bool client_auth_ : 1 = false;    // a post-handshake authentication is under way
  bool client_auth_finished_ : 1 = false;  // … and the client's Finished came
  bool output_ends_ : 1 = false;           // the next final writev ends with close_notify
  bool pha_offered_ : 1 = false;           // the client offered post-handshake authentication
  bool own_wanted_ : 1 = false;            // uses the servers' own_records_ctx
  bool peer_closed_ : 1 = false;           // tern's record layer read the peer's close_notify
  // tern's reading of the socket from the client's last handshake flight on, the traffic
  // secrets until the handshake is done, then tern's record layer (null: OpenSSL's).
  struct Own {
    Tls13Input input;
    bool reading = false;  // OpenSSL takes its records from `input`
    unsigned char client_secret[48] = {};
    unsigned char server_secret[48] = {};
    uint8_t client_secret_len = 0;
    uint8_t server_secret_len = 0;
    std::unique_ptr<Tls13Records> records;
  };
  std::unique_ptr<Own> own_;
  // Records that have not left yet (null: none; freed once both parts are empty).
  struct Unsent {
    // Records of bytes writev accepted that the socket did not take, how much of them went
    // out, and how many plaintext bytes they carry.
    std::string pending;
    uint32_t pending_sent = 0;
    uint32_t pending_plain = 0;
    // Records OpenSSL wrote outside writev: TLS 1.3's session tickets until the first
    // response or the next wait for input, or a handshake step the socket did not take.
    // They leave after `pending`, and every later record after them.
    std::string held;
  };
  bool has_pending() const { return unsent_ && !unsent_->pending.empty(); }
  bool has_held() const { return unsent_ && !unsent_->held.empty(); }
  // Appends `records` to the held ones.
  void hold(std::string_view records);
  // Frees unsent_ once nothing is left in it.
  void tidy_unsent();
  std::unique_ptr<Unsent> unsent_;
};

// Makes the TLS transports of one listen address.
class TlsTransportFactory final : public TransportFactory {
 public:
  // `lookup` chooses the context per connection and server name; `log` gets one line per
  // failed handshake or broken session; `vars` answers tls_var() (null: no variables).
  // `records`: when connections move to tern's TLS 1.3 record layer.
  TlsTransportFactory(TlsServerLookup lookup, TlsLogFn log, TlsVarFn vars = nullptr,
                      RecordLayerChoice records = RecordLayerChoice::kAdaptive)
      : lookup_(std::move(lookup)), log_(std::move(log)), vars_(vars), records_(records) {}
  Transport& make(TransportSlot& slot, UniqueFd fd, const sockaddr* peer,
                  const sockaddr* local) const override {
    return slot.emplace<TlsTransport>(std::move(fd), peer, local, *this);
  }
  // True: TLS handshakes first.
  bool needs_handshake() const override { return true; }
  // The server for `name` on the given local address (see TlsServerLookup).
  TlsServerChoice choose(std::string_view local_ip, uint16_t port, std::string_view name) const {
    return lookup_(local_ip, port, name);
  }
  // Passes one line to the log function.
  void log(std::string_view line) const {
    if (log_) log_(line);
  }
  // The variable function (may be null).
  TlsVarFn vars() const { return vars_; }
  // Whether a new connection should move to tern's record layer (see RecordLayerChoice).
  bool wants_own_records() const;
  // kAdaptive's measure, per process: `reads` more reads of data on TLS connections.
  static void note_reads(uint64_t reads);
  // kAdaptive's measure: one more TLS handshake done (and the once-a-second decay).
  static void note_handshake();
  // Forgets what note_reads() and note_handshake() counted (for tests).
  static void reset_tls_traffic();
  // Moves those counts to shared memory (once per process; call before forking the
  // children), so that all children follow the whole server's traffic.
  static void share_tls_traffic();

 private:
  TlsServerLookup lookup_;
  TlsLogFn log_;
  TlsVarFn vars_ = nullptr;
  RecordLayerChoice records_ = RecordLayerChoice::kAdaptive;
};

}  // namespace tern
