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

namespace tern {

struct Config;

// A file named by a directive, and where the directive is (for load-time errors).
struct SslFileSpec {
  std::string path;  // absolute (relative paths are taken from ServerRoot)
  std::string file;  // the configuration file of the directive
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
