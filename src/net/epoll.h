#pragma once
// Thin RAII wrappers over epoll and eventfd.

#include <sys/epoll.h>

#include <cstdint>

#include "net/unique_fd.h"

namespace tern {

// An epoll instance. All methods are thread-safe (the kernel serialises them).
class Epoll {
 public:
  // Creates the epoll instance; check valid() afterwards.
  Epoll();
  // True when the instance was created.
  bool valid() const { return static_cast<bool>(fd_); }
  // The epoll descriptor itself (pollable: readable while events are ready).
  int fd() const { return fd_.get(); }
  // Registers `fd` with `events`, carrying `data` back in events. Returns 0 or errno.
  int add(int fd, uint32_t events, void* data);
  // Changes the registration of `fd`. Returns 0 or errno.
  int modify(int fd, uint32_t events, void* data);
  // Removes `fd`. Returns 0 or errno.
  int remove(int fd);
  // Waits up to `timeout_ms` (-1 = forever); returns the number of events or -1 (EINTR → 0).
  int wait(epoll_event* events, int max_events, int timeout_ms);

 private:
  UniqueFd fd_;
};

// An eventfd used to wake a thread sleeping in epoll.
class EventFd {
 public:
  // Creates a non-blocking eventfd.
  EventFd();
  // The descriptor, to register with an Epoll.
  int fd() const { return fd_.get(); }
  // Makes the eventfd readable.
  void notify();
  // Clears the readable state.
  void drain();

 private:
  UniqueFd fd_;
};

}  // namespace tern
