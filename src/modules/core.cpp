// core_module (core.c): the directives httpd documents as "Module: core".

#include "config/directive_setters.h"
#include "config/directives_identity.h"
#include "modules/cgi/cgi_directives.h"
#include "modules/core_dir.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "core_module";

const DirectiveSpec kDirectives[] = {
    {"ServerRoot", kCtxServer, Args::kTake1, set_server_root,
     "Base directory for the server installation", kMod, kOverrideNone},
    {"ServerName", kCtxServer, Args::kTake1, set_server_name,
     "Hostname and port that the server uses to identify itself", kMod, kOverrideNone},
    {"DocumentRoot", kCtxServer, Args::kTake1, set_document_root,
     "Directory that forms the main document tree visible from the web", kMod, kOverrideNone},
    {"KeepAlive", kCtxServer, Args::kFlag, set_keep_alive, "Enables HTTP persistent connections",
     kMod, kOverrideNone},
    {"KeepAliveTimeout", kCtxServer, Args::kTake1, set_keep_alive_timeout,
     "Amount of time the server will wait for subsequent requests on a persistent connection", kMod,
     kOverrideNone},
    {"MaxKeepAliveRequests", kCtxServer, Args::kTake1, set_max_keep_alive_requests,
     "Number of requests allowed on a persistent connection", kMod, kOverrideNone},
    {"Timeout", kCtxServer, Args::kTake1, set_timeout,
     "Amount of time the server will wait for certain events before failing a request", kMod,
     kOverrideNone},
    {"LimitRequestLine", kCtxServer, Args::kTake1, set_limit_request_line,
     "Limit the size of the HTTP request line that will be accepted from the client", kMod,
     kOverrideNone},
    {"LimitRequestFieldSize", kCtxServer, Args::kTake1, set_limit_request_field_size,
     "Limits the size of the HTTP request header allowed from the client", kMod, kOverrideNone},
    {"LimitRequestFields", kCtxServer, Args::kTake1, set_limit_request_fields,
     "Limits the number of HTTP request header fields that will be accepted from the client", kMod,
     kOverrideNone},
    {"LimitRequestBody", kCtxServer, Args::kTake1, set_limit_request_body,
     "Restricts the total size of the HTTP request body sent from the client", kMod, kOverrideAll},
    {"ErrorLog", kCtxServer, Args::kTake1, set_error_log,
     "Location where the server will log errors", kMod, kOverrideNone},
    {"LogLevel", kCtxServer, Args::kIterate, set_log_level,
     "Controls the verbosity of the ErrorLog", kMod, kOverrideNone},
    {"ServerAdmin", kCtxServer, Args::kTake1, set_server_admin,
     "The email address of the server administrator", kMod, kOverrideNone},
    {"ServerSignature", kCtxServer, Args::kTake1, set_server_signature,
     "En-/disable server signature (on|off|email)", kMod, kOverrideNone},
    {"HostnameLookups", kCtxServer, Args::kTake1, set_hostname_lookups,
     "\"on\" to enable, \"off\" to disable reverse DNS lookups, or \"double\" to enable "
     "double-reverse DNS lookups",
     kMod, kOverrideNone},
    {"ServerTokens", kCtxServer, Args::kTake1, set_server_tokens,
     "Configures the Server HTTP response header", kMod, kOverrideNone},
    {"EnableSendfile", kCtxServer, Args::kFlag, set_enable_sendfile,
     "Use the kernel sendfile support to deliver files to the client", kMod, kOverrideFileInfo},
    {"MaxRanges", kCtxServer, Args::kTake1, set_max_ranges,
     "Number of ranges allowed before returning the complete resource", kMod, kOverrideNone},
    {"TraceEnable", kCtxServer, Args::kTake1, set_trace_enable,
     "Determines the behavior on TRACE requests", kMod, kOverrideNone},
    {"CGIPassAuth", kCtxServer, Args::kFlag, set_cgi_pass_auth,
     "Enables passing HTTP authorization headers to scripts as CGI variables", kMod,
     kOverrideAuthConfig},
    {"ErrorDocument", kCtxServer, Args::kTake2, set_error_document,
     "What the server will return to the client in case of an error", kMod, kOverrideFileInfo},
    {"ExtendedStatus", kCtxServer, Args::kFlag, set_extended_status,
     "Keep track of extended status information for each request", kMod, kOverrideNone},
    {"RegexDefaultOptions", kCtxServer, Args::kIterate, set_regex_default_options,
     "Allow to configure global/default options for regexes", kMod, kOverrideNone},
    {"<Location", kCtxServer, Args::kTake12, open_location,
     "Applies the enclosed directives only to matching URLs", kMod, kOverrideNone, kCtxLocation,
     close_location},
    {"<LocationMatch", kCtxServer, Args::kTake1, open_location_match,
     "Applies the enclosed directives only to regular-expression matches of URLs", kMod,
     kOverrideNone, kCtxLocation, close_location},
    {"SetHandler", kCtxServer | kCtxDir, Args::kTake1, set_handler,
     "Forces all matching files to be processed by a handler", kMod, kOverrideFileInfo},
};

std::unique_ptr<ModuleConfig> create_core_dir(const LocationSpec& scope, std::string*) {
  if (!scope.handler) return nullptr;
  auto c = std::make_unique<CoreDirConfig>();
  c->handler = scope.handler;
  return c;
}

}  // namespace

extern const Module core_module;  // listed in registry.cpp
const Module core_module{
    .name = kMod,
    .source = "core.c",
    .directives = kDirectives,
    .create_dir_config = create_core_dir,
};

}  // namespace tern::modules

namespace tern {

std::unique_ptr<ModuleConfig> CoreDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const CoreDirConfig&>(add_base);
  auto merged = std::make_unique<CoreDirConfig>(*this);
  if (add.handler) merged->handler = add.handler;
  return merged;
}

const std::string* dir_handler(const DirConfigs& dir) {
  static const int index = module_index(modules::core_module);
  const CoreDirConfig* c = dir_config<CoreDirConfig>(dir, index);
  return c != nullptr && c->handler ? &*c->handler : nullptr;
}

}  // namespace tern
