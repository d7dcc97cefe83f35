// SSLVHostSNIPolicy's decision (httpd 2.4.71's table): which Host/SNI mismatches get 421.

#include "modules/ssl/sni_policy.h"

#include <gtest/gtest.h>

namespace tern::ssl {
namespace {

SslConfig tls(const std::string& cert) {
  SslConfig c;
  c.engine = SslConfig::Engine::kOn;
  c.cert_files.push_back(SslFileSpec{cert, "conf", 1});
  c.key_files.push_back(SslFileSpec{cert + ".key", "conf", 2});
  return c;
}

using P = SslConfig::SniPolicy;

TEST(SniPolicy, ParsesTheFourPolicies) {
  P p = P::kSecure;
  EXPECT_EQ(parse_sni_policy("Strict", &p), "");
  EXPECT_EQ(p, P::kStrict);
  EXPECT_EQ(parse_sni_policy("insecure", &p), "");
  EXPECT_EQ(p, P::kInsecure);
  EXPECT_EQ(parse_sni_policy("authonly", &p), "");
  EXPECT_EQ(p, P::kAuthOnly);
  EXPECT_EQ(parse_sni_policy("secure", &p), "");
  EXPECT_EQ(p, P::kSecure);
  EXPECT_NE(parse_sni_policy("lax", &p), "");
}

TEST(SniPolicy, SecureRefusesOnlyDifferentTlsSettings) {
  const SslConfig a = tls("/c/a.pem"), a2 = tls("/c/a.pem"), b = tls("/c/b.pem");
  EXPECT_FALSE(sni_misdirected(P::kSecure, &a, &a2));  // same certificate: compatible
  EXPECT_TRUE(sni_misdirected(P::kSecure, &a, &b));
  EXPECT_TRUE(sni_misdirected(P::kSecure, &a, nullptr));  // a vhost without TLS
  SslConfig chained = tls("/c/a.pem");
  chained.chain_file.path = "/c/chain.pem";
  EXPECT_TRUE(sni_misdirected(P::kSecure, &a, &chained));
}

TEST(SniPolicy, StrictRefusesAnyOtherVhostInsecureNone) {
  const SslConfig a = tls("/c/a.pem"), a2 = tls("/c/a.pem"), b = tls("/c/b.pem");
  EXPECT_TRUE(sni_misdirected(P::kStrict, &a, &a2));
  EXPECT_FALSE(sni_misdirected(P::kInsecure, &a, &b));
  EXPECT_FALSE(sni_misdirected(P::kInsecure, &a, nullptr));
}

TEST(SniPolicy, AuthOnlyIgnoresCertificates) {
  const SslConfig a = tls("/c/a.pem"), b = tls("/c/b.pem");
  EXPECT_FALSE(sni_misdirected(P::kAuthOnly, &a, &b));
  EXPECT_TRUE(auth_settings_equal(a, b));
}

TEST(SniPolicy, HandshakePolicyAndClientAuthJoinTheComparison) {
  const SslConfig a = tls("/c/a.pem");
  SslConfig tls13 = tls("/c/a.pem");
  tls13.protocol.set = true;
  tls13.protocol.value.enabled = kProtoTlsV1_3;
  EXPECT_TRUE(sni_misdirected(P::kSecure, &a, &tls13));
  EXPECT_FALSE(sni_misdirected(P::kAuthOnly, &a, &tls13));  // not a client-auth setting
  SslConfig ciphers = tls("/c/a.pem");
  ciphers.ciphers.set = true;
  ciphers.ciphers.value.tls12 = "ECDHE-RSA-AES128-GCM-SHA256";
  EXPECT_TRUE(sni_misdirected(P::kSecure, &a, &ciphers));
  SslConfig verify = tls("/c/b.pem");
  verify.verify_client.set = true;
  verify.verify_client.value = VerifyClient::kRequire;
  EXPECT_TRUE(sni_misdirected(P::kAuthOnly, &a, &verify));
  EXPECT_FALSE(auth_settings_equal(a, verify));
}

}  // namespace
}  // namespace tern::ssl
