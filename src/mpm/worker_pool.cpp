#include "mpm/worker_pool.h"

#include "mpm/clock.h"

namespace tern {

WorkerPool::WorkerPool(int threads, Run run) : run_(std::move(run)) {
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { loop(i); });
}

WorkerPool::~WorkerPool() {
  stop();
}

void WorkerPool::push(const WorkItem& w) {
  bool wake;
  {
    std::lock_guard lk(mu_);
    queue_.push_back(w);
    wake = idle_ > 0;
  }
  if (wake) cv_.notify_one();
}

int WorkerPool::idle() const {
  std::lock_guard lk(mu_);
  return idle_;
}

size_t WorkerPool::queued() const {
  std::lock_guard lk(mu_);
  return queue_.size();
}

int64_t WorkerPool::oldest_enqueued_ms() const {
  std::lock_guard lk(mu_);
  return queue_.empty() ? 0 : queue_.front().enqueued_ms;
}

int64_t WorkerPool::last_free_ms() const {
  std::lock_guard lk(mu_);
  return last_free_ms_;
}

void WorkerPool::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::loop(int index) {
  std::unique_lock lk(mu_);
  for (;;) {
    last_free_ms_ = monotonic_ms();
    while (queue_.empty() && !stopping_) {
      ++idle_;
      cv_.wait(lk);
      --idle_;
    }
    if (queue_.empty()) return;  // stopping and drained
    WorkItem w = queue_.front();
    queue_.pop_front();
    lk.unlock();
    run_(index, w);
    lk.lock();
  }
}

}  // namespace tern
