// LogFormat::format: applying compiled ops to an AccessRecord.
#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <ctime>

#include "http/request.h"
#include "http/response.h"
#include "http/ssl_var.h"
#include "log/log_escape.h"
#include "log/log_format.h"
#include "log/log_time.h"

namespace tern {
namespace {

using Kind = LogFormat::Kind;
using Op = LogFormat::Op;

// Splits "host:port" / "[v6]:port" / "host" into host and port text.
void split_host_port(std::string_view hp, std::string_view* host, std::string_view* port) {
  *port = {};
  if (!hp.empty() && hp.front() == '[') {
    size_t close = hp.find(']');
    if (close != std::string_view::npos) {
      *host = hp.substr(0, close + 1);
      if (close + 1 < hp.size() && hp[close + 1] == ':') *port = hp.substr(close + 2);
      return;
    }
  }
  size_t colon = hp.rfind(':');
  if (colon != std::string_view::npos && hp.find(':') == colon) {
    *host = hp.substr(0, colon);
    *port = hp.substr(colon + 1);
  } else {
    *host = hp;
  }
}

void append_escaped_or_dash(std::string& out, std::string_view s) {
  if (s.empty()) {
    out.push_back('-');
  } else {
    append_escaped_logitem(out, s);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %U: the path percent-decoded (as httpd's r->uri), then log-escaped.
void append_decoded_path(std::string& out, std::string_view path) {
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%' && i + 2 < path.size()) {
      int hi = hex_value(path[i + 1]);
      int lo = hex_value(path[i + 2]);
      if (hi >= 0 && lo >= 0) {
        char d = static_cast<char>(hi * 16 + lo);
        append_escaped_logitem(out, std::string_view(&d, 1));
        i += 2;
        continue;
      }
    }
    append_escaped_logitem(out, std::string_view(&c, 1));
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// %{Name}i: every field named `name`, joined with ", " (httpd merges repeated fields).
void append_header_in(std::string& out, const Request* req, std::string_view name) {
  bool found = false;
  if (req) {
    for (const auto& h : req->headers) {
      if (!iequals(h.name, name)) continue;
      if (found) out.append(", ", 2);
      append_escaped_logitem(out, h.value);
      found = true;
    }
  }
  if (!found) out.push_back('-');
}

// Calls fn(name, value) for each "Name: value\r\n" line of a response's fields.
template <typename Fn>
void for_each_field(std::string_view fields, Fn&& fn) {
  while (!fields.empty()) {
    size_t eol = fields.find('\n');
    std::string_view line = fields.substr(0, eol);
    fields = eol == std::string_view::npos ? std::string_view{} : fields.substr(eol + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (!fn(line.substr(0, colon), trim(line.substr(colon + 1)))) return;
  }
}

// %{Name}o: Content-Type without parameters, Set-Cookie joined, others the first.
void append_header_out(std::string& out, const Response* resp, std::string_view name) {
  if (!resp) {
    out.push_back('-');
    return;
  }
  bool all = iequals(name, "Set-Cookie");
  bool noparam = iequals(name, "Content-Type");
  bool found = false;
  for_each_field(resp->fields, [&](std::string_view n, std::string_view v) {
    if (!iequals(n, name)) return true;
    if (found) out.append(", ", 2);
    if (noparam) v = trim(v.substr(0, v.find(';')));
    append_escaped_logitem(out, v);
    found = true;
    return all;
  });
  if (!found) out.push_back('-');
}

// %{Name}C: the value of cookie `name` from the Cookie header(s).
void append_cookie(std::string& out, const Request* req, std::string_view name) {
  if (req) {
    for (const auto& h : req->headers) {
      if (!iequals(h.name, "Cookie")) continue;
      std::string_view rest = h.value;
      while (!rest.empty()) {
        size_t semi = rest.find(';');
        std::string_view pair = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
        size_t eq = pair.find('=');
        if (eq == std::string_view::npos || eq + 1 >= pair.size()) continue;
        std::string_view n = trim(pair.substr(0, eq));
        if (n.empty() || !iequals(n, name)) continue;
        append_escaped_logitem(out, trim(pair.substr(eq + 1)));
        return;
      }
    }
  }
  out.push_back('-');
}

uint64_t as_u64(int64_t v) {
  return v < 0 ? 0 : static_cast<uint64_t>(v);
}

int current_tid() {
  thread_local int tid = static_cast<int>(::syscall(SYS_gettid));
  return tid;
}

void append_strftime(std::string& out, const std::string& fmt, int64_t sec) {
  const std::tm& tm = cached_localtime(sec);
  char buf[512];
  size_t n = std::strftime(buf, sizeof(buf), fmt.c_str(), &tm);
  out.append(buf, n);
}

void append_port(std::string& out, const AccessRecord& r) {
  std::string_view host, port;
  split_host_port(r.server_name, &host, &port);
  unsigned value = 0;
  auto res = std::from_chars(port.data(), port.data() + port.size(), value);
  if (!port.empty() && res.ec == std::errc() && res.ptr == port.data() + port.size() && value > 0 &&
      value < 65536) {
    append_uint(out, value);
  } else {
    append_uint(out, r.local_port);
  }
}

void append_item(std::string& out, const Op& op, const AccessRecord& r) {
  const Request* req = r.req;
  int64_t when_us = r.request_time_us + (op.end_time ? r.duration_us : 0);
  int64_t when_sec = when_us >= 0 ? when_us / 1000000 : -((-when_us + 999999) / 1000000);
  switch (op.kind) {
    case Kind::kLiteral:
      out.append(op.arg);
      break;
    case Kind::kClientIp:
      append_escaped_or_dash(out, r.client_ip);
      break;
    case Kind::kLocalIp:
      append_escaped_or_dash(out, r.local_ip);
      break;
    case Kind::kBodyBytesClf:
      if (r.body_bytes == 0) {
        out.push_back('-');
      } else {
        append_uint(out, r.body_bytes);
      }
      break;
    case Kind::kBodyBytes:
      append_uint(out, r.body_bytes);
      break;
    case Kind::kDurationUs:
      append_uint(out, as_u64(r.duration_us));
      break;
    case Kind::kDurationMs:
      append_uint(out, as_u64(r.duration_us) / 1000);
      break;
    case Kind::kDurationSec:
      append_uint(out, as_u64(r.duration_us) / 1000000);
      break;
    case Kind::kFilename:
      append_escaped_or_dash(out, r.filename);
      break;
    case Kind::kProtocol:
      if (req) {
        out.append("HTTP/", 5);
        append_int(out, req->version_major);
        out.push_back('.');
        append_int(out, req->version_minor);
      } else {
        out.push_back('-');
      }
      break;
    case Kind::kDash:
      out.push_back('-');
      break;
    case Kind::kRemoteUser:
      // mod_log_config's log_remote_user: "-" without a user, "" quoted when empty.
      if (r.resp == nullptr || !r.resp->user) {
        out.push_back('-');
      } else if (r.resp->user->empty()) {
        out.append("\"\"");
      } else {
        append_escaped_logitem(out, *r.resp->user);
      }
      break;
    case Kind::kMethod:
      append_escaped_or_dash(out, req ? req->method_name : std::string_view{});
      break;
    case Kind::kCanonicalPort:
      append_port(out, r);
      break;
    case Kind::kLocalPort:
      append_uint(out, r.local_port);
      break;
    case Kind::kRemotePort:
      append_uint(out, r.client_port);
      break;
    case Kind::kPid:
      append_int(out, ::getpid());
      break;
    case Kind::kTid:
      append_int(out, current_tid());
      break;
    case Kind::kHexTid: {
      char buf[16];
      auto res = std::to_chars(buf, buf + sizeof(buf), current_tid(), 16);
      out.append(buf, static_cast<size_t>(res.ptr - buf));
      break;
    }
    case Kind::kQuery:
      if (req && req->has_query) {
        out.push_back('?');
        append_escaped_logitem(out, req->query);
      }
      break;
    case Kind::kRequestLine: {
      std::string_view line = r.request_line;
      if (line.empty() && req) line = req->request_line;
      append_escaped_or_dash(out, line);
      break;
    }
    case Kind::kStatus:
      append_int(out, op.want_final ? r.final_status : r.original_status);
      break;
    case Kind::kTimeClf:
      out.append(clf_time(when_sec));
      break;
    case Kind::kTimeSec:
      append_int(out, when_sec);
      break;
    case Kind::kTimeMsec:
      append_int(out, when_us / 1000);
      break;
    case Kind::kTimeUsec:
      append_int(out, when_us);
      break;
    case Kind::kTimeMsecFrac:
      append_uint_padded(out, as_u64(when_us % 1000000) / 1000, 3);
      break;
    case Kind::kTimeUsecFrac:
      append_uint_padded(out, as_u64(when_us % 1000000), 6);
      break;
    case Kind::kTimeStrftime:
      append_strftime(out, op.arg, when_sec);
      break;
    case Kind::kUrlPath:
      if (req) {
        append_decoded_path(out, req->path);
      } else {
        out.push_back('-');
      }
      break;
    case Kind::kServerName:
    case Kind::kHostName: {
      std::string_view name = r.server_name, port;
      if (op.kind == Kind::kHostName && req && !req->host.empty()) name = req->host;
      split_host_port(name, &name, &port);
      append_escaped_or_dash(out, name);
      break;
    }
    case Kind::kConnStatus:
      out.push_back(r.conn_status ? r.conn_status : '-');
      break;
    case Kind::kBytesIn:
      append_uint(out, r.bytes_in);
      break;
    case Kind::kBytesOut:
      append_uint(out, r.bytes_out);
      break;
    case Kind::kBytesInOut:
      append_uint(out, r.bytes_in + r.bytes_out);
      break;
    case Kind::kKeepalives:
      append_int(out, r.keepalive_count);
      break;
    case Kind::kHeaderIn:
      append_header_in(out, req, op.arg);
      break;
    case Kind::kHeaderOut:
      append_header_out(out, r.resp, op.arg);
      break;
    case Kind::kCookie:
      append_cookie(out, req, op.arg);
      break;
    case Kind::kSslVar: {
      // ssl_var_log_handler_x: an empty value (plain connection, unknown name) logs "-".
      const std::string v = ssl_var(r.transport, op.arg);
      if (v.empty()) {
        out.push_back('-');
      } else {
        append_escaped_logitem(out, v);
      }
      break;
    }
    case Kind::kEnv: {
      // httpd's log_env_variable: "-" when unset, an empty value as empty.
      std::optional<std::string_view> v;
      if (r.resp != nullptr) v = r.resp->env_value(op.arg);
      if (v) {
        append_escaped_logitem(out, *v);
      } else {
        out.push_back('-');
      }
      break;
    }
  }
}

}  // namespace

void LogFormat::format(const AccessRecord& r, std::string& out) const {
  for (const Op& op : ops_) {
    if (!op.conditions.empty()) {
      bool in_list = false;
      for (int code : op.conditions) {
        if (code == r.final_status) {
          in_list = true;
          break;
        }
      }
      if (in_list == op.negate) {
        out.push_back('-');
        continue;
      }
    }
    append_item(out, op, r);
  }
}

}  // namespace tern
