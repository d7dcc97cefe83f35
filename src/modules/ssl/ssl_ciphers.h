#pragma once
// SSLCipherSuite and SSLHonorCipherOrder (mod_ssl), and tern's cipher policy when
// SSLCipherSuite is absent.
//
// tern's default (Mozilla's "intermediate" configuration, ECDHE only):
//   TLS 1.2: ECDHE-ECDSA/RSA with AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 — forward
//            secret AEAD suites only, so no RC4, 3DES, CBC (SHA-1 or otherwise), RSA key
//            exchange, export, NULL or anonymous suite can be negotiated. Finite-field DHE is
//            left out (no DH parameters to manage; every client that has DHE-GCM has ECDHE).
//   TLS 1.3: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256.
//   SSLHonorCipherOrder off (as mod_ssl and Mozilla: all listed suites are strong, so the
//   client's preference, e.g. ChaCha20 on hardware without AES, wins).

#include <openssl/ssl.h>

#include <string>
#include <vector>

namespace tern::ssl {

// The TLS 1.2 (OpenSSL cipher string) and TLS 1.3 (ciphersuites) halves of a cipher policy.
struct CipherPolicy {
  std::string tls12;  // as given to SSL_CTX_set_cipher_list
  std::string tls13;  // as given to SSL_CTX_set_ciphersuites
  bool operator==(const CipherPolicy&) const = default;
};

// tern's TLS 1.2 cipher string when SSLCipherSuite is absent.
inline constexpr const char* kDefaultTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
// tern's TLS 1.3 suites when SSLCipherSuite TLSv1.3 is absent.
inline constexpr const char* kDefaultTls13Ciphers =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// tern's cipher policy when no SSLCipherSuite is configured.
CipherPolicy default_cipher_policy();

// Applies one `SSLCipherSuite [protocol] cipher-spec` (words: 1 or 2) to *policy as
// mod_ssl: protocol "SSL" (the default) sets the TLS 1.2 string with ":!aNULL:!eNULL:!EXP"
// appended; "TLSv1.3" sets the TLS 1.3 suites; else "protocol 'X' not supported".
std::string parse_ssl_cipher_suite(const std::vector<std::string>& words, CipherPolicy* policy);

// Installs policy on ctx; returns "" or mod_ssl's error ("Unable to configure permitted SSL
// ciphers: ...", "Unable to configure permitted TLSv1.3 ciphers: ...") when a half is
// invalid or selects no cipher.
std::string apply_cipher_policy(SSL_CTX* ctx, const CipherPolicy& policy);

// SSLHonorCipherOrder on|off: sets or clears SSL_OP_CIPHER_SERVER_PREFERENCE.
void apply_honor_cipher_order(SSL_CTX* ctx, bool on);

}  // namespace tern::ssl
