// The workers' batched first reads (src/net/read_prefetch.h): when the next requests of
// many idle keep-alive connections arrive together, a worker takes their first reads in
// one io_uring call. Every request is answered as with one read(2) each: heads longer
// than a prefetched read's room, pipelined requests, and a client's end of input.

#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
}

// True when one of the server's children has an io_uring open (made on its first batch).
bool child_has_ring(pid_t server) {
  for (pid_t child : children_of(server)) {
    std::error_code ec;
    const std::string dir = "/proc/" + std::to_string(child) + "/fd";
    for (const auto& fd : std::filesystem::directory_iterator(dir, ec)) {
      const auto target = std::filesystem::read_symlink(fd.path(), ec);
      if (!ec && target.string().find("io_uring") != std::string::npos) return true;
    }
  }
  return false;
}

class ReadPrefetchTest : public ::testing::Test {
 protected:
  static constexpr int kConnections = 16;

  void SetUp() override {
    s_.put("a.txt", "alpha\n");
    s_.put("b.txt", "bravo\n");
    // Two workers for sixteen connections: their requests queue up into batches.
    ASSERT_TRUE(
        s_.start("StartServers 1\nServerLimit 1\nThreadsPerChild 2\n"
                 "MaxRequestWorkers 2\nAsyncRequestWorkerFactor 100\nKeepAliveTimeout 3\n"
                 "MaxKeepAliveRequests 0\n"))
        << s_.log();
    for (int i = 0; i < kConnections; ++i) {
      clients_.push_back(std::make_unique<Client>(s_.port()));
      ASSERT_TRUE(clients_.back()->connected());
    }
  }

  // One round: every connection sends at once; connection 0's head is longer than a
  // prefetched read's 4096 bytes, connection 1 pipelines two requests. Then every answer
  // is read and checked.
  void round(int n) {
    const std::string pad = "X-Pad: " + std::string(6000, 'p') + "\r\n";
    for (int i = 0; i < kConnections; ++i) {
      std::string req = get(i % 2 ? "/a.txt" : "/b.txt", i == 0 ? pad : "");
      if (i == 1) req += get("/b.txt");
      ASSERT_TRUE(clients_[static_cast<size_t>(i)]->send(req)) << n << " " << i;
    }
    for (int i = 0; i < kConnections; ++i) {
      auto& c = *clients_[static_cast<size_t>(i)];
      auto r = c.read_response();
      ASSERT_TRUE(r) << "round " << n << " connection " << i << "\n" << s_.log();
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, i % 2 ? "alpha\n" : "bravo\n") << n << " " << i;
      if (i == 1) {
        auto second = c.read_response();
        ASSERT_TRUE(second) << n;
        EXPECT_EQ(second->body, "bravo\n");
      }
    }
  }

  Server s_;
  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(ReadPrefetchTest, RequestsArrivingTogetherAreAllAnswered) {
  // Rounds until a worker has taken a batch (its ring exists), then more on that ring.
  int rounds = 0;
  for (; rounds < 300 && !child_has_ring(s_.pid()); ++rounds) {
    round(rounds);
    if (HasFatalFailure()) return;
  }
  ASSERT_TRUE(child_has_ring(s_.pid()))
      << "no batch of two idle connections in " << rounds << " rounds";
  for (int i = 0; i < 30; ++i) {
    round(rounds + i);
    if (HasFatalFailure()) return;
  }
}

TEST_F(ReadPrefetchTest, AClientsEndOfInputAfterItsRequestIsAnsweredThenClosed) {
  for (int r = 0; r < 20; ++r) {
    round(r);
    if (HasFatalFailure()) return;
  }
  // Half the clients send their last request and end their input at once.
  for (int i = 0; i < kConnections; ++i) {
    auto& c = *clients_[static_cast<size_t>(i)];
    ASSERT_TRUE(c.send(get("/a.txt")));
    if (i % 2 == 0) {
      ASSERT_EQ(::shutdown(c.fd(), SHUT_WR), 0);
    }
  }
  for (int i = 0; i < kConnections; ++i) {
    auto r = clients_[static_cast<size_t>(i)]->read_response();
    ASSERT_TRUE(r) << i << "\n" << s_.log();
    EXPECT_EQ(r->body, "alpha\n");
  }
  // The others are still open and served.
  for (int i = 1; i < kConnections; i += 2) {
    auto& c = *clients_[static_cast<size_t>(i)];
    ASSERT_TRUE(c.send(get("/b.txt")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << i << "\n" << s_.log();
    EXPECT_EQ(r->body, "bravo\n");
  }
  // Those that ended their input are closed: at once when the end came after the read
  // of their request, else when their keep-alive wait (3 s) ends, as before prefetching
  // (an end of input that arrives with the request is seen at the next read).
  for (int i = 0; i < kConnections; i += 2) {
    EXPECT_TRUE(clients_[static_cast<size_t>(i)]->wait_closed(20000)) << i;
  }
}

}  // namespace
}  // namespace tern::test
