// Deadlines that restart with progress: KeepAliveTimeout after each request, and
// Timeout per read when RequestReadTimeout's header timeout is disabled.

#include <poll.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Deadlines, KeepAliveTimeoutRestartsAfterEveryRequest) {
  Server s;
  s.put("small.txt", "small\n");
  ASSERT_TRUE(s.start("KeepAliveTimeout 3\n")) << s.log();
  Client c(s.port());
  ASSERT_TRUE(c.connected());
  // Five requests 1 s apart: 5 s on one connection, each idle gap 2 s below the
  // timeout (room for a loaded machine), the whole well above it.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.send("GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n")) << "request " << i;
    auto r = c.read_response();
    ASSERT_TRUE(r) << "request " << i << " found the connection closed";
    EXPECT_EQ(r->status, 200);
    std::this_thread::sleep_for(1s);
  }
  // Then idle: closed after the keep-alive timeout.
  EXPECT_TRUE(c.wait_closed(15000));
}

TEST(Deadlines, DisabledHeaderTimeoutWaitsTimeoutPerRead) {
  Server s;
  ASSERT_TRUE(s.start("RequestReadTimeout header=0\nTimeout 3\n")) << s.log();
  Client c(s.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send("GET / HTTP/1.1\r\n"));
  // A byte a second for 5 s: each read is 2 s within Timeout, so the head stays open.
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(1s);
    ASSERT_TRUE(c.send("X")) << "closed after " << i + 1 << " s of progress";
  }
  pollfd p{c.fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0) << "answered while bytes kept coming";
  // Silence: 408 once no byte came for Timeout.
  auto t0 = Clock::now();
  auto r = c.read_response(false, 15000);
  auto waited = Clock::now() - t0;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_GE(waited, 2500ms);
  EXPECT_LE(waited, 12000ms);
}

}  // namespace
}  // namespace tern::test
