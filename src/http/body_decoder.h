#pragma once
// Decodes a request body framed by Content-Length or by the chunked transfer coding
// (RFC 9112 §6-7), strictly: tern does not use llhttp for bodies because the llhttp build
// (8.1.0, not compiled in strict mode) accepts any two bytes in place of the CRLF that must
// follow chunk data, a request-smuggling vector.

#include <string>
#include <string_view>

#include "http/parser_types.h"

namespace tern {

class BodyDecoder {
 public:
  // A body of exactly `length` bytes.
  void start_length(uint64_t length);
  // A chunked body; `limits` bounds decoded size (413), chunk extensions (400) and trailers (431).
  void start_chunked(const ParserLimits& limits);
  // No body: decode() reports kDone at once.
  void start_none();

  // `input` = body bytes not consumed yet. Appends decoded data to `*out` (unless null) and
  // returns how many bytes of `input` it used; incomplete chunk-size and trailer lines are left
  // unconsumed (they come back in the next call). kDone once the body (and trailers) ended.
  BodyResult decode(std::string_view input, std::string* out);

  // Body bytes framed so far (for chunked: the sizes of the chunks started so far).
  uint64_t decoded() const { return decoded_; }

 private:
  enum class State { kLength, kSizeLine, kData, kDataCR, kDataLF, kTrailer, kDone, kError };
  BodyResult error(size_t consumed, int status, const char* reason);
  // Parses "chunk-size [ chunk-ext ]" (without CRLF); returns 0 or an HTTP error status.
  int parse_size_line(std::string_view line, uint64_t& size, const char*& reason) const;

  State state_ = State::kDone;
  uint64_t remaining_ = 0;  // bytes left in the body (kLength) or the chunk (kData)
  uint64_t decoded_ = 0;
  uint64_t body_limit_ = 0;
  size_t chunk_ext_limit_ = 0;
  size_t trailer_limit_ = 0;
  size_t trailer_bytes_ = 0;
  size_t line_scanned_ = 0;  // bytes of the pending (incomplete) line already searched for LF
  BodyResult error_{ParseStatus::kError};
};

// True when `line` (without CRLF) is a valid field line: token ":" OWS field-value OWS.
bool valid_field_line(std::string_view line);

}  // namespace tern
