#pragma once
// Conditional requests (RFC 9110 §13): preconditions, If-Range and the 304 form.

#include <ctime>
#include <optional>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace tern {

// The validators of the selected representation.
struct Validators {
  std::string_view etag;                // current entity-tag (with quotes, maybe W/); may be empty
  std::optional<time_t> last_modified;  // current modification time, if known
  time_t now = 0;  // request time: If-Modified-Since dates after it are ignored
};

// Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since in the
// order of RFC 9110 §13.2.2. Returns 0 (proceed), 304 (GET/HEAD not modified) or 412.
int evaluate_preconditions(const Request& req, const Validators& v);

// True when a Range request may be honoured given `If-Range` (absent: true). The value
// must be a strong ETag equal to the current one, or an HTTP-date exactly equal to
// Last-Modified; a weak tag or an invalid value never matches (whole entity instead).
bool if_range_allows(const Request& req, const Validators& v);

// Turns `resp` into a 304: drops the body and every field except ETag, Last-Modified,
// Cache-Control, Expires, Vary, Content-Location, Set-Cookie and Warning.
void make_not_modified(Response& resp);

}  // namespace tern
