// authz_core_module (mod_authz_core.c): Require and its containers.

#include "config/directive_setters.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "authz_core_module";

const DirectiveSpec kDirectives[] = {
    {"Require", kCtxServer | kCtxLocation | kCtxRequire, Args::kIterate, set_require,
     "Tests whether an authenticated user is authorized by an authorization provider", kMod,
     kOverrideAuthConfig},
    {"<RequireAll", kCtxServer | kCtxLocation | kCtxRequire, Args::kNone, open_require_all,
     "Enclose a group of authorization directives of which none must fail and at least one "
     "must succeed",
     kMod, kOverrideAuthConfig, kCtxRequire, close_require_container},
    {"<RequireAny", kCtxServer | kCtxLocation | kCtxRequire, Args::kNone, open_require_any,
     "Enclose a group of authorization directives of which one must succeed", kMod,
     kOverrideAuthConfig, kCtxRequire, close_require_container},
};

}  // namespace

extern const Module authz_core_module;  // listed in registry.cpp
const Module authz_core_module{
    .name = kMod,
    .source = "mod_authz_core.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
