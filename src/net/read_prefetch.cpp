#include "net/read_prefetch.h"

#include <liburing.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>

namespace tern {

struct ReadPrefetch::Ring {
  io_uring ring;
};

ReadPrefetch::ReadPrefetch() = default;

ReadPrefetch::~ReadPrefetch() {
  if (ring_) io_uring_queue_exit(&ring_->ring);
}

bool ReadPrefetch::start() {
  auto r = std::make_unique<Ring>();
  // A kernel without io_uring, or one that refuses it (kernel.io_uring_disabled, a seccomp
  // filter): the worker reads each socket itself, as without prefetching.
  if (io_uring_queue_init(kMaxReads, &r->ring, 0) != 0) {
    unavailable_ = true;
    return false;
  }
  ring_ = std::move(r);
  buf_ = std::make_unique_for_overwrite<char[]>(kMaxReads * kReadBytes);
  return true;
}

bool ReadPrefetch::fetch(const int* fds, int n) {
  if (unavailable_ || n <= 0 || n > kMaxReads) return false;
  if (!ring_ && !start()) return false;
  io_uring* ring = &ring_->ring;
  for (int i = 0; i < n; ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(ring);  // the ring has kMaxReads free entries
    // MSG_DONTWAIT: a socket without data completes at once with -EAGAIN, as read(2) on
    // the non-blocking socket would, instead of io_uring waiting for data.
    io_uring_prep_recv(sqe, fds[i], buf_.get() + static_cast<size_t>(i) * kReadBytes, kReadBytes,
                       MSG_DONTWAIT);
    io_uring_sqe_set_data64(sqe, static_cast<uint64_t>(i));
  }
  int submitted;
  do {
    submitted = io_uring_submit_and_wait(ring, static_cast<unsigned>(n));
  } while (submitted == -EINTR || submitted == -EAGAIN);
  if (submitted <= 0) {
    // Nothing went to the kernel; the queued entries must never run later.
    stop();
    return false;
  }
  // -EINTR marks a read that did not run (or whose completion could not be waited for):
  // the caller reads that socket itself.
  for (int i = 0; i < n; ++i) results_[i] = -EINTR;
  int got = 0;
  while (got < submitted) {
    io_uring_cqe* cqe = nullptr;
    const int rc = io_uring_wait_cqe(ring, &cqe);
    if (rc == -EINTR) continue;
    if (rc != 0) break;
    if (cqe->user_data < static_cast<uint64_t>(n)) results_[cqe->user_data] = cqe->res;
    io_uring_cqe_seen(ring, cqe);
    ++got;
  }
  // Not all went to the kernel, or a completion could not be waited for (neither is seen
  // on a working kernel): the ring is in an unknown state; read without it from now on.
  if (submitted != n || got != submitted) stop();
  return true;
}

void ReadPrefetch::stop() {
  if (ring_) io_uring_queue_exit(&ring_->ring);
  ring_.reset();
  unavailable_ = true;
}

PrefetchedRead ReadPrefetch::result(int i) const {
  return PrefetchedRead{buf_.get() + static_cast<size_t>(i) * kReadBytes, results_[i], kReadBytes};
}

}  // namespace tern
