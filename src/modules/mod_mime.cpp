// mime_module (mod_mime.c): content types from file name extensions.

#include "config/directive_setters.h"
#include "modules/module.h"
#include "modules/negotiation/variant_meta.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "mime_module";

const DirectiveSpec kDirectives[] = {
    {"TypesConfig", kCtxServer, Args::kTake1, set_types_config,
     "The location of the mime.types file", kMod, kOverrideNone},
    {"AddType", kCtxServer, Args::kIterate2, set_add_type,
     "Maps the given filename extensions onto the specified content type", kMod, kOverrideFileInfo},
    // Interim rows for mod_negotiation's variants until branch `mime` lands (its rows win).
    {"AddLanguage", kCtxServer | kCtxDir, Args::kIterate2, set_interim_add_language,
     "a language (e.g., fr), followed by one or more file extensions", kMod, kOverrideFileInfo},
    {"AddEncoding", kCtxServer | kCtxDir, Args::kIterate2, set_interim_add_encoding,
     "an encoding (e.g., gzip), followed by one or more file extensions", kMod, kOverrideFileInfo},
    {"AddCharset", kCtxServer | kCtxDir, Args::kIterate2, set_interim_add_charset,
     "a charset (e.g., iso-2022-jp), followed by one or more file extensions", kMod,
     kOverrideFileInfo},
};

}  // namespace

extern const Module mime_module;  // listed in registry.cpp
const Module mime_module{
    .name = kMod,
    .source = "mod_mime.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
