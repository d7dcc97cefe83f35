#pragma once
// Limits and result types shared by the request head parser and the body decoder.

#include <cstddef>
#include <cstdint>

namespace tern {

// Limits from the configuration (LimitRequestLine, LimitRequestFieldSize, LimitRequestFields,
// LimitRequestBody) plus tern's own bounds on chunk extensions and trailer sections.
struct ParserLimits {
  size_t request_line = 8190;
  size_t field_size = 8190;
  size_t fields = 100;         // 0 = unlimited
  uint64_t body = 1073741824;  // 0 = unlimited
  size_t chunk_ext = 4096;
  size_t trailer_size = 8190;
};

// Outcome of one parsing step.
enum class ParseStatus { kNeedMore, kDone, kError };

// Result of head parsing. On kDone, `consumed` is the length of the head including the blank
// line. On kError, `error_status` is the HTTP status to answer and `reason` a short static text.
struct HeadResult {
  ParseStatus status;
  size_t consumed = 0;
  int error_status = 0;
  const char* reason = "";
};

// Result of body decoding: `consumed` input bytes used; on kError as for HeadResult.
struct BodyResult {
  ParseStatus status;
  size_t consumed = 0;
  int error_status = 0;
  const char* reason = "";
};

}  // namespace tern
