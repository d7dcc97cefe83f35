#pragma once
// The gzip bytes of small bodies, so that a hot small file is not compressed again on
// every request. Content-addressed: an entry is found by a hash of the uncompressed bytes
// and used only when those bytes are equal, so it can never be stale whatever produced
// them (a cached file, a generated page).

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "modules/deflate/gzip_stream.h"

namespace tern {

// Thread-safe; bounded by entry count and body size (cleared whole when full).
class GzipCache {
 public:
  // Bodies up to `max_body` bytes, at most `max_entries` of them.
  explicit GzipCache(size_t max_body = 16 * 1024, size_t max_entries = 512)
      : max_body_(max_body), max_entries_(max_entries) {}

  // The gzip of `in` with settings `s`, compressed now on a miss (and kept when `in` is
  // small enough); null when zlib fails.
  std::shared_ptr<const std::string> get(std::string_view in, const GzipSettings& s);

 private:
  struct Entry {
    GzipSettings settings;
    std::string input;
    std::shared_ptr<const std::string> gzip;
  };
  size_t max_body_;
  size_t max_entries_;
  std::shared_mutex mu_;
  std::unordered_multimap<size_t, Entry> map_;
};

}  // namespace tern
