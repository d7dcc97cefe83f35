#include "modules/negotiation/negotiation_hooks.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "http/http_date.h"
#include "modules/core_dir.h"
#include "modules/dir_configs.h"
#include "modules/negotiation/neg_config.h"
#include "modules/negotiation/negotiate.h"
#include "modules/negotiation/variant_meta.h"
#include "modules/registry.h"

namespace tern {

namespace modules {
extern const Module negotiation_module;
}

namespace {

constexpr std::string_view kCgiMagicType = "application/x-httpd-cgi";
constexpr std::string_view kMapFileMagicType = "application/x-type-map";

// RAII for a directory stream.
struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};
using UniqueDir = std::unique_ptr<DIR, DirCloser>;

// httpd's read_types_multi check: each name mod_mime did not recognise must be, in
// order, a dot-separated segment of the requested name.
bool exceptions_match(const std::vector<std::string>& exceptions, std::string_view requested) {
  size_t next = 0;
  while (next < exceptions.size()) {
    const size_t dot = requested.find('.');
    const std::string_view seg = requested.substr(0, dot);
    if (seg == exceptions[next]) ++next;
    if (dot == std::string_view::npos) break;
    requested.remove_prefix(dot + 1);
  }
  return next == exceptions.size();
}

void add_field(std::string& fields, std::string_view name, std::string_view value) {
  fields.append(name).append(": ").append(value).append("\r\n");
}

// The chosen variant's type, encoding and languages become r.content (httpd copies the
// variant sub-request's), which the default handler sends. The views point into this
// thread's buffers, valid for the request.
void publish_variant(RequestRec& r, const negotiation::Variant& v) {
  struct Buffers {
    std::string type, encoding, language;
  };
  thread_local Buffers buf;
  buf.type.clear();
  if (v.content_type != kCgiMagicType) buf.type = v.content_type;
  buf.language.clear();
  for (const std::string& l : v.languages) {
    if (!buf.language.empty()) buf.language.push_back(',');  // as mod_mime (httpd)
    buf.language.append(l);
  }
  buf.encoding.clear();
  if (!v.encoding.empty())
    buf.encoding = negotiation::fix_encoding(v.encoding, r.req.header("Accept-Encoding"));
  r.content.type = buf.type;
  r.content.encoding = buf.encoding;
  r.content.language = buf.language;
}

}  // namespace

void NegotiationHooks::log(const RequestRec& r, std::string_view msg) const {
  if (log_ == nullptr || !*log_) return;
  std::string line = "[negotiation:error] [client " + std::string(r.ctx.client_ip) + ":" +
                     std::to_string(r.ctx.client_port) + "] ";
  line.append(msg);
  (*log_)(line);
}

int NegotiationHooks::handler(RequestRec& r) const {
  if (r.handler != "type-map") return kDeclined;
  log(r, "type maps (.var files, handler type-map) are not supported by tern: " + r.filename);
  return 500;
}

// The variants a scan found, with AddHandler's handler of those that have one.
struct NegotiationHooks::Scan {
  std::vector<negotiation::Variant> variants;
  std::vector<std::pair<std::string, std::string_view>> handlers;  // file name → handler
};

namespace {

// The request's side of the choice: its Accept* headers, the scope's LanguagePriority and
// ForceLanguagePriority, and the environment's prefer-language, no-gzip, gzip-only-text/html.
negotiation::Input make_input(const RequestRec& r, const NegDirConfig* conf) {
  const Request& req = r.req;
  negotiation::Input in;
  in.accept = req.header("Accept");
  in.accept_language = req.header("Accept-Language");
  in.accept_encoding = req.header("Accept-Encoding");
  in.accept_charset = req.header("Accept-Charset");
  in.negotiate = req.header("Negotiate");
  in.user_agent = req.header("User-Agent").value_or("");
  in.get_or_head = req.method == Method::kGet || req.method == Method::kHead;
  in.prefer_scripts = !in.get_or_head || req.has_query;
  if (conf != nullptr) {
    in.force_priority = conf->force_priority;
    if (conf->language_priority) in.language_priority = &*conf->language_priority;
  }
  in.prefer_language = r.resp.env_value("prefer-language");
  in.no_gzip = r.resp.env_value("no-gzip").has_value();
  in.gzip_only_text_html = r.resp.env_value("gzip-only-text/html") == std::string_view("1");
  return in;
}

}  // namespace

int NegotiationHooks::read_variants(RequestRec& r, const std::string& dir_name,
                                    std::string_view prefix, Scan& scan) const {
  UniqueDir dir(::opendir(dir_name.c_str()));
  if (!dir) {
    if (errno == ENOENT || errno == ENOTDIR) return kDeclined;
    log(r, "AH00686: cannot read directory for multi: " + dir_name);
    return 403;
  }
  bool anymatch = false;
  struct stat st;
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string_view name = e->d_name;
    if (!name.starts_with(prefix) || name.size() <= prefix.size() || name[prefix.size()] != '.')
      continue;
    if (e->d_type == DT_DIR) continue;
    anymatch = true;
    const std::string path = dir_name + std::string(name);
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    VariantMeta meta = describe_variant(r.dir, *types_, name);
    if (!meta.handler.empty() && meta.content_type.empty())
      meta.content_type = std::string(kCgiMagicType);
    if (!meta.found_metadata || !exceptions_match(meta.exceptions, prefix)) continue;
    if (meta.content_type.empty()) continue;
    if (meta.content_type == kMapFileMagicType || meta.handler == "type-map") {
      log(r, "type maps are not supported by tern: " + path + " (a MultiViews variant of " +
                 r.filename + ")");
      return 500;
    }
    if (!meta.handler.empty()) scan.handlers.emplace_back(std::string(name), meta.handler);
    scan.variants.push_back(negotiation::make_variant(
        std::string(name), meta.content_type, meta.encoding, std::move(meta.languages),
        static_cast<int64_t>(st.st_size), !meta.handler.empty()));
  }
  if (!scan.variants.empty()) return kOk;
  if (!anymatch) return kDeclined;
  log(r, "AH00687: Negotiation: discovered file(s) matching request: " + r.filename +
             " (None could be negotiated).");
  return 404;
}

int NegotiationHooks::type_checker(RequestRec& r) const {
  if (r.dir == nullptr || (dir_options(*r.dir) & kOptMultiViews) == 0) return kDeclined;
  struct stat st;
  if (::stat(r.filename.c_str(), &st) == 0 || errno != ENOENT) return kDeclined;
  const size_t slash = r.filename.rfind('/');
  if (slash == std::string::npos || slash + 1 == r.filename.size()) return kDeclined;
  const std::string dir_name = r.filename.substr(0, slash + 1);
  Scan scan;
  if (const int rc =
          read_variants(r, dir_name, std::string_view(r.filename).substr(slash + 1), scan);
      rc != kOk)
    return rc;
  std::vector<negotiation::Variant>& variants = scan.variants;
  negotiation::sort_variants(variants);
  const NegDirConfig* conf =
      dir_config<NegDirConfig>(*r.dir, module_index(modules::negotiation_module));
  const negotiation::Input in = make_input(r, conf);
  const negotiation::Outcome out = negotiation::negotiate(variants, in);

  std::string& fields = r.err_headers;
  if (!out.alternates.empty()) add_field(fields, "Alternates", out.alternates);
  if (!out.vary.empty()) add_field(fields, "Vary", out.vary);
  if (!out.tcn.empty()) add_field(fields, "TCN", out.tcn);
  if (out.status != 0) {
    r.variant_list = negotiation::variant_list_html(variants);
    if (out.status == 406) log(r, "AH00690: no acceptable variant: " + r.filename);
    return out.status;
  }
  const negotiation::Variant& best = variants[static_cast<size_t>(out.best)];
  if (in.get_or_head)
    add_field(fields, "Content-Location", negotiation::escape_path_segment(best.file_name));
  // httpd's r->no_cache for HTTP/1.0 clients (unless CacheNegotiatedDocs): Expires now.
  const Request& req = r.req;
  const bool cache = conf != nullptr && conf->cache_negotiated_docs;
  if (!cache && (req.version_major < 1 || (req.version_major == 1 && req.version_minor < 1)) &&
      variants.size() != 1) {
    char date[30];
    format_http_date(std::time(nullptr), date);
    add_field(fields, "Expires", std::string_view(date, kHttpDateLength));
  }
  r.resp.fields.append(fields);
  publish_variant(r, best);
  r.filename.assign(dir_name).append(best.file_name);
  for (const auto& [name, h] : scan.handlers)
    if (name == best.file_name) r.handler = h;  // AddHandler's (a CGI variant)
  return kOk;
}

}  // namespace tern
