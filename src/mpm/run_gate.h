#pragma once
// How many workers of a child run at once. Workers that hold ready connections
// and share one CPU time-slice, and a connection held by a preempted worker
// waits a whole scheduler round (tens of milliseconds at the tail). So only
// `base` workers (one per CPU the process may use) take work; the others park
// here. When the running ones are stuck (a blocking disk read), the listener
// lends more slots, up to every worker, and takes them back once it is over —
// the concurrency value of an I/O completion port, driven by starvation.

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace tern {

class RunGate {
 public:
  // `base` slots at first (clamped to 1..max), at most `max` when lent.
  RunGate(int base, int max);

  // Blocks until this worker may run; false once the gate is closed.
  bool enter();
  // After a batch: when more workers run than the limit allows (slots were
  // taken back), parks this one until a slot frees. False once closed.
  bool yield_if_over();
  // Raises the limit by `n` (up to max) and wakes parked workers.
  void lend(int n);
  // Halves the lent part of the limit (never below base); the excess workers
  // park after their current batch.
  void reclaim();
  // Wakes every parked worker; enter() and yield_if_over() return false.
  void close();

  // The current limit, the base and the maximum.
  int limit() const { return limit_.load(std::memory_order_relaxed); }
  int base() const { return base_; }
  int max() const { return max_; }
  // Workers holding a slot now.
  int running() const { return running_.load(std::memory_order_relaxed); }

 private:
  bool wait_for_slot(std::unique_lock<std::mutex>& lk);

  const int max_;
  const int base_;
  std::atomic<int> limit_;
  std::atomic<int> running_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;  // guarded by mu_
};

// CPUs this process may run on (its affinity mask); at least 1.
int usable_cpus();

}  // namespace tern
