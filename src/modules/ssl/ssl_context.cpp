#include "modules/ssl/ssl_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstring>

#include "modules/ssl/ticket_keys.h"

namespace tern {

namespace {

// TLS 1.2 suites: ECDHE/DHE key exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305
// (Mozilla's "intermediate" list). TLS 1.3 keeps OpenSSL's default suites (all AEAD).
constexpr const char* kDefaultCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

// The last OpenSSL error, as its text ("error:…:PEM routines::no start line"), and clears
// the queue.
std::string openssl_error() {
  unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

std::string at(const SslFileSpec& f, std::string_view directive, const std::string& msg) {
  return f.file + ":" + std::to_string(f.line) + ": " + std::string(directive) + ": " + msg;
}

// ALPN: http/1.1 when the client offers it (h2 joins once HTTP/2 exists); otherwise no
// protocol is acknowledged and the client goes on without ALPN.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// Encrypted keys would make OpenSSL prompt on the terminal: tern has no pass phrase dialog.
int no_pass_phrase(char*, int, int, void*) {
  return 0;
}

// Adds every certificate of `f` as extra chain certificates (SSLCertificateChainFile).
bool add_chain_file(SSL_CTX* ctx, const SslFileSpec& f, std::string* err) {
  FILE* fp = std::fopen(f.path.c_str(), "r");
  if (fp == nullptr) {
    *err = at(f, "SSLCertificateChainFile",
              "Can't open " + f.path + ": " + std::string(std::strerror(errno)));
    return false;
  }
  int n = 0;
  while (X509* x = PEM_read_X509(fp, nullptr, no_pass_phrase, nullptr)) {
    SSL_CTX_add_extra_chain_cert(ctx, x);  // takes ownership
    ++n;
  }
  std::fclose(fp);
  ERR_clear_error();  // the end of the file reads as "no start line"
  if (n == 0) {
    *err = at(f, "SSLCertificateChainFile", "no certificate in " + f.path);
    return false;
  }
  return true;
}

// Loads certificate pair `i` (the certificate with the chain that follows it in the file,
// and its key) and checks that they match.
bool load_pair(SSL_CTX* ctx, const SslFileSpec& cert, const SslFileSpec* key, std::string* err) {
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.path.c_str()) != 1) {
    *err = at(
        cert, "SSLCertificateFile",
        "Unable to read server certificate from file " + cert.path + " (" + openssl_error() + ")");
    return false;
  }
  const SslFileSpec& k = key != nullptr ? *key : cert;
  const char* directive = key != nullptr ? "SSLCertificateKeyFile" : "SSLCertificateFile";
  if (SSL_CTX_use_PrivateKey_file(ctx, k.path.c_str(), SSL_FILETYPE_PEM) != 1) {
    *err = at(k, directive,
              "Unable to read server private key from file " + k.path + " (" + openssl_error() +
                  ")" + (key == nullptr ? " [Hint: SSLCertificateKeyFile]" : ""));
    return false;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    *err = at(k, directive,
              "Private key " + k.path + " does not match the certificate " + cert.path + " (" +
                  openssl_error() + ")");
    return false;
  }
  return true;
}

}  // namespace

namespace {

// "FILE:LINE: Directive: message" for a setting (without FILE:LINE when it is tern's
// default); a message already starting with "Directive: " is not prefixed twice.
template <class T>
std::string at_setting(const SslSetting<T>& s, std::string_view directive, std::string msg) {
  const std::string prefix = std::string(directive) + ": ";
  if (msg.starts_with(prefix)) msg.erase(0, prefix.size());
  std::string out = s.set ? s.file + ":" + std::to_string(s.line) + ": " : std::string();
  return out + prefix + msg;
}

// mod_ssl's session id context: a digest of the vhost id, as hex (32 characters).
void set_session_id_context(SSL_CTX* ctx, const std::string& vhost_id) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(vhost_id.data(), vhost_id.size(), md, &n, EVP_sha256(), nullptr) != 1) return;
  static const char kHex[] = "0123456789abcdef";
  unsigned char hex[SSL_MAX_SID_CTX_LENGTH];
  for (size_t i = 0; i < sizeof hex / 2; ++i) {
    hex[2 * i] = static_cast<unsigned char>(kHex[md[i] >> 4]);
    hex[2 * i + 1] = static_cast<unsigned char>(kHex[md[i] & 15]);
  }
  SSL_CTX_set_session_id_context(ctx, hex, sizeof hex);
}

// SSLVerifyClient, SSLVerifyDepth and the CA directives (only when one is set).
bool apply_verify(SSL_CTX* ctx, const SslConfig& cfg, std::string* err) {
  if (!cfg.verify_client.set && !cfg.verify_depth.set && !cfg.ca_file.set && !cfg.ca_path.set)
    return true;
  ssl::ClientVerifyPolicy p;
  if (cfg.verify_client.set) p.mode = cfg.verify_client.value;
  if (cfg.verify_depth.set) p.depth = cfg.verify_depth.value;
  p.ca_file = cfg.ca_file.value;
  p.ca_path = cfg.ca_path.value;
  const std::string e = ssl::apply_client_verify(ctx, p);
  if (e.empty()) return true;
  *err = cfg.ca_file.set   ? at_setting(cfg.ca_file, "SSLCACertificateFile", e)
         : cfg.ca_path.set ? at_setting(cfg.ca_path, "SSLCACertificatePath", e)
                           : at_setting(cfg.verify_client, "SSLVerifyClient", e);
  return false;
}

}  // namespace

bool configure_context(SSL_CTX* ctx, const SslConfig& cfg, const TlsContextShared& shared,
                       std::string* err) {
  const ssl::CipherPolicy ciphers =
      cfg.ciphers.set ? cfg.ciphers.value : ssl::default_cipher_policy();
  if (std::string e = ssl::apply_cipher_policy(ctx, ciphers); !e.empty()) {
    *err = at_setting(cfg.ciphers, "SSLCipherSuite", e);
    return false;
  }
  const ssl::SslProtocols protocols =
      cfg.protocol.set ? cfg.protocol.value : ssl::default_ssl_protocols();
  if (std::string e = ssl::apply_ssl_protocols(ctx, protocols); !e.empty()) {
    *err = at_setting(cfg.protocol, "SSLProtocol", e);
    return false;
  }
  if (cfg.honor_cipher_order.set) ssl::apply_honor_cipher_order(ctx, cfg.honor_cipher_order.value);
  if (!apply_verify(ctx, cfg, err)) return false;
  set_session_id_context(ctx, shared.vhost_id);
  ssl::apply_session_cache(ctx, cfg.session_cache.value, shared.cache, cfg.cache_timeout());
  const bool tickets = !cfg.session_tickets.set || cfg.session_tickets.value;
  ssl::apply_session_tickets(ctx, tickets, shared.keys);
  if (tickets && cfg.ticket_key_file.set) {
    if (std::string e = ssl::apply_ticket_key_file(ctx, cfg.ticket_key_file.value); !e.empty()) {
      *err = at_setting(cfg.ticket_key_file, "SSLSessionTicketKeyFile", e);
      return false;
    }
  }
  for (const SslConfCmdAt& c : cfg.conf_cmds) {
    std::string e = ssl::apply_openssl_conf_cmds(ctx, {c.cmd}, shared.vhost_id);
    if (!e.empty()) {
      *err = c.file + ":" + std::to_string(c.line) + ": SSLOpenSSLConfCmd: " + e;
      return false;
    }
  }
  return true;
}

SslCtxPtr build_server_context(const SslConfig& cfg, const std::string& where,
                               const TlsContextShared& shared, std::string* err) {
  const std::vector<SslFileSpec> certs = cfg.certificates();
  const std::vector<SslFileSpec> keys = cfg.keys();
  if (certs.empty()) {
    *err = where +
           ": SSLEngine: Server should be SSL-aware but has no certificate configured "
           "[Hint: SSLCertificateFile]";
    return nullptr;
  }
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) {
    *err = where + ": SSLEngine: cannot create an SSL context (" + openssl_error() + ")";
    return nullptr;
  }
  SSL_CTX* c = ctx.get();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(c, 0);  // the highest OpenSSL knows: TLS 1.3
  // OpenSSL 3 refuses client-initiated renegotiation unless allowed; none at all here.
  SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_clear_options(c, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
  // SSL_MODE_RELEASE_BUFFERS (record buffers freed whenever they empty) holds for a new
  // connection; a busy one turns it off (TlsTransport::keep_buffers), as it would allocate and
  // free both buffers for every request, and the MPM frees them when it waits.
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                          SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_cipher_list(c, kDefaultCiphers);
  SSL_CTX_set_dh_auto(c, 1);
  SSL_CTX_set_alpn_select_cb(c, select_alpn, nullptr);
  SSL_CTX_set_default_passwd_cb(c, no_pass_phrase);
  static const unsigned char kSidCtx[] = "tern";
  SSL_CTX_set_session_id_context(c, kSidCtx, sizeof kSidCtx - 1);
  for (size_t i = 0; i < certs.size(); ++i) {
    if (!load_pair(c, certs[i], i < keys.size() ? &keys[i] : nullptr, err)) return nullptr;
  }
  if (certs.size() < keys.size()) {
    *err = at(keys[certs.size()], "SSLCertificateKeyFile",
              "a key without its SSLCertificateFile (certificates and keys pair up in order)");
    return nullptr;
  }
  if (!cfg.chain_file.path.empty() && !add_chain_file(c, cfg.chain_file, err)) return nullptr;
  if (!configure_context(c, cfg, shared, err)) return nullptr;
  return ctx;
}

}  // namespace tern
