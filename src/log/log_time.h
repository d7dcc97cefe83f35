#pragma once
// Per-thread cache of broken-down local time, one conversion per second per
// thread, for the access log's %t and the error log's timestamp.

#include <cstdint>
#include <ctime>
#include <string_view>

namespace tern {

// The local time of `epoch_sec` (localtime_r), cached per thread; the reference
// stays valid until the calling thread's next call.
const std::tm& cached_localtime(int64_t epoch_sec);

// "[26/Nov/2026:07:30:00 +0000]" for `epoch_sec` in local time, cached per thread;
// the view stays valid until the calling thread's next call.
std::string_view clf_time(int64_t epoch_sec);

// How many conversions the calling thread has done (cache misses); for tests.
uint64_t time_cache_misses();

}  // namespace tern
