#include "mpm/listener.h"

#include <malloc.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "log/error_log.h"
#include "mpm/admission.h"
#include "mpm/clock.h"
#include "mpm/thread_state.h"
#include "net/raw_io.h"
#include "net/socket.h"
#include "util/exclusive_add.h"

namespace tern {

namespace {
constexpr int kWorkerEvents = 16;
constexpr int kAcceptsPerEvent = 4;  // connections a worker takes per listen-socket event
constexpr int64_t kAdmissionRecheckMs = 10;
// A standing-by child looks this often whether a lower child stopped accepting.
constexpr int64_t kStandbyRecheckMs = 50;
// How connections sit in the workers' epoll set (see hand_back).
constexpr uint32_t kConnEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
constexpr int kAcceptBatch = 64;
constexpr int64_t kAcceptBackoffMs = 100;
constexpr int kStarvationClosePerPass = 16;
// What a worker's batch did with one event's connection: not taken (held elsewhere, or
// not a connection), taken from a queue, or taken with the buffers it kept while idle.
enum class Taken : uint8_t { kNo, kYes, kWithBuffers };

// Takes the first reads of the batch's idle keep-alive connections that begin their run
// with one (Connection::prefetch_fd) in one system call, and hands each its read.
void prefetch_reads(const epoll_event* events, const Taken* taken, int n, ReadPrefetch& prefetch) {
  static_assert(kWorkerEvents <= ReadPrefetch::kMaxReads);
  int fds[kWorkerEvents];
  Connection* conns[kWorkerEvents];
  int k = 0;
  for (int i = 0; i < n; ++i) {
    if (taken[i] == Taken::kNo) continue;  // taken: a connection this worker now holds
    auto* c = static_cast<ConnEntry*>(events[i].data.ptr);
    if (c->wait != ConnWait::kKeepAlive) continue;
    const int fd = c->c().prefetch_fd();
    if (fd < 0) continue;
    fds[k] = fd;
    conns[k++] = &c->c();
  }
  // One connection gains nothing: its own read is one system call too.
  if (k < 2 || !prefetch.fetch(fds, k)) return;
  for (int j = 0; j < k; ++j) conns[j]->give_prefetched(j);
}
// A listen socket's epoll tag: the small integer i + 1 (no entry lives at such an address).
void* listen_tag(size_t i) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(i + 1));
}
// The listen socket index of an epoll tag among `ports` sockets, or -1 for anything else.
ssize_t listen_index(const void* tag, size_t ports) {
  auto v = reinterpret_cast<uintptr_t>(tag);
  return v >= 1 && v <= ports ? static_cast<ssize_t>(v - 1) : -1;
}
// True when `fd` is bound to one address (not a wildcard): every connection it accepts
// has that local address, written to `*out`, and needs no getsockname.
bool fixed_local_address(int fd, sockaddr_storage* out) {
  socklen_t len = sizeof *out;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(out), &len) != 0) return false;
  if (out->ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(out)->sin_addr.s_addr != htonl(INADDR_ANY);
  }
  if (out->ss_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(out)->sin6_addr;
    return !IN6_IS_ADDR_UNSPECIFIED(&a);
  }
  return false;
}
}  // namespace

ConnEntry* ConnEntryPool::acquire(UniqueFd fd, const sockaddr* peer, const sockaddr* local,
                                  const ConnectionFactory& protocol) {
  ConnEntry* c;
  {
    std::lock_guard lk(mu_);
    if (free_.empty()) {
      c = &store_.emplace_back();
    } else {
      c = free_.back();
      free_.pop_back();
    }
  }
  protocol.make(c->conn, std::move(fd), peer, local);
  c->watched[0] = c->watched[1] = -1;
  c->paused_ms = 0;
  c->paused_wait = ConnWait::kClose;
  c->wait = ConnWait::kClose;  // waits for nothing yet: the first hand_back starts the head phase
  c->registered = false;
  c->nodelay = false;
  c->phase_start_ms = 0;
  c->progress_ms = 0;
  c->progress_mark = 0;
  c->phase_serial = 0;
  return c;
}

void ConnEntryPool::release(ConnEntry* c) {
  // Closes the socket (and whatever the connection holds: a task's pipes). Watched fds
  // leave the epoll set as they close; no epoll_ctl here, as their numbers may be reused.
  c->conn.reset();
  std::lock_guard lk(mu_);
  free_.push_back(c);
}

Listener::Listener(const std::vector<ListenPort>& ports, const ListenerSettings& settings,
                   Scoreboard& scoreboard, int slot)
    : settings_(settings),
      keep_alive_q_(settings.keep_alive_timeout_ms, true),
      write_q_(settings.timeout_ms, true),  // deadlines kept across wake-ups without progress
      linger_q_(settings.linger_short_ms, true),
      read_head_q_(0, true),
      read_body_q_(0, true),
      park_q_(0, true),
      handshake_q_(0, true),
      idle_memory_q_(settings.idle_release_ms),
      scoreboard_(scoreboard),
      slot_(slot),
      counts_(scoreboard.process(slot)),
      gate_(settings.running_workers > 0 ? settings.running_workers : usable_cpus(),
            settings.threads) {
  for (const ListenPort& p : ports) {
    Port port;
    port.fd = p.fd;
    port.protocol = p.protocol;
    port.local_fixed = fixed_local_address(p.fd, &port.local);
    ports_.push_back(port);
  }
  epoll_.add(wake_.fd(), EPOLLIN, nullptr);
  conn_epoll_.add(stop_workers_.fd(), EPOLLIN, nullptr);  // level-triggered: every worker sees it
  // Edge-triggered: each notify wakes one worker, which takes every expired entry.
  conn_epoll_.add(expired_ready_.fd(), EPOLLIN | EPOLLET, &expired_);
  for (int i = 0; i < settings_.threads; ++i) {
    auto w = std::make_unique<Worker>();
    w->listener = this;
    w->ctx.stopping = &stopping_;
    w->ctx.host = w.get();
    WorkerScore* score = i < scoreboard_.thread_limit() ? &scoreboard_.worker(slot_, i) : nullptr;
    w->ctx.score = score;
    if (score) score->set_status(WorkerStatus::kStarting);
    worker_state_.push_back(std::move(w));
  }
  standby_ = !first_in_line();
  set_listening(!standby_);
  last_free_ms_ = monotonic_ms();
  busy_since_ = std::make_unique<BusySince[]>(static_cast<size_t>(settings_.threads));
  for (int i = 0; i < settings_.threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

Listener::~Listener() {
  stop_workers_.notify();
  gate_.close();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
}

void Listener::stop(bool graceful) {
  if (!graceful) stop_now_.store(true);
  stop_requested_.store(true);
  wake_.notify();
}

TimeoutQueue* Listener::queue_for(ConnWait w) {
  switch (w) {
    case ConnWait::kKeepAlive:
      return &keep_alive_q_;
    case ConnWait::kReadHead:
      return &read_head_q_;
    case ConnWait::kReadBody:
      return &read_body_q_;
    case ConnWait::kWrite:
      return &write_q_;
    case ConnWait::kLinger:
      return &linger_q_;
    case ConnWait::kPark:
      return &park_q_;
    case ConnWait::kHandshake:
      return &handshake_q_;
    case ConnWait::kClose:
      break;
  }
  return nullptr;
}

void Listener::count(ConnWait w, int delta) {
  // Every caller holds mu_: the counts have one writer at a time.
  switch (w) {
    case ConnWait::kKeepAlive:
      exclusive_add(counts_.keep_alive, delta);
      break;
    case ConnWait::kReadHead:
    case ConnWait::kReadBody:
    case ConnWait::kHandshake:  // server-status counts a handshake as reading, as httpd does
      exclusive_add(counts_.reading, delta);
      break;
    case ConnWait::kWrite:
      exclusive_add(counts_.writing, delta);
      break;
    case ConnWait::kLinger:
      exclusive_add(counts_.closing, delta);
      break;
    case ConnWait::kPark:
      exclusive_add(counts_.parked, delta);
      break;
    case ConnWait::kClose:
      break;
  }
}

void Listener::set_listening(bool on) {
  std::lock_guard lk(listen_mu_);
  counts_.not_accepting.store(!on);  // also at start: a fresh slot says "accepting"
  if (on == listening_.load()) return;
  for (size_t i = 0; i < ports_.size(); ++i) {
    if (on) {
      // Level-triggered in the workers' set: a worker takes one connection per event
      // (nginx's model), and a backlog that remains is reported again. Every child has
      // the shared listen sockets in its own set; EPOLLEXCLUSIVE wakes one of them per
      // new connection, not all (thundering herd).
      uint32_t ev = EPOLLIN | (settings_.exclusive_accept ? EPOLLEXCLUSIVE : 0u);
      conn_epoll_.add(ports_[i].fd, ev, listen_tag(i));
    } else {
      conn_epoll_.remove(ports_[i].fd);
    }
  }
  listening_.store(on);
}

void Listener::close_entry(ConnEntry* c) {
  pool_.release(c);
  counts_.connections--;
}

void Listener::worker_loop(int index) {
  Worker& w = *worker_state_[static_cast<size_t>(index)];
  WorkerScore* score = w.ctx.score;
  if (score) score->tid.store(::gettid(), std::memory_order_relaxed);  // per-thread CPU
  busy_since_[static_cast<size_t>(index)].tid.store(::gettid(), std::memory_order_relaxed);
  std::atomic<int64_t>& busy_since = busy_since_[static_cast<size_t>(index)].ms;
  epoll_event events[kWorkerEvents];
  if (score) score->set_status(WorkerStatus::kReady);
  if (!gate_.enter()) return;
  for (;;) {
    if (score) score->set_status(WorkerStatus::kReady);
    busy_since.store(0, std::memory_order_relaxed);
    if (!gate_.yield_if_over()) return;
    idle_workers_++;
    int n = conn_epoll_.wait(events, kWorkerEvents, -1);
    busy_since.store(coarse_monotonic_ms(), std::memory_order_relaxed);
    idle_workers_--;
    // The batch's connections leave their queues under one lock, not one lock each (and
    // a batch of only new connections or expiries takes none): from here they are this
    // worker's (their events only mark missed_event), as they would be one at a time. A
    // stop event ends the batch: what follows it stays queued, and the listener closes it.
    Taken taken[kWorkerEvents] = {};  // kNo
    {
      std::unique_lock lk(mu_, std::defer_lock);
      for (int i = 0; i < n; ++i) {
        void* tag = events[i].data.ptr;
        if (tag == nullptr) break;  // stop_workers_
        if (tag == &expired_ || listen_index(tag, ports_.size()) >= 0) continue;
        if (!lk.owns_lock()) lk.lock();
        auto* c = static_cast<ConnEntry*>(tag);
        if (!c->queue) {
          // Held by another thread, earlier in this batch (a watched fd's event beside
          // the socket's), or closed: edge-triggered, this event will not come again,
          // so the holder re-checks readiness when it hands back.
          c->missed_event = true;
          continue;
        }
        taken[i] = unqueue(c) ? Taken::kWithBuffers : Taken::kYes;
      }
    }
    prefetch_reads(events, taken, n, w.ctx.prefetch);
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == nullptr) return;  // stop_workers_
      if (tag == &expired_) {
        serve_expired(w);
        continue;
      }
      if (ssize_t port = listen_index(tag, ports_.size()); port >= 0) {
        accept_and_serve(static_cast<size_t>(port), w);
        continue;
      }
      if (taken[i] == Taken::kNo) continue;
      auto* c = static_cast<ConnEntry*>(tag);
      // Back within idle_release_ms of its last request: the connection keeps its buffers.
      if (taken[i] == Taken::kWithBuffers) c->c().keep_idle_memory();
      serve(c, w);
    }
    last_free_ms_.store(coarse_monotonic_ms(), std::memory_order_relaxed);
  }
}

void Listener::serve(ConnEntry* c, Worker& w) {
  if (c->wait == ConnWait::kLinger) {
    if (c->c().drain_linger()) {
      close_entry(c);
    } else {
      hand_back(c, ConnWait::kLinger, &w);
    }
    return;
  }
  if (w.ctx.score) {
    w.ctx.score->set_status(stopping_.load() ? WorkerStatus::kGraceful : WorkerStatus::kWrite);
  }
  w.current = c;
  ConnWait next = c->c().run(w.ctx);
  w.current = nullptr;
  hand_back(c, next, &w);
}

void Listener::serve_expired(Worker& w) {
  expired_ready_.drain();
  std::vector<ConnEntry*> batch;
  {
    std::lock_guard lk(mu_);
    batch.swap(expired_);
  }
  for (ConnEntry* c : batch) {
    if (w.ctx.score) w.ctx.score->set_status(WorkerStatus::kWrite);
    // The protocol answers (HTTP's 408) and logs here, on a worker, never on the listener.
    w.current = c;
    ConnWait next = c->c().on_timeout(w.ctx, c->wait);
    w.current = nullptr;
    hand_back(c, next, &w);
  }
}

bool Listener::watch(ConnEntry* c, int fd) {
  for (int& slot : c->watched) {
    if (slot >= 0) continue;
    // Under mu_: hand_back reads the table when it re-arms after a missed event.
    std::lock_guard lk(mu_);
    if (conn_epoll_.add(fd, kConnEvents, c) != 0) return false;
    slot = fd;
    return true;
  }
  return false;
}

void Listener::unwatch(ConnEntry* c, int fd) {
  for (int& slot : c->watched) {
    if (slot != fd) continue;
    std::lock_guard lk(mu_);
    conn_epoll_.remove(fd);
    slot = -1;
  }
}

bool Listener::unqueue(ConnEntry* c) {
  if (c->queue) c->queue->remove(c);
  const bool idle_memory = c->idle_memory.queue != nullptr;
  if (idle_memory) idle_memory_q_.remove(&c->idle_memory);
  count(c->wait, -1);
  return idle_memory;
}

void Listener::hand_back(ConnEntry* c, ConnWait next, Worker* w) {
  // Idle: per-worker buffers go back now. What the connection can make again (TLS record
  // buffers) is freed by the listener once the connection has been idle idle_release_ms:
  // a client that sends its next request sooner (a page's next resource, a load test)
  // does not pay a free and a fresh allocation per request. A wait within a request (a
  // slow client's head or body, a handshake, a parked task) frees them at once, so slow
  // clients hold none; a write wait keeps them (OpenSSL holds the unsent record).
  const bool idle = next == ConnWait::kKeepAlive && w;
  if (idle) c->c().release_buffers(w->ctx);
  const bool holds =
      w && next != ConnWait::kClose && next != ConnWait::kWrite && c->c().has_idle_memory();
  const bool release_later = holds && idle && settings_.idle_release_ms > 0;
  if (holds && !release_later) c->c().release_idle_memory();
  // While a graceful stop drains, a response that was already sent with
  // keep-alive leaves the connection open: its client may be sending the next
  // request right now, which will be answered with `Connection: close`.
  if (next == ConnWait::kClose || stop_now_.load() ||
      (next == ConnWait::kKeepAlive && drain_over_.load())) {
    close_entry(c);
    return;
  }
  if (!c->nodelay && next != ConnWait::kLinger) {
    // Nagle would hold the tail of a response while earlier segments are unacknowledged;
    // a connection closed after one response never needs the flag (close flushes), so
    // it is set on the first hand-back that keeps the connection open, as nginx does.
    // Setting it also pushes out a tail that Nagle holds at this moment.
    set_tcp_nodelay(c->c().fd());
    c->nodelay = true;
  }
  const int64_t now = monotonic_ms();
  int64_t deadline = deadline_for(c, next, now);
  bool wake = false;
  bool failed = false;
  {
    std::lock_guard lk(mu_);
    c->wait = next;
    queue_for(next)->insert(c, deadline);
    count(next, +1);
    if (release_later) idle_memory_q_.push(&c->idle_memory, now);
    int fd = c->c().fd();
    // Registered once, edge-triggered for both directions: a hand-back costs no
    // epoll_ctl (it did with EPOLLONESHOT, one per request). Only when an event
    // arrived while the connection was held does a modify re-evaluate readiness.
    int err = 0;
    if (!c->registered) {
      err = conn_epoll_.add(fd, kConnEvents, c);
    } else if (c->missed_event) {
      // The event may have been on a watched fd: re-evaluate every fd of the connection.
      err = conn_epoll_.modify(fd, kConnEvents, c);
      for (int extra : c->watched) {
        if (extra >= 0) conn_epoll_.modify(extra, kConnEvents, c);
      }
    }
    c->missed_event = false;
    if (err != 0) {
      unqueue(c);
      failed = true;
    } else {
      c->registered = true;
    }
    wake = deadline < planned_wake_ms_;
  }
  if (failed) close_entry(c);
  if (wake) wake_.notify();
}

int64_t Listener::deadline_for(ConnEntry* c, ConnWait next, int64_t now) {
  const Connection& h = c->c();
  // Progress is what the wait is about: bytes of this read phase, bytes written, or the
  // parked work's own counter.
  const uint64_t mark = next == ConnWait::kWrite  ? h.bytes_written()
                        : next == ConnWait::kPark ? h.park_progress()
                                                  : h.phase_bytes();
  const bool reading = next == ConnWait::kReadHead || next == ConnWait::kReadBody;
  const bool was_reading = c->wait == ConnWait::kReadHead || c->wait == ConnWait::kReadBody;
  if (reading && c->paused_wait == next && c->phase_serial == h.phase_serial()) {
    // Back to a read phase that was left while tern itself did not read (a handler not
    // ready for more body, output to write first): that time does not count against
    // RequestReadTimeout.
    c->phase_start_ms = c->paused_start_ms + (now - c->paused_ms);
    c->wait = next;
    c->progress_ms = now;
    c->progress_mark = mark;
    c->paused_wait = ConnWait::kClose;
  } else if (was_reading && (next == ConnWait::kPark || next == ConnWait::kWrite) &&
             c->phase_serial == h.phase_serial()) {
    c->paused_wait = c->wait;
    c->paused_start_ms = c->phase_start_ms;
    c->paused_ms = now;
  } else if (next != ConnWait::kPark && next != ConnWait::kWrite) {
    c->paused_wait = ConnWait::kClose;
  }
  // A new phase: another kind of wait, or the same kind after a request went by
  // (keep-alive after keep-alive, the next pipelined head).
  if (next != c->wait || h.phase_serial() != c->phase_serial) {
    c->phase_start_ms = now;
    c->progress_ms = now;
    c->progress_mark = mark;
    c->phase_serial = h.phase_serial();
  } else if (mark != c->progress_mark) {
    c->progress_ms = now;
    c->progress_mark = mark;
  }
  // A wake-up that moved nothing (an EPOLLOUT edge while reading, bytes from the
  // client while its response waits for EPOLLOUT) leaves every deadline where it was.
  switch (next) {
    case ConnWait::kReadHead:
    case ConnWait::kReadBody: {
      // mod_reqtimeout: the phase's initial timeout, one second more per MinRate
      // bytes received in it, never beyond its maximum.
      const ReadTimeoutRule& r = next == ConnWait::kReadHead ? settings_.header : settings_.body;
      std::optional<int64_t> d = read_deadline_ms(r, c->phase_start_ms, h.phase_bytes());
      // Disabled (`header=0`): each read may wait Timeout, as httpd's socket timeout.
      return d ? *d : c->progress_ms + settings_.timeout_ms;
    }
    case ConnWait::kHandshake: {
      // mod_reqtimeout's handshake= rule over the bytes the handshake took from the socket.
      std::optional<int64_t> d =
          read_deadline_ms(settings_.handshake, c->phase_start_ms, h.phase_bytes());
      return d ? *d : c->progress_ms + settings_.timeout_ms;
    }
    case ConnWait::kLinger:
      return std::min(now + settings_.linger_short_ms, c->phase_start_ms + settings_.linger_max_ms);
    case ConnWait::kKeepAlive:
      return c->phase_start_ms + settings_.keep_alive_timeout_ms;
    case ConnWait::kWrite:
      // httpd's Timeout for a send: closed when no byte went out for that long.
      return c->progress_ms + settings_.timeout_ms;
    case ConnWait::kPark:
      // The parked work's own timeout (CGIScriptTimeout, ProxyTimeout), from its last progress.
      return c->progress_ms + h.park_timeout_ms();
    case ConnWait::kClose:
      break;
  }
  return now + settings_.timeout_ms;
}

ConnEntry* Listener::accept_one(size_t port, bool door_open_only) {
  if (door_open_only && !listening_.load(std::memory_order_relaxed)) return nullptr;
  const Port& p = ports_[port];
  sockaddr_storage peer{};
  int fd;
  for (;;) {
    socklen_t len = sizeof peer;
    fd = raw_io::accept4(p.fd, reinterpret_cast<sockaddr*>(&peer), &len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0 || (errno != EINTR && errno != ECONNABORTED)) break;
  }
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      // Out of descriptors or memory: the client stays in the backlog and the door
      // closes for a moment (level-triggered, it would spin otherwise); the listener
      // reopens it.
      int err = errno;
      int64_t now = monotonic_ms();
      accept_backoff_until_.store(now + kAcceptBackoffMs);
      set_listening(false);
      counts_.accept_errors++;
      last_accept_errno_.store(err);
      bool log;
      {
        std::lock_guard lk(listen_mu_);
        log = accept_log_.event(now);
      }
      if (log) {
        ErrorLog::printf(LogLevel::kWarn, "mpm_event",
                         "accept4() failed (%d: %s), not accepting new connections for %lld ms",
                         err, std::strerror(err), static_cast<long long>(kAcceptBackoffMs));
      }
      wake_.notify();
    }
    return nullptr;  // EAGAIN: another thread or child took it
  }
  UniqueFd owned(fd);
  sockaddr_storage local = p.local;
  if (!p.local_fixed) {
    // A wildcard listen address: the connection's own local address is asked for.
    socklen_t llen = sizeof local;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen);
  }
  ConnEntry* c = pool_.acquire(std::move(owned), reinterpret_cast<sockaddr*>(&peer),
                               reinterpret_cast<sockaddr*>(&local), *p.protocol);
  counts_.connections++;
  uint64_t accepted = ++counts_.accepted;
  // The first phase (head read, or a TLS handshake) starts at the accept (no queue holds
  // it yet).
  c->wait = c->c().first_wait();
  c->phase_start_ms = monotonic_ms();
  c->progress_ms = c->phase_start_ms;
  c->phase_serial = c->c().phase_serial();
  if (settings_.max_connections > 0 && accepted >= settings_.max_connections) {
    stop_requested_.store(true);  // MaxConnectionsPerChild: recycle gracefully
    set_listening(false);
    wake_.notify();
  }
  return c;
}

void Listener::accept_and_serve(size_t port, Worker& w) {
  // A few connections per event: when clients arrive faster than they are served, the
  // next one is already in the backlog, and taking it now saves an epoll_wait per
  // connection (0.99 → 0.26 on the `Connection: close` row, with 2.5 % of accept4
  // calls finding the backlog empty). The bound keeps the batch's other events prompt.
  for (int i = 0; i < kAcceptsPerEvent; ++i) {
    ConnEntry* c = accept_one(port, true);  // the door may have closed meanwhile
    if (!c) return;
    check_admission(c->phase_start_ms);
    // The request is usually there already: this thread reads and answers it now, with
    // no hand-off to another thread; if not, the hand-back registers the connection.
    serve(c, w);
  }
}

void Listener::check_admission(int64_t now) {
  int64_t not_closing = counts_.connections.load() - counts_.closing.load();
  // Below the bound with no idle worker, the idle workers need not be counted.
  if (admission_allows(not_closing, settings_.threads, settings_.async_factor, 0)) return;
  if (!admission_allows(not_closing, settings_.threads, settings_.async_factor,
                        available_workers(now))) {
    set_listening(false);  // the listener logs it and reopens the door when it may
    wake_.notify();
  }
}

int Listener::accept_batch(size_t port) {
  int i = 0;
  for (; i < kAcceptBatch; ++i) {
    ConnEntry* c = accept_one(port, false);
    if (!c) break;
    // A worker picks it up as soon as its first bytes are readable.
    hand_back(c, c->wait, nullptr);
  }
  return i;
}

void Listener::drain_backlog_and_close_door() {
  // A client whose handshake completed is already waiting for us; dropping it
  // would lose a request the server accepted at the TCP level. The bound keeps a
  // flood from holding the stop.
  constexpr int kMaxDrainBatches = 64;
  // The door is closed (workers accept no more); this thread takes what waits.
  for (size_t i = 0; i < ports_.size(); ++i) {
    const int lfd = ports_[i].fd;
    for (int b = 0; b < kMaxDrainBatches && accept_batch(i) == kAcceptBatch; ++b) {
    }
    // shutdown() of a listening socket stops it listening in every process that
    // shares it, so new clients get a refusal instead of a backlog nobody serves.
    ::shutdown(lfd, SHUT_RDWR);
  }
}

void Listener::expire(int64_t now) {
  std::vector<ConnEntry*> idle;
  bool for_workers = false;
  {
    std::lock_guard lk(mu_);
    for (TimeoutQueue* q : all_queues()) {
      while (TimeoutLink* l = q->pop_expired(now)) {
        auto* c = static_cast<ConnEntry*>(l);
        unqueue(c);
        if (c->wait == ConnWait::kKeepAlive || c->wait == ConnWait::kLinger ||
            c->wait == ConnWait::kHandshake) {
          idle.push_back(c);  // nothing to say to the client: closed here
        } else {
          // Protocol work (a 408, a task's abort and its 504, the log): a worker does it.
          // Held (in no queue), so its events only mark missed_event meanwhile.
          expired_.push_back(c);
          for_workers = true;
        }
      }
    }
  }
  for (ConnEntry* c : idle) close_entry(c);
  if (for_workers) expired_ready_.notify();
}

void Listener::update_admission(int64_t now) {
  report_limits(now);
  if (stop_requested_.load()) {
    set_listening(false);
    return;
  }
  if (accept_backoff_until_ > now) return;
  int64_t not_closing = counts_.connections.load() - counts_.closing.load();
  int idle = available_workers(now);
  bool allow = admission_allows(not_closing, settings_.threads, settings_.async_factor, idle);
  if (allow == admission_closed_) note_admission(!allow, now, not_closing, idle);
  // Children beyond one per CPU stand by while the first ones accept: on a busy CPU
  // each extra accepting child would be woken for new connections (EPOLLEXCLUSIVE
  // prefers a sleeping child) and the CPU would switch between processes.
  const bool standby = allow && !first_in_line();
  if (standby != standby_) {
    ErrorLog::printf(LogLevel::kDebug, "mpm_event",
                     standby ? "standing by: %d lower children of this generation accept"
                             : "accepting: fewer than %d lower children of this generation accept",
                     settings_.accepting_children);
  }
  standby_ = standby;
  set_listening(allow && !standby_);
}

bool Listener::first_in_line() {
  if (settings_.accepting_children <= 0) return true;
  const uint32_t generation = counts_.generation.load();
  int open = 0;
  for (int s = 0; s < slot_; ++s) {
    const ProcessScore& p = scoreboard_.process(s);
    if (p.pid.load() != 0 && p.generation.load() == generation && !p.not_accepting.load()) ++open;
  }
  return open < settings_.accepting_children;
}

void Listener::note_admission(bool closed, int64_t now, int64_t open, int idle) {
  admission_closed_ = closed;
  if (!closed) {
    if (admission_close_logged_) {
      ErrorLog::printf(LogLevel::kWarn, "mpm_event",
                       "Accepting new connections again: %lld active conns (%lld lingering), "
                       "%d idle workers",
                       static_cast<long long>(counts_.connections.load()),
                       static_cast<long long>(counts_.closing.load()), idle);
      admission_close_logged_ = false;
    }
    return;
  }
  counts_.admission_closed++;
  admission_close_logged_ = admission_log_.event(now);
  if (admission_close_logged_) {
    ErrorLog::printf(LogLevel::kWarn, "mpm_event",
                     "Too many open connections (%lld of ThreadsPerChild %d + "
                     "AsyncRequestWorkerFactor %g x %d idle workers), not accepting new conns "
                     "in this process",
                     static_cast<long long>(open), settings_.threads, settings_.async_factor, idle);
  }
}

void Listener::report_limits(int64_t now) {
  constexpr const char* kMod = "mpm_event";
  LogRateLimiter::Summary s;
  {
    std::lock_guard lk(listen_mu_);  // workers note accept failures too
    s = accept_log_.take_summary(now);
  }
  if (s.count > 0) {
    ErrorLog::printf(LogLevel::kWarn, kMod,
                     "accept4() failed %llu more times in the last %lld seconds (last: %d: %s)",
                     static_cast<unsigned long long>(s.count),
                     static_cast<long long>(s.since_ms / 1000), last_accept_errno_.load(),
                     std::strerror(last_accept_errno_.load()));
  }
  s = admission_log_.take_summary(now);
  if (s.count > 0) {
    ErrorLog::printf(LogLevel::kWarn, kMod,
                     "Too many open connections: stopped accepting new conns %llu more times in "
                     "the last %lld seconds (AsyncRequestWorkerFactor), now %s",
                     static_cast<unsigned long long>(s.count),
                     static_cast<long long>(s.since_ms / 1000),
                     admission_closed_ ? "not accepting" : "accepting");
  }
  s = starvation_log_.take_summary(now);
  if (s.count > 0) {
    ErrorLog::printf(LogLevel::kWarn, kMod,
                     "All workers busy: closed %llu more keep-alive connections early in the "
                     "last %lld seconds",
                     static_cast<unsigned long long>(s.count),
                     static_cast<long long>(s.since_ms / 1000));
  }
}

int Listener::available_workers(int64_t now) const {
  // A worker on a batch is "busy for an instant" on a saturated CPU, which is
  // no reason to leave clients in the backlog; one that has been on the same
  // batch for starvation_ms is stuck and cannot take more.
  int n = 0;
  for (int i = 0; i < settings_.threads; ++i) {
    int64_t since = busy_since_[static_cast<size_t>(i)].ms.load(std::memory_order_relaxed);
    if (since == 0 || now - since < settings_.starvation_ms) ++n;
  }
  return n;
}

int Listener::runnable_workers() const {
  int n = 0;
  for (int i = 0; i < settings_.threads; ++i) {
    const pid_t tid = busy_since_[static_cast<size_t>(i)].tid.load(std::memory_order_relaxed);
    if (tid != 0 && thread_state(tid) == 'R') ++n;
  }
  return n;
}

void Listener::relieve_starvation(int64_t now) {
  // Ready connections that no worker has taken (the connection set is readable).
  pollfd p{-1, POLLIN, 0};
  // Epoll's own descriptor is pollable: readable while its ready list is non-empty.
  p.fd = conn_epoll_.fd();
  bool pending = ::poll(&p, 1, 0) > 0 && !stop_requested_.load();
  if (!pending) {
    pending_since_ = 0;
    // Lent slots go back (halving, once a second) when nothing waits.
    if (gate_.limit() > gate_.base() && now - last_lend_ms_ >= 1000) {
      gate_.reclaim();
      last_lend_ms_ = now;
    }
    return;
  }
  if (pending_since_ == 0) pending_since_ = now;
  int64_t waited = std::min(now - pending_since_, now - last_free_ms_.load());
  // First let more workers run: the running ones are stuck (a blocking read). Workers that
  // are running or runnable are not stuck but waiting for a CPU they share with the
  // kernel's packet work and other processes (a burst of new connections): more workers
  // would only time-slice with them, each holding its connections a scheduler round (p99
  // 4-28 ms instead of 1 ms on one CPU, and up to a quarter of the throughput lost). So
  // slots are lent while fewer workers are runnable than the gate's base (the CPUs), as an
  // I/O completion port releases a thread when a running one blocks; a CPU-bound batch
  // gets starvation_ms before more workers run beside it.
  if (gate_.limit() < gate_.max()) {
    if (waited >= settings_.lend_ms &&
        (waited >= settings_.starvation_ms || runnable_workers() < gate_.base())) {
      ErrorLog::printf(LogLevel::kDebug, "mpm_event",
                       "ready work waited %lld ms with no batch done: %d workers may run",
                       static_cast<long long>(waited), std::min(gate_.limit() * 2, gate_.max()));
      gate_.lend(gate_.limit());  // doubles: a long stall is covered in a few passes
      last_lend_ms_ = now;
      pending_since_ = now;
    }
    return;
  }
  // Every worker runs and none frees up: close keep-alive connections.
  if (waited < settings_.starvation_ms) return;
  std::vector<ConnEntry*> victims;
  {
    std::lock_guard lk(mu_);
    for (int i = 0; i < kStarvationClosePerPass; ++i) {
      TimeoutLink* l = keep_alive_q_.front();
      if (!l) break;
      unqueue(static_cast<ConnEntry*>(l));
      victims.push_back(static_cast<ConnEntry*>(l));
    }
  }
  for (ConnEntry* c : victims) {
    counts_.starvation_closed++;
    close_entry(c);
  }
  if (!victims.empty() && starvation_log_.event(now, victims.size())) {
    ErrorLog::printf(LogLevel::kWarn, "mpm_event",
                     "All workers busy for %lld ms: closed %zu keep-alive connections early",
                     static_cast<long long>(waited), victims.size());
  }
}

void Listener::close_idle_keep_alive() {
  std::vector<ConnEntry*> idle;
  {
    std::lock_guard lk(mu_);
    while (TimeoutLink* l = keep_alive_q_.front()) {
      unqueue(static_cast<ConnEntry*>(l));
      idle.push_back(static_cast<ConnEntry*>(l));
    }
  }
  for (ConnEntry* c : idle) close_entry(c);
}

namespace {
// Connections whose memory one pass of release_idle_memory frees before it trims the heap.
constexpr int kTrimAfterReleases = 16;
}  // namespace

void Listener::release_idle_memory(int64_t now) {
  // Under mu_, so no worker takes a connection while its memory is freed; in short batches,
  // so workers waiting for the lock (to take or hand back a connection) are not held long.
  constexpr int kBatch = 32;
  int released = 0;
  for (bool more = true; more;) {
    std::lock_guard lk(mu_);
    more = false;
    for (int i = 0; i < kBatch; ++i) {
      TimeoutLink* l = idle_memory_q_.pop_expired(now);
      if (!l) break;
      static_cast<IdleMemoryLink*>(l)->owner->c().release_idle_memory();
      ++released;
      more = i == kBatch - 1;
    }
  }
  // Connections that went idle together (a burst of clients, each done after a page) free
  // their buffers together, and malloc keeps what it freed: the free pages go back to the
  // kernel, or the memory of a burst would stay with the process (about 10 KB more per idle
  // TLS connection, bench/hold_idle.py). Once a burst's releases are done (none pending),
  // or at most once a second while they go on; not for a few, whose memory is reused.
  released_since_trim_ += released;
  if (released_since_trim_ >= kTrimAfterReleases &&
      (idle_memory_q_.size() == 0 || now - last_trim_ms_ >= 1000)) {
    ::malloc_trim(0);
    released_since_trim_ = 0;
    last_trim_ms_ = now;
  }
}

int Listener::next_timeout_ms(int64_t now) {
  int64_t wake = now + 1000;
  std::lock_guard lk(mu_);
  for (TimeoutQueue* q : all_queues()) {
    if (TimeoutLink* l = q->front()) wake = std::min(wake, l->deadline_ms);
  }
  if (TimeoutLink* l = idle_memory_q_.front()) wake = std::min(wake, l->deadline_ms);
  if (int64_t b = accept_backoff_until_.load(); b > now) wake = std::min(wake, b);
  if (pending_since_ != 0) wake = std::min(wake, now + settings_.lend_ms);
  // A running worker is on a batch: look again soon, in case it is stuck.
  if (idle_workers_.load() < gate_.running()) wake = std::min(wake, now + settings_.lend_ms);
  if (gate_.limit() > gate_.base()) wake = std::min(wake, now + 1000);
  // A door closed by admission is re-checked soon: workers do not report
  // becoming free, and clients wait in the backlog meanwhile.
  if (!listening_.load() && !stop_requested_.load()) {
    wake = std::min(wake, now + (standby_ ? kStandbyRecheckMs : kAdmissionRecheckMs));
  }
  planned_wake_ms_ = wake;
  return static_cast<int>(std::max<int64_t>(0, wake - now));
}

void Listener::run() {
  epoll_event events[1];  // only wake_ is in this set
  bool stop_started = false;
  int64_t drain_until = 0;
  for (;;) {
    int64_t now = monotonic_ms();
    if (stop_requested_.load() && !stop_started) {
      stop_started = true;
      stopping_.store(true);
      set_listening(false);
      if (scoreboard_.global().shutting_down.load()) drain_backlog_and_close_door();
      uint8_t none = static_cast<uint8_t>(Quiescing::kNo);
      counts_.quiescing.compare_exchange_strong(none, static_cast<uint8_t>(Quiescing::kYes));
      stop_deadline_ = settings_.graceful_timeout_ms > 0 ? now + settings_.graceful_timeout_ms : 0;
      // Idle keep-alive connections are not closed at once: a client may send its
      // next request at the instant we close, and that request would fail (a
      // graceful restart would then cost errors). Requests arriving during the
      // drain are answered with `Connection: close`; what stays idle is closed
      // after min(KeepAliveTimeout, keep_alive_drain_ms, GracefulShutdownTimeout).
      int64_t drain = std::min(settings_.keep_alive_timeout_ms, settings_.keep_alive_drain_ms);
      if (settings_.graceful_timeout_ms > 0) drain = std::min(drain, settings_.graceful_timeout_ms);
      drain_until = now + std::max<int64_t>(drain, 0);
    }
    if (stop_started) {
      if (!drain_over_.load() && now >= drain_until) drain_over_.store(true);
      if (drain_over_.load()) close_idle_keep_alive();
      bool deadline_passed = stop_deadline_ > 0 && now >= stop_deadline_;
      if (counts_.connections.load() == 0 || stop_now_.load() || deadline_passed) break;
    }
    // Only wake_ is here: workers accept; this thread keeps time and the door.
    if (epoll_.wait(events, 1, stop_started ? 50 : next_timeout_ms(now)) > 0) {
      wake_.drain();
    }
    now = monotonic_ms();
    expire(now);
    release_idle_memory(now);
    relieve_starvation(now);
    update_admission(now);
  }
  // Workers stop after their current batch; whatever still waits is closed.
  stop_now_.store(true);
  stop_workers_.notify();
  gate_.close();
  for (auto& t : workers_) t.join();
  workers_.clear();
  std::lock_guard lk(mu_);
  for (TimeoutQueue* q : all_queues()) {
    while (TimeoutLink* l = q->front()) {
      auto* c = static_cast<ConnEntry*>(l);
      unqueue(c);
      pool_.release(c);
      counts_.connections--;
    }
  }
  for (ConnEntry* c : expired_) {
    pool_.release(c);
    counts_.connections--;
  }
  expired_.clear();
}

}  // namespace tern
