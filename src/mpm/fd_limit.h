#pragma once
// The descriptor limit (RLIMIT_NOFILE). A waiting connection costs tern a
// descriptor and a little memory, not a thread, so the soft limit is raised to
// the hard one at start-up and the error log says what it became.

#include <cstdint>

#include "config/config.h"

namespace tern {

// RLIMIT_NOFILE before and after raise_fd_limit().
struct FdLimit {
  uint64_t before = 0;  // soft limit found
  uint64_t soft = 0;    // soft limit now
  uint64_t hard = 0;
  bool ok = false;  // getrlimit succeeded
};

// Raises the soft RLIMIT_NOFILE to the hard limit (before forking: children inherit it).
FdLimit raise_fd_limit();

// Descriptors one process may need under `c`: every connection admission lets in
// with all workers idle, one open file per worker, and a reserve for the process.
uint64_t fds_needed_per_process(const Config& c);

// Logs at notice what the limit became, and warns when it is below what `c` admits.
void log_fd_limit(const FdLimit& limit, const Config& c);

}  // namespace tern
