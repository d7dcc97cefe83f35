#pragma once
// The control process (httpd's parent): owns the listen sockets, the logs and
// the scoreboard, forks and supervises the children, never serves a request.
// Signals: SIGTERM stop, SIGHUP restart, SIGUSR1 graceful restart, SIGWINCH
// graceful stop (see signals.h).

#include <memory>
#include <vector>

#include "config/config.h"
#include "config/config_loader.h"
#include "net/unique_fd.h"

namespace tern {

// Runs the control process until it is stopped; returns the exit status.
// `config` was loaded from `opts` (reloads use the same options); `sockets` are
// its Listen sockets in order, already open; the ErrorLog is already open.
// Writes the PidFile and removes it at exit.
int run_control_process(const LoadOptions& opts, std::shared_ptr<const Config> config,
                        std::vector<UniqueFd> sockets);

// Applies the parts of a reloaded configuration that cannot change without a
// full stop, as httpd: ServerLimit and ThreadLimit keep their first values
// (`server_limit`, `thread_limit`), ThreadsPerChild and MaxRequestWorkers are
// clamped to them. Appends a warning for each value it changes.
std::shared_ptr<const Config> fit_to_scoreboard(std::shared_ptr<const Config> config,
                                                int server_limit, int thread_limit,
                                                std::vector<std::string>* warnings);

}  // namespace tern
