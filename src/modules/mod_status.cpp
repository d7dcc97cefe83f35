// status_module (mod_status.c): the server-status handler (and tern's metrics).

#include "modules/module.h"

namespace tern::modules {

namespace {

constexpr std::string_view kMod = "status_module";

}  // namespace

extern const Module status_module;  // listed in registry.cpp
const Module status_module{
    .name = kMod,
    .source = "mod_status.c",
};

}  // namespace tern::modules
