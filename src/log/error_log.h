#pragma once
// The process-wide error log, httpd 2.4 style:
//   [Thu Nov 26 07:30:00.123456 2026] [core:error] [pid 1234:tid 5678] message
// One write(2) per line on an O_APPEND descriptor (lines never interleave), lines
// below the configured LogLevel dropped after one relaxed atomic load, stderr until
// open() succeeds. Every function is thread-safe; "tid" is the kernel thread id.

#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"

namespace tern {

// The error log. All state is static: there is one per process.
class ErrorLog {
 public:
  // Opens `path` (O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, 0644) and logs there from now
  // on, dropping lines less severe than `level`. When a log is already open its
  // descriptor number is kept and the new file put behind it (dup3). On failure
  // returns false, sets *err (if non-null) and changes nothing.
  static bool open(const std::string& path, LogLevel level, std::string* err);

  // Reopens the current path (log rotation). True when nothing is open.
  static bool reopen(std::string* err);

  // Sets the level below which lines are dropped.
  static void set_level(LogLevel level);

  // The current level.
  static LogLevel level();

  // True when a line at `level` would be written (cheap; check before formatting).
  // Notices always are, as in httpd: they mark start-up, restarts and shutdown.
  static bool enabled(LogLevel level);

  // Writes one line at `level` for `module` (e.g. "core", "mpm_event"); control
  // characters in `message` are escaped so that a line stays a line.
  static void write(LogLevel level, std::string_view module, std::string_view message);

  // printf-style write(); the message is truncated at 8 KiB.
  static void printf(LogLevel level, const char* module, const char* fmt, ...)
      __attribute__((format(printf, 3, 4)));

  // The descriptor lines go to (2 when nothing is open), e.g. to make it stderr.
  static int fd();

  // Closes the log and returns to stderr at LogLevel warn. Only for tests and
  // shutdown: no other thread may be logging.
  static void reset();
};

// The httpd name of `level`: "emerg", "alert", …, "debug", "trace1".
std::string_view log_level_name(LogLevel level);

// httpd's "[client IP:PORT] ", the start of a request's error-log message.
std::string client_prefix(std::string_view ip, unsigned port);

// Appends the error-log line (with its newline) for the given parts to `out`;
// `usec_since_epoch` is the timestamp. Exposed for tests.
void format_error_line(std::string& out, int64_t usec_since_epoch, LogLevel level,
                       std::string_view module, std::string_view message, long pid, long tid);

}  // namespace tern
