#pragma once
// SSLVHostSNIPolicy (httpd 2.4.71, ssl_engine_kernel.c's check of the request's vhost
// against the handshake's): whether a request whose Host header chose another virtual host
// than the TLS server name (SNI) did is refused with 421 Misdirected Request.

#include <string>

#include "modules/ssl/ssl_config.h"

namespace tern::ssl {

// Parses SSLVHostSNIPolicy's argument (secure, strict, insecure, authonly; case-insensitive);
// returns "" or the error.
std::string parse_sni_policy(const std::string& arg, SslConfig::SniPolicy* out);

// A server's TLS settings as one string (mod_ssl's sni_policy_hash): engine, certificates
// and keys, chain file, and the authentication settings; two servers are compatible under
// `secure` exactly when their keys are equal. The one place every per-server TLS setting
// joins (protocols, ciphers, verification, … as they are added to SslConfig).
std::string tls_settings_key(const SslConfig& c);

// The client-authentication settings (SSLVerifyClient, SSLVerifyDepth, SSLCACertificate*)
// as one string: authonly's comparison.
std::string auth_settings_key(const SslConfig& c);

// Key equality.
bool tls_settings_equal(const SslConfig& a, const SslConfig& b);
bool auth_settings_equal(const SslConfig& a, const SslConfig& b);

// True when a request served by `host` on a connection whose SNI chose `sni` (another
// virtual host) must get 421 under `policy`. Null configurations count as TLS off.
bool sni_misdirected(SslConfig::SniPolicy policy, const SslConfig* sni, const SslConfig* host);

}  // namespace tern::ssl
