#include "handlers/status_history.h"

namespace tern {

StatusHistory::StatusHistory(size_t capacity, int64_t interval_us)
    : capacity_(capacity == 0 ? 1 : capacity), interval_us_(interval_us) {
  ring_.reserve(capacity_);
}

void StatusHistory::observe(const StatusSnapshot& s) {
  std::lock_guard<std::mutex> lock(mu_);
  const HistorySample* last = nullptr;
  if (!ring_.empty()) last = &ring_[(next_ + ring_.size() - 1) % ring_.size()];
  if (last != nullptr && s.now_us - last->time_us < interval_us_) return;
  HistorySample h;
  h.time_us = s.now_us;
  h.accesses = s.accesses;
  if (last != nullptr && s.now_us > last->time_us && s.accesses >= last->accesses) {
    h.req_per_sec = static_cast<double>(s.accesses - last->accesses) * 1e6 /
                    static_cast<double>(s.now_us - last->time_us);
  }
  h.writing = s.writing;
  h.keep_alive = s.keep_alive;
  h.closing = s.closing;
  h.reading = s.reading;
  h.busy = s.busy;
  if (ring_.size() < capacity_) {
    ring_.push_back(h);
    next_ = ring_.size() % capacity_;
  } else {
    ring_[next_] = h;
    next_ = (next_ + 1) % capacity_;
  }
}

std::vector<HistorySample> StatusHistory::samples() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<HistorySample> out;
  out.reserve(ring_.size());
  size_t start = ring_.size() < capacity_ ? 0 : next_;
  for (size_t i = 0; i < ring_.size(); ++i) out.push_back(ring_[(start + i) % ring_.size()]);
  return out;
}

}  // namespace tern
