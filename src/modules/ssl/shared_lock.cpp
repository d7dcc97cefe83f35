// Shared memory and the robust process-shared mutex of the SSL session cache and ticket keys.

#include "modules/ssl/shared_lock.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

namespace tern::ssl {

std::unique_ptr<SharedMemory> SharedMemory::create(size_t bytes, std::string* error) {
  void* base = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    *error = std::string("could not map shared memory: ") + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<SharedMemory>(new SharedMemory(base, bytes));
}

SharedMemory::~SharedMemory() {
  ::munmap(base_, size_);
}

std::string init_robust_mutex(pthread_mutex_t* m) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  int rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  if (rc == 0) rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  if (rc == 0) rc = pthread_mutex_init(m, &attr);
  pthread_mutexattr_destroy(&attr);
  return rc == 0 ? "" : std::string("could not create a shared lock: ") + std::strerror(rc);
}

RobustLock::RobustLock(pthread_mutex_t* m) : m_(m) {
  int rc = pthread_mutex_lock(m_);
  if (rc == EOWNERDEAD) {
    owner_died_ = true;
    rc = pthread_mutex_consistent(m_);
  }
  locked_ = rc == 0;
}

RobustLock::~RobustLock() {
  if (locked_) pthread_mutex_unlock(m_);
}

}  // namespace tern::ssl
