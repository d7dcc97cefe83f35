// cgi_module (mod_cgi.c): its one directive tern honours, CGIScriptTimeout, for
// configurations written for mod_cgi; the scripts run as cgid_module runs them.

#include "modules/cgi/cgi_directives.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "cgi_module";

const DirectiveSpec kDirectives[] = {
    {"CGIScriptTimeout", kCtxServer, Args::kTake1, set_cgi_script_timeout,
     "The length of time to wait for more output from the CGI program", kMod, kOverrideFileInfo},
};

}  // namespace

extern const Module cgi_module;  // listed in registry.cpp
const Module cgi_module{
    .name = kMod,
    .source = "mod_cgi.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
