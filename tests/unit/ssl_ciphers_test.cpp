// SSLCipherSuite / SSLHonorCipherOrder and tern's default cipher policy, with real handshakes.

#include "modules/ssl/ssl_ciphers.h"

#include <gtest/gtest.h>

#include <cstring>

#include "ssl_policy_test_util.h"

namespace tern::ssl {
namespace {

using namespace testing;

TEST(SslCipherSuiteParse, SslFormAppendsMandatoryExclusions) {
  CipherPolicy p = default_cipher_policy();
  ASSERT_EQ(parse_ssl_cipher_suite({"HIGH:!MD5"}, &p), "");
  EXPECT_EQ(p.tls12, "HIGH:!MD5:!aNULL:!eNULL:!EXP");
  EXPECT_EQ(p.tls13, kDefaultTls13Ciphers);
  ASSERT_EQ(parse_ssl_cipher_suite({"SSL", "AES128"}, &p), "");
  EXPECT_EQ(p.tls12, "AES128:!aNULL:!eNULL:!EXP");
}

TEST(SslCipherSuiteParse, Tls13Form) {
  CipherPolicy p = default_cipher_policy();
  ASSERT_EQ(parse_ssl_cipher_suite({"TLSv1.3", "TLS_AES_256_GCM_SHA384"}, &p), "");
  EXPECT_EQ(p.tls13, "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(p.tls12, kDefaultTls12Ciphers);
  EXPECT_EQ(parse_ssl_cipher_suite({"TLSv1.2", "HIGH"}, &p), "protocol 'TLSv1.2' not supported");
}

TEST(SslCipherSuiteApply, InvalidOrEmptyIsAnError) {
  testing::CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  CipherPolicy p = default_cipher_policy();
  ASSERT_EQ(parse_ssl_cipher_suite({"NOSUCHCIPHER"}, &p), "");
  EXPECT_EQ(apply_cipher_policy(ctx.get(), p).rfind("Unable to configure permitted SSL ciphers", 0),
            0u);
  // The appended !aNULL leaves nothing of an anonymous-only list.
  p = default_cipher_policy();
  ASSERT_EQ(parse_ssl_cipher_suite({"aNULL"}, &p), "");
  EXPECT_NE(apply_cipher_policy(ctx.get(), p), "");
  p = default_cipher_policy();
  p.tls13 = "TLS_NO_SUCH";
  EXPECT_EQ(apply_cipher_policy(ctx.get(), p).rfind("Unable to configure permitted TLSv1.3", 0),
            0u);
  p.tls13 = "";
  EXPECT_EQ(apply_cipher_policy(ctx.get(), p),
            "Unable to configure permitted TLSv1.3 ciphers: empty");
}

TEST(SslCipherSuiteDefault, OnlyForwardSecretAead) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  ASSERT_EQ(apply_cipher_policy(ctx.get(), default_cipher_policy()), "");
  STACK_OF(SSL_CIPHER)* list = SSL_CTX_get_ciphers(ctx.get());
  ASSERT_GT(sk_SSL_CIPHER_num(list), 0);
  for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
    SCOPED_TRACE(SSL_CIPHER_get_name(c));
    EXPECT_EQ(SSL_CIPHER_is_aead(c), 1);
    int kx = SSL_CIPHER_get_kx_nid(c);
    EXPECT_TRUE(kx == NID_kx_ecdhe || kx == NID_kx_any);
    int auth = SSL_CIPHER_get_auth_nid(c);
    EXPECT_TRUE(auth == NID_auth_ecdsa || auth == NID_auth_rsa || auth == NID_auth_any);
  }
}

std::string negotiated_cipher(SSL_CTX* server, const char* client_list, int max_version) {
  Identity id = make_identity("cipher.test");
  SSL_CTX_use_certificate(server, id.cert.get());
  SSL_CTX_use_PrivateKey(server, id.key.get());
  CtxPtr client = client_ctx();
  SSL_CTX_set_max_proto_version(client.get(), max_version);
  if (client_list) SSL_CTX_set_cipher_list(client.get(), client_list);
  Conn c = connect(client.get(), server);
  if (!handshake(c)) return "";
  return SSL_get_cipher_name(c.client.get());
}

TEST(SslCipherSuiteDefault, RefusesWeakClientsAndServesStrongOnes) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  ASSERT_EQ(apply_cipher_policy(ctx.get(), default_cipher_policy()), "");
  EXPECT_EQ(negotiated_cipher(ctx.get(), "AES128-SHA:ECDHE-ECDSA-AES128-SHA:DES-CBC3-SHA",
                              TLS1_2_VERSION),
            "");
  EXPECT_EQ(negotiated_cipher(ctx.get(), nullptr, TLS1_2_VERSION), "ECDHE-ECDSA-AES256-GCM-SHA384");
  EXPECT_EQ(negotiated_cipher(ctx.get(), nullptr, TLS1_3_VERSION), "TLS_AES_256_GCM_SHA384");
}

TEST(SslCipherSuiteApply, Tls13FormChoosesTheSuite) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  CipherPolicy p = default_cipher_policy();
  ASSERT_EQ(parse_ssl_cipher_suite({"TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256"}, &p), "");
  ASSERT_EQ(apply_cipher_policy(ctx.get(), p), "");
  EXPECT_EQ(negotiated_cipher(ctx.get(), nullptr, TLS1_3_VERSION), "TLS_CHACHA20_POLY1305_SHA256");
}

TEST(SslHonorCipherOrder, OnPicksTheServersFirstChoice) {
  const char* server_order = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
  const char* client_order = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256";
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  CipherPolicy p = default_cipher_policy();
  ASSERT_EQ(parse_ssl_cipher_suite({server_order}, &p), "");
  ASSERT_EQ(apply_cipher_policy(ctx.get(), p), "");
  apply_honor_cipher_order(ctx.get(), false);
  EXPECT_EQ(negotiated_cipher(ctx.get(), client_order, TLS1_2_VERSION),
            "ECDHE-ECDSA-AES256-GCM-SHA384");
  apply_honor_cipher_order(ctx.get(), true);
  EXPECT_EQ(negotiated_cipher(ctx.get(), client_order, TLS1_2_VERSION),
            "ECDHE-ECDSA-AES128-GCM-SHA256");
}

}  // namespace
}  // namespace tern::ssl
