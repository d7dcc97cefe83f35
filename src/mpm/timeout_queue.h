#pragma once
// Timeout queues of the listener: one FIFO per distinct timeout value. Every
// entry of a FIFO has the same duration, so entries are appended at the tail
// and expire from the head — O(1) insert, remove and expiry, no heap.

#include <cstddef>
#include <cstdint>

namespace tern {

class TimeoutQueue;

// Intrusive link embedded in whatever waits (a connection).
struct TimeoutLink {
  TimeoutLink* prev = nullptr;
  TimeoutLink* next = nullptr;
  int64_t deadline_ms = 0;
  TimeoutQueue* queue = nullptr;  // the queue holding this link, or null
};

// A queue of links. Not thread-safe: the caller serialises access.
class TimeoutQueue {
 public:
  // A FIFO whose entries all wait `duration_ms`. A `sorted` queue instead takes
  // explicit deadlines and keeps them ordered by inserting from the tail (used
  // where the deadline depends on the entry, as mod_reqtimeout's MinRate does).
  explicit TimeoutQueue(int64_t duration_ms, bool sorted = false)
      : duration_ms_(duration_ms), sorted_(sorted) {}
  TimeoutQueue(const TimeoutQueue&) = delete;
  TimeoutQueue& operator=(const TimeoutQueue&) = delete;

  // Appends `link` with deadline now + duration. `link` must not be queued.
  void push(TimeoutLink* link, int64_t now_ms) { insert(link, now_ms + duration_ms_); }
  // Inserts `link` with an explicit deadline (sorted queues; on a FIFO it appends).
  void insert(TimeoutLink* link, int64_t deadline_ms);
  // Unlinks `link`, which must be in this queue.
  void remove(TimeoutLink* link);
  // The entry expiring first, or null.
  TimeoutLink* front() const { return head_; }
  // Unlinks and returns the head if its deadline is at or before `now_ms`, else null.
  TimeoutLink* pop_expired(int64_t now_ms);
  // Number of entries.
  size_t size() const { return size_; }
  // The duration given at construction.
  int64_t duration_ms() const { return duration_ms_; }

 private:
  TimeoutLink* head_ = nullptr;
  TimeoutLink* tail_ = nullptr;
  size_t size_ = 0;
  int64_t duration_ms_;
  bool sorted_;
};

}  // namespace tern
