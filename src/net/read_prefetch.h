#pragma once
// The first reads of a worker's batch of ready keep-alive connections, taken in one system
// call (io_uring) instead of one read(2) each. On this kind of machine a system call costs
// more than the work of a small request (see docs/architecture.md), so a batch of N
// connections costs N + 1 system calls instead of 2N.

#include <sys/types.h>

#include <cstddef>
#include <memory>

namespace tern {

// The outcome of one read taken ahead for a connection: `result` bytes at `data` (> 0),
// 0 at the end of the peer's input, or -errno. `capacity` is the room that read had, so
// result == capacity means more may be waiting in the socket.
struct PrefetchedRead {
  const char* data = nullptr;
  ssize_t result = 0;
  size_t capacity = 0;
};

// One worker's prefetching: an io_uring made on first use and a scratch area holding one
// read per connection until the next fetch(). Not thread-safe: one per worker thread.
class ReadPrefetch {
 public:
  static constexpr int kMaxReads = 16;        // at most this many sockets per fetch()
  static constexpr size_t kReadBytes = 4096;  // room of each read
  ReadPrefetch();
  ~ReadPrefetch();
  ReadPrefetch(const ReadPrefetch&) = delete;
  ReadPrefetch& operator=(const ReadPrefetch&) = delete;

  // Reads once, without waiting (MSG_DONTWAIT), from each of the `n` sockets `fds`
  // (n <= kMaxReads) in one system call. False when io_uring is unavailable here (then
  // nothing was read, and every later call is false at once): the caller reads itself.
  bool fetch(const int* fds, int n);
  // What fetch() read for fds[i]; valid until the next fetch().
  PrefetchedRead result(int i) const;

 private:
  struct Ring;
  bool start();
  // Closes the ring for good: later fetch() calls are false.
  void stop();

  std::unique_ptr<Ring> ring_;
  bool unavailable_ = false;
  std::unique_ptr<char[]> buf_;
  ssize_t results_[kMaxReads] = {};
};

}  // namespace tern
