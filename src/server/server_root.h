#pragma once
// The composition root: from one loaded configuration and the scoreboard, everything a
// child serves with (access logs, the top handler with its named handlers, the error-log
// wiring). The control process builds one per configuration generation; -X builds one.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "mpm/listener.h"

namespace tern {

class AccessLogs;
class Handler;
class HttpProtocol;
struct ConnectionSettings;
struct SiteRouter;
class Scoreboard;
class SiteHandler;
class StatusHandler;
class CgiHandler;
class TlsPorts;
class TlsSessions;

// One generation's serving objects. Immutable once built, except for log reopening.
class ServerRoot {
  struct Key {};  // restricts construction to build()

 public:
  // Use build(); public only for std::make_unique.
  explicit ServerRoot(Key);
  ~ServerRoot();
  ServerRoot(const ServerRoot&) = delete;
  ServerRoot& operator=(const ServerRoot&) = delete;

  // Opens the access logs and builds the top handler, whose server-status and metrics
  // handlers read `scoreboard` (which must outlive the root) and report now as the last
  // restart (restart_time_us(), for the scoreboard); request-time problems go to the
  // ErrorLog. On failure returns null with *error set (an unreadable log file or
  // TypesConfig, a bad pattern). The TLS contexts share `tls_sessions`' session cache and
  // ticket keys (the control process keeps them across generations; null: the root's own).
  static std::unique_ptr<ServerRoot> build(std::shared_ptr<const Config> config,
                                           const Scoreboard& scoreboard, std::string* error,
                                           TlsSessions* tls_sessions = nullptr);

  // The TLS contexts and factories (null before build or without TLS).
  const TlsPorts* tls() const { return tls_.get(); }
  // The configuration the root was built from.
  const Config& config() const { return *config_; }
  // The top handler the connections call (the main server's, with virtual hosts).
  const Handler& handler() const;
  // The access logs (possibly none open).
  AccessLogs* logs() const { return logs_.get(); }
  // Reopens the access logs (a restart or log rotation); false with *error set on failure.
  bool reopen_logs(std::string* error) const;
  // The listen sockets `fds` (in config().listens order) with the protocol each speaks:
  // HTTP/1.1 over plain TCP, or over TLS on a TLS address. The root outlives the ports.
  std::vector<ListenPort> ports(const std::vector<int>& fds) const;
  // The restart time the status handlers report (microseconds since the epoch): the
  // caller stores it in the scoreboard when the generation takes over.
  int64_t restart_time_us() const { return restart_time_us_; }

 private:
  std::shared_ptr<const Config> config_;
  std::unique_ptr<AccessLogs> logs_;
  std::unique_ptr<SiteHandler> site_;
  std::unique_ptr<StatusHandler> status_;   // SetHandler server-status
  std::unique_ptr<StatusHandler> metrics_;  // SetHandler metrics
  std::unique_ptr<CgiHandler> cgid_;        // cgid_module's handler hook ("cgi-script")
  // One <VirtualHost>: its site handler, CGI handler and (with its own CustomLog) logs.
  struct Vhost {
    std::shared_ptr<const Config> config;
    std::unique_ptr<AccessLogs> own_logs;  // null: the main server's logs
    std::unique_ptr<SiteHandler> site;
    std::unique_ptr<CgiHandler> cgid;
  };
  // Builds one site's handler; false with *error set.
  bool build_site(std::shared_ptr<const Config> config, std::unique_ptr<SiteHandler>& site,
                  std::string* error);
  // Registers the status handlers and makes `cgid`, the site's CGI handler hook.
  void attach_handlers(const std::shared_ptr<const Config>& config, SiteHandler& site,
                       std::unique_ptr<CgiHandler>& cgid);
  // The router over the main server and the vhosts (only with vhosts).
  bool build_vhosts(std::string* error);
  // Fills the router's SSLVHostSNIPolicy and SSLStrictSNIVHostCheck tables (with TLS).
  void build_sni_checks();

  std::vector<Vhost> vhosts_;
  std::unique_ptr<SiteRouter> router_;
  std::unique_ptr<ConnectionSettings> http_settings_;
  std::unique_ptr<HttpProtocol> http_;  // HTTP/1.1 over the plain transport
  std::unique_ptr<TlsPorts> tls_;       // contexts and factories of the TLS addresses
  // HTTP/1.1 over TLS, by config().listens index (null: the address is plain).
  std::vector<std::unique_ptr<HttpProtocol>> tls_http_;
  int64_t restart_time_us_ = 0;
};

}  // namespace tern
