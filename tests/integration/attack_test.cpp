// Hostile clients against tern's defaults (no MPM directive in the configuration):
// slow bodies, slow heads (slowloris), slow readers and 10,000 partial heads. Each
// test asserts that a legitimate client is answered during the attack (a bound of
// seconds) and that the slow connections are closed at their documented deadlines.
// Timeouts are configured short, except in the 10,000-connection test.

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// A blocking loopback socket to `port` whose connect, sends and receives give up
// after `timeout_ms` (a server that stops accepting must fail a test, not hang it);
// -1 on failure.
int connect_bounded(int port, int timeout_ms, int rcvbuf = 0) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);  // bounds connect() too
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Many raw loopback connections of one kind of attacker, watched together.
class Swarm {
 public:
  struct Conn {
    int fd = -1;
    Clock::time_point start;                    // just before connect()
    std::optional<Clock::time_point> first_in;  // first response byte
    std::optional<Clock::time_point> closed;    // EOF, reset or a failed send
    std::string got;                            // the first bytes received
  };

  // Connects `n` clients to `port` (with SO_RCVBUF `rcvbuf` when > 0) and sends
  // `first` on each, giving up after 30 s in all. Connections that fail or were
  // not tried are counted in failed_connects.
  Swarm(int port, int n, const std::string& first, int rcvbuf = 0) {
    conns_.reserve(static_cast<size_t>(n));
    auto give_up = Clock::now() + 30s;
    for (int i = 0; i < n; ++i) {
      Conn c;
      c.start = Clock::now();
      c.fd = c.start < give_up ? connect_bounded(port, 3000, rcvbuf) : -1;
      if (c.fd >= 0 && ::send(c.fd, first.data(), first.size(), MSG_NOSIGNAL) !=
                           static_cast<ssize_t>(first.size())) {
        ::close(c.fd);
        c.fd = -1;
      }
      if (c.fd < 0) {
        ++failed_connects;
        continue;
      }
      ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) | O_NONBLOCK);
      conns_.push_back(std::move(c));
    }
  }
  ~Swarm() {
    for (Conn& c : conns_) ::close(c.fd);
  }
  Swarm(const Swarm&) = delete;
  Swarm& operator=(const Swarm&) = delete;

  std::vector<Conn>& conns() { return conns_; }
  // Connections not yet seen closed.
  size_t open() const {
    return static_cast<size_t>(
        std::count_if(conns_.begin(), conns_.end(), [](const Conn& c) { return !c.closed; }));
  }
  // Sends `bytes` to every open connection (never blocking); a send the peer
  // refuses (reset) marks the connection closed.
  void send_all(const std::string& bytes) {
    for (Conn& c : conns_) {
      if (c.closed) continue;
      ssize_t n = ::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) c.closed = Clock::now();
    }
  }
  // Watches the open connections for `ms`. Reading: records the first bytes and
  // the close (EOF or reset). Not reading (slow readers): only a reset or hang-up
  // is seen, and the response stays unread in the socket.
  void watch(int ms, bool read) {
    auto end = Clock::now() + Ms(ms);
    std::vector<pollfd> fds;
    std::vector<Conn*> who;
    char buf[4096];
    for (;;) {
      fds.clear();
      who.clear();
      for (Conn& c : conns_) {
        if (c.closed) continue;
        fds.push_back({c.fd, static_cast<short>(read ? POLLIN | POLLRDHUP : 0), 0});
        who.push_back(&c);
      }
      auto left = std::chrono::duration_cast<Ms>(end - Clock::now()).count();
      if (fds.empty() || left <= 0) return;
      int r = ::poll(fds.data(), fds.size(), static_cast<int>(left));
      if (r <= 0) continue;
      auto now = Clock::now();
      for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        Conn& c = *who[i];
        if (!read) {
          if (fds[i].revents & (POLLERR | POLLHUP)) c.closed = now;
          continue;
        }
        for (;;) {
          ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
          if (n > 0) {
            if (!c.first_in) c.first_in = now;
            if (c.got.size() < 4096) c.got.append(buf, static_cast<size_t>(n));
            continue;
          }
          if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            c.closed = now;
          }
          break;
        }
      }
    }
  }
  int failed_connects = 0;

 private:
  std::vector<Conn> conns_;
};

// A legitimate client fetching a small file over and over on fresh connections
// while an attack runs, recording failures and the slowest answer.
class LegitProbe {
 public:
  explicit LegitProbe(int port) : thread_([this, port] { loop(port); }) {}
  ~LegitProbe() { stop(); }
  void stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int answered() const { return answered_; }
  int failed() const { return failed_; }
  double slowest_s() const { return slowest_ms_ / 1000.0; }

 private:
  void loop(int port) {
    const std::string want = "\r\n\r\nsmall\n";
    while (!done_) {
      auto t0 = Clock::now();
      std::string got;
      int fd = connect_bounded(port, 5000);
      if (fd >= 0 && ::send(fd, kRequest, sizeof kRequest - 1, MSG_NOSIGNAL) > 0) {
        char buf[1024];
        while (got.size() < 4096 && got.find(want) == std::string::npos) {
          ssize_t n = ::recv(fd, buf, sizeof buf, 0);  // SO_RCVTIMEO bounds each wait
          if (n <= 0 || Clock::now() - t0 > 10s) break;
          got.append(buf, static_cast<size_t>(n));
        }
      }
      if (fd >= 0) ::close(fd);
      auto took = std::chrono::duration_cast<Ms>(Clock::now() - t0).count();
      slowest_ms_ = std::max<int64_t>(slowest_ms_, took);
      if (got.starts_with("HTTP/1.1 200 ") && got.find(want) != std::string::npos) {
        ++answered_;
      } else {
        ++failed_;
      }
      for (int i = 0; i < 4 && !done_; ++i) std::this_thread::sleep_for(50ms);
    }
  }
  static constexpr char kRequest[] =
      "GET /small.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  std::atomic<bool> done_{false};
  std::atomic<int> answered_{0};
  std::atomic<int> failed_{0};
  std::atomic<int64_t> slowest_ms_{0};
  std::thread thread_;
};

// Legitimate clients were answered throughout, each within `bound_s` seconds.
void expect_served(const LegitProbe& p, double bound_s) {
  EXPECT_GE(p.answered(), 3);
  EXPECT_EQ(p.failed(), 0);
  EXPECT_LT(p.slowest_s(), bound_s);
}

// Raises this process's descriptor limit to `want` (or the hard limit); returns it.
rlim_t raise_nofile(rlim_t want) {
  rlimit r{};
  ::getrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < want) {
    r.rlim_cur = std::min(want, r.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &r);
    ::getrlimit(RLIMIT_NOFILE, &r);
  }
  return r.rlim_cur;
}

constexpr const char* kShortReadTimeouts =
    "RequestReadTimeout header=2-6,MinRate=500 body=2,MinRate=500\n";

// POST bodies of 100,000 bytes trickling one byte every 500 ms (far below
// MinRate 500): each is closed at its body deadline, 2 s after tern starts reading
// it (plus 2 ms per byte received), though bytes keep arriving. tern reads a body
// only to drop it after its response went out, so the response is the handler's
// and the timeout just closes.
TEST(Attack, SlowBodiesAreClosedAtTheirDeadline) {
  raise_nofile(4096);
  Server s;
  s.put("small.txt", "small\n");
  ASSERT_TRUE(s.start_with_mpm_defaults(kShortReadTimeouts)) << s.log();
  Swarm slow(s.port(), 300,
             "POST /small.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nx");
  ASSERT_EQ(slow.failed_connects, 0);
  LegitProbe legit(s.port());
  auto end = Clock::now() + 15s;
  while (slow.open() > 0 && Clock::now() < end) {
    slow.send_all("x");
    slow.watch(500, true);
  }
  legit.stop();
  expect_served(legit, 3.0);
  for (Swarm::Conn& c : slow.conns()) {
    ASSERT_TRUE(c.first_in) << "no response";
    EXPECT_EQ(c.got.substr(0, 9), "HTTP/1.1 ");
    ASSERT_TRUE(c.closed) << "a body trickling below MinRate was still open after 15 s";
    double body_phase = seconds(*c.closed - *c.first_in);
    EXPECT_GE(body_phase, 1.8);
    EXPECT_LE(body_phase, 2.0 + 4.0);  // the deadline, plus room for a loaded machine
  }
}

// Slowloris: 1,000 partial heads sending one byte every 500 ms get 408 at
// header=2 s (+2 ms per byte); 100 heads that sent 1,000 bytes at once have 2 s
// more (MinRate 500); 100 that sent 5,000 bytes stop at the maximum, 6 s.
TEST(Attack, SlowHeadsGet408AtTheHeaderDeadlineWithMinRateAndMaximum) {
  raise_nofile(4096);
  Server s;
  s.put("small.txt", "small\n");
  ASSERT_TRUE(s.start_with_mpm_defaults(kShortReadTimeouts)) << s.log();
  const std::string line = "GET / HTTP/1.1\r\n";
  auto padded = [&](size_t total) {
    return line + "X-Pad: " + std::string(total - line.size() - 7, 'p');
  };
  Swarm loris(s.port(), 1000, line);
  Swarm extended(s.port(), 100, padded(1000));
  Swarm capped(s.port(), 100, padded(5000));
  ASSERT_EQ(loris.failed_connects + extended.failed_connects + capped.failed_connects, 0);
  LegitProbe legit(s.port());
  auto end = Clock::now() + 15s;
  while (loris.open() + extended.open() + capped.open() > 0 && Clock::now() < end) {
    loris.send_all("a");
    loris.watch(300, true);
    extended.watch(100, true);
    capped.watch(100, true);
  }
  legit.stop();
  expect_served(legit, 3.0);
  auto check = [](Swarm& sw, double deadline_s, const char* what) {
    for (Swarm::Conn& c : sw.conns()) {
      ASSERT_TRUE(c.first_in) << what << ": no 408 within 15 s";
      EXPECT_EQ(c.got.substr(0, 12), "HTTP/1.1 408") << what;
      double at = seconds(*c.first_in - c.start);
      EXPECT_GE(at, deadline_s - 0.1) << what;
      EXPECT_LE(at, deadline_s + 3.0) << what;  // room for a loaded machine
      EXPECT_TRUE(c.closed) << what << ": 408 sent but not closed";
    }
  };
  check(loris, 2.0, "slowloris");
  check(extended, 4.0, "1,000 bytes at MinRate 500");
  check(capped, 6.0, "5,000 bytes, maximum 6 s");
}

// Slow readers: 300 clients request 4 MiB with a tiny receive buffer, read
// nothing and keep sending a byte every 300 ms. Each wake-up writes nothing, so
// each is closed once no byte went out for Timeout (2 s), as httpd does.
TEST(Attack, SlowReadersAreClosedAfterTimeoutWithoutProgress) {
  raise_nofile(4096);
  Server s;
  s.put("small.txt", "small\n");
  s.put("big.bin", std::string(4 << 20, 'b'));
  ASSERT_TRUE(s.start_with_mpm_defaults(std::string("Timeout 2\n") + kShortReadTimeouts))
      << s.log();
  Swarm slow(s.port(), 300, get("/big.bin"), 4096);
  ASSERT_EQ(slow.failed_connects, 0);
  LegitProbe legit(s.port());
  auto end = Clock::now() + 15s;
  while (slow.open() > 0 && Clock::now() < end) {
    slow.send_all("x");
    slow.watch(300, false);
  }
  legit.stop();
  expect_served(legit, 3.0);
  for (Swarm::Conn& c : slow.conns()) {
    ASSERT_TRUE(c.closed) << "a reader that made no progress was still open after 15 s";
    double at = seconds(*c.closed - c.start);
    EXPECT_GE(at, 1.9);
    EXPECT_LE(at, 2.0 + 5.0);  // the buffers fill within moments; room for a loaded machine
  }
}

// Server-side sockets on `port` that a process has accepted: established, with
// an inode (a connection still in the listen backlog has none).
size_t accepted_on(int port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);
  size_t n = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string sl, local, remote, st, queues, timer, retr, uid, timeout, inode;
    ls >> sl >> local >> remote >> st >> queues >> timer >> retr >> uid >> timeout >> inode;
    size_t colon = local.find(':');
    if (colon == std::string::npos || st != "01" || inode == "0") continue;
    if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) ++n;
  }
  return n;
}

// 10,000 partial heads held at once with tern's default timeouts and MPM
// settings, while a legitimate client is answered.
TEST(Attack, TenThousandPartialHeadsAreHeldWithTheDefaults) {
  constexpr int kConns = 10000;
  if (raise_nofile(kConns + 512) < kConns + 512) {
    GTEST_FAIL() << "this test needs RLIMIT_NOFILE >= " << kConns + 512 << " (hard limit too low)";
  }
  Server s;
  s.put("small.txt", "small\n");
  ASSERT_TRUE(s.start_with_mpm_defaults()) << s.log();
  LegitProbe legit(s.port());
  auto t0 = Clock::now();
  Swarm partial(s.port(), kConns, "GET / HTTP/1.1\r\nHost: x\r\n");
  ASSERT_EQ(partial.failed_connects, 0);
  // Every one of them is accepted (not left in the backlog) and none is closed:
  // the default header timeout is 20 s (plus 2 ms per byte received).
  size_t accepted = 0;
  auto until = Clock::now() + 10s;
  while ((accepted = accepted_on(s.port())) < static_cast<size_t>(kConns) && Clock::now() < until) {
    std::this_thread::sleep_for(200ms);
  }
  double held_after = seconds(Clock::now() - t0);
  EXPECT_GE(accepted, static_cast<size_t>(kConns));
  partial.watch(500, true);
  ASSERT_LT(held_after, 19.0) << "too slow to connect before the 20 s header timeout";
  EXPECT_EQ(partial.open(), static_cast<size_t>(kConns));
  legit.stop();
  expect_served(legit, 3.0);
}

}  // namespace
}  // namespace tern::test
