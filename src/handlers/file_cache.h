#pragma once
// An open-file cache for small static files (like nginx's open_file_cache):
// their bytes and metadata stay in memory and are revalidated with one stat()
// at most once a second, so a hot small file costs no file system call at all.

#include <sys/stat.h>
#include <sys/types.h>

#include <atomic>
#include <ctime>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace tern {

// One cached regular file.
struct CachedFile {
  dev_t dev = 0;
  ino_t ino = 0;
  uint64_t size = 0;
  timespec mtim{};
  std::string content;
  mutable std::atomic<int64_t> checked_s{0};  // when stat() last confirmed it
};

// Thread-safe cache of small regular files, keyed by file system path.
class FileCache {
 public:
  // Caches files of at most `max_file_bytes`, at most `max_entries` of them.
  explicit FileCache(size_t max_file_bytes = 16 * 1024, size_t max_entries = 1024)
      : max_file_bytes_(max_file_bytes), max_entries_(max_entries) {}

  // The file at `path` if it is a small regular file (loaded on a miss,
  // revalidated when `now` is past the second it was last checked in); null
  // otherwise, and the caller opens the file itself.
  std::shared_ptr<const CachedFile> get(const std::string& path, time_t now);

 private:
  std::shared_ptr<const CachedFile> load(const std::string& path, time_t now);

  size_t max_file_bytes_;
  size_t max_entries_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedFile>> map_;
};

}  // namespace tern
