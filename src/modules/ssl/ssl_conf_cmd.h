#pragma once
// SSLOpenSSLConfCmd (mod_ssl): OpenSSL SSL_CONF commands for what the other directives do
// not cover, checked when read and applied in order (after the other SSL directives) to
// the virtual host's SSL_CTX through an SSL_CONF_CTX with mod_ssl's flags
// (SSL_CONF_FLAG_FILE | SERVER | CERTIFICATE).

#include <openssl/ssl.h>

#include <string>
#include <vector>

namespace tern::ssl {

// One SSLOpenSSLConfCmd, as it will be given to SSL_CONF_cmd.
struct ConfCmd {
  std::string name;
  std::string value;
  bool operator==(const ConfCmd&) const = default;
};

// Checks `SSLOpenSSLConfCmd name value` as mod_ssl does when reading it and fills *out:
// unknown name → "'name': invalid OpenSSL configuration command"; a file- or
// directory-valued command needs an existing file / directory (a relative path is taken
// under server_root) → "SSLOpenSSLConfCmd: file '...' does not exist or is empty";
// CipherString gets ":!aNULL:!eNULL:!EXP" appended.
std::string parse_openssl_conf_cmd(const std::string& name, const std::string& value,
                                   const std::string& server_root, ConfCmd* out);

// Applies cmds in order to ctx; returns "" or mod_ssl's error
// ("\"SSLOpenSSLConfCmd name value\" failed for vhost_id: reason",
// "SSL_CONF_CTX_finish() failed: reason").
std::string apply_openssl_conf_cmds(SSL_CTX* ctx, const std::vector<ConfCmd>& cmds,
                                    const std::string& vhost_id);

}  // namespace tern::ssl
