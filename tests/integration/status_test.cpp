// server-status end to end: httpd's ?auto format, counts per connection state
// under scripted load, escaping, access control, metrics, and a real browser.

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string get(const std::string& path, bool close = false) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" +
         (close ? "Connection: close\r\n" : "") + "\r\n";
}

std::string fetch_body(int port, const std::string& path, int* status = nullptr) {
  auto r = fetch(port, get(path, true));
  if (status) *status = r ? r->status : 0;
  return r ? r->body : "";
}

// "Key: value" lines after the first (the host name line).
std::vector<std::pair<std::string, std::string>> auto_pairs(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {
      first = false;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string v = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    out.emplace_back(line.substr(0, colon), v);
  }
  return out;
}

std::map<std::string, std::string> auto_map(const std::string& text) {
  std::map<std::string, std::string> m;
  for (auto& [k, v] : auto_pairs(text)) m[k] = v;
  return m;
}

std::string data_file(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path() / "data" / name).string();
}

TEST(Status, AutoKeysAndOrderMatchHttpd) {
  Server s;
  s.put("a.txt", "hello\n");
  ASSERT_TRUE(s.start(kStatusConf)) << s.log();
  ASSERT_TRUE(fetch(s.port(), get("/a.txt", true)));
  std::this_thread::sleep_for(1100ms);  // Uptime > 0 so the rate keys appear
  std::string tern = fetch_body(s.port(), "/server-status?auto");
  std::ifstream in(data_file("httpd_status_auto.txt"));
  std::stringstream ss;
  ss << in.rdbuf();
  auto httpd = auto_pairs(ss.str());
  ASSERT_GT(httpd.size(), 30u);
  auto ours = auto_pairs(tern);
  std::vector<std::string> want, got;
  bool have_cpuload = auto_map(tern).count("CPULoad") > 0;
  for (auto& [k, v] : httpd) {
    if (k == "CPULoad" && !have_cpuload) continue;  // httpd omits it while CPU time is 0
    want.push_back(k);
  }
  for (auto& [k, v] : ours) got.push_back(k);
  ASSERT_GE(got.size(), want.size()) << tern;
  // httpd's keys first, in httpd's order; tern's own keys only after them.
  EXPECT_EQ(std::vector<std::string>(got.begin(), got.begin() + want.size()), want) << tern;
  EXPECT_EQ(std::vector<std::string>(got.begin() + want.size(), got.end()),
            (std::vector<std::string>{"ConnsAsyncReading", "ConnsAsyncParked", "ConnsAccepted",
                                      "StarvationClosed", "AcceptErrors", "AdmissionClosed"}));
  auto m = auto_map(tern);
  EXPECT_EQ(tern.substr(0, tern.find('\n')), "localhost");
  EXPECT_EQ(m["ServerMPM"], "event");
  EXPECT_EQ(m["ServerVersion"].rfind("tern/", 0), 0u);
  EXPECT_EQ(m["Processes"], "1");
  EXPECT_EQ(m["Scoreboard"].size(), 16u * 64u);  // ServerLimit × ThreadLimit defaults
  EXPECT_GE(std::stoi(m["Total Accesses"]), 1);
  EXPECT_EQ(m["BusyWorkers"], "1");  // the worker answering this request
  EXPECT_EQ(m["IdleWorkers"], "3");
  EXPECT_NE(m["CurrentTime"].find("-20"), std::string::npos);
}

TEST(Status, RefreshHeaderAndContentTypes) {
  Server s;
  ASSERT_TRUE(s.start(kStatusConf)) << s.log();
  auto r = fetch(s.port(), get("/server-status?auto&refresh=7", true));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Refresh"), "7");
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=ISO-8859-1");
  r = fetch(s.port(), get("/server-status?refresh", true));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Refresh"), "1");
  EXPECT_EQ(r->header("Content-Type"), "text/html; charset=ISO-8859-1");
  r = fetch(s.port(), get("/server-status", true));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->header("Refresh"));
  r = fetch(s.port(), "POST /server-status HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("Allow"), "GET, HEAD");
}

// Polls ?auto until `pred` holds (or 30 s pass: a sanitizer build on a loaded
// machine is slow); returns the last parsed result.
template <typename Pred>
std::map<std::string, std::string> settle(int port, Pred pred) {
  std::map<std::string, std::string> m;
  auto end = Clock::now() + 30s;
  do {
    m = auto_map(fetch_body(port, "/server-status?auto"));
    if (pred(m)) break;
    std::this_thread::sleep_for(50ms);
  } while (Clock::now() < end);
  return m;
}

TEST(Status, CountsPerStateMatchScriptedLoad) {
  Server s;
  s.put("small.txt", "small\n");
  s.put("big.bin", std::string(8 << 20, 'b'));
  ASSERT_TRUE(s.start(std::string(kStatusConf) + "KeepAliveTimeout 30\nTimeout 30\n")) << s.log();
  constexpr int kKeepAlive = 3, kSlowReaders = 2, kSlowSenders = 4;
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < kKeepAlive; ++i) {
    auto c = std::make_unique<Client>(s.port());
    ASSERT_TRUE(c->send(get("/small.txt")));
    ASSERT_TRUE(c->read_response());
    held.push_back(std::move(c));
  }
  for (int i = 0; i < kSlowReaders; ++i) {
    auto c = std::make_unique<Client>(s.port());
    int small = 4096;
    ::setsockopt(c->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    ASSERT_TRUE(c->send(get("/big.bin")));
    held.push_back(std::move(c));
  }
  for (int i = 0; i < kSlowSenders; ++i) {
    auto c = std::make_unique<Client>(s.port());
    ASSERT_TRUE(c->send("GET /small.txt HTTP/1.1\r\nHost: loc"));
    held.push_back(std::move(c));
  }
  auto m = settle(s.port(), [&](auto& m) {
    return m["ConnsAsyncKeepAlive"] == std::to_string(kKeepAlive) &&
           m["ConnsAsyncWriting"] == std::to_string(kSlowReaders) &&
           m["ConnsAsyncReading"] == std::to_string(kSlowSenders);
  });
  EXPECT_EQ(m["ConnsAsyncKeepAlive"], std::to_string(kKeepAlive));
  EXPECT_EQ(m["ConnsAsyncWriting"], std::to_string(kSlowReaders));
  EXPECT_EQ(m["ConnsAsyncReading"], std::to_string(kSlowSenders));
  EXPECT_GE(std::stoi(m["ConnsTotal"]), kKeepAlive + kSlowReaders + kSlowSenders);
  // ?json reports the same, and is valid JSON.
  std::string json = fetch_body(s.port(), "/server-status?json");
  EXPECT_NE(json.find("\"reading\":" + std::to_string(kSlowSenders) +
                      ",\"writing\":" + std::to_string(kSlowReaders) +
                      ",\"keep_alive\":" + std::to_string(kKeepAlive)),
            std::string::npos)
      << json;
  std::string path = s.root().write("status.json", json);
  ProcessResult py = run_process({"/usr/bin/python3", "-m", "json.tool", path});
  EXPECT_EQ(py.exit_code, 0) << py.output;
  // Metrics agree.
  std::string metrics = fetch_body(s.port(), "/metrics");
  EXPECT_NE(metrics.find("tern_connections{state=\"keepalive\"} " + std::to_string(kKeepAlive)),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tern_connections{state=\"reading\"} " + std::to_string(kSlowSenders)),
            std::string::npos);
  // Releasing the clients empties the states.
  held.clear();
  m = settle(s.port(), [](auto& m) {
    return m["ConnsAsyncKeepAlive"] == "0" && m["ConnsAsyncWriting"] == "0" &&
           m["ConnsAsyncReading"] == "0";
  });
  EXPECT_EQ(m["ConnsAsyncKeepAlive"], "0");
  EXPECT_EQ(m["ConnsAsyncWriting"], "0");
  EXPECT_EQ(m["ConnsAsyncReading"], "0");
}

TEST(Status, WorkerTableCountsTheConnectionsRequestsAndBytes) {
  Server s;
  s.put("ten.bin", std::string(10000, 't'));
  // One worker: the status request is served by the worker that served the
  // three downloads, and it shows that worker's previous connection.
  ASSERT_TRUE(s.start(std::string(kStatusConf) + "ThreadsPerChild 1\n")) << s.log();
  auto three_downloads = [&] {
    Client c(s.port());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(c.send(get("/ten.bin")));
      auto r = c.read_response();
      ASSERT_TRUE(r);
      ASSERT_EQ(r->body.size(), 10000u);
    }
  };
  three_downloads();
  std::string json = fetch_body(s.port(), "/server-status?json");
  EXPECT_NE(json.find("\"conn_requests\":3,\"conn_bytes\":30000,"), std::string::npos) << json;
  // The HTML table shows the same in kB (httpd's Conn column).
  three_downloads();
  std::string html = fetch_body(s.port(), "/server-status");
  EXPECT_NE(html.find("<td>29.3</td>"), std::string::npos) << html;
  EXPECT_EQ(s.stop(), 0);
}

TEST(Status, ScoreBoardFileServesTheSameData) {
  Server s;
  s.put("index.html", "hello\n");
  ASSERT_TRUE(s.start(std::string(kStatusConf) + "ScoreBoardFile logs/scoreboard\n")) << s.log();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(fetch(s.port(), get("/index.html", true)));
  auto m = auto_map(fetch_body(s.port(), "/server-status?auto"));
  EXPECT_EQ(m["Total Accesses"], "3");
  EXPECT_EQ(m["Processes"], "1");
  std::error_code ec;
  EXPECT_GT(std::filesystem::file_size(s.root().path() + "/logs/scoreboard", ec), 0u);
  EXPECT_EQ(s.stop(), 0);
}

TEST(Status, HtmlEscapesHostileRequestLine) {
  Server s;
  ASSERT_TRUE(s.start(kStatusConf)) << s.log();
  // The invalid Host is refused (400), yet the request line is still shown.
  auto r = fetch(s.port(), "GET /x<script>alert(1)</script> HTTP/1.1\r\nHost: <b>h</b>\r\n\r\n");
  ASSERT_TRUE(r);
  std::string page = fetch_body(s.port(), "/server-status");
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_EQ(page.find("<b>h</b>"), std::string::npos);
  EXPECT_NE(page.find("GET /x&lt;script&gt;alert(1)&lt;/script&gt; HTTP/1.1"), std::string::npos)
      << page;
  // ExtendedStatus Off: no worker table, no request lines.
  Server off;
  ASSERT_TRUE(off.start(std::string(kStatusConf) + "ExtendedStatus Off\n")) << off.log();
  ASSERT_TRUE(fetch(off.port(), get("/hello")));
  page = fetch_body(off.port(), "/server-status");
  EXPECT_EQ(page.find("GET /hello"), std::string::npos);
  EXPECT_NE(page.find("Scoreboard Key"), std::string::npos);
  EXPECT_EQ(auto_map(fetch_body(off.port(), "/server-status?auto")).count("Total Accesses"), 0u);
}

TEST(Status, RequireIpAllowsAndDenies) {
  Server s;
  ASSERT_TRUE(s.start(
      "<Location /server-status>\nSetHandler server-status\nRequire ip 127.0.0.1\n</Location>\n"))
      << s.log();
  Client local(s.port());
  ASSERT_TRUE(local.connected());
  ASSERT_TRUE(local.send(get("/server-status?auto", true)));
  auto r = local.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  Client foreign(s.port(), "127.0.0.1", "127.0.0.2");
  ASSERT_TRUE(foreign.connected());
  ASSERT_TRUE(foreign.send(get("/server-status?auto", true)));
  r = foreign.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body.find("ServerMPM"), std::string::npos);
}

TEST(Status, MetricsParseLineByLine) {
  Server s;
  ASSERT_TRUE(s.start(kStatusConf)) << s.log();
  auto r = fetch(s.port(), get("/metrics", true));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  std::istringstream in(r->body);
  std::string line;
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  int samples = 0;
  while (std::getline(in, line)) {
    ASSERT_FALSE(line.empty());
    if (line.rfind("# HELP ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_FALSE(helped.count(name)) << "HELP twice: " << name;
      helped.insert(name);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string rest = line.substr(7);
      std::string name = rest.substr(0, rest.find(' '));
      std::string type = rest.substr(rest.find(' ') + 1);
      EXPECT_TRUE(type == "counter" || type == "gauge") << line;
      EXPECT_TRUE(helped.count(name)) << "TYPE before HELP: " << name;
      types[name] = type;
      continue;
    }
    size_t end = line.find_first_of("{ ");
    ASSERT_NE(end, std::string::npos) << line;
    std::string name = line.substr(0, end);
    EXPECT_TRUE(types.count(name)) << "sample before its TYPE: " << line;
    if (types[name] == "counter") {
      EXPECT_NE(name.find("_total"), std::string::npos) << name;
    }
    std::string value = line.substr(line.rfind(' ') + 1);
    char* stop = nullptr;
    std::strtod(value.c_str(), &stop);
    EXPECT_EQ(*stop, '\0') << line;
    ++samples;
  }
  EXPECT_GT(samples, 20);
  for (const char* n :
       {"tern_requests_total", "tern_bytes_total", "tern_connections", "tern_workers",
        "tern_processes", "tern_uptime_seconds", "tern_starvation_closed_total"}) {
    EXPECT_TRUE(types.count(n)) << n;
  }
}

TEST(Status, RendersInHeadlessChromium) {
  // Debian's chromium comes with scripts/deps.sh's test set.
  const char* chromium = "/usr/bin/chromium";
  ASSERT_EQ(::access(chromium, X_OK), 0) << "no " << chromium << ": run scripts/deps.sh test";
  Server s;
  ASSERT_TRUE(s.start(kStatusConf)) << s.log();
  ASSERT_TRUE(fetch(s.port(), get("/a<i>b", true)));
  TempDir profile;
  ProcessResult r = run_process(
      {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
       "--disable-component-update", "--disable-sync", "--no-first-run",
       "--user-data-dir=" + profile.path(), "--dump-dom", s.url("/server-status")},
      90000);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The DOM as the browser built it: title, tables, chart, and the escaped text as text.
  EXPECT_NE(r.output.find("<title>tern Status</title>"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("<svg"), std::string::npos);
  EXPECT_NE(r.output.find("Async connections"), std::string::npos);
  EXPECT_NE(r.output.find("GET /a&lt;i&gt;b HTTP/1.1"), std::string::npos);
  EXPECT_EQ(r.output.find("<i>b"), std::string::npos);
  EXPECT_NE(r.output.find("</html>"), std::string::npos);
}

}  // namespace
}  // namespace tern::test
