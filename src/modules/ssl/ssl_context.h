#pragma once
// The OpenSSL context (SSL_CTX) of one TLS server (the main server or a <VirtualHost> with
// SSLEngine on): tern's defaults, the certificates and keys of its SSLCertificateFile /
// SSLCertificateKeyFile pairs (RSA and ECDSA side by side), SSLCertificateChainFile, then
// configure_context(), where mod_ssl's policy directives are applied. Built in the control
// process before privileges drop (keys readable by root only work).

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "modules/ssl/ssl_config.h"

namespace tern {

namespace ssl {
class TicketKeys;
}  // namespace ssl

// Frees an SSL_CTX (reference-counted by OpenSSL).
struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
// An owned SSL_CTX.
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// What every context of a generation shares, and the server's identity for sessions.
struct TlsContextShared {
  ssl::SessionCache* cache = nullptr;  // SSLSessionCache shmcb's store (null: none)
  ssl::TicketKeys* keys = nullptr;     // the shared ticket keys (null: OpenSSL's own)
  std::string vhost_id;  // mod_ssl's "name:port": its digest is the session id context
};

// mod_ssl's policy directives applied to `ctx` (which holds tern's defaults and the
// certificates) in mod_ssl's order: SSLCipherSuite, SSLProtocol, SSLHonorCipherOrder, client
// verification, the session id context (a digest of shared.vhost_id), SSLSessionCache and
// SSLSessionCacheTimeout, SSLSessionTickets, then SSLOpenSSLConfCmd. Absent directives give
// tern's defaults (TLS 1.2+1.3, the default cipher policy, tickets on, no cache). False
// with *err set ("FILE:LINE: Directive: message") on a setting OpenSSL refuses.
bool configure_context(SSL_CTX* ctx, const SslConfig& cfg, const TlsContextShared& shared,
                       std::string* err);

// Builds the context of a server with SSLEngine on (or on an https address): tern's defaults
// (TLS 1.2 and 1.3 only, forward-secret AEAD ciphers, no renegotiation, no compression,
// record buffers released while idle, ALPN http/1.1), the certificates, the chain, then
// configure_context(). `where` ("FILE:LINE" of SSLEngine or Listen) names the server in
// errors; `shared` goes to configure_context(). Null with *err set ("FILE:LINE: Directive:
// message") on any error.
SslCtxPtr build_server_context(const SslConfig& cfg, const std::string& where,
                               const TlsContextShared& shared, std::string* err);

}  // namespace tern
