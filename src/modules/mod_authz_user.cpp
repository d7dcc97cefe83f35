// authz_user_module (mod_authz_user.c): the "valid-user" and "user" providers of
// Require. authz_core evaluates them (handlers/authz.h); `Require valid-user` and
// `Require user` are refused unless this module is active, as httpd does.

#include "modules/module.h"

namespace tern::modules {

extern const Module authz_user_module;  // listed in registry.cpp
const Module authz_user_module{
    .name = "authz_user_module",
    .source = "mod_authz_user.c",
};

}  // namespace tern::modules
