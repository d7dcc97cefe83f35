#pragma once
// server-status: a consistent-enough snapshot of the scoreboard and of the
// process (CPU times, load averages) in plain structs, shared by the renderers
// (status_html.cpp, status_auto.cpp, status_json.cpp, status_metrics.cpp), plus
// the number and time formatting that httpd's mod_status uses.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/scoreboard.h"

namespace tern {

// Server-wide facts that the scoreboard does not hold; fixed at start-up.
struct StatusInfo {
  std::string server_version;  // "tern/0.1.0 (Unix)"
  std::string server_built;    // "2026-11-12T08:58:41" (httpd's ISO form)
  std::string mpm = "event";
  int64_t restart_time_us = 0;     // wall clock of the last (re)start
  uint32_t config_generation = 1;  // ParentServerConfigGeneration
  uint32_t mpm_generation = 0;     // ParentServerMPMGeneration
  int server_limit = 0;
  int thread_limit = 0;
  int threads_per_child = 0;
  bool extended_status = true;  // ExtendedStatus
};

// One worker thread as shown in the ExtendedStatus table.
struct WorkerRow {
  int slot = 0;
  int thread = 0;
  pid_t pid = 0;
  uint32_t generation = 0;
  char status = '.';
  uint64_t accesses = 0;
  uint64_t bytes = 0;
  uint64_t conn_count = 0;
  uint64_t conn_bytes = 0;
  int64_t last_start_us = 0;
  int64_t last_duration_us = 0;
  uint64_t duration_total_us = 0;
  double cpu_seconds = 0;  // the thread's user+system CPU (its process's if unreadable)
  std::string client, protocol, vhost, request, method;
};

// One child process (a used scoreboard slot).
struct ProcessRow {
  int slot = 0;
  pid_t pid = 0;
  uint32_t generation = 0;
  Quiescing quiescing = Quiescing::kNo;
  bool accepting = true;
  int64_t connections = 0, writing = 0, keep_alive = 0, closing = 0, reading = 0, parked = 0;
  uint64_t accepted = 0, starvation_closed = 0, accept_errors = 0, admission_closed = 0;
  int busy = 0, graceful = 0, idle = 0;
  int64_t start_time_us = 0;
  double cpu_user = 0, cpu_system = 0;  // seconds
};

// SSLSessionCache's shared store, as mod_ssl's status hook reports shmcb's. tern's store is
// one ring: one "subcache" whose index slots are all of the cache's.
struct TlsCacheStatus {
  uint64_t shared_memory = 0;  // SSLSessionCache's size in bytes
  uint64_t entries = 0;        // sessions held
  uint64_t index_used = 0, index_slots = 0;
  uint64_t data_used = 0, data_bytes = 0;
  int64_t oldest_left_s = 0;  // seconds left to the oldest entry
  bool has_oldest = false;    // false when the cache is empty
  uint64_t stores = 0, replaces = 0, expired = 0, discarded = 0;
  uint64_t retrieve_hits = 0, retrieve_misses = 0, remove_hits = 0, remove_misses = 0;
};

// shmcb's "index usage" and "cache usage" percentages (integer, rounded down).
int tls_cache_index_pct(const TlsCacheStatus& c);
int tls_cache_data_pct(const TlsCacheStatus& c);

// Everything the renderers show.
struct StatusSnapshot {
  const StatusInfo* info = nullptr;
  std::string host;  // the server name the request was addressed to
  std::string via;   // the local address it arrived on
  int64_t now_us = 0;
  int64_t uptime_s = 0;
  // The parent's generations: the scoreboard's (bumped by a graceful restart) when
  // set, else StatusInfo's.
  uint32_t config_generation = 1, mpm_generation = 0;
  double load[3] = {-1, -1, -1};
  uint64_t accesses = 0;
  uint64_t bytes = 0;
  uint64_t duration_us = 0;
  double cpu_user = 0, cpu_system = 0, cpu_children_user = 0, cpu_children_system = 0;
  int busy = 0, graceful = 0, idle = 0;
  int processes = 0, stopping = 0;
  int64_t connections = 0, writing = 0, keep_alive = 0, closing = 0, reading = 0, parked = 0;
  uint64_t accepted = 0, starvation_closed = 0, accept_errors = 0, admission_closed = 0;
  std::string scoreboard;  // one status key per slot×thread (ServerLimit × ThreadLimit)
  std::vector<ProcessRow> procs;
  std::vector<WorkerRow> workers;           // ExtendedStatus: slots that served or serve something
  std::optional<TlsCacheStatus> tls_cache;  // SSLSessionCache shmcb configured
};

// Copies the scoreboard into a snapshot; worker rows only when `with_workers`.
StatusSnapshot take_snapshot(const Scoreboard& sb, const StatusInfo& info, bool with_workers);

// Reads utime/stime/cutime/cstime (seconds) of `pid` from /proc; false if unreadable.
bool read_process_cpu(pid_t pid, double out[4]);
// The same for thread `tid` of process `pid` (its own CPU only; cu/cs are 0).
bool read_thread_cpu(pid_t pid, pid_t tid, double out[4]);

// `v` formatted as APR's "%.<precision>g" (httpd's numbers: ".5", "1.5", "1e+06").
std::string format_g(double v, int precision = 6);

// httpd's time form "Thursday, 26-Nov-2026 08:19:33 UTC" in local time.
std::string format_status_time(int64_t unix_us);

// httpd's uptime form: " 1 day 2 hours 3 minutes 4 seconds" (leading space; empty for 0).
std::string format_uptime(int64_t seconds);

// The current wall clock in microseconds.
int64_t status_now_us();

}  // namespace tern
