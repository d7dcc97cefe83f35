// log_config_module (mod_log_config.c): access logs.

#include "config/directive_setters.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "log_config_module";

const DirectiveSpec kDirectives[] = {
    {"LogFormat", kCtxServer, Args::kTake12, set_log_format,
     "Describes a format for use in a log file", kMod, kOverrideNone},
    {"CustomLog", kCtxServer, Args::kTake23, set_custom_log, "Sets filename and format of log file",
     kMod, kOverrideNone},
    {"TransferLog", kCtxServer, Args::kTake1, set_transfer_log,
     "Specify location of a log file (format of the last LogFormat without nickname)", kMod,
     kOverrideNone},
};

}  // namespace

extern const Module log_config_module;  // listed in registry.cpp
const Module log_config_module{
    .name = kMod,
    .source = "mod_log_config.c",
    .directives = kDirectives,
};

}  // namespace tern::modules
