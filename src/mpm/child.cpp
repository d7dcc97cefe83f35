#include "mpm/child.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "mpm/listener.h"
#include "mpm/run_gate.h"

namespace tern {

namespace {
std::atomic<Listener*> g_listener{nullptr};
// 0: none, 1: graceful, 2: at once — a stop asked for before the listener ran.
std::atomic<int> g_pending_stop{0};
}  // namespace

void stop_child(bool graceful) {
  int want = graceful ? 1 : 2;
  int cur = g_pending_stop.load();
  while (cur < want && !g_pending_stop.compare_exchange_weak(cur, want)) {
  }
  if (Listener* l = g_listener.load()) l->stop(graceful);
}

ListenerSettings listener_settings(const Config& config, const Scoreboard& scoreboard,
                                   bool several_children) {
  ListenerSettings ls;
  ls.keep_alive_timeout_ms = config.keep_alive_timeout.count();
  ls.timeout_ms = config.timeout.count();
  const ReadTimeoutSpec& hr = config.header_read_timeout;
  const ReadTimeoutSpec& br = config.body_read_timeout;
  ls.header = ReadTimeoutRule{hr.initial_seconds, hr.max_seconds, hr.min_rate};
  ls.body = ReadTimeoutRule{br.initial_seconds, br.max_seconds, br.min_rate};
  const ReadTimeoutSpec& hs = config.handshake_read_timeout;
  ls.handshake = ReadTimeoutRule{hs.initial_seconds, hs.max_seconds, hs.min_rate};
  ls.threads = std::min(config.threads_per_child, scoreboard.thread_limit());
  ls.async_factor = config.async_request_worker_factor;
  ls.graceful_timeout_ms = config.graceful_shutdown_timeout.count();
  ls.max_connections = static_cast<uint64_t>(std::max(0, config.max_connections_per_child));
  ls.exclusive_accept = several_children;
  // One accepting child per CPU this process may run on; the others stand by.
  ls.accepting_children = several_children ? usable_cpus() : 0;
  return ls;
}

int run_child(const Config& config, const std::vector<ListenPort>& ports, Scoreboard& scoreboard,
              int slot, bool several_children) {
  const ListenerSettings ls = listener_settings(config, scoreboard, several_children);
  ProcessScore& ps = scoreboard.process(slot);
  ps.pid = getpid();
  if (ps.start_time_us.load() == 0) {
    ps.start_time_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  }
  Listener listener(ports, ls, scoreboard, slot);
  g_listener.store(&listener);
  if (int pending = g_pending_stop.load()) listener.stop(pending == 1);
  listener.run();
  g_listener.store(nullptr);
  return 0;
}

}  // namespace tern
