#include "mpm/signals.h"

#include <signal.h>

#include <atomic>
#include <cstring>

#include "mpm/child.h"

namespace tern {

namespace {

// Lock-free atomics are async-signal-safe.
std::atomic<bool> g_stop{false};
std::atomic<bool> g_graceful_stop{false};
std::atomic<bool> g_restart{false};
std::atomic<bool> g_graceful{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_control_signal(int sig) {
  switch (sig) {
    case SIGTERM:
    case SIGINT:
      g_stop = true;
      break;
    case SIGWINCH:
      g_graceful_stop = true;
      break;
    case SIGHUP:
      g_restart = true;
      break;
    case SIGUSR1:
      g_graceful = true;
      break;
    default:
      break;  // SIGCHLD: only wakes the loop
  }
}

void on_child_stop(int) {
  stop_child(false);
}

void on_child_graceful(int) {
  stop_child(true);
}

void set_handler(int sig, void (*fn)(int)) {
  struct sigaction sa {};
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a signal interrupts the control loop's sleep
  sigaction(sig, &sa, nullptr);
}

}  // namespace

void install_control_signals() {
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGWINCH, SIGCHLD}) {
    set_handler(sig, on_control_signal);
  }
  signal(SIGPIPE, SIG_IGN);
}

bool take_stop_request() {
  // A stop absorbs the weaker requests pending with it.
  if (!g_stop.exchange(false)) return false;
  g_graceful_stop = g_restart = g_graceful = false;
  return true;
}

ControlRequest take_control_request() {
  // A stronger request absorbs the weaker ones pending with it.
  if (take_stop_request()) return ControlRequest::kStop;
  if (g_graceful_stop.exchange(false)) {
    g_restart = g_graceful = false;
    return ControlRequest::kGracefulStop;
  }
  if (g_restart.exchange(false)) {
    g_graceful = false;
    return ControlRequest::kRestart;
  }
  if (g_graceful.exchange(false)) return ControlRequest::kGraceful;
  return ControlRequest::kNone;
}

void install_child_signals() {
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) set_handler(sig, on_child_stop);
  for (int sig : {SIGUSR1, SIGWINCH}) set_handler(sig, on_child_graceful);
  signal(SIGCHLD, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
}

int signal_for_command(const char* command) {
  if (std::strcmp(command, "stop") == 0) return SIGTERM;
  if (std::strcmp(command, "restart") == 0) return SIGHUP;
  if (std::strcmp(command, "graceful") == 0) return SIGUSR1;
  if (std::strcmp(command, "graceful-stop") == 0) return SIGWINCH;
  return 0;
}

}  // namespace tern
