#include "server/pid_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "net/unique_fd.h"

namespace tern {

PidFile::~PidFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

bool PidFile::create(const std::string& path, std::string* error) {
  if (path.empty()) return true;
  std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) {
    *error = "could not create PidFile " + path + ": " + std::strerror(errno);
    return false;
  }
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%d\n", static_cast<int>(::getpid()));
  if (::write(fd.get(), buf, static_cast<size_t>(n)) != n || ::rename(tmp.c_str(), path.c_str())) {
    *error = "could not write PidFile " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  path_ = path;
  return true;
}

int PidFile::read(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return 0;
  char buf[32] = {};
  ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
  if (n <= 0) return 0;
  char* end = nullptr;
  long pid = std::strtol(buf, &end, 10);
  if (end == buf || pid <= 0 || pid > 4194304) return 0;
  return static_cast<int>(pid);
}

}  // namespace tern
