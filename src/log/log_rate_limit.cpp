#include "log/log_rate_limit.h"

namespace tern {

bool LogRateLimiter::event(int64_t now_ms, uint64_t n) {
  if (n == 0) return false;
  if (!logged_ || (pending_ == 0 && now_ms - last_line_ms_ >= interval_ms_)) {
    logged_ = true;
    last_line_ms_ = now_ms;
    return true;
  }
  pending_ += n;
  return false;
}

LogRateLimiter::Summary LogRateLimiter::take_summary(int64_t now_ms) {
  Summary s;
  if (pending_ == 0 || now_ms - last_line_ms_ < interval_ms_) return s;
  s.count = pending_;
  s.since_ms = now_ms - last_line_ms_;
  pending_ = 0;
  last_line_ms_ = now_ms;
  return s;
}

}  // namespace tern
