#pragma once
// The top-level handler of a site: Locations, authorization, methods, static files,
// error pages and named handlers (SetHandler).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "handlers/authz.h"
#include "handlers/error_page.h"
#include "handlers/static_file.h"
#include "http/handler.h"
#include "http/mime_table.h"
#include "modules/cgi/cgi_handler.h"
#include "modules/cgi/cgi_redirect.h"
#include "util/regex.h"

namespace tern {

// Serves one site per the configuration. Immutable once requests are served;
// register named handlers before that.
class SiteHandler : public Handler, private CgiHost {
  struct Key {};  // restricts construction to create()

 public:
  // Use create(); public only for std::make_unique.
  SiteHandler(Key, std::shared_ptr<const Config> config, MimeTable mime);
  // Builds the handler; nullptr and `*error` set when TypesConfig cannot be read, a
  // LocationMatch regex or a Require ip argument is invalid.
  static std::unique_ptr<SiteHandler> create(std::shared_ptr<const Config> config,
                                             std::string* error);

  // Makes `SetHandler name` dispatch to `h` (not owned; must outlive this object).
  // Call before serving requests. "none" and "default-handler" always mean static files.
  void register_named_handler(std::string name, const Handler* h);
  // Where problems at request time (an unknown SetHandler name) are reported;
  // default: standard error.
  void set_error_logger(std::function<void(std::string_view)> log);

  void handle(const Request& req, const RequestContext& ctx, Response& resp) const override;
  void error(int status, const Request* req, const RequestContext& ctx,
             Response& resp) const override;

  // The Allow value for static resources ("GET, HEAD, OPTIONS" [+ ", TRACE"]).
  std::string_view allow() const { return allow_; }

 private:
  struct CompiledLocation {
    std::string prefix;
    std::shared_ptr<const Regex> regex;  // null for a prefix <Location>
    std::string where;                   // "file:line" of the section, for the error log
    std::optional<std::string> handler;
    std::optional<CompiledRequire> require;
  };
  // The merged result of every Location that matches a path.
  struct Merged {
    const std::string* handler = nullptr;
    const CompiledRequire* require = nullptr;
    const CompiledLocation* failed = nullptr;  // a regex that hit a limit: answer 500
    int failure = 0;                           // its PCRE2 code
  };

  Merged merge_locations(std::string_view url_path) const;
  void report_regex_failure(const Merged& m, std::string_view url_path) const;
  // CgiHost: a script's local redirect is answered as a request; its 302 as an error page.
  void internal_redirect(const Request& req, const RequestContext& ctx,
                         Response& resp) const override;
  void error_page(int status, const Request& req, std::string_view location,
                  Response& resp) const override;
  void handle_trace(const Request& req, Response& resp) const;
  void render_error(int status, const Request* req, const ErrorExtras& extras,
                    Response& resp) const;

  std::shared_ptr<const Config> config_;
  MimeTable mime_;
  std::unique_ptr<ErrorPages> pages_;
  std::vector<CompiledLocation> locations_;  // <Location> in file order, then <LocationMatch>
  std::map<std::string, const Handler*, std::less<>> named_;
  std::function<void(std::string_view)> log_;
  StaticOptions static_options_;
  std::unique_ptr<CgiHandler> cgi_;  // ScriptAlias (null when none is configured)
  FileCache file_cache_;             // small hot files in memory (revalidated once a second)
  std::string allow_;
};

// True when the <Location> prefix `prefix` applies to the decoded path `path` (httpd:
// "/a" matches "/a", "/a/" and "/a/b" but not "/ab"; a prefix ending in '/' is plain).
bool location_prefix_matches(std::string_view prefix, std::string_view path);

}  // namespace tern
