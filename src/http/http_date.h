#pragma once
// HTTP-date formatting and parsing (RFC 9110 §5.6.7).

#include <cstddef>
#include <ctime>
#include <optional>
#include <string_view>

namespace tern {

// Length of an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
inline constexpr size_t kHttpDateLength = 29;

// Writes `t` as an IMF-fixdate plus a NUL into `out`; returns 29 (the length without NUL).
size_t format_http_date(time_t t, char out[30]);

// Parses an IMF-fixdate, RFC 850 or asctime date; nullopt when malformed or out of range.
std::optional<time_t> parse_http_date(std::string_view s);

// The current time as an IMF-fixdate; cached per thread and refreshed each second.
// The view stays valid until the calling thread's next call.
std::string_view current_http_date();

}  // namespace tern
