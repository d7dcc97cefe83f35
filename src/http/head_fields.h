#pragma once
// Semantics of the header fields that decide framing and connection handling (RFC 9110 /
// RFC 9112): Host, Content-Length, Transfer-Encoding, Connection and Expect.

#include <cstdint>
#include <string_view>

#include "http/request.h"

namespace tern {

// An HTTP error status (0 = none) with a short static reason.
struct HeadCheck {
  int status = 0;
  const char* reason = "";
};

// Examines `req.headers` (names validated, values trimmed) of a request whose method and
// version are set; fills req.content_length, chunked, keep_alive, expect_continue and host
// (from `target_authority` when non-empty, else from Host). Returns the first error: 400 for
// framing ambiguity or bad Host, 501 for an unsupported transfer coding, 413 for a
// Content-Length over `body_limit` (0 = unlimited) and, only when everything else is valid,
// 417 for an expectation other than 100-continue.
HeadCheck apply_header_semantics(Request& req, uint64_t body_limit,
                                 std::string_view target_authority);

}  // namespace tern
