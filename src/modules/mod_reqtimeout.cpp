// reqtimeout_module (mod_reqtimeout.c): deadlines and minimum rates for reading a request.

#include "config/directive_setters.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "reqtimeout_module";

const DirectiveSpec kDirectives[] = {
    {"RequestReadTimeout", kCtxServer, Args::kIterate, set_request_read_timeout,
     "Set timeout values for receiving request headers and body from client", kMod, kOverrideNone},
};

}  // namespace

extern const Module reqtimeout_module;  // listed in registry.cpp
const Module reqtimeout_module{
    .name = kMod,
    .source = "mod_reqtimeout.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
