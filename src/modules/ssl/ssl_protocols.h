#pragma once
// SSLProtocol (mod_ssl): which SSL/TLS versions a virtual host accepts. Parsing follows
// mod_ssl 2.4's ssl_cmd_protocol_parse; applying sets the SSL_CTX's minimum and maximum
// version as mod_ssl does: the highest version listed and the run of listed versions right
// below it (a version below a hole is not enabled).
//
// OpenSSL 3 (Debian, built no-ssl3, default security level 2) cannot negotiate TLSv1 or
// TLSv1.1 above security level 0. A version named explicitly (`TLSv1`, `+TLSv1.1`) that the
// SSL_CTX's security level forbids is a configuration error (never silently dropped); the
// versions `all` stands for are "all this OpenSSL can negotiate at its security level".
// `SSLv3` is refused as mod_ssl refuses it on a no-ssl3 OpenSSL.

#include <openssl/ssl.h>

#include <string>
#include <vector>

namespace tern::ssl {

// mod_ssl's SSL_PROTOCOL_* bits.
enum ProtocolBit : unsigned {
  kProtoSslV3 = 1u << 1,
  kProtoTlsV1 = 1u << 2,
  kProtoTlsV1_1 = 1u << 3,
  kProtoTlsV1_2 = 1u << 4,
  kProtoTlsV1_3 = 1u << 5,
};
// `all` on this OpenSSL (no SSLv3): TLSv1 to TLSv1.3.
inline constexpr unsigned kProtoAll = kProtoTlsV1 | kProtoTlsV1_1 | kProtoTlsV1_2 | kProtoTlsV1_3;

// A parsed SSLProtocol: the enabled set, and the part of it named explicitly (not via `all`).
struct SslProtocols {
  unsigned enabled = 0;
  unsigned named = 0;
  bool operator==(const SslProtocols&) const = default;
};

// Parses SSLProtocol's words ([+|-]protocol ..., case-insensitive) into *out; returns ""
// or httpd's error ("SSLProtocol: Illegal protocol 'TLSv9'"). A word without prefix
// after the first resets the set; httpd's warning for that is appended to *warnings.
std::string parse_ssl_protocol(const std::vector<std::string>& words, SslProtocols* out,
                               std::vector<std::string>* warnings = nullptr);

// tern's protocols when SSLProtocol is absent: TLSv1.2 and TLSv1.3 only.
SslProtocols default_ssl_protocols();

// Applies `protocols` to ctx (call after the cipher policy, which may set @SECLEVEL);
// returns "" or an error: none left ("No SSL protocols available [hint: SSLProtocol]"), or
// an explicitly named version the security level forbids.
std::string apply_ssl_protocols(SSL_CTX* ctx, const SslProtocols& protocols);

// "TLSv1.2, TLSv1.3": the set as mod_ssl's trace log spells it.
std::string describe_ssl_protocols(unsigned bits);

}  // namespace tern::ssl
