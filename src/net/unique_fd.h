#pragma once
// RAII owner of a POSIX file descriptor.

#include <utility>

#include "net/raw_io.h"

namespace tern {

// Owns one file descriptor and closes it on destruction; move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  ~UniqueFd() { reset(); }

  // The descriptor, or -1 when empty.
  int get() const { return fd_; }
  // True when a descriptor is owned.
  explicit operator bool() const { return fd_ >= 0; }
  // Gives up ownership without closing; returns the descriptor.
  int release() { return std::exchange(fd_, -1); }
  // Closes the owned descriptor (if any) and takes ownership of `fd`.
  void reset(int fd = -1) {
    if (fd_ >= 0) raw_io::close(fd_);  // every connection's socket closes here
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace tern
