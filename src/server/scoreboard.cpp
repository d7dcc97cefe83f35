#include "server/scoreboard.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <new>

#include "net/unique_fd.h"

namespace tern {

namespace {

// Stores `src` (cut to cap - 1 bytes, NUL-terminated) in the field of `cap` bytes that
// begins at `words`; only the words its bytes and NUL occupy are written, since a reader
// stops at the NUL (the whole text was 34 stores and ~400 instructions a request).
// The word of `r` < 8 bytes at `p`, zero-padded, as memcpy into it would give, without a
// call to memcpy for a variable length: two overlapping loads of 4 (r >= 4) or three single
// bytes (r < 4) on little-endian machines, a byte loop elsewhere.
uint64_t tail_word(const char* p, size_t r) {
  if constexpr (std::endian::native == std::endian::little) {
    const auto byte = [p](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])}; };
    if (r >= 4) {
      uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + r - 4, 4);
      return lo | uint64_t{hi} << (8 * (r - 4));
    }
    if (r == 0) return 0;
    return byte(0) | byte(r / 2) << (8 * (r / 2)) | byte(r - 1) << (8 * (r - 1));
  } else {
    unsigned char b[8] = {};
    for (size_t i = 0; i < r; ++i) b[i] = static_cast<unsigned char>(p[i]);
    uint64_t w;
    std::memcpy(&w, b, 8);
    return w;
  }
}

// Stores `src` (cut to cap - 1 bytes, NUL-terminated) in the field of `cap` bytes that
// begins at `words`; only the words its bytes and NUL occupy are written, since a reader
// stops at the NUL (the whole text was 34 stores and ~400 instructions a request).
void put_field(std::atomic<uint64_t>* words, size_t cap, std::string_view src) {
  const size_t n = src.size() < cap - 1 ? src.size() : cap - 1;
  size_t off = 0;
  for (; n - off >= 8; off += 8) {
    uint64_t w;
    std::memcpy(&w, src.data() + off, 8);  // a whole word: one load
    words[off / 8].store(w, std::memory_order_relaxed);
  }
  words[off / 8].store(tail_word(src.data() + off, n - off), std::memory_order_relaxed);
}

size_t align_up(size_t n) {
  return (n + 63) & ~size_t{63};
}

}  // namespace

void WorkerScore::set_request(std::string_view c, std::string_view p, std::string_view v,
                              std::string_view r, std::string_view m) {
  static_assert(kClientCap % 8 == 0 && kProtocolCap % 8 == 0 && kVhostCap % 8 == 0 &&
                kRequestCap % 8 == 0 && kMethodCap % 8 == 0);
  uint32_t s = seq.load(std::memory_order_relaxed);
  seq.store(s + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  size_t at = 0;
  put_field(text + at / 8, kClientCap, c);
  put_field(text + (at += kClientCap) / 8, kProtocolCap, p);
  put_field(text + (at += kProtocolCap) / 8, kVhostCap, v);
  put_field(text + (at += kVhostCap) / 8, kRequestCap, r);
  put_field(text + (at += kRequestCap) / 8, kMethodCap, m);
  seq.store(s + 2, std::memory_order_release);
}

bool WorkerScore::read_request(std::string& c, std::string& p, std::string& v, std::string& r,
                               std::string& m) const {
  for (int attempt = 0; attempt < 8; ++attempt) {
    uint32_t s1 = seq.load(std::memory_order_acquire);
    if (s1 & 1) continue;
    alignas(8) char buf[kTextBytes];
    for (size_t i = 0; i < kTextBytes / 8; ++i) {
      uint64_t word = text[i].load(std::memory_order_relaxed);
      std::memcpy(buf + i * 8, &word, 8);
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    if (seq.load(std::memory_order_relaxed) != s1) continue;
    // Each field is NUL-terminated by put_field; the caps keep a torn-free
    // copy from running past its field even if the memory was scribbled.
    size_t at = 0;
    auto take = [&](std::string& out, size_t cap) {
      buf[at + cap - 1] = '\0';
      out.assign(buf + at);
      at += cap;
    };
    take(c, kClientCap);
    take(p, kProtocolCap);
    take(v, kVhostCap);
    take(r, kRequestCap);
    take(m, kMethodCap);
    return true;
  }
  return false;
}

std::unique_ptr<Scoreboard> Scoreboard::create(int server_limit, int thread_limit,
                                               const std::string& file, std::string* error) {
  size_t global_size = align_up(sizeof(GlobalScore));
  size_t procs_size = align_up(sizeof(ProcessScore) * static_cast<size_t>(server_limit));
  size_t workers_size =
      align_up(sizeof(WorkerScore) * static_cast<size_t>(server_limit) * thread_limit);
  size_t size = global_size + procs_size + workers_size;
  void* base;
  if (file.empty()) {
    base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  } else {
    UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd || ::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
      *error = "could not create ScoreBoardFile " + file + ": " + std::strerror(errno);
      return nullptr;
    }
    base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  }
  if (base == MAP_FAILED) {
    *error = std::string("could not map the scoreboard: ") + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<Scoreboard> sb(new Scoreboard());
  sb->base_ = base;
  sb->size_ = size;
  auto* bytes = static_cast<char*>(base);
  sb->global_ = new (bytes) GlobalScore();
  sb->global_->server_limit = server_limit;
  sb->global_->thread_limit = thread_limit;
  sb->processes_ = reinterpret_cast<ProcessScore*>(bytes + global_size);
  for (int i = 0; i < server_limit; ++i) new (&sb->processes_[i]) ProcessScore();
  sb->workers_ = reinterpret_cast<WorkerScore*>(bytes + global_size + procs_size);
  for (size_t i = 0; i < static_cast<size_t>(server_limit) * thread_limit; ++i) {
    new (&sb->workers_[i]) WorkerScore();
  }
  return sb;
}

Scoreboard::~Scoreboard() {
  if (base_) ::munmap(base_, size_);
}

void Scoreboard::reset_process(int slot) {
  ProcessScore& p = processes_[slot];
  p.pid = 0;
  p.generation = 0;
  p.quiescing = 0;
  p.not_accepting = false;
  p.connections = p.writing = p.keep_alive = p.closing = p.reading = 0;
  p.accepted = p.starvation_closed = p.accept_errors = p.admission_closed = 0;
  p.start_time_us = 0;
  for (int t = 0; t < global_->thread_limit; ++t) {
    WorkerScore& w = worker(slot, t);
    w.status = static_cast<char>(WorkerStatus::kOpen);
    w.accesses = w.bytes = w.conn_count = w.conn_bytes = 0;
    w.last_start_us = w.last_duration_us = 0;
    w.duration_total_us = w.cpu_ticks = 0;
    w.tid = 0;
    w.set_request("", "", "", "", "");
  }
}

}  // namespace tern
