// so_module (mod_so.c): LoadModule. tern loads no shared object: LoadModule activates the
// built-in module it names (the file is not opened) and is an error for a module tern does
// not have (config/module_set.h).

#include "config/directive_setters.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "so_module";

const DirectiveSpec kDirectives[] = {
    {"LoadModule", kCtxServer, Args::kTake2, set_load_module,
     "a module name and the name of a shared object file to load it from", kMod, kOverrideNone},
};

}  // namespace

extern const Module so_module;  // listed in registry.cpp
const Module so_module{
    .name = kMod,
    .source = "mod_so.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
