#pragma once
// One child process's runtime: builds the connection settings from the
// configuration, runs the listener with its worker pool, and stops on request.

#include <memory>
#include <vector>

#include "config/config.h"
#include "http/handler.h"
#include "net/unique_fd.h"
#include "server/scoreboard.h"

namespace tern {

class AccessLogs;
class Listener;
class Scoreboard;

// Runs a child's listener and workers over `listen_fds` until stop_child() (or
// MaxConnectionsPerChild) and the drain that follows complete, reporting into
// process slot `slot` of the shared `scoreboard` (created by the parent).
// `several_children` turns on EPOLLEXCLUSIVE for the listen sockets. Returns the
// exit status.
int run_child(const Config& config, const std::vector<int>& listen_fds, const Handler& handler,
              AccessLogs* logs, Scoreboard& scoreboard, int slot, bool several_children);

// The same, reporting into slot `slot` of `scoreboard` (which outlives the call),
// so that a server-status handler reading that scoreboard sees this child.
int run_child(const Config& config, const std::vector<int>& listen_fds, const Handler& handler,
              AccessLogs* logs, Scoreboard& scoreboard, int slot);

// Asks the running child to stop: gracefully (in-flight work finishes) or at
// once. Async-signal-safe; a request made before the listener runs is kept and
// applied when it starts.
void stop_child(bool graceful);

}  // namespace tern
