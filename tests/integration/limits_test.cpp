// Every limit is visible: running out of descriptors on accept, the admission
// door closing and reopening, and the start-up notices reach the error log
// (rate-limited where they can repeat) and server-status/metrics. Real
// processes; every wait is bounded and waits for an event.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <regex>
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

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
}

// Lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

// The value of `key` in a ?auto body, -1 when absent.
long auto_value(const std::string& body, const std::string& key) {
  auto lines = lines_with(body, key + ": ");
  for (const auto& l : lines) {
    if (l.rfind(key + ": ", 0) == 0) return std::stol(l.substr(key.size() + 2));
  }
  return -1;
}

// The sample of an unlabelled Prometheus metric, -1 when absent.
long metric_value(const std::string& body, const std::string& name) {
  for (const auto& l : lines_with(body, name + " ")) {
    if (l.rfind(name + " ", 0) == 0) return std::stol(l.substr(name.size() + 1));
  }
  return -1;
}

std::string body_of(int port, const std::string& path) {
  auto r = fetch(port, get(path));
  return r && r->status == 200 ? r->body : "";
}

TEST(Limits, DescriptorExhaustionIsLoggedRateLimitedCountedAndRecovers) {
  Server s;
  s.put("index.html", "hello\n");
  // Soft and hard limit 64 (the child cannot raise them): a few dozen
  // connections fit; admission must not be what stops the accepting.
  s.set_nofile_limit(64);
  // The clients stay silent: without AcceptFilter none the kernel would not hand them over.
  ASSERT_TRUE(
      s.start(std::string(kStatusConf) + "AsyncRequestWorkerFactor 1000\nAcceptFilter http none\n"))
      << s.log();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 150; ++i) {
    clients.push_back(std::make_unique<Client>(s.port()));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  const std::string kLine = "accept4() failed (24: Too many open files)";
  ASSERT_TRUE(
      wait_until([&] { return s.read("logs/error_log").find(kLine) != std::string::npos; }, 10s))
      << s.read("logs/error_log");
  // The server retries every 100 ms while the clients hold every descriptor:
  // hold the exhaustion for a while so that many accepts fail.
  std::this_thread::sleep_for(2s);
  clients.clear();
  // Every descriptor comes back: a new client is answered.
  std::optional<Response> r;
  ASSERT_TRUE(wait_until(
      [&] {
        r = fetch(s.port(), get("/index.html"));
        return r && r->status == 200;
      },
      10s))
      << s.read("logs/error_log");
  EXPECT_EQ(r->body, "hello\n");

  std::string status = body_of(s.port(), "/server-status?auto");
  long failed = auto_value(status, "AcceptErrors");
  std::string err = s.read("logs/error_log");
  auto logged = lines_with(err, "accept4() failed");
  ASSERT_FALSE(logged.empty());
  EXPECT_NE(logged[0].find("[mpm_event:warn]"), std::string::npos) << logged[0];
  // Written by the child (the worker whose accept failed), not the control process.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(logged[0], m, std::regex(R"(\[pid (\d+):tid (\d+)\])")));
  EXPECT_NE(std::stol(m[1]), static_cast<long>(s.pid())) << logged[0];
  // Rate-limited: the first failure and at most a summary per 10 s, not a line
  // per failed accept (about 20 failed in the 2 s held above).
  EXPECT_GE(failed, 5) << status;
  EXPECT_LE(logged.size(), 3u) << err;
  EXPECT_LT(static_cast<long>(logged.size()), failed) << err << status;
  std::string metrics = body_of(s.port(), "/metrics");
  EXPECT_GE(metric_value(metrics, "tern_accept_errors_total"), failed) << metrics;
  EXPECT_EQ(s.stop(), 0);
}

TEST(Limits, AdmissionDoorClosingIsLoggedRateLimitedAndCounted) {
  Server s;
  s.put("index.html", "hello\n");
  // One worker and a tiny factor: the limit is one connection (1 + 0.01 x 1),
  // so every connection closes the door until it ends. The first client stays silent:
  // AcceptFilter none, so that the kernel hands it over at once.
  ASSERT_TRUE(s.start(std::string(kStatusConf) +
                      "ThreadsPerChild 1\nAsyncRequestWorkerFactor 0.01\nAcceptFilter http none\n"))
      << s.log();
  {
    Client idle(s.port());
    ASSERT_TRUE(idle.connected());
    ASSERT_TRUE(wait_until(
        [&] {
          return s.read("logs/error_log").find("not accepting new conns in this process") !=
                 std::string::npos;
        },
        10s))
        << s.read("logs/error_log");
  }
  // The idle client is gone: the door reopens, and says so.
  ASSERT_TRUE(wait_until(
      [&] {
        return s.read("logs/error_log").find("Accepting new connections again") !=
               std::string::npos;
      },
      10s))
      << s.read("logs/error_log");
  // Twenty more door cycles: a kept-alive connection holds the door closed
  // until its client leaves (closing connections do not count). The listener
  // closes the door in the pass that accepted the connection; a client that
  // left before a preempted listener got there causes no cycle, so each client
  // stays a moment and the count needs only most of the cycles, not all.
  for (int i = 0; i < 20; ++i) {
    Client c(s.port());
    ASSERT_TRUE(c.send("GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r && r->status == 200) << i;
    std::this_thread::sleep_for(100ms);
  }
  std::string status = body_of(s.port(), "/server-status?auto");
  long closed = auto_value(status, "AdmissionClosed");
  EXPECT_GE(closed, 11) << status;
  std::string err = s.read("logs/error_log");
  auto logged = lines_with(err, "not accepting new conns");
  ASSERT_FALSE(logged.empty());
  EXPECT_NE(logged[0].find("[mpm_event:warn]"), std::string::npos) << logged[0];
  EXPECT_NE(logged[0].find("AsyncRequestWorkerFactor"), std::string::npos) << logged[0];
  EXPECT_LE(logged.size(), 3u) << err;
  std::string metrics = body_of(s.port(), "/metrics");
  EXPECT_GE(metric_value(metrics, "tern_admission_closed_total"), closed) << metrics;
  EXPECT_EQ(s.stop(), 0);
}

// The notices are written whatever LogLevel says (as httpd's), in both modes.
void expect_startup_notices(const std::vector<std::string>& args) {
  Server s;
  ASSERT_TRUE(s.start("LogLevel warn\n", args)) << s.log();
  std::string addr = "listening on 127.0.0.1:" + std::to_string(s.port());
  ASSERT_TRUE(
      wait_until([&] { return s.read("logs/error_log").find(addr) != std::string::npos; }, 10s))
      << s.read("logs/error_log");
  std::string err = s.read("logs/error_log");
  auto configured = lines_with(err, "configured -- resuming normal operations");
  ASSERT_EQ(configured.size(), 1u) << err;
  EXPECT_NE(configured[0].find("[mpm_event:notice]"), std::string::npos) << err;
  EXPECT_NE(configured[0].find("] tern/"), std::string::npos) << err;
  EXPECT_LT(err.find("configured -- resuming"), err.find(addr));
  // The terminal is told too (stderr in the foreground), with the error log's path.
  EXPECT_NE(s.log().find(addr + "; error log: "), std::string::npos) << s.log();
  EXPECT_EQ(s.stop(), 0);
}

TEST(Limits, StartupNoticesNameTheListenAddresses) {
  expect_startup_notices({});
}

TEST(Limits, StartupNoticesInSingleProcessMode) {
  expect_startup_notices({"-X"});
}

TEST(Limits, RestartIsLoggedAndResumes) {
  Server s;
  ASSERT_TRUE(s.start("LogLevel warn\n")) << s.log();
  ASSERT_TRUE(wait_until(
      [&] { return s.read("logs/error_log").find("listening on") != std::string::npos; }, 10s));
  ::kill(s.pid(), SIGHUP);
  ASSERT_TRUE(wait_until(
      [&] { return lines_with(s.read("logs/error_log"), "listening on").size() == 2; }, 10s))
      << s.read("logs/error_log");
  std::string err = s.read("logs/error_log");
  EXPECT_NE(err.find("SIGHUP received.  Attempting to restart"), std::string::npos) << err;
  EXPECT_EQ(lines_with(err, "configured -- resuming normal operations").size(), 2u) << err;
  EXPECT_EQ(s.stop(), 0);
}

}  // namespace
}  // namespace tern::test
