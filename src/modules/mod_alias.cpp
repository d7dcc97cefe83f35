// alias_module (mod_alias.c): URL to file-system mapping (ScriptAlias, ScriptAliasMatch, …).

#include "modules/cgi/cgi_directives.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "alias_module";

const DirectiveSpec kDirectives[] = {
    {"ScriptAlias", kCtxServer, Args::kTake2, set_script_alias,
     "Maps a URL to a filesystem location and designates the target as a CGI script", kMod,
     kOverrideNone},
    {"ScriptAliasMatch", kCtxServer, Args::kTake2, set_script_alias_match,
     "Maps a URL to a filesystem location using a regular expression and designates the "
     "target as a CGI script",
     kMod, kOverrideNone},
};

}  // namespace

extern const Module alias_module;  // listed in registry.cpp
const Module alias_module{
    .name = kMod,
    .source = "mod_alias.c",
    // Alias, AliasMatch, Redirect* are not implemented yet: a configuration using them
    // fails with "unknown directive" rather than serving the wrong files.
    .directives = kDirectives,
};

}  // namespace tern::modules
