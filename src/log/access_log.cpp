#include "log/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "http/response.h"
#include "log/error_log.h"

namespace tern {
namespace {

// Opens `path` for appending; returns -1 with *err set on failure.
int open_append(const std::string& path, std::string* err) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && err) {
    *err = "could not open transfer log file " + path + ": " + std::strerror(errno);
  }
  return fd;
}

// Writes all of `data` (one write(2) unless interrupted or short).
bool write_all(int fd, const char* data, size_t len, int* saved_errno) {
  while (len > 0) {
    ssize_t n = ::write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      *saved_errno = errno;
      return false;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool AccessLogs::open(const Config& cfg, std::string* err) {
  logs_.clear();
  std::vector<Log> logs;
  logs.reserve(cfg.custom_logs.size());
  for (const CustomLogSpec& spec : cfg.custom_logs) {
    if (!spec.path.empty() && spec.path.front() == '|') {
      if (err) *err = "CustomLog " + spec.path + ": piped logs are not supported";
      return false;
    }
    Log log;
    log.path = spec.path;
    if (!log.path.empty() && log.path.front() != '/' && !cfg.server_root.empty()) {
      log.path = cfg.server_root + "/" + log.path;
    }
    std::string ferr;
    auto fmt = LogFormat::compile(spec.format, &ferr);
    if (!fmt) {
      if (err) *err = "CustomLog " + log.path + ": " + ferr;
      return false;
    }
    log.format = std::move(*fmt);
    log.env = spec.env;
    log.env_negated = spec.env_negated;
    int fd = open_append(log.path, err);
    if (fd < 0) return false;
    log.fd.reset(fd);
    logs.push_back(std::move(log));
  }
  logs_ = std::move(logs);
  return true;
}

void AccessLogs::log(const AccessRecord& r) const {
  if (logs_.empty()) return;
  thread_local std::string line;
  for (const Log& log : logs_) {
    if (!log.env.empty()) {
      // httpd's config_log_transaction: env=VAR needs VAR set, env=!VAR needs it unset.
      const bool set = r.resp != nullptr && r.resp->env_value(log.env).has_value();
      if (set == log.env_negated) continue;
    }
    line.clear();
    log.format.format(r, line);
    line.push_back('\n');
    int e = 0;
    if (write_all(log.fd.get(), line.data(), line.size(), &e)) {
      if (log.failing->load(std::memory_order_relaxed)) {
        log.failing->store(false, std::memory_order_relaxed);
      }
    } else if (!log.failing->exchange(true, std::memory_order_relaxed)) {
      ErrorLog::printf(LogLevel::kError, "log_config", "error writing to %s: %s", log.path.c_str(),
                       std::strerror(e));
    }
  }
}

bool AccessLogs::reopen(std::string* err) {
  bool ok = true;
  for (Log& log : logs_) {
    std::string e;
    int fd = open_append(log.path, &e);
    if (fd < 0) {
      if (ok && err) *err = e;
      ok = false;
      continue;
    }
    if (::dup3(fd, log.fd.get(), O_CLOEXEC) < 0) {
      if (ok && err) *err = "could not reopen " + log.path + ": " + std::strerror(errno);
      ok = false;
    }
    ::close(fd);
  }
  return ok;
}

std::vector<std::string> AccessLogs::paths() const {
  std::vector<std::string> out;
  for (const Log& log : logs_) out.push_back(log.path);
  return out;
}

}  // namespace tern
