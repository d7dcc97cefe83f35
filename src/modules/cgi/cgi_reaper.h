#pragma once
// Ends CGI processes without ever blocking a worker and without leaving zombies: one
// small thread per server process waits (epoll) on the pidfds of the scripts handed to
// it, signals them, and reaps them with waitid(P_PIDFD). A pidfd pins the process, so a
// signal can never reach a recycled pid; while the leader is unreaped its pid also pins
// its process group, so group signals are safe too.

#include <sys/types.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "net/unique_fd.h"

namespace tern {

// The reaper of this process's CGI scripts.
class ProcessReaper {
 public:
  // How a script is given up.
  enum class End : uint8_t {
    kFinished,  // its output is complete: SIGTERM to it if still running (as httpd's
                // cleanup), SIGKILL to its group after the grace period
    kAbort,     // client gone, timeout, error: SIGTERM to its whole group now, SIGKILL to
                // the group after the grace period or as soon as the leader exits
  };
  // httpd's kill_after_timeout (apr) and mod_cgid's cleanup: 3 seconds.
  static constexpr int64_t kGraceMs = 3000;

  // The process-wide reaper (its thread starts on first use).
  static ProcessReaper& instance();
  // Starts the thread.
  ProcessReaper();
  // Kills (SIGKILL to the group) and reaps every process still pending, joins the thread.
  ~ProcessReaper();
  ProcessReaper(const ProcessReaper&) = delete;
  ProcessReaper& operator=(const ProcessReaper&) = delete;

  // Takes over child `pid` (its own process group leader) and its pidfd; never blocks.
  void adopt(pid_t pid, UniqueFd pidfd, End end);
  // How many adopted processes are not reaped yet.
  size_t pending() const;
  // Waits until pending() is 0 or `timeout_ms` passes; true when 0 (tests, shutdown).
  bool wait_idle(int64_t timeout_ms) const;

 private:
  struct Entry {
    pid_t pid = -1;
    UniqueFd pidfd;
    End end = End::kFinished;
    int64_t kill_at_ms = 0;  // SIGKILL to the group then; 0 when sent
  };
  void run();
  void reap(int fd);
  void take_new();

  UniqueFd epoll_;
  UniqueFd wake_;  // eventfd
  mutable std::mutex mu_;
  mutable std::condition_variable idle_cv_;
  std::vector<Entry> incoming_;  // under mu_
  size_t pending_ = 0;           // under mu_
  bool stop_ = false;            // under mu_
  std::map<int, Entry> live_;    // by pidfd; reaper thread only
  std::thread thread_;
};

}  // namespace tern
