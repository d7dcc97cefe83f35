#pragma once
// Socket reads and writes that skip glibc's cancellation bracket.
//
// glibc's read, send, sendmsg, sendfile, epoll_wait, accept4 and close are
// thread-cancellation points: in a process with more than one thread each call flips the
// thread's cancel state before and after the system call, two atomic read-modify-writes
// per call. tern never cancels a thread, so the calls made for every request and every
// connection (and every worker's wait) go straight to syscall(2), which has the same
// return value and errno contract and no bracket.

#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>

// The sanitizers intercept the libc calls (ThreadSanitizer takes its happens-before edges
// from epoll, AddressSanitizer checks the buffers): under them the libc calls are kept.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TERN_RAW_IO 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define TERN_RAW_IO 0
#endif
#endif
#ifndef TERN_RAW_IO
#define TERN_RAW_IO 1
#endif

namespace tern::raw_io {

// read(2) without the cancellation bracket.
inline ssize_t read(int fd, void* buf, size_t len) {
#if TERN_RAW_IO
  return ::syscall(SYS_read, fd, buf, len);
#else
  return ::read(fd, buf, len);
#endif
}

// sendmsg(2) without the cancellation bracket.
inline ssize_t sendmsg(int fd, const msghdr* msg, int flags) {
#if TERN_RAW_IO
  return ::syscall(SYS_sendmsg, fd, msg, flags);
#else
  return ::sendmsg(fd, msg, flags);
#endif
}

// send(2) (sendto without an address) without the cancellation bracket.
inline ssize_t send(int fd, const void* buf, size_t len, int flags) {
#if TERN_RAW_IO
  return ::syscall(SYS_sendto, fd, buf, len, flags, nullptr, 0);
#else
  return ::send(fd, buf, len, flags);
#endif
}

// sendfile(2) without the cancellation bracket.
inline ssize_t sendfile(int out_fd, int in_fd, off_t* offset, size_t count) {
#if TERN_RAW_IO
  return ::syscall(SYS_sendfile, out_fd, in_fd, offset, count);
#else
  return ::sendfile(out_fd, in_fd, offset, count);
#endif
}

// epoll_wait(2) without the cancellation bracket.
inline int epoll_wait(int epfd, epoll_event* events, int max_events, int timeout_ms) {
#if TERN_RAW_IO
  return static_cast<int>(::syscall(SYS_epoll_wait, epfd, events, max_events, timeout_ms));
#else
  return ::epoll_wait(epfd, events, max_events, timeout_ms);
#endif
}

// accept4(2) without the cancellation bracket.
inline int accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
#if TERN_RAW_IO
  return static_cast<int>(::syscall(SYS_accept4, fd, addr, len, flags));
#else
  return ::accept4(fd, addr, len, flags);
#endif
}

// close(2) without the cancellation bracket.
inline int close(int fd) {
#if TERN_RAW_IO
  return static_cast<int>(::syscall(SYS_close, fd));
#else
  return ::close(fd);
#endif
}

}  // namespace tern::raw_io
