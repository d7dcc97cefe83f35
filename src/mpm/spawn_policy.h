#pragma once
// The arithmetic of httpd 2.4 event MPM's perform_idle_server_maintenance and
// of the start-up failure back-off, kept free of processes and clocks so that
// it can be unit-tested.

#include <cstdint>

namespace tern {

// httpd's MAX_SPAWN_RATE: at most this many children forked per second.
inline constexpr int kMaxSpawnRate = 32;

// What one maintenance pass sees in the scoreboard.
struct SpawnInput {
  int idle_threads = 0;     // idle (or starting) workers of active, current-generation children
  int active_children = 0;  // live children that are not stopping
  int total_children = 0;   // live children, stopping ones included
  int free_slots = 0;       // scoreboard slots without a process
  int server_limit = 16;
  int threads_per_child = 25;
  int max_request_workers = 400;
  int min_spare_threads = 75;
  int max_spare_threads = 250;
  int spawn_rate = 1;  // the rate carried over from the previous pass (1..32)
};

// What the pass decides.
struct SpawnDecision {
  int spawn = 0;          // children to fork now
  bool stop_one = false;  // ask one child to stop gracefully (too many idle threads)
  int next_spawn_rate = 1;
  bool at_max_workers = false;   // wanted more but MaxRequestWorkers is reached
  bool scoreboard_full = false;  // wanted more but no slot is free
};

// MaxRequestWorkers / ThreadsPerChild: the limit on active (not stopping) children.
int active_children_limit(int max_request_workers, int threads_per_child);

// One idle-server maintenance pass, as httpd 2.4.24+: below MinSpareThreads
// spawn up to `spawn_rate` children (the rate doubles per pass up to 32, and
// resets to 1 otherwise), never beyond active_children_limit() active children
// nor the free slots; above MaxSpareThreads stop one child, unless stopping
// children already fill the slack that ServerLimit leaves beyond the active limit.
SpawnDecision plan_maintenance(const SpawnInput& in);

// Delay before the next fork after `consecutive_failures` children died during
// start-up: 0 for none, then 1 s doubling up to 32 s.
int64_t startup_backoff_ms(int consecutive_failures);

}  // namespace tern
