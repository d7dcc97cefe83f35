#include "mpm/spawn_policy.h"

#include <algorithm>

namespace tern {

int active_children_limit(int max_request_workers, int threads_per_child) {
  if (threads_per_child <= 0) return 0;
  return std::max(1, max_request_workers / threads_per_child);
}

SpawnDecision plan_maintenance(const SpawnInput& in) {
  SpawnDecision d;
  const int limit = std::min(active_children_limit(in.max_request_workers, in.threads_per_child),
                             in.server_limit);
  const int rate = std::clamp(in.spawn_rate, 1, kMaxSpawnRate);
  if (in.idle_threads > in.max_spare_threads) {
    // Stopping children keep their slot until their last connection ends. When
    // some are already stopping, only stop another if the scoreboard keeps more
    // free room than the active limit (room for a graceful restart), as httpd.
    d.stop_one = in.active_children > 1 && (in.active_children == in.total_children ||
                                            in.server_limit - in.total_children > limit);
    d.next_spawn_rate = 1;
    return d;
  }
  if (in.idle_threads < in.min_spare_threads) {
    if (in.active_children >= limit) {
      d.at_max_workers = true;
      d.next_spawn_rate = 1;
    } else if (in.free_slots <= 0) {
      d.scoreboard_full = true;
      d.next_spawn_rate = 1;
    } else {
      d.spawn = std::min({in.free_slots, rate, limit - in.active_children});
      d.next_spawn_rate = std::min(rate * 2, kMaxSpawnRate);
    }
    return d;
  }
  d.next_spawn_rate = 1;
  return d;
}

int64_t startup_backoff_ms(int consecutive_failures) {
  if (consecutive_failures <= 0) return 0;
  int shift = std::min(consecutive_failures - 1, 5);
  return int64_t{1000} << shift;
}

}  // namespace tern
