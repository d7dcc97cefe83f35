#pragma once
// One HTTP/1.x connection's protocol state machine. A worker calls run() when
// the connection has work; run() returns what the connection waits for next, and
// the caller (the listener) holds it until then. One thread at a time.

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
#include "net/transport.h"
#include "net/unique_fd.h"
#include "server/scoreboard.h"

namespace tern {

class AccessLogs;

// What a connection waits for when it hands itself back.
enum class ConnWait {
  kClose,      // done: the caller closes it
  kKeepAlive,  // idle between requests (KeepAliveTimeout)
  kReadHead,   // part of a request head has arrived (RequestReadTimeout header)
  kReadBody,   // part of a request body is still to come (RequestReadTimeout body)
  kWrite,      // the socket buffer is full (Timeout)
  kLinger,     // lingering close: write side shut, draining input
};

// Settings shared by every connection of a process, prepared at start-up.
struct ConnectionSettings {
  ParserLimits limits;
  bool keep_alive = true;
  int max_keep_alive_requests = 100;  // 0 = unlimited
  int keep_alive_timeout_s = 5;       // for the HTTP/1.0 Keep-Alive header
  bool enable_sendfile = true;
  std::string server_line;         // "Server: …\r\n" or empty
  std::string server_name;         // %v in logs
  uint64_t max_discard = 1 << 20;  // unread body bytes tern reads and drops to keep alive
};

// The per-process environment a connection runs in.
struct ConnectionEnv {
  const ConnectionSettings* settings = nullptr;
  const Handler* handler = nullptr;
  AccessLogs* logs = nullptr;                   // may be null
  const std::atomic<bool>* stopping = nullptr;  // graceful stop: finish, then close
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

// Per-worker resources that connections borrow while a worker runs them.
class WorkerScratch {
 public:
  // Creates scratch space for connections using `limits`.
  explicit WorkerScratch(const ParserLimits& limits);
  // Takes an exchange from the pool (or makes one).
  std::unique_ptr<Exchange> take_exchange();
  // Returns an exchange to the pool (kept up to a small bound).
  void give_exchange(std::unique_ptr<Exchange> ex);

  PendingOutput out;             // the response being written now
  WorkerScore* score = nullptr;  // this worker's scoreboard slot, if any
  std::vector<char> file_buf;    // read+write path when sendfile is off
 private:
  ParserLimits limits_;
  std::vector<std::unique_ptr<Exchange>> pool_;
};

// The connection. Small: an idle one is its transport (socket, addresses) and a few counters.
class HttpConnection {
 public:
  // Takes ownership of `fd`; `peer` and `local` are its addresses; `transport` (the listen
  // socket's) makes the byte stream over it.
  HttpConnection(UniqueFd fd, const sockaddr* peer, const sockaddr* local,
                 const TransportFactory& transport);
  // As above, over the plain transport.
  HttpConnection(UniqueFd fd, const sockaddr* peer, const sockaddr* local);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  ~HttpConnection();

  // Does all the work possible now; returns what to wait for next.
  ConnWait run(WorkerScratch& w, const ConnectionEnv& env);
  // A wait of the listener expired: answers 408 when a request was in progress,
  // then returns kLinger or kClose. Called on a worker.
  ConnWait on_timeout(WorkerScratch& w, const ConnectionEnv& env, ConnWait what);
  // Lingering close, called by the listener when readable: drains input.
  // Returns true when the peer has closed or failed (close now).
  bool drain_linger();
  // Gives the exchange back to `w` when it holds no input (before idling).
  void release_exchange(WorkerScratch& w);

  // The byte stream the connection reads and writes through.
  Transport& transport() const { return *transport_.get(); }
  // The socket.
  int fd() const { return transport().fd(); }
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
  // Bytes received in the current read phase (a request head, or a body being
  // dropped), for RequestReadTimeout's MinRate.
  uint64_t phase_bytes() const { return phase_bytes_; }
  // Changes whenever a new head or body phase starts (also without a wait in between).
  uint32_t phase_serial() const { return phase_serial_; }
  // Bytes written to the socket so far: a write wait that did not move it made no progress.
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  enum class Phase : uint8_t { kHead, kDiscardBody };
  enum class WriteResult : uint8_t { kDone, kAgain, kError };

  ConnWait process_head(WorkerScratch& w, const ConnectionEnv& env);
  ConnWait respond_error(WorkerScratch& w, const ConnectionEnv& env, int status);
  void build_head(WorkerScratch& w, const ConnectionEnv& env, const Request* req, bool head_only);
  void log_access(WorkerScratch& w, const ConnectionEnv& env, const Request* req);
  WriteResult write_output(PendingOutput& o, WorkerScratch& w, const ConnectionEnv& env);
  ConnWait after_response(WorkerScratch& w, const ConnectionEnv& env);
  ConnWait close_or_linger();
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

  TransportSlot transport_;  // never empty after construction
  std::unique_ptr<Exchange> ex_;
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
  bool input_drained_ = false;  // the last read() was short and the transport holds nothing
  int64_t request_start_us_ = 0;
};

}  // namespace tern
