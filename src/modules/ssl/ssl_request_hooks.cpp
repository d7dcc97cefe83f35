#include "modules/ssl/ssl_request_hooks.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "http/client_auth_log.h"
#include "log/error_log.h"

#include "http/ssl_var.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"
#include "modules/ssl/client_verify.h"
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

// One line about the request's client in the error log at `level`.
void log_at(const RequestRec& r, LogLevel level, std::string_view text) {
  if (!ErrorLog::enabled(level)) return;
  ErrorLog::write(level, "ssl",
                  client_prefix(r.ctx.client_ip, r.ctx.client_port) + std::string(text));
}

// ssl_hook_Access_modern: a per-directory SSLVerifyClient (or SSLVerifyDepth) stricter than
// what the connection's handshake asked for requests the client's certificate now (TLS 1.3
// post-handshake authentication; on TLS 1.2 a renegotiation the server starts, without
// session resumption, as mod_ssl): kSuspend, and the request runs again once it is in. A
// connection that already went through it gets mod_ssl's check of the result.
int check_client_verify(RequestRec& r, const SslDirConfig& dc) {
  ssl_st* ssl = r.ctx.transport != nullptr ? r.ctx.transport->tls_session() : nullptr;
  if (ssl == nullptr) return kDeclined;
  const auto dir = static_cast<VerifyClient>(dc.verify_client);
  const VerifyClient server = context_verify_mode(ssl);
  const auto either = [&](VerifyClient m) {
    return (dc.verify_client >= 0 && dir == m) || server == m;
  };
  int needed = SSL_VERIFY_NONE;
  if (either(VerifyClient::kRequire)) needed |= SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  if (either(VerifyClient::kOptional) || either(VerifyClient::kOptionalNoCa))
    needed |= SSL_VERIFY_PEER;
  if (needed == SSL_VERIFY_NONE) return kDeclined;
  needed |= SSL_VERIFY_CLIENT_ONCE;
  const int in_place = SSL_get_verify_mode(ssl);
  const int depth = dc.verify_depth >= 0 ? dc.verify_depth : current_verify_depth(ssl);
  bool change = false;
  if (in_place != needed) {
    change = in_place == SSL_VERIFY_NONE ||
             (!(in_place & SSL_VERIFY_PEER) && (needed & SSL_VERIFY_PEER)) ||
             (!(in_place & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) &&
              (needed & SSL_VERIFY_FAIL_IF_NO_PEER_CERT)) ||
             depth < current_verify_depth(ssl);  // AH10128: a reduced depth asks again
  }
  if (!change) {
    // ssl_check_post_client_verify, on every request below the directive: a required
    // certificate must be there and verified.
    if (!(in_place & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) || !either(VerifyClient::kRequire))
      return kDeclined;
    if (SSL_get_verify_result(ssl) != X509_V_OK) {
      log_at(r, LogLevel::kError,
             "AH02262: Re-negotiation handshake failed: Client verification failed");
      return 403;
    }
    if (SSL_get0_peer_certificate(ssl) == nullptr) {
      log_at(r, LogLevel::kError,
             "AH02263: Re-negotiation handshake failed: Client certificate missing");
      return 403;
    }
    return kDeclined;
  }
  const bool renegotiation = SSL_version(ssl) < TLS1_3_VERSION;
  r.resp.client_auth_renegotiation = renegotiation;
  // fill_reneg_buffer: the body (none under Expect: 100-continue) is read into memory, up
  // to SSLRenegBufferSize, before the client is asked; the request then runs again and
  // asks. A renegotiation started while the body still comes would race the client's
  // answer against the 413 of a body that turns out too large.
  if (r.req.has_body() && !r.req.expect_continue && !r.ctx.body_buffered) {
    constexpr int kDefaultRenegBufferSize = 128 * 1024;
    const int size = dc.reneg_buffer_size >= 0 ? dc.reneg_buffer_size : kDefaultRenegBufferSize;
    const bool too_large =
        r.req.content_length && *r.req.content_length > static_cast<uint64_t>(size);
    if (size == 0 || too_large) {
      if (too_large) log_at(r, LogLevel::kError, reneg_buffer_exceeded(size));
      log_at(r, LogLevel::kError, reneg_buffer_refused(renegotiation));
      return 413;
    }
    r.resp.client_auth_body = static_cast<uint32_t>(size);
    return kSuspend;
  }
  const VerifyClient mode = dc.verify_client >= 0 && dir != VerifyClient::kNone ? dir : server;
  SSL_set_verify(ssl, needed, verify_callback);
  set_connection_policy(ssl, mode, depth);
  bool asked;
  if (renegotiation) {
    // Only this renegotiation is let through (the transport sets SSL_OP_NO_RENEGOTIATION
    // again when it ends); the client may not resume a session that had no certificate.
    SSL_clear_options(ssl, SSL_OP_NO_RENEGOTIATION);
    SSL_set_options(ssl, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    asked = SSL_renegotiate(ssl) == 1;
    if (!asked) {
      SSL_set_options(ssl, SSL_OP_NO_RENEGOTIATION);
      log_at(r, LogLevel::kError, "AH02225: Re-negotiation request failed");
    }
  } else {
    asked = SSL_verify_client_post_handshake(ssl) == 1;
    if (!asked) {
      log_at(r, LogLevel::kError, "AH10158: cannot perform post-handshake authentication");
    }
  }
  if (!asked) {
    ERR_clear_error();
    SSL_set_verify(ssl, in_place, verify_callback);
    clear_connection_policy(ssl);
    return 403;
  }
  return kSuspend;
}

class SslRequestHooks final : public ModuleHooks {
 public:
  // ssl_hook_Access: SSLRequireSSL refuses a request that did not come over TLS (AH02219),
  // and notes it for +StrictRequire; a per-directory SSLVerifyClient asks for the client's
  // certificate (check_client_verify); SSLUserName names the user.
  int access_checker(RequestRec& r) const override {
    const SslDirConfig* dc = dir_config_of(r);
    if (dc == nullptr) return kDeclined;
    if (dc->require_ssl && !is_tls(r.ctx.transport)) {
      log_at(r, LogLevel::kError,
             "AH02219: access to " + r.filename + " failed, reason: SSL connection required");
      r.ssl_access_forbidden = true;
      return 403;
    }
    if (dc->verify_client >= 0 || dc->verify_depth >= 0) {
      if (int rc = check_client_verify(r, *dc); rc != kDeclined) return rc;
    }
    if (!dc->user_name.empty() && is_tls(r.ctx.transport)) {
      // SSLUserName: the user is the variable's value (AH02227 when it has none), and the
      // scheme (AUTH_TYPE) "ClientCert", as Debian's apache2 2.4 says.
      std::string v;
      if (r.ctx.transport->tls_var(dc->user_name, &v) && !v.empty()) {
        r.resp.user = std::move(v);
        if (r.resp.auth_type.empty()) r.resp.auth_type = "ClientCert";
      } else {
        log_at(r, LogLevel::kWarn, "AH02227: Failed to set r->user to '" + dc->user_name + "'");
      }
    }
    return kDeclined;
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
