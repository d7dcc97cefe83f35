#include "net/epoll.h"

#include <sys/eventfd.h>

#include <cerrno>

#include "net/raw_io.h"

namespace tern {

Epoll::Epoll() : fd_(::epoll_create1(EPOLL_CLOEXEC)) {}

int Epoll::add(int fd, uint32_t events, void* data) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = data;
  return ::epoll_ctl(fd_.get(), EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : errno;
}

int Epoll::modify(int fd, uint32_t events, void* data) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = data;
  return ::epoll_ctl(fd_.get(), EPOLL_CTL_MOD, fd, &ev) == 0 ? 0 : errno;
}

int Epoll::remove(int fd) {
  epoll_event ev{};
  return ::epoll_ctl(fd_.get(), EPOLL_CTL_DEL, fd, &ev) == 0 ? 0 : errno;
}

int Epoll::wait(epoll_event* events, int max_events, int timeout_ms) {
  int n = raw_io::epoll_wait(fd_.get(), events, max_events, timeout_ms);
  if (n < 0 && errno == EINTR) return 0;
  return n;
}

EventFd::EventFd() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

void EventFd::notify() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(fd_.get(), &one, sizeof one);
}

void EventFd::drain() {
  uint64_t v;
  [[maybe_unused]] ssize_t n = ::read(fd_.get(), &v, sizeof v);
}

}  // namespace tern
