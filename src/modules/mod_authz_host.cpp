// authz_host_module (mod_authz_host.c): the "ip" and "local" Require providers.

#include "modules/module.h"

namespace tern::modules {

namespace {

constexpr std::string_view kMod = "authz_host_module";

}  // namespace

extern const Module authz_host_module;  // listed in registry.cpp
const Module authz_host_module{
    .name = kMod,
    .source = "mod_authz_host.c",
};

}  // namespace tern::modules
