#pragma once
// One child process's runtime: runs the listener with its worker pool over listen sockets
// whose protocols the composition root chose, and stops on request. Knows no HTTP.

#include <memory>
#include <vector>

#include "config/config.h"
#include "mpm/listener.h"
#include "server/scoreboard.h"

namespace tern {

class Scoreboard;

// The listener's timeouts and admission settings from the configuration.
ListenerSettings listener_settings(const Config& config, const Scoreboard& scoreboard,
                                   bool several_children);

// Runs a child's listener and workers over `ports` until stop_child() (or
// MaxConnectionsPerChild) and the drain that follows complete, reporting into
// process slot `slot` of the shared `scoreboard` (created by the parent, outliving the call,
// so that a server-status handler reading it sees this child). `several_children` turns on
// EPOLLEXCLUSIVE for the listen sockets. Returns the exit status.
int run_child(const Config& config, const std::vector<ListenPort>& ports, Scoreboard& scoreboard,
              int slot, bool several_children);

// Asks the running child to stop: gracefully (in-flight work finishes) or at
// once. Async-signal-safe; a request made before the listener runs is kept and
// applied when it starts.
void stop_child(bool graceful);

}  // namespace tern
