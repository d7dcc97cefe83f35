#pragma once
// The listener of one child process: an epoll set over the listen sockets and
// every waiting connection, the timeout queues, admission control, and dispatch
// of ready connections to the worker pool.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "log/log_rate_limit.h"
#include "mpm/connection.h"
#include "mpm/read_deadline.h"
#include "mpm/run_gate.h"
#include "mpm/timeout_queue.h"
#include "net/epoll.h"
#include "server/scoreboard.h"

namespace tern {

// Timeouts and admission parameters of a listener.
struct ListenerSettings {
  int64_t keep_alive_timeout_ms = 5000;
  int64_t timeout_ms = 60000;           // Timeout: write completion
  ReadTimeoutRule header{20, 40, 500};  // RequestReadTimeout header=20-40,MinRate=500
  ReadTimeoutRule body{20, 0, 500};     // RequestReadTimeout body=20,MinRate=500
  ReadTimeoutRule handshake{0, 0, 0};   // RequestReadTimeout handshake=0 (off: Timeout)
  int threads = 25;
  double async_factor = 256.0;     // tern's default (config.h); httpd's is 2
  int running_workers = 0;         // workers that take work at once (RunGate base); 0 = one per CPU
  int64_t lend_ms = 10;            // running workers stuck this long: let more workers run
  int64_t starvation_ms = 50;      // ready work older than this with no worker freed = starved
  int64_t linger_short_ms = 2000;  // httpd SECONDS_TO_LINGER
  int64_t linger_max_ms = 30000;   // httpd MAX_SECS_TO_LINGER
  int64_t graceful_timeout_ms = 0;     // 0 = wait for in-flight work forever
  int64_t keep_alive_drain_ms = 2000;  // graceful stop: idle keep-alive kept at most this long
  // Idle keep-alive this long: the listener frees what the connection can make again (TLS
  // record buffers); 0 = at once, on the worker, when the connection goes idle.
  int64_t idle_release_ms = 1000;
  uint64_t max_connections = 0;   // MaxConnectionsPerChild: stop gracefully after; 0 = never
  bool exclusive_accept = false;  // EPOLLEXCLUSIVE on the listen fds (several children)
  // At most this many children of a generation accept at once (the lowest slots whose
  // door admission leaves open); the others stand by. 0 = every child accepts.
  int accepting_children = 0;
};

// A listen socket and what its connections speak (protocol and transport, chosen by its
// Listen line).
struct ListenPort {
  int fd = -1;                                  // owned by the caller
  const ConnectionFactory* protocol = nullptr;  // outlives the listener
};

struct ConnEntry;

// The link of a connection in the listener's second queue (idle memory to free), beside
// the one its wait's queue uses.
struct IdleMemoryLink : TimeoutLink {
  ConnEntry* owner = nullptr;
};

// A connection as the listener knows it. Entries live in a pool and are never
// freed while the process runs (type-stable memory): a worker holding a stale
// epoll event for a closed connection still reads a valid entry, finds it in no
// queue, and skips it.
struct ConnEntry : TimeoutLink {
  ConnEntry() { idle_memory.owner = this; }
  ConnEntry(const ConnEntry&) = delete;
  ConnEntry& operator=(const ConnEntry&) = delete;
  ConnectionSlot conn;  // empty while the entry is free
  // In the idle-memory queue while idle keep-alive holds memory to free (under mu_).
  IdleMemoryLink idle_memory;
  ConnWait wait = ConnWait::kReadHead;
  int watched[ConnectionHost::kMaxWatched] = {-1, -1};  // extra fds that schedule it
  bool registered = false;     // in the connection epoll set (under Listener::mu_ while in use)
  bool nodelay = false;        // TCP_NODELAY set (on the first hand-back that keeps it open)
  bool missed_event = false;   // an event came while a thread held it (guarded by mu_)
  int64_t phase_start_ms = 0;  // start of the current wait (head/body read, write, linger, …)
  int64_t progress_ms = 0;     // last hand-back that moved progress_mark (or the phase start)
  uint64_t progress_mark = 0;  // bytes read in the phase, or written in all while writing
  uint32_t phase_serial = 0;   // Connection::phase_serial() when the phase started
  // A read phase left for a park or a write within the same phase: which one, when it
  // started and when it was left (its deadline resumes without the time away).
  ConnWait paused_wait = ConnWait::kClose;
  int64_t paused_start_ms = 0;
  int64_t paused_ms = 0;
  // The connection held (non-null while in use).
  Connection& c() const { return *conn.get(); }
};

// Type-stable storage for ConnEntry objects. Thread-safe.
class ConnEntryPool {
 public:
  // An entry holding a new connection on `fd`, made by `protocol`.
  ConnEntry* acquire(UniqueFd fd, const sockaddr* peer, const sockaddr* local,
                     const ConnectionFactory& protocol);
  // Closes the connection and keeps the entry for reuse.
  void release(ConnEntry* c);

 private:
  std::mutex mu_;
  std::deque<ConnEntry> store_;
  std::vector<ConnEntry*> free_;
};

// The listener of one child and its workers. Construct, then run() on the
// thread that owns it (the listener thread); the workers are started inside.
//
// Two epoll sets: the listener's (a wake-up eventfd) and the workers' set, on which
// idle workers block directly. The workers' set holds the listen sockets
// (level-triggered, EPOLLEXCLUSIVE between children) while the door is open, and every
// connection, edge-triggered from its first hand-back on: the kernel's ready list is the
// queue of ready work, a worker accepts a new connection and serves its first request
// on the same thread, and a busy process runs request after request without a thread
// switch or an epoll_ctl. The listener keeps the timeout queues, opens and closes the
// door (admission control, stop) and relieves starvation.
class Listener {
 public:
  // The sockets of `ports` stay owned by the caller. Their factories and `scoreboard`
  // outlive the listener, which reports into process slot `slot`.
  Listener(const std::vector<ListenPort>& ports, const ListenerSettings& settings,
           Scoreboard& scoreboard, int slot);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Serves until stop() and the drain that follows are done.
  void run();
  // Asks the loop to stop: gracefully (finish in-flight work) or at once.
  // Async-signal-safe.
  void stop(bool graceful);
  // Counts by state (this process's scoreboard slot).
  const ProcessScore& counts() const { return counts_; }
  // The flag connections read to finish with `Connection: close`.
  const std::atomic<bool>& stopping() const { return stopping_; }

 private:
  // One worker: its context for connections and the host of the connection it runs.
  struct Worker final : ConnectionHost {
    Listener* listener = nullptr;
    ConnEntry* current = nullptr;
    WorkerContext ctx;
    bool watch(int fd) override { return listener->watch(current, fd); }
    void unwatch(int fd) override { listener->unwatch(current, fd); }
  };

  void worker_loop(int index);
  void serve(ConnEntry* c, Worker& w);
  // Runs the protocol's timeout work of the connections whose wait expired.
  void serve_expired(Worker& w);
  // `w` is null when the listener itself hands a new connection to the workers.
  void hand_back(ConnEntry* c, ConnWait next, Worker* w);
  bool watch(ConnEntry* c, int fd);
  void unwatch(ConnEntry* c, int fd);
  // Starts or continues `c`'s wait for `next` at `now` and returns its deadline:
  // read phases per RequestReadTimeout, a write when no byte went out for Timeout.
  int64_t deadline_for(ConnEntry* c, ConnWait next, int64_t now);
  void close_entry(ConnEntry* c);
  // Accepts one connection from listen socket `i` (null when none is waiting, the door
  // is closed, or accept4 failed: then the door closes for a moment).
  // `door_open_only`: a worker's accept, which the closing of the door stops.
  ConnEntry* accept_one(size_t i, bool door_open_only);
  // A worker's accept: takes one connection from listen socket `i` and serves it now.
  void accept_and_serve(size_t i, Worker& w);
  // Closes the door when this process is over its AsyncRequestWorkerFactor bound.
  void check_admission(int64_t now);
  // Accepts up to a batch of connections from listen socket `i` and hands them to the
  // workers; how many it accepted (the listener's drain at a whole-server stop).
  int accept_batch(size_t i);
  // Whole-server stop: serves the connections already waiting in the listen
  // backlogs, then shuts the listen sockets so later clients are refused.
  void drain_backlog_and_close_door();
  void expire(int64_t now);
  void update_admission(int64_t now);
  // Workers waiting for work or busy on their current batch for less than
  // starvation_ms: the "idle workers" of AsyncRequestWorkerFactor (see README).
  int available_workers(int64_t now) const;
  // Workers running or runnable now (state R in /proc): at work, or woken and waiting for
  // a CPU. Fewer than the gate's base means the running ones are blocked (stuck).
  int runnable_workers() const;
  void relieve_starvation(int64_t now);
  // Opens or closes the door: the listen sockets in or out of the workers' set. Any thread.
  void set_listening(bool on);
  // True when fewer than accepting_children lower slots of this generation accept.
  bool first_in_line();
  // Logs (rate-limited) and counts the admission door closing or reopening.
  void note_admission(bool closed, int64_t now, int64_t open, int idle);
  // Writes the summaries that are due of the rate-limited limit warnings.
  void report_limits(int64_t now);
  void close_idle_keep_alive();
  // Frees the memory of connections idle for idle_release_ms (TLS record buffers).
  void release_idle_memory(int64_t now);
  // Under mu_: `c` leaves its wait's queue (a worker or the listener takes it) and the
  // idle-memory queue; true when it was in the latter (idle, its memory not yet released).
  bool unqueue(ConnEntry* c);
  int next_timeout_ms(int64_t now);
  TimeoutQueue* queue_for(ConnWait w);
  void count(ConnWait w, int delta);

  // A listen socket, its protocol, and the local address of its connections when it is
  // bound to one address (no getsockname per connection then).
  struct Port {
    int fd = -1;
    const ConnectionFactory* protocol = nullptr;
    sockaddr_storage local{};
    bool local_fixed = false;
  };
  std::vector<Port> ports_;
  ListenerSettings settings_;
  Epoll epoll_;       // wake_: the listener sleeps here between its rounds
  Epoll conn_epoll_;  // listen sockets, waiting connections, stop_workers_; workers wait here
  EventFd wake_;
  EventFd stop_workers_;
  EventFd expired_ready_;  // edge-triggered in conn_epoll_: expired_ has entries for a worker
  std::vector<ConnEntry*> expired_;  // guarded by mu_: waits that expired, for the workers
  std::mutex mu_;                    // guards the queues and the arming of connections
  TimeoutQueue keep_alive_q_;
  TimeoutQueue write_q_;
  TimeoutQueue linger_q_;
  TimeoutQueue read_head_q_;
  TimeoutQueue read_body_q_;
  TimeoutQueue park_q_;
  TimeoutQueue handshake_q_;
  TimeoutQueue idle_memory_q_;   // keep-alive connections with memory to free (not a wait)
  int released_since_trim_ = 0;  // listener thread: idle memory freed since the last trim
  int64_t last_trim_ms_ = 0;     // listener thread: the last malloc_trim
  Scoreboard& scoreboard_;
  int slot_;
  ProcessScore& counts_;
  ConnEntryPool pool_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> stop_now_{false};
  // Every queue, for scans.
  std::vector<TimeoutQueue*> all_queues() {
    return {&keep_alive_q_, &write_q_, &linger_q_,   &read_head_q_,
            &read_body_q_,  &park_q_,  &handshake_q_};
  }
  std::atomic<bool> drain_over_{false};  // graceful stop: idle keep-alive is closed from now on
  std::atomic<int> idle_workers_{0};     // workers in epoll_wait
  RunGate gate_;
  int64_t last_lend_ms_ = 0;
  std::atomic<int64_t> last_free_ms_{0};  // last time a worker finished a batch
  // Per worker: when it took its current batch (monotonic ms), 0 while it waits.
  struct alignas(64) BusySince {
    std::atomic<int64_t> ms{0};
    std::atomic<pid_t> tid{0};  // the worker's thread id, for its state in /proc
  };
  std::unique_ptr<BusySince[]> busy_since_;
  std::mutex listen_mu_;                // guards set_listening's epoll changes
  std::atomic<bool> listening_{false};  // the listen sockets are in the workers' set
  std::atomic<int64_t> accept_backoff_until_{0};
  // Limits reached are logged at warn, at most one line per kind per 10 s (README).
  LogRateLimiter accept_log_{10000};  // under listen_mu_ (workers accept)
  LogRateLimiter admission_log_{10000};
  LogRateLimiter starvation_log_{10000};
  std::atomic<int> last_accept_errno_{0};
  bool admission_closed_ = false;        // the door is closed by admission (not stop, not EMFILE)
  bool standby_ = false;                 // the door is closed: enough lower children accept
  bool admission_close_logged_ = false;  // so its reopening is logged too
  int64_t stop_deadline_ = 0;
  int64_t pending_since_ = 0;    // ready connections first seen untaken (starvation)
  int64_t planned_wake_ms_ = 0;  // guarded by mu_: when the loop will wake next
  std::vector<std::unique_ptr<Worker>> worker_state_;  // one per worker
  std::vector<std::thread> workers_;
};

}  // namespace tern
