#pragma once
// The top-level handler of a site: the request pipeline that runs the modules' hooks in
// httpd's order — translate_name (mod_alias, then core's path under DocumentRoot),
// map_to_storage (core: the merged per-directory configuration of the matching
// <Location>s), access_checker, access_checker_ex (Require), check_user_id and
// auth_checker (authentication), fixups (core's SetHandler first), handler (by
// handler name; core's default handler serves static files) — plus error pages and
// internal redirects.

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
#include "handlers/scope_walk.h"
#include "handlers/static_file.h"
#include "http/handler.h"
#include "http/mime_table.h"
#include "modules/autoindex.h"
#include "modules/mime/mime_hooks.h"
#include "modules/module.h"
#include "modules/negotiation/negotiation_hooks.h"
#include "util/regex.h"

namespace tern {

// Serves one site per the configuration. Immutable once requests are served;
// register named handlers before that.
class SiteHandler : public Handler, public RequestPipeline {
  struct Key {};  // restricts construction to create()

 public:
  // Use create(); public only for std::make_unique.
  SiteHandler(Key, std::shared_ptr<const Config> config, MimeTable mime);
  // Builds the handler; nullptr and `*error` set when TypesConfig cannot be read, a
  // LocationMatch regex or a Require ip argument is invalid.
  static std::unique_ptr<SiteHandler> create(std::shared_ptr<const Config> config,
                                             std::string* error);

  // Makes `SetHandler name` dispatch to `h` (not owned; must outlive this object): a
  // handler hook that runs after the modules' own. Call before serving requests. "none"
  // and "default-handler" always mean static files.
  void register_named_handler(std::string name, const Handler* h);
  // Adds `hooks` (not owned; must outlive this object) for the phases in `phases`
  // (phase_bit()), after those already added (core's translate_name and map_to_storage
  // still run after them); for hooks with server-wide state.
  void add_hooks(const ModuleHooks* hooks, unsigned phases, unsigned first_phases = 0);
  // Where problems at request time (an unknown SetHandler name) are reported;
  // default: standard error.
  void set_error_logger(std::function<void(std::string_view)> log);

  void handle(const Request& req, const RequestContext& ctx, Response& resp) const override;
  void error(int status, const Request* req, const RequestContext& ctx,
             Response& resp) const override;
  // RequestPipeline: a task's internal redirect runs every phase again; its error pages.
  void internal_redirect(const Request& req, const RequestContext& ctx, int redirects,
                         Response& resp) const override;
  void error_page(int status, const Request& req, std::string_view location,
                  Response& resp) const override;

  // The Allow value for static resources ("GET, HEAD, POST, OPTIONS" [+ ", TRACE"]).
  std::string_view allow() const { return allow_; }

 private:
  // A handler registered by name (register_named_handler) as a handler hook.
  class NamedHook final : public ModuleHooks {
   public:
    NamedHook(std::string name, const Handler* h) : name_(std::move(name)), h_(h) {}
    int handler(RequestRec& r) const override;

   private:
    std::string name_;
    const Handler* h_;
  };

  // core's default handler (httpd's default_handler, run really last): static files for
  // no SetHandler, "none" and "default-handler".
  class DefaultHook final : public ModuleHooks {
   public:
    explicit DefaultHook(const SiteHandler* site) : site_(site) {}
    int handler(RequestRec& r) const override;

   private:
    const SiteHandler* site_;
  };

  // core's hooks with server state: translate_name (DocumentRoot, really last),
  // map_to_storage (the <Location> sections, last) and the fixup that applies SetHandler
  // (really first).
  class CoreHooks final : public ModuleHooks {
   public:
    explicit CoreHooks(const SiteHandler* site) : site_(site) {}
    int translate_name(RequestRec& r) const override;
    int map_to_storage(RequestRec& r) const override;
    int fixups(RequestRec& r) const override;

   private:
    const SiteHandler* site_;
  };

  // internal_redirect's work (LimitInternalRecursion's AH00124 and 500 past the limit, else
  // process()); `error_status` as process()'s.
  void redirect(const Request& req, const RequestContext& ctx, Response& resp, int redirects,
                int error_status) const;
  // Answers `req` through every phase as the `redirects`-th internal redirect; for an
  // ErrorDocument's request, `error_status` is the status it answers for (else 0).
  void process(const Request& req, const RequestContext& ctx, Response& resp, int redirects,
               int error_status = 0) const;
  // httpd's ap_die for a local ErrorDocument URL: answers `status` with a GET of `url`
  // run through every phase (the error's status kept, a script's Status aside); when that
  // request fails, with the built-in page of `status` noting the failure.
  void error_document_redirect(int status, std::string_view url, const RequestRec& r,
                               const ErrorExtras& extras) const;
  // The run-first phases before the handler; false when one answered (error page set).
  bool run_translate(RequestRec& r) const;
  void run_phases(RequestRec& r) const;
  // httpd's access and authentication steps, by the scope's Satisfy: access_checker, then
  // access_checker_ex, and when that asks for a user check_user_id and auth_checker;
  // kOk or the status that ends the request.
  int run_access(RequestRec& r) const;
  // The handler phase: the first hook that takes r.handler, else core's default handler;
  // a name no hook takes answers 500.
  void run_handler(RequestRec& r) const;
  // The type_checker phase and core's ForceType for `r.filename` (a DirectoryIndex
  // file's sub-request); false when AddHandler gave it a handler that then answered.
  bool retype(RequestRec& r) const;
  void default_handler(RequestRec& r) const;
  // mod_dir with MultiViews: a DirectoryIndex name that is no file ("index") negotiated
  // among its variants ("index.html.en"), as httpd's index sub-request does. 0 when
  // r.filename now names the file to serve (or the static path should look itself),
  // else the status to answer.
  int negotiate_index(RequestRec& r) const;
  // The output filters over a handler's response; true when one transformed the body.
  bool run_output_filters(RequestRec& r) const;
  // Gives `resp` the head edit of the scope `dir` (null: the server level's) unless it has
  // one already (set by the innermost request of an internal redirect).
  void attach_head_fixup(const DirConfigs* dir, Response& resp) const;
  // Static files (GET/HEAD) through the output filters, ranges after them.
  void serve_file(RequestRec& r) const;
  // A GET/HEAD of a directory without an index file: kOk (listed) or an error status.
  int directory_handler(RequestRec& r) const;
  void handle_trace(const Request& req, Response& resp) const;
  // The error response for `status`: the ErrorDocument the request's merged sections set
  // for it (`r`, null before the walk), else the server's, else the built-in page; a local
  // URL is an internal redirect when `r` is given, else the file under DocumentRoot.
  void render_error(int status, const Request* req, const ErrorExtras& extras, Response& resp,
                    const RequestRec* r = nullptr) const;

  std::shared_ptr<const Config> config_;
  MimeTable mime_;
  std::unique_ptr<NegotiationHooks> negotiation_;  // mod_negotiation's hooks over mime_
  std::unique_ptr<MimeHooks> mime_hooks_;          // mod_mime's type_checker over mime_
  std::unique_ptr<ErrorPages> pages_;
  ScopeWalk scopes_;
  std::vector<const ModuleHooks*> translate_;      // translate_name hooks, in order
  std::vector<const ModuleHooks*> storage_;        // map_to_storage hooks
  std::vector<const ModuleHooks*> access_;         // access_checker hooks
  std::vector<const ModuleHooks*> fixups_;         // fixups hooks
  std::vector<const ModuleHooks*> handlers_;       // handler hooks
  std::vector<const ModuleHooks*> post_read_;      // post_read_request hooks
  std::vector<const ModuleHooks*> header_parser_;  // header_parser hooks
  std::vector<const ModuleHooks*> check_user_;     // check_user_id hooks
  std::vector<const ModuleHooks*> auth_checker_;   // auth_checker hooks
  std::vector<const ModuleHooks*> access_ex_;      // access_checker_ex hooks
  std::vector<const ModuleHooks*> type_checker_;   // type_checker hooks
  std::vector<const ModuleHooks*> insert_filter_;  // insert_filter hooks
  std::vector<const ModuleHooks*> output_filter_;  // output_filter hooks
  std::vector<const ModuleHooks*> head_fixup_;     // head_fixup hooks
  std::vector<std::unique_ptr<NamedHook>> named_;
  DefaultHook default_hook_{this};
  CoreHooks core_hooks_{this};
  std::function<void(std::string_view)> log_;
  StaticOptions static_options_;
  bool autoindex_active_ = false;  // autoindex_module lists directories without an index
  AutoindexSite autoindex_site_;
  FileCache file_cache_;  // small hot files in memory (revalidated once a second)
  std::string allow_;
};

}  // namespace tern
