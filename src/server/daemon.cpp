#include "server/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "mpm/signals.h"
#include "net/unique_fd.h"
#include "server/pid_file.h"

namespace tern {

namespace {

std::string exe_of(const std::string& proc_pid) {
  char buf[4096];
  ssize_t n = ::readlink((proc_pid + "/exe").c_str(), buf, sizeof buf - 1);
  if (n <= 0) return "";
  buf[n] = '\0';
  return buf;
}

}  // namespace

pid_t running_server_pid(const std::string& pid_file) {
  int pid = PidFile::read(pid_file);
  if (pid <= 0) return 0;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return 0;
  // A pid from an old file may now belong to an unrelated process.
  std::string theirs = exe_of("/proc/" + std::to_string(pid));
  std::string ours = exe_of("/proc/self");
  if (!theirs.empty() && !ours.empty() && theirs != ours) return 0;
  return pid;
}

bool daemonize(std::string* error) {
  pid_t pid = ::fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  if (pid > 0) ::_exit(0);
  if (::setsid() < 0) {
    *error = std::string("setsid: ") + std::strerror(errno);
    return false;
  }
  if (::chdir("/") != 0) {
    *error = std::string("chdir /: ") + std::strerror(errno);
    return false;
  }
  UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null) {
    *error = std::string("/dev/null: ") + std::strerror(errno);
    return false;
  }
  for (int fd = 0; fd <= 2; ++fd) ::dup2(null.get(), fd);
  return true;
}

int signal_server(const std::string& pid_file, const std::string& command, bool* start_instead) {
  *start_instead = false;
  int sig = signal_for_command(command.c_str());
  if (sig == 0) {
    std::fprintf(stderr, "tern: unknown -k command '%s'\n", command.c_str());
    return 1;
  }
  int recorded = PidFile::read(pid_file);
  pid_t pid = running_server_pid(pid_file);
  if (pid == 0) {
    if (recorded > 0) {
      std::fprintf(stderr, "tern (pid %d?) not running\n", recorded);
    } else {
      std::fprintf(stderr, "tern (no pid file) not running\n");
    }
    if (sig == SIGHUP || sig == SIGUSR1) {
      *start_instead = true;
      return 0;
    }
    return 0;
  }
  if (::kill(pid, sig) != 0) {
    std::fprintf(stderr, "tern: could not send signal to pid %d: %s\n", static_cast<int>(pid),
                 std::strerror(errno));
    return 1;
  }
  return 0;
}

}  // namespace tern
