#include "http/http_date.h"

#include <cstdint>

namespace tern {

namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};

// Days since 1970-01-01 for a proleptic Gregorian date (month 1..12).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDim[m - 1];
}

void put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

// A tiny cursor over the input.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool lit(std::string_view x) {
    if (s.substr(i, x.size()) != x) return false;
    i += x.size();
    return true;
  }
  // Exactly `n` digits.
  bool digits(size_t n, unsigned& out) {
    if (i + n > s.size()) return false;
    unsigned v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    i += n;
    return true;
  }
  bool month(unsigned& m) {
    for (unsigned k = 0; k < 12; ++k) {
      if (lit(kMonths[k])) {
        m = k + 1;
        return true;
      }
    }
    return false;
  }
  bool time_of_day(unsigned& h, unsigned& mi, unsigned& sec) {
    return digits(2, h) && lit(":") && digits(2, mi) && lit(":") && digits(2, sec);
  }
  bool done() const { return i == s.size(); }
};

std::optional<time_t> make_time(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                                unsigned sec) {
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;  // 60: leap second
  if (sec == 60) sec = 59;
  int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  if (t < 0) return std::nullopt;
  return static_cast<time_t>(t);
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<time_t> parse_imf(std::string_view s) {
  Cursor c{s};
  bool day_ok = false;
  for (const char* d : kDays) day_ok = day_ok || c.lit(d);
  unsigned d = 0, mo = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!day_ok || !c.lit(", ") || !c.digits(2, d) || !c.lit(" ") || !c.month(mo) || !c.lit(" ") ||
      !c.digits(4, y) || !c.lit(" ") || !c.time_of_day(h, mi, sec) || !c.lit(" GMT") || !c.done())
    return std::nullopt;
  return make_time(y, mo, d, h, mi, sec);
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<time_t> parse_rfc850(std::string_view s) {
  Cursor c{s};
  bool day_ok = false;
  for (const char* d : kLongDays) day_ok = day_ok || c.lit(d);
  unsigned d = 0, mo = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!day_ok || !c.lit(", ") || !c.digits(2, d) || !c.lit("-") || !c.month(mo) || !c.lit("-") ||
      !c.digits(2, y) || !c.lit(" ") || !c.time_of_day(h, mi, sec) || !c.lit(" GMT") || !c.done())
    return std::nullopt;
  // RFC 9110: a two-digit year that appears more than 50 years in the future is the
  // most recent past year with the same last two digits.
  time_t now = time(nullptr);
  struct tm tm_now;
  gmtime_r(&now, &tm_now);
  int64_t current = tm_now.tm_year + 1900;
  int64_t year = current / 100 * 100 + y;
  if (year > current + 50) year -= 100;
  return make_time(year, mo, d, h, mi, sec);
}

// "Sun Nov  6 08:49:37 1994"
std::optional<time_t> parse_asctime(std::string_view s) {
  Cursor c{s};
  bool day_ok = false;
  for (const char* d : kDays) day_ok = day_ok || c.lit(d);
  unsigned d = 0, mo = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!day_ok || !c.lit(" ") || !c.month(mo) || !c.lit(" ")) return std::nullopt;
  if (c.lit(" ")) {
    if (!c.digits(1, d)) return std::nullopt;
  } else if (!c.digits(2, d)) {
    return std::nullopt;
  }
  if (!c.lit(" ") || !c.time_of_day(h, mi, sec) || !c.lit(" ") || !c.digits(4, y) || !c.done())
    return std::nullopt;
  return make_time(y, mo, d, h, mi, sec);
}

}  // namespace

size_t format_http_date(time_t t, char out[30]) {
  int64_t secs = static_cast<int64_t>(t);
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  // civil_from_days
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  if (y < 0) y = 0;
  if (y > 9999) y = 9999;
  int64_t wd = (days % 7 + 7 + 4) % 7;  // 1970-01-01 was a Thursday
  char* p = out;
  const char* dn = kDays[wd];
  p[0] = dn[0], p[1] = dn[1], p[2] = dn[2], p[3] = ',', p[4] = ' ';
  put2(p + 5, d);
  p[7] = ' ';
  const char* mn = kMonths[m - 1];
  p[8] = mn[0], p[9] = mn[1], p[10] = mn[2], p[11] = ' ';
  put2(p + 12, static_cast<unsigned>(y / 100));
  put2(p + 14, static_cast<unsigned>(y % 100));
  p[16] = ' ';
  put2(p + 17, static_cast<unsigned>(rem / 3600));
  p[19] = ':';
  put2(p + 20, static_cast<unsigned>(rem / 60 % 60));
  p[22] = ':';
  put2(p + 23, static_cast<unsigned>(rem % 60));
  p[25] = ' ', p[26] = 'G', p[27] = 'M', p[28] = 'T', p[29] = '\0';
  return kHttpDateLength;
}

std::optional<time_t> parse_http_date(std::string_view s) {
  if (s.size() < 4) return std::nullopt;
  if (s[3] == ',') return parse_imf(s);
  if (s[3] == ' ') return parse_asctime(s);
  return parse_rfc850(s);
}

std::string_view current_http_date() {
  thread_local char buf[30];
  thread_local time_t cached = -1;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  if (ts.tv_sec != cached) {
    format_http_date(ts.tv_sec, buf);
    cached = ts.tv_sec;
  }
  return std::string_view(buf, kHttpDateLength);
}

}  // namespace tern
