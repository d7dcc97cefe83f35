// LogFormat::compile: parsing httpd format strings into ops.
#include "log/log_format.h"

#include "http/request.h"

namespace tern {
namespace {

using Kind = LogFormat::Kind;
using Op = LogFormat::Op;

// The directives that take no argument (an argument given is ignored, as httpd does).
std::optional<Kind> simple_kind(char c) {
  switch (c) {
    case 'a':
      return Kind::kClientIp;
    case 'A':
      return Kind::kLocalIp;
    case 'b':
      return Kind::kBodyBytesClf;
    case 'B':
      return Kind::kBodyBytes;
    case 'D':
      return Kind::kDurationUs;
    case 'f':
      return Kind::kFilename;
    case 'h':
      return Kind::kClientIp;
    case 'H':
      return Kind::kProtocol;
    case 'k':
      return Kind::kKeepalives;
    case 'l':
      return Kind::kDash;
    case 'L':
      return Kind::kDash;
    case 'm':
      return Kind::kMethod;
    case 'q':
      return Kind::kQuery;
    case 'r':
      return Kind::kRequestLine;
    case 's':
      return Kind::kStatus;
    case 'u':
      return Kind::kRemoteUser;
    case 'U':
      return Kind::kUrlPath;
    case 'v':
      return Kind::kServerName;
    case 'V':
      return Kind::kHostName;
    case 'X':
      return Kind::kConnStatus;
    case 'I':
      return Kind::kBytesIn;
    case 'O':
      return Kind::kBytesOut;
    case 'S':
      return Kind::kBytesInOut;
    case 'e':
      return Kind::kDash;  // %e without a name
    case 'n':
      return Kind::kDash;  // no module notes in tern
    default:
      return std::nullopt;
  }
}

// Resolves the time directive's argument (httpd's begin:/end: prefixes and the
// sec/msec/usec/msec_frac/usec_frac tokens); anything else is a strftime format.
void resolve_time(Op& op) {
  std::string_view a = op.arg;
  if (a.empty() || a == "begin" || a == "end") {
    op.end_time = (a == "end");
    op.kind = Kind::kTimeClf;
    return;
  }
  if (a.substr(0, 6) == "begin:") {
    a.remove_prefix(6);
  } else if (a.substr(0, 4) == "end:") {
    a.remove_prefix(4);
    op.end_time = true;
  }
  if (a.empty()) {
    op.kind = Kind::kTimeClf;
  } else if (a == "sec") {
    op.kind = Kind::kTimeSec;
  } else if (a == "msec") {
    op.kind = Kind::kTimeMsec;
  } else if (a == "usec") {
    op.kind = Kind::kTimeUsec;
  } else if (a == "msec_frac") {
    op.kind = Kind::kTimeMsecFrac;
  } else if (a == "usec_frac") {
    op.kind = Kind::kTimeUsecFrac;
  } else {
    op.kind = Kind::kTimeStrftime;
  }
  op.arg = std::string(a);
}

// Sets op.kind for directive `c`; returns an error message or "" on success.
std::string resolve(char c, Op& op) {
  std::string_view a = op.arg;
  switch (c) {
    case 'T':
      if (a.empty() || iequals(a, "s")) {
        op.kind = Kind::kDurationSec;
      } else if (iequals(a, "ms")) {
        op.kind = Kind::kDurationMs;
      } else if (iequals(a, "us")) {
        op.kind = Kind::kDurationUs;
      } else {
        return "Unknown unit in LogFormat directive %{" + op.arg + "}T (use s, ms or us)";
      }
      return "";
    case 'p':
      if (a.empty() || iequals(a, "canonical")) {
        op.kind = Kind::kCanonicalPort;
      } else if (iequals(a, "local")) {
        op.kind = Kind::kLocalPort;
      } else if (iequals(a, "remote")) {
        op.kind = Kind::kRemotePort;
      } else {
        return "Unknown argument in LogFormat directive %{" + op.arg +
               "}p (use canonical, local or remote)";
      }
      return "";
    case 'P':
      if (a.empty() || iequals(a, "pid")) {
        op.kind = Kind::kPid;
      } else if (iequals(a, "tid")) {
        op.kind = Kind::kTid;
      } else if (iequals(a, "hextid")) {
        op.kind = Kind::kHexTid;
      } else {
        return "Unknown argument in LogFormat directive %{" + op.arg +
               "}P (use pid, tid or hextid)";
      }
      return "";
    case 't':
      resolve_time(op);
      return "";
    case 'e':
      if (a.empty()) break;
      op.kind = Kind::kEnv;
      return "";
    case 'x':
      // mod_ssl's ssl_var_log_handler_x (tern's mod_ssl is always built in).
      op.kind = Kind::kSslVar;
      return "";
    case 'i':
    case 'o':
    case 'C':
      if (a.empty()) {
        return std::string("LogFormat directive %") + c + " needs a name: %{Name}" + c;
      }
      op.kind = c == 'i' ? Kind::kHeaderIn : c == 'o' ? Kind::kHeaderOut : Kind::kCookie;
      return "";
    default:
      break;
  }
  if (auto k = simple_kind(c)) {
    op.kind = *k;
    if (op.kind != Kind::kDash) op.arg.clear();
    return "";
  }
  unsigned char uc = static_cast<unsigned char>(c);
  if (uc < 0x20 || uc >= 0x7f) {
    return "Unrecognized LogFormat directive %\\x" + std::string(1, "0123456789abcdef"[uc >> 4]) +
           std::string(1, "0123456789abcdef"[uc & 0xf]);
  }
  return std::string("Unrecognized LogFormat directive %") + c;
}

}  // namespace

std::optional<LogFormat> LogFormat::compile(std::string_view fmt, std::string* error) {
  LogFormat f;
  std::string lit;
  auto flush = [&] {
    if (lit.empty()) return;
    Op op;
    op.kind = Kind::kLiteral;
    op.arg = std::move(lit);
    lit.clear();
    f.ops_.push_back(std::move(op));
  };
  auto fail = [&](std::string msg) -> std::optional<LogFormat> {
    if (error) *error = std::move(msg);
    return std::nullopt;
  };
  size_t i = 0;
  const size_t n = fmt.size();
  while (i < n) {
    char c = fmt[i];
    if (c == '\\') {
      char next = i + 1 < n ? fmt[i + 1] : '\0';
      switch (next) {
        case '\\':
          lit.push_back('\\');
          i += 2;
          continue;
        case '"':
          lit.push_back('"');
          i += 2;
          continue;
        case 'n':
          lit.push_back('\n');
          i += 2;
          continue;
        case 't':
          lit.push_back('\t');
          i += 2;
          continue;
        case 'r':
          lit.push_back('\r');
          i += 2;
          continue;
        default:
          lit.push_back('\\');
          ++i;
          continue;  // kept verbatim, as httpd does
      }
    }
    if (c != '%') {
      lit.push_back(c);
      ++i;
      continue;
    }
    ++i;
    if (i < n && fmt[i] == '%') {
      lit.push_back('%');
      ++i;
      continue;
    }
    flush();
    Op op;
    size_t start = i - 1;
    bool done = false;
    while (!done) {
      if (i >= n) {
        return fail("LogFormat ends inside the directive \"" + std::string(fmt.substr(start)) +
                    "\"");
      }
      char d = fmt[i];
      if (d == '!') {
        op.negate = !op.negate;
        ++i;
      } else if (d == '<') {
        op.want_final = false;
        ++i;
      } else if (d == '>') {
        op.want_final = true;
        ++i;
      } else if (d == ',') {
        ++i;
      } else if (d == '{') {
        size_t close = fmt.find('}', i + 1);
        if (close == std::string_view::npos) {
          return fail("Unterminated %{ in LogFormat directive \"" + std::string(fmt.substr(start)) +
                      "\"");
        }
        op.arg = std::string(fmt.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (d >= '0' && d <= '9') {
        int code = 0;
        while (i < n && fmt[i] >= '0' && fmt[i] <= '9') {
          if (code < 100000) code = code * 10 + (fmt[i] - '0');
          ++i;
        }
        op.conditions.push_back(code);
      } else {
        std::string err = resolve(d, op);
        if (!err.empty()) return fail(std::move(err));
        ++i;
        done = true;
      }
    }
    f.ops_.push_back(std::move(op));
  }
  flush();
  return f;
}

}  // namespace tern
