#pragma once
// Monotonic milliseconds for timeouts.

#include <time.h>

#include <cstdint>

namespace tern {

// Milliseconds of CLOCK_MONOTONIC.
inline int64_t monotonic_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// CLOCK_MONOTONIC_COARSE in milliseconds: the last tick's time (a few ms behind at most),
// read without the TSC. For stamps taken per worker batch that tolerate a tick of error
// (busy and free times); not for deadlines, which must never come early.
inline int64_t coarse_monotonic_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// A time in milliseconds never before monotonic_ms(), read without the TSC: the coarse
// clock plus its resolution (one tick). For the stamps every hand-back takes, from which
// deadlines are computed: a deadline then comes at most a tick late, never early.
inline int64_t coarse_monotonic_ceil_ms() {
  static const int64_t tick_ms = [] {
    timespec r{};
    clock_getres(CLOCK_MONOTONIC_COARSE, &r);
    return static_cast<int64_t>(r.tv_sec) * 1000 + (r.tv_nsec + 999999) / 1000000;
  }();
  return coarse_monotonic_ms() + tick_ms;
}

}  // namespace tern
