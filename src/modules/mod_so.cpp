// so_module (mod_so.c): LoadModule.

#include "config/directive_setters.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "so_module";

const DirectiveSpec kDirectives[] = {
    {"LoadModule", kCtxServer, Args::kTake2, set_load_module,
     "Accepted for httpd compatibility and ignored with a warning (modules are built in)", kMod,
     kOverrideNone},
};

}  // namespace

extern const Module so_module;  // listed in registry.cpp
const Module so_module{
    .name = kMod,
    .source = "mod_so.c",
    .directives = kDirectives,
    // LoadModule is ignored with a warning: tern loads nothing, so it has no mod_so.
    .placeholder = true,
};

}  // namespace tern::modules
