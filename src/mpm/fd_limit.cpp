#include "mpm/fd_limit.h"

#include <sys/resource.h>

#include "log/error_log.h"
#include "mpm/admission.h"

namespace tern {

namespace {
// Listen sockets, logs, epoll sets, eventfds, the scoreboard and the like.
constexpr uint64_t kProcessReserve = 64;
}  // namespace

FdLimit raise_fd_limit() {
  FdLimit r;
  rlimit nofile{};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) != 0) return r;
  r.ok = true;
  r.before = nofile.rlim_cur;
  r.hard = nofile.rlim_max;
  if (nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &nofile) != 0) ::getrlimit(RLIMIT_NOFILE, &nofile);
  }
  r.soft = nofile.rlim_cur;
  return r;
}

uint64_t fds_needed_per_process(const Config& c) {
  const int threads = c.threads_per_child;
  const int64_t conns = admission_limit(threads, c.async_request_worker_factor, threads);
  return static_cast<uint64_t>(conns) + static_cast<uint64_t>(threads) + c.listens.size() +
         kProcessReserve;
}

void log_fd_limit(const FdLimit& limit, const Config& c) {
  if (!limit.ok) return;
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  ErrorLog::printf(LogLevel::kNotice, "mpm_event",
                   "descriptor limit (RLIMIT_NOFILE) %llu, was %llu, hard limit %llu",
                   u(limit.soft), u(limit.before), u(limit.hard));
  const uint64_t need = fds_needed_per_process(c);
  if (limit.soft < need) {
    ErrorLog::printf(
        LogLevel::kWarn, "mpm_event",
        "descriptor limit %llu is below the %llu a child may use (ThreadsPerChild %d + "
        "AsyncRequestWorkerFactor %g x %d idle workers, plus files and logs): connections "
        "beyond it wait in the listen backlog; raise the hard limit (ulimit -Hn, systemd "
        "LimitNOFILE=)",
        u(limit.soft), u(need), c.threads_per_child, c.async_request_worker_factor,
        c.threads_per_child);
  }
}

}  // namespace tern
