#include "log/log_time.h"

#include <cstdio>
#include <limits>

namespace tern {
namespace {

constexpr const char* kMonths[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// One cached second. Two slots (even/odd seconds) so that begin and end times of a
// request that straddles a second boundary do not evict each other.
struct Slot {
  int64_t sec = std::numeric_limits<int64_t>::min();
  std::tm tm{};
  char clf[40] = {};
  size_t clf_len = 0;
};

struct Cache {
  Slot slots[2];
  uint64_t misses = 0;
};

thread_local Cache t_cache;

Slot& lookup(int64_t sec) {
  Slot& s = t_cache.slots[sec & 1];
  if (s.sec == sec) return s;
  ++t_cache.misses;
  time_t t = static_cast<time_t>(sec);
  if (!localtime_r(&t, &s.tm)) s.tm = std::tm{};
  long off = s.tm.tm_gmtoff;
  char sign = '+';
  if (off < 0) {
    sign = '-';
    off = -off;
  }
  int mon = (s.tm.tm_mon >= 0 && s.tm.tm_mon < 12) ? s.tm.tm_mon : 0;
  int n = std::snprintf(s.clf, sizeof(s.clf), "[%02d/%s/%d:%02d:%02d:%02d %c%02ld%02ld]",
                        s.tm.tm_mday, kMonths[mon], s.tm.tm_year + 1900, s.tm.tm_hour, s.tm.tm_min,
                        s.tm.tm_sec, sign, off / 3600, (off % 3600) / 60);
  s.clf_len = n > 0 && static_cast<size_t>(n) < sizeof(s.clf) ? static_cast<size_t>(n) : 0;
  s.sec = sec;
  return s;
}

}  // namespace

const std::tm& cached_localtime(int64_t epoch_sec) {
  return lookup(epoch_sec).tm;
}

std::string_view clf_time(int64_t epoch_sec) {
  const Slot& s = lookup(epoch_sec);
  return std::string_view(s.clf, s.clf_len);
}

uint64_t time_cache_misses() {
  return t_cache.misses;
}

}  // namespace tern
