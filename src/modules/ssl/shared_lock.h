#pragma once
// Shared memory made before fork() and a process-shared robust mutex inside it: the
// session cache and the ticket keys live here so every child sees one copy. A child that
// dies holding the lock leaves it "owner died"; the next locker is told so and repairs.

#include <pthread.h>

#include <cstddef>
#include <memory>
#include <string>

namespace tern::ssl {

// An anonymous MAP_SHARED mapping; children forked after create() share it.
class SharedMemory {
 public:
  // Maps `bytes` zeroed bytes; null with *error set on failure.
  static std::unique_ptr<SharedMemory> create(size_t bytes, std::string* error);
  ~SharedMemory();
  SharedMemory(const SharedMemory&) = delete;
  SharedMemory& operator=(const SharedMemory&) = delete;

  // The mapping's first byte.
  void* data() const { return base_; }
  // The mapping's size in bytes.
  size_t size() const { return size_; }

 private:
  SharedMemory(void* base, size_t size) : base_(base), size_(size) {}
  void* base_;
  size_t size_;
};

// Initialises *m (in shared memory) as a process-shared robust mutex; "" or an error.
std::string init_robust_mutex(pthread_mutex_t* m);

// Holds a robust mutex for a scope. When the previous owner died holding it, owner_died()
// is true: the protected data may be half-written and the holder must repair it (the lock
// is already marked consistent again).
class RobustLock {
 public:
  explicit RobustLock(pthread_mutex_t* m);
  ~RobustLock();
  RobustLock(const RobustLock&) = delete;
  RobustLock& operator=(const RobustLock&) = delete;

  // False when the mutex could not be taken (unrecoverable): touch nothing.
  bool locked() const { return locked_; }
  // True when this lock inherited it from a dead owner.
  bool owner_died() const { return owner_died_; }

 private:
  pthread_mutex_t* m_;
  bool locked_ = false;
  bool owner_died_ = false;
};

}  // namespace tern::ssl
