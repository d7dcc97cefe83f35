#include "handlers/site_handler.h"

#include <cstdio>
#include <ctime>
#include <mutex>

#include "http/path_resolve.h"
#include "modules/core_dir.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern {

namespace {

// Match sets beyond this many distinct ones are merged per request, not cached.
constexpr size_t kMaxCachedMerges = 1024;

// True for the handler names that mean core's default handler (static files).
bool is_default_handler(std::string_view h) {
  return h.empty() || h == "none" || h == "default-handler";
}

}  // namespace

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
      if (!create_dir_configs(spec, &loc.dir, error)) return nullptr;
      h->locations_.push_back(std::move(loc));
    }
  }
  // The server level sets nothing itself (its Require/SetHandler are a "/" Location).
  h->server_dir_.assign(all_modules().size(), nullptr);
  for (CompiledLocation& loc : h->locations_) {
    loc.merged = merge_dir_configs(h->server_dir_, loc.dir);
  }
  for (const Module* m : all_modules()) {
    if (m->hooks != nullptr) h->add_hooks(m->hooks, m->phases);
  }
  h->static_options_.document_root = h->config_->document_root;
  h->static_options_.directory_index = &h->config_->directory_index;
  h->static_options_.mime = &h->mime_;
  h->static_options_.cache = &h->file_cache_;
  h->static_options_.max_ranges = h->config_->max_ranges;
  h->static_options_.server_name = h->config_->server_name;
  h->allow_ = h->config_->trace_enable ? "GET, HEAD, OPTIONS, TRACE" : "GET, HEAD, OPTIONS";
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

void SiteHandler::add_hooks(const ModuleHooks* hooks, unsigned phases) {
  if (phases & phase_bit(Phase::kAccessChecker)) access_.push_back(hooks);
  if (phases & phase_bit(Phase::kFixups)) fixups_.push_back(hooks);
  if (phases & phase_bit(Phase::kHandler)) handlers_.push_back(hooks);
}

int SiteHandler::NamedHook::handler(RequestRec& r) const {
  if (r.handler != name_) return kDeclined;
  h_->handle(r.req, r.ctx, r.resp);
  return kOk;
}

void SiteHandler::set_error_logger(std::function<void(std::string_view)> log) {
  log_ = std::move(log);
}

SiteHandler::Merged SiteHandler::merge_locations(std::string_view url_path) const {
  // The indices of the matching sections, as bytes (the cache key). httpd merges the
  // sections in this order: <Location> in file order, then <LocationMatch>.
  thread_local std::string key;
  key.clear();
  const CompiledLocation* only = nullptr;
  Merged m;
  for (size_t i = 0; i < locations_.size(); ++i) {
    const CompiledLocation& loc = locations_[i];
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
    only = &loc;
    const auto n = static_cast<uint32_t>(i);
    key.append({static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                static_cast<char>(n)});
  }
  if (key.empty()) {
    m.dir = &server_dir_;
  } else if (key.size() == 4) {
    m.dir = &only->merged;  // precomputed: no lookup
  } else {
    m.dir = merged_for(key);
  }
  return m;
}

const DirConfigs* SiteHandler::merged_for(std::string_view key) const {
  {
    std::shared_lock lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second.get();
  }
  DirConfigs merged = server_dir_;
  for (size_t at = 0; at < key.size(); at += 4) {
    const auto* b = reinterpret_cast<const unsigned char*>(key.data() + at);
    const size_t i = (size_t{b[0]} << 24) | (size_t{b[1]} << 16) | (size_t{b[2]} << 8) | b[3];
    merged = merge_dir_configs(merged, locations_[i].dir);
  }
  std::unique_lock lock(cache_mutex_);
  if (cache_.size() >= kMaxCachedMerges) {
    // Too many distinct match sets to keep: this thread's copy serves this request.
    thread_local DirConfigs uncached;
    uncached = std::move(merged);
    return &uncached;
  }
  auto [it, inserted] =
      cache_.try_emplace(std::string(key), std::make_unique<const DirConfigs>(std::move(merged)));
  return it->second.get();
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
  // map_to_storage: the merged configuration of the matching sections.
  Merged m = merge_locations(url_path);
  if (m.failed != nullptr) {
    report_regex_failure(m, url_path);
    render_error(500, &req, {}, resp);
    return;
  }
  RequestRec r{req, ctx, resp, fs_path, url_path, m.dir, {}};
  if (const std::string* h = dir_handler(*m.dir)) r.handler = *h;
  for (const ModuleHooks* hook : access_) {
    const int rc = hook->access_checker(r);
    if (rc != kOk && rc != kDeclined) {
      render_error(rc, &req, {}, resp);
      return;
    }
  }
  for (const ModuleHooks* hook : fixups_) {
    const int rc = hook->fixups(r);
    if (rc != kOk && rc != kDeclined) {
      render_error(rc, &req, {}, resp);
      return;
    }
  }
  for (const ModuleHooks* hook : handlers_) {
    const int rc = hook->handler(r);
    if (rc == kDeclined) continue;
    if (rc != kOk) render_error(rc, &req, {}, resp);
    return;
  }
  if (default_hook_.handler(r) != kDeclined) return;
  {
    std::string msg = "SetHandler: no handler named '" + std::string(r.handler) + "' for " +
                      std::string(url_path);
    log_(msg);
    render_error(500, &req, {}, resp);
  }
}

int SiteHandler::DefaultHook::handler(RequestRec& r) const {
  if (!is_default_handler(r.handler)) return kDeclined;
  site_->default_handler(r);
  return kOk;
}

void SiteHandler::default_handler(RequestRec& rec) const {
  // core's default handler: static files for GET/HEAD, OPTIONS, TRACE; other methods
  // are not allowed on a static resource.
  const Request& req = rec.req;
  Response& resp = rec.resp;
  switch (req.method) {
    case Method::kGet:
    case Method::kHead: {
      StaticResult r = serve_resolved(req, rec.ctx, static_options_, std::time(nullptr),
                                      rec.filename, rec.url_path, resp);
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
