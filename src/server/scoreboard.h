#pragma once
// The scoreboard: shared memory that every process writes its state into and
// that server-status reads. Sized from ServerLimit × ThreadLimit at start-up,
// mapped before the children are forked. Written with relaxed atomics (counters)
// and a per-worker sequence number (text fields); never locked.

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tern {

// httpd's scoreboard key for one worker thread.
enum class WorkerStatus : char {
  kOpen = '.',       // no thread in this slot
  kStarting = 'S',   // starting up
  kReady = '_',      // waiting for work
  kRead = 'R',       // reading a request
  kWrite = 'W',      // handling / sending a reply
  kKeepAlive = 'K',  // (unused by workers in tern: keep-alive is the listener's)
  kLogging = 'L',    // logging
  kGraceful = 'G',   // gracefully finishing
  kIdleKill = 'I',   // idle cleanup of worker
};

// One worker thread's slot.
struct WorkerScore {
  std::atomic<char> status{static_cast<char>(WorkerStatus::kOpen)};
  std::atomic<uint64_t> accesses{0};      // requests served by this slot (lifetime of the child)
  std::atomic<uint64_t> bytes{0};         // body bytes sent
  std::atomic<uint64_t> conn_count{0};    // requests on the current connection
  std::atomic<uint64_t> conn_bytes{0};    // bytes on the current connection
  std::atomic<int64_t> last_start_us{0};  // wall clock at the last request's start
  std::atomic<int64_t> last_duration_us{0};
  std::atomic<uint64_t> duration_total_us{0};  // sum of request durations
  std::atomic<uint64_t> cpu_ticks{0};          // user+system ticks of this thread (sampled)
  std::atomic<pid_t> tid{0};
  // Text fields (client, protocol, vhost, request, method; each NUL-terminated,
  // cut to its capacity), stored as relaxed 8-byte atomic words so that a
  // reader racing the writer is well-defined; `seq` (odd while being written)
  // tells the reader to retry a torn copy.
  static constexpr size_t kClientCap = 48, kProtocolCap = 16, kVhostCap = 64, kRequestCap = 128,
                          kMethodCap = 16;
  static constexpr size_t kTextBytes =
      kClientCap + kProtocolCap + kVhostCap + kRequestCap + kMethodCap;
  // Publishes this worker's state (relaxed: a plain store, where assigning the atomic would
  // be a locked exchange; readers only display it).
  void set_status(WorkerStatus s) { status.store(static_cast<char>(s), std::memory_order_relaxed); }
  std::atomic<uint32_t> seq{0};
  static_assert(kTextBytes % 8 == 0);
  std::atomic<uint64_t> text[kTextBytes / 8] = {};

  // Sets the text fields (writer: the owning thread only).
  void set_request(std::string_view client, std::string_view protocol, std::string_view vhost,
                   std::string_view request, std::string_view method);
  // Copies the text fields consistently (any thread); false if they kept changing.
  bool read_request(std::string& client, std::string& protocol, std::string& vhost,
                    std::string& request, std::string& method) const;
};

// Whether a process is stopping, as server-status shows it.
enum class Quiescing : uint8_t { kNo = 0, kYes = 1, kOldGeneration = 2 };

// One child process's slot.
struct ProcessScore {
  std::atomic<pid_t> pid{0};  // 0 = free slot
  std::atomic<uint32_t> generation{0};
  std::atomic<uint8_t> quiescing{0};  // Quiescing
  std::atomic<bool> not_accepting{false};
  // Connection counts by state (the listener's view).
  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> writing{0};  // write completion
  std::atomic<int64_t> keep_alive{0};
  std::atomic<int64_t> closing{0};  // lingering close
  std::atomic<int64_t> reading{0};  // read wait (tern only)
  std::atomic<int64_t> parked{0};   // waiting on a backend: a CGI pipe, an upstream (tern only)
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> starvation_closed{0};
  // accept() failures for want of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM).
  std::atomic<uint64_t> accept_errors{0};
  // Times the admission limit (AsyncRequestWorkerFactor) stopped this process accepting.
  std::atomic<uint64_t> admission_closed{0};
  std::atomic<int64_t> start_time_us{0};
};

// Server-wide values.
struct GlobalScore {
  std::atomic<int64_t> restart_time_us{0};
  std::atomic<uint32_t> generation{0};
  std::atomic<pid_t> parent_pid{0};
  // Set by the control process before it stops the whole server (not for a
  // restart): a stopping child then serves what waits in the listen backlog.
  std::atomic<bool> shutting_down{false};
  int server_limit = 0;
  int thread_limit = 0;
};

// The mapping. Create it before forking; children inherit it.
class Scoreboard {
 public:
  // Maps a scoreboard for `server_limit` processes of `thread_limit` workers: an
  // anonymous shared mapping, or `file` when not empty (ScoreBoardFile). Null and
  // `*error` on failure.
  static std::unique_ptr<Scoreboard> create(int server_limit, int thread_limit,
                                            const std::string& file, std::string* error);
  ~Scoreboard();
  Scoreboard(const Scoreboard&) = delete;
  Scoreboard& operator=(const Scoreboard&) = delete;

  // Server-wide values.
  GlobalScore& global() { return *global_; }
  const GlobalScore& global() const { return *global_; }
  // The slot of process `slot` (0 ≤ slot < server_limit).
  ProcessScore& process(int slot) { return processes_[slot]; }
  const ProcessScore& process(int slot) const { return processes_[slot]; }
  // The worker `thread` of process `slot`.
  WorkerScore& worker(int slot, int thread) {
    return workers_[static_cast<size_t>(slot) * global_->thread_limit + thread];
  }
  const WorkerScore& worker(int slot, int thread) const {
    return workers_[static_cast<size_t>(slot) * global_->thread_limit + thread];
  }
  // Resets a process slot and its workers for a new child.
  void reset_process(int slot);
  // ServerLimit and ThreadLimit it was sized for.
  int server_limit() const { return global_->server_limit; }
  int thread_limit() const { return global_->thread_limit; }

 private:
  Scoreboard() = default;
  void* base_ = nullptr;
  size_t size_ = 0;
  GlobalScore* global_ = nullptr;
  ProcessScore* processes_ = nullptr;
  WorkerScore* workers_ = nullptr;
};

}  // namespace tern
