#include "server/tls_ports.h"

#include <strings.h>

#include "log/error_log.h"
#include "modules/ssl/ssl_vars.h"
#include "server/tls_sessions.h"
#include "server/vhost_dump.h"

namespace tern {

namespace {

// True when a vhost address `a` covers listen address `l` (same port or any; same IP, any,
// or a wildcard Listen that accepts every IP).
bool covers(const VhostAddress& a, const ListenSpec& l) {
  if (a.port != 0 && a.port != l.port) return false;
  return a.ip.empty() || l.host.empty() || a.ip == l.host;
}

// The sites (0 = main server, i = vhost i - 1) that can answer on listen address `l`: its
// vhosts in configuration order, else the main server.
std::vector<size_t> sites_on(const Config& config, const ListenSpec& l) {
  std::vector<size_t> out;
  for (size_t v = 0; v < config.virtual_hosts.size(); ++v) {
    for (const VhostAddress& a : config.virtual_hosts[v].addresses) {
      if (covers(a, l)) {
        out.push_back(v + 1);
        break;
      }
    }
  }
  if (out.empty()) out.push_back(0);
  return out;
}

const Config& site_config(const Config& config, size_t site) {
  return site == 0 ? config : *config.virtual_hosts[site - 1].config;
}

// mod_ssl's vhost id ("name:port") of a site, for its session id context.
std::string vhost_id(const Config& config, size_t site) {
  const Config& c = site_config(config, site);
  uint16_t port = config.listens.empty() ? 443 : config.listens.front().port;
  if (site > 0) {
    for (const VhostAddress& a : config.virtual_hosts[site - 1].addresses) {
      if (a.port != 0) {
        port = a.port;
        break;
      }
    }
  }
  return c.server_name + ":" + std::to_string(port) + "#" + std::to_string(site);
}

std::string where(const std::string& file, int line) {
  return file + ":" + std::to_string(line);
}

}  // namespace

namespace {

// Which listen addresses are TLS, the sites on each, and which sites serve on a TLS one.
struct TlsLayout {
  std::vector<std::vector<size_t>> sites;  // by listen index
  std::vector<bool> tls;                   // by listen index
  std::vector<bool> on_tls;                // by site index
};

TlsLayout layout_of(const Config& config) {
  TlsLayout t;
  const size_t n_listens = config.listens.size();
  t.sites.resize(n_listens);
  t.tls.assign(n_listens, false);
  t.on_tls.assign(config.virtual_hosts.size() + 1, false);
  for (size_t i = 0; i < n_listens; ++i) {
    const ListenSpec& l = config.listens[i];
    t.sites[i] = sites_on(config, l);
    t.tls[i] = l.protocol == "https" && !l.protocol_default;
    for (size_t s : t.sites[i]) {
      const SslConfig* sc = ssl_config(site_config(config, s));
      if (sc == nullptr) continue;
      if (sc->enabled()) t.tls[i] = true;
      // mod_ssl's ssl_init_Module: SSLEngine unset, certificates, and the server's protocol
      // https (port 443's default) turn SSL on.
      if (l.protocol == "https" && sc->engine == SslConfig::Engine::kUnset &&
          !sc->certificates().empty())
        t.tls[i] = true;
    }
    if (t.tls[i]) {
      for (size_t s : t.sites[i]) t.on_tls[s] = true;
    }
  }
  return t;
}

}  // namespace

void TlsPorts::build_contexts(const Config& config, const std::vector<bool>& on_tls,
                              std::vector<bool>& failed, std::vector<std::string>* errors) {
  const size_t n_sites = on_tls.size();
  site_ctx_.resize(n_sites);
  site_own_ctx_.resize(n_sites);
  failed.assign(n_sites, false);
  for (size_t s = 0; s < n_sites; ++s) {
    const SslConfig* sc = ssl_config(site_config(config, s));
    if (sc == nullptr || sc->engine == SslConfig::Engine::kOff) continue;
    // SSLEngine on, or certificates on a TLS address.
    if (!sc->enabled() && !(on_tls[s] && !sc->certificates().empty())) continue;
    std::string err;
    const std::string at =
        sc->enabled() ? where(sc->engine_file, sc->engine_line)
        : s == 0      ? where(config.config_file, 0)
                      : where(config.virtual_hosts[s - 1].file, config.virtual_hosts[s - 1].line);
    TlsContextShared shared{cache_.get(), keys_.get(), vhost_id(config, s)};
    site_ctx_[s] = build_server_context(*sc, at, shared, &err);
    if (!site_ctx_[s]) {
      failed[s] = true;
      errors->push_back(err);
      continue;
    }
    const bool stapling = SslConfig::value_or(sc->use_stapling, false);
    if (stapling && !enable_stapling(*sc, site_ctx_[s].get(), errors)) {
      failed[s] = true;
      continue;
    }
    prepare_tls_context(site_ctx_[s].get());
    // Its twin with the key log on, for connections tern's TLS 1.3 record layer takes
    // over (TlsServerChoice::own_records_ctx). Not when OpenSSL pads the records
    // (SSLOpenSSLConfCmd RecordPadding): tern's record layer does not pad.
    bool pads = false;
    for (const SslConfCmdAt& c : sc->conf_cmds)
      pads = pads || ::strcasecmp(c.cmd.name.c_str(), "RecordPadding") == 0;
    if (pads && record_layer_ == RecordLayerChoice::kAlways) {
      ErrorLog::write(LogLevel::kWarn, "ssl",
                      at + ": SSLRecordLayer tern: this server pads its records (SSLOpenSSLConfCmd "
                           "RecordPadding), so its connections keep OpenSSL's record layer");
    }
    if (pads || record_layer_ == RecordLayerChoice::kNever) continue;
    SslCtxPtr twin = build_server_context(*sc, at, shared, &err);
    if (!twin) {  // the first build succeeded: its connections keep OpenSSL's records
      ErrorLog::write(LogLevel::kWarn, "ssl",
                      at + ": TLS 1.3 connections keep OpenSSL's record layer: " + err);
      continue;
    }
    if (stapling) {
      // The twin staples the same responses: they are stored by certificate, and the
      // control process fetches them for the first context's targets.
      std::vector<std::shared_ptr<const ssl::StaplingTarget>> same_targets;
      std::vector<std::string> warnings;
      stapling_.push_back(
          ssl::enable_stapling(twin.get(), *sc, stapling_cache_.get(), &same_targets, &warnings));
    }
    prepare_tls_context(twin.get());
    enable_own_records(twin.get());
    site_own_ctx_[s] = std::move(twin);
  }
}

bool TlsPorts::enable_stapling(const SslConfig& sc, SSL_CTX* ctx,
                               std::vector<std::string>* errors) {
  const std::string at = where(sc.use_stapling.file, sc.use_stapling.line) + ": SSLUseStapling: ";
  if (!stapling_cache_) {
    // mod_ssl's AH01958, refused at start-up as httpd does.
    errors->push_back(at +
                      "SSLStapling: no stapling cache available [Hint: SSLStaplingCache "
                      "shmcb:path(size) in the main server]");
    return false;
  }
  std::vector<std::string> warnings;
  stapling_.push_back(
      ssl::enable_stapling(ctx, sc, stapling_cache_.get(), &stapling_targets_, &warnings));
  for (const std::string& w : warnings) ErrorLog::write(LogLevel::kWarn, "ssl", at + w);
  return true;
}

std::unique_ptr<TlsPorts> TlsPorts::build(const Config& config, std::vector<std::string>* errors,
                                          TlsSessions* sessions) {
  auto tp = std::unique_ptr<TlsPorts>(new TlsPorts());
  const TlsLayout t = layout_of(config);
  TlsSessions own;  // -t and -X: this process's own
  if (sessions == nullptr) sessions = &own;
  std::string serr;
  if (!sessions->prepare(config, &serr)) {
    errors->push_back(serr);
    return nullptr;
  }
  tp->cache_ = sessions->cache();
  tp->keys_ = sessions->keys();
  tp->stapling_cache_ = sessions->stapling_cache();
  // SSLRecordLayer, from the main server.
  if (const SslConfig* main = ssl_config(site_config(config, 0)); main && main->record_layer.set) {
    tp->record_layer_ = main->record_layer.value == SslConfig::RecordLayer::kTern
                            ? RecordLayerChoice::kAlways
                        : main->record_layer.value == SslConfig::RecordLayer::kOpenSsl
                            ? RecordLayerChoice::kNever
                            : RecordLayerChoice::kAdaptive;
  }
  // Built by the control process before it forks the children: they share the traffic
  // counts SSLRecordLayer auto follows.
  TlsTransportFactory::share_tls_traffic();
  std::vector<bool> failed;
  tp->build_contexts(config, t.on_tls, failed, errors);
  // Each TLS address: its default context (its first server with one) and its factory.
  const size_t n_listens = config.listens.size();
  tp->default_ctx_.resize(n_listens, nullptr);
  tp->default_own_ctx_.resize(n_listens, nullptr);
  tp->factories_.resize(n_listens);
  for (size_t i = 0; i < n_listens; ++i) {
    if (!t.tls[i]) continue;
    bool reported = false;  // a server of the address failed already: one error is enough
    for (size_t s : t.sites[i]) {
      reported = reported || failed[s];
      if (tp->default_ctx_[i] == nullptr && tp->site_ctx_[s]) {
        tp->default_ctx_[i] = tp->site_ctx_[s].get();
        tp->default_own_ctx_[i] = tp->site_own_ctx_[s].get();
      }
    }
    const ListenSpec& l = config.listens[i];
    if (tp->default_ctx_[i] == nullptr) {
      if (!reported)
        errors->push_back(where(l.file, l.line) +
                          ": Listen: Server should be SSL-aware but has no certificate "
                          "configured [Hint: SSLCertificateFile]");
      continue;
    }
    TlsPorts* self = tp.get();
    tp->factories_[i] = std::make_unique<TlsTransportFactory>(
        [self, i](std::string_view ip, uint16_t port, std::string_view name) {
          return self->choose(i, ip, port, name);
        },
        [](std::string_view line) { ErrorLog::write(LogLevel::kInfo, "ssl", line); },
        &ssl::tls_variable, tp->record_layer_);
  }
  if (!errors->empty()) return nullptr;
  tp->selector_ = VhostSelector(vhost_names(config));
  return tp;
}

TlsServerChoice TlsPorts::choose(size_t i, std::string_view ip, uint16_t port,
                                 std::string_view name) const {
  // The same choice as the Host header's (ServerName, ServerAlias, wildcards; no name: the
  // address's default vhost).
  const size_t site = selector_.select(ip, port, name);
  if (SSL_CTX* ctx = site_context(site))
    return TlsServerChoice{ctx, static_cast<int>(site), site_own_ctx_[site].get()};
  // A server without TLS of its own on this address: the address's default context for a
  // client without SNI; SNI naming such a server keeps the context it has.
  if (name.empty())
    return TlsServerChoice{default_ctx_[i], static_cast<int>(site), default_own_ctx_[i]};
  return TlsServerChoice{};
}

}  // namespace tern
