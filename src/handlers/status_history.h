#pragma once
// server-status: a short history of the server's load for the HTML chart and
// ?json. A ring of samples (default 60, at most one per 5 s: the last five
// minutes), appended lazily: each status or metrics request adds a sample when
// the interval has passed since the last one. No thread, so it survives fork;
// each process keeps the history of the requests it served.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "handlers/status_model.h"

namespace tern {

// One point of the history.
struct HistorySample {
  int64_t time_us = 0;
  uint64_t accesses = 0;   // cumulative
  double req_per_sec = 0;  // since the previous sample (0 for the first)
  int64_t writing = 0, keep_alive = 0, closing = 0, reading = 0;
  int busy = 0;
};

// Thread-safe ring of samples.
class StatusHistory {
 public:
  // Keeps `capacity` samples taken at least `interval_us` apart.
  explicit StatusHistory(size_t capacity = 60, int64_t interval_us = 5'000'000);
  // Records `s` when the interval has passed since the last sample (or none exists).
  void observe(const StatusSnapshot& s);
  // The samples, oldest first.
  std::vector<HistorySample> samples() const;
  // The sampling interval in microseconds.
  int64_t interval_us() const { return interval_us_; }

 private:
  mutable std::mutex mu_;
  std::vector<HistorySample> ring_;
  size_t capacity_;
  size_t next_ = 0;
  int64_t interval_us_;
};

}  // namespace tern
