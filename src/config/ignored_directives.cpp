#include "config/ignored_directives.h"

#include "config/config_values.h"

namespace tern::cfg {

namespace {

const IgnoredDirective kIgnored[] = {
    {"Mutex", "core_module", kCtxServer, Args::kIterate,
     "tern has no cross-process lock to configure (children wait on the listening "
     "sockets with EPOLLEXCLUSIVE instead of httpd's accept mutex)"},
    {"DefaultRuntimeDir", "core_module", kCtxServer, Args::kTake1,
     "tern creates runtime files only where PidFile and ScoreboardFile name them (a "
     "relative PidFile is under ServerRoot)"},
    {"NameVirtualHost", "core_module", kCtxServer, Args::kTake1,
     "AH00548: NameVirtualHost has no effect and will be removed in the next release (httpd "
     "2.4 chooses name-based virtual hosts by address without it)"},
    {"EnableMMAP", "core_module", kCtxServer | kCtxDir, Args::kFlag,
     "tern never memory-maps a file it serves (it reads or sendfile()s it), which is what "
     "EnableMMAP Off asks for"},
    {"ScriptSock", "cgid_module", kCtxServer, Args::kTake1,
     "tern has no cgi daemon (scripts are started with posix_spawn)"},
};

}  // namespace

const IgnoredDirective* find_ignored_directive(std::string_view name) {
  for (const IgnoredDirective& d : kIgnored) {
    if (iequals(d.name, name)) return &d;
  }
  return nullptr;
}

std::span<const IgnoredDirective> ignored_directives() {
  return kIgnored;
}

}  // namespace tern::cfg
