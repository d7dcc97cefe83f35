// core_module (core.c): the directives httpd documents as "Module: core".

#include "config/directive_setters.h"
#include "config/directives_identity.h"
#include "config/directives_vhost.h"
#include "modules/cgi/cgi_directives.h"
#include "modules/core_content_type.h"
#include "modules/core_dir.h"
#include "modules/core_error_document.h"
#include "modules/core_options.h"
#include "modules/deflate/filter_directives.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern::modules {

using namespace tern::cfg;

extern const Module core_module;  // defined below, listed in registry.cpp

namespace {

constexpr std::string_view kMod = "core_module";

const DirectiveSpec kDirectives[] = {
    {"ServerRoot", kCtxServer, Args::kTake1, set_server_root,
     "Base directory for the server installation", kMod, kOverrideNone},
    {"ServerName", kCtxServer, Args::kTake1, set_server_name,
     "Hostname and port that the server uses to identify itself", kMod, kOverrideNone},
    {"DocumentRoot", kCtxServer, Args::kTake1, set_document_root,
     "Directory that forms the main document tree visible from the web", kMod, kOverrideNone},
    {"AcceptFilter", kCtxServer, Args::kTake2, set_accept_filter,
     "Configures optimizations for a Protocol's Listener Sockets", kMod, kOverrideNone},
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
    {"ErrorDocument", kCtxServer | kCtxDir, Args::kTake2, set_error_document,
     "What the server will return to the client in case of an error", kMod, kOverrideFileInfo},
    {"ExtendedStatus", kCtxServer, Args::kFlag, set_extended_status,
     "Keep track of extended status information for each request", kMod, kOverrideNone},
    {"RegexDefaultOptions", kCtxServer, Args::kIterate, set_regex_default_options,
     "Allow to configure global/default options for regexes", kMod, kOverrideNone},
    {"<VirtualHost", kCtxServer, Args::kIterate, open_virtual_host,
     "Container for directives affecting resources accessed through the specified virtual "
     "host",
     kMod, kOverrideNone, kCtxVirtualHost, close_virtual_host},
    {"ServerAlias", kCtxServer | kCtxVirtualHost, Args::kIterate, set_server_alias,
     "A name or names alternately used to access the server", kMod, kOverrideNone},
    {"<Location", kCtxServer, Args::kTake12, open_location,
     "Applies the enclosed directives only to matching URLs", kMod, kOverrideNone, kCtxLocation,
     close_location},
    {"<LocationMatch", kCtxServer, Args::kTake1, open_location_match,
     "Applies the enclosed directives only to regular-expression matches of URLs", kMod,
     kOverrideNone, kCtxLocation, close_location},
    {"<Directory", kCtxServer, Args::kTake12, open_directory,
     "Container for directives affecting resources located in the specified directories", kMod,
     kOverrideNone, kCtxDirectory, close_section},
    {"<DirectoryMatch", kCtxServer, Args::kTake1, open_directory_match,
     "Container for directives affecting resources located in the specified directories", kMod,
     kOverrideNone, kCtxDirectory, close_section},
    {"<Files", kCtxServer | kCtxDirectory | kCtxHtaccess, Args::kTake12, open_files,
     "Container for directives affecting files matching specified patterns", kMod, kOverrideAll,
     kCtxFiles, close_section},
    {"<FilesMatch", kCtxServer | kCtxDirectory | kCtxHtaccess, Args::kTake1, open_files_match,
     "Container for directives affecting files matching specified patterns", kMod, kOverrideAll,
     kCtxFiles, close_section},
    {"<If", kCtxServer | kCtxDir | kCtxHtaccess, Args::kTake1, open_if,
     "Container for directives to be conditionally applied", kMod, kOverrideAll, kCtxIf,
     close_section},
    {"<ElseIf", kCtxServer | kCtxDir | kCtxHtaccess, Args::kTake1, open_else_if,
     "Container for directives to be conditionally applied", kMod, kOverrideAll, kCtxIf,
     close_section},
    {"<Else", kCtxServer | kCtxDir | kCtxHtaccess, Args::kNone, open_else,
     "Container for directives to be conditionally applied", kMod, kOverrideAll, kCtxIf,
     close_section},
    {"AccessFileName", kCtxServer, Args::kIterate, set_access_file_name,
     "Name(s) of per-directory config files (default: .htaccess)", kMod, kOverrideNone},
    {"SetHandler", kCtxServer | kCtxDir, Args::kTake1, set_handler,
     "Forces all matching files to be processed by a handler", kMod, kOverrideFileInfo},
    {"SetOutputFilter", kCtxServer | kCtxDir, Args::kTake1, set_output_filter,
     "filter (or ; delimited list of filters) to be run on the request content", kMod,
     kOverrideFileInfo},
    {"Options", kCtxServer | kCtxDir, Args::kIterate, set_options,
     "Set a number of attributes for a given directory", kMod, kOverrideOptions},
    {"ForceType", kCtxServer | kCtxDir, Args::kTake1, set_force_type,
     "Forces all matching files to be served with the specified media type", kMod,
     kOverrideFileInfo},
    {"AddDefaultCharset", kCtxServer | kCtxDir, Args::kTake1, set_add_default_charset,
     "Default charset parameter to be added when a response content-type is text/plain or "
     "text/html",
     kMod, kOverrideFileInfo},
    {"AllowOverride", kCtxDirectory, Args::kIterate, set_allow_override,
     "Controls what groups of directives can be configured by per-directory config files", kMod,
     kOverrideNone},
    {"AllowOverrideList", kCtxDirectory, Args::kIterate, set_allow_override_list,
     "Controls what individual directives can be configured by per-directory config files", kMod,
     kOverrideNone},
};

// The section's SetHandler (a typed field of the section) over what core's other
// per-directory setters built (Options, AllowOverride: SectionSpec::module_dir).
std::unique_ptr<ModuleConfig> create_core_dir(const LocationSpec& scope, std::string*) {
  if (!scope.handler) return nullptr;
  static const int index = module_index(core_module);
  const auto i = static_cast<size_t>(index);
  auto c =
      i < scope.module_dir.size() && scope.module_dir[i]
          ? std::make_unique<CoreDirConfig>(static_cast<const CoreDirConfig&>(*scope.module_dir[i]))
          : std::make_unique<CoreDirConfig>();
  c->handler = scope.handler;
  return c;
}

}  // namespace

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
  // httpd's merge_core_dir_configs: plain Options replace, +/- adjust what is inherited.
  if (add.opts_set) {
    merged->opts_set = true;
    merged->opts = add.opts;
    merged->opts_add = 0;
    merged->opts_remove = 0;
  } else if (add.opts_add != 0 || add.opts_remove != 0) {
    if (merged->opts_set) {
      merged->opts = (merged->opts & ~add.opts_remove) | add.opts_add;
    } else {
      merged->opts_add = (merged->opts_add & ~add.opts_remove) | add.opts_add;
      merged->opts_remove = (merged->opts_remove & ~add.opts_add) | add.opts_remove;
    }
  }
  if (add.allow_override) {
    merged->allow_override = add.allow_override;
    merged->override_opts = add.override_opts;
  }
  if (add.allow_override_list) merged->allow_override_list = add.allow_override_list;
  if (add.force_type) merged->force_type = add.force_type;
  if (add.default_charset) merged->default_charset = add.default_charset;
  // httpd's apr_hash_overlay of response_code_exprs: per status, the nested scope wins.
  for (const ErrorDocumentSpec& d : add.error_documents) {
    std::erase_if(merged->error_documents,
                  [&](const ErrorDocumentSpec& e) { return e.status == d.status; });
    merged->error_documents.push_back(d);
  }
  return merged;
}

namespace {

const CoreDirConfig* core_dir(const DirConfigs& dir) {
  static const int index = module_index(modules::core_module);
  return dir_config<CoreDirConfig>(dir, index);
}

}  // namespace

unsigned dir_options(const DirConfigs& dir) {
  const CoreDirConfig* c = core_dir(dir);
  if (c == nullptr) return kDefaultOptions;
  if (c->opts_set) return c->opts;
  return (kDefaultOptions & ~c->opts_remove) | c->opts_add;
}

unsigned dir_override_options(const DirConfigs& dir) {
  const CoreDirConfig* c = core_dir(dir);
  return c != nullptr ? c->override_opts : CoreDirConfig{}.override_opts;
}

unsigned dir_allow_override(const DirConfigs& dir) {
  const CoreDirConfig* c = core_dir(dir);
  return c != nullptr && c->allow_override ? *c->allow_override : 0;
}

const std::vector<std::string>& dir_allow_override_list(const DirConfigs& dir) {
  static const std::vector<std::string> kNone;
  const CoreDirConfig* c = core_dir(dir);
  return c != nullptr && c->allow_override_list ? *c->allow_override_list : kNone;
}

const std::string* dir_handler(const DirConfigs& dir) {
  const CoreDirConfig* c = core_dir(dir);
  return c != nullptr && c->handler ? &*c->handler : nullptr;
}

}  // namespace tern
