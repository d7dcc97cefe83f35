// Who accepts new connections: the workers of at most one child per CPU, the other
// children standing by until those stop accepting (admission, death). Real processes
// pinned to one CPU (the test sets its own affinity before starting tern, which the
// children inherit); every wait is bounded and waits for an event.

#include <sched.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

using namespace std::chrono_literals;

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
}

// One process of the ?json process table.
struct ProcRow {
  long pid = 0;
  bool accepting = false;
  long accepted = 0;
};

// The process table of ?json (pid, accepting, accepted of each live slot).
std::vector<ProcRow> process_table(int port) {
  std::vector<ProcRow> rows;
  auto r = fetch(port, get("/server-status?json"));
  if (!r || r->status != 200) return rows;
  static const std::regex kRow(
      R"re(\{"slot":\d+,"pid":(\d+),[^{}]*"accepting":(true|false),[^{}]*"accepted":(\d+))re");
  for (auto it = std::sregex_iterator(r->body.begin(), r->body.end(), kRow);
       it != std::sregex_iterator(); ++it) {
    ProcRow row{std::stol((*it)[1]), (*it)[2] == "true", std::stol((*it)[3])};
    if (row.pid != 0) rows.push_back(row);
  }
  return rows;
}

long accepting_count(const std::vector<ProcRow>& rows) {
  long n = 0;
  for (const ProcRow& r : rows) n += r.accepting ? 1 : 0;
  return n;
}

// Pins this thread (and so the processes it starts) to CPU 0 while alive.
class PinnedToOneCpu {
 public:
  PinnedToOneCpu() {
    sched_getaffinity(0, sizeof saved_, &saved_);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof one, &one);
  }
  ~PinnedToOneCpu() { sched_setaffinity(0, sizeof saved_, &saved_); }
  PinnedToOneCpu(const PinnedToOneCpu&) = delete;
  PinnedToOneCpu& operator=(const PinnedToOneCpu&) = delete;

 private:
  cpu_set_t saved_{};
};

constexpr const char* kThreeChildren =
    "StartServers 3\nServerLimit 3\nThreadsPerChild 4\nMaxRequestWorkers 12\n"
    "MinSpareThreads 1\nMaxSpareThreads 64\n";

// Starts `s` pinned to one CPU with three children and waits until all three report.
void start_three_children_on_one_cpu(Server& s, const std::string& extra) {
  PinnedToOneCpu pin;
  ASSERT_TRUE(s.start(std::string(kStatusConf) + kThreeChildren + extra)) << s.log();
  ASSERT_TRUE(wait_until([&] { return process_table(s.port()).size() == 3; }, 10s))
      << s.read("logs/error_log");
}

TEST(AcceptingChildren, OneChildPerCpuAcceptsTheOthersStandBy) {
  Server s;
  s.put("index.html", "hello\n");
  start_three_children_on_one_cpu(s, "");
  // One CPU: one child accepts; the two others stand by (shown as not accepting).
  std::vector<ProcRow> rows;
  ASSERT_TRUE(wait_until(
      [&] {
        rows = process_table(s.port());
        return rows.size() == 3 && accepting_count(rows) == 1;
      },
      10s))
      << s.read("logs/error_log");
  long first = 0;
  for (const ProcRow& r : rows) {
    if (r.accepting) first = r.pid;
  }
  // Every new connection goes to that child.
  for (int i = 0; i < 30; ++i) {
    auto r = fetch(s.port(), get("/index.html"));
    ASSERT_TRUE(r && r->status == 200) << i;
  }
  rows = process_table(s.port());
  for (const ProcRow& r : rows) {
    if (r.pid == first) {
      EXPECT_GE(r.accepted, 30);
    } else {
      EXPECT_EQ(r.accepted, 0) << "standing-by child " << r.pid << " accepted";
    }
  }
  // The accepting child dies: a standing-by child takes over (before any
  // replacement could be forked, the backlog is served), and nothing is refused.
  ASSERT_EQ(::kill(static_cast<pid_t>(first), SIGKILL), 0);
  auto r = fetch(s.port(), get("/index.html"));
  ASSERT_TRUE(r && r->status == 200) << s.read("logs/error_log");
  ASSERT_TRUE(wait_until(
      [&] {
        rows = process_table(s.port());
        return accepting_count(rows) == 1;
      },
      10s));
  EXPECT_NE(s.read("logs/error_log").find("child pid " + std::to_string(first) + " exit signal"),
            std::string::npos)
      << s.read("logs/error_log");
  for (const ProcRow& row : rows) {
    if (row.accepting) {
      EXPECT_NE(row.pid, first);
    }
  }
  EXPECT_EQ(s.stop(), 0);
}

TEST(AcceptingChildren, StandingByChildAcceptsWhenTheFirstClosesItsDoor) {
  Server s;
  s.put("index.html", "hello\n");
  // One worker and a tiny factor: a child admits one connection at a time (1 + 0.01 x 1).
  start_three_children_on_one_cpu(s, "ThreadsPerChild 1\nAsyncRequestWorkerFactor 0.01\n");
  // Each idle connection closes its child's door; the next child in line opens its own,
  // so two held connections and the status request are served by three children.
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<Client>(s.port()));
    ASSERT_TRUE(held.back()->send("GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    auto r = held.back()->read_response();
    ASSERT_TRUE(r && r->status == 200) << i << s.read("logs/error_log");
  }
  std::vector<ProcRow> rows = process_table(s.port());
  long serving = 0;
  for (const ProcRow& r : rows) serving += r.accepted > 0 ? 1 : 0;
  EXPECT_EQ(serving, 3) << s.read("logs/error_log");
  held.clear();
  // With the held connections gone, the first child accepts again and the others
  // go back to standing by.
  ASSERT_TRUE(wait_until([&] { return accepting_count(process_table(s.port())) == 1; }, 10s));
  EXPECT_EQ(s.stop(), 0);
}

// The number of open connections ?json reports (the status request's own included).
long open_connections(int port) {
  auto r = fetch(port, get("/server-status?json"));
  if (!r || r->status != 200) return -1;
  std::smatch m;
  if (!std::regex_search(r->body, m, std::regex(R"re("connections":\{"total":(\d+))re"))) return -1;
  return std::stol(m[1]);
}

TEST(AcceptFilter, ByDefaultASilentClientIsNotHandedOverUntilItSends) {
  Server s;
  s.put("index.html", "hello\n");
  ASSERT_TRUE(s.start(kStatusConf)) << s.log();
  // httpd's default on Linux (AcceptFilter http data): TCP_DEFER_ACCEPT. A client that
  // connected and said nothing costs tern nothing: only the status request is open.
  Client silent(s.port());
  ASSERT_TRUE(silent.connected());
  auto r = fetch(s.port(), get("/index.html"));
  ASSERT_TRUE(r && r->status == 200);
  // The served connection closes right after its response (on the server's own time):
  // then only the status request is open. The silent client never counts.
  EXPECT_TRUE(wait_until([&] { return open_connections(s.port()) == 1; }, 10s));
  // Once it sends, it is accepted and answered.
  ASSERT_TRUE(silent.send("GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto late = silent.read_response();
  ASSERT_TRUE(late && late->status == 200);
  EXPECT_EQ(late->body, "hello\n");
  EXPECT_EQ(s.stop(), 0);
}

TEST(AcceptFilter, NoneAcceptsAtOnce) {
  Server s;
  ASSERT_TRUE(s.start(std::string(kStatusConf) + "AcceptFilter http none\n")) << s.log();
  Client silent(s.port());
  ASSERT_TRUE(silent.connected());
  // Accepted without a byte: it waits in the head-read state, with the status request.
  ASSERT_TRUE(wait_until([&] { return open_connections(s.port()) == 2; }, 10s));
  EXPECT_EQ(s.stop(), 0);
}

TEST(AcceptFilter, IsRefusedInsideAVirtualHost) {
  Server s;
  EXPECT_FALSE(s.start("<VirtualHost *:80>\nAcceptFilter http none\n</VirtualHost>\n"));
  EXPECT_NE(s.log().find("AcceptFilter"), std::string::npos) << s.log();
}

}  // namespace
}  // namespace tern::test
