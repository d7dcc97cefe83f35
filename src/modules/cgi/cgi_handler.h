#pragma once
// mod_alias's ScriptAlias/ScriptAliasMatch and mod_cgid's handler: maps a URL to a
// script, checks it as httpd does (404 missing, 403 a directory, 500 when exec fails),
// builds its environment, starts it and answers with a CgiTask.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "http/handler.h"
#include "modules/cgi/cgi_redirect.h"

namespace tern {

// Where a URL leads through a ScriptAlias.
struct CgiMapping {
  std::string filename;        // the file path the alias makes of the URL
  std::string context_prefix;  // CONTEXT_PREFIX: the alias URL ("" for a regex)
  std::string context_root;    // CONTEXT_DOCUMENT_ROOT: its target ("" for a regex)
  int status = 0;              // 500 when a regex could not be evaluated
};

// The first ScriptAlias of `aliases` that applies to the decoded `url_path` (mod_alias
// order: file order, first match wins); false when none does.
bool map_script_alias(const std::vector<ScriptAliasSpec>& aliases, std::string_view url_path,
                      CgiMapping* out);

// mod_alias's alias_matches: how many bytes of `uri` the prefix `fake` matches (runs of
// '/' match runs of '/', the match ends at a segment boundary), 0 when it does not.
size_t alias_matches(std::string_view uri, std::string_view fake);

// httpd's ap_find_path_info: where the PATH_INFO `path_info` starts in `uri`.
size_t find_path_info(std::string_view uri, std::string_view path_info);

// Splits `filename` at the first component that exists and is not a directory: the
// script and the path info after it. 0, 404 (nothing there) or 403 (a directory).
int locate_script(const std::string& filename, std::string* script, std::string* path_info);

// Runs CGI scripts under the configured ScriptAliases. Immutable; used by every worker.
class CgiHandler {
 public:
  // Keeps `config` (its ScriptAliases, CGI timeouts, ServerName, DocumentRoot, …).
  explicit CgiHandler(std::shared_ptr<const Config> config);

  // True when any ScriptAlias is configured.
  bool enabled() const { return !config_->script_aliases.empty(); }

  // For a request whose decoded path `url_path` falls under a ScriptAlias: starts the
  // script and sets resp.task (returns 0), or logs and returns the error status to
  // answer (403, 404, 500 when it cannot be executed; 301 with `*location` set for a directory
  // named without its trailing slash, as mod_dir). Returns -1 when no ScriptAlias applies. `host`
  // serves the script's internal redirects and error pages (may be null).
  int handle(const Request& req, const RequestContext& ctx, std::string_view url_path,
             const CgiHost* host, Response& resp, std::string* location) const;

 private:
  // The URL of directory `url_path` with its trailing slash (mod_dir's redirect).
  void directory_location(const Request& req, const RequestContext& ctx, std::string_view url_path,
                          std::string* location) const;

  // Builds the environment, starts `script` and sets resp.task; 0, or 500 when it
  // cannot be started.
  int run_script(const Request& req, const RequestContext& ctx, std::string_view url_path,
                 const CgiMapping& m, const std::string& script, const std::string& path_info,
                 const CgiHost* host, Response& resp) const;

  std::shared_ptr<const Config> config_;
  std::string software_;     // SERVER_SOFTWARE
  std::string server_name_;  // ServerName without its port ("" = none)
  uint16_t server_port_ = 0;
  std::string path_;  // the server's PATH at start-up
  std::string tz_;
};

// httpd's command line for a query without '=' (an ISINDEX query): argv[0], then each
// '+'-separated word, %-decoded and shell-escaped (ap_escape_shell_cmd).
std::vector<std::string> cgi_argv(std::string_view argv0, std::string_view query);

}  // namespace tern
