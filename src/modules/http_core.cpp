// http_module (http_core.c): HTTP/1.1 framing; its directives are documented under core.

#include "modules/module.h"

namespace tern::modules {

namespace {

constexpr std::string_view kMod = "http_module";

}  // namespace

extern const Module http_module;  // listed in registry.cpp
const Module http_module{
    .name = kMod,
    .source = "http_core.c",
};

}  // namespace tern::modules
