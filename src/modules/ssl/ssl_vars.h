#pragma once
// mod_ssl's variables (ssl_engine_vars.c, ssl_var_lookup) of one established TLS session:
// what the CGI environment (+StdEnvVars, +ExportCertData), the access log's %{VAR}x and
// expressions read through Transport::tls_var. Names and value forms are mod_ssl 2.4's.

#include <openssl/ssl.h>

#include <span>
#include <string>
#include <string_view>

namespace tern::ssl {

// The variable `name` of `ssl` into *out; false when unknown or empty. Knows SSL_PROTOCOL,
// SSL_CIPHER, SSL_CIPHER_EXPORT, SSL_CIPHER_USEKEYSIZE, SSL_CIPHER_ALGKEYSIZE,
// SSL_SESSION_ID, SSL_SESSION_RESUMED, SSL_SECURE_RENEG, SSL_COMPRESS_METHOD, SSL_TLS_SNI,
// SSL_VERSION_LIBRARY, SSL_VERSION_INTERFACE, SSL_CLIENT_VERIFY and, for SSL_SERVER_ and
// SSL_CLIENT_: M_VERSION, M_SERIAL, V_START, V_END, V_REMAIN, S_DN, I_DN, S_DN_x and
// I_DN_x (x = C ST SP L O OU CN T I G S D UID Email, optionally _n), A_KEY, A_SIG, CERT,
// SAN_DNS_n and SAN_Email_n.
bool tls_variable(SSL* ssl, std::string_view name, std::string* out);

// The names mod_ssl's fixup exports with +StdEnvVars (ssl_hook_Fixup_vars), in its order.
std::span<const std::string_view> std_env_var_names();

// The DN component tags mod_ssl's modssl_var_extract_dns exports (SSL_SERVER_S_DN_CN, …).
std::span<const std::string_view> dn_extract_tags();

}  // namespace tern::ssl
