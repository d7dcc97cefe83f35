#include "log/error_log.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "log/log_escape.h"
#include "log/log_time.h"

namespace tern {
namespace {

constexpr const char* kDays[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::atomic<int> g_level{static_cast<int>(LogLevel::kWarn)};
std::atomic<int> g_fd{-1};  // -1: stderr
std::mutex g_mu;            // serialises open/reopen/reset
std::string g_path;         // guarded by g_mu

int open_append(const std::string& path, std::string* err) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && err) {
    *err = "could not open error log file " + path + ": " + std::strerror(errno);
  }
  return fd;
}

// Puts the file open on `fd` behind the current descriptor (or installs it).
bool install(int fd, std::string* err) {
  int cur = g_fd.load(std::memory_order_acquire);
  if (cur < 0) {
    g_fd.store(fd, std::memory_order_release);
    return true;
  }
  bool ok = ::dup3(fd, cur, O_CLOEXEC) >= 0;
  if (!ok && err) *err = std::string("could not reopen error log: ") + std::strerror(errno);
  ::close(fd);
  return ok;
}

// Cached per thread, and again after a fork: a child's main thread inherits the
// parent's cache and would log the parent's tid.
long current_tid(long pid) {
  thread_local long tid = 0, tid_pid = 0;
  if (tid_pid != pid) {
    tid = static_cast<long>(::syscall(SYS_gettid));
    tid_pid = pid;
  }
  return tid;
}

}  // namespace

std::string client_prefix(std::string_view ip, unsigned port) {
  std::string s = "[client ";
  s.append(ip).append(":").append(std::to_string(port)).append("] ");
  return s;
}

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kEmerg:
      return "emerg";
    case LogLevel::kAlert:
      return "alert";
    case LogLevel::kCrit:
      return "crit";
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kNotice:
      return "notice";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kTrace:
      return "trace1";
  }
  return "unknown";
}

void format_error_line(std::string& out, int64_t usec, LogLevel level, std::string_view module,
                       std::string_view message, long pid, long tid) {
  int64_t sec = usec / 1000000;
  const std::tm& tm = cached_localtime(sec);
  char head[64];
  int n = std::snprintf(head, sizeof(head), "[%s %s %02d %02d:%02d:%02d.%06lld %d] [",
                        kDays[(tm.tm_wday % 7 + 7) % 7], kMonths[(tm.tm_mon % 12 + 12) % 12],
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                        static_cast<long long>(usec % 1000000), tm.tm_year + 1900);
  if (n > 0) out.append(head, std::min(static_cast<size_t>(n), sizeof(head) - 1));
  append_escaped_errorlog(out, module);
  out.push_back(':');
  out.append(log_level_name(level));
  out.append("] [pid ", 7);
  append_int(out, pid);
  out.append(":tid ", 5);
  append_int(out, tid);
  out.append("] ", 2);
  append_escaped_errorlog(out, message);
  out.push_back('\n');
}

bool ErrorLog::open(const std::string& path, LogLevel level, std::string* err) {
  std::lock_guard<std::mutex> lock(g_mu);
  int fd = open_append(path, err);
  if (fd < 0) return false;
  if (!install(fd, err)) return false;
  g_path = path;
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
  return true;
}

bool ErrorLog::reopen(std::string* err) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_path.empty()) return true;
  int fd = open_append(g_path, err);
  if (fd < 0) return false;
  return install(fd, err);
}

void ErrorLog::set_level(LogLevel level) {
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

LogLevel ErrorLog::level() {
  return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed));
}

bool ErrorLog::enabled(LogLevel level) {
  // As httpd's log.c: a notice (start-up, restart, shutdown) is written whatever
  // LogLevel says, so the default `LogLevel warn` still shows the server starting.
  return level == LogLevel::kNotice ||
         static_cast<int>(level) <= g_level.load(std::memory_order_relaxed);
}

int ErrorLog::fd() {
  int fd = g_fd.load(std::memory_order_acquire);
  return fd < 0 ? STDERR_FILENO : fd;
}

void ErrorLog::write(LogLevel level, std::string_view module, std::string_view message) {
  if (!enabled(level)) return;
  thread_local std::string line;
  line.clear();
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t usec = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  long pid = static_cast<long>(::getpid());
  format_error_line(line, usec, level, module, message, pid, current_tid(pid));
  int out = fd();
  const char* p = line.data();
  size_t len = line.size();
  while (len > 0) {
    ssize_t n = ::write(out, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report it
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
}

void ErrorLog::printf(LogLevel level, const char* module, const char* fmt, ...) {
  if (!enabled(level)) return;
  char buf[8192];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n < 0) return;
  size_t len = std::min(static_cast<size_t>(n), sizeof(buf) - 1);
  write(level, module ? module : "core", std::string_view(buf, len));
}

void ErrorLog::reset() {
  std::lock_guard<std::mutex> lock(g_mu);
  int fd = g_fd.exchange(-1, std::memory_order_acq_rel);
  if (fd >= 0) ::close(fd);
  g_path.clear();
  g_level.store(static_cast<int>(LogLevel::kWarn), std::memory_order_relaxed);
}

}  // namespace tern
