#include "modules/deflate/gzip_cache.h"

#include <functional>
#include <mutex>

namespace tern {

namespace {
bool same(const GzipSettings& a, const GzipSettings& b) {
  return a.level == b.level && a.window_bits == b.window_bits && a.mem_level == b.mem_level;
}
}  // namespace

std::shared_ptr<const std::string> GzipCache::get(std::string_view in, const GzipSettings& s) {
  const bool cacheable = in.size() <= max_body_;
  const size_t key = cacheable ? std::hash<std::string_view>{}(in) : 0;
  if (cacheable) {
    std::shared_lock lock(mu_);
    auto [first, last] = map_.equal_range(key);
    for (auto it = first; it != last; ++it) {
      if (same(it->second.settings, s) && it->second.input == in) return it->second.gzip;
    }
  }
  std::string gz = gzip_compress(in, s);
  if (gz.empty()) return nullptr;
  auto out = std::make_shared<const std::string>(std::move(gz));
  if (cacheable) {
    std::unique_lock lock(mu_);
    if (map_.size() >= max_entries_) map_.clear();
    map_.emplace(key, Entry{s, std::string(in), out});
  }
  return out;
}

}  // namespace tern
