// The event MPM's promise: no worker waits on a client. Slow readers, slow
// senders and lingering closes are held by the listener.

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

// A fresh client's small request answered within `limit`.
bool answered_promptly(int port, std::chrono::milliseconds limit) {
  auto t0 = Clock::now();
  auto r = fetch(port, get("/small.txt"));
  return r && r->status == 200 && Clock::now() - t0 < limit;
}

TEST(Async, SlowReadersDoNotHoldWorkers) {
  Server s;
  s.put("small.txt", "small\n");
  s.put("big.bin", std::string(1 << 20, 'b'));
  ASSERT_TRUE(s.start("ThreadsPerChild 4\nTimeout 30\nAsyncRequestWorkerFactor 250\n")) << s.log();
  // 200 clients start a 1 MiB download and read nothing: every one of them
  // fills its socket buffers and parks in write completion.
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 200; ++i) {
    auto c = std::make_unique<Client>(s.port());
    ASSERT_TRUE(c->connected());
    int small = 4096;
    if (i > 0) ::setsockopt(c->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    ASSERT_TRUE(c->send(get("/big.bin")));
    slow.push_back(std::move(c));
  }
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(answered_promptly(s.port(), 1000ms));
  // Now read them all slowly for a moment (~20 KB/s each), then check again.
  auto until = Clock::now() + 1s;
  char buf[65536];
  while (Clock::now() < until) {
    for (size_t i = 1; i < slow.size(); ++i) ::recv(slow[i]->fd(), buf, 2048, MSG_DONTWAIT);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(answered_promptly(s.port(), 1000ms));
  // One of them reads everything: the whole file arrives intact.
  std::string all;
  auto end = Clock::now() + 20s;
  while (all.size() < (1 << 20) + 100 && Clock::now() < end) {
    pollfd p{slow[0]->fd(), POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) break;
    ssize_t n = ::recv(slow[0]->fd(), buf, sizeof buf, 0);
    if (n <= 0) break;
    all.append(buf, static_cast<size_t>(n));
  }
  size_t body = all.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(all.size() - body - 4, static_cast<size_t>(1 << 20));
}

TEST(Async, SlowSendersGet408AndDoNotHoldWorkers) {
  Server s;
  s.put("small.txt", "small\n");
  ASSERT_TRUE(
      s.start("ThreadsPerChild 4\nAsyncRequestWorkerFactor 250\n"
              "RequestReadTimeout header=4-8,MinRate=500\n"))
      << s.log();
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 500; ++i) {
    auto c = std::make_unique<Client>(s.port());
    ASSERT_TRUE(c->connected());
    ASSERT_TRUE(c->send("G"));
    slow.push_back(std::move(c));
  }
  auto t0 = Clock::now();
  for (int sec = 0; sec < 1; ++sec) {
    for (auto& c : slow) c->send("E");
    std::this_thread::sleep_for(500ms);
    // Held workers would make this wait for the 4 s timeouts; allow for sanitizer builds.
    EXPECT_TRUE(answered_promptly(s.port(), 2000ms));
  }
  // Each slow sender has a 4 s budget (plus 1 s per 500 bytes): 408 around then.
  int got408 = 0;
  for (auto& c : slow) {
    auto r = c->read_response(false, 10000);
    if (r && r->status == 408) ++got408;
  }
  auto waited = Clock::now() - t0;
  EXPECT_EQ(got408, 500);
  EXPECT_GE(waited, 3000ms);
  EXPECT_LE(waited, 9000ms);
}

TEST(Async, EarlyErrorIsReadByAnUploadingClient) {
  Server s;
  ASSERT_TRUE(s.start("LimitRequestBody 1000\n")) << s.log();
  Client c(s.port());
  ASSERT_TRUE(c.send("PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n"));
  // Keep uploading after the server has decided: lingering close drains it.
  std::string chunk(65536, 'u');
  for (int i = 0; i < 8; ++i) c.send(chunk);
  auto r = c.read_response(false, 5000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.wait_closed(5000));
  EXPECT_FALSE(c.was_reset());
}

TEST(Async, KeepAliveTimeoutHasMillisecondPrecision) {
  Server s;
  s.put("small.txt", "x");
  ASSERT_TRUE(s.start("KeepAliveTimeout 300ms\n")) << s.log();
  Client c(s.port());
  ASSERT_TRUE(c.send(get("/small.txt")));
  ASSERT_TRUE(c.read_response());
  auto t0 = Clock::now();
  ASSERT_TRUE(c.wait_closed(3000));
  auto waited = Clock::now() - t0;
  EXPECT_GE(waited, 250ms);
  EXPECT_LE(waited, 800ms);
}

// TCP states (hex, as in /proc/net/tcp) of sockets whose local port is `port`.
std::vector<int> server_side_states(int port) {
  std::vector<int> states;
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string sl, local, remote, st;
    ls >> sl >> local >> remote >> st;
    size_t colon = local.find(':');
    if (colon == std::string::npos) continue;
    if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) {
      states.push_back(std::stoi(st, nullptr, 16));
    }
  }
  return states;
}

TEST(Async, WriteTimeoutClosesAStalledReader) {
  Server s;
  s.put("big.bin", std::string(8 << 20, 'b'));
  ASSERT_TRUE(s.start("Timeout 1\n")) << s.log();
  Client c(s.port());
  int small = 4096;
  ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ASSERT_TRUE(c.send(get("/big.bin")));
  std::this_thread::sleep_for(500ms);
  // Still established while within Timeout (state 01 = ESTABLISHED, besides LISTEN 0A).
  auto during = server_side_states(s.port());
  EXPECT_NE(std::find(during.begin(), during.end(), 0x01), during.end());
  std::this_thread::sleep_for(2000ms);  // read nothing: the server gives up after ~1 s
  // The server closed its side: no ESTABLISHED socket on its port any more
  // (what it had queued drains in FIN-WAIT).
  auto after = server_side_states(s.port());
  EXPECT_EQ(std::find(after.begin(), after.end(), 0x01), after.end());
}

TEST(Async, FewWorkersManyConnectionsEveryRequestAnswered) {
  Server s;
  s.put("small.txt", "small\n");
  ASSERT_TRUE(s.start("ThreadsPerChild 2\nAsyncRequestWorkerFactor 2\n")) << s.log();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        Client c(s.port());
        if (!c.connected()) continue;
        for (int k = 0; k < 4; ++k) {
          if (!c.send(get("/small.txt"))) break;
          auto r = c.read_response(false, 10000);
          if (r && r->status == 200) ++ok;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8 * 25 * 4);
}

TEST(Async, AdmissionClosesTheDoorAboveTheBoundAndReopensPromptly) {
  Server s;
  s.put("small.txt", "small\n");
  // One worker, factor 1: the process takes at most 1 + 1 x 1 = 2 connections.
  ASSERT_TRUE(s.start("ThreadsPerChild 1\nAsyncRequestWorkerFactor 1\nKeepAliveTimeout 30\n"))
      << s.log();
  auto first = std::make_unique<Client>(s.port());
  Client second(s.port());
  for (Client* c : {first.get(), &second}) {
    ASSERT_TRUE(c->send(get("/small.txt")));
    ASSERT_TRUE(c->read_response());
  }
  // The third waits in the backlog while the two keep-alive connections stay.
  Client third(s.port());
  ASSERT_TRUE(third.send(get("/small.txt")));
  EXPECT_FALSE(third.read_response(false, 300));
  // One leaves: the door reopens within the listener's re-check, not its idle tick.
  first.reset();
  auto t0 = Clock::now();
  auto r = third.read_response(false, 3000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(Clock::now() - t0, 500ms);
}

TEST(Async, GracefulStopFinishesInFlightWrites) {
  Server s;
  s.put("big.bin", std::string(32 << 20, 'g'));  // more than the socket buffers hold
  ASSERT_TRUE(s.start()) << s.log();
  Client c(s.port());
  ASSERT_TRUE(c.send(get("/big.bin")));
  std::this_thread::sleep_for(200ms);
  Client idle(s.port());
  ASSERT_TRUE(idle.send(get("/nothing")));
  ::kill(s.pid(), SIGTERM);
  auto r = c.read_response(false, 15000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.size(), static_cast<size_t>(32 << 20));
  EXPECT_EQ(s.stop(SIGTERM, 10000), 0);
}

}  // namespace
}  // namespace tern::test
