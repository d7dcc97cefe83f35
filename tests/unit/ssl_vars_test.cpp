// mod_ssl's variables of a real (in-process) TLS session: names and value forms.

#include "modules/ssl/ssl_vars.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "modules/ssl/client_verify.h"
#include "ssl_policy_test_util.h"

namespace tern::ssl {
namespace {

using namespace testing;

std::string var(SSL* ssl, std::string_view name) {
  std::string v;
  return tls_variable(ssl, name, &v) ? v : "<none>";
}

using SslVars = ClientCaTest;

TEST_F(SslVars, SessionAndServerVariables) {
  CtxPtr s = server_ctx(server_id_);
  CtxPtr c = client_ctx();
  Conn conn = connect(c.get(), s.get());
  SSL_set_tlsext_host_name(conn.client.get(), "server.test");
  ASSERT_TRUE(handshake(conn));
  ASSERT_TRUE(exchange(conn));
  SSL* ssl = conn.server.get();
  EXPECT_EQ(var(ssl, "SSL_PROTOCOL"), "TLSv1.3");
  EXPECT_EQ(var(ssl, "SSL_CIPHER"), SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
  EXPECT_EQ(var(ssl, "SSL_CIPHER_USEKEYSIZE"), var(ssl, "SSL_CIPHER_ALGKEYSIZE"));
  EXPECT_TRUE(var(ssl, "SSL_CIPHER_USEKEYSIZE") == "128" ||
              var(ssl, "SSL_CIPHER_USEKEYSIZE") == "256");
  EXPECT_EQ(var(ssl, "SSL_CIPHER_EXPORT"), "false");
  EXPECT_EQ(var(ssl, "SSL_SESSION_RESUMED"), "Initial");
  EXPECT_EQ(var(ssl, "SSL_TLS_SNI"), "server.test");
  EXPECT_EQ(var(ssl, "SSL_COMPRESS_METHOD"), "NULL");
  EXPECT_EQ(var(ssl, "SSL_SERVER_S_DN"), "CN=server.test,O=tern test");
  EXPECT_EQ(var(ssl, "SSL_SERVER_S_DN_CN"), "server.test");
  EXPECT_EQ(var(ssl, "SSL_SERVER_S_DN_O"), "tern test");
  EXPECT_EQ(var(ssl, "SSL_SERVER_S_DN_CN_1"), "<none>");
  EXPECT_EQ(var(ssl, "SSL_SERVER_M_VERSION"), "3");
  EXPECT_EQ(var(ssl, "SSL_SERVER_A_KEY"), "id-ecPublicKey");
  EXPECT_EQ(var(ssl, "SSL_SERVER_A_SIG"), "ecdsa-with-SHA256");
  EXPECT_EQ(var(ssl, "SSL_SERVER_CERT").rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  EXPECT_EQ(var(ssl, "SSL_VERSION_LIBRARY").rfind("OpenSSL/3.", 0), 0u);
  EXPECT_EQ(var(ssl, "SSL_VERSION_INTERFACE").rfind("tern/", 0), 0u);
  EXPECT_EQ(var(ssl, "SSL_CLIENT_VERIFY"), "NONE");
  EXPECT_EQ(var(ssl, "SSL_CLIENT_S_DN"), "<none>");
  EXPECT_EQ(var(ssl, "SSL_BOGUS"), "<none>");
  EXPECT_EQ(var(ssl, "HTTPS"), "<none>");  // not an SSL_ name: the HTTP layer answers it
  // The session id: upper-case hex.
  const std::string id = var(ssl, "SSL_SESSION_ID");
  EXPECT_EQ(id.find_first_not_of("0123456789ABCDEF"), std::string::npos) << id;
  EXPECT_EQ(id.size() % 2, 0u);
}

TEST_F(SslVars, ClientCertificateVariables) {
  CtxPtr s = server_ctx(server_id_);
  ASSERT_EQ(apply_client_verify(s.get(), {VerifyClient::kRequire, 1, ca_file_, ""}), "");
  CtxPtr c = client_ctx();
  SSL_CTX_use_certificate(c.get(), alice_.get());
  SSL_CTX_use_PrivateKey(c.get(), alice_key_.get());
  Conn conn = connect(c.get(), s.get());
  ASSERT_TRUE(handshake(conn));
  ASSERT_TRUE(exchange(conn));
  SSL* ssl = conn.server.get();
  EXPECT_EQ(var(ssl, "SSL_CLIENT_VERIFY"), "SUCCESS");
  EXPECT_EQ(var(ssl, "SSL_CLIENT_S_DN"), "CN=alice,O=tern test");
  EXPECT_EQ(var(ssl, "SSL_CLIENT_S_DN_CN"), "alice");
  EXPECT_EQ(var(ssl, "SSL_CLIENT_I_DN"), "CN=tern test CA,O=tern test");
  EXPECT_EQ(var(ssl, "SSL_CLIENT_I_DN_CN"), "tern test CA");
  const std::string serial = var(ssl, "SSL_CLIENT_M_SERIAL");
  EXPECT_EQ(serial.find_first_not_of("0123456789ABCDEF"), std::string::npos) << serial;
  EXPECT_NE(var(ssl, "SSL_CLIENT_V_REMAIN"), "<none>");
  EXPECT_EQ(var(ssl, "SSL_CLIENT_CERT").rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
}

}  // namespace
}  // namespace tern::ssl
