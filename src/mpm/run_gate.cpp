#include "mpm/run_gate.h"

#include <sched.h>

#include <algorithm>

namespace tern {

RunGate::RunGate(int base, int max)
    : max_(std::max(1, max)), base_(std::clamp(base, 1, max_)), limit_(base_) {}

bool RunGate::wait_for_slot(std::unique_lock<std::mutex>& lk) {
  cv_.wait(lk, [&] { return closed_ || running_.load() < limit_.load(); });
  if (closed_) return false;
  running_.fetch_add(1);
  return true;
}

bool RunGate::enter() {
  std::unique_lock lk(mu_);
  return wait_for_slot(lk);
}

bool RunGate::yield_if_over() {
  // The hot path: one relaxed load of each counter per batch.
  if (running_.load(std::memory_order_relaxed) <= limit_.load(std::memory_order_relaxed)) {
    return true;
  }
  std::unique_lock lk(mu_);
  if (closed_) return false;
  if (running_.load() <= limit_.load()) return true;
  running_.fetch_sub(1);
  return wait_for_slot(lk);
}

void RunGate::lend(int n) {
  {
    std::lock_guard lk(mu_);
    limit_.store(std::min(max_, limit_.load() + std::max(0, n)));
  }
  cv_.notify_all();
}

void RunGate::reclaim() {
  std::lock_guard lk(mu_);
  int l = limit_.load();
  limit_.store(base_ + (l - base_) / 2);
}

void RunGate::close() {
  {
    std::lock_guard lk(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace tern
