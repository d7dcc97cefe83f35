#include "config/config_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/unique_fd.h"

namespace tern::cfg {

std::string resolve_path(std::string_view root, std::string_view p) {
  std::string r;
  if (!p.empty() && p.front() == '/') {
    r = std::string(p);
  } else {
    r = std::string(root);
    if (r.empty() || r.back() != '/') r += '/';
    r += p;
  }
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  return r;
}

std::string check_parent_directory(const std::string& path, std::string_view what) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
  if (is_directory(dir)) return "";
  return "Cannot access directory '" + dir + "/' for the " + std::string(what);
}

bool is_directory(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

namespace {

// What kind of non-regular file `mode` is, for messages.
const char* file_kind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "an unknown file type";
}

// True for the character device /dev/null is (compared by device number).
bool is_dev_null(const struct stat& st) {
  struct stat null {};
  return S_ISCHR(st.st_mode) && ::stat("/dev/null", &null) == 0 && S_ISCHR(null.st_mode) &&
         null.st_rdev == st.st_rdev;
}

}  // namespace

std::string check_readable_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return "could not open configuration file " + path + ": " + std::strerror(errno);
  if (S_ISDIR(st.st_mode))
    return "could not open configuration file " + path + ": " + std::strerror(EISDIR);
  if (!S_ISREG(st.st_mode) && !is_dev_null(st))
    return "could not open configuration file " + path + ": " + file_kind(st.st_mode) +
           ", not a regular file";
  return "";
}

std::string read_text_file(const std::string& path, std::string& out, size_t max_bytes) {
  out.clear();
  // Refuse FIFOs and devices before opening them (an open can block or have effects).
  std::string err = check_readable_file(path);
  if (!err.empty()) return err;
  // O_NONBLOCK: should the path have become a FIFO since, neither open nor read blocks.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return "could not open configuration file " + path + ": " + std::strerror(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return "could not open configuration file " + path + ": " + std::strerror(errno);
  if (is_dev_null(st)) return "";
  if (!S_ISREG(st.st_mode))
    return "could not open configuration file " + path + ": " + file_kind(st.st_mode) +
           ", not a regular file";
  const std::string too_big =
      "configuration file " + path + " is larger than " + std::to_string(max_bytes) + " bytes";
  if (static_cast<uint64_t>(st.st_size) > max_bytes) return too_big;
  out.resize(static_cast<size_t>(st.st_size));
  size_t have = 0;
  while (true) {
    // The file may have grown since fstat: read until EOF, at most max_bytes + 1.
    if (have == out.size()) {
      if (have > max_bytes) {
        out.clear();
        return too_big;
      }
      out.resize(std::min(max_bytes + 1, std::max<size_t>(have * 2, 4096)));
    }
    const ssize_t n = ::read(fd.get(), out.data() + have, out.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      out.clear();
      return "could not read configuration file " + path + ": " + std::strerror(e);
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  out.resize(have);
  if (have > max_bytes) {
    out.clear();
    return too_big;
  }
  return "";
}

}  // namespace tern::cfg
