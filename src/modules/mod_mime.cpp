// mime_module (mod_mime.c): content types from file name extensions.

#include "config/directive_setters.h"
#include "modules/deflate/filter_directives.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "mime_module";

const DirectiveSpec kDirectives[] = {
    {"TypesConfig", kCtxServer, Args::kTake1, set_types_config,
     "The location of the mime.types file", kMod, kOverrideNone},
    {"AddType", kCtxServer, Args::kIterate2, set_add_type,
     "Maps the given filename extensions onto the specified content type", kMod, kOverrideFileInfo},
    {"AddOutputFilter", kCtxServer | kCtxDir, Args::kIterate2, add_output_filter,
     "output filter name followed by one or more file extensions", kMod, kOverrideFileInfo},
};

}  // namespace

extern const Module mime_module;  // listed in registry.cpp
const Module mime_module{
    .name = kMod,
    .source = "mod_mime.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
