// The control process: graceful restarts under load, replacement of killed
// children, MaxConnectionsPerChild, idle-thread maintenance, invalid reloads
// and -k. Real processes; every wait is bounded, in seconds (a sanitizer build
// on a loaded machine is 10-20x slower), and ends on an event (a log line, a
// process state), not on a sleep. Intervals are taken from the error log's own
// time stamps, which a busy test process cannot stretch.

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
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

// Polls `pred` until it holds or `limit` passes; the last answer.
// Gone, or a zombie nobody reaped yet.
bool process_gone(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return true;
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

std::string get(const std::string& path, bool close = false) {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + (close ? "Connection: close\r\n" : "") +
         "\r\n";
}

// How often `what` occurs in `text`.
size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; ++at) ++n;
  return n;
}

// Times of the error log lines containing `what`, from their stamps
// ("[Thu Nov 26 07:30:00.123456 2026] ..."), in seconds since the first such line.
std::vector<double> stamps_of(const std::string& log, const std::string& what) {
  std::vector<double> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    int h = 0, m = 0;
    double sec = 0;
    if (line.find(what) == std::string::npos || line.size() < 27 ||
        std::sscanf(line.c_str() + 12, "%d:%d:%lf", &h, &m, &sec) != 3) {
      continue;
    }
    double t = h * 3600 + m * 60 + sec;
    if (!out.empty()) t = out[0] + std::fmod(t - out[0] + 86400, 86400);  // past midnight
    out.push_back(t);
  }
  return out;
}

bool serves(int port) {
  auto r = fetch(port, get("/index.html", true));
  return r && r->status == 200 && r->body == "hello\n";
}

// Clients that keep requesting until told to stop, counting failures.
struct Load {
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<std::string> errors;  // first few, for the message
  std::mutex mu;
  std::vector<std::thread> threads;

  void fail(const std::string& what) {
    failed++;
    std::lock_guard lk(mu);
    if (errors.size() < 5) errors.push_back(what);
  }
  // `keep_alive` clients reuse their connection until the server says close.
  void start(int port, int keep_alive, int per_request) {
    for (int i = 0; i < keep_alive; ++i) {
      threads.emplace_back([this, port] {
        while (!stop.load()) {
          Client c(port);
          if (!c.connected()) {
            fail("keep-alive connect");
            return;
          }
          while (!stop.load()) {
            if (!c.send(get("/index.html"))) {
              fail("keep-alive send");
              return;
            }
            auto r = c.read_response();
            if (!r || r->status != 200) {
              fail(r ? "keep-alive status " + std::to_string(r->status) : "keep-alive read");
              return;
            }
            ok++;
            auto conn = r->header("Connection");
            if (conn && *conn == "close") break;
          }
        }
      });
    }
    for (int i = 0; i < per_request; ++i) {
      threads.emplace_back([this, port] {
        while (!stop.load()) {
          Client c(port);
          if (!c.connected()) {
            fail("connect");
            return;
          }
          if (!c.send(get("/index.html", true))) {
            fail("send");
            return;
          }
          auto r = c.read_response();
          if (!r || r->status != 200) {
            fail(r ? "status " + std::to_string(r->status) : "read");
            return;
          }
          ok++;
        }
      });
    }
  }
  void finish() {
    stop = true;
    for (auto& t : threads) t.join();
    threads.clear();
  }
  std::string describe() {
    std::string s;
    for (auto& e : errors) s += e + "; ";
    return s;
  }
};

TEST(Control, GracefulRestartsUnderLoadLoseNothing) {
  Server s;
  // Workers enough that starvation relief (which closes idle keep-alive
  // connections when no worker frees up, as httpd) never triggers on a busy
  // machine: the test is about restarts.
  s.put("index.html", "hello\n");
  ASSERT_TRUE(
      s.start("StartServers 2\nThreadsPerChild 16\nMinSpareThreads 1\nMaxSpareThreads 64\n"))
      << s.log();
  ASSERT_TRUE(wait_until([&] { return children_of(s.pid()).size() == 2; }));
  Load load;
  load.start(s.port(), 3, 2);
  auto count_restarts = [&] {
    // The new generation is forked before this line is logged; the first is the start.
    return occurrences(s.read("logs/error_log"), "configured -- resuming normal operations") - 1;
  };
  // Every generation answers: 10 more requests before each restart and after the last.
  auto served_more = [&] {
    int before = load.ok.load();
    return wait_until([&] { return load.ok.load() >= before + 10 || load.failed.load() > 0; });
  };
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_TRUE(served_more()) << i;
    ::kill(s.pid(), SIGUSR1);
    // Each restart is taken before the next is sent (signals of one kind coalesce).
    EXPECT_TRUE(wait_until([&] { return count_restarts() == i + 1; })) << i;
  }
  EXPECT_TRUE(served_more());
  load.finish();
  EXPECT_EQ(load.failed.load(), 0) << load.describe();
  // Two new children each generation: 2 at start + 2 × 5 restarts.
  std::string err = s.read("logs/error_log");
  size_t forked = 0;
  for (size_t at = 0; (at = err.find(" started (slot", at)) != std::string::npos; ++at) ++forked;
  EXPECT_GE(forked, 12u) << err;
  // Graceful stop: an open keep-alive client gets its answer, then all exit.
  Client c(s.port());
  ASSERT_TRUE(c.send(get("/index.html")));
  ASSERT_TRUE(c.read_response());
  auto kids = children_of(s.pid());
  EXPECT_EQ(s.stop(SIGWINCH), 0);
  for (pid_t k : kids) EXPECT_TRUE(wait_until([&] { return process_gone(k); }));
}

TEST(Control, WrkThroughGracefulRestarts) {
  // wrk comes with scripts/deps.sh's test set.
  ASSERT_EQ(::access("/usr/bin/wrk", X_OK), 0) << "no /usr/bin/wrk: run scripts/deps.sh test";
  Server s;
  s.put("index.html", "hello\n");
  ASSERT_TRUE(
      s.start("StartServers 2\nThreadsPerChild 16\nMinSpareThreads 1\nMaxSpareThreads 64\n"))
      << s.log();
  // wrk runs until interrupted (on SIGINT it stops and prints its summary), so the
  // restarts happen while it runs however slow the machine is; its per-request
  // timeout allows for a sanitizer build.
  BackgroundProcess wrk(
      {"/usr/bin/wrk", "-t2", "-c4", "-d100s", "--timeout", "30s", s.url("/index.html")});
  auto served = [&] { return occurrences(s.read("logs/access_log"), "GET /index.html"); };
  auto restarts = [&] {
    return occurrences(s.read("logs/error_log"), "configured -- resuming normal operations") - 1;
  };
  for (size_t i = 0; i < 4; ++i) {
    size_t before = served();
    EXPECT_TRUE(wait_until([&] { return served() >= before + 10; })) << i;  // wrk is running
    ::kill(s.pid(), SIGUSR1);
    EXPECT_TRUE(wait_until([&] { return restarts() == i + 1; })) << i;
  }
  size_t before = served();
  EXPECT_TRUE(wait_until([&] { return served() >= before + 10; }));
  ProcessResult wrk_result = wrk.finish(SIGINT);
  const std::string& out = wrk_result.output;
  EXPECT_EQ(wrk_result.exit_code, 0) << out;
  EXPECT_EQ(out.find("Socket errors"), std::string::npos) << out << s.read("logs/error_log");
  EXPECT_EQ(out.find("Non-2xx"), std::string::npos) << out;
  EXPECT_NE(out.find("requests in"), std::string::npos) << out;
  EXPECT_TRUE(serves(s.port()));
}

TEST(Control, KilledChildIsReplacedOthersUnaffected) {
  Server s;
  s.put("index.html", "hello\n");
  ASSERT_TRUE(
      s.start("StartServers 3\nMinSpareThreads 1\nMaxSpareThreads 64\n"
              "<Location /server-status>\nSetHandler server-status\n</Location>\n"))
      << s.log();
  ASSERT_TRUE(wait_until([&] { return children_of(s.pid()).size() == 3; }));
  // All three are running (their start time is in the scoreboard): a child killed
  // before that counts as failing at start-up, and its replacement waits 1 s.
  ASSERT_TRUE(wait_until([&] {
    auto r = fetch(s.port(), get("/server-status?json", true));
    return r && occurrences(r->body, "\"start_time_us\":") == 3 &&
           occurrences(r->body, "\"start_time_us\":0,") == 0;
  }));
  auto before = children_of(s.pid());
  pid_t victim = before[1];
  ::kill(victim, SIGKILL);
  bool replaced = wait_until([&] {
    auto now = children_of(s.pid());
    return now.size() == 3 && std::find(now.begin(), now.end(), victim) == now.end();
  });
  EXPECT_TRUE(replaced) << "children now: " << children_of(s.pid()).size();
  // Replaced at once (the parent reaps every 100 ms), not by the once-a-second,
  // rate-limited maintenance: the error log stamps the replacement's start well
  // within a second of the death it logged.
  // (The parent logs a start just after its fork.)
  EXPECT_TRUE(
      wait_until([&] { return occurrences(s.read("logs/error_log"), " started (slot") == 4; }));
  std::string log = s.read("logs/error_log");
  auto died = stamps_of(log, "exit signal Killed (9)");
  auto started = stamps_of(log, " started (slot");
  ASSERT_EQ(died.size(), 1u) << log;
  ASSERT_EQ(started.size(), 4u) << log;
  EXPECT_LT(started.back() - died[0], 0.5) << log;
  auto after = children_of(s.pid());
  for (pid_t p : before) {
    if (p != victim) {
      EXPECT_NE(std::find(after.begin(), after.end(), p), after.end());
    }
  }
  EXPECT_TRUE(serves(s.port()));
  EXPECT_NE(s.read("logs/error_log").find("exit signal Killed (9)"), std::string::npos);
  EXPECT_EQ(s.stop(), 0);
}

TEST(Control, MaxConnectionsPerChildRecyclesChildren) {
  Server s;
  s.put("index.html", "hello\n");
  ASSERT_TRUE(
      s.start("StartServers 1\nMinSpareThreads 1\nMaxSpareThreads 64\n"
              "MaxConnectionsPerChild 5\n"))
      << s.log();
  ASSERT_TRUE(wait_until([&] { return children_of(s.pid()).size() == 1; }));
  pid_t first = children_of(s.pid())[0];
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(serves(s.port())) << i;
  EXPECT_TRUE(wait_until([&] {
    auto k = children_of(s.pid());
    return !k.empty() && std::find(k.begin(), k.end(), first) == k.end();
  }));
  std::string err = s.read("logs/error_log");
  size_t recycled = 0;
  for (size_t at = 0; (at = err.find("MaxConnectionsPerChild reached", at)) != std::string::npos;
       ++at) {
    ++recycled;
  }
  EXPECT_GE(recycled, 2u) << err;  // 12 connections, 5 per child
  EXPECT_EQ(s.stop(), 0);
}

TEST(Control, MaintenanceSpawnsToMinSpareAndStopsAboveMaxSpare) {
  Server s;
  s.put("index.html", "hello\n");
  // 2 threads per child, at least 6 idle: one child is not enough. The spawn
  // rate doubles each second (1, then 2), as httpd: 1 → 2 → 4 children.
  ASSERT_TRUE(
      s.start("ThreadsPerChild 2\nStartServers 1\nMinSpareThreads 6\n"
              "MaxSpareThreads 8\nServerLimit 8\nMaxRequestWorkers 16\n"))
      << s.log();
  EXPECT_TRUE(wait_until([&] {  // the parent logs each start just after its fork
    return children_of(s.pid()).size() == 4 &&
           occurrences(s.read("logs/error_log"), " started (slot") == 4;
  })) << children_of(s.pid()).size();
  // 1 -> 2 -> 4: a second between the passes (the log's stamps).
  auto forks = stamps_of(s.read("logs/error_log"), " started (slot");
  ASSERT_EQ(forks.size(), 4u) << s.read("logs/error_log");
  EXPECT_GE(forks[1] - forks[0], 0.9);
  EXPECT_GE(forks[2] - forks[1], 0.9);
  // Stable between Min and Max: two more passes change nothing (starting
  // workers count as idle, as in httpd, so a slow start spawns no extra child).
  // A busy machine can only make fewer passes happen, not a false failure.
  std::this_thread::sleep_for(2200ms);
  EXPECT_EQ(children_of(s.pid()).size(), 4u);
  // Restart with 4 children but MaxSpareThreads 3: 8 idle threads, one child
  // stops per second until no more than 3 threads idle (one child).
  std::string conf = s.config_text() + "StartServers 4\nMinSpareThreads 1\nMaxSpareThreads 3\n";
  s.root().write("tern.conf", conf);
  ::kill(s.pid(), SIGHUP);
  // The restart is done when "resuming normal operations" is logged again.
  ASSERT_TRUE(wait_until([&] {
    std::string err = s.read("logs/error_log");
    size_t at = err.find("Attempting to restart");
    return at != std::string::npos && err.find("resuming normal", at) != std::string::npos;
  }));
  EXPECT_TRUE(wait_until([&] { return children_of(s.pid()).size() == 1; }))
      << children_of(s.pid()).size();
  EXPECT_NE(s.read("logs/error_log").find("above MaxSpareThreads"), std::string::npos);
  EXPECT_TRUE(serves(s.port()));
  EXPECT_EQ(s.stop(), 0);
}

TEST(Control, InvalidConfigOnReloadKeepsServing) {
  Server s;
  s.put("index.html", "hello\n");
  ASSERT_TRUE(s.start("StartServers 2\nMinSpareThreads 1\nMaxSpareThreads 64\n")) << s.log();
  ASSERT_TRUE(wait_until([&] { return children_of(s.pid()).size() == 2; }));
  auto before = children_of(s.pid());
  std::string good = s.config_text();
  s.root().write("tern.conf", good + "NoSuchDirective on\n");
  auto refused = [&] {
    return occurrences(s.read("logs/error_log"), "keeping the old configuration");
  };
  for (size_t i = 0; i < 2; ++i) {
    ::kill(s.pid(), i == 0 ? SIGUSR1 : SIGHUP);
    EXPECT_TRUE(wait_until([&] { return refused() == i + 1; })) << i;  // the reload was tried
    EXPECT_TRUE(serves(s.port()));
    EXPECT_EQ(children_of(s.pid()), before);  // the old children were never touched
  }
  std::string err = s.read("logs/error_log");
  EXPECT_EQ(refused(), 2u) << err;
  EXPECT_NE(err.find("tern.conf:"), std::string::npos) << err;
  EXPECT_NE(err.find("NoSuchDirective"), std::string::npos) << err;
  // A good configuration afterwards is taken.
  s.root().write("tern.conf", good);
  ::kill(s.pid(), SIGUSR1);
  EXPECT_TRUE(wait_until([&] {
    auto k = children_of(s.pid());
    return k.size() == 2 && std::find(k.begin(), k.end(), before[0]) == k.end();
  }));
  EXPECT_TRUE(serves(s.port()));
  EXPECT_EQ(s.stop(), 0);
}

TEST(Control, GracefulRestartReopensLogs) {
  Server s;
  s.put("index.html", "hello\n");
  ASSERT_TRUE(s.start("StartServers 1\nMinSpareThreads 1\nMaxSpareThreads 64\n")) << s.log();
  ASSERT_TRUE(serves(s.port()));
  std::string logs = s.root().path() + "/logs/";
  ASSERT_EQ(::rename((logs + "access_log").c_str(), (logs + "access_log.1").c_str()), 0);
  ASSERT_EQ(::rename((logs + "error_log").c_str(), (logs + "error_log.1").c_str()), 0);
  ::kill(s.pid(), SIGUSR1);
  ASSERT_TRUE(
      wait_until([&] { return s.read("logs/error_log").find("resuming") != std::string::npos; }));
  ASSERT_TRUE(wait_until([&] { return serves(s.port()) && !s.read("logs/access_log").empty(); }));
  EXPECT_NE(s.read("logs/access_log.1").find("GET /index.html"), std::string::npos);
  EXPECT_NE(s.read("logs/access_log").find("GET /index.html"), std::string::npos);
  EXPECT_NE(s.read("logs/error_log.1").find("graceful restart"), std::string::npos);
  EXPECT_EQ(s.stop(), 0);
}

TEST(Control, GracefulStopFinishesInFlightDownloads) {
  Server s;
  s.put("small.txt", "small\n");
  // 16 MiB: far more than the socket buffers of clients that read nothing hold,
  // so most of it is still the server's to write when the stop comes.
  constexpr size_t kSize = 16 << 20;
  s.put("big.bin", std::string(kSize, 'g'));
  // A GracefulShutdownTimeout no busy machine reaches: the stop waits for the
  // downloads, and must end as soon as they are done, not at the timeout.
  ASSERT_TRUE(
      s.start("StartServers 1\nMinSpareThreads 1\nMaxSpareThreads 64\nKeepAliveTimeout 30\n"
              "GracefulShutdownTimeout 100\nLogLevel debug\n"))
      << s.log();
  Client idle(s.port());  // an idle keep-alive connection must not hold the stop
  ASSERT_TRUE(idle.send(get("/small.txt")));
  ASSERT_TRUE(idle.read_response());
  Client a(s.port()), b(s.port());
  for (Client* c : {&a, &b}) {
    ASSERT_TRUE(c->send(get("/big.bin")));
    ASSERT_TRUE(c->wait_readable());  // the response has started: the write is in flight
  }
  ::kill(s.pid(), SIGWINCH);
  // While the downloads are still in flight the door is already shut: a new
  // client is refused rather than queued in a backlog nobody will serve.
  // On failure the error log says how far the stop got (a failure once seen under TSan).
  EXPECT_TRUE(wait_until([&] { return !Client(s.port()).connected(); }))
      << s.read("logs/error_log");
  EXPECT_TRUE(idle.wait_closed()) << s.read("logs/error_log");
  for (Client* c : {&a, &b}) {
    auto r = c->read_response(false, 60000);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body.size(), kSize);
  }
  auto done = Clock::now();
  EXPECT_EQ(s.stop(0, 60000), 0) << s.read("logs/error_log");  // already stopping: wait
  EXPECT_LT(Clock::now() - done, 30s);  // long before GracefulShutdownTimeout
  EXPECT_FALSE(Client(s.port()).connected());
}

TEST(Control, GracefulShutdownTimeoutEndsAStalledDownload) {
  Server s;
  s.put("big.bin", std::string(16 << 20, 'g'));
  ASSERT_TRUE(
      s.start("StartServers 1\nMinSpareThreads 1\nMaxSpareThreads 64\nTimeout 100\n"
              "GracefulShutdownTimeout 2\n"))
      << s.log();
  Client c(s.port());
  ASSERT_TRUE(c.send(get("/big.bin")));
  ASSERT_TRUE(c.wait_readable());  // the response has started; the client reads no more
  auto signalled = Clock::now();
  ::kill(s.pid(), SIGWINCH);
  // The stop waits GracefulShutdownTimeout (2 s; Timeout 100 would never end the
  // write), then ends the download and exits.
  EXPECT_EQ(s.stop(0, 60000), 0);
  EXPECT_GE(Clock::now() - signalled, 2s);
  EXPECT_LT(Clock::now() - signalled, 30s);
  std::string got = c.read_all(5000);
  EXPECT_LT(got.size(), static_cast<size_t>(16 << 20));
}

int uid_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Uid:", 0) == 0) return std::stoi(line.substr(4));
  }
  return -1;
}

TEST(Control, ChildrenDropPrivilegesParentKeepsRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  Server s;
  s.put("index.html", "hello\n");
  ASSERT_TRUE(
      s.start("User #65534\nGroup #65534\nStartServers 2\nMinSpareThreads 1\n"
              "MaxSpareThreads 64\n"))
      << s.log();
  ASSERT_TRUE(wait_until([&] { return children_of(s.pid()).size() == 2; }));
  EXPECT_EQ(uid_of(s.pid()), 0);
  for (pid_t k : children_of(s.pid())) {
    EXPECT_TRUE(wait_until([&] { return uid_of(k) == 65534; })) << uid_of(k);
  }
  EXPECT_EQ(s.stop(), 0);
}

TEST(Control, ChildFailingAtStartupBacksOff) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (the failure is a refused setgid)";
  Server s;
  // gid 4294967295 is (gid_t)-1: the kernel refuses it, so every child exits
  // right after the fork, before serving.
  ASSERT_TRUE(
      s.start("User #65534\nGroup #4294967295\nStartServers 1\n"
              "MinSpareThreads 1\nMaxSpareThreads 64\n"))
      << s.log();
  // It does retry, at 1 s, then 2 s: no fork loop (intervals from the log's stamps).
  ASSERT_TRUE(wait_until([&] {
    return occurrences(s.read("logs/error_log"), " started (slot") >= 3;
  })) << s.read("logs/error_log");
  std::string err = s.read("logs/error_log");
  auto forks = stamps_of(err, " started (slot");
  EXPECT_GE(forks[1] - forks[0], 0.95) << err;
  EXPECT_GE(forks[2] - forks[1], 1.95) << err;
  EXPECT_NE(err.find("failed at start-up (1 in a row), next attempt in 1000 ms"), std::string::npos)
      << err;
  EXPECT_NE(err.find("failed at start-up (2 in a row), next attempt in 2000 ms"), std::string::npos)
      << err;
  EXPECT_EQ(s.stop(), 0);
}

TEST(Control, DashKStartGracefulStopAndStalePidFile) {
  TempDir root;
  root.write("htdocs/index.html", "hello\n");
  int port = free_port();
  root.write("tern.conf", "Listen 127.0.0.1:" + std::to_string(port) +
                              "\nDocumentRoot htdocs\nErrorLog logs/error_log\nLogLevel info\n"
                              "PidFile logs/tern.pid\nThreadsPerChild 2\nStartServers 2\n"
                              "MinSpareThreads 1\nMaxSpareThreads 64\n");
  ::mkdir((root.path() + "/logs").c_str(), 0755);
  std::string pid_path = root.path() + "/logs/tern.pid";
  auto tern = [&](const std::string& cmd) {
    return run_process({TERN_BINARY, "-d", root.path(), "-f", "tern.conf", "-k", cmd});
  };
  auto read_pid = [&] {
    std::ifstream in(pid_path);
    pid_t p = 0;
    in >> p;
    return p;
  };
  // Stale PidFile: a pid that no longer exists.
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  root.write("logs/tern.pid", std::to_string(dead) + "\n");
  ProcessResult r = tern("stop");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("not running"), std::string::npos) << r.output;

  r = tern("start");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(wait_until([&] { return read_pid() != dead && read_pid() > 0 && serves(port); }));
  pid_t daemon = read_pid();
  EXPECT_EQ(::getsid(daemon), daemon);  // its own session: detached
  EXPECT_NE(::getsid(0), daemon);
  ASSERT_TRUE(wait_until([&] { return children_of(daemon).size() == 2; }));
  auto gen1 = children_of(daemon);

  r = tern("start");  // already running: no second server
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("already running"), std::string::npos) << r.output;

  r = tern("graceful");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(wait_until([&] {
    auto k = children_of(daemon);
    return k.size() == 2 && std::find(k.begin(), k.end(), gen1[0]) == k.end() &&
           std::find(k.begin(), k.end(), gen1[1]) == k.end();
  }));
  EXPECT_TRUE(serves(port));

  r = tern("stop");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(wait_until([&] { return process_gone(daemon); }));
  EXPECT_TRUE(wait_until([&] { return ::access(pid_path.c_str(), F_OK) != 0; }));
  r = tern("graceful-stop");
  EXPECT_NE(r.output.find("not running"), std::string::npos) << r.output;
  if (!process_gone(daemon)) ::kill(daemon, SIGKILL);
}

}  // namespace
}  // namespace tern::test
