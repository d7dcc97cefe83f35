#include "mpm/signals.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace tern {
namespace {

// Runs `body` in a forked process (the control process's handlers replace the test
// binary's) and returns its exit status: 0 when every check in it held.
template <typename Body>
int in_child(Body body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    install_control_signals();
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(ControlSignals, AStopWaitLeavesAGracefulStopPending) {
  // A SIGWINCH that arrives while a restart waits for its old children is not lost.
  EXPECT_EQ(in_child([] {
              ::raise(SIGWINCH);
              if (take_stop_request()) return 1;
              if (take_control_request() != ControlRequest::kGracefulStop) return 2;
              if (take_control_request() != ControlRequest::kNone) return 3;
              return 0;
            }),
            0);
}

TEST(ControlSignals, AStopAbsorbsTheWeakerRequests) {
  EXPECT_EQ(in_child([] {
              ::raise(SIGUSR1);
              ::raise(SIGHUP);
              ::raise(SIGTERM);
              if (!take_stop_request()) return 1;
              if (take_control_request() != ControlRequest::kNone) return 2;
              return 0;
            }),
            0);
}

TEST(ControlSignals, TheStrongestPendingRequestComesFirst) {
  EXPECT_EQ(in_child([] {
              ::raise(SIGUSR1);
              ::raise(SIGHUP);
              if (take_control_request() != ControlRequest::kRestart) return 1;
              if (take_control_request() != ControlRequest::kNone) return 2;  // absorbed
              ::raise(SIGUSR1);
              if (take_control_request() != ControlRequest::kGraceful) return 3;
              return 0;
            }),
            0);
}

}  // namespace
}  // namespace tern
