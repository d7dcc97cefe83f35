#pragma once
// Rate limiting for error-log lines about one kind of recurring event (a failed
// accept, the admission door closing, a starvation close): the first event is
// logged at once, later ones are counted, and at most one summary line per
// interval says how many more happened. The clock is passed in (testable).

#include <cstdint>

namespace tern {

// One kind of event's limiter. Not thread-safe: one owner thread calls it.
class LogRateLimiter {
 public:
  // A summary that is due: `count` events since the last line, `since_ms` ago.
  struct Summary {
    uint64_t count = 0;
    int64_t since_ms = 0;
  };

  // At most one line (first or summary) per `interval_ms`.
  explicit LogRateLimiter(int64_t interval_ms) : interval_ms_(interval_ms) {}

  // Records `n` events at `now_ms` (a batch, e.g. connections closed in one pass);
  // true when the caller should log them now (no line in the last interval and
  // nothing counted), else they are counted for the next summary.
  bool event(int64_t now_ms, uint64_t n = 1);

  // The events counted since the last line when an interval has passed since
  // it (count 0 otherwise); a non-empty result resets the count and is a line.
  Summary take_summary(int64_t now_ms);

  // Events counted and not yet summarised.
  uint64_t pending() const { return pending_; }

 private:
  int64_t interval_ms_;
  bool logged_ = false;
  int64_t last_line_ms_ = 0;
  uint64_t pending_ = 0;
};

}  // namespace tern
