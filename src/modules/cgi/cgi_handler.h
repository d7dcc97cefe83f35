#pragma once
// mod_cgid's handler hook for the handler "cgi-script" (which mod_alias's ScriptAlias sets
// in translate_name): checks the script r.filename names as httpd does (404 missing, 403
// a directory, 500 when exec fails), builds its environment, starts it and answers with a
// CgiTask.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "http/handler.h"
#include "modules/module.h"

namespace tern {

// httpd's ap_find_path_info: where the PATH_INFO `path_info` starts in `uri`.
size_t find_path_info(std::string_view uri, std::string_view path_info);

// Splits `filename` at the first component that exists and is not a directory: the
// script and the path info after it. 0, 404 (nothing there) or 403 (a directory).
int locate_script(const std::string& filename, std::string* script, std::string* path_info);

// Runs CGI scripts for the handler "cgi-script". Immutable; used by every worker. Built by
// the composition root (it keeps server-wide facts: SERVER_SOFTWARE, the start-up PATH).
class CgiHandler final : public ModuleHooks {
 public:
  // Keeps `config` (CGI timeouts, ServerName, DocumentRoot, the aliases for PATH_TRANSLATED).
  explicit CgiHandler(std::shared_ptr<const Config> config);

  // The handler hook: declines unless r.handler is "cgi-script"; 403 (AH01262) unless the
  // URL was ScriptAlias'd or Options ExecCGI is on; else run(), a 301 answered with
  // r.pipeline's error page naming the directory's URL.
  int handler(RequestRec& r) const override;

  // Starts the script r.filename names (path info split off as httpd's directory walk) and
  // sets r.resp.task (returns 0), or logs and returns the error status to answer (403, 404,
  // 500 when it cannot be executed; 301 with `*location` set for a directory named without
  // its trailing slash, as mod_dir). The task keeps r.pipeline for internal redirects.
  int run(RequestRec& r, std::string* location) const;

 private:
  // The URL of directory `url_path` with its trailing slash (mod_dir's redirect).
  void directory_location(const Request& req, const RequestContext& ctx, std::string_view url_path,
                          std::string* location) const;

  // Builds the environment, starts `script` and sets resp.task; 0, or 500 when it
  // cannot be started.
  int run_script(RequestRec& r, const std::string& script, const std::string& path_info) const;

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
