// cgid_module (mod_cgid.c): CGI scripts, started without holding a worker (see
// modules/cgi/cgi_process.h for why posix_spawn stands in for mod_cgid's daemon). Its
// handler hook for "cgi-script" (modules/cgi/cgi_handler.h) keeps server-wide facts, so
// the composition root (ServerRoot::build) adds it. Its ScriptSock is on the list of
// directives accepted without effect (config/ignored_directives.cpp).

#include "modules/cgi/cgi_directives.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "cgid_module";

const DirectiveSpec kDirectives[] = {
    {"CGIDScriptTimeout", kCtxServer, Args::kTake1, set_cgi_script_timeout,
     "The length of time to wait for more output from the CGI program", kMod, kOverrideNone},
};

}  // namespace

extern const Module cgid_module;  // listed in registry.cpp
const Module cgid_module{
    .name = kMod,
    .source = "mod_cgid.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
