#pragma once
// Byte-range requests (RFC 9110 §14): parsing, coalescing and the 206/416 forms.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "http/response.h"

namespace tern {

// An inclusive byte range [first, last] of a representation.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
  bool operator==(const ByteRange&) const = default;
};

// What to do with a Range header field.
enum class RangeDecision {
  kIgnore,         // absent, another unit, malformed, disabled or too many: serve 200
  kSatisfiable,    // `out` holds sorted, coalesced, satisfiable ranges: serve 206
  kUnsatisfiable,  // no range overlaps the representation: serve 416
};

// Parses the Range value `value` for a representation of `length` bytes. Ranges are
// clipped, sorted and coalesced when overlapping or adjacent; if more than `max_ranges`
// remain (-1 = unlimited, 0 = ranges disabled) the header is ignored. `out` is cleared
// first and reused.
RangeDecision parse_range(std::string_view value, uint64_t length, int max_ranges,
                          std::vector<ByteRange>& out);

// Turns `resp`, whose body is about to be the whole file `resp.file` of `length`
// bytes, into a 206: one range gets Content-Range and a single file chunk; several
// get a multipart/byteranges body (memory part heads + file chunks, random boundary)
// whose Content-Type replaces the representation's `content_type` (may be empty).
// Any previous body chunks are discarded (the file is kept).
void apply_ranges(std::span<const ByteRange> ranges, uint64_t length, std::string_view content_type,
                  Response& resp);

// Adds `Content-Range: bytes */<length>` for a 416 response.
void add_unsatisfied_range(uint64_t length, Response& resp);

// Writes 16 random lower-case hex digits (thread-local generator) into `out`.
void random_boundary(char out[16]);

}  // namespace tern
