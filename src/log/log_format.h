#pragma once
// httpd mod_log_config format strings ("%h %l %u %t \"%r\" %>s %b"), compiled once
// at start-up into a vector of operations and then applied to each AccessRecord
// without parsing and, in the steady state, without allocating.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/access_record.h"

namespace tern {

// A compiled access-log format. Immutable after compile(); format() is safe to call
// from many threads at once.
class LogFormat {
 public:
  // Compiles `fmt`. On failure returns nullopt and sets *error (if non-null) to a
  // message naming the offending directive, e.g. "Unrecognized LogFormat directive %Z".
  static std::optional<LogFormat> compile(std::string_view fmt, std::string* error);

  // Appends the line for `r` to `out` (no trailing newline; `out` is not cleared).
  void format(const AccessRecord& r, std::string& out) const;

  // What each directive does (public for the implementation file only).
  enum class Kind : uint8_t {
    kLiteral,
    kClientIp,       // %a %{c}a %h
    kLocalIp,        // %A
    kBodyBytesClf,   // %b
    kBodyBytes,      // %B
    kDurationUs,     // %D %{us}T
    kDurationMs,     // %{ms}T
    kDurationSec,    // %T %{s}T
    kFilename,       // %f
    kProtocol,       // %H
    kDash,           // %l %L %{VAR}n
    kRemoteUser,     // %u
    kMethod,         // %m
    kCanonicalPort,  // %p %{canonical}p
    kLocalPort,      // %{local}p
    kRemotePort,     // %{remote}p
    kPid,            // %P %{pid}P
    kTid,            // %{tid}P
    kHexTid,         // %{hextid}P
    kQuery,          // %q
    kRequestLine,    // %r
    kStatus,         // %s %<s %>s (which one: Op::want_final)
    kTimeClf,        // %t %{begin}t %{end}t
    kTimeSec,        // %{sec}t
    kTimeMsec,       // %{msec}t
    kTimeUsec,       // %{usec}t
    kTimeMsecFrac,   // %{msec_frac}t
    kTimeUsecFrac,   // %{usec_frac}t
    kTimeStrftime,   // %{strftime format}t
    kUrlPath,        // %U
    kServerName,     // %v
    kHostName,       // %V
    kConnStatus,     // %X
    kBytesIn,        // %I
    kBytesOut,       // %O
    kBytesInOut,     // %S
    kKeepalives,     // %k
    kHeaderIn,       // %{Name}i
    kHeaderOut,      // %{Name}o
    kCookie,         // %{Name}C
    kEnv,            // %{VAR}e: the request's environment variable
    kSslVar,         // %{VAR}x: mod_ssl's variable (ssl_var_lookup), "-" when empty
  };

  // One compiled item: a literal or a directive with its argument and conditions.
  struct Op {
    Kind kind = Kind::kLiteral;
    bool want_final = false;      // `>` modifier (status only)
    bool end_time = false;        // `end:` prefix of %{...}t
    bool negate = false;          // `!` before the status list
    std::string arg;              // literal text, header name, strftime format
    std::vector<int> conditions;  // status codes; empty = unconditional
  };

 private:
  std::vector<Op> ops_;
};

}  // namespace tern
