// SSLSessionCache shmcb: the shared store itself (expiry, eviction, a dead lock owner), and
// real resumptions against another SSL_CTX and across fork(), with tickets off.

#include "modules/ssl/session_cache.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ssl_policy_test_util.h"

namespace tern::ssl {
namespace {

using namespace testing;
using Bytes = std::vector<uint8_t>;

Bytes bytes(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

TEST(SslSessionCacheParse, HttpdsForms) {
  SessionCacheConfig c;
  ASSERT_EQ(parse_ssl_session_cache("shmcb:/var/run/apache2/ssl_scache(512000)", &c), "");
  EXPECT_EQ(c.kind, SessionCacheConfig::Kind::kShmcb);
  EXPECT_EQ(c.name, "/var/run/apache2/ssl_scache");
  EXPECT_EQ(c.size, 512000u);
  ASSERT_EQ(parse_ssl_session_cache("shmcb", &c), "");
  EXPECT_EQ(c.size, kDefaultSessionCacheSize);
  ASSERT_EQ(parse_ssl_session_cache("shmcb:logs/ssl_scache", &c), "");
  EXPECT_EQ(c.name, "logs/ssl_scache");
  EXPECT_EQ(c.size, kDefaultSessionCacheSize);
  ASSERT_EQ(parse_ssl_session_cache("None", &c), "");
  EXPECT_EQ(c.kind, SessionCacheConfig::Kind::kNone);
  ASSERT_EQ(parse_ssl_session_cache("nonenotnull", &c), "");
  EXPECT_EQ(c.kind, SessionCacheConfig::Kind::kNoneNotNull);
}

TEST(SslSessionCacheParse, ErrorsInHttpdsWords) {
  SessionCacheConfig c;
  EXPECT_EQ(parse_ssl_session_cache("shmcb:/x(512000", &c),
            "SSLSessionCache: Invalid argument: no closing parenthesis or cache size missing "
            "after pathname with parenthesis");
  EXPECT_EQ(parse_ssl_session_cache("shmcb:/x(lots)", &c),
            "SSLSessionCache: Invalid argument: cache size not numerical");
  EXPECT_EQ(parse_ssl_session_cache("shmcb:/x(4096)", &c),
            "SSLSessionCache: Invalid argument: size has to be >= 8192 bytes");
  EXPECT_EQ(parse_ssl_session_cache("shmcb:/x512000)", &c),
            "SSLSessionCache: Invalid argument: no opening parenthesis");
  EXPECT_EQ(parse_ssl_session_cache("dbm:/var/cache/scache", &c),
            "SSLSessionCache: 'dbm' session cache not supported (known names: shmcb). Maybe you "
            "need to load the appropriate socache module (mod_socache_dbm?).");
  long t = 0;
  EXPECT_EQ(parse_ssl_session_cache_timeout("600", &t), "");
  EXPECT_EQ(t, 600);
  EXPECT_EQ(parse_ssl_session_cache_timeout("-5", &t), "SSLSessionCacheTimeout: Invalid argument");
}

TEST(SslSessionCacheStore, StoresExpiresAndRemoves) {
  std::string err;
  auto cache = SessionCache::create(kDefaultSessionCacheSize, &err);
  ASSERT_TRUE(cache) << err;
  ASSERT_TRUE(cache->store(bytes("id-1"), bytes("session one"), 1300, 1000));
  ASSERT_TRUE(cache->store(bytes("id-2"), bytes("session two"), 1100, 1000));
  EXPECT_EQ(cache->retrieve(bytes("id-1"), 1299), bytes("session one"));
  EXPECT_EQ(cache->retrieve(bytes("id-2"), 1050), bytes("session two"));
  EXPECT_FALSE(cache->retrieve(bytes("id-2"), 1100));  // expired
  EXPECT_FALSE(cache->retrieve(bytes("id-3"), 1000));
  cache->remove(bytes("id-1"));
  EXPECT_FALSE(cache->retrieve(bytes("id-1"), 1001));
  // Storing an id again replaces it.
  ASSERT_TRUE(cache->store(bytes("id-4"), bytes("old"), 2000, 1000));
  ASSERT_TRUE(cache->store(bytes("id-4"), bytes("new"), 2000, 1000));
  EXPECT_EQ(cache->retrieve(bytes("id-4"), 1000), bytes("new"));
  cache->remove(bytes("never-stored"));
  SessionCacheStats s = cache->stats();
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.stores, 4u);
  EXPECT_EQ(s.replaces, 1u);
  EXPECT_EQ(s.expired, 1u);
  EXPECT_EQ(s.hits, 3u);
  EXPECT_EQ(s.misses, 3u);  // id-2 expired, id-3 never stored, id-1 removed
  EXPECT_EQ(s.removes, 1u);
  EXPECT_EQ(s.remove_misses, 1u);
  // The stores dropped the removed and expired entries ahead of them: only id-4 is left.
  EXPECT_EQ(s.index_used, 1u);
  EXPECT_EQ(s.data_used, 7u);  // "id-4" + "new"
  EXPECT_EQ(s.oldest_expires, 2000);
}

TEST(SslSessionCacheStore, FullCacheEvictsOldestAndWrapsIntact) {
  std::string err;
  auto cache = SessionCache::create(kMinSessionCacheSize, &err);
  ASSERT_TRUE(cache) << err;
  uint32_t capacity = cache->stats().data_bytes;
  const int n = static_cast<int>(capacity / 500) * 3;
  for (int i = 0; i < n; ++i) {
    Bytes der(480, static_cast<uint8_t>(i));
    der[0] = static_cast<uint8_t>(i >> 8);
    ASSERT_TRUE(cache->store(bytes("id-" + std::to_string(i)), der, 5000, 1000));
  }
  EXPECT_FALSE(cache->retrieve(bytes("id-0"), 1000));
  for (int i = n - 3; i < n; ++i) {
    auto der = cache->retrieve(bytes("id-" + std::to_string(i)), 1000);
    ASSERT_TRUE(der) << i;
    Bytes want(480, static_cast<uint8_t>(i));
    want[0] = static_cast<uint8_t>(i >> 8);
    EXPECT_EQ(*der, want) << i;
  }
  SessionCacheStats s = cache->stats();
  EXPECT_GT(s.evictions, 0u);
  EXPECT_EQ(s.entries + s.evictions, static_cast<uint64_t>(n));
  EXPECT_FALSE(cache->store(bytes("huge"), Bytes(capacity + 1, 0), 5000, 1000));
}

TEST(SslSessionCacheStore, ChildDyingInsideTheLockResetsTheCache) {
  std::string err;
  auto cache = SessionCache::create(kDefaultSessionCacheSize, &err);
  ASSERT_TRUE(cache) << err;
  ASSERT_TRUE(cache->store(bytes("before"), bytes("x"), 5000, 1000));
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    pthread_mutex_lock(cache->mutex_for_test());
    ::_exit(0);  // dies holding the lock
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(cache->store(bytes("after"), bytes("y"), 5000, 1000));
  EXPECT_EQ(cache->retrieve(bytes("after"), 1000), bytes("y"));
  EXPECT_FALSE(cache->retrieve(bytes("before"), 1000));
  EXPECT_EQ(cache->stats().resets, 1u);
}

// Server contexts sharing one cache and one session id context, tickets off.
class SessionResume : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    cache_ = SessionCache::create(kDefaultSessionCacheSize, &err);
    ASSERT_TRUE(cache_) << err;
    id_ = make_identity("resume.test");
  }
  CtxPtr server(SessionCacheConfig::Kind kind = SessionCacheConfig::Kind::kShmcb) {
    CtxPtr ctx = server_ctx(id_);
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
    SSL_CTX_set_session_id_context(ctx.get(), reinterpret_cast<const unsigned char*>("vh"), 2);
    SessionCacheConfig config;
    config.kind = kind;
    apply_session_cache(ctx.get(), config, cache_.get(), kDefaultSessionCacheTimeout);
    return ctx;
  }
  CtxPtr client(int version) { return client_ctx(version); }
  std::unique_ptr<SessionCache> cache_;
  Identity id_;
};

TEST_F(SessionResume, AnotherContextResumesTls12AndTls13) {
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    SCOPED_TRACE(version);
    CtxPtr a = server(), b = server(), c = client(version);
    bool reused = true;
    SessionPtr s = connect_once(c.get(), a.get(), nullptr, &reused);
    ASSERT_TRUE(s);
    EXPECT_FALSE(reused);
    SessionPtr again = connect_once(c.get(), b.get(), s.get(), &reused);
    ASSERT_TRUE(again);
    EXPECT_TRUE(reused);
  }
  EXPECT_GE(cache_->stats().hits, 2u);
}

TEST_F(SessionResume, StatelessTls13TicketsAreNotStored) {
  CtxPtr a = server();
  SSL_CTX_clear_options(a.get(), SSL_OP_NO_TICKET);
  CtxPtr c = client(TLS1_3_VERSION);
  ASSERT_TRUE(connect_once(c.get(), a.get(), nullptr, nullptr));
  EXPECT_EQ(cache_->stats().stores, 0u);
  // Stateful TLS 1.3 tickets (SSLSessionTickets off) are stored.
  SSL_CTX_set_options(a.get(), SSL_OP_NO_TICKET);
  ASSERT_TRUE(connect_once(c.get(), a.get(), nullptr, nullptr));
  EXPECT_GE(cache_->stats().stores, 1u);
}

TEST_F(SessionResume, NoneDoesNotResume) {
  CtxPtr a = server(SessionCacheConfig::Kind::kNone);
  CtxPtr c = client(TLS1_2_VERSION);
  bool reused = true;
  SessionPtr s = connect_once(c.get(), a.get(), nullptr, &reused);
  ASSERT_TRUE(s);
  connect_once(c.get(), a.get(), s.get(), &reused);
  EXPECT_FALSE(reused);
  EXPECT_EQ(cache_->stats().stores, 0u);
}

TEST_F(SessionResume, ExpiredSessionDoesNotResume) {
  static int64_t fake_now = 1'000'000;
  cache_->set_clock([] { return fake_now; });
  CtxPtr a = server(), c = client(TLS1_2_VERSION);
  bool reused = true;
  SessionPtr s = connect_once(c.get(), a.get(), nullptr, &reused);
  ASSERT_TRUE(s);
  fake_now += kDefaultSessionCacheTimeout - 1;
  ASSERT_TRUE(connect_once(c.get(), a.get(), s.get(), &reused));
  EXPECT_TRUE(reused);
  fake_now += 1;
  connect_once(c.get(), a.get(), s.get(), &reused);
  EXPECT_FALSE(reused);
}

Bytes der_of(SSL_SESSION* s) {
  Bytes der(static_cast<size_t>(i2d_SSL_SESSION(s, nullptr)));
  unsigned char* p = der.data();
  i2d_SSL_SESSION(s, &p);
  return der;
}
SessionPtr session_of(const Bytes& der) {
  const unsigned char* p = der.data();
  return SessionPtr(d2i_SSL_SESSION(nullptr, &p, static_cast<long>(der.size())));
}
bool write_all(int fd, const Bytes& b) {
  uint32_t n = static_cast<uint32_t>(b.size());
  return ::write(fd, &n, 4) == 4 && ::write(fd, b.data(), n) == static_cast<ssize_t>(n);
}
Bytes read_all(int fd) {
  uint32_t n = 0;
  if (::read(fd, &n, 4) != 4) return {};
  Bytes b(n);
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, b.data() + got, n - got);
    if (r <= 0) return {};
    got += static_cast<size_t>(r);
  }
  return b;
}

// Each process builds its own SSL_CTX: only the shared memory joins them.
TEST_F(SessionResume, ChildResumesWhatTheParentStoredAfterFork) {
  int to_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(to_child[1]);
    Bytes der = read_all(to_child[0]);
    if (der.empty()) ::_exit(2);
    SessionPtr s = session_of(der);
    CtxPtr b = server(), c = client(TLS1_3_VERSION);
    bool reused = false;
    SessionPtr again = connect_once(c.get(), b.get(), s.get(), &reused);
    ::_exit(again && reused ? 0 : 1);
  }
  ::close(to_child[0]);
  CtxPtr a = server(), c = client(TLS1_3_VERSION);
  SessionPtr s = connect_once(c.get(), a.get(), nullptr, nullptr);
  ASSERT_TRUE(s);
  ASSERT_TRUE(write_all(to_child[1], der_of(s.get())));
  ::close(to_child[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(SessionResume, ParentResumesWhatAChildStored) {
  int to_parent[2];
  ASSERT_EQ(::pipe(to_parent), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(to_parent[0]);
    CtxPtr b = server(), c = client(TLS1_2_VERSION);
    SessionPtr s = connect_once(c.get(), b.get(), nullptr, nullptr);
    ::_exit(s && write_all(to_parent[1], der_of(s.get())) ? 0 : 1);
  }
  ::close(to_parent[1]);
  Bytes der = read_all(to_parent[0]);
  ::close(to_parent[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_FALSE(der.empty());
  SessionPtr s = session_of(der);
  CtxPtr a = server(), c = client(TLS1_2_VERSION);
  bool reused = false;
  ASSERT_TRUE(connect_once(c.get(), a.get(), s.get(), &reused));
  EXPECT_TRUE(reused);
}

}  // namespace
}  // namespace tern::ssl
