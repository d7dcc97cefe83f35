// mod_ssl's OCSP stapling directives: parsing, httpd's errors, defaults, scopes and how a
// <VirtualHost> inherits the main server's values.

#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"
#include "modules/ssl/ssl_config.h"
#include "modules/ssl/stapling_config.h"

namespace tern {
namespace {

using ssl::SessionCacheConfig;

class SslStaplingConfig : public testing::ConfigTest {};

TEST_F(SslStaplingConfig, MozillaGeneratorLinesLoad) {
  auto c = ok("SSLUseStapling On\nSSLStaplingCache \"shmcb:logs/ssl_stapling(32768)\"\n");
  const SslConfig* s = ssl_config(*c);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->use_stapling.set);
  EXPECT_TRUE(s->use_stapling.value);
  EXPECT_EQ(s->use_stapling.line, 1);
  ASSERT_TRUE(s->stapling_cache.set);
  EXPECT_EQ(s->stapling_cache.value.kind, SessionCacheConfig::Kind::kShmcb);
  EXPECT_EQ(s->stapling_cache.value.size, 32768u);
  EXPECT_EQ(s->stapling_cache.line, 2);
}

TEST_F(SslStaplingConfig, DefaultsAreModSsls) {
  auto c = ok("SSLUseStapling off\n");
  const SslConfig* s = ssl_config(*c);
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(SslConfig::value_or(s->use_stapling, true));
  EXPECT_EQ(
      SslConfig::value_or(s->stapling_responder_timeout, ssl::kDefaultStaplingResponderTimeout),
      10);
  EXPECT_EQ(ssl::kDefaultStaplingStandardCacheTimeout, 3600);
  EXPECT_EQ(ssl::kDefaultStaplingErrorCacheTimeout, 600);
  EXPECT_EQ(ssl::kDefaultStaplingResponseTimeSkew, 300);
  EXPECT_EQ(ssl::kDefaultStaplingResponseMaxAge, -1);
  EXPECT_FALSE(s->stapling_return_errors.set);
  EXPECT_FALSE(s->stapling_force_url.set);
}

TEST_F(SslStaplingConfig, EveryDirectiveSetsItsValue) {
  auto c =
      ok("SSLStaplingCache shmcb:x(65536)\nSSLStaplingResponderTimeout 5\n"
         "SSLStaplingStandardCacheTimeout 7200\nSSLStaplingErrorCacheTimeout 60\n"
         "SSLStaplingResponseTimeSkew 30\nSSLStaplingResponseMaxAge 86400\n"
         "SSLStaplingReturnResponderErrors off\nSSLStaplingFakeTryLater off\n"
         "SSLStaplingForceURL http://ocsp.example:8080/q\n");
  const SslConfig* s = ssl_config(*c);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->stapling_responder_timeout.value, 5);
  EXPECT_EQ(s->stapling_standard_timeout.value, 7200);
  EXPECT_EQ(s->stapling_error_timeout.value, 60);
  EXPECT_EQ(s->stapling_time_skew.value, 30);
  EXPECT_EQ(s->stapling_max_age.value, 86400);
  EXPECT_TRUE(s->stapling_return_errors.set);
  EXPECT_FALSE(s->stapling_return_errors.value);
  EXPECT_TRUE(s->stapling_fake_try_later.set);
  EXPECT_EQ(s->stapling_force_url.value, "http://ocsp.example:8080/q");
}

TEST_F(SslStaplingConfig, HttpdsErrors) {
  EXPECT_NE(err("SSLStaplingResponderTimeout -1\n")
                .find("t.conf:1: SSLStaplingResponderTimeout: invalid argument"),
            std::string::npos);
  EXPECT_NE(
      err("SSLStaplingResponseMaxAge -5\n").find("SSLStaplingResponseMaxAge: invalid argument"),
      std::string::npos);
  EXPECT_NE(err("SSLStaplingCache dbm:/tmp/x\n")
                .find("'dbm' stapling cache not supported (known names: shmcb)"),
            std::string::npos);
  EXPECT_NE(err("SSLStaplingCache shmcb:x(100)\n").find("size has to be >= 8192 bytes"),
            std::string::npos);
  EXPECT_NE(err("SSLUseStapling maybe\n").find("SSLUseStapling"), std::string::npos);
  EXPECT_NE(err("SSLStaplingForceURL https://ocsp.example/\n").find("Unsupported uri"),
            std::string::npos);
  // One cache serves every server: not inside a <VirtualHost> (httpd's GLOBAL_ONLY).
  EXPECT_NE(err("<VirtualHost *:8443>\nSSLStaplingCache shmcb:x(32768)\n</VirtualHost>\n")
                .find("cannot occur within <VirtualHost> section"),
            std::string::npos);
}

TEST_F(SslStaplingConfig, VhostInheritsAndOverrides) {
  auto c =
      ok("SSLUseStapling on\nSSLStaplingResponderTimeout 3\n"
         "<VirtualHost *:8443>\nServerName a\n</VirtualHost>\n"
         "<VirtualHost *:8443>\nServerName b\nSSLUseStapling off\n</VirtualHost>\n");
  const SslConfig* a = ssl_config(*c->virtual_hosts[0].config);
  const SslConfig* b = ssl_config(*c->virtual_hosts[1].config);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(a->use_stapling.value);
  EXPECT_EQ(a->stapling_responder_timeout.value, 3);
  EXPECT_FALSE(b->use_stapling.value);
  EXPECT_EQ(b->stapling_responder_timeout.value, 3);
}

TEST(ResponderUrl, SplitsHttpUrls) {
  ssl::ResponderUrl u;
  ASSERT_TRUE(ssl::parse_responder_url("http://127.0.0.1:8888/ocsp", &u));
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, "8888");
  EXPECT_EQ(u.path, "/ocsp");
  ASSERT_TRUE(ssl::parse_responder_url("http://r3.o.lencr.org", &u));
  EXPECT_EQ(u.port, "80");
  EXPECT_EQ(u.path, "/");
  EXPECT_FALSE(ssl::parse_responder_url("https://ocsp.example/", &u));
  EXPECT_FALSE(ssl::parse_responder_url("ldap://x/", &u));
  EXPECT_FALSE(ssl::parse_responder_url("not a url", &u));
}

}  // namespace
}  // namespace tern
