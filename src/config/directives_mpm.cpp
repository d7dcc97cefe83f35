// Setters for the event MPM and process directives, and httpd's limit checks.

#include <climits>
#include <initializer_list>

#include "config/config_files.h"
#include "config/config_values.h"
#include "config/directive_setters.h"
#include "server/privileges.h"

namespace tern::cfg {

namespace {

// httpd's compile-time limits for the event MPM.
constexpr int kMaxServerLimit = 20000;
constexpr int kMaxThreadLimit = 100000;

// Records where `c` was set (under its canonical name) and parses a count >= 0.
std::string set_count(BuildState& st, const Cmd& c, const char* name, int& out) {
  long long v = 0;
  std::string err = parse_int(c.args[0].text, 0, INT_MAX, v);
  if (!err.empty()) return err;
  out = static_cast<int>(v);
  st.seen[name] = {c.file, c.line};
  return "";
}

}  // namespace

std::string set_async_request_worker_factor(BuildState& st, const Cmd& c) {
  return parse_positive_decimal(c.args[0].text, st.cfg.async_request_worker_factor);
}

std::string set_start_servers(BuildState& st, const Cmd& c) {
  return set_count(st, c, "StartServers", st.cfg.start_servers);
}

std::string set_server_limit(BuildState& st, const Cmd& c) {
  return set_count(st, c, "ServerLimit", st.cfg.server_limit);
}

std::string set_thread_limit(BuildState& st, const Cmd& c) {
  return set_count(st, c, "ThreadLimit", st.cfg.thread_limit);
}

std::string set_threads_per_child(BuildState& st, const Cmd& c) {
  return set_count(st, c, "ThreadsPerChild", st.cfg.threads_per_child);
}

std::string set_max_request_workers(BuildState& st, const Cmd& c) {
  if (c.name == "MaxClients")
    st.warn({c.file, c.line}, "MaxClients is deprecated, use MaxRequestWorkers instead");
  return set_count(st, c, "MaxRequestWorkers", st.cfg.max_request_workers);
}

std::string set_min_spare_threads(BuildState& st, const Cmd& c) {
  return set_count(st, c, "MinSpareThreads", st.cfg.min_spare_threads);
}

std::string set_max_spare_threads(BuildState& st, const Cmd& c) {
  return set_count(st, c, "MaxSpareThreads", st.cfg.max_spare_threads);
}

std::string set_max_connections_per_child(BuildState& st, const Cmd& c) {
  if (c.name == "MaxRequestsPerChild")
    st.warn({c.file, c.line}, "MaxRequestsPerChild is deprecated, use MaxConnectionsPerChild");
  return set_count(st, c, "MaxConnectionsPerChild", st.cfg.max_connections_per_child);
}

std::string set_graceful_shutdown_timeout(BuildState& st, const Cmd& c) {
  return parse_duration(c.args[0].text, st.cfg.graceful_shutdown_timeout);
}

std::string set_user(BuildState& st, const Cmd& c) {
  // Resolved now, as httpd does, so -t refuses a user start-up could not switch to.
  Identity id;
  std::string err;
  if (!resolve_identity(c.args[0].text, "", &id, &err))
    return "bad user name " + shorten(c.args[0].text);
  st.cfg.user = c.args[0].text;
  return "";
}

std::string set_group(BuildState& st, const Cmd& c) {
  Identity id;
  std::string err;
  if (!resolve_identity("", c.args[0].text, &id, &err))
    return "bad group name " + shorten(c.args[0].text);
  st.cfg.group = c.args[0].text;
  return "";
}

std::string set_scoreboard_file(BuildState& st, const Cmd& c) {
  std::string p = resolve_path(st.server_root, c.args[0].text);
  std::string err = check_parent_directory(p, "ScoreBoardFile");
  if (!err.empty()) return err;
  st.cfg.scoreboard_file = std::move(p);
  return "";
}

std::string set_extended_status(BuildState& st, const Cmd& c) {
  return parse_flag(c.args[0].text, st.cfg.extended_status);
}

void finish_mpm(BuildState& st) {
  Config& c = st.cfg;
  // Where to report a change: the directive itself, else the one that caused it.
  auto at = [&](std::initializer_list<const char*> names) -> Where {
    for (const char* n : names) {
      auto it = st.seen.find(n);
      if (it != st.seen.end()) return it->second;
    }
    return {c.config_file, 0};
  };
  auto num = [](int v) { return std::to_string(v); };

  if (c.server_limit > kMaxServerLimit) {
    st.warn(at({"ServerLimit"}), "ServerLimit of " + num(c.server_limit) +
                                     " exceeds compile-time limit of " + num(kMaxServerLimit) +
                                     " servers, lowered to " + num(kMaxServerLimit));
    c.server_limit = kMaxServerLimit;
  } else if (c.server_limit < 1) {
    st.warn(at({"ServerLimit"}),
            "ServerLimit of " + num(c.server_limit) + " not allowed, raised to 1");
    c.server_limit = 1;
  }
  if (c.thread_limit > kMaxThreadLimit) {
    st.warn(at({"ThreadLimit"}), "ThreadLimit of " + num(c.thread_limit) +
                                     " exceeds compile-time limit of " + num(kMaxThreadLimit) +
                                     " threads, lowered to " + num(kMaxThreadLimit));
    c.thread_limit = kMaxThreadLimit;
  } else if (c.thread_limit < 1) {
    st.warn(at({"ThreadLimit"}),
            "ThreadLimit of " + num(c.thread_limit) + " not allowed, raised to 1");
    c.thread_limit = 1;
  }
  if (c.threads_per_child > c.thread_limit) {
    st.warn(at({"ThreadsPerChild", "ThreadLimit"}),
            "ThreadsPerChild of " + num(c.threads_per_child) + " exceeds ThreadLimit of " +
                num(c.thread_limit) + ", lowered to " + num(c.thread_limit));
    c.threads_per_child = c.thread_limit;
  } else if (c.threads_per_child < 1) {
    st.warn(at({"ThreadsPerChild"}),
            "ThreadsPerChild of " + num(c.threads_per_child) + " not allowed, raised to 1");
    c.threads_per_child = 1;
  }
  const int tpc = c.threads_per_child;
  if (!st.was_set("MaxRequestWorkers")) {
    c.max_request_workers = c.server_limit * tpc;
  } else {
    const Where w = at({"MaxRequestWorkers"});
    if (c.max_request_workers < tpc) {
      st.warn(w, "MaxRequestWorkers of " + num(c.max_request_workers) +
                     " is less than ThreadsPerChild of " + num(tpc) + ", raised to " + num(tpc));
      c.max_request_workers = tpc;
    }
    if (c.max_request_workers % tpc != 0) {
      const int rounded = c.max_request_workers / tpc * tpc;
      st.warn(w, "MaxRequestWorkers of " + num(c.max_request_workers) +
                     " is not an integer multiple of ThreadsPerChild of " + num(tpc) +
                     ", lowered to " + num(rounded));
      c.max_request_workers = rounded;
    }
    if (c.max_request_workers / tpc > c.server_limit) {
      const int capped = c.server_limit * tpc;
      st.warn(w, "MaxRequestWorkers of " + num(c.max_request_workers) + " would require " +
                     num(c.max_request_workers / tpc) + " servers and exceed ServerLimit of " +
                     num(c.server_limit) + ", lowered to " + num(capped));
      c.max_request_workers = capped;
    }
  }
  const int active_limit = c.max_request_workers / tpc;
  if (c.start_servers < 1) {
    st.warn(at({"StartServers"}),
            "StartServers of " + num(c.start_servers) + " not allowed, raised to 1");
    c.start_servers = 1;
  } else if (c.start_servers > active_limit) {
    st.warn(at({"StartServers", "MaxRequestWorkers", "ServerLimit", "ThreadsPerChild"}),
            "StartServers of " + num(c.start_servers) + " exceeds the " + num(active_limit) +
                " servers allowed by MaxRequestWorkers/ThreadsPerChild, lowered to " +
                num(active_limit));
    c.start_servers = active_limit;
  }
  if (c.min_spare_threads < 1) {
    st.warn(at({"MinSpareThreads"}),
            "MinSpareThreads of " + num(c.min_spare_threads) + " not allowed, raised to 1");
    c.min_spare_threads = 1;
  }
  if (c.max_spare_threads < c.min_spare_threads + tpc) {
    const int raised = c.min_spare_threads + tpc;
    st.warn(at({"MaxSpareThreads", "MinSpareThreads", "ThreadsPerChild", "ThreadLimit"}),
            "MaxSpareThreads of " + num(c.max_spare_threads) +
                " is less than MinSpareThreads + ThreadsPerChild, raised to " + num(raised));
    c.max_spare_threads = raised;
  }
}

}  // namespace tern::cfg
