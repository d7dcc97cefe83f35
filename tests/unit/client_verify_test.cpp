// SSLVerifyClient / SSLVerifyDepth / SSLCACertificateFile with real client certificates, and
// the SSL_CLIENT_* facts a `Require` or CGI reads afterwards.

#include "modules/ssl/client_verify.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "ssl_policy_test_util.h"

namespace tern::ssl {
namespace {

using namespace testing;

TEST(SslVerifyClientParse, HttpdsWordsAndErrors) {
  VerifyClient m = VerifyClient::kNone;
  EXPECT_EQ(parse_ssl_verify_client("REQUIRE", &m), "");
  EXPECT_EQ(m, VerifyClient::kRequire);
  EXPECT_EQ(parse_ssl_verify_client("on", &m), "");
  EXPECT_EQ(m, VerifyClient::kRequire);
  EXPECT_EQ(parse_ssl_verify_client("optional_no_ca", &m), "");
  EXPECT_EQ(m, VerifyClient::kOptionalNoCa);
  EXPECT_EQ(parse_ssl_verify_client("off", &m), "");
  EXPECT_EQ(m, VerifyClient::kNone);
  EXPECT_EQ(parse_ssl_verify_client("maybe", &m), "SSLVerifyClient: Invalid argument 'maybe'");
  int d = 1;
  EXPECT_EQ(parse_ssl_verify_depth("3", &d), "");
  EXPECT_EQ(d, 3);
  EXPECT_EQ(parse_ssl_verify_depth("-1", &d), "SSLVerifyDepth: Invalid argument '-1'");
  EXPECT_EQ(parse_ssl_verify_depth("ten", &d), "");  // atoi, as httpd
  EXPECT_EQ(d, 0);
}

class ClientVerify : public ClientCaTest {
 protected:
  CtxPtr server(VerifyClient mode, int depth = 1) {
    CtxPtr ctx = server_ctx(server_id_);
    ClientVerifyPolicy p{mode, depth, ca_file_, ""};
    EXPECT_EQ(apply_client_verify(ctx.get(), p), "");
    return ctx;
  }
  // A client presenting cert/key (none when null).
  CtxPtr client(X509* cert, EVP_PKEY* key) {
    CtxPtr ctx = client_ctx();
    if (cert) {
      SSL_CTX_use_certificate(ctx.get(), cert);
      SSL_CTX_use_PrivateKey(ctx.get(), key);
    }
    return ctx;
  }
};

TEST_F(ClientVerify, RequireAcceptsACaSignedClientAndTellsWho) {
  CtxPtr s = server(VerifyClient::kRequire);
  CtxPtr c = client(alice_.get(), alice_key_.get());
  Conn conn = connect(c.get(), s.get());
  ASSERT_TRUE(handshake(conn));
  ASSERT_TRUE(exchange(conn));
  ClientCertFacts f = client_cert_facts(conn.server.get());
  EXPECT_TRUE(f.present);
  EXPECT_EQ(f.verify, "SUCCESS");
  EXPECT_EQ(f.subject_dn, "CN=alice,O=tern test");
  EXPECT_EQ(f.issuer_dn, "CN=tern test CA,O=tern test");
  EXPECT_FALSE(f.serial.empty());
  // The CertificateRequest named the CA.
  STACK_OF(X509_NAME)* names = SSL_get_client_CA_list(conn.client.get());
  ASSERT_EQ(sk_X509_NAME_num(names), 1);
  EXPECT_EQ(X509_NAME_cmp(sk_X509_NAME_value(names, 0), X509_get_subject_name(ca_.get())), 0);
}

TEST_F(ClientVerify, RequireRefusesNoCertificate) {
  CtxPtr s = server(VerifyClient::kRequire);
  CtxPtr c = client(nullptr, nullptr);
  Conn conn = connect(c.get(), s.get());
  EXPECT_FALSE(handshake(conn) && exchange(conn));
}

TEST_F(ClientVerify, OptionalWithoutCertificateIsNone) {
  CtxPtr s = server(VerifyClient::kOptional);
  CtxPtr c = client(nullptr, nullptr);
  Conn conn = connect(c.get(), s.get());
  ASSERT_TRUE(handshake(conn));
  ClientCertFacts f = client_cert_facts(conn.server.get());
  EXPECT_FALSE(f.present);
  EXPECT_EQ(f.verify, "NONE");
}

TEST_F(ClientVerify, OptionalRefusesAnUnknownIssuer) {
  Identity stranger = make_identity("mallory");
  CtxPtr s = server(VerifyClient::kOptional);
  CtxPtr c = client(stranger.cert.get(), stranger.key.get());
  Conn conn = connect(c.get(), s.get());
  EXPECT_FALSE(handshake(conn) && exchange(conn));
  ClientCertFacts f = client_cert_facts(conn.server.get());
  EXPECT_EQ(f.verify, "FAILED:self-signed certificate");
}

TEST_F(ClientVerify, OptionalNoCaIsGenerous) {
  Identity stranger = make_identity("mallory");
  CtxPtr s = server(VerifyClient::kOptionalNoCa);
  CtxPtr c = client(stranger.cert.get(), stranger.key.get());
  Conn conn = connect(c.get(), s.get());
  ASSERT_TRUE(handshake(conn));
  ASSERT_TRUE(exchange(conn));
  ClientCertFacts f = client_cert_facts(conn.server.get());
  EXPECT_EQ(f.verify, "GENEROUS");
  EXPECT_EQ(f.subject_dn, "CN=mallory,O=tern test");
}

TEST_F(ClientVerify, DepthZeroRefusesACaSignedClient) {
  CtxPtr s = server(VerifyClient::kRequire, 0);
  CtxPtr c = client(alice_.get(), alice_key_.get());
  Conn conn = connect(c.get(), s.get());
  EXPECT_FALSE(handshake(conn) && exchange(conn));
  EXPECT_EQ(client_cert_facts(conn.server.get()).verify, "FAILED:certificate chain too long");
}

TEST_F(ClientVerify, ContextWithoutPolicyKeepsOpenSslsVerdict) {
  // A connection moved (as by SNI) to an SSL_CTX without a policy: never laxer than OpenSSL.
  Identity stranger = make_identity("mallory");
  CtxPtr s = server(VerifyClient::kOptionalNoCa);
  CtxPtr bare = server_ctx(server_id_);
  CtxPtr c = client(stranger.cert.get(), stranger.key.get());
  Conn conn = connect(c.get(), s.get());
  SSL_set_SSL_CTX(conn.server.get(), bare.get());
  EXPECT_FALSE(handshake(conn) && exchange(conn));
}

TEST_F(ClientVerify, UnreadableCaFileIsAnError) {
  CtxPtr ctx = server_ctx(server_id_);
  std::string junk = (dir_ / "junk.pem").string();
  FILE* f = std::fopen(junk.c_str(), "w");
  std::fputs("not a certificate\n", f);
  std::fclose(f);
  std::string err = apply_client_verify(ctx.get(), {VerifyClient::kRequire, 1, junk, ""});
  EXPECT_EQ(err.rfind("Unable to configure verify locations for client authentication", 0), 0u)
      << err;
}

}  // namespace
}  // namespace tern::ssl
