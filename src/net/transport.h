#pragma once
// The byte stream under a connection (nginx's c->recv/c->send, h2o's h2o_socket_t): the
// connection reads, writes, sends files and shuts down through a Transport and never touches
// the socket itself, so a transport that encrypts (TLS) or buffers fits under it unchanged.
// Which transport a connection gets is chosen per listen socket (TransportFactory).

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "net/unique_fd.h"
#include "util/inline_slot.h"

struct ssl_st;  // OpenSSL's SSL

namespace tern {

// How one transport call ended.
enum class IoStatus : uint8_t {
  kOk,          // `bytes` (> 0) were moved
  kWouldBlock,  // nothing can move now; the connection waits for its socket (edge-triggered
                // on both directions, so a TLS transport that needs to write to read fits)
  kEof,         // read: the peer closed its side; send_file: the file ended before `len`
  kError,       // the connection failed (`err` holds errno)
};

// How a step of a transport's opening handshake (TLS) ended.
enum class HandshakeStatus : uint8_t {
  kDone,        // the transport carries application data from now on
  kWouldBlock,  // waiting for the socket (edge-triggered on both directions)
  kFailed,      // the handshake failed; the transport logged why: close the connection
  kPlainHttp,   // a plaintext HTTP request came to a TLS port: read() and writev() are plain
                // now, and the connection answers 400 (httpd's "speaking plain HTTP")
};

// How a step of a client authentication after the handshake (TLS 1.3 post-handshake
// authentication, TLS 1.2 renegotiation) ended.
enum class ClientAuthStatus : uint8_t {
  kAnswered,  // the client answered, with or without a certificate
  kWaiting,   // waiting for the socket (edge-triggered on both directions)
  kData,      // application data came before the answer: read() it (a request body the
              // client was sending), or decide without a certificate
  kFailed,    // the session ended (e.g. OpenSSL refused a missing required certificate)
};
// The result of a transport call: a status, the bytes moved and, on kError, errno.
struct IoResult {
  IoStatus status = IoStatus::kOk;
  size_t bytes = 0;
  int err = 0;
};

// A connection's two ends, textual as logs, handlers and URLs use them.
struct ConnAddresses {
  char peer_ip[INET6_ADDRSTRLEN] = {};
  char local_ip[INET6_ADDRSTRLEN] = {};
  uint16_t peer_port = 0;
  uint16_t local_port = 0;
  uint8_t peer_ip_len = 0;  // strlen(peer_ip), measured once per connection
  uint8_t local_ip_len = 0;
  // The peer's address as text, without a strlen per request.
  std::string_view peer() const { return {peer_ip, peer_ip_len}; }
  // The local address as text.
  std::string_view local() const { return {local_ip, local_ip_len}; }
};

// One connection's byte stream. Owns the socket (non-blocking); used by one thread at a time.
// Every call retries EINTR itself and never raises SIGPIPE.
class Transport {
 public:
  virtual ~Transport() = default;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Reads up to buf.size() bytes of the peer's data (decrypted, for TLS).
  virtual IoResult read(std::span<char> buf) = 0;
  // Writes the buffers in order, as much as fits now (kOk with a short count is a partial
  // write); `more` says more output follows at once (MSG_MORE: the kernel may coalesce).
  virtual IoResult writev(std::span<const iovec> iov, bool more) = 0;
  // Sends up to `len` bytes of `file_fd` from `offset` without copying them through the
  // process; only when can_send_file() (else the caller reads the file and calls writev).
  virtual IoResult send_file(int file_fd, uint64_t offset, size_t len) = 0;
  // True when send_file() is available (plain: sendfile; TLS: only with kernel TLS).
  virtual bool can_send_file() const = 0;
  // Ends the output direction (TLS: close_notify first); input stays readable.
  virtual void shutdown_write() = 0;
  // True when the transport holds input already taken off the socket (TLS records decrypted
  // beyond what read() returned). A short read means "drained" only when this is false too,
  // because edge-triggered epoll will not report bytes the socket no longer shows.
  virtual bool has_buffered_input() const = 0;
  // True when the peer sent input nobody has read yet (in the socket or the transport).
  virtual bool has_unread_input() const = 0;
  // True when read() is one read(2) of the socket and nothing more (a plain transport), so
  // that a read of the socket taken ahead (ReadPrefetch) can stand for it.
  virtual bool reads_socket_directly() const { return false; }
  // The URL scheme of requests on this transport ("http", "https").
  virtual std::string_view scheme() const = 0;
  // Advances the opening handshake; only for the transports of a factory that
  // needs_handshake() (a plain transport has none).
  virtual HandshakeStatus handshake() { return HandshakeStatus::kDone; }
  // Bytes taken from the socket so far (a handshake's progress, for MinRate).
  virtual uint64_t raw_bytes_read() const { return 0; }
  // The connection has been idle a while (keep-alive): frees what the transport can make
  // again when the next bytes come (TLS record buffers).
  virtual void release_buffers() {}
  // True when release_buffers() may have something to free.
  virtual bool holds_buffers() const { return false; }
  // The connection is busy (its next request came before its buffers were released): keep
  // them between requests until release_buffers().
  virtual void keep_buffers() {}
  // The next writev() whose `more` is false ends the connection's output (its last
  // response, with nothing left to read first): a TLS transport sends its close_notify in
  // the same send(). Holds for that one call only.
  virtual void output_ends_with_next_write() {}
  // The site the TLS server name (SNI) chose (the factory's index), or -1: none.
  virtual int sni_site() const { return -1; }
  // mod_ssl's variable `name` of this connection (SSL_PROTOCOL, SSL_CIPHER, SSL_TLS_SNI,
  // SSL_CLIENT_S_DN_CN, …: modules/ssl/ssl_vars.h) into *out: false on a plain transport,
  // before the handshake, or when the variable is unknown or has no value.
  virtual bool tls_var(std::string_view name, std::string* out) const {
    (void)name;
    (void)out;
    return false;
  }

  // The OpenSSL session of a TLS transport whose handshake is done (null otherwise), for
  // mod_ssl's per-request decisions (per-directory SSLVerifyClient).
  virtual ssl_st* tls_session() const { return nullptr; }
  // Advances the client authentication requested on tls_session() (TLS 1.3:
  // SSL_verify_client_post_handshake; TLS 1.2: SSL_renegotiate), see ClientAuthStatus.
  virtual ClientAuthStatus continue_client_auth() { return ClientAuthStatus::kFailed; }
  // Stops watching for the client's answer (after kData, when the caller decides without it).
  virtual void end_client_auth() {}
  // The socket, for the listener's epoll set.
  int fd() const { return fd_.get(); }
  // The peer's and the local address and port.
  const ConnAddresses& addresses() const { return addr_; }

 protected:
  // Takes ownership of the connected socket `fd`; `peer` and `local` are its addresses.
  Transport(UniqueFd fd, const sockaddr* peer, const sockaddr* local);

  UniqueFd fd_;
  ConnAddresses addr_;
};

// Room for one transport inside its connection, so that making one allocates nothing
// (plain: 112 bytes; TLS adds an SSL*, its factory, the SNI site and flags: 144).
using TransportSlot = InlineSlot<Transport, 160>;

// Makes the transports of the connections accepted on one listen socket (`Listen 80` plain,
// later `Listen 443 https` TLS with that address's certificate). Immutable after start-up,
// called concurrently.
class TransportFactory {
 public:
  virtual ~TransportFactory() = default;
  // Makes the transport of the accepted socket `fd` in `slot` and returns it.
  virtual Transport& make(TransportSlot& slot, UniqueFd fd, const sockaddr* peer,
                          const sockaddr* local) const = 0;
  // True when the transports must complete handshake() before carrying data (TLS).
  virtual bool needs_handshake() const { return false; }
};

}  // namespace tern
