// tern command line: httpd-compatible flags where they overlap.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "config/config_loader.h"
#include "log/error_log.h"
#include "modules/registry.h"
#include "mpm/child.h"
#include "mpm/control_process.h"
#include "mpm/fd_limit.h"
#include "mpm/signals.h"
#include "net/socket.h"
#include "net/unique_fd.h"
#include "server/build_info.h"
#include "server/daemon.h"
#include "server/listen_notice.h"
#include "server/pid_file.h"
#include "server/scoreboard.h"
#include "server/server_root.h"
#include "server/tls_ports.h"
#include "server/vhost_dump.h"

namespace {

void usage(FILE* out) {
  std::fprintf(out,
               "Usage: tern [-D name] [-d directory] [-f file] [-C \"directive\"] [-X]\n"
               "            [-k start|restart|graceful|graceful-stop|stop] [-t] [-v] [-l] [-h]\n"
               "Options:\n"
               "  -D name            : define a name for use in <IfDefine name> directives\n"
               "  -d directory       : specify an alternate initial ServerRoot\n"
               "  -f file            : specify an alternate ServerConfigFile\n"
               "  -C \"directive\"     : process directive before reading config files\n"
               "  -X                 : debug mode (one child, no control process, foreground)\n"
               "  -k start|restart|graceful|graceful-stop|stop\n"
               "                     : start the server as a daemon, or signal the running one\n"
               "  -t                 : run syntax check for config files\n"
               "  -S                 : show parsed vhost settings (httpd's -t -D DUMP_VHOSTS)\n"
               "  -v                 : show version number\n"
               "  -l                 : list compiled in modules\n"
               "  -h                 : list available command line options (this page)\n");
}

void on_stop_signal(int) {
  tern::stop_child(true);
}

}  // namespace

int main(int argc, char** argv) {
  tern::LoadOptions opts;
  opts.config_file = "conf/tern.conf";
  bool check_only = false;
  bool dump_vhosts = false;
  bool single = false;
  std::string command;
  int c;
  while ((c = getopt(argc, argv, "f:d:D:C:k:tSvlhX")) != -1) {
    switch (c) {
      case 'f':
        opts.config_file = optarg;
        break;
      case 'd':
        opts.server_root = optarg;
        break;
      case 'D':
        opts.defines.emplace_back(optarg);
        break;
      case 'C':
        opts.pre_directives.emplace_back(optarg);
        break;
      case 't':
        check_only = true;
        break;
      case 'S':
        check_only = true;
        dump_vhosts = true;
        break;
      case 'X':
        single = true;
        break;
      case 'k':
        command = optarg;
        if (command != "start" && tern::signal_for_command(optarg) == 0) {
          std::fprintf(stderr, "tern: unknown -k command '%s'\n", optarg);
          usage(stderr);
          return 1;
        }
        break;
      case 'v':
        std::printf("Server version: tern/%s (Unix)\nServer built:   %s\n", TERN_VERSION,
                    tern::server_built().c_str());
        return 0;
      case 'l':
        // httpd's -l: the modules compiled in, by source file.
        std::printf("Compiled in modules:\n");
        for (const tern::Module* m : tern::all_modules()) {
          if (!m->placeholder)
            std::printf("  %.*s\n", static_cast<int>(m->source.size()), m->source.data());
        }
        return 0;
      case 'h':
        usage(stdout);
        return 0;
      default:
        usage(stderr);
        return 1;
    }
  }
  if (optind < argc) {
    std::fprintf(stderr, "tern: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 1;
  }

  tern::LoadResult loaded = tern::load_config(opts);
  if (!loaded.config) {
    // Every error in the tree, each FILE:LINE (httpd stops at the first).
    for (const std::string& e : loaded.errors) std::fprintf(stderr, "tern: %s\n", e.c_str());
    if (loaded.errors.empty()) std::fprintf(stderr, "tern: %s\n", loaded.error.c_str());
    return 1;
  }
  const tern::Config& config = *loaded.config;
  for (const auto& w : config.warnings) std::fprintf(stderr, "tern: warning: %s\n", w.c_str());
  if (dump_vhosts) {
    // httpd's -S (-t -D DUMP_VHOSTS -D DUMP_RUN_CFG): the listing instead of "Syntax OK".
    std::fputs(tern::dump_vhosts(config).c_str(), stdout);
    return 0;
  }
  if (check_only) {
    // httpd's -t runs mod_ssl's initialisation too: certificates and keys are loaded.
    std::vector<std::string> tls_errors;
    if (!tern::TlsPorts::build(config, &tls_errors)) {
      for (const std::string& e : tls_errors) std::fprintf(stderr, "tern: %s\n", e.c_str());
      return 1;
    }
    std::fprintf(stderr, "Syntax OK\n");
    return 0;
  }
  bool daemon = false;
  if (!command.empty()) {
    if (command != "start") {
      bool start_instead = false;
      int rc = tern::signal_server(config.pid_file, command, &start_instead);
      if (!start_instead) return rc;
    } else if (pid_t running = tern::running_server_pid(config.pid_file)) {
      std::fprintf(stderr, "tern (pid %d) already running\n", static_cast<int>(running));
      return 0;
    }
    daemon = true;
  }

  // The control process records signals from now on: a stop that arrives while
  // the sockets open and the children start is acted on, not fatal.
  if (!single) tern::install_control_signals();

  // Waiting connections are cheap in tern; let the process (and the children it
  // forks) hold as many as the hard limit allows.
  const tern::FdLimit fd_limit = tern::raise_fd_limit();

  // -X: handlers before the sockets, so a stop request is honoured as soon as a
  // client can connect (run_child picks up one that came before it started).
  // The control process has its own (install_control_signals above); installing
  // these there would record a stop that every forked child then inherits.
  if (single) {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
  }
  signal(SIGPIPE, SIG_IGN);

  std::vector<tern::UniqueFd> sockets;
  std::vector<int> fds;
  for (const auto& l : config.listens) {
    std::string err;
    tern::UniqueFd fd = tern::open_listen_socket(l.host, l.port, config.listen_backlog, &err);
    if (!fd) {
      std::fprintf(stderr, "tern: %s (Listen at %s:%d)\n", err.c_str(), l.file.c_str(), l.line);
      return 1;
    }
    tern::set_defer_accept(fd.get(), config.defers_accept(l.protocol));  // AcceptFilter
    fds.push_back(fd.get());
    sockets.push_back(std::move(fd));
  }

  std::string err;
  if (!tern::ErrorLog::open(config.error_log, config.log_level, &err)) {
    std::fprintf(stderr, "tern: %s\n", err.c_str());
    return 1;
  }
  tern::log_fd_limit(fd_limit, config);
  // The terminal learns where to connect and where diagnostics go; from here on
  // they go to the error log (a daemon's stderr is /dev/null).
  std::fprintf(stderr, "tern/%s: listening on %s; error log: %s\n", TERN_VERSION,
               tern::listen_addresses(fds).c_str(), config.error_log.c_str());
  if (!single) {
    if (daemon && !tern::daemonize(&err)) {
      std::fprintf(stderr, "tern: %s\n", err.c_str());
      return 1;
    }
    // Reloads must find the same files after a daemon's chdir("/").
    opts.server_root = config.server_root;
    opts.config_file = config.config_file;
    return tern::run_control_process(opts, loaded.config, std::move(sockets));
  }

  // server-status and metrics read the scoreboard this process reports into.
  auto scoreboard = tern::Scoreboard::create(
      config.server_limit, std::max(config.thread_limit, config.threads_per_child),
      config.scoreboard_file, &err);
  if (!scoreboard) {
    std::fprintf(stderr, "tern: %s\n", err.c_str());
    return 1;
  }
  auto root = tern::ServerRoot::build(loaded.config, *scoreboard, &err);
  if (!root) {
    std::fprintf(stderr, "tern: %s\n", err.c_str());
    return 1;
  }
  scoreboard->global().restart_time_us = root->restart_time_us();
  tern::PidFile pid_file;
  if (!pid_file.create(config.pid_file, &err)) {
    std::fprintf(stderr, "tern: %s\n", err.c_str());
    return 1;
  }

  tern::log_serving_notices(fds);
  int rc = tern::run_child(config, root->ports(fds), *scoreboard, 0, false);
  tern::ErrorLog::write(tern::LogLevel::kNotice, "core", "caught SIGTERM, shutting down");
  return rc;
}
