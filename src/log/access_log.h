#pragma once
// The CustomLog files: one compiled format and one O_APPEND descriptor each.
// log() is lock-free: each line goes out in a single write(2), which O_APPEND
// makes atomic with respect to other writers of the same file.
//
// Rotation: reopen() opens each path anew and dup3()s the new descriptor onto the
// old descriptor *number*. The kernel swaps the file behind that number atomically:
// a write(2) that already started finishes on the old file, every later one goes to
// the new file, and no descriptor number is ever closed while a writer may be using
// it (so a recycled number can never receive log lines).

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "log/access_record.h"
#include "log/log_format.h"
#include "net/unique_fd.h"

namespace tern {

// The set of access logs of one server. Built once; log() may be called from any
// number of threads while at most one thread calls reopen().
class AccessLogs {
 public:
  // No logs: log() does nothing.
  AccessLogs() = default;

  // Compiles every Config::custom_logs format and opens every path (relative paths
  // are taken under cfg.server_root) with O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, 0644.
  // Creates no directories; piped logs ("|command") are refused. On failure returns false and sets
  // *err (if non-null) to a message naming the path or the format; *this is then left empty.
  bool open(const Config& cfg, std::string* err);

  // True when at least one log is open.
  bool enabled() const { return !logs_.empty(); }

  // Formats `r` for each log (into a thread_local buffer) and appends it plus "\n"
  // with one write(2) per log. Write errors are reported to the ErrorLog, once
  // until the next successful write to that log.
  void log(const AccessRecord& r) const;

  // Reopens every path and atomically replaces the file behind each descriptor
  // (dup3). Returns false with *err set when a path cannot be opened; that log keeps
  // writing to its old file, the others are still reopened.
  bool reopen(std::string* err);

  // The paths in configuration order (for messages and tests).
  std::vector<std::string> paths() const;

 private:
  struct Log {
    std::string path;
    LogFormat format;
    std::string env;  // CustomLog env=[!]VAR: "" logs every request
    bool env_negated = false;
    UniqueFd fd;
    // Set once a write error was reported, cleared by the next successful write.
    std::unique_ptr<std::atomic<bool>> failing = std::make_unique<std::atomic<bool>>(false);
  };
  std::vector<Log> logs_;
};

}  // namespace tern
