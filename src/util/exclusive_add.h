#pragma once
// Adding to an atomic counter whose writers never race.

#include <atomic>

namespace tern {

// Adds `delta` to `counter` with a relaxed load and store, not a locked read-modify-write
// (which costs a pipeline-draining instruction on x86). Only for a counter that a single
// thread writes, or whose writers all hold the same lock: readers on other threads (or
// processes, through the scoreboard) still see each whole value, never a torn one.
template <class T, class D>
inline void exclusive_add(std::atomic<T>& counter, D delta) {
  counter.store(counter.load(std::memory_order_relaxed) + static_cast<T>(delta),
                std::memory_order_relaxed);
}

}  // namespace tern
