// Setters for core, mime, dir, reqtimeout and http-semantics directives.

#include <unistd.h>

#include <climits>

#include "config/config_files.h"
#include "config/config_values.h"
#include "config/directive_setters.h"

namespace tern::cfg {

namespace {

const std::string& arg(const Cmd& c, size_t i) {
  return c.args[i].text;
}

// Parses arg 0 as an integer in [lo, hi] into `out`.
template <typename T>
std::string set_int(const Cmd& c, long long lo, long long hi, T& out) {
  long long v = 0;
  std::string err = parse_int(arg(c, 0), lo, hi, v);
  if (!err.empty()) return err;
  out = static_cast<T>(v);
  return "";
}

}  // namespace

std::string set_server_root(BuildState& st, const Cmd& c) {
  std::string p = arg(c, 0);
  if (p.empty() || p.front() != '/') {
    char buf[PATH_MAX];
    if (::getcwd(buf, sizeof buf) == nullptr) return "cannot determine the current directory";
    p = resolve_path(buf, p);
  } else {
    p = resolve_path("/", p);
  }
  if (!is_directory(p)) return "ServerRoot must be a valid directory ('" + p + "')";
  st.server_root = p;
  return "";
}

std::string set_listen(BuildState& st, const Cmd& c) {
  ListenSpec l;
  std::string err = parse_listen_address(arg(c, 0), l.host, l.port);
  if (!err.empty()) return err;
  if (c.args.size() == 2) {
    if (!iequals(arg(c, 1), "http") && !iequals(arg(c, 1), "https"))
      return "protocol '" + shorten(arg(c, 1)) + "' is not supported by tern (http or https)";
    l.protocol = to_lower(arg(c, 1));
  } else {
    l.protocol_default = true;
    if (l.port == 443) l.protocol = "https";  // httpd's listen.c
  }
  for (const ListenSpec& o : st.cfg.listens) {
    if (o.host == l.host && o.port == l.port)
      return "duplicate Listen " + shorten(arg(c, 0)) + " (already at " + o.file + ":" +
             std::to_string(o.line) + ")";
  }
  l.file = c.file;
  l.line = c.line;
  st.cfg.listens.push_back(l);
  return "";
}

std::string set_server_name(BuildState& st, const Cmd& c) {
  std::string_view v = arg(c, 0);
  size_t scheme = v.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view s = v.substr(0, scheme);
    if (!iequals(s, "http") && !iequals(s, "https"))
      return "scheme '" + shorten(s) + "' is not http or https";
    v.remove_prefix(scheme + 3);
  }
  // httpd's form: [scheme://]fully-qualified-domain-name[:port]; the name is sent back in
  // redirects, so it must be a host name, not any string.
  std::string err = validate_host_port(v);
  if (!err.empty()) return err;
  st.cfg.server_name = std::string(v);
  return "";
}

std::string set_document_root(BuildState& st, const Cmd& c) {
  std::string p = resolve_path(st.server_root, arg(c, 0));
  if (!is_directory(p)) return "DocumentRoot '" + p + "' is not a directory, or is not readable";
  st.cfg.document_root = p;
  return "";
}

std::string set_directory_index(BuildState& st, const Cmd& c) {
  if (!st.directory_index_set) st.cfg.directory_index.clear();
  st.directory_index_set = true;
  for (const Word& w : c.args) {
    if (iequals(w.text, "disabled")) {
      if (c.args.size() != 1) return "'disabled' must be the only argument";
      st.cfg.directory_index.clear();
      return "";
    }
    st.cfg.directory_index.push_back(w.text);
  }
  return "";
}

std::string set_types_config(BuildState& st, const Cmd& c) {
  std::string p = resolve_path(st.server_root, arg(c, 0));
  // A regular file (or /dev/null) only: start-up reads it whole, and a FIFO would block.
  if (!check_readable_file(p).empty()) return "could not open mime types config file " + p;
  st.cfg.types_config = p;
  return "";
}

std::string set_keep_alive(BuildState& st, const Cmd& c) {
  return parse_flag(arg(c, 0), st.cfg.keep_alive);
}

std::string set_keep_alive_timeout(BuildState& st, const Cmd& c) {
  return parse_duration(arg(c, 0), st.cfg.keep_alive_timeout);
}

std::string set_max_keep_alive_requests(BuildState& st, const Cmd& c) {
  return set_int(c, 0, INT_MAX, st.cfg.max_keep_alive_requests);
}

std::string set_timeout(BuildState& st, const Cmd& c) {
  return parse_duration(arg(c, 0), st.cfg.timeout);
}

std::string set_accept_filter(BuildState& st, const Cmd& c) {
  // httpd keeps the last filter named for each protocol.
  st.cfg.accept_filters[std::string(arg(c, 0))] = std::string(arg(c, 1));
  return "";
}

std::string set_listen_backlog(BuildState& st, const Cmd& c) {
  return set_int(c, 1, INT_MAX, st.cfg.listen_backlog);
}

std::string set_limit_request_line(BuildState& st, const Cmd& c) {
  return set_int(c, 0, INT_MAX, st.cfg.limit_request_line);
}

std::string set_limit_request_field_size(BuildState& st, const Cmd& c) {
  return set_int(c, 0, INT_MAX, st.cfg.limit_request_field_size);
}

std::string set_limit_request_fields(BuildState& st, const Cmd& c) {
  return set_int(c, 0, INT_MAX, st.cfg.limit_request_fields);
}

std::string set_limit_request_body(BuildState& st, const Cmd& c) {
  return set_int(c, 0, 2147483647LL, st.cfg.limit_request_body);
}

std::string set_pid_file(BuildState& st, const Cmd& c) {
  std::string p = resolve_path(st.server_root, arg(c, 0));
  std::string err = check_parent_directory(p, "PidFile");
  if (!err.empty()) return err;
  st.cfg.pid_file = std::move(p);
  return "";
}

std::string set_server_tokens(BuildState& st, const Cmd& c) {
  const std::string& v = arg(c, 0);
  ServerTokens t;
  if (iequals(v, "Full")) {
    t = ServerTokens::kFull;
  } else if (iequals(v, "OS")) {
    t = ServerTokens::kOS;
  } else if (iequals(v, "Minimal") || iequals(v, "Min")) {
    t = ServerTokens::kMinimal;
  } else if (iequals(v, "Minor")) {
    t = ServerTokens::kMinor;
  } else if (iequals(v, "Major")) {
    t = ServerTokens::kMajor;
  } else if (iequals(v, "Prod") || iequals(v, "ProductOnly")) {
    t = ServerTokens::kProd;
  } else {
    return "'" + shorten(v) + "' is not one of Full, OS, Minimal, Minor, Major, Prod";
  }
  st.cfg.server_tokens = t;
  return "";
}

std::string set_enable_sendfile(BuildState& st, const Cmd& c) {
  return parse_flag(arg(c, 0), st.cfg.enable_sendfile);
}

std::string set_max_ranges(BuildState& st, const Cmd& c) {
  const std::string& v = arg(c, 0);
  if (iequals(v, "default")) {
    st.cfg.max_ranges = 200;
  } else if (iequals(v, "unlimited")) {
    st.cfg.max_ranges = -1;
  } else if (iequals(v, "none")) {
    st.cfg.max_ranges = 0;
  } else {
    std::string err = set_int(c, 1, INT_MAX, st.cfg.max_ranges);
    if (!err.empty()) return err + "; use default, unlimited, none or a positive number";
  }
  return "";
}

std::string set_trace_enable(BuildState& st, const Cmd& c) {
  const std::string& v = arg(c, 0);
  if (iequals(v, "on") || iequals(v, "extended")) {
    st.cfg.trace_enable = true;
  } else if (iequals(v, "off")) {
    st.cfg.trace_enable = false;
  } else {
    return "must be On, Off or extended";
  }
  return "";
}

namespace {

// Parses "20", "20-40" into initial/max seconds.
std::string parse_timeout_range(std::string_view v, ReadTimeoutSpec& t) {
  size_t dash = v.find('-');
  long long lo = 0, hi = 0;
  std::string err = parse_int(v.substr(0, dash), 0, INT_MAX, lo);
  if (!err.empty()) return "timeout " + err;
  if (dash != std::string_view::npos) {
    err = parse_int(v.substr(dash + 1), 0, INT_MAX, hi);
    if (!err.empty()) return "maximum timeout " + err;
    if (hi <= lo) return "maximum timeout must be larger than initial timeout";
  }
  t.initial_seconds = static_cast<int>(lo);
  t.max_seconds = static_cast<int>(hi);
  return "";
}

}  // namespace

std::string set_request_read_timeout(BuildState& st, const Cmd& c) {
  for (const Word& w : c.args) {
    size_t eq = w.text.find('=');
    if (eq == std::string::npos)
      return "'" + shorten(w.text) + "' must be of the form type=timeout";
    std::string type = to_lower(w.text.substr(0, eq));
    std::string_view rest = std::string_view(w.text).substr(eq + 1);
    ReadTimeoutSpec t;
    size_t comma = rest.find(',');
    std::string err = parse_timeout_range(rest.substr(0, comma), t);
    if (!err.empty()) return type + ": " + err;
    if (comma != std::string_view::npos) {
      std::string_view opt = rest.substr(comma + 1);
      size_t oeq = opt.find('=');
      if (oeq == std::string_view::npos || !iequals(opt.substr(0, oeq), "minrate"))
        return "unknown option '" + shorten(opt) + "' (only MinRate=)";
      long long rate = 0;
      err = parse_int(opt.substr(oeq + 1), 1, INT_MAX, rate);
      if (!err.empty()) return "MinRate " + err;
      t.min_rate = static_cast<int>(rate);
    }
    if (t.max_seconds != 0 && t.min_rate == 0)
      return "Must set MinRate option if using timeout range";
    if (type == "header") {
      st.cfg.header_read_timeout = t;
    } else if (type == "body") {
      st.cfg.body_read_timeout = t;
    } else if (type == "handshake") {
      st.cfg.handshake_read_timeout = t;
    } else {
      return "unknown timeout type '" + shorten(type) + "' (handshake, header or body)";
    }
  }
  return "";
}

}  // namespace tern::cfg
