#include "modules/cgi/cgi_reaper.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

#include "log/error_log.h"

namespace tern {

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

constexpr uint64_t kWakeKey = ~0ull;

}  // namespace

ProcessReaper& ProcessReaper::instance() {
  static ProcessReaper reaper;
  return reaper;
}

ProcessReaper::ProcessReaper()
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeKey;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev);
  thread_ = std::thread([this] { run(); });
}

ProcessReaper::~ProcessReaper() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof(one));
  thread_.join();
  // Whatever is left dies now: the server is going away.
  for (Entry& e : incoming_) live_.emplace(e.pidfd.get(), std::move(e));
  for (auto& [fd, e] : live_) {
    ::kill(-e.pid, SIGKILL);
    siginfo_t info{};
    ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd), &info, WEXITED);
  }
}

void ProcessReaper::adopt(pid_t pid, UniqueFd pidfd, End end) {
  // The first signal goes out at once, from the caller: the reaper may be busy.
  if (end == End::kAbort) {
    ::kill(-pid, SIGTERM);
  } else {
    siginfo_t info{};
    // Still running (no exit status yet)? httpd's cleanup terminates it.
    if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd.get()), &info,
                 WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == 0) {
      ::kill(pid, SIGTERM);
    }
  }
  Entry e;
  e.pid = pid;
  e.pidfd = std::move(pidfd);
  e.end = end;
  e.kill_at_ms = now_ms() + kGraceMs;
  {
    std::lock_guard<std::mutex> lk(mu_);
    incoming_.push_back(std::move(e));
    ++pending_;
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof(one));
}

size_t ProcessReaper::pending() const {
  std::lock_guard<std::mutex> lk(mu_);
  return pending_;
}

bool ProcessReaper::wait_idle(int64_t timeout_ms) const {
  std::unique_lock<std::mutex> lk(mu_);
  return idle_cv_.wait_for(lk, std::chrono::milliseconds(timeout_ms),
                           [&] { return pending_ == 0; });
}

void ProcessReaper::take_new() {
  std::vector<Entry> batch;
  {
    std::lock_guard<std::mutex> lk(mu_);
    batch.swap(incoming_);
  }
  for (Entry& e : batch) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = static_cast<uint64_t>(e.pidfd.get());
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, e.pidfd.get(), &ev) == 0) {
      live_.emplace(e.pidfd.get(), std::move(e));
      continue;
    }
    // Cannot wait for it without blocking the others: end it now rather than leave a
    // zombie and a descriptor behind, and say so.
    ErrorLog::printf(LogLevel::kError, "cgid", "cannot watch script process %d (%s): killed",
                     static_cast<int>(e.pid), std::strerror(errno));
    ::kill(-e.pid, SIGKILL);
    siginfo_t info{};
    ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(e.pidfd.get()), &info, WEXITED);
    std::lock_guard<std::mutex> lk(mu_);
    if (--pending_ == 0) idle_cv_.notify_all();
  }
}

void ProcessReaper::reap(int fd) {
  auto it = live_.find(fd);
  if (it == live_.end()) return;
  Entry& e = it->second;
  siginfo_t info{};
  if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd), &info,
               WEXITED | WNOHANG | WNOWAIT) != 0) {
    if (errno != ECHILD) return;
    // Reaped already (SIGCHLD ignored makes the kernel reap): nothing is left to wait for.
  } else if (info.si_pid == 0) {
    return;  // not exited yet (spurious wake)
  }
  // The leader is a zombie, so its pid still names its group: the rest of an aborted
  // script's group (children it started) goes with it.
  if (e.end == End::kAbort) ::kill(-e.pid, SIGKILL);
  ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd), &info, WEXITED);
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  live_.erase(it);
  std::lock_guard<std::mutex> lk(mu_);
  if (--pending_ == 0) idle_cv_.notify_all();
}

void ProcessReaper::run() {
  epoll_event events[32];
  for (;;) {
    int64_t now = now_ms();
    int timeout = -1;
    for (auto& [fd, e] : live_) {
      if (e.kill_at_ms == 0) continue;
      if (e.kill_at_ms <= now) {
        ::kill(-e.pid, SIGKILL);  // the leader is unreaped: its group id is still its own
        e.kill_at_ms = 0;
        continue;
      }
      int64_t left = e.kill_at_ms - now;
      if (timeout < 0 || left < timeout) timeout = static_cast<int>(left);
    }
    int n = ::epoll_wait(epoll_.get(), events, 32, timeout);
    if (n < 0 && errno != EINTR) return;
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == kWakeKey) {
        uint64_t v = 0;
        [[maybe_unused]] ssize_t r = ::read(wake_.get(), &v, sizeof(v));
        {
          std::lock_guard<std::mutex> lk(mu_);
          if (stop_) return;
        }
        take_new();
      } else {
        reap(static_cast<int>(events[i].data.u64));
      }
    }
  }
}

}  // namespace tern
