#pragma once
// An open-file cache for static files (like nginx's open_file_cache): a small file's
// bytes, a larger file's open descriptor, and their metadata stay in memory and are
// revalidated with one stat() at most once a second, so a hot file costs no open,
// fstat or close (a small one no file system call at all).

#include <sys/stat.h>
#include <sys/types.h>

#include <atomic>
#include <ctime>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "net/unique_fd.h"

namespace tern {

// One cached regular file.
struct CachedFile {
  dev_t dev = 0;
  ino_t ino = 0;
  uint64_t size = 0;
  timespec mtim{};
  timespec ctim{};         // a chmod or chown changes it: the entry is reloaded
  std::string content;     // the bytes of a small file
  UniqueFd fd;             // a larger file's descriptor (read-only; sendfile/pread with offsets)
  bool directory = false;  // a directory: only its kind is kept (no bytes, no descriptor)
  // "Last-Modified: …\r\nETag: …\r\n" as every response of this version of the file
  // carries them, formatted once; empty while the file is too fresh for that (modified
  // within the second before it was loaded, or in the future: its ETag is still weak).
  std::string validator_fields;
  uint8_t etag_at = 0, etag_len = 0;          // where the ETag value is in validator_fields
  mutable std::atomic<int64_t> checked_s{0};  // when stat() last confirmed it
  // True when the bytes are in `content`, false when they are read through `fd`.
  bool in_memory() const { return !fd && !directory; }
  // The strong ETag in validator_fields (empty when they are).
  std::string_view etag() const {
    return std::string_view(validator_fields).substr(etag_at, etag_len);
  }
};

// Thread-safe cache of regular files, keyed by file system path.
class FileCache {
 public:
  // Keeps the bytes of files of at most `max_file_bytes` and the descriptor of larger
  // ones, at most `max_entries` files.
  explicit FileCache(size_t max_file_bytes = 16 * 1024, size_t max_entries = 1024)
      : max_file_bytes_(max_file_bytes), max_entries_(max_entries) {}

  // The file at `path` if it is a regular file or a directory (loaded on a miss,
  // revalidated when `now` is past the second it was last checked in); null otherwise
  // (missing, another kind, unreadable). When the file could not be opened, `*open_errno`
  // (if given) is open()'s errno, so the caller answers the error without trying again;
  // otherwise 0 (another kind of file: the caller opens it itself).
  std::shared_ptr<const CachedFile> get(const std::string& path, time_t now,
                                        int* open_errno = nullptr);

 private:
  std::shared_ptr<const CachedFile> load(const std::string& path, time_t now, int* open_errno);

  size_t max_file_bytes_;
  size_t max_entries_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedFile>> map_;
};

}  // namespace tern
