#pragma once
// Entity tags: httpd's default form and RFC 9110 §8.8.3 comparisons.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tern {

// Room for the longest tag make_etag writes (W/ + quotes + 16 + '-' + 16 hex digits).
inline constexpr size_t kMaxEtagLength = 40;

// Writes httpd's FileETag MTime Size tag `"<size hex>-<mtime µs hex>"` (prefixed with W/
// when `weak`) into `out`; returns its length.
size_t make_etag(uint64_t size, int64_t mtime_usec, bool weak, char out[kMaxEtagLength]);

// True when `etag` is a weak tag (starts with W/).
inline bool etag_is_weak(std::string_view etag) {
  return etag.size() >= 2 && etag[0] == 'W' && etag[1] == '/';
}

// Strong comparison: both tags strong and their opaque-tags equal.
bool etag_strong_equal(std::string_view a, std::string_view b);
// Weak comparison: opaque-tags equal, W/ ignored.
bool etag_weak_equal(std::string_view a, std::string_view b);

// True when the If-Match / If-None-Match field value `list` ("*" or a comma list of
// entity-tags with OWS) matches `etag` under strong (`strong`) or weak comparison.
// "*" matches any current representation; malformed members never match.
bool etag_list_matches(std::string_view list, std::string_view etag, bool strong);

}  // namespace tern
