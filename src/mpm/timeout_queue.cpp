#include "mpm/timeout_queue.h"

namespace tern {

void TimeoutQueue::insert(TimeoutLink* link, int64_t deadline_ms) {
  link->deadline_ms = deadline_ms;
  link->queue = this;
  TimeoutLink* after = tail_;
  if (sorted_) {
    while (after && after->deadline_ms > deadline_ms) after = after->prev;
  }
  link->prev = after;
  link->next = after ? after->next : head_;
  if (link->next) {
    link->next->prev = link;
  } else {
    tail_ = link;
  }
  if (after) {
    after->next = link;
  } else {
    head_ = link;
  }
  ++size_;
}

void TimeoutQueue::remove(TimeoutLink* link) {
  if (link->prev) {
    link->prev->next = link->next;
  } else {
    head_ = link->next;
  }
  if (link->next) {
    link->next->prev = link->prev;
  } else {
    tail_ = link->prev;
  }
  link->prev = link->next = nullptr;
  link->queue = nullptr;
  --size_;
}

TimeoutLink* TimeoutQueue::pop_expired(int64_t now_ms) {
  TimeoutLink* h = head_;
  if (!h || h->deadline_ms > now_ms) return nullptr;
  remove(h);
  return h;
}

}  // namespace tern
