// mpm_event_module (event.c): the event MPM and the directives httpd documents as
// "Status: MPM" (mpm_common) that the event MPM implements.

#include "config/directive_setters.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "mpm_event_module";

const DirectiveSpec kDirectives[] = {
    {"Listen", kCtxServer, Args::kTake12, set_listen,
     "IP addresses and ports that the server listens to", kMod, kOverrideNone},
    {"ListenBacklog", kCtxServer, Args::kTake1, set_listen_backlog,
     "Maximum length of the queue of pending connections", kMod, kOverrideNone},
    {"PidFile", kCtxServer, Args::kTake1, set_pid_file,
     "File where the server records the process ID of the daemon", kMod, kOverrideNone},
    {"AsyncRequestWorkerFactor", kCtxServer, Args::kTake1, set_async_request_worker_factor,
     "Limit concurrent connections per process", kMod, kOverrideNone},
    {"StartServers", kCtxServer, Args::kTake1, set_start_servers,
     "Number of child server processes created at startup", kMod, kOverrideNone},
    {"ServerLimit", kCtxServer, Args::kTake1, set_server_limit,
     "Upper limit on configurable number of processes", kMod, kOverrideNone},
    {"ThreadLimit", kCtxServer, Args::kTake1, set_thread_limit,
     "Sets the upper limit on the configurable number of threads per child process", kMod,
     kOverrideNone},
    {"ThreadsPerChild", kCtxServer, Args::kTake1, set_threads_per_child,
     "Number of threads created by each child process", kMod, kOverrideNone},
    {"MaxRequestWorkers", kCtxServer, Args::kTake1, set_max_request_workers,
     "Maximum number of connections that will be processed simultaneously", kMod, kOverrideNone},
    {"MaxClients", kCtxServer, Args::kTake1, set_max_request_workers,
     "Deprecated name of MaxRequestWorkers", kMod, kOverrideNone},
    {"MinSpareThreads", kCtxServer, Args::kTake1, set_min_spare_threads,
     "Minimum number of idle threads available to handle request spikes", kMod, kOverrideNone},
    {"MaxSpareThreads", kCtxServer, Args::kTake1, set_max_spare_threads,
     "Maximum number of idle threads", kMod, kOverrideNone},
    {"MaxConnectionsPerChild", kCtxServer, Args::kTake1, set_max_connections_per_child,
     "Limit on the number of connections that an individual child server will handle during its "
     "life",
     kMod, kOverrideNone},
    {"MaxRequestsPerChild", kCtxServer, Args::kTake1, set_max_connections_per_child,
     "Deprecated name of MaxConnectionsPerChild", kMod, kOverrideNone},
    {"GracefulShutdownTimeout", kCtxServer, Args::kTake1, set_graceful_shutdown_timeout,
     "Specify a timeout after which a gracefully shutdown server will exit", kMod, kOverrideNone},
    {"ScoreBoardFile", kCtxServer, Args::kTake1, set_scoreboard_file,
     "Location of the file used to store coordination data for the child processes", kMod,
     kOverrideNone},
};

}  // namespace

extern const Module mpm_event_module;  // listed in registry.cpp
const Module mpm_event_module{
    .name = kMod,
    .source = "event.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
