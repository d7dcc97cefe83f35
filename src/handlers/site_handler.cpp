#include "handlers/site_handler.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

#include "http/path_resolve.h"
#include "log/error_log.h"
#include "modules/access_compat.h"
#include "modules/autoindex.h"
#include "modules/cgi/cgi_redirect.h"
#include "modules/core_content_type.h"
#include "modules/core_dir.h"
#include "modules/core_error_document.h"
#include "modules/registry.h"

namespace tern {

namespace {

// True for the handler names that mean core's default handler (static files).
bool is_default_handler(std::string_view h) {
  return h.empty() || h == "none" || h == "default-handler";
}

// Runs a run-first phase: the first hook that does not decline decides; kOk or a status.
template <class Fn>
int run_first(const std::vector<const ModuleHooks*>& hooks, RequestRec& r, Fn fn) {
  for (const ModuleHooks* hook : hooks) {
    const int rc = (hook->*fn)(r);
    if (rc != kDeclined) return rc;
  }
  return kDeclined;
}

// Runs a run-all phase: every hook, until one fails the request; kOk or that status.
template <class Fn>
int run_all(const std::vector<const ModuleHooks*>& hooks, RequestRec& r, Fn fn) {
  for (const ModuleHooks* hook : hooks) {
    const int rc = (hook->*fn)(r);
    if (rc != kOk && rc != kDeclined) return rc;
  }
  return kOk;
}

}  // namespace

SiteHandler::SiteHandler(Key, std::shared_ptr<const Config> config, MimeTable mime)
    : config_(std::move(config)), mime_(std::move(mime)) {}

std::unique_ptr<SiteHandler> SiteHandler::create(std::shared_ptr<const Config> config,
                                                 std::string* error) {
  if (!config) {
    if (error) *error = "SiteHandler: no configuration";
    return nullptr;
  }
  // mod_mime's types: without mime_module active no type is known, so no Content-Type
  // is sent (httpd without mod_mime).
  auto mime = module_enabled(config->active_modules, "mime_module")
                  ? MimeTable::load(config->types_config, {}, error)
                  : MimeTable::from_text("", {});
  if (!mime) return nullptr;
  auto h = std::make_unique<SiteHandler>(Key{}, config, std::move(*mime));
  h->pages_ = std::make_unique<ErrorPages>(*config, &h->mime_);
  if (!h->scopes_.init(*config, error)) return nullptr;
  // core's SetHandler fixup runs really first (httpd's core_override_type).
  h->fixups_.push_back(&h->core_hooks_);
  if (module_enabled(config->active_modules, "mime_module")) {
    h->mime_hooks_ = std::make_unique<MimeHooks>(&h->mime_);
    h->add_hooks(h->mime_hooks_.get(), phase_bit(Phase::kTypeChecker));
  }
  // Only the active modules' hooks run (with LoadModule lines: those it names).
  for (const Module* m : all_modules()) {
    if (m->hooks != nullptr && module_enabled(config->active_modules, m->name))
      h->add_hooks(m->hooks, m->phases, m->first_phases);
  }
  // mod_negotiation's MultiViews reads the same types; its type_checker runs first (as
  // httpd's APR_HOOK_FIRST), before mod_mime's.
  if (module_enabled(config->active_modules, "negotiation_module")) {
    h->negotiation_ = std::make_unique<NegotiationHooks>(&h->mime_, &h->log_);
    h->type_checker_.insert(h->type_checker_.begin(), h->negotiation_.get());
    h->handlers_.push_back(h->negotiation_.get());
  }
  h->static_options_.document_root = h->config_->document_root;
  // mod_dir's DirectoryIndex: none without dir_module active (a directory is then 403).
  if (module_enabled(config->active_modules, "dir_module"))
    h->static_options_.directory_index = &h->config_->directory_index;
  h->static_options_.mime = &h->mime_;
  h->autoindex_active_ = module_enabled(config->active_modules, "autoindex_module");
  h->autoindex_site_.mime = &h->mime_;
  h->autoindex_site_.index_names = h->static_options_.directory_index;
  h->autoindex_site_.document_root = h->config_->document_root;
  h->static_options_.cache = &h->file_cache_;
  h->static_options_.max_ranges = h->config_->max_ranges;
  h->static_options_.server_name = h->config_->server_name;
  h->allow_ =
      h->config_->trace_enable ? "GET, HEAD, POST, OPTIONS, TRACE" : "GET, HEAD, POST, OPTIONS";
  h->log_ = [](std::string_view msg) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(msg.size()), msg.data());
  };
  return h;
}

void SiteHandler::register_named_handler(std::string name, const Handler* h) {
  if (h == nullptr) return;
  named_.push_back(std::make_unique<NamedHook>(std::move(name), h));
  handlers_.push_back(named_.back().get());
}

void SiteHandler::add_hooks(const ModuleHooks* hooks, unsigned phases, unsigned first_phases) {
  const auto add = [&](std::vector<const ModuleHooks*>& list, Phase p) {
    if ((phases & phase_bit(p)) == 0) return;
    if ((first_phases & phase_bit(p)) != 0) {
      list.insert(list.begin(), hooks);
    } else {
      list.push_back(hooks);
    }
  };
  add(translate_, Phase::kTranslateName);
  add(storage_, Phase::kMapToStorage);
  add(access_, Phase::kAccessChecker);
  add(fixups_, Phase::kFixups);
  add(handlers_, Phase::kHandler);
  add(post_read_, Phase::kPostReadRequest);
  add(header_parser_, Phase::kHeaderParser);
  add(check_user_, Phase::kCheckUserId);
  add(auth_checker_, Phase::kAuthChecker);
  add(access_ex_, Phase::kAccessCheckerEx);
  add(type_checker_, Phase::kTypeChecker);
  add(insert_filter_, Phase::kInsertFilter);
  add(output_filter_, Phase::kOutputFilter);
  add(head_fixup_, Phase::kHeadFixup);
}

void SiteHandler::attach_head_fixup(const DirConfigs* dir, Response& resp) const {
  if (head_fixup_.empty() || resp.head_fixup) return;  // set by an internal redirect's request
  for (const ModuleHooks* hook : head_fixup_) {
    if (auto fixup = hook->head_fixup(*config_, dir)) {
      resp.head_fixup = std::move(fixup);
      return;
    }
  }
}

int SiteHandler::NamedHook::handler(RequestRec& r) const {
  if (r.handler != name_) return kDeclined;
  h_->handle(r.req, r.ctx, r.resp);
  return kOk;
}

void SiteHandler::set_error_logger(std::function<void(std::string_view)> log) {
  log_ = std::move(log);
}

namespace {

// `ErrorDocument N default`: what an ErrorDocument's failing request answers with.
const ErrorDocumentSpec kBuiltInPage{0, ErrorDocumentSpec::Kind::kDefault, {}};

}  // namespace

void SiteHandler::render_error(int status, const Request* req, const ErrorExtras& extras,
                               Response& resp, const RequestRec* r) const {
  ErrorExtras e = extras;
  if (status == 405 && e.allow.empty()) e.allow = allow_;
  if (r != nullptr && status >= 400) {
    // An ErrorDocument's own request that fails gets the built-in page (no redirect
    // again); error_document_redirect answers with the original error instead.
    if (r->error_status != 0) {
      e.document = &kBuiltInPage;
    } else {
      if (r->dir != nullptr) e.document = dir_error_document(*r->dir, status);
      if (e.document == nullptr) e.document = pages_->server_document(status);
      if (e.document != nullptr && e.document->kind == ErrorDocumentSpec::Kind::kLocalPath &&
          !status_forbids_body(status)) {
        error_document_redirect(status, e.document->value, *r, e);
        return;
      }
    }
  }
  pages_->render(status, req, e, resp);
}

void SiteHandler::error_document_redirect(int status, std::string_view url, const RequestRec& r,
                                          const ErrorExtras& extras) const {
  Response& resp = r.resp;
  // The request as a GET of `url` (httpd: the method becomes GET; no body). Its
  // conditions and ranges are dropped: an error document is never a 304 or a 206
  // (httpd's no_local_copy; its byterange filter serves only a 200).
  RedirectRequest copy(r.req, r.ctx);
  Request get = copy.make_get(url);
  std::erase_if(get.headers, [](const HeaderField& f) {
    return iequals(f.name, "Range") || iequals(f.name, "If-Range") || iequals(f.name, "If-Match") ||
           iequals(f.name, "If-None-Match") || iequals(f.name, "If-Modified-Since") ||
           iequals(f.name, "If-Unmodified-Since");
  });
  // httpd's rename_original_env: the request's variables become REDIRECT_*, with the
  // method (ap_die's REQUEST_METHOD) and the status; CGI's REDIRECT_URL and
  // REDIRECT_QUERY_STRING name the original URL (ap_add_cgi_vars with r->prev).
  resp.clear_keep_env();
  for (auto& [name, value] : resp.env) name.insert(0, "REDIRECT_");
  resp.set_env("REDIRECT_REQUEST_METHOD", r.req.method_name);
  resp.set_env("REDIRECT_STATUS", std::to_string(status));
  resp.set_env("REDIRECT_URL", r.url_path);
  if (r.req.has_query) resp.set_env("REDIRECT_QUERY_STRING", r.req.query);
  redirect(get, copy.ctx(), resp, r.redirects + 1, status);  // AH00124 and a 500 past the limit
  if (resp.task) return;  // a script answers; without a Status field, with `status`
  if (resp.status == 200) {
    resp.status = status;
    resp.close_connection = resp.close_connection || drops_connection(status);
    return;
  }
  // The document's request failed: the original error's built-in page, noting it (httpd
  // sends it for the first failing request of the chain).
  ErrorExtras e = extras;
  e.recursive_error = status;
  e.document = &kBuiltInPage;
  pages_->render(status, &r.req, e, resp);
}

void SiteHandler::error(int status, const Request* req, const RequestContext& ctx,
                        Response& resp) const {
  ErrorExtras e;
  e.error_notes = ctx.error_notes;
  render_error(status, req, e, resp);
  attach_head_fixup(nullptr, resp);
}

void SiteHandler::handle_trace(const Request& req, Response& resp) const {
  // TraceEnable on: echo the request head back as message/http (as httpd).
  resp.add_header("Content-Type", "message/http");
  resp.append_body(req.request_line);
  resp.append_body("\r\n");
  for (const HeaderField& f : req.headers) {
    resp.append_body(f.name);
    resp.append_body(": ");
    resp.append_body(f.value);
    resp.append_body("\r\n");
  }
  resp.append_body("\r\n");
}

void SiteHandler::handle(const Request& req, const RequestContext& ctx, Response& resp) const {
  process(req, ctx, resp, 0);
}

void SiteHandler::internal_redirect(const Request& req, const RequestContext& ctx, int redirects,
                                    Response& resp) const {
  redirect(req, ctx, resp, redirects, 0);
}

void SiteHandler::redirect(const Request& req, const RequestContext& ctx, Response& resp,
                           int redirects, int error_status) const {
  if (redirects > kMaxInternalRedirects) {
    // httpd's ap_is_recursion_limit_exceeded, verbatim.
    std::string msg = client_prefix(ctx.client_ip, ctx.client_port) +
                      "AH00124: Request exceeded the limit of " +
                      std::to_string(kMaxInternalRedirects) +
                      " internal redirects due to probable configuration error. Use "
                      "'LimitInternalRecursion' to increase the limit if necessary. Use "
                      "'LogLevel debug' to get a backtrace.";
    log_(msg);
    resp.clear();
    render_error(500, &req, {}, resp);
    return;
  }
  resp.clear_keep_env();
  process(req, ctx, resp, redirects, error_status);
}

void SiteHandler::error_page(int status, const Request& req, std::string_view location,
                             Response& resp) const {
  ErrorExtras e;
  e.location = location;
  resp.clear_keep_env();
  render_error(status, &req, e, resp);
}

void SiteHandler::process(const Request& req, const RequestContext& ctx, Response& resp,
                          int redirects, int error_status) const {
  if (redirects == 0) resp.clear();  // a redirect's request keeps its REDIRECT_* variables
  // A request answered before its scope is known gets the server level's head edit.
  const auto answered = [&] { attach_head_fixup(nullptr, resp); };
  if (req.path == "*") {
    if (req.method == Method::kOptions) {
      resp.add_header("Allow", allow_);
    } else {
      render_error(400, &req, {}, resp);
    }
    answered();
    return;
  }
  // CONNECT carries an authority, not a path: a static server does not tunnel (405 + Allow).
  if (req.method == Method::kConnect) {
    render_error(405, &req, {}, resp);
    answered();
    return;
  }
  // httpd decodes and normalises the URL before translate_name (ap_unescape_url,
  // ap_getparents); each request of a thread reuses these buffers' capacity, one pair per
  // redirect depth: an ErrorDocument's request runs inside its original's phases.
  thread_local std::array<std::string, kMaxInternalRedirects + 1> filenames;
  thread_local std::array<std::string, kMaxInternalRedirects + 1> url_paths;
  const size_t depth = static_cast<size_t>(std::clamp(redirects, 0, kMaxInternalRedirects));
  std::string& filename = filenames[depth];
  std::string& url_path = url_paths[depth];
  int status = resolve_path(req.path, {}, filename, url_path);
  if (status != 0) {
    render_error(status, &req, {}, resp);
    answered();
    return;
  }
  RequestRec r{req, ctx,       resp, *config_, filename, url_path, {}, {},    {}, nullptr,
               {},  redirects, this, {},       {},       {},       {}, false, {}, {}};
  r.error_status = error_status;
  if (run_translate(r)) run_phases(r);
  attach_head_fixup(r.dir, resp);
}

bool SiteHandler::run_translate(RequestRec& r) const {
  int rc = run_all(post_read_, r, &ModuleHooks::post_read_request);
  if (rc == kOk) rc = run_first(translate_, r, &ModuleHooks::translate_name);
  if (rc == kDeclined) rc = core_hooks_.translate_name(r);
  if (rc == kOk) {
    rc = run_first(storage_, r, &ModuleHooks::map_to_storage);
    // The <Location> merge runs whatever a module's map_to_storage said, as httpd's
    // location walk does: a hook taking the phase must not drop Require or SetHandler.
    if (rc == kOk || rc == kDeclined) rc = core_hooks_.map_to_storage(r);
    if (rc == kOk) rc = run_all(header_parser_, r, &ModuleHooks::header_parser);
  }
  if (rc == kOk) return true;
  ErrorExtras e;
  e.location = r.location;  // a redirect's target (mod_alias's Redirect*)
  render_error(rc, &r.req, e, r.resp, &r);
  return false;
}

int SiteHandler::CoreHooks::translate_name(RequestRec& r) const {
  // core's translate_name: the URL under DocumentRoot.
  r.filename.assign(site_->config_->document_root);
  r.filename.append(r.url_path);
  return kOk;
}

int SiteHandler::CoreHooks::map_to_storage(RequestRec& r) const {
  // The merged configuration of the matching sections: <Directory> and .htaccess,
  // <DirectoryMatch>, <Files>, <Location> (httpd's directory, file and location walks).
  const ExprContext expr{&r.req,
                         &r.ctx,
                         r.filename,
                         r.url_path,
                         r.server.server_name,
                         r.server.document_root,
                         r.server.server_admin};
  ScopeWalk::Result m = site_->scopes_.lookup(r.filename, r.url_path, std::time(nullptr), &expr);
  if (m.status != 0) {
    site_->log_(m.log);
    return m.status;
  }
  r.dir_owner = std::move(m.owner);
  r.dir = m.dir;
  return kOk;
}

int SiteHandler::CoreHooks::fixups(RequestRec& r) const {
  // httpd's core_override_type: a section's SetHandler replaces the handler a module set
  // (ScriptAlias's "cgi-script"), except `SetHandler none`, which leaves it.
  if (const std::string* h = dir_handler(*r.dir); h != nullptr && *h != "none") r.handler = *h;
  // ForceType replaces what type_checker found (charset included), as httpd's.
  if (std::string_view t = dir_force_type(*r.dir); !t.empty()) r.content.type = t;
  return kDeclined;
}

void SiteHandler::run_phases(RequestRec& r) const {
  const Request& req = r.req;
  Response& resp = r.resp;
  int rc = run_access(r);
  if (rc == kSuspend) {
    resp.client_auth = true;
    return;
  }
  if (rc == kOk) rc = run_first(type_checker_, r, &ModuleHooks::type_checker);
  if (rc == kOk || rc == kDeclined) rc = run_all(fixups_, r, &ModuleHooks::fixups);
  ErrorExtras e;
  e.headers = r.err_headers;
  e.variant_list = r.variant_list;
  if (rc != kOk) {
    e.location = r.location;
    if (rc == 401) e.www_authenticate = r.www_authenticate;
    render_error(rc, &req, e, resp, &r);
    return;
  }
  run_handler(r);
}

void SiteHandler::run_handler(RequestRec& r) const {
  for (const ModuleHooks* hook : handlers_) {
    const int rc = hook->handler(r);
    if (rc == kDeclined) continue;
    if (rc != kOk) {
      ErrorExtras e;
      e.headers = r.err_headers;
      e.variant_list = r.variant_list;
      render_error(rc, &r.req, e, r.resp, &r);
    } else if (r.resp.task || r.resp.status < 400) {
      run_output_filters(r);  // not for an error page the handler rendered
    }
    return;
  }
  if (default_hook_.handler(r) != kDeclined) return;
  std::string msg = "SetHandler: no handler named '" + std::string(r.handler) + "' for " +
                    std::string(r.url_path);
  log_(msg);
  render_error(500, &r.req, {}, r.resp, &r);
}

bool SiteHandler::retype(RequestRec& r) const {
  r.content = {};
  r.handler = {};
  run_first(type_checker_, r, &ModuleHooks::type_checker);
  if (std::string_view t = dir_force_type(*r.dir); !t.empty()) r.content.type = t;
  if (is_default_handler(r.handler)) return true;
  // httpd's mod_dir answers the index through an internal redirect: the handler AddHandler
  // named (a CGI index.cgi) runs for it, with the index in the URL.
  thread_local std::string index_url;
  const size_t slash = r.filename.rfind('/');
  index_url.assign(r.url_path);
  index_url.append(std::string_view(r.filename).substr(slash + 1));
  r.url_path = index_url;
  r.resp.clear_keep_env();
  run_handler(r);
  return false;
}

int SiteHandler::run_access(RequestRec& r) const {
  // httpd's ap_satisfies switch. Satisfy All (or none): every access_checker hook
  // (Order/Allow/Deny, SSLRequireSSL) must let the request in, then Require decides.
  // Satisfy Any (mod_access_compat): a request they all let in skips authentication and
  // authorization; one that any of them refuses is left to Require and authentication.
  const bool any = r.dir != nullptr && satisfies(*r.dir) == Satisfy::kAny;
  int rc = run_all(access_, r, &ModuleHooks::access_checker);
  if (rc == kSuspend) return rc;
  if (any && rc == kOk) return kOk;
  if (!any && rc != kOk) return rc;
  // httpd without authz_core answers every request 500 (AH00025); tern serves it, as no
  // Require can be configured then.
  if (access_ex_.empty()) return kOk;
  rc = run_first(access_ex_, r, &ModuleHooks::access_checker_ex);
  if (rc != kDeclined) return rc;  // authorized without authentication, or refused
  // httpd's decl_die and its check that authentication named a user, verbatim.
  const auto fail = [&](std::string_view text, std::string_view tail = {}) {
    std::string msg = client_prefix(r.ctx.client_ip, r.ctx.client_port);
    msg.append(text).append(r.url_path).append(tail);
    log_(msg);
    return 500;
  };
  rc = run_first(check_user_, r, &ModuleHooks::check_user_id);
  if (rc == kDeclined) return fail("AH00025: configuration error:  couldn't check user: ");
  if (rc != kOk) return rc;
  if (!r.resp.user) {
    return fail(
        "AH00027: No authentication done but request not allowed without authentication for ",
        ". Authentication not configured?");
  }
  rc = run_first(auth_checker_, r, &ModuleHooks::auth_checker);
  if (rc == kDeclined) return fail("AH00025: configuration error:  couldn't check authorization: ");
  return rc;
}

int SiteHandler::DefaultHook::handler(RequestRec& r) const {
  if (!is_default_handler(r.handler)) return kDeclined;
  site_->default_handler(r);
  return kOk;
}

int SiteHandler::negotiate_index(RequestRec& r) const {
  if (negotiation_ == nullptr || static_options_.directory_index == nullptr || r.dir == nullptr ||
      r.url_path.empty() || r.url_path.back() != '/' || (dir_options(*r.dir) & kOptMultiViews) == 0)
    return 0;
  struct stat st;
  if (::stat(r.filename.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
  const std::string dir = r.filename;
  int error = 0;  // httpd's mod_dir: the last failure other than 404, if nothing serves
  const std::vector<std::string>& names = *static_options_.directory_index;
  for (const std::string& index : names) {
    r.filename.assign(dir).append(index);
    if (::stat(r.filename.c_str(), &st) == 0) {
      if (S_ISREG(st.st_mode)) {
        r.filename.assign(dir);  // the static path serves it (and its cache)
        return 0;
      }
      continue;
    }
    r.err_headers.clear();
    const size_t fields = r.resp.fields.size();
    const int rc = negotiation_->type_checker(r);
    if (rc == kOk) return 0;  // r.filename is the chosen variant
    r.resp.fields.resize(fields);
    // A 300, or a 406 of the last name, answers with its headers; other failures are
    // kept (the variant list stays: httpd stores it in the main request's notes).
    if ((rc >= 300 && rc < 400) || (rc == 406 && &index == &names.back())) return rc;
    r.err_headers.clear();
    if (rc != kDeclined && rc != 404) error = rc;
  }
  r.filename.assign(dir);
  return error;
}

int SiteHandler::directory_handler(RequestRec& rec) const {
  // mod_autoindex, the handler of a directory without an index file (autoindex.h).
  if (autoindex_active_) return autoindex_directory(rec, autoindex_site_);
  // Without it httpd's default handler refuses to serve a directory: 404, AH00129.
  if (ErrorLog::enabled(LogLevel::kInfo))
    ErrorLog::write(LogLevel::kInfo, "core",
                    client_prefix(rec.ctx.client_ip, rec.ctx.client_port) +
                        "AH00129: Attempt to serve directory: " + rec.filename);
  return 404;
}

void SiteHandler::default_handler(RequestRec& rec) const {
  // core's default handler: static files for GET/HEAD, OPTIONS, TRACE; other methods
  // are not allowed on a static resource.
  const Request& req = rec.req;
  Response& resp = rec.resp;
  switch (req.method) {
    case Method::kGet:
    case Method::kHead:
    case Method::kPost:  // httpd delivers a file to POST too (core's deliver_script)
      if (const int status = negotiate_index(rec); status != 0) {
        ErrorExtras e;
        e.headers = rec.err_headers;
        e.variant_list = rec.variant_list;
        render_error(status, &req, e, resp, &rec);
        return;
      }
      serve_file(rec);
      return;
    case Method::kOptions:
      resp.add_header("Allow", allow_);
      return;
    case Method::kTrace:
      if (config_->trace_enable) {
        // httpd's TraceEnable on refuses a request body (413).
        if (req.has_body()) {
          render_error(413, &req, {}, resp, &rec);
          return;
        }
        handle_trace(req, resp);
        return;
      }
      render_error(405, &req, {}, resp, &rec);
      return;
    case Method::kPut:
    case Method::kDelete:
    case Method::kPatch:
    case Method::kConnect:
      render_error(405, &req, {}, resp, &rec);
      return;
    case Method::kOther:
      render_error(501, &req, {}, resp, &rec);
      return;
  }
  render_error(500, &req, {}, resp, &rec);
}

bool SiteHandler::run_output_filters(RequestRec& r) const {
  bool transformed = false;
  for (const ModuleHooks* hook : output_filter_) {
    if (hook->output_filter(r) == kOk) transformed = true;
  }
  return transformed;
}

void SiteHandler::serve_file(RequestRec& rec) const {
  const Request& req = rec.req;
  Response& resp = rec.resp;
  // A filter that may transform the body gets it whole; the ranges apply after it.
  bool defer_ranges = false;
  if (req.method == Method::kGet && req.header("Range")) {
    for (const ModuleHooks* hook : insert_filter_) {
      if (hook->insert_filter(rec) == kOk) defer_ranges = true;
    }
  }
  // A DirectoryIndex file gets its own type_checker run (httpd's sub-request).
  struct Typer final : IndexTyper {
    const SiteHandler* site;
    RequestRec* rec;
    bool type_index(const std::string&, ContentMeta& meta) const override {
      if (!site->retype(*rec)) return false;
      meta = rec->content;
      meta.type = make_content_type(*rec->dir, meta.type);
      return true;
    }
  } typer;
  typer.site = this;
  typer.rec = &rec;
  ContentMeta meta = rec.content;
  if (rec.dir != nullptr) meta.type = make_content_type(*rec.dir, meta.type);
  const time_t now = std::time(nullptr);
  StaticResult r = serve_resolved(req, rec.ctx, static_options_, now, rec.filename, rec.url_path,
                                  meta, &typer, resp, defer_ranges);
  if (r.directory_without_index) {
    // A directory without an index file: mod_autoindex's listing, or httpd's refusal.
    r.status = directory_handler(rec);
    if (r.status == kOk) return;
  }
  if (r.status == 412) return;  // answered without a body, as httpd's default handler
  if (r.status == 200 || r.status == 206 || r.status == 304) {
    if (r.status == 304 || run_output_filters(rec) || !defer_ranges) return;
    // No filter took the body: serve the ranges now, keeping the Vary a filter added.
    std::string vary(resp.header("Vary").value_or(""));
    resp.clear_keep_env();
    resp.fields.append(rec.err_headers);  // mod_negotiation's Vary, TCN, Content-Location
    r = serve_resolved(req, rec.ctx, static_options_, now, rec.filename, rec.url_path, meta, &typer,
                       resp);
    if (!vary.empty() && r.status != 304) resp.add_header("Vary", vary);
    if (r.status == 200 || r.status == 206 || r.status == 304 || r.status == 412) return;
  }
  ErrorExtras e;
  e.location = r.location;
  e.headers = rec.err_headers;  // mod_negotiation's Vary, TCN, Content-Location
  if (r.status == 416) e.entity_length = static_cast<int64_t>(r.entity_length);
  render_error(r.status, &req, e, resp, &rec);
}

}  // namespace tern
