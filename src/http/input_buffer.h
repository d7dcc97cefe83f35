#pragma once
// The bytes read from a connection that the parser has not consumed yet.

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace tern {

// A growable byte buffer with a consumed prefix. Offsets, not pointers, survive
// growth; compaction happens only between requests.
class InputBuffer {
 public:
  // Creates a buffer with `capacity` bytes of room.
  explicit InputBuffer(size_t capacity)
      : data_(std::make_unique_for_overwrite<char[]>(capacity)), cap_(capacity) {}

  // Unconsumed bytes.
  std::string_view pending() const { return {data_.get() + begin_, end_ - begin_}; }
  // Number of unconsumed bytes.
  size_t size() const { return end_ - begin_; }
  // True when nothing is pending.
  bool empty() const { return begin_ == end_; }
  // Marks `n` pending bytes consumed.
  void consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  // Moves pending bytes to the front (call only between requests).
  void compact() {
    if (begin_ == 0) return;
    std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // Free room after the pending bytes, growing (doubling, up to `max_capacity`)
  // when none is left. Returns the room; 0 when the limit is reached.
  size_t room(size_t max_capacity) {
    if (end_ < cap_) return cap_ - end_;
    if (begin_ > 0) {
      compact();
      if (end_ < cap_) return cap_ - end_;
    }
    if (cap_ >= max_capacity) return 0;
    size_t ncap = cap_ * 2 > max_capacity ? max_capacity : cap_ * 2;
    auto nd = std::make_unique_for_overwrite<char[]>(ncap);
    std::memcpy(nd.get(), data_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    data_ = std::move(nd);
    cap_ = ncap;
    return cap_ - end_;
  }
  // Where to read new bytes (valid after room()).
  char* write_ptr() { return data_.get() + end_; }
  // Records `n` new bytes written at write_ptr().
  void commit(size_t n) { end_ += n; }
  // Current capacity.
  size_t capacity() const { return cap_; }

 private:
  std::unique_ptr<char[]> data_;
  size_t cap_;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace tern
