// TlsSessions: the control process's session cache and ticket keys survive a new
// configuration generation, and are remade only when their size or period changes.

#include "server/tls_sessions.h"

#include <gtest/gtest.h>

#include "config_test_util.h"

namespace tern {
namespace {

class TlsSessionsTest : public testing::ConfigTest {};

TEST_F(TlsSessionsTest, KeptAcrossGenerationsRemadeOnSizeOrPeriodChange) {
  TlsSessions s;
  std::string err;
  ASSERT_TRUE(s.prepare(*ok(""), &err)) << err;
  EXPECT_EQ(s.cache(), nullptr);  // no TLS: nothing made
  EXPECT_EQ(s.keys(), nullptr);

  ASSERT_TRUE(s.prepare(*ok("SSLSessionCache shmcb:x(65536)\n"), &err)) << err;
  ASSERT_NE(s.cache(), nullptr);
  ASSERT_NE(s.keys(), nullptr);
  const auto* cache = s.cache().get();
  const auto* keys = s.keys().get();
  // The next generation with the same settings (a graceful restart): the same objects.
  ASSERT_TRUE(s.prepare(*ok("SSLSessionCache shmcb:other(65536)\n"), &err)) << err;
  EXPECT_EQ(s.cache().get(), cache);
  EXPECT_EQ(s.keys().get(), keys);
  // A new size: a new cache, the same keys; a new timeout: new keys.
  ASSERT_TRUE(s.prepare(*ok("SSLSessionCache shmcb:x(131072)\n"), &err)) << err;
  EXPECT_NE(s.cache().get(), cache);
  EXPECT_EQ(s.keys().get(), keys);
  ASSERT_TRUE(s.prepare(*ok("SSLSessionCache shmcb:x(131072)\nSSLSessionCacheTimeout 600\n"), &err))
      << err;
  EXPECT_NE(s.keys().get(), keys);
  // SSLSessionCache none drops the cache; tickets keep their keys.
  ASSERT_TRUE(s.prepare(*ok("SSLSessionCache none\n"), &err)) << err;
  EXPECT_EQ(s.cache(), nullptr);
  EXPECT_NE(s.keys(), nullptr);
}

}  // namespace
}  // namespace tern
