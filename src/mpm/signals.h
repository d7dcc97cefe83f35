#pragma once
// Signal handling for the control process and the children. The handlers only
// set flags (async-signal-safe); the loops read them.

namespace tern {

// What the control process was asked to do, in httpd's signal vocabulary.
enum class ControlRequest {
  kNone,
  kStop,          // SIGTERM / SIGINT: stop now
  kRestart,       // SIGHUP: reload, replace all children at once
  kGraceful,      // SIGUSR1: reload, old children finish in-flight work
  kGracefulStop,  // SIGWINCH: finish in-flight work, then exit
};

// Installs the control process's handlers (SIGTERM, SIGINT, SIGHUP, SIGUSR1,
// SIGWINCH record a request; SIGCHLD only interrupts sleeps; SIGPIPE ignored).
void install_control_signals();

// Takes the most urgent pending request (stop beats graceful stop beats restart
// beats graceful restart) and clears it; kNone when none is pending.
ControlRequest take_control_request();

// Takes a pending stop (SIGTERM / SIGINT) only, clearing the weaker requests it absorbs;
// false, with every other pending request left for take_control_request(), when none is.
bool take_stop_request();

// Installs a child's handlers: SIGTERM/SIGINT/SIGHUP stop at once, SIGUSR1 and
// SIGWINCH stop gracefully (both through stop_child()); SIGCHLD default, SIGPIPE ignored.
void install_child_signals();

// The signal a -k command sends: "stop" SIGTERM, "restart" SIGHUP, "graceful"
// SIGUSR1, "graceful-stop" SIGWINCH; 0 for anything else.
int signal_for_command(const char* command);

}  // namespace tern
