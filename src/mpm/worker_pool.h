#pragma once
// The fixed pool of worker threads and the queue of ready work they pop.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tern {

// One unit of ready work: an opaque item and what the worker should do with it.
struct WorkItem {
  void* item = nullptr;
  int kind = 0;
  int64_t enqueued_ms = 0;
};

// Runs `ThreadsPerChild` threads that pop WorkItems and pass them to a callback.
class WorkerPool {
 public:
  // The callback runs on a worker thread with the worker's index.
  using Run = std::function<void(int worker, const WorkItem&)>;

  // Starts `threads` workers.
  WorkerPool(int threads, Run run);
  // Stops and joins the workers (pending items are dropped: drain first).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues ready work and wakes an idle worker. Thread-safe.
  void push(const WorkItem& w);
  // Workers waiting for work right now.
  int idle() const;
  // Number of workers.
  int size() const { return static_cast<int>(threads_.size()); }
  // Queued items not yet taken.
  size_t queued() const;
  // Time the oldest queued item was enqueued (monotonic ms), 0 when none.
  int64_t oldest_enqueued_ms() const;
  // Last time a worker finished an item and went looking for more (monotonic ms).
  int64_t last_free_ms() const;
  // Stops the workers after the queue is empty and joins them.
  void stop();

 private:
  void loop(int index);

  Run run_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WorkItem> queue_;
  int idle_ = 0;
  int64_t last_free_ms_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tern
