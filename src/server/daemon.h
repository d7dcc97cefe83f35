#pragma once
// httpd's -k: detaching a server (start) and signalling the one named by the
// PidFile (stop, restart, graceful, graceful-stop).

#include <sys/types.h>

#include <string>

namespace tern {

// The pid of the running tern named by `pid_file`; 0 when the file is missing,
// malformed, or stale (no such process, or a process that is not this binary).
pid_t running_server_pid(const std::string& pid_file);

// Detaches from the terminal like httpd -k start: forks (the caller's process
// exits 0 in the parent), starts a new session, chdir("/") and points stdin,
// stdout and stderr at /dev/null. Call before any thread starts. False and
// `*error` on failure (still attached).
bool daemonize(std::string* error);

// Acts on the server of `pid_file` for -k `command` ("stop", "restart",
// "graceful", "graceful-stop"): sends the signal and prints like httpd when it
// does not run. Sets `*start_instead` when the command is restart/graceful and
// no server runs (httpd then starts one). Returns the exit status.
int signal_server(const std::string& pid_file, const std::string& command, bool* start_instead);

}  // namespace tern
