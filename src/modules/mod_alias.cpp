// alias_module (mod_alias.c): URL to file-system mapping (ScriptAlias, ScriptAliasMatch, …).

#include "modules/module.h"

namespace tern::modules {

namespace {

constexpr std::string_view kMod = "alias_module";

}  // namespace

extern const Module alias_module;  // listed in registry.cpp
const Module alias_module{
    .name = kMod,
    .source = "mod_alias.c",
    // No directive yet: <IfModule alias_module> must keep skipping httpd's Alias lines.
    // Clear once ScriptAlias lands here.
    .placeholder = true,
};

}  // namespace tern::modules
