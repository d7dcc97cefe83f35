#pragma once
// What the MPM schedules: a connection of some protocol (HTTP/1.1 today; HTTP/2 and TLS
// handshakes later), made per listen socket by a ConnectionFactory. The listener and the
// workers know only this interface: what a connection waits for (its timeout class), the
// progress that extends a read deadline, and the fds whose events schedule it. src/mpm/
// includes nothing from the protocol code (a unit test checks the includes).

#include <sys/socket.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "net/read_prefetch.h"
#include "net/unique_fd.h"
#include "util/inline_slot.h"

namespace tern {

struct WorkerScore;

// What a connection waits for when it hands itself back; each is a timeout class with its
// own queue and duration.
enum class ConnWait : uint8_t {
  kClose,      // done: the caller closes it
  kKeepAlive,  // idle between requests (KeepAliveTimeout)
  kReadHead,   // part of a request head has arrived (RequestReadTimeout header)
  kReadBody,   // part of a request body is still to come (RequestReadTimeout body)
  kWrite,      // the socket buffer is full (Timeout)
  kLinger,     // lingering close: write side shut, draining input
  kPark,       // waits on another fd it watches (a CGI pipe, a backend): park_timeout_ms()
  kHandshake,  // a transport handshake (TLS) waits for the socket (RequestReadTimeout
               // handshake=, else Timeout per wait); phase_bytes() counts its bytes
};

// What a running connection may ask of the MPM. Implemented by the listener for the
// connection a worker holds; valid only during Connection::run / on_timeout.
class ConnectionHost {
 public:
  // At most this many extra fds per connection.
  static constexpr int kMaxWatched = 2;
  // Events on `fd` (readable, writable, hang-up; edge-triggered) schedule this connection
  // too, until unwatch(). False when the table is full or epoll refuses the fd.
  virtual bool watch(int fd) = 0;
  // Stops watching `fd`. Call it before closing `fd`.
  virtual void unwatch(int fd) = 0;

 protected:
  ~ConnectionHost() = default;
};

// Per-worker state of one protocol (buffers borrowed by its connections while a worker
// runs them). Made by the protocol's factory once per worker.
class ProtocolWorkerState {
 public:
  virtual ~ProtocolWorkerState() = default;
};

class ConnectionFactory;

// The worker a connection runs on: its scoreboard slot, the MPM's stop flag, the
// per-protocol state and the host for watched fds.
class WorkerContext {
 public:
  WorkerScore* score = nullptr;                 // this worker's slot, may be null
  const std::atomic<bool>* stopping = nullptr;  // graceful stop: finish, then close
  ConnectionHost* host = nullptr;               // set while a connection runs
  ReadPrefetch prefetch;  // the first reads of a batch's idle connections (prefetch_fd)
  // The state that `factory` made for this worker (made on first use).
  ProtocolWorkerState& state_for(const ConnectionFactory& factory);
  // True while the server stops gracefully (answer with `Connection: close`).
  bool is_stopping() const { return stopping && stopping->load(std::memory_order_relaxed); }

 private:
  struct Entry {
    const ConnectionFactory* factory;
    std::unique_ptr<ProtocolWorkerState> state;
  };
  std::vector<Entry> states_;
};

// One scheduled connection. Only one thread at a time touches it (the one-owner rule): a
// worker while it runs, or the listener while it waits in a queue.
class Connection {
 public:
  virtual ~Connection() = default;
  // Does all the work possible now; returns what to wait for next.
  virtual ConnWait run(WorkerContext& w) = 0;
  // The wait `what` expired. Called on a worker, never on the listener: a protocol may
  // answer (HTTP's 408) and log. Returns what to wait for next (kClose or kLinger).
  virtual ConnWait on_timeout(WorkerContext& w, ConnWait what) = 0;
  // Lingering close, when readable: drains input; true when the peer closed or failed.
  virtual bool drain_linger() = 0;
  // Before an idle wait: gives borrowed per-worker buffers back to `w`.
  virtual void release_buffers(WorkerContext& w) = 0;
  // True when the connection may hold memory that release_idle_memory() frees.
  virtual bool has_idle_memory() const { return false; }
  // Idle a while (keep-alive): frees what can be made again when bytes come (TLS record
  // buffers). Called by the listener while it holds the connection in its queue.
  virtual void release_idle_memory() {}
  // Taken by a worker before its idle memory was released (a busy connection): keep that
  // memory between requests until the next release_idle_memory().
  virtual void keep_idle_memory() {}
  // The client socket.
  virtual int fd() const = 0;
  // Bytes received in the current read phase (RequestReadTimeout's MinRate).
  virtual uint64_t phase_bytes() const = 0;
  // Changes whenever a new read phase starts (also without a wait in between).
  virtual uint32_t phase_serial() const = 0;
  // Bytes written so far: a write wait that did not move it made no progress.
  virtual uint64_t bytes_written() const = 0;
  // What a new connection waits for first (kHandshake for TLS): the phase that starts at
  // the accept.
  virtual ConnWait first_wait() const { return ConnWait::kReadHead; }
  // For kPark: how long the parked wait may last without progress (ms).
  virtual int64_t park_timeout_ms() const { return 60000; }
  // For kPark: a counter that moves whenever the parked work progressed (restarts the wait).
  virtual uint64_t park_progress() const { return 0; }
  // The socket whose one read(2) the next run() begins with, into an empty buffer (an idle
  // keep-alive connection over a plain transport), or -1. A worker may take that read
  // ahead, for a batch of connections in one system call, and hand it to give_prefetched().
  virtual int prefetch_fd() const { return -1; }
  // The read of prefetch_fd() taken ahead is result `slot` of the worker's
  // WorkerContext::prefetch: the next run(), which must follow on that worker before its
  // next fetch, takes it as its first read.
  virtual void give_prefetched(int slot) { (void)slot; }
};

// Room for one connection inside the listener's entry, so that accepting allocates nothing.
using ConnectionSlot = InlineSlot<Connection, 320>;

// Makes the connections of one listen socket: the protocol (and, inside it, the transport)
// that its Listen line chose. Immutable after start-up; called from the listener thread.
class ConnectionFactory {
 public:
  virtual ~ConnectionFactory() = default;
  // Makes the connection of the accepted socket `fd` in `slot` and returns it.
  virtual Connection& make(ConnectionSlot& slot, UniqueFd fd, const sockaddr* peer,
                           const sockaddr* local) const = 0;
  // The per-worker state for this factory's connections.
  virtual std::unique_ptr<ProtocolWorkerState> make_worker_state() const = 0;
};

}  // namespace tern
