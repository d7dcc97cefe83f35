// Client certificates: mod_ssl's ssl_init_ctx_verify, ssl_callback_SSLVerify and
// ssl_var_lookup_ssl_cert_verify on OpenSSL 3.

#include "modules/ssl/client_verify.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <strings.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "modules/ssl/openssl_error.h"

namespace tern::ssl {

namespace {

// The policy rides on the SSL_CTX as (depth << 3 | mode << 1 | 1), the verdict on the SSL as
// kGenerous or (X509 error + 1): plain integers, nothing to free.
constexpr intptr_t kGenerous = -1;

int ctx_index() {
  static const int idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}
int ssl_index() {
  static const int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}
// A connection's own policy (per-directory SSLVerifyClient), packed as the context's.
int ssl_policy_index() {
  static const int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

intptr_t pack(VerifyClient mode, int depth) {
  return (intptr_t{depth} << 3) | (static_cast<intptr_t>(mode) << 1) | 1;
}

// The policy the verify callback applies to `ssl`: its own, else its context's (0: none).
intptr_t policy_of(SSL* ssl) {
  auto own = reinterpret_cast<intptr_t>(SSL_get_ex_data(ssl, ssl_policy_index()));
  if (own & 1) return own;
  return reinterpret_cast<intptr_t>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index()));
}

bool error_is_optional(int e) {
  return e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT || e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
         e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || e == X509_V_ERR_CERT_UNTRUSTED ||
         e == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

}  // namespace

int verify_callback(int ok, X509_STORE_CTX* store) {
  SSL* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  const intptr_t packed = policy_of(ssl);
  if (!(packed & 1)) return ok;  // no policy on this SSL_CTX: OpenSSL's verdict, never laxer
  auto mode = static_cast<VerifyClient>((packed >> 1) & 3);
  int depth = static_cast<int>(packed >> 3);
  if (mode == VerifyClient::kNone) return 1;
  int err = X509_STORE_CTX_get_error(store);
  int err_depth = X509_STORE_CTX_get_error_depth(store);
  if (!ok && error_is_optional(err) && mode == VerifyClient::kOptionalNoCa) {
    // Accepted without a verifiable issuer: SSL_CLIENT_VERIFY says GENEROUS.
    SSL_set_ex_data(ssl, ssl_index(), reinterpret_cast<void*>(kGenerous));
    X509_STORE_CTX_set_error(store, X509_V_OK);
    ok = 1;
  }
  if (!ok) SSL_set_ex_data(ssl, ssl_index(), reinterpret_cast<void*>(intptr_t{err} + 1));
  if (err_depth > depth) {
    SSL_set_ex_data(ssl, ssl_index(),
                    reinterpret_cast<void*>(intptr_t{X509_V_ERR_CERT_CHAIN_TOO_LONG} + 1));
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_CHAIN_TOO_LONG);
    ok = 0;
  }
  return ok;
}

VerifyClient context_verify_mode(SSL* ssl) {
  auto packed = reinterpret_cast<intptr_t>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index()));
  return (packed & 1) ? static_cast<VerifyClient>((packed >> 1) & 3) : VerifyClient::kNone;
}

int current_verify_depth(SSL* ssl) {
  const intptr_t packed = policy_of(ssl);
  return (packed & 1) ? static_cast<int>(packed >> 3) : ClientVerifyPolicy{}.depth;
}

void set_connection_policy(SSL* ssl, VerifyClient mode, int depth) {
  SSL_set_ex_data(ssl, ssl_policy_index(), reinterpret_cast<void*>(pack(mode, depth)));
}

void clear_connection_policy(SSL* ssl) {
  SSL_set_ex_data(ssl, ssl_policy_index(), nullptr);
}

namespace {

std::string dn_string(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string serial_string(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string s = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return s;
}

}  // namespace

std::string parse_ssl_verify_client(const std::string& arg, VerifyClient* out) {
  const char* a = arg.c_str();
  if (!::strcasecmp(a, "none") || !::strcasecmp(a, "off")) {
    *out = VerifyClient::kNone;
  } else if (!::strcasecmp(a, "optional")) {
    *out = VerifyClient::kOptional;
  } else if (!::strcasecmp(a, "require") || !::strcasecmp(a, "on")) {
    *out = VerifyClient::kRequire;
  } else if (!::strcasecmp(a, "optional_no_ca")) {
    *out = VerifyClient::kOptionalNoCa;
  } else {
    return "SSLVerifyClient: Invalid argument '" + arg + "'";
  }
  return "";
}

std::string parse_ssl_verify_depth(const std::string& arg, int* out) {
  int depth = std::atoi(arg.c_str());
  if (depth < 0) return "SSLVerifyDepth: Invalid argument '" + arg + "'";
  *out = depth;
  return "";
}

std::string apply_client_verify(SSL_CTX* ctx, const ClientVerifyPolicy& policy) {
  int mode = SSL_VERIFY_NONE;
  if (policy.mode == VerifyClient::kRequire) {
    mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  } else if (policy.mode != VerifyClient::kNone) {
    mode = SSL_VERIFY_PEER;
  }
  SSL_CTX_set_ex_data(ctx, ctx_index(), reinterpret_cast<void*>(pack(policy.mode, policy.depth)));
  SSL_CTX_set_verify(ctx, mode, verify_callback);
  if (policy.ca_file.empty() && policy.ca_path.empty()) return "";
  ERR_clear_error();
  const char* file = policy.ca_file.empty() ? nullptr : policy.ca_file.c_str();
  const char* path = policy.ca_path.empty() ? nullptr : policy.ca_path.c_str();
  if (!SSL_CTX_load_verify_locations(ctx, file, path)) {
    return "Unable to configure verify locations for client authentication" + take_openssl_errors();
  }
  STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
  if (file) SSL_add_file_cert_subjects_to_stack(names, file);
  if (path) SSL_add_dir_cert_subjects_to_stack(names, path);
  ERR_clear_error();
  if (sk_X509_NAME_num(names) <= 0) {
    sk_X509_NAME_pop_free(names, X509_NAME_free);
    return "Unable to determine list of acceptable CA certificates for client authentication";
  }
  SSL_CTX_set_client_CA_list(ctx, names);
  return "";
}

ClientCertFacts client_cert_facts(SSL* ssl) {
  ClientCertFacts facts;
  X509* cert = SSL_get0_peer_certificate(ssl);
  long vrc = SSL_get_verify_result(ssl);
  auto verdict = reinterpret_cast<intptr_t>(SSL_get_ex_data(ssl, ssl_index()));
  if (cert) {
    facts.present = true;
    facts.subject_dn = dn_string(X509_get_subject_name(cert));
    facts.issuer_dn = dn_string(X509_get_issuer_name(cert));
    facts.serial = serial_string(cert);
  }
  bool failed = verdict > 0;
  if (vrc == X509_V_OK && !failed && verdict != kGenerous) {
    facts.verify = cert ? "SUCCESS" : "NONE";
  } else if (vrc == X509_V_OK && verdict == kGenerous) {
    facts.verify = "GENEROUS";
  } else {
    long reason = failed ? verdict - 1 : vrc;
    facts.verify = std::string("FAILED:") + X509_verify_cert_error_string(reason);
  }
  return facts;
}

}  // namespace tern::ssl
