#include "modules/cgi/cgi_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <utility>

namespace tern {

namespace {

// Owns posix_spawn's attribute and file-action objects.
struct SpawnObjects {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  SpawnObjects() {
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
  }
  ~SpawnObjects() {
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
  }
  SpawnObjects(const SpawnObjects&) = delete;
  SpawnObjects& operator=(const SpawnObjects&) = delete;
};

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

bool make_pipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end->reset(fds[0]);
  write_end->reset(fds[1]);
  return true;
}

bool set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

}  // namespace

std::optional<CgiProcess> CgiProcess::spawn(const CgiSpawn& spec, int* err) {
  UniqueFd child_in, our_in, our_out, child_out;
  if (!make_pipe(&child_in, &our_in) || !make_pipe(&our_out, &child_out) ||
      !set_nonblocking(our_in.get()) || !set_nonblocking(our_out.get())) {
    *err = errno;
    return std::nullopt;
  }
  SpawnObjects o;
  // dup2 onto 0/1/2 clears close-on-exec on the copies; everything else is closed.
  posix_spawn_file_actions_adddup2(&o.fa, child_in.get(), 0);
  posix_spawn_file_actions_adddup2(&o.fa, child_out.get(), 1);
  posix_spawn_file_actions_adddup2(&o.fa, spec.stderr_fd, 2);
  posix_spawn_file_actions_addclosefrom_np(&o.fa, 3);
  if (!spec.dir.empty()) posix_spawn_file_actions_addchdir_np(&o.fa, spec.dir.c_str());
  sigset_t empty, all;
  sigemptyset(&empty);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&o.attr, &empty);   // worker threads block signals
  posix_spawnattr_setsigdefault(&o.attr, &all);  // SIGPIPE ignored by the server
  posix_spawnattr_setpgroup(&o.attr, 0);         // own group: an abort kills its children
  posix_spawnattr_setflags(&o.attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::vector<char*> argv = c_strings(spec.argv);
  std::vector<char*> envp = c_strings(spec.env);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, spec.program.c_str(), &o.fa, &o.attr, argv.data(), envp.data());
  if (rc != 0) {
    *err = rc;
    return std::nullopt;
  }
  // Nobody else in this process waits for children, so `pid` stays ours (a zombie at
  // worst) until the reaper waits for it: pidfd_open cannot name another process.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    *err = errno;
    ::kill(-pid, SIGKILL);
    siginfo_t info{};
    ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED);
    return std::nullopt;
  }
  CgiProcess p;
  p.pid_ = pid;
  p.pidfd_.reset(pidfd);
  p.in_ = std::move(our_in);
  p.out_ = std::move(our_out);
  return p;
}

CgiProcess::CgiProcess(CgiProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      in_(std::move(other.in_)),
      out_(std::move(other.out_)) {}

CgiProcess& CgiProcess::operator=(CgiProcess&& other) noexcept {
  if (this != &other) {
    end(ProcessReaper::End::kFinished);
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    in_ = std::move(other.in_);
    out_ = std::move(other.out_);
  }
  return *this;
}

CgiProcess::~CgiProcess() {
  end(ProcessReaper::End::kFinished);
}

void CgiProcess::end(ProcessReaper::End how) {
  in_.reset();
  out_.reset();
  if (pid_ < 0) return;
  ProcessReaper::instance().adopt(std::exchange(pid_, -1), std::move(pidfd_), how);
}

}  // namespace tern
