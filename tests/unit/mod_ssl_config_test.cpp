// ssl_module's directives: SSLEngine, the certificate files (checked at load), and how a
// <VirtualHost> inherits the main server's values as mod_ssl merges them.

#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"
#include "modules/ssl/ssl_config.h"

namespace tern {
namespace {

class ModSslConfig : public testing::ConfigTest {
 protected:
  void SetUp() override {
    for (const char* f : {"c1.pem", "k1.pem", "c2.pem", "k2.pem", "chain.pem"})
      dir.write(f, "-----BEGIN PLACEHOLDER-----\n");  // the load checks existence only
    dir.write("empty.pem", "");
  }
  std::string p(const char* f) { return dir.path() + "/" + f; }
};

TEST_F(ModSslConfig, EngineAndFilesOfTheMainServer) {
  auto c =
      ok("SSLEngine on\nSSLCertificateFile c1.pem\nSSLCertificateKeyFile k1.pem\n"
         "SSLCertificateFile c2.pem\nSSLCertificateChainFile chain.pem\n");
  const SslConfig* s = ssl_config(*c);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->enabled());
  EXPECT_EQ(s->engine_line, 1);
  ASSERT_EQ(s->certificates().size(), 2u);
  EXPECT_EQ(s->certificates()[1].path, p("c2.pem"));  // relative to ServerRoot
  EXPECT_EQ(s->certificates()[1].line, 4);
  ASSERT_EQ(s->keys().size(), 1u);  // the second pair keeps its key in c2.pem
  EXPECT_EQ(s->chain_file.path, p("chain.pem"));
  EXPECT_EQ(ssl_config(*ok("")), nullptr);
}

TEST_F(ModSslConfig, RefusesWhatTernDoesNotDo) {
  EXPECT_NE(err("SSLEngine optional\n")
                .find("t.conf:1: SSLEngine: SSLEngine optional is not "
                      "supported by tern (RFC 2817 upgrade"),
            std::string::npos);
  EXPECT_NE(err("SSLEngine maybe\n").find("Argument must be On, Off, or Optional"),
            std::string::npos);
  EXPECT_NE(err("SSLCertificateFile nope.pem\n").find("does not exist or is empty"),
            std::string::npos);
  EXPECT_NE(err("SSLCertificateKeyFile empty.pem\n").find("does not exist or is empty"),
            std::string::npos);
  EXPECT_NE(err("SSLBogusDirective on\n").find("SSLBogusDirective"), std::string::npos);
  EXPECT_NE(ok("SSLInsecureRenegotiation off\n"), nullptr);
  EXPECT_NE(err("SSLInsecureRenegotiation on\n")
                .find("t.conf:1: SSLInsecureRenegotiation: SSLInsecureRenegotiation on is not "
                      "supported by tern"),
            std::string::npos);
  // SSLUserName names an SSL_* variable; mod_ssl's other lookups are not available.
  EXPECT_NE(err("SSLUserName REMOTE_ADDR\n")
                .find("t.conf:1: SSLUserName: tern takes only an SSL_* variable"),
            std::string::npos);
}

TEST_F(ModSslConfig, RecordLayerIsTheMainServersChoice) {
  auto c = ok("SSLRecordLayer OpenSSL\n");
  const SslConfig* s = ssl_config(*c);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->record_layer.set);
  EXPECT_EQ(s->record_layer.value, SslConfig::RecordLayer::kOpenSsl);
  EXPECT_EQ(ssl_config(*ok("SSLRecordLayer tern\n"))->record_layer.value,
            SslConfig::RecordLayer::kTern);
  EXPECT_EQ(ssl_config(*ok("SSLRecordLayer auto\n"))->record_layer.value,
            SslConfig::RecordLayer::kAuto);
  EXPECT_NE(err("SSLRecordLayer kernel\n")
                .find("t.conf:1: SSLRecordLayer: 'kernel' is not auto, tern or openssl"),
            std::string::npos);
  EXPECT_NE(err("<VirtualHost *:8443>\nSSLRecordLayer tern\n</VirtualHost>\n")
                .find("t.conf:2: SSLRecordLayer: not allowed in <VirtualHost>"),
            std::string::npos);
}

TEST_F(ModSslConfig, VhostsInheritAndKnockOutByPosition) {
  auto c =
      ok("SSLCertificateFile c1.pem\nSSLCertificateKeyFile k1.pem\n"
         "SSLCertificateFile c2.pem\nSSLCertificateKeyFile k2.pem\n"
         "<VirtualHost *:8443>\nServerName a\nSSLEngine on\n</VirtualHost>\n"
         "<VirtualHost *:8443>\nServerName b\nSSLEngine on\nSSLCertificateFile c2.pem\n"
         "SSLCertificateKeyFile k2.pem\n</VirtualHost>\n"
         "<VirtualHost *:8080>\nServerName c\n</VirtualHost>\n");
  const SslConfig* main = ssl_config(*c);
  ASSERT_NE(main, nullptr);
  EXPECT_FALSE(main->enabled());  // SSLEngine in a vhost does not change the main server
  ASSERT_EQ(c->virtual_hosts.size(), 3u);
  const SslConfig* a = ssl_config(*c->virtual_hosts[0].config);
  const SslConfig* b = ssl_config(*c->virtual_hosts[1].config);
  const SslConfig* other = ssl_config(*c->virtual_hosts[2].config);
  ASSERT_TRUE(a && b && other);
  EXPECT_TRUE(a->enabled() && b->enabled());
  EXPECT_FALSE(other->enabled());
  ASSERT_EQ(a->certificates().size(), 2u);  // inherited as they are
  EXPECT_EQ(a->certificates()[0].path, p("c1.pem"));
  // b's own pair replaces position 0; position 1 still comes from the main server.
  ASSERT_EQ(b->certificates().size(), 2u);
  EXPECT_EQ(b->certificates()[0].path, p("c2.pem"));
  EXPECT_EQ(b->certificates()[0].line, 12);
  EXPECT_EQ(b->certificates()[1].path, p("c2.pem"));
  EXPECT_EQ(b->certificates()[1].line, 3);
  EXPECT_EQ(b->keys()[0].path, p("k2.pem"));
  EXPECT_EQ(main->certificates().size(), 2u);  // untouched by the vhosts
  EXPECT_EQ(main->certificates()[0].path, p("c1.pem"));
}

TEST_F(ModSslConfig, PolicyDirectivesAreInheritedByVhosts) {
  auto c =
      ok("SSLProtocol TLSv1.3\nSSLSessionTickets off\nSSLOpenSSLConfCmd Curves X25519\n"
         "SSLSessionCache shmcb:x(65536)\n"
         "<VirtualHost *:8443>\nServerName a\nSSLEngine on\n"
         "SSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384\nSSLOpenSSLConfCmd Curves P-256\n"
         "SSLVerifyClient require\n</VirtualHost>\n");
  const SslConfig* top = ssl_config(*c);
  ASSERT_NE(top, nullptr);
  EXPECT_TRUE(top->protocol.set);
  EXPECT_EQ(top->protocol.line, 1);
  EXPECT_EQ(top->session_cache.value.size, 65536u);
  const SslConfig* a = ssl_config(*c->virtual_hosts[0].config);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->protocol.value, top->protocol.value);  // inherited
  EXPECT_TRUE(a->session_tickets.set && !a->session_tickets.value);
  EXPECT_EQ(a->ciphers.value.tls13, "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(a->ciphers.value.tls12, ssl::default_cipher_policy().tls12);  // the other half kept
  EXPECT_EQ(a->ciphers.line, 8);
  ASSERT_EQ(a->conf_cmds.size(), 2u);  // the main server's first, as mod_ssl's merge
  EXPECT_EQ(a->conf_cmds[1].cmd.value, "P-256");
  EXPECT_EQ(a->verify_client.value, ssl::VerifyClient::kRequire);
  EXPECT_FALSE(top->verify_client.set);
  EXPECT_EQ(a->session_cache.value.kind, ssl::SessionCacheConfig::Kind::kShmcb);
}

}  // namespace
}  // namespace tern
