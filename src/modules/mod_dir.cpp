// dir_module (mod_dir.c): the index file of a directory.

#include "config/directive_setters.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "dir_module";

const DirectiveSpec kDirectives[] = {
    {"DirectoryIndex", kCtxServer, Args::kIterate, set_directory_index,
     "List of resources to look for when the client requests a directory", kMod, kOverrideIndexes},
};

}  // namespace

extern const Module dir_module;  // listed in registry.cpp
const Module dir_module{
    .name = kMod,
    .source = "mod_dir.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
