#pragma once
// AsyncRequestWorkerFactor admission, as Apache httpd 2.4's mpm_event documents:
// a process accepts new connections only while its connections that are not
// closing are fewer than ThreadsPerChild + AsyncRequestWorkerFactor × idle workers.

#include <cstdint>

namespace tern {

// The connection bound for a process with `threads` workers, `idle` of them idle.
inline int64_t admission_limit(int threads, double factor, int idle) {
  return static_cast<int64_t>(threads + factor * idle);
}

// True when a process should accept: `open_not_closing` below the bound.
inline bool admission_allows(int64_t open_not_closing, int threads, double factor, int idle) {
  return open_not_closing < admission_limit(threads, factor, idle);
}

}  // namespace tern
