#include "modules/ssl/ssl_request_hooks.h"

#include "log/error_log.h"

#include "http/ssl_var.h"
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

// The request's SSLOptions and SSLRequireSSL (null where no scope sets any).
const SslDirConfig* dir_config_of(const RequestRec& r) {
  static const int index = module_index(modules::ssl_module);
  return r.dir != nullptr ? dir_config<SslDirConfig>(*r.dir, index) : nullptr;
}

class SslRequestHooks final : public ModuleHooks {
 public:
  // ssl_hook_Access: SSLRequireSSL refuses a request that did not come over TLS (AH02219),
  // and notes it for +StrictRequire.
  int access_checker(RequestRec& r) const override {
    const SslDirConfig* dc = dir_config_of(r);
    if (dc == nullptr || !dc->require_ssl || is_tls(r.ctx.transport)) return kDeclined;
    if (ErrorLog::enabled(LogLevel::kError)) {
      ErrorLog::write(LogLevel::kError, "ssl",
                      "[client " + std::string(r.ctx.client_ip) + ":" +
                          std::to_string(r.ctx.client_port) + "] AH02219: access to " + r.filename +
                          " failed, reason: SSL connection required");
    }
    r.ssl_access_forbidden = true;
    return 403;
  }

  // ssl_hook_UserCheck (APR_HOOK_FIRST): with +StrictRequire, a request SSLRequireSSL
  // refused stays refused when `Satisfy Any` asks for authentication instead.
  int check_user_id(RequestRec& r) const override {
    const SslDirConfig* dc = dir_config_of(r);
    if (r.ssl_access_forbidden && dc != nullptr && (dc->options & kOptStrictRequire) != 0)
      return 403;
    return kDeclined;
  }

  // ssl_hook_Fixup: HTTPS and SSL_TLS_SNI on every TLS request; the standard variables
  // with +StdEnvVars, the certificates (PEM) with +ExportCertData.
  int fixups(RequestRec& r) const override {
    if (!is_tls(r.ctx.transport)) return kDeclined;
    const Transport* t = r.ctx.transport;
    r.resp.set_env("HTTPS", "on");
    std::string v;
    if (t->tls_var("SSL_TLS_SNI", &v)) r.resp.set_env("SSL_TLS_SNI", v);
    const SslDirConfig* dc = dir_config_of(r);
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

const ModuleHooks& ssl_request_hooks() {
  static const SslRequestHooks hooks;
  return hooks;
}

}  // namespace ssl
}  // namespace tern
