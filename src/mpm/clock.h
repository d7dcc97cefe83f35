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

}  // namespace tern
