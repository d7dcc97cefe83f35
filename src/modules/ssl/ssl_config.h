#pragma once
// mod_ssl's per-server configuration (httpd's SSLSrvConfigRec, the part tern reads so far):
// SSLEngine and the certificate directives of the main server or one <VirtualHost>. A
// vhost starts from the main server's values (Config::server_conf) and mod_ssl merges them
// as httpd does: a vhost's own value wins, certificate lists are merged by position.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/module_config.h"
#include "modules/ssl/client_verify.h"
#include "modules/ssl/session_cache.h"
#include "modules/ssl/ssl_ciphers.h"
#include "modules/ssl/ssl_conf_cmd.h"
#include "modules/ssl/ssl_protocols.h"
#include "modules/ssl/stapling_config.h"

namespace tern {

struct Config;

// A file named by a directive, and where the directive is (for load-time errors).
struct SslFileSpec {
  std::string path;  // absolute (relative paths are taken from ServerRoot)
  std::string file;  // the configuration file of the directive
  int line = 0;
};

// A policy directive's value and where it was set (for load-time errors); !set: absent,
// tern's default applies.
template <class T>
struct SslSetting {
  T value{};
  bool set = false;
  std::string file;
  int line = 0;
};

// One SSLOpenSSLConfCmd and where it is.
struct SslConfCmdAt {
  ssl::ConfCmd cmd;
  std::string file;
  int line = 0;
};

// One server's (main or vhost) mod_ssl settings.
struct SslConfig final : ModuleConfig {
  enum class Engine : uint8_t { kUnset, kOff, kOn };
  Engine engine = Engine::kUnset;
  std::string engine_file;  // where SSLEngine was set
  int engine_line = 0;
  // SSLCertificateFile / SSLCertificateKeyFile of this server, in order (pair i = cert i
  // with key i; a missing key i: the key is in certificate file i).
  std::vector<SslFileSpec> cert_files;
  std::vector<SslFileSpec> key_files;
  // The main server's lists, as a vhost inherited them (empty in the main server).
  std::vector<SslFileSpec> base_cert_files;
  std::vector<SslFileSpec> base_key_files;
  SslFileSpec chain_file;  // SSLCertificateChainFile (path empty: none)

  // The request side (SSLVHostSNIPolicy, SSLStrictSNIVHostCheck; see sni_policy.h).
  enum class SniPolicy : uint8_t { kSecure, kStrict, kInsecure, kAuthOnly };
  SniPolicy sni_policy = SniPolicy::kSecure;
  bool strict_sni_vhost_check = false;
  // The policy directives (modules/ssl/*.h), applied by configure_context.
  SslSetting<ssl::SslProtocols> protocol;  // SSLProtocol (absent: TLS 1.2 and 1.3)
  // SSLCipherSuite: both halves, starting from tern's default policy.
  SslSetting<ssl::CipherPolicy> ciphers;
  SslSetting<bool> honor_cipher_order;          // SSLHonorCipherOrder (absent: off)
  std::vector<SslConfCmdAt> conf_cmds;          // SSLOpenSSLConfCmd, in order (base first)
  SslSetting<ssl::VerifyClient> verify_client;  // SSLVerifyClient (absent: none)
  SslSetting<int> verify_depth;                 // SSLVerifyDepth (absent: 1)
  SslSetting<std::string> ca_file;              // SSLCACertificateFile (resolved path)
  SslSetting<std::string> ca_path;              // SSLCACertificatePath (resolved path)
  // SSLSessionCache (main server only; absent: none) and SSLSessionCacheTimeout.
  SslSetting<ssl::SessionCacheConfig> session_cache;
  SslSetting<long> session_cache_timeout;  // absent: 300 s
  SslSetting<bool> session_tickets;        // SSLSessionTickets (absent: on)
  // SSLRecordLayer (tern's; main server only; absent: auto): who seals TLS 1.3 records.
  enum class RecordLayer : uint8_t { kAuto, kTern, kOpenSsl };
  SslSetting<RecordLayer> record_layer;
  SslSetting<std::string> ticket_key_file;  // SSLSessionTicketKeyFile (resolved path)
  // OCSP stapling (stapling_config.h): SSLUseStapling (absent: off), SSLStaplingCache (main
  // server only), the SSLStapling* timeouts in seconds and switches (absent: mod_ssl's).
  SslSetting<bool> use_stapling;
  SslSetting<ssl::SessionCacheConfig> stapling_cache;
  SslSetting<long> stapling_responder_timeout, stapling_standard_timeout, stapling_error_timeout,
      stapling_time_skew, stapling_max_age;
  SslSetting<bool> stapling_return_errors, stapling_fake_try_later;
  SslSetting<std::string> stapling_force_url;

  // SSLSessionCacheTimeout's value, or the default.
  long cache_timeout() const {
    return session_cache_timeout.set ? session_cache_timeout.value
                                     : ssl::kDefaultSessionCacheTimeout;
  }

  // A setting's value, or `def` when absent.
  template <class T>
  static T value_or(const SslSetting<T>& s, T def) {
    return s.set ? s.value : def;
  }

  // SSLEngine on in this server.
  bool enabled() const { return engine == Engine::kOn; }
  // The certificate files after mod_ssl's merge (modssl_ctx_cfg_merge_certkeys_array): the
  // vhost's own entries knock out the inherited ones at the same positions.
  std::vector<SslFileSpec> certificates() const;
  // The key files after the same merge.
  std::vector<SslFileSpec> keys() const;
  // Unused (server configurations are copied, not merged per directory): `add` itself.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

// The mod_ssl settings of the server whose configuration is `c`, or null when no SSL
// directive applies to it.
const SslConfig* ssl_config(const Config& c);

}  // namespace tern
