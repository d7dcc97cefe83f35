// RequestReadTimeout in every form mod_reqtimeout documents, and tern's default
// capacity for waiting connections (AsyncRequestWorkerFactor).

#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"
#include "mpm/admission.h"

namespace tern {
namespace {

using testing::load;
using testing::TempDir;

class ReqTimeoutDirective : public testing::ConfigTest {
 protected:
  static void expect(const ReadTimeoutSpec& t, int initial, int max, int rate) {
    EXPECT_EQ(t.initial_seconds, initial);
    EXPECT_EQ(t.max_seconds, max);
    EXPECT_EQ(t.min_rate, rate);
  }
};

TEST_F(ReqTimeoutDirective, HttpdDefaultWhenUnset) {
  auto c = ok("");
  expect(c->header_read_timeout, 20, 40, 500);
  expect(c->body_read_timeout, 20, 0, 500);
}

TEST_F(ReqTimeoutDirective, DocumentedExamples) {
  // The examples of httpd 2.4's mod_reqtimeout page.
  auto c = ok("RequestReadTimeout handshake=5 header=10 body=30\n");
  expect(c->header_read_timeout, 10, 0, 0);
  expect(c->body_read_timeout, 30, 0, 0);
  c = ok("RequestReadTimeout body=10,MinRate=1000\n");
  expect(c->header_read_timeout, 20, 40, 500);  // untouched: httpd's default stays
  expect(c->body_read_timeout, 10, 0, 1000);
  c = ok("RequestReadTimeout header=10-30,MinRate=500\n");
  expect(c->header_read_timeout, 10, 30, 500);
  c = ok("RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500\n");
  expect(c->header_read_timeout, 20, 40, 500);
  expect(c->body_read_timeout, 20, 0, 500);
  // Debian's reqtimeout.conf sets the two types on separate lines.
  c = ok("RequestReadTimeout header=20-40,MinRate=500\nRequestReadTimeout body=10,MinRate=500\n");
  expect(c->header_read_timeout, 20, 40, 500);
  expect(c->body_read_timeout, 10, 0, 500);
}

TEST_F(ReqTimeoutDirective, ZeroDisablesAType) {
  auto c = ok("RequestReadTimeout header=0 body=0\n");
  expect(c->header_read_timeout, 0, 0, 0);
  expect(c->body_read_timeout, 0, 0, 0);
}

TEST_F(ReqTimeoutDirective, TypeAndOptionAreCaseInsensitive) {
  auto c = ok("RequestReadTimeout HEADER=5-9,minrate=100 Body=7,MINRATE=50\n");
  expect(c->header_read_timeout, 5, 9, 100);
  expect(c->body_read_timeout, 7, 0, 50);
}

TEST_F(ReqTimeoutDirective, HandshakeIsKeptForTls) {
  auto c = ok("RequestReadTimeout handshake=5 header=10\n");
  EXPECT_TRUE(c->warnings.empty());
  expect(c->handshake_read_timeout, 5, 0, 0);
  c = ok("RequestReadTimeout handshake=5-10,MinRate=100\n");
  expect(c->handshake_read_timeout, 5, 10, 100);
  expect(ok("")->handshake_read_timeout, 0, 0, 0);  // mod_reqtimeout's default: handshake=0
  EXPECT_EQ(err("RequestReadTimeout handshake=5-1,MinRate=1\n"),
            "t.conf:1: RequestReadTimeout: handshake: maximum timeout must be larger than "
            "initial timeout");
}

TEST_F(ReqTimeoutDirective, RefusesWhatHttpdRefuses) {
  EXPECT_NE(err("RequestReadTimeout header=10-20\n").find("Must set MinRate"), std::string::npos);
  EXPECT_NE(err("RequestReadTimeout body=10,MinRate=0\n").find("MinRate"), std::string::npos);
  EXPECT_NE(err("RequestReadTimeout body=-1\n").find("body: timeout"), std::string::npos);
  EXPECT_NE(err("RequestReadTimeout header=10-10,MinRate=1\n").find("larger"), std::string::npos);
}

// The goal: with no MPM directive, and with Debian's mpm_event.conf, the
// processes started at first hold at least 10,000 waiting connections while every
// worker is idle (waiting connections hold none in tern).
int64_t idle_capacity(const Config& c) {
  return c.start_servers *
         admission_limit(c.threads_per_child, c.async_request_worker_factor, c.threads_per_child);
}

TEST_F(ReqTimeoutDirective, DefaultsHoldTenThousandWaitingConnections) {
  auto c = ok("");
  EXPECT_GE(idle_capacity(*c), 10000);
  auto debian =
      ok("StartServers 2\nMinSpareThreads 25\nMaxSpareThreads 75\nThreadLimit 64\n"
         "ThreadsPerChild 25\nMaxRequestWorkers 150\nMaxConnectionsPerChild 0\n");
  EXPECT_GE(idle_capacity(*debian), 10000);
}

}  // namespace
}  // namespace tern
