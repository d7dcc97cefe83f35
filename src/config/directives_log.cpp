// Setters for ErrorLog, LogLevel and mod_log_config's LogFormat/CustomLog/TransferLog.

#include "config/config_files.h"
#include "config/config_values.h"
#include "config/directive_setters.h"
#include "log/log_format.h"

namespace tern::cfg {

namespace {

// Refuses piped and syslog destinations; resolves a file against ServerRoot.
std::string log_path(const BuildState& st, const std::string& p, std::string& out) {
  if (!p.empty() && p.front() == '|') return "piped logs not supported";
  if (p.starts_with("syslog")) return "syslog is not supported by tern";
  if (p.empty()) return "empty log file name";
  std::string err = check_parent_directory(resolve_path(st.server_root, p), "log file");
  if (!err.empty()) return err;
  out = resolve_path(st.server_root, p);
  return "";
}

// Compiles `fmt` as start-up will, so a bad format fails here with file:line.
std::string check_format(const std::string& fmt) {
  std::string err;
  if (!LogFormat::compile(fmt, &err)) return err.empty() ? "invalid log format" : err;
  return "";
}

// Resolves a nickname, or accepts a literal format (one containing '%').
std::string resolve_format(const BuildState& st, const std::string& v, std::string& out) {
  auto it = st.cfg.log_formats.find(v);
  if (it != st.cfg.log_formats.end()) {
    out = it->second;
  } else if (v.find('%') != std::string::npos) {
    out = v;
  } else {
    return "undefined log format nickname '" + shorten(v) + "'";
  }
  return "";
}

}  // namespace

std::string set_error_log(BuildState& st, const Cmd& c) {
  return log_path(st, c.args[0].text, st.cfg.error_log);
}

std::string set_log_level(BuildState& st, const Cmd& c) {
  static const char* const kNames[] = {"emerg", "alert",  "crit", "error",
                                       "warn",  "notice", "info", "debug"};
  auto parse = [&](std::string_view v, LogLevel& out) {
    for (int i = 0; i < 8; ++i) {
      if (iequals(v, kNames[i])) {
        out = static_cast<LogLevel>(i);
        return true;
      }
    }
    if (v.size() == 6 && iequals(v.substr(0, 5), "trace") && v[5] >= '1' && v[5] <= '8') {
      out = LogLevel::kTrace;
      return true;
    }
    return false;
  };
  const char* kHelp =
      "LogLevel requires level keyword: one of emerg/alert/crit/error/warn/notice/info/debug/"
      "trace1/.../trace8";
  bool have_bare = false;
  LogLevel level = st.cfg.log_level;
  for (const Word& w : c.args) {
    size_t colon = w.text.find(':');
    LogLevel l;
    if (colon == std::string::npos) {
      if (!parse(w.text, l)) return kHelp;
      if (!have_bare) level = l;
      have_bare = true;
    } else if (colon == 0 || !parse(std::string_view(w.text).substr(colon + 1), l)) {
      return "'" + shorten(w.text) + "': " + kHelp;
    }
  }
  st.cfg.log_level = level;
  return "";
}

std::string set_log_format(BuildState& st, const Cmd& c) {
  const std::string& fmt = c.args[0].text;
  if (c.args.size() == 2 || fmt.find('%') != std::string::npos) {
    std::string err = check_format(fmt);
    if (!err.empty()) return err;
  }
  if (c.args.size() == 1) {
    std::string resolved;
    std::string err = resolve_format(st, fmt, resolved);
    if (!err.empty()) return err;
    st.transfer_log_format = resolved;
    return "";
  }
  const std::string& nick = c.args[1].text;
  if (nick.find('%') != std::string::npos)
    return "LogFormat nickname '" + shorten(nick) + "' must not contain %";
  st.cfg.log_formats[nick] = fmt;
  return "";
}

std::string set_custom_log(BuildState& st, const Cmd& c) {
  CustomLogSpec spec;
  if (c.args.size() == 3) {
    // httpd's add_custom_log: env=[!]VAR, or expr=… (not implemented: refused).
    std::string_view cond = c.args[2].text;
    if (cond.size() > 4 && cond.substr(0, 4) == "env=") {
      cond.remove_prefix(4);
      spec.env_negated = cond.front() == '!';
      if (spec.env_negated) cond.remove_prefix(1);
      if (cond.empty()) return "error in condition clause";
      spec.env = std::string(cond);
    } else if (cond.substr(0, 5) == "expr=") {
      return "conditional logging by expression ('" + shorten(c.args[2].text) +
             "') is not supported; use env=[!]VAR";
    } else {
      return "error in condition clause";
    }
  }
  std::string err = log_path(st, c.args[0].text, spec.path);
  if (!err.empty()) return err;
  err = resolve_format(st, c.args[1].text, spec.format);
  if (err.empty()) err = check_format(spec.format);
  if (!err.empty()) return err;
  st.cfg.custom_logs.push_back(std::move(spec));
  return "";
}

std::string set_transfer_log(BuildState& st, const Cmd& c) {
  CustomLogSpec spec;
  std::string err = log_path(st, c.args[0].text, spec.path);
  if (!err.empty()) return err;
  spec.format = st.transfer_log_format;
  st.cfg.custom_logs.push_back(std::move(spec));
  return "";
}

}  // namespace tern::cfg
