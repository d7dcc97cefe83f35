// Shared rotating session ticket keys: tickets resume on another SSL_CTX and across fork(),
// survive one rotation (and are re-issued), not two; retired key bytes are wiped.

#include "modules/ssl/ticket_keys.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "ssl_policy_test_util.h"

namespace tern::ssl {
namespace {

using namespace testing;

constexpr int64_t kPeriod = 300;
int64_t fake_now = 1'000'000;
int64_t fake_clock() {
  return fake_now;
}

std::vector<uint8_t> ticket_of(SSL_SESSION* s) {
  const unsigned char* t = nullptr;
  size_t n = 0;
  SSL_SESSION_get0_ticket(s, &t, &n);
  return std::vector<uint8_t>(t, t + n);
}

class TicketKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_now = 1'000'000;
    std::string err;
    keys_ = TicketKeys::create(kPeriod, &err, fake_clock);
    ASSERT_TRUE(keys_) << err;
    id_ = make_identity("tickets.test");
  }
  // A server context with no session cache: only tickets can resume.
  CtxPtr server(bool tickets = true) {
    CtxPtr ctx = server_ctx(id_);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_session_id_context(ctx.get(), reinterpret_cast<const unsigned char*>("vh"), 2);
    apply_session_tickets(ctx.get(), tickets, keys_.get());
    return ctx;
  }
  CtxPtr client(int version) { return client_ctx(version); }
  // Offers `s` to a fresh server context; returns the client's session, *reused set.
  SessionPtr resume(SSL_SESSION* s, int version, bool* reused) {
    CtxPtr srv = server(), cli = client(version);
    return connect_once(cli.get(), srv.get(), s, reused);
  }
  std::unique_ptr<TicketKeys> keys_;
  Identity id_;
};

TEST(TicketRotationPeriod, IsTheSessionTimeout) {
  EXPECT_EQ(ticket_rotation_period(300), 300);
  EXPECT_EQ(ticket_rotation_period(0), 1);
}

TEST_F(TicketKeysTest, AnotherContextResumesTls12AndTls13) {
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    SCOPED_TRACE(version);
    bool reused = true;
    SessionPtr s = resume(nullptr, version, &reused);
    ASSERT_TRUE(s);
    EXPECT_FALSE(reused);
    EXPECT_TRUE(SSL_SESSION_has_ticket(s.get()));
    ASSERT_TRUE(resume(s.get(), version, &reused));
    EXPECT_TRUE(reused);
  }
}

TEST_F(TicketKeysTest, OffIssuesNoTicket) {
  CtxPtr srv = server(false), cli = client(TLS1_2_VERSION);
  SessionPtr s = connect_once(cli.get(), srv.get(), nullptr, nullptr);
  ASSERT_TRUE(s);
  EXPECT_FALSE(SSL_SESSION_has_ticket(s.get()));
}

TEST_F(TicketKeysTest, OneRotationResumesAndRenewsTwoDoNot) {
  bool reused = false;
  SessionPtr s = resume(nullptr, TLS1_2_VERSION, &reused);
  ASSERT_TRUE(s);
  fake_now += kPeriod;  // one rotation: the ticket's key is now "previous"
  SessionPtr renewed = resume(s.get(), TLS1_2_VERSION, &reused);
  ASSERT_TRUE(renewed);
  EXPECT_TRUE(reused);
  EXPECT_EQ(keys_->rotations(), 1u);
  EXPECT_NE(ticket_of(renewed.get()), ticket_of(s.get()));  // re-issued under the new key
  fake_now += kPeriod;  // two rotations: the old key is gone, the renewed ticket's is previous
  ASSERT_TRUE(resume(s.get(), TLS1_2_VERSION, &reused));
  EXPECT_FALSE(reused);
  ASSERT_TRUE(resume(renewed.get(), TLS1_2_VERSION, &reused));
  EXPECT_TRUE(reused);
  EXPECT_EQ(keys_->rotations(), 2u);
}

TEST_F(TicketKeysTest, TicketWithinThePeriodIsNotRenewed) {
  bool reused = false;
  SessionPtr s = resume(nullptr, TLS1_2_VERSION, &reused);
  ASSERT_TRUE(s);
  fake_now += kPeriod - 1;
  SessionPtr again = resume(s.get(), TLS1_2_VERSION, &reused);
  ASSERT_TRUE(again);
  EXPECT_TRUE(reused);
  EXPECT_EQ(ticket_of(again.get()), ticket_of(s.get()));
  EXPECT_EQ(keys_->rotations(), 0u);
}

TEST_F(TicketKeysTest, RetiredKeyBytesAreWiped) {
  TicketKey first;
  ASSERT_TRUE(keys_->encryption_key(&first));
  auto mem = keys_->memory_for_test();
  auto holds = [&] {
    return std::search(mem.begin(), mem.end(), std::begin(first.aes), std::end(first.aes)) !=
           mem.end();
  };
  EXPECT_TRUE(holds());
  fake_now += kPeriod;
  TicketKey k;
  ASSERT_TRUE(keys_->encryption_key(&k));
  EXPECT_TRUE(holds());  // still "previous"
  fake_now += kPeriod;
  ASSERT_TRUE(keys_->encryption_key(&k));
  EXPECT_FALSE(holds());
}

TEST_F(TicketKeysTest, LongIdleRotatesEverythingOut) {
  bool reused = false;
  SessionPtr s = resume(nullptr, TLS1_3_VERSION, &reused);
  ASSERT_TRUE(s);
  fake_now += 100 * kPeriod;
  ASSERT_TRUE(resume(s.get(), TLS1_3_VERSION, &reused));
  EXPECT_FALSE(reused);
  EXPECT_EQ(keys_->rotations(), 3u);
}

TEST_F(TicketKeysTest, ChildResumesParentsTicketAndItsRotationIsShared) {
  bool reused = false;
  SessionPtr s;
  int to_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(to_child[1]);
    std::vector<uint8_t> der(16384);
    ssize_t n = ::read(to_child[0], der.data(), der.size());
    if (n <= 0) ::_exit(2);
    const unsigned char* p = der.data();
    SessionPtr got(d2i_SSL_SESSION(nullptr, &p, n));
    bool r = false;
    if (!resume(got.get(), TLS1_2_VERSION, &r) || !r) ::_exit(3);
    fake_now += 2 * kPeriod;  // this child rotates the shared keys twice
    if (!resume(got.get(), TLS1_2_VERSION, &r) || r) ::_exit(4);
    ::_exit(0);
  }
  ::close(to_child[0]);
  s = resume(nullptr, TLS1_2_VERSION, &reused);  // issued after the fork, in the parent
  ASSERT_TRUE(s);
  std::vector<uint8_t> der(static_cast<size_t>(i2d_SSL_SESSION(s.get(), nullptr)));
  unsigned char* p = der.data();
  i2d_SSL_SESSION(s.get(), &p);
  ASSERT_EQ(::write(to_child[1], der.data(), der.size()), static_cast<ssize_t>(der.size()));
  ::close(to_child[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  // The parent's clock never moved, yet the child's rotations retired the ticket's key.
  EXPECT_EQ(keys_->rotations(), 2u);
  ASSERT_TRUE(resume(s.get(), TLS1_2_VERSION, &reused));
  EXPECT_FALSE(reused);
}

TEST_F(TicketKeysTest, ChildDyingInsideTheLockLeavesFreshKeys) {
  bool reused = false;
  SessionPtr s = resume(nullptr, TLS1_2_VERSION, &reused);
  ASSERT_TRUE(s);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    pthread_mutex_lock(keys_->mutex_for_test());
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  SessionPtr fresh = resume(s.get(), TLS1_2_VERSION, &reused);
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(reused);  // keys were redrawn
  ASSERT_TRUE(resume(fresh.get(), TLS1_2_VERSION, &reused));
  EXPECT_TRUE(reused);  // and work
}

}  // namespace
}  // namespace tern::ssl
