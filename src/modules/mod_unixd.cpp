// unixd_module (mod_unixd.c): the identity the children serve as.

#include "config/directive_setters.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "unixd_module";

const DirectiveSpec kDirectives[] = {
    {"User", kCtxServer, Args::kTake1, set_user,
     "The userid under which the server will answer requests", kMod, kOverrideNone},
    {"Group", kCtxServer, Args::kTake1, set_group,
     "Group under which the server will answer requests", kMod, kOverrideNone},
};

}  // namespace

extern const Module unixd_module;  // listed in registry.cpp
const Module unixd_module{
    .name = kMod,
    .source = "mod_unixd.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
