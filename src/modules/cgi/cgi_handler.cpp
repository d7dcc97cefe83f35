#include "modules/cgi/cgi_handler.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "handlers/server_header.h"
#include "handlers/server_signature.h"
#include "http/path_resolve.h"
#include "http/server_url.h"
#include "log/error_log.h"
#include "modules/alias/alias_map.h"
#include "modules/cgi/cgi_env.h"
#include "modules/cgi/cgi_task.h"
#include "modules/core_content_type.h"
#include "modules/core_dir.h"

namespace tern {

namespace {

constexpr size_t kMaxArgs = 4096 - 5;  // httpd's APACHE_ARG_MAX - 5

void log_request(const RequestContext& ctx, const char* fmt, const std::string& a, int err = 0) {
  if (!ErrorLog::enabled(LogLevel::kError)) return;
  std::string ip(ctx.client_ip);
  if (err != 0) {
    ErrorLog::printf(LogLevel::kError, "cgid", "[client %s:%u] (%d)%s: %s%s", ip.c_str(),
                     ctx.client_port, err, std::strerror(err), fmt, a.c_str());
  } else {
    ErrorLog::printf(LogLevel::kError, "cgid", "[client %s:%u] %s%s", ip.c_str(), ctx.client_port,
                     fmt, a.c_str());
  }
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

size_t find_path_info(std::string_view uri, std::string_view path_info) {
  long lu = static_cast<long>(uri.size());
  long lp = static_cast<long>(path_info.size());
  while (lu-- && lp-- && uri[static_cast<size_t>(lu)] == path_info[static_cast<size_t>(lp)]) {
  }
  if (lu == -1) lu = 0;
  while (static_cast<size_t>(lu) < uri.size() && uri[static_cast<size_t>(lu)] != '/') ++lu;
  return static_cast<size_t>(lu);
}

int locate_script(const std::string& filename, std::string* script, std::string* path_info) {
  struct stat st {};
  if (::stat(filename.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return 403;
    *script = filename;
    path_info->clear();
    return 0;
  }
  // httpd's directory walk: the first component that is not a directory is the file.
  for (size_t p = filename.find('/', 1); p != std::string::npos; p = filename.find('/', p + 1)) {
    std::string prefix = filename.substr(0, p);
    if (::stat(prefix.c_str(), &st) != 0) return 404;
    if (!S_ISDIR(st.st_mode)) {
      *script = std::move(prefix);
      *path_info = filename.substr(p);
      return 0;
    }
  }
  return 404;
}

std::vector<std::string> cgi_argv(std::string_view argv0, std::string_view query) {
  std::vector<std::string> argv{std::string(argv0)};
  if (query.empty() || query.find('=') != std::string_view::npos) return argv;
  static constexpr std::string_view kShell = "&;`'\"|*?~<>^()[]{}$\\\n";
  size_t start = 0;
  while (argv.size() <= kMaxArgs) {
    size_t plus = query.find('+', start);
    std::string_view w = query.substr(start, plus == std::string_view::npos ? plus : plus - start);
    std::string decoded;
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] == '%' && i + 2 < w.size() && hex(w[i + 1]) >= 0 && hex(w[i + 2]) >= 0) {
        decoded.push_back(static_cast<char>(hex(w[i + 1]) * 16 + hex(w[i + 2])));
        i += 2;
      } else {
        decoded.push_back(w[i]);
      }
    }
    std::string escaped;
    for (char c : decoded) {
      if (kShell.find(c) != std::string_view::npos) escaped.push_back('\\');
      escaped.push_back(c);
    }
    argv.push_back(std::move(escaped));
    if (plus == std::string_view::npos) break;
    start = plus + 1;
  }
  return argv;
}

CgiHandler::CgiHandler(std::shared_ptr<const Config> config) : config_(std::move(config)) {
  software_ = server_header_value(config_->server_tokens);
  std::string_view host;
  split_server_name(config_->server_name, &host, &server_port_);
  server_name_ = std::string(host);
  if (server_name_.empty()) {
    char host[256] = {};
    if (::gethostname(host, sizeof(host) - 1) == 0) server_name_ = host;
  }
  if (const char* p = std::getenv("PATH")) path_ = p;
  if (const char* t = std::getenv("TZ")) tz_ = t;
}

void CgiHandler::directory_location(const Request& req, const RequestContext& ctx,
                                    std::string_view url_path, std::string* location) const {
  location->assign(ctx.scheme);
  location->append("://");
  if (!req.host.empty()) {
    location->append(req.host);
  } else {
    // httpd's ap_construct_url: ServerName and its port (SERVER_NAME, SERVER_PORT).
    location->append(server_name_);
    const uint16_t def = ctx.scheme == "https" ? 443 : 80;
    if (server_port_ != 0 && server_port_ != def) {
      location->append(":" + std::to_string(server_port_));
    }
  }
  append_escaped_path(*location, url_path);
  location->push_back('/');
  if (req.has_query) {
    location->push_back('?');
    location->append(req.query);
  }
}

int CgiHandler::handler(RequestRec& r) const {
  if (r.handler != "cgi-script") return kDeclined;
  // A script handled by AddHandler/SetHandler needs Options ExecCGI; a ScriptAlias'd one
  // does not (httpd's is_scriptaliased).
  if (!r.script_aliased && (r.dir == nullptr || (dir_options(*r.dir) & kOptExecCGI) == 0)) {
    // mod_cgid 2.4's log_scripterror wording, verbatim.
    log_request(r.ctx, "AH01262: stderr from ",
                r.filename + ": Options ExecCGI is off in this directory");
    return 403;
  }
  thread_local std::string location;
  location.clear();
  const int rc = run(r, &location);
  if (rc == 301 && r.pipeline != nullptr) {  // mod_dir's redirect: the page names the Location
    r.pipeline->error_page(rc, r.req, location, r.resp);
    return kOk;
  }
  return rc;  // 0 (kOk): the task is set; else the status to answer
}

int CgiHandler::run(RequestRec& r, std::string* location) const {
  std::string script, path_info;
  int status = locate_script(r.filename, &script, &path_info);
  if (status == 404) {
    // mod_cgid 2.4's log_scripterror wording, verbatim.
    log_request(r.ctx, "AH01264: stderr from ",
                r.filename + ": script not found or unable to stat");
    return 404;
  }
  if (status == 403 && !r.url_path.empty() && r.url_path.back() != '/') {
    // mod_dir's fixup: a directory named without its slash is redirected to it first.
    directory_location(r.req, r.ctx, r.url_path, location);
    return 301;
  }
  if (status == 403) {
    log_request(r.ctx, "AH01265: stderr from ",
                r.filename + ": attempt to invoke directory as script");
    return 403;
  }
  r.path_info = path_info;
  return run_script(r, script, path_info);
}

int CgiHandler::run_script(RequestRec& r, const std::string& script,
                           const std::string& path_info) const {
  const Request& req = r.req;
  const RequestContext& ctx = r.ctx;
  std::string path_translated;
  if (!path_info.empty()) {
    // httpd looks PATH_INFO up as a URL (a sub-request): an alias, else DocumentRoot.
    AliasMapping pm;
    if (map_alias(config_->script_aliases, path_info, &pm) && pm.status == 0) {
      path_translated = std::move(pm.filename);
    } else {
      path_translated = config_->document_root + path_info;
    }
  }
  CgiEnvInput in;
  in.req = &req;
  in.ctx = &ctx;
  in.script_name = r.url_path.substr(0, find_path_info(r.url_path, path_info));
  in.path_info = path_info;
  in.path_translated = path_translated;
  in.script_filename = script;
  in.document_root = config_->document_root;
  in.context_prefix = r.context_prefix;
  in.context_document_root = r.context_document_root;
  in.server_software = software_;
  in.server_name = server_name_;
  in.server_name_port = server_port_;
  in.path = path_;
  in.tz = tz_;
  in.pass_auth = config_->cgi_pass_auth;
  if (r.resp.user) in.remote_user = &*r.resp.user;
  in.auth_type = r.resp.auth_type;
  in.server_admin = config_->server_admin;
  in.request_env = &r.resp.env;
  std::string signature;
  if (config_->server_signature != ServerSignature::kOff) {
    // ap_psignature("", r): the name unbracketed, as httpd's r->hostname.
    std::string name;
    uint16_t port = 0;
    cgi_server_name_port(in, &name, &port);
    if (name.size() > 1 && name.front() == '[') name = name.substr(1, name.size() - 2);
    signature = server_signature(config_->server_signature, "", software_, config_->server_admin,
                                 name, port);
  }
  in.server_signature = signature;
  size_t slash = script.rfind('/');
  CgiSpawn spec;
  spec.program = script;
  spec.dir = slash == 0 ? "/" : script.substr(0, slash);
  spec.argv = cgi_argv(script.substr(slash + 1), req.query);
  spec.env = build_cgi_env(in);
  spec.stderr_fd = ErrorLog::fd();
  int err = 0;
  auto proc = CgiProcess::spawn(spec, &err);
  if (!proc) {
    // mod_cgid checks no permission up front: its daemon's exec fails (logged without a
    // client), then the handler finds no output (a 500).
    ErrorLog::printf(LogLevel::kError, "cgid", "(%d)%s: AH01241: exec of '%s' failed", err,
                     std::strerror(err), script.c_str());
    log_request(ctx, "End of script output before headers: ", script.substr(slash + 1));
    return 500;
  }
  CgiTaskParams p;
  p.script_path = script;
  p.client = std::string(ctx.client_ip) + ":" + std::to_string(ctx.client_port);
  p.timeout_ms = config_->cgi_script_timeout.value_or(config_->timeout).count();
  p.head_request = req.method == Method::kHead;
  p.pipeline = r.pipeline;
  p.redirects = r.redirects;
  if (r.error_status != 0) p.default_status = r.error_status;
  p.env = std::move(spec.env);
  p.url_path = r.url_path;
  if (r.dir != nullptr) p.default_charset = std::string(dir_default_charset(*r.dir));
  r.resp.task = std::make_unique<CgiTask>(std::move(*proc), std::move(p), req, ctx);
  return 0;
}

}  // namespace tern
