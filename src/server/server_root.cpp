#include "server/server_root.h"

#include <ctime>
#include <map>

#include "handlers/server_header.h"
#include "handlers/site_handler.h"
#include "handlers/status_handler.h"
#include "http/connection.h"
#include "log/access_log.h"
#include "log/error_log.h"
#include "modules/cgi/cgi_handler.h"
#include "modules/registry.h"
#include "modules/ssl/sni_policy.h"
#include "net/plain_transport.h"
#include "server/scoreboard.h"
#include "server/tls_ports.h"
#include "server/tls_sessions.h"
#include "server/vhost_dump.h"

namespace tern {

namespace {

// What every HTTP/1.1 connection of a generation shares, from the configuration.
ConnectionSettings http_settings(const Config& config) {
  ConnectionSettings cs;
  cs.limits.request_line = config.limit_request_line;
  cs.limits.field_size = config.limit_request_field_size;
  cs.limits.fields = config.limit_request_fields;
  cs.limits.body = config.limit_request_body;
  cs.keep_alive = config.keep_alive;
  cs.max_keep_alive_requests = config.max_keep_alive_requests;
  cs.keep_alive_timeout_s = static_cast<int>((config.keep_alive_timeout.count() + 999) / 1000);
  cs.enable_sendfile = config.enable_sendfile;
  std::string server = server_header_value(config.server_tokens);
  cs.server_line = server.empty() ? "" : "Server: " + server + "\r\n";
  cs.server_name = config.server_name;
  cs.timeout_ms = config.timeout.count();
  return cs;
}

}  // namespace

ServerRoot::ServerRoot(Key) {}

ServerRoot::~ServerRoot() = default;

std::unique_ptr<ServerRoot> ServerRoot::build(std::shared_ptr<const Config> config,
                                              const Scoreboard& scoreboard, std::string* error,
                                              TlsSessions* tls_sessions) {
  auto root = std::make_unique<ServerRoot>(Key{});
  root->config_ = config;
  root->logs_ = std::make_unique<AccessLogs>();
  if (!root->logs_->open(*config, error)) return nullptr;
  if (!root->build_site(config, root->site_, error)) return nullptr;
  const StatusInfo info = make_status_info(*config);
  root->restart_time_us_ = info.restart_time_us;
  // The status handlers render their errors through the main server's pages.
  root->status_ = std::make_unique<StatusHandler>(scoreboard, info, StatusForm::kServerStatus,
                                                  root->site_.get());
  root->metrics_ =
      std::make_unique<StatusHandler>(scoreboard, info, StatusForm::kMetrics, root->site_.get());
  root->attach_handlers(config, *root->site_, root->cgid_);
  root->http_settings_ = std::make_unique<ConnectionSettings>(http_settings(*config));
  if (!root->build_vhosts(error)) return nullptr;
  ConnectionEnv env;
  env.settings = root->http_settings_.get();
  env.handler = root->site_.get();
  env.logs = root->logs_.get();
  env.router = root->router_.get();
  root->http_ = std::make_unique<HttpProtocol>(env, plain_transport_factory());
  // TLS: certificates and keys are read here, before the children drop privileges.
  std::vector<std::string> tls_errors;
  root->tls_ = TlsPorts::build(*config, &tls_errors, tls_sessions);
  if (!root->tls_) {
    *error = tls_errors.front();
    return nullptr;
  }
  if (tls_sessions != nullptr && tls_sessions->cache()) {
    // mod_ssl's status hook: the shared session cache's section (made by TlsPorts::build).
    auto source = [cache = tls_sessions->cache()]() -> std::optional<TlsCacheStatus> {
      return tls_cache_status(*cache, static_cast<int64_t>(std::time(nullptr)));
    };
    root->status_->set_tls_cache_source(source);
    root->metrics_->set_tls_cache_source(source);
  }
  root->tls_http_.resize(config->listens.size());
  for (size_t i = 0; i < config->listens.size(); ++i) {
    if (const TransportFactory* f = root->tls_->factory(i))
      root->tls_http_[i] = std::make_unique<HttpProtocol>(env, *f);
  }
  return root;
}

bool ServerRoot::build_site(std::shared_ptr<const Config> config,
                            std::unique_ptr<SiteHandler>& site, std::string* error) {
  site = SiteHandler::create(std::move(config), error);
  if (!site) return false;
  site->set_error_logger(
      [](std::string_view msg) { ErrorLog::write(LogLevel::kError, "core", msg); });
  return true;
}

void ServerRoot::attach_handlers(const std::shared_ptr<const Config>& config, SiteHandler& site,
                                 std::unique_ptr<CgiHandler>& cgid) {
  // A handler of a module that is not active is not there: its name answers 500.
  if (module_enabled(config->active_modules, "status_module")) {
    site.register_named_handler("server-status", status_.get());
    site.register_named_handler("metrics", metrics_.get());
  }
  // cgid_module's handler hook serves "cgi-script" (set by ScriptAlias in translate_name);
  // tern's cgi_module is the same handler.
  cgid = std::make_unique<CgiHandler>(config);
  if (module_enabled(config->active_modules, "cgid_module") ||
      module_enabled(config->active_modules, "cgi_module"))
    site.add_hooks(cgid.get(), phase_bit(Phase::kHandler));
}

bool ServerRoot::build_vhosts(std::string* error) {
  const std::vector<VirtualHostSpec>& specs = config_->virtual_hosts;
  if (specs.empty()) return true;
  vhosts_.reserve(specs.size());
  for (const VirtualHostSpec& spec : specs) {
    Vhost v;
    v.config = spec.config;
    if (spec.own_logs) {
      v.own_logs = std::make_unique<AccessLogs>();
      if (!v.own_logs->open(*spec.config, error)) return false;
    }
    if (!build_site(spec.config, v.site, error)) return false;
    attach_handlers(spec.config, *v.site, v.cgid);
    vhosts_.push_back(std::move(v));
  }
  router_ = std::make_unique<SiteRouter>();
  router_->selector = VhostSelector(vhost_names(*config_));
  router_->sites.push_back(Site{site_.get(), logs_.get(), http_settings_->server_name});
  for (const Vhost& v : vhosts_) {
    router_->sites.push_back(
        Site{v.site.get(), v.own_logs ? v.own_logs.get() : logs_.get(), v.config->server_name});
  }
  build_sni_checks();
  return true;
}

void ServerRoot::build_sni_checks() {
  std::vector<const SslConfig*> ssl{ssl_config(*config_)};
  for (const Vhost& v : vhosts_) ssl.push_back(ssl_config(*v.config));
  bool any_tls = false;
  for (const SslConfig* s : ssl) any_tls = any_tls || (s != nullptr && s->enabled());
  if (!any_tls) return;
  const SslConfig::SniPolicy policy =
      ssl[0] != nullptr ? ssl[0]->sni_policy : SslConfig::SniPolicy::kSecure;
  using Check = SiteRouter::SniCheck;
  router_->sni_check = policy == SslConfig::SniPolicy::kInsecure ? Check::kNone
                       : policy == SslConfig::SniPolicy::kStrict ? Check::kAnyOther
                                                                 : Check::kClass;
  // Sites with equal keys share a class (O(n) with a map, for thousands of vhosts too).
  const SslConfig off;
  std::map<std::string, uint32_t> classes;
  router_->strict_sni.assign(ssl.size(), 0);
  router_->sni_class.assign(ssl.size(), 0);
  for (size_t i = 0; i < ssl.size(); ++i) {
    const SslConfig& c = ssl[i] != nullptr ? *ssl[i] : off;
    router_->strict_sni[i] = c.strict_sni_vhost_check ? 1 : 0;
    const std::string key = policy == SslConfig::SniPolicy::kAuthOnly ? ssl::auth_settings_key(c)
                                                                      : ssl::tls_settings_key(c);
    router_->sni_class[i] =
        classes.emplace(key, static_cast<uint32_t>(classes.size())).first->second;
  }
}

bool ServerRoot::reopen_logs(std::string* error) const {
  bool ok = logs_->reopen(error);
  for (const Vhost& v : vhosts_) {
    if (v.own_logs) ok = v.own_logs->reopen(error) && ok;
  }
  return ok;
}

std::vector<ListenPort> ServerRoot::ports(const std::vector<int>& fds) const {
  std::vector<ListenPort> out;
  for (size_t i = 0; i < fds.size(); ++i) {
    const HttpProtocol* p = i < tls_http_.size() && tls_http_[i] ? tls_http_[i].get() : http_.get();
    out.push_back(ListenPort{fds[i], p});
  }
  return out;
}

const Handler& ServerRoot::handler() const {
  return *site_;
}

}  // namespace tern
