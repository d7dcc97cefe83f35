#include "mpm/child.h"

#include <time.h>
#include <unistd.h>

#include <atomic>

#include "handlers/server_header.h"
#include "mpm/listener.h"
#include "server/scoreboard.h"

namespace tern {

namespace {
std::atomic<Listener*> g_listener{nullptr};
// A stop that arrived before the listener existed: 0 none, 1 graceful, 2 at once.
std::atomic<int> g_pending_stop{0};

int64_t wall_clock_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}
}  // namespace

void stop_child(bool graceful) {
  // Record first, then look: run_child publishes the listener, then reads the
  // record, so a signal at any moment reaches it.
  int want = graceful ? 1 : 2;
  if (g_pending_stop.load() < want) g_pending_stop.store(want);
  if (Listener* l = g_listener.load()) l->stop(graceful);
}

int run_child(const Config& config, const std::vector<int>& listen_fds, const Handler& handler,
              AccessLogs* logs) {
  std::string err;
  auto scoreboard = Scoreboard::create(1, config.threads_per_child, "", &err);
  if (!scoreboard) return 1;
  return run_child(config, listen_fds, handler, logs, *scoreboard, 0);
}

int run_child(const Config& config, const std::vector<int>& listen_fds, const Handler& handler,
              AccessLogs* logs, Scoreboard& scoreboard, int slot) {
  ConnectionSettings cs;
  cs.limits.request_line = config.limit_request_line;
  cs.limits.field_size = config.limit_request_field_size;
  cs.limits.fields = config.limit_request_fields;
  cs.limits.body = config.limit_request_body;
  cs.keep_alive = config.keep_alive;
  cs.max_keep_alive_requests = config.max_keep_alive_requests;
  cs.keep_alive_timeout_s = static_cast<int>((config.keep_alive_timeout.count() + 999) / 1000);
  cs.enable_sendfile = config.enable_sendfile;
  std::string server = server_header_value(config.server_tokens);
  cs.server_line = server.empty() ? "" : "Server: " + server + "\r\n";
  cs.server_name = config.server_name;

  ListenerSettings ls;
  ls.keep_alive_timeout_ms = config.keep_alive_timeout.count();
  ls.timeout_ms = config.timeout.count();
  ls.header_timeout_s = config.header_read_timeout.initial_seconds;
  ls.header_max_s = config.header_read_timeout.max_seconds;
  ls.header_min_rate = config.header_read_timeout.min_rate;
  ls.body_timeout_s = config.body_read_timeout.initial_seconds;
  ls.body_max_s = config.body_read_timeout.max_seconds;
  ls.body_min_rate = config.body_read_timeout.min_rate;
  ls.threads = config.threads_per_child;
  ls.async_factor = config.async_request_worker_factor;
  ls.graceful_timeout_ms = config.graceful_shutdown_timeout.count();

  ConnectionEnv env;
  env.settings = &cs;
  env.handler = &handler;
  env.logs = logs;

  ProcessScore& ps = scoreboard.process(slot);
  ps.pid = getpid();
  ps.generation = scoreboard.global().generation.load();
  ps.start_time_us = wall_clock_us();
  Listener listener(listen_fds, ls, env, scoreboard, slot);
  g_listener.store(&listener);
  if (int pending = g_pending_stop.load()) listener.stop(pending == 1);
  listener.run();
  g_listener.store(nullptr);
  return 0;
}

}  // namespace tern
