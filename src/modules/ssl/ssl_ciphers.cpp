// SSLCipherSuite / SSLHonorCipherOrder: mod_ssl's ssl_cmd_SSLCipherSuite and
// ssl_init_ctx_cipher_suite on OpenSSL 3.

#include "modules/ssl/ssl_ciphers.h"

#include "modules/ssl/openssl_error.h"

namespace tern::ssl {

CipherPolicy default_cipher_policy() {
  return {kDefaultTls12Ciphers, kDefaultTls13Ciphers};
}

std::string parse_ssl_cipher_suite(const std::vector<std::string>& words, CipherPolicy* policy) {
  if (words.empty() || words.size() > 2) return "SSLCipherSuite takes one or two arguments";
  std::string protocol = words.size() == 2 ? words[0] : "SSL";
  const std::string& spec = words.back();
  if (protocol == "SSL") {
    // mod_ssl: always disable null and export ciphers.
    policy->tls12 = spec + ":!aNULL:!eNULL:!EXP";
    return "";
  }
  if (protocol == "TLSv1.3") {
    policy->tls13 = spec;
    return "";
  }
  return "protocol '" + protocol + "' not supported";
}

std::string apply_cipher_policy(SSL_CTX* ctx, const CipherPolicy& policy) {
  ERR_clear_error();
  if (!SSL_CTX_set_cipher_list(ctx, policy.tls12.c_str())) {
    return "Unable to configure permitted SSL ciphers" + take_openssl_errors();
  }
  // An empty TLS 1.3 list is accepted by OpenSSL but leaves TLS 1.3 unusable: refuse it.
  if (policy.tls13.empty() || !SSL_CTX_set_ciphersuites(ctx, policy.tls13.c_str())) {
    std::string why = take_openssl_errors();
    return "Unable to configure permitted TLSv1.3 ciphers" + (why.empty() ? ": empty" : why);
  }
  return "";
}

void apply_honor_cipher_order(SSL_CTX* ctx, bool on) {
  if (on) {
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  } else {
    SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  }
}

}  // namespace tern::ssl
