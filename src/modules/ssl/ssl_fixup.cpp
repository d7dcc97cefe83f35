#include "modules/ssl/ssl_fixup.h"

#include "modules/dir_configs.h"
#include "modules/registry.h"
#include "modules/ssl/ssl_options.h"
#include "modules/ssl/ssl_vars.h"

namespace tern {
namespace modules {
extern const Module ssl_module;  // mod_ssl.cpp
}  // namespace modules

namespace ssl {

namespace {

// mod_ssl's ssl_hook_Fixup: HTTPS and SSL_TLS_SNI on every TLS request; the standard
// variables with +StdEnvVars, the certificates (PEM) with +ExportCertData.
class SslFixupHooks final : public ModuleHooks {
 public:
  int fixups(RequestRec& r) const override {
    const Transport* t = r.ctx.transport;
    if (t == nullptr || t->scheme() != "https") return kDeclined;
    r.resp.set_env("HTTPS", "on");
    std::string v;
    if (t->tls_var("SSL_TLS_SNI", &v)) r.resp.set_env("SSL_TLS_SNI", v);
    static const int index = module_index(modules::ssl_module);
    const SslDirConfig* dc = r.dir != nullptr ? dir_config<SslDirConfig>(*r.dir, index) : nullptr;
    const unsigned opts = dc != nullptr ? dc->options : 0;
    if ((opts & kOptStdEnvVars) != 0) {
      // modssl_var_extract_dns: the DN components (a repeated one as _CN_1, _CN_2, …).
      for (std::string_view pre :
           {"SSL_SERVER_S_DN_", "SSL_SERVER_I_DN_", "SSL_CLIENT_S_DN_", "SSL_CLIENT_I_DN_"}) {
        for (std::string_view tag : dn_extract_tags()) {
          std::string name = std::string(pre) + std::string(tag);
          for (int n = 0; t->tls_var(n == 0 ? name : name + "_" + std::to_string(n), &v); ++n)
            r.resp.set_env(n == 0 ? name : name + "_" + std::to_string(n), v);
        }
      }
      // modssl_var_extract_san_entries.
      for (std::string_view pre : {"SSL_SERVER_SAN_", "SSL_CLIENT_SAN_"}) {
        for (std::string_view kind : {"Email_", "DNS_"}) {
          const std::string base = std::string(pre) + std::string(kind);
          for (int n = 0; t->tls_var(base + std::to_string(n), &v); ++n)
            r.resp.set_env(base + std::to_string(n), v);
        }
      }
      for (std::string_view name : std_env_var_names()) {
        if (t->tls_var(name, &v)) r.resp.set_env(std::string(name), v);
      }
    }
    if ((opts & kOptExportCertData) != 0) {
      // Set even when empty, as mod_ssl (no client certificate: SSL_CLIENT_CERT=).
      for (std::string_view name : {"SSL_SERVER_CERT", "SSL_CLIENT_CERT"}) {
        if (!t->tls_var(name, &v)) v.clear();
        r.resp.set_env(std::string(name), v);
      }
      // The certificates the client sent after its own, as SSL_CLIENT_CERT_CHAIN_0, _1, …
      for (int n = 0;; ++n) {
        std::string name = "SSL_CLIENT_CERT_CHAIN_" + std::to_string(n);
        if (!t->tls_var(name, &v)) break;
        r.resp.set_env(name, v);
      }
    }
    return kDeclined;
  }
};

}  // namespace

const ModuleHooks& ssl_fixup_hooks() {
  static const SslFixupHooks hooks;
  return hooks;
}

}  // namespace ssl
}  // namespace tern
