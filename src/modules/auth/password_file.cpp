#include "modules/auth/password_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "net/unique_fd.h"

namespace tern {

namespace {

constexpr size_t kMaxLine = 8192;  // httpd's MAX_STRING_LEN
constexpr off_t kMaxFile = 64 << 20;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// ap_getword(…, ':'): the text up to the first ':'; `rest` continues after the run of
// ':' that follows it.
std::string_view get_word(std::string_view& rest) {
  const size_t colon = rest.find(':');
  std::string_view word = rest.substr(0, colon);
  if (colon == std::string_view::npos) {
    rest = {};
    return word;
  }
  rest.remove_prefix(colon);
  while (!rest.empty() && rest.front() == ':') rest.remove_prefix(1);
  return word;
}

bool same_time(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

// Reads the whole file behind `fd` (at most kMaxFile bytes); false with *err on failure.
bool read_all(int fd, std::string* out, int* err) {
  char buf[16384];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = errno;
      return false;
    }
    if (n == 0) return true;
    out->append(buf, static_cast<size_t>(n));
    if (out->size() > static_cast<size_t>(kMaxFile)) {
      *err = EFBIG;
      return false;
    }
  }
}

}  // namespace

PasswordFile PasswordFile::parse(std::string_view text) {
  PasswordFile f;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.size() >= kMaxLine) continue;  // httpd's ap_cfg_getline would split it
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::string_view user = get_word(line);
    std::string_view hash = get_word(line);
    f.users_.try_emplace(std::string(user), std::string(hash));
  }
  return f;
}

const std::string* PasswordFile::find(std::string_view user) const {
  auto it = users_.find(user);
  return it == users_.end() ? nullptr : &it->second;
}

std::shared_ptr<const PasswordFile> PasswordFileCache::get(const std::string& path, int* err) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(path);
  if (it != entries_.end() && now - it->second.checked < kRevalidate) return it->second.file;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    *err = errno;
    if (it != entries_.end()) entries_.erase(it);
    return nullptr;
  }
  struct stat st {};
  const bool stat_ok = ::fstat(fd.get(), &st) == 0;
  if (!stat_ok || !S_ISREG(st.st_mode)) {
    *err = stat_ok ? EBADF : errno;  // ap_pcfg_openfile: not a regular file is EBADF
    if (it != entries_.end()) entries_.erase(it);
    return nullptr;
  }
  if (it != entries_.end()) {
    Entry& e = it->second;
    if (same_time(e.mtime, st.st_mtim) && e.size == st.st_size && e.ino == st.st_ino &&
        e.dev == st.st_dev) {
      e.checked = now;
      return e.file;
    }
  }
  // Refuse an oversized file before reading it, not after reading kMaxFile bytes of it
  // on every request (a failed read is not cached).
  if (st.st_size > kMaxFile) {
    *err = EFBIG;
    if (it != entries_.end()) entries_.erase(it);
    return nullptr;
  }
  std::string text;
  text.reserve(static_cast<size_t>(st.st_size));
  if (!read_all(fd.get(), &text, err)) {
    if (it != entries_.end()) entries_.erase(it);
    return nullptr;
  }
  Entry e;
  e.file = std::make_shared<const PasswordFile>(PasswordFile::parse(text));
  e.mtime = st.st_mtim;
  e.size = st.st_size;
  e.ino = st.st_ino;
  e.dev = st.st_dev;
  e.checked = now;
  auto file = e.file;
  entries_.insert_or_assign(path, std::move(e));
  return file;
}

}  // namespace tern
