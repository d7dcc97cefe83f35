#pragma once
// Client certificates (mod_ssl): SSLVerifyClient, SSLVerifyDepth, SSLCACertificateFile and
// SSLCACertificatePath applied to a virtual host's SSL_CTX, with mod_ssl's verify callback
// (optional_no_ca's "generous" acceptance, the depth limit), and the facts about the peer's
// certificate that `Require` and the CGI environment use (SSL_CLIENT_VERIFY, _S_DN, _I_DN).
// Per-directory SSLVerifyClient asks for the certificate after the handshake (TLS 1.3
// post-handshake authentication): the request-side decision is in ssl_request_hooks.cpp.

#include <openssl/ssl.h>

#include <string>

namespace tern::ssl {

// mod_ssl's ssl_verify_t.
enum class VerifyClient { kNone = 0, kOptional = 1, kRequire = 2, kOptionalNoCa = 3 };

// SSLVerifyClient none|off|optional|require|on|optional_no_ca (case-insensitive); returns
// "" or "SSLVerifyClient: Invalid argument 'x'".
std::string parse_ssl_verify_client(const std::string& arg, VerifyClient* out);

// SSLVerifyDepth n: atoi() as mod_ssl, n >= 0; returns "" or
// "SSLVerifyDepth: Invalid argument 'x'".
std::string parse_ssl_verify_depth(const std::string& arg, int* out);

// A virtual host's client-certificate policy (defaults as mod_ssl's).
struct ClientVerifyPolicy {
  VerifyClient mode = VerifyClient::kNone;
  int depth = 1;        // SSLVerifyDepth: issuers allowed above the client's cert
  std::string ca_file;  // SSLCACertificateFile (resolved path) or ""
  std::string ca_path;  // SSLCACertificatePath (hashed directory) or ""
};

// Installs policy on ctx: verify mode and mod_ssl's callback, trust store and the CA names
// sent in the CertificateRequest. Returns "" or mod_ssl's error ("Unable to configure verify
// locations for client authentication: ...", "Unable to determine list of acceptable CA
// certificates for client authentication").
std::string apply_client_verify(SSL_CTX* ctx, const ClientVerifyPolicy& policy);

// The SSLVerifyClient of the virtual host whose context `ssl` runs on (kNone when unset).
VerifyClient context_verify_mode(SSL* ssl);
// The SSLVerifyDepth in force on `ssl`: the connection's (set_connection_policy), else its
// context's.
int current_verify_depth(SSL* ssl);
// From now on the verify callback applies `mode` and `depth` to `ssl` instead of its
// context's policy (mod_ssl keeps a per-directory depth in its SSLConnRec).
void set_connection_policy(SSL* ssl, VerifyClient mode, int depth);
// Drops what set_connection_policy set: the context's policy applies again.
void clear_connection_policy(SSL* ssl);
// The verify callback tern installs (mod_ssl's ssl_callback_SSLVerify), for SSL_set_verify.
int verify_callback(int ok, X509_STORE_CTX* store);

// What the peer presented, after the handshake (mod_ssl's variables).
struct ClientCertFacts {
  bool present = false;
  std::string verify;  // SSL_CLIENT_VERIFY: NONE, SUCCESS, GENEROUS or FAILED:reason
  std::string
      subject_dn;         // SSL_CLIENT_S_DN (RFC 2253, as mod_ssl 2.4 without LegacyDNStringFormat)
  std::string issuer_dn;  // SSL_CLIENT_I_DN
  std::string serial;     // SSL_CLIENT_M_SERIAL (hex)
};

// Reads the peer certificate's facts of an established connection on a ctx set up by
// apply_client_verify.
ClientCertFacts client_cert_facts(SSL* ssl);

}  // namespace tern::ssl
