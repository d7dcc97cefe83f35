#pragma once
// Room for one object of a polymorphic type inside its owner, so that making one allocates
// nothing (a connection's transport, a listener entry's connection).

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace tern {

// Holds at most one object derived from Base, of at most Bytes bytes, constructed in place.
template <class Base, size_t Bytes>
class InlineSlot {
 public:
  static constexpr size_t kBytes = Bytes;

  InlineSlot() = default;
  InlineSlot(const InlineSlot&) = delete;
  InlineSlot& operator=(const InlineSlot&) = delete;
  ~InlineSlot() { reset(); }

  // Constructs a T here, replacing the object held; returns it.
  template <class T, class... Args>
  T& emplace(Args&&... args) {
    static_assert(std::is_base_of_v<Base, T>);
    static_assert(sizeof(T) <= Bytes && alignof(T) <= alignof(std::max_align_t));
    reset();
    T* t = std::construct_at(reinterpret_cast<T*>(bytes_), std::forward<Args>(args)...);
    held_ = t;
    return *t;
  }
  // Destroys the object held, if any.
  void reset() {
    if (held_ != nullptr) std::destroy_at(std::exchange(held_, nullptr));
  }
  // The object held, or null.
  Base* get() const { return held_; }

 private:
  alignas(std::max_align_t) std::byte bytes_[Bytes];
  Base* held_ = nullptr;
};

}  // namespace tern
