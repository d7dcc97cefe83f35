#include "handlers/file_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

#include "http/etag.h"
#include "http/http_date.h"
#include "net/unique_fd.h"

namespace tern {

namespace {
// Formats f.validator_fields as serve_regular (static_file.cpp) would send them at `now`,
// unless the file is too fresh: a file modified less than a second ago gets a weak ETag,
// one modified in the future the date `now`; such responses format their own.
void format_validators(CachedFile& f, time_t now) {
  if (f.directory || f.mtim.tv_sec > now || now - f.mtim.tv_sec < 1) return;
  char date[30];
  format_http_date(f.mtim.tv_sec, date);
  char etag[kMaxEtagLength];
  const int64_t usec = static_cast<int64_t>(f.mtim.tv_sec) * 1000000 + f.mtim.tv_nsec / 1000;
  const size_t etag_len = make_etag(f.size, usec, false, etag);
  std::string& v = f.validator_fields;
  v.append("Last-Modified: ").append(date, kHttpDateLength).append("\r\nETag: ");
  f.etag_at = static_cast<uint8_t>(v.size());
  f.etag_len = static_cast<uint8_t>(etag_len);
  v.append(etag, etag_len).append("\r\n");
}

bool same_file(const CachedFile& f, const struct stat& st) {
  return f.dev == st.st_dev && f.ino == st.st_ino && f.size == static_cast<uint64_t>(st.st_size) &&
         f.mtim.tv_sec == st.st_mtim.tv_sec && f.mtim.tv_nsec == st.st_mtim.tv_nsec &&
         f.ctim.tv_sec == st.st_ctim.tv_sec && f.ctim.tv_nsec == st.st_ctim.tv_nsec;
}
}  // namespace

std::shared_ptr<const CachedFile> FileCache::get(const std::string& path, time_t now,
                                                 int* open_errno) {
  if (open_errno) *open_errno = 0;
  std::shared_ptr<const CachedFile> hit;
  {
    std::shared_lock lk(mu_);
    auto it = map_.find(path);
    if (it != map_.end()) hit = it->second;
  }
  if (hit) {
    if (hit->checked_s.load(std::memory_order_relaxed) >= now) return hit;
    struct stat st;
    // A file loaded while too fresh for cached validators is loaded again once it is not
    // (format_validators' condition: modified before this second).
    const bool fresh = hit->validator_fields.empty() && !hit->directory && hit->mtim.tv_sec < now;
    if (::stat(path.c_str(), &st) == 0 && same_file(*hit, st) && !fresh) {
      hit->checked_s.store(now, std::memory_order_relaxed);
      return hit;
    }
  }
  return load(path, now, open_errno);
}

std::shared_ptr<const CachedFile> FileCache::load(const std::string& path, time_t now,
                                                  int* open_errno) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd && open_errno) *open_errno = errno;
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
    std::unique_lock lk(mu_);
    map_.erase(path);
    return nullptr;
  }
  auto f = std::make_shared<CachedFile>();
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  f->size = static_cast<uint64_t>(st.st_size);
  f->mtim = st.st_mtim;
  f->ctim = st.st_ctim;
  if (S_ISDIR(st.st_mode)) {
    f->directory = true;  // `GET /dir/` needs only to know it is one, not to open it again
  } else if (f->size > max_file_bytes_) {
    f->fd = std::move(fd);  // served from the descriptor, which stays open with the entry
  } else {
    f->content.resize(f->size);
  }
  size_t got = 0;
  while (f->in_memory() && got < f->size) {
    ssize_t n = ::pread(fd.get(), f->content.data() + got, f->size - got, static_cast<off_t>(got));
    if (n <= 0) return nullptr;  // changed under us: serve it uncached
    got += static_cast<size_t>(n);
  }
  format_validators(*f, now);
  f->checked_s.store(now, std::memory_order_relaxed);
  std::unique_lock lk(mu_);
  if (map_.size() >= max_entries_ && map_.find(path) == map_.end()) map_.clear();
  map_[path] = f;
  return f;
}

}  // namespace tern
