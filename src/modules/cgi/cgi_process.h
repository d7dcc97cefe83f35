#pragma once
// Starting a CGI script from a threaded server process.
//
// Why posix_spawn and not mod_cgid's spawner daemon: mod_cgid forks a small daemon at
// start-up because fork() from a big threaded httpd child copies its page tables and
// (on some systems) only the forking thread survives with locks held by others. glibc's
// posix_spawn uses clone(CLONE_VM|CLONE_VFORK): the child shares the parent's memory
// until execve, so no page table is copied and nothing but async-signal-safe code runs
// before exec; the cost per script is one clone + execve, with no socket round-trip to a
// daemon, no daemon to restart and no fd passing. The file actions set up everything
// the daemon would: the pipes on 0/1, stderr on the error log, the script's directory,
// every other descriptor closed, default signal dispositions and an empty mask, and a
// process group of its own so that an abort kills whatever the script started.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "modules/cgi/cgi_reaper.h"
#include "net/unique_fd.h"

namespace tern {

// What to run.
struct CgiSpawn {
  std::string program;            // absolute path of the executable
  std::string dir;                // working directory (the script's)
  std::vector<std::string> argv;  // argv[0] first
  std::vector<std::string> env;   // "NAME=value"
  int stderr_fd = 2;              // where the script's stderr goes (the error log)
};

// A running script with non-blocking, close-on-exec pipes to its stdin and stdout.
// Destruction (or end()) closes the pipes and hands the process to the ProcessReaper.
class CgiProcess {
 public:
  // Starts `spec`; nullopt with `*err` = errno when the pipes, pidfd or exec fail.
  static std::optional<CgiProcess> spawn(const CgiSpawn& spec, int* err);
  CgiProcess(CgiProcess&& other) noexcept;
  CgiProcess& operator=(CgiProcess&& other) noexcept;
  // end(kFinished) unless ended.
  ~CgiProcess();

  // Our end of the script's stdin (write) and stdout (read); empty once closed.
  UniqueFd& in() { return in_; }
  UniqueFd& out() { return out_; }
  // The process id (also its process group id); -1 once ended.
  pid_t pid() const { return pid_; }
  // Closes the pipes and gives the process to the reaper (see ProcessReaper::End).
  void end(ProcessReaper::End how);

 private:
  CgiProcess() = default;
  pid_t pid_ = -1;
  UniqueFd pidfd_;
  UniqueFd in_;
  UniqueFd out_;
};

}  // namespace tern
