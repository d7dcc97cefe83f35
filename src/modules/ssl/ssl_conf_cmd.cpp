// SSLOpenSSLConfCmd: mod_ssl's ssl_cmd_SSLOpenSSLConfCmd and its SSL_CONF_cmd loop in
// ssl_init_server_ctx.

#include "modules/ssl/ssl_conf_cmd.h"

#include <strings.h>
#include <sys/stat.h>

#include <memory>

#include "modules/ssl/openssl_error.h"

namespace tern::ssl {

namespace {

struct ConfCtxFree {
  void operator()(SSL_CONF_CTX* c) const { SSL_CONF_CTX_free(c); }
};
using ConfCtxPtr = std::unique_ptr<SSL_CONF_CTX, ConfCtxFree>;

ConfCtxPtr new_conf_ctx() {
  ConfCtxPtr cctx(SSL_CONF_CTX_new());
  SSL_CONF_CTX_set_flags(cctx.get(),
                         SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_SERVER | SSL_CONF_FLAG_CERTIFICATE);
  return cctx;
}

}  // namespace

std::string parse_openssl_conf_cmd(const std::string& name, const std::string& value,
                                   const std::string& server_root, ConfCmd* out) {
  ConfCtxPtr cctx = new_conf_ctx();
  int type = SSL_CONF_cmd_value_type(cctx.get(), name.c_str());
  if (type == SSL_CONF_TYPE_UNKNOWN) return "'" + name + "': invalid OpenSSL configuration command";
  std::string v = value;
  if (type == SSL_CONF_TYPE_FILE || type == SSL_CONF_TYPE_DIR) {
    if (!v.empty() && v[0] != '/' && !server_root.empty()) v = server_root + "/" + v;
    struct stat st;
    bool ok = ::stat(v.c_str(), &st) == 0;
    if (type == SSL_CONF_TYPE_FILE) {
      if (!ok || !S_ISREG(st.st_mode) || st.st_size == 0) {
        return "SSLOpenSSLConfCmd: file '" + v + "' does not exist or is empty";
      }
    } else if (!ok || !S_ISDIR(st.st_mode)) {
      return "SSLOpenSSLConfCmd: directory '" + v + "' does not exist";
    }
  }
  if (::strcasecmp(name.c_str(), "CipherString") == 0) v += ":!aNULL:!eNULL:!EXP";
  *out = {name, v};
  return "";
}

std::string apply_openssl_conf_cmds(SSL_CTX* ctx, const std::vector<ConfCmd>& cmds,
                                    const std::string& vhost_id) {
  ConfCtxPtr cctx = new_conf_ctx();
  SSL_CONF_CTX_set_ssl_ctx(cctx.get(), ctx);
  for (const ConfCmd& c : cmds) {
    ERR_clear_error();
    if (SSL_CONF_cmd(cctx.get(), c.name.c_str(), c.value.c_str()) <= 0) {
      return "\"SSLOpenSSLConfCmd " + c.name + " " + c.value + "\" failed for " + vhost_id +
             take_openssl_errors();
    }
  }
  if (SSL_CONF_CTX_finish(cctx.get()) == 0) {
    return "SSL_CONF_CTX_finish() failed" + take_openssl_errors();
  }
  return "";
}

}  // namespace tern::ssl
