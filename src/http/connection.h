#pragma once
// One HTTP/1.x connection's protocol state machine, a Connection the MPM schedules. A worker
// calls run() when the connection has work; run() returns what the connection waits for
// next, and the listener holds it until then. One thread at a time. HttpProtocol (the
// listen socket's factory) makes these connections over the listen socket's transport.

#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/handler.h"
#include "http/input_buffer.h"
#include "http/request.h"
#include "http/request_parser.h"
#include "http/response.h"
#include "http/vhost_select.h"
#include "mpm/connection.h"
#include "net/transport.h"
#include "net/unique_fd.h"
#include "server/scoreboard.h"

namespace tern {

class AccessLogs;

// Settings shared by every connection of a process, prepared at start-up.
struct ConnectionSettings {
  ParserLimits limits;
  bool keep_alive = true;
  int max_keep_alive_requests = 100;  // 0 = unlimited
  int keep_alive_timeout_s = 5;       // for the HTTP/1.0 Keep-Alive header
  bool enable_sendfile = true;
  std::string server_line;         // "Server: …\r\n" or empty
  std::string server_name;         // %v in logs
  int64_t timeout_ms = 60000;      // Timeout: a task's backend wait unless it sets its own
  uint64_t max_discard = 1 << 20;  // unread body bytes tern reads and drops to keep alive
};

// One site a request can be served by: the main server or a <VirtualHost>.
struct Site {
  const Handler* handler = nullptr;
  AccessLogs* logs = nullptr;    // may be null
  std::string_view server_name;  // %v in logs, the VHost of server-status
};

// With virtual hosts: every site ([0] the main server) and how a request picks one.
struct SiteRouter {
  VhostSelector selector;
  std::vector<Site> sites;
  // The site for a request on the connection `ctx` with Host `host` (may be empty).
  const Site& route(const RequestContext& ctx, std::string_view host) const {
    return sites[selector.select(ctx.local_ip, ctx.local_port, host)];
  }
  // mod_ssl's check of the request's vhost against the one the TLS server name (without
  // SNI: the address's default) chose (SSLVHostSNIPolicy): kNone never refuses, kAnyOther
  // refuses any other vhost, kClass one whose `sni_class` differs (a class per distinct
  // set of TLS settings the policy compares). A refused request gets 421.
  enum class SniCheck : uint8_t { kNone, kAnyOther, kClass };
  SniCheck sni_check = SniCheck::kNone;
  std::vector<uint32_t> sni_class;  // per site, with kClass
  // Per site, 1 with SSLStrictSNIVHostCheck on: a TLS request without SNI gets 403.
  std::vector<uint8_t> strict_sni;
  // True when a request for site `host` on a connection whose handshake chose site `sni`
  // gets 421.
  bool misdirected(size_t sni, size_t host) const {
    if (sni == host || sni_check == SniCheck::kNone) return false;
    if (sni_check == SniCheck::kAnyOther) return true;
    return sni < sni_class.size() && host < sni_class.size() && sni_class[sni] != sni_class[host];
  }
};

// The per-process environment a connection runs in.
struct ConnectionEnv {
  const ConnectionSettings* settings = nullptr;
  const Handler* handler = nullptr;
  AccessLogs* logs = nullptr;          // may be null
  const SiteRouter* router = nullptr;  // null without virtual hosts: handler and logs serve all
};

// State that exists only while a worker runs a connection: pooled per worker so that
// an idle connection, and one waiting with a short partial head (see kStashMax), holds
// none of it.
struct Exchange {
  static constexpr size_t kInputCapacity = 8192;  // first read buffer; grows for a long head
  explicit Exchange(const ParserLimits& limits) : in(kInputCapacity), parser(limits) {}
  InputBuffer in;
  RequestParser parser;
  Request req;
};

// Output that did not fit in the socket buffer, kept while the listener waits.
struct PendingOutput {
  std::string head;
  size_t head_sent = 0;
  Response resp;
  size_t chunk = 0;         // index of the next chunk to send
  uint64_t chunk_sent = 0;  // bytes of that chunk already sent
};

struct TaskState;

// Per-worker resources that connections borrow while a worker runs them.
class WorkerScratch : public ProtocolWorkerState {
 public:
  // Creates scratch space for connections using `limits`.
  explicit WorkerScratch(const ParserLimits& limits);
  // Takes an exchange from the pool (or makes one).
  std::unique_ptr<Exchange> take_exchange();
  // Returns an exchange to the pool (kept up to a small bound), resetting its parser and
  // request unless `already_reset` (the caller reset them and parsed nothing since).
  void give_exchange(std::unique_ptr<Exchange> ex, bool already_reset = false);

  PendingOutput out;                   // the response being written now
  WorkerScore* score = nullptr;        // this worker's scoreboard slot, if any (set per run)
  const WorkerContext* ctx = nullptr;  // the worker running a connection now (set per run)
  std::vector<char> file_buf;          // read+write path when sendfile is off
 private:
  ParserLimits limits_;
  std::vector<std::unique_ptr<Exchange>> pool_;
};

// HTTP/1.1 over one transport: the factory of a listen socket's connections.
class HttpProtocol : public ConnectionFactory {
 public:
  // `env` and `transport` outlive the protocol and its connections.
  HttpProtocol(const ConnectionEnv& env, const TransportFactory& transport)
      : env_(env), transport_(transport) {}
  Connection& make(ConnectionSlot& slot, UniqueFd fd, const sockaddr* peer,
                   const sockaddr* local) const override;
  std::unique_ptr<ProtocolWorkerState> make_worker_state() const override;
  // The settings, handler and logs of the connections.
  const ConnectionEnv& env() const { return env_; }
  // What makes each connection's byte stream.
  const TransportFactory& transport() const { return transport_; }

 private:
  ConnectionEnv env_;
  const TransportFactory& transport_;
};

// The connection. Small: an idle one is its transport (socket, addresses) and a few counters.
class HttpConnection : public Connection {
 public:
  // Takes ownership of `fd`; `peer` and `local` are its addresses; `proto` (the listen
  // socket's) gives the transport, the handler and the settings.
  HttpConnection(UniqueFd fd, const sockaddr* peer, const sockaddr* local,
                 const HttpProtocol& proto);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  ~HttpConnection() override;

  ConnWait run(WorkerContext& w) override;
  // A partial head gets 408; a task (CGI) is aborted (504 or 408 when no head went out);
  // anything else closes.
  ConnWait on_timeout(WorkerContext& w, ConnWait what) override;
  bool drain_linger() override;
  // Gives the exchange back when it holds no input (before idling).
  void release_buffers(WorkerContext& w) override;
  // The transport's record buffers (TLS).
  bool has_idle_memory() const override { return transport().holds_buffers(); }
  void release_idle_memory() override { transport().release_buffers(); }
  void keep_idle_memory() override { transport().keep_buffers(); }
  int fd() const override { return transport().fd(); }
  uint64_t phase_bytes() const override { return phase_bytes_; }
  uint32_t phase_serial() const override { return phase_serial_; }
  uint64_t bytes_written() const override { return bytes_written_; }
  int64_t park_timeout_ms() const override;
  // kHandshake while the transport's handshake is to come, else kReadHead.
  ConnWait first_wait() const override {
    return handshaking_ ? ConnWait::kHandshake : ConnWait::kReadHead;
  }
  uint64_t park_progress() const override;
  // Its socket when the next run() begins with one read into an empty exchange: idle
  // between requests, on a plain transport, with nothing held (task, stash, output, body).
  int prefetch_fd() const override;
  void give_prefetched(int slot) override { prefetch_slot_ = static_cast<int8_t>(slot); }

  // The byte stream the connection reads and writes through.
  Transport& transport() const { return *transport_.get(); }
  // A read of the input into `buf`: the read the worker took ahead (give_prefetched) when
  // there is one, else the transport's. `*more` is set when that read filled its room, so
  // the socket may hold more although fewer bytes than `buf` holds came.
  IoResult read_input(WorkerScratch& w, std::span<char> buf, bool* more);
  // The peer's textual address.
  const char* client_ip() const { return transport().addresses().peer_ip; }
  // Requests served on this connection so far.
  uint32_t requests() const { return requests_; }
  // Bytes received and not yet consumed (a partial head).
  size_t buffered() const { return ex_ ? ex_->in.size() : stash_len_; }
  // Heap and object bytes the connection keeps while it waits (its own object, a kept
  // exchange with its input buffer, a stashed partial head, parked output headers).
  size_t retained_bytes() const;

  // A partial head of at most this many bytes is kept as a right-sized copy while the
  // connection waits, and the exchange goes back to the worker's pool; the head is parsed
  // again from its first byte when more arrives (so a re-parse costs at most this much).
  static constexpr size_t kStashMax = 1024;

 private:
  friend class HttpTaskIo;
  enum class Phase : uint8_t { kHead, kDiscardBody, kTask };
  enum class WriteResult : uint8_t { kDone, kAgain, kError };

  ConnWait run_exchange(WorkerScratch& w, const ConnectionEnv& env);
  // Advances the transport's handshake: kClose, kHandshake (wait), or kReadHead (go on).
  ConnWait run_handshake();
  // Advances a post-handshake authentication (client_auth_): first the request body into
  // the buffer (client_auth_body_), then the client's answer: kReadBody (more body),
  // kHandshake (wait for the answer), kReadHead (the retained head runs again), or what
  // closing or a 413 returns.
  ConnWait run_client_auth(WorkerScratch& w, const ConnectionEnv& env);
  // mod_ssl's fill_reneg_buffer: reads the retained request's body, up to
  // client_auth_body_, before the client is asked: kReadBody, kReadHead (the request runs
  // again with body_buffered_), a 413's answer, or kClose.
  ConnWait buffer_client_auth_body(WorkerScratch& w, const ConnectionEnv& env);
  // Ends a post-handshake authentication (client_auth_, client_auth_body_,
  // client_auth_fed_, the transport's).
  void end_client_auth();
  void release_exchange(WorkerScratch& w);
  ConnWait process_head(WorkerScratch& w, const ConnectionEnv& env);
  // Task mode (connection_task.cpp): a handler returned Response::task.
  ConnWait start_task(WorkerScratch& w, const ConnectionEnv& env, size_t head_bytes);
  ConnWait run_task(WorkerScratch& w, const ConnectionEnv& env);
  ConnWait task_timeout(WorkerScratch& w, const ConnectionEnv& env, ConnWait what);
  // Ends task mode: unwatches the task's fds, destroys it, then logs and goes on as after
  // any response (`ok`), or closes (`!ok`).
  ConnWait finish_task(WorkerScratch& w, const ConnectionEnv& env, bool ok);
  // Writes what the task's output buffer holds.
  WriteResult flush_task(WorkerScratch& w);
  // Unwatches the task's fds and destroys the task (its state stays for the log).
  void end_task_watches(WorkerScratch& w);
  // The task failed before any byte of its response went out: answers `status` instead.
  ConnWait task_failed(WorkerScratch& w, const ConnectionEnv& env, int status);
  ConnWait respond_error(WorkerScratch& w, const ConnectionEnv& env, int status);
  void build_head(WorkerScratch& w, const ConnectionEnv& env, const Request* req, bool head_only);
  // How a body is delimited in the head: not at all (no body, or until close),
  // Content-Length, or chunked.
  enum class BodyFraming : uint8_t { kNone, kLength, kChunked };
  // Reads the special environment variables of `resp` (special_env.h) for `req` (null:
  // none): sets as_http10_, status_http10_ and maybe close_after_.
  void apply_special_env(const Request* req, const Response& resp);
  // Appends the status line, Date, Server, `fields`, the framing field and Connection.
  void append_head(std::string& h, const ConnectionEnv& env, const Request* req, int status,
                   std::string_view reason, std::string_view fields, BodyFraming framing,
                   uint64_t length) const;
  void log_access(WorkerScratch& w, const ConnectionEnv& env, const Request* req);
  void log_response(WorkerScratch& w, const ConnectionEnv& env, const Request* req,
                    const Response& resp, uint64_t body_bytes, uint64_t out_bytes);
  WriteResult write_output(PendingOutput& o, WorkerScratch& w, const ConnectionEnv& env);
  // The response being written is the connection's last output: it closes after it and
  // has no request body left to read first.
  bool ends_output() const { return close_after_ && phase_ != Phase::kDiscardBody; }
  ConnWait after_response(WorkerScratch& w, const ConnectionEnv& env);
  ConnWait close_or_linger(WorkerScratch& w);
  ConnWait discard_body(WorkerScratch& w, const ConnectionEnv& env);
  // Before a wait for more of a short partial head: keeps only its bytes (see kStashMax).
  void stash_head(WorkerScratch& w);
  // Takes an exchange again and puts a stashed partial head back into its buffer.
  void unstash_head(WorkerScratch& w);
  // The bytes received and not consumed: the exchange's, or the stashed head.
  std::string_view unparsed() const {
    return ex_ ? ex_->in.pending() : std::string_view(stash_.get(), stash_len_);
  }
  // A new read phase begins with `already` bytes of it received.
  void start_phase(uint64_t already) {
    ++phase_serial_;
    phase_bytes_ = already;
  }
  RequestContext context() const;
  // mod_ssl's post-read check of the chosen site against the TLS handshake's: 0, 421
  // (SSLVHostSNIPolicy) or 403 (SSLStrictSNIVHostCheck without SNI); logs why.
  int check_sni(const ConnectionEnv& env, std::string_view host) const;
  // With virtual hosts, chooses the site of the next response (`host` empty: the address's
  // default); without, does nothing.
  void choose_site(const ConnectionEnv& env, std::string_view host) {
    if (env.router != nullptr) site_ = &env.router->route(context(), host);
  }
  const Handler& handler(const ConnectionEnv& env) const {
    return site_ != nullptr ? *site_->handler : *env.handler;
  }

  TransportSlot transport_;  // never empty after construction
  const HttpProtocol* proto_;
  const Site* site_ = nullptr;  // the site of the current request (virtual hosts only)
  std::unique_ptr<Exchange> ex_;
  std::unique_ptr<TaskState> task_;  // a response in progress (Response::task), else null
  std::unique_ptr<PendingOutput> parked_;
  std::unique_ptr<char[]> stash_;  // a short partial head while waiting without ex_
  uint64_t discard_left_ = 0;      // bytes of body still to drop (chunked: budget)
  uint32_t requests_ = 0;
  uint32_t stash_len_ = 0;        // bytes in stash_ (in what was padding: the object stays small)
  uint64_t body_bytes_sent_ = 0;  // response body bytes on this connection (status "Conn")
  uint64_t phase_bytes_ = 0;      // see phase_bytes()
  uint64_t bytes_written_ = 0;    // see bytes_written()
  uint32_t phase_serial_ = 0;     // see phase_serial()
  Phase phase_ = Phase::kHead;
  bool close_after_ = false;
  bool linger_after_ = false;
  bool client_closes_ = false;  // the last request asked to close (Connection: close, 1.0)
  // The response goes out as to HTTP/1.0 / with an HTTP/1.0 status line (special_env.h).
  bool as_http10_ = false;
  bool status_http10_ = false;
  bool input_drained_ = false;      // the last read() was short and the transport holds nothing
  bool handshaking_ = false;        // the transport's handshake (TLS) is not done yet
  bool plain_on_tls_ = false;       // a plaintext HTTP request came to a TLS port: 400, close
  bool client_auth_ = false;        // waiting for the client's certificate; the head is kept
  int8_t prefetch_slot_ = -1;       // the worker's read taken ahead for the next run, or -1
  uint32_t client_auth_body_ = 0;   // … not asked yet: up to this many body bytes first
  uint32_t client_auth_head_ = 0;   // … its head's length (0: not parsed for it yet)
  uint32_t client_auth_fed_ = 0;    // … bytes of the buffer the parser has taken (head too)
  bool client_auth_reneg_ = false;  // … by a TLS 1.2 renegotiation (else TLS 1.3 PHA)
  bool body_buffered_ = false;      // the retained request's body is all in the buffer
  int64_t request_start_us_ = 0;
};

}  // namespace tern
