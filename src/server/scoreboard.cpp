#include "server/scoreboard.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "net/unique_fd.h"

namespace tern {

namespace {

void copy_field(char* dst, size_t cap, std::string_view src) {
  size_t n = src.size() < cap - 1 ? src.size() : cap - 1;
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

size_t align_up(size_t n) {
  return (n + 63) & ~size_t{63};
}

}  // namespace

void WorkerScore::set_request(std::string_view c, std::string_view p, std::string_view v,
                              std::string_view r, std::string_view m) {
  uint32_t s = seq.load(std::memory_order_relaxed);
  seq.store(s + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  copy_field(client, sizeof client, c);
  copy_field(protocol, sizeof protocol, p);
  copy_field(vhost, sizeof vhost, v);
  copy_field(request, sizeof request, r);
  copy_field(method, sizeof method, m);
  seq.store(s + 2, std::memory_order_release);
}

bool WorkerScore::read_request(std::string& c, std::string& p, std::string& v, std::string& r,
                               std::string& m) const {
  for (int attempt = 0; attempt < 8; ++attempt) {
    uint32_t s1 = seq.load(std::memory_order_acquire);
    if (s1 & 1) continue;
    char buf[sizeof client + sizeof protocol + sizeof vhost + sizeof request + sizeof method];
    // Byte copies through volatile-free memcpy may race with the writer; the
    // sequence check below discards any torn copy.
    std::memcpy(buf, client, sizeof client);
    std::memcpy(buf + 48, protocol, sizeof protocol);
    std::memcpy(buf + 64, vhost, sizeof vhost);
    std::memcpy(buf + 128, request, sizeof request);
    std::memcpy(buf + 256, method, sizeof method);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (seq.load(std::memory_order_relaxed) != s1) continue;
    buf[47] = buf[63] = buf[127] = buf[255] = buf[271] = '\0';
    c.assign(buf);
    p.assign(buf + 48);
    v.assign(buf + 64);
    r.assign(buf + 128);
    m.assign(buf + 256);
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
  p.accepted = p.starvation_closed = 0;
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
