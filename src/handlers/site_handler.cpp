#include "handlers/site_handler.h"

#include <cstdio>
#include <ctime>

#include "http/path_resolve.h"

namespace tern {

bool location_prefix_matches(std::string_view prefix, std::string_view path) {
  if (prefix.empty()) return false;
  if (path.substr(0, prefix.size()) != prefix) return false;
  return prefix.back() == '/' || path.size() == prefix.size() || path[prefix.size()] == '/';
}

SiteHandler::SiteHandler(Key, std::shared_ptr<const Config> config, MimeTable mime)
    : config_(std::move(config)), mime_(std::move(mime)) {}

std::unique_ptr<SiteHandler> SiteHandler::create(std::shared_ptr<const Config> config,
                                                 std::string* error) {
  if (!config) {
    if (error) *error = "SiteHandler: no configuration";
    return nullptr;
  }
  auto mime = MimeTable::load(config->types_config, config->add_types, error);
  if (!mime) return nullptr;
  auto h = std::make_unique<SiteHandler>(Key{}, config, std::move(*mime));
  h->pages_ = std::make_unique<ErrorPages>(*config, &h->mime_);
  // httpd applies <Location> sections in file order, then <LocationMatch> sections.
  for (int pass = 0; pass < 2; ++pass) {
    for (const LocationSpec& spec : config->locations) {
      if (spec.is_regex != (pass == 1)) continue;
      CompiledLocation loc;
      loc.where = spec.file + ":" + std::to_string(spec.line);
      if (spec.is_regex) {
        loc.regex = spec.regex;
        if (!loc.regex) {  // built by hand rather than by the parser: httpd's defaults
          RegexError e;
          auto re = Regex::compile(spec.pattern, kRegexDefaultOptions, &e);
          if (!re) {
            if (error) {
              *error = loc.where + ": LocationMatch: invalid regular expression '" +
                       regex_excerpt(spec.pattern, 64) + "': " + e.message + " at offset " +
                       std::to_string(e.offset);
            }
            return nullptr;
          }
          loc.regex = std::make_shared<const Regex>(std::move(*re));
        }
      } else {
        loc.prefix = spec.pattern;
      }
      loc.handler = spec.handler;
      if (spec.require) {
        std::string why;
        loc.require = CompiledRequire::compile(*spec.require, &why);
        if (!loc.require) {
          if (error) *error = spec.file + ":" + std::to_string(spec.line) + ": " + why;
          return nullptr;
        }
      }
      h->locations_.push_back(std::move(loc));
    }
  }
  h->static_options_.document_root = h->config_->document_root;
  h->static_options_.directory_index = &h->config_->directory_index;
  h->static_options_.mime = &h->mime_;
  h->static_options_.cache = &h->file_cache_;
  h->static_options_.max_ranges = h->config_->max_ranges;
  h->static_options_.server_name = h->config_->server_name;
  if (!h->config_->script_aliases.empty()) h->cgi_ = std::make_unique<CgiHandler>(h->config_);
  h->allow_ = h->config_->trace_enable ? "GET, HEAD, OPTIONS, TRACE" : "GET, HEAD, OPTIONS";
  h->log_ = [](std::string_view msg) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(msg.size()), msg.data());
  };
  return h;
}

void SiteHandler::register_named_handler(std::string name, const Handler* h) {
  named_[std::move(name)] = h;
}

void SiteHandler::set_error_logger(std::function<void(std::string_view)> log) {
  log_ = std::move(log);
}

SiteHandler::Merged SiteHandler::merge_locations(std::string_view url_path) const {
  Merged m;
  for (const CompiledLocation& loc : locations_) {
    bool hit = false;
    if (loc.regex) {
      int failure = 0;
      RegexResult r = loc.regex->match(url_path, {}, &failure);
      if (r == RegexResult::kFailed) {
        // Undecided: neither applying nor skipping the section is safe (it may deny).
        m.failed = &loc;
        m.failure = failure;
        return m;
      }
      hit = r == RegexResult::kMatch;
    } else {
      hit = location_prefix_matches(loc.prefix, url_path);
    }
    if (!hit) continue;
    if (loc.handler) m.handler = &*loc.handler;
    if (loc.require) m.require = &*loc.require;
  }
  return m;
}

void SiteHandler::report_regex_failure(const Merged& m, std::string_view url_path) const {
  std::string msg = "LocationMatch '" + regex_excerpt(m.failed->regex->pattern()) + "' (" +
                    m.failed->where + "): " + regex_failure_text(m.failure) +
                    " matching a path of " + std::to_string(url_path.size()) + " bytes ('" +
                    regex_excerpt(url_path) + "'); request failed with 500";
  log_(msg);
}

void SiteHandler::render_error(int status, const Request* req, const ErrorExtras& extras,
                               Response& resp) const {
  ErrorExtras e = extras;
  if (status == 405 && e.allow.empty()) e.allow = allow_;
  pages_->render(status, req, e, resp);
}

void SiteHandler::error(int status, const Request* req, const RequestContext&,
                        Response& resp) const {
  render_error(status, req, ErrorExtras{}, resp);
}

void SiteHandler::internal_redirect(const Request& req, const RequestContext& ctx,
                                    Response& resp) const {
  handle(req, ctx, resp);
}

void SiteHandler::error_page(int status, const Request& req, std::string_view location,
                             Response& resp) const {
  ErrorExtras e;
  e.location = location;
  resp.clear();
  render_error(status, &req, e, resp);
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
  resp.clear();
  if (req.path == "*") {
    if (req.method == Method::kOptions) {
      resp.add_header("Allow", allow_);
      return;
    }
    render_error(400, &req, {}, resp);
    return;
  }
  // CONNECT carries an authority, not a path: a static server does not tunnel (405 + Allow).
  if (req.method == Method::kConnect) {
    render_error(405, &req, {}, resp);
    return;
  }
  // The decoded path is needed for <Location> matching, before authorization.
  thread_local std::string fs_path;
  thread_local std::string url_path;
  int status = resolve_path(req.path, config_->document_root, fs_path, url_path);
  if (status != 0) {
    render_error(status, &req, {}, resp);
    return;
  }
  Merged m = merge_locations(url_path);
  if (m.failed != nullptr) {
    report_regex_failure(m, url_path);
    render_error(500, &req, {}, resp);
    return;
  }
  if (m.require != nullptr && !m.require->allows(ctx.client_ip, ctx.local_ip)) {
    render_error(403, &req, {}, resp);
    return;
  }
  if (cgi_) {  // mod_alias maps the URL (translate_name) before any handler runs
    thread_local std::string location;
    location.clear();
    int cgi = cgi_->handle(req, ctx, url_path, this, resp, &location);
    if (cgi == 0) return;
    if (cgi > 0) {
      ErrorExtras e;
      e.location = location;
      render_error(cgi, &req, e, resp);
      return;
    }
  }
  if (m.handler != nullptr && *m.handler != "none" && *m.handler != "default-handler") {
    auto it = named_.find(*m.handler);
    if (it == named_.end() || it->second == nullptr) {
      std::string msg = "SetHandler: no handler named '" + *m.handler + "' for " + url_path;
      log_(msg);
      render_error(500, &req, {}, resp);
      return;
    }
    it->second->handle(req, ctx, resp);
    return;
  }
  switch (req.method) {
    case Method::kGet:
    case Method::kHead: {
      StaticResult r =
          serve_resolved(req, ctx, static_options_, std::time(nullptr), fs_path, url_path, resp);
      if (r.status == 200 || r.status == 206 || r.status == 304) return;
      ErrorExtras e;
      e.location = r.location;
      if (r.status == 416) e.entity_length = static_cast<int64_t>(r.entity_length);
      render_error(r.status, &req, e, resp);
      return;
    }
    case Method::kOptions:
      resp.add_header("Allow", allow_);
      return;
    case Method::kTrace:
      if (config_->trace_enable) {
        // httpd's TraceEnable on refuses a request body (413).
        if (req.has_body()) {
          render_error(413, &req, {}, resp);
          return;
        }
        handle_trace(req, resp);
        return;
      }
      render_error(405, &req, {}, resp);
      return;
    case Method::kPost:
    case Method::kPut:
    case Method::kDelete:
    case Method::kPatch:
    case Method::kConnect:
      render_error(405, &req, {}, resp);
      return;
    case Method::kOther:
      render_error(501, &req, {}, resp);
      return;
  }
  render_error(500, &req, {}, resp);
}

}  // namespace tern
