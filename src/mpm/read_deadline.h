#pragma once
// mod_reqtimeout's arithmetic, as httpd 2.4 documents `RequestReadTimeout`:
// a read phase (the request head, or its body) may take `initial` seconds from
// its start, extended by one second per `min_rate` bytes received in the phase,
// and never more than `max` seconds in all when a maximum is given.

#include <cstdint>
#include <optional>

namespace tern {

// One `type=initial[-max][,MinRate=rate]` rule (seconds, bytes per second).
struct ReadTimeoutRule {
  int initial_s = 0;  // 0: mod_reqtimeout imposes no limit on this phase
  int max_s = 0;      // 0: no maximum (the extension is unbounded)
  int min_rate = 0;   // 0: no extension
};

// The deadline (ms on the clock of `start_ms`) of a phase that started at
// `start_ms` and has received `bytes`; nullopt when the rule is disabled.
inline std::optional<int64_t> read_deadline_ms(const ReadTimeoutRule& r, int64_t start_ms,
                                               uint64_t bytes) {
  if (r.initial_s <= 0) return std::nullopt;
  const int64_t initial = int64_t{r.initial_s} * 1000;
  int64_t budget = initial;
  if (r.min_rate > 0) {
    // Saturate before multiplying: a phase of many gigabytes cannot overflow.
    const uint64_t limit = (uint64_t{1} << 40) / 1000;
    const uint64_t b = bytes < limit ? bytes : limit;
    budget += static_cast<int64_t>(b * 1000 / static_cast<uint64_t>(r.min_rate));
  }
  if (r.max_s > 0 && budget > int64_t{r.max_s} * 1000) budget = int64_t{r.max_s} * 1000;
  return start_ms + budget;
}

}  // namespace tern
