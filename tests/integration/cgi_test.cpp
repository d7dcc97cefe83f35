// CGI end to end (issue 10 part 2): ScriptAlias to real scripts (tests/integration/data/
// cgi/) run by the real binary, compared with Debian's Apache httpd + mod_cgid where the
// answer is httpd's; streaming, request bodies, bad scripts, aborts and load.

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "apache_harness.h"
#include "harness.h"

namespace tern::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kScripts = std::string(TERN_SOURCE_DIR) + "/tests/integration/data/cgi";

// Copies every test script into `dir` (executable) and makes dir/pids for pid files.
void install_scripts(const std::string& dir) {
  fs::create_directories(dir + "/pids");
  fs::permissions(dir + "/pids", fs::perms::all);
  for (const auto& e : fs::directory_iterator(kScripts)) {
    std::string to = dir + "/" + e.path().filename().string();
    fs::copy_file(e.path(), to, fs::copy_options::overwrite_existing);
    ::chmod(to.c_str(), 0755);
  }
}

// The pid a script wrote to pids/<name>, 0 until it did.
pid_t read_pid(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/pids/" + name);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

bool process_gone(pid_t pid) {
  return !fs::exists("/proc/" + std::to_string(pid));
}

// Every descendant of `pid` (from /proc).
std::vector<pid_t> descendants(pid_t pid) {
  std::vector<pid_t> out;
  std::vector<pid_t> todo{pid};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    for (pid_t c : children_of(p)) {
      out.push_back(c);
      todo.push_back(c);
    }
  }
  return out;
}

std::string comm(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string s;
  std::getline(in, s);
  return s;
}

// The descendants of the server that are not tern itself (scripts, zombies included).
std::vector<pid_t> script_processes(pid_t server) {
  std::vector<pid_t> out;
  for (pid_t p : descendants(server)) {
    if (comm(p) != "tern") out.push_back(p);
  }
  return out;
}

class Cgi : public ::testing::Test {
 protected:
  std::string cgi_dir() { return server_.root().path() + "/cgi-bin"; }
  bool start(const std::string& extra = "") {
    install_scripts(cgi_dir());
    server_.put("target.txt", "the redirect target\n");
    return server_.start("ScriptAlias /cgi-bin/ " + cgi_dir() + "/\nCGIDScriptTimeout 3\n" +
                         std::string(kStatusConf) + extra);
  }
  std::optional<Response> get(const std::string& target,
                              const std::vector<std::string>& headers = {},
                              const std::string& method = "GET", const std::string& body = "") {
    return fetch(server_.port(), http_request(method, target, headers, body), method == "HEAD");
  }
  // POSTs `size` bytes in 1 MiB writes on one connection and reads the response.
  std::optional<Response> post_bytes(const std::string& target, size_t size) {
    Client c(server_.port());
    if (!c.send("POST " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                "Content-Length: " + std::to_string(size) + "\r\n\r\n")) {
      return std::nullopt;
    }
    const std::string block(1 << 20, 'z');
    for (size_t sent = 0; sent < size; sent += block.size()) {
      if (!c.send(block.substr(0, std::min(block.size(), size - sent)))) return std::nullopt;
    }
    return c.read_response(false, 60000);
  }
  std::string error_log() { return server_.read("logs/error_log"); }
  bool log_has(const std::string& text) {
    return wait_until([&] { return error_log().find(text) != std::string::npos; },
                      std::chrono::seconds(10));
  }

  Server server_;
};

TEST_F(Cgi, EnvironmentMatchesApacheHttpd) {
  ASSERT_TRUE(ApacheServer::available()) << "scripts/deps.sh test installs apache2-bin";
  ApacheServer apache;
  install_scripts(apache.cgi_dir());
  ASSERT_TRUE(apache.start("ScriptAlias /cgi-bin/ " + apache.cgi_dir() + "/")) << apache.log();
  ASSERT_TRUE(start()) << server_.log();
  const std::vector<std::string> headers = {
      "X-Multi: a",          "X-Multi: b",
      "X_Under: dropped",    "Authorization: Basic Zm9vOmJhcg==",
      "Proxy: http://evil/", "Content-Type: text/x-test"};
  const std::string target = "/cgi-bin/env.sh/extra/path%20x?a=1&b=%41";
  auto t = fetch(server_.port(), http_request("POST", target, headers, "x=42"));
  auto a = fetch(apache.port(), http_request("POST", target, headers, "x=42"));
  ASSERT_TRUE(t) << server_.log();
  ASSERT_TRUE(a) << apache.log();
  EXPECT_EQ(t->status, a->status);
  EXPECT_EQ(headers_map(*t)["content-type"], headers_map(*a)["content-type"]);
  EXPECT_EQ(headers_map(*t)["x-script"], headers_map(*a)["x-script"]);
  auto te = parse_env(t->body);
  auto ae = parse_env(a->body);
  // What differs by construction: the roots, the software, the ports, the PATH each
  // server inherited, and what the shell adds itself.
  const std::set<std::string> differ = {"SERVER_SOFTWARE",
                                        "REMOTE_PORT",
                                        "SERVER_PORT",
                                        "DOCUMENT_ROOT",
                                        "SCRIPT_FILENAME",
                                        "PATH",
                                        "CONTEXT_DOCUMENT_ROOT",
                                        "PATH_TRANSLATED",
                                        "PWD",
                                        "SHLVL",
                                        "_",
                                        "SERVER_SIGNATURE",
                                        "SERVER_ADMIN"};
  std::set<std::string> tkeys, akeys;
  for (auto& [k, v] : te) tkeys.insert(k);
  for (auto& [k, v] : ae) akeys.insert(k);
  EXPECT_EQ(tkeys, akeys);
  for (auto& [k, v] : ae) {
    if (differ.count(k)) continue;
    EXPECT_EQ(te[k], v) << k;
  }
  const std::string troot = server_.root().path(), aroot = apache.root().path();
  EXPECT_EQ(te["SCRIPT_FILENAME"], troot + "/cgi-bin/env.sh");
  EXPECT_EQ(ae["SCRIPT_FILENAME"], aroot + "/cgi-bin/env.sh");
  EXPECT_EQ(te["CONTEXT_DOCUMENT_ROOT"], troot + "/cgi-bin/");
  EXPECT_EQ(ae["CONTEXT_DOCUMENT_ROOT"], aroot + "/cgi-bin/");
  EXPECT_EQ(te["PATH_TRANSLATED"], troot + "/htdocs/extra/path x");
  EXPECT_EQ(ae["PATH_TRANSLATED"], aroot + "/htdocs/extra/path x");
  EXPECT_EQ(te["SERVER_PORT"], ae["SERVER_PORT"]);  // no port in Host: 80 in both
  EXPECT_EQ(te["BODY"], "x=42");
  EXPECT_EQ(te.count("HTTP_AUTHORIZATION"), 0u);
  EXPECT_EQ(te.count("HTTP_PROXY"), 0u);
}

TEST_F(Cgi, StatusLocationAndLocalRedirectAsApache) {
  ASSERT_TRUE(ApacheServer::available());
  ApacheServer apache;
  install_scripts(apache.cgi_dir());
  apache.put("target.txt", "the redirect target\n");
  ASSERT_TRUE(apache.start("ScriptAlias /cgi-bin/ " + apache.cgi_dir() + "/")) << apache.log();
  ASSERT_TRUE(start()) << server_.log();
  for (const char* target : {"/cgi-bin/status.sh?404", "/cgi-bin/status.sh?201",
                             "/cgi-bin/status.sh?302", "/cgi-bin/local.sh", "/cgi-bin/absolute.sh",
                             "/cgi-bin/missing.sh", "/cgi-bin/", "/cgi-bin/pids"}) {
    auto t = get(target);
    auto a = fetch(apache.port(), http_request("GET", target));
    ASSERT_TRUE(t) << target;
    ASSERT_TRUE(a) << target;
    EXPECT_EQ(t->status, a->status) << target;
    auto th = headers_map(*t), ah = headers_map(*a);
    EXPECT_EQ(th["location"], ah["location"]) << target;
    EXPECT_EQ(th.count("x-status"), ah.count("x-status")) << target;
    if (a->status < 300 || std::string(target).find("status.sh") != std::string::npos) {
      EXPECT_EQ(t->body, a->body) << target;
    }
  }
  auto local = get("/cgi-bin/local.sh");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->status, 200);
  EXPECT_EQ(local->body, "the redirect target\n");
}

TEST_F(Cgi, BadScriptsAnswerAndLogAsApache) {
  ASSERT_TRUE(ApacheServer::available());
  ApacheServer apache;
  install_scripts(apache.cgi_dir());
  ASSERT_TRUE(
      apache.start("ScriptAlias /cgi-bin/ " + apache.cgi_dir() + "/\nCGIDScriptTimeout 3\n"))
      << apache.log();
  ASSERT_TRUE(start()) << server_.log();
  struct Case {
    const char* target;
    const char* logged;  // in both error logs
  } cases[] = {
      {"/cgi-bin/noheaders.sh",
       "malformed header from script 'noheaders.sh': Bad header: hello without headers"},
      {"/cgi-bin/garbage.sh",
       "malformed header from script 'garbage.sh': Bad header: <html>garbage</html>"},
      {"/cgi-bin/exits.sh", "End of script output before headers: exits.sh"},
      {"/cgi-bin/nope.sh", "/cgi-bin/nope.sh: script not found or unable to stat"},
      {"/cgi-bin/", "/cgi-bin/: attempt to invoke directory as script"},
      {"/cgi-bin/plain.sh", "End of script output before headers: plain.sh"},
      {"/cgi-bin/plain.sh", "(13)Permission denied: AH01241: exec of '"},
      {"/cgi-bin/silent.sh?x", "Script timed out before returning headers: silent.sh"},
  };
  for (const std::string& dir : {cgi_dir(), apache.cgi_dir()}) {
    std::ofstream(dir + "/plain.sh") << "#!/bin/sh\necho\n";
    ::chmod((dir + "/plain.sh").c_str(), 0644);
  }
  for (const Case& c : cases) {
    auto t = get(c.target);
    auto a = fetch(apache.port(), http_request("GET", c.target));
    ASSERT_TRUE(t) << c.target;
    ASSERT_TRUE(a) << c.target;
    EXPECT_EQ(t->status, a->status) << c.target;
    EXPECT_TRUE(wait_until(
        [&] { return apache.read("logs/error_log").find(c.logged) != std::string::npos; },
        std::chrono::seconds(10)))
        << c.logged << "\n"
        << apache.read("logs/error_log");
    EXPECT_TRUE(log_has(c.logged)) << error_log();
  }
}

TEST_F(Cgi, PostBodyReachesStdinByteForByte) {
  ASSERT_TRUE(start()) << server_.log();
  std::string body;
  for (int i = 0; i < 300000; ++i) body.push_back(static_cast<char>((i * 7919) & 0xff));
  auto r = get("/cgi-bin/cat.sh", {}, "POST", body);
  ASSERT_TRUE(r) << server_.log();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Transfer-Encoding"), "chunked");  // unknown length, HTTP/1.1
  EXPECT_TRUE(r->body == body) << r->body.size() << " bytes back of " << body.size();
  // A chunked request body arrives decoded.
  Client c(server_.port());
  ASSERT_TRUE(
      c.send("POST /cgi-bin/cat.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
             "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto rc = c.read_response();
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->body, "hello world");
}

TEST_F(Cgi, Http10GetsACloseDelimitedBody) {
  ASSERT_TRUE(start()) << server_.log();
  Client c(server_.port());
  ASSERT_TRUE(c.send("GET /cgi-bin/lines.sh?1 HTTP/1.0\r\n\r\n"));
  std::string all = c.read_all(10000);
  EXPECT_NE(all.find("HTTP/1.1 200"), std::string::npos) << all;
  EXPECT_EQ(all.find("chunked"), std::string::npos) << all;
  EXPECT_NE(all.find("\r\n\r\nline 1\n"), std::string::npos) << all;
  EXPECT_TRUE(c.wait_closed(10000));
}

TEST_F(Cgi, OutputIsStreamedLineByLine) {
  ASSERT_TRUE(start()) << server_.log();
  Client c(server_.port());
  ASSERT_TRUE(c.send("GET /cgi-bin/lines.sh?3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string got;
  bool saw_first = false;
  auto until = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < until && got.find("line 3") == std::string::npos) {
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(c.fd(), buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    if (!saw_first && got.find("line 1") != std::string::npos) {
      saw_first = true;
      // The script prints line 3 two seconds after line 1: line 1 came before it existed.
      EXPECT_EQ(got.find("line 3"), std::string::npos) << "line 1 was held back";
    }
  }
  ASSERT_NE(got.find("line 3"), std::string::npos) << got;
  EXPECT_NE(got.find("Transfer-Encoding: chunked"), std::string::npos);
}

TEST_F(Cgi, BadScriptsGet500Or504AndAnErrorLogLine) {
  ASSERT_TRUE(start()) << server_.log();
  auto no_headers = get("/cgi-bin/noheaders.sh");
  ASSERT_TRUE(no_headers);
  EXPECT_EQ(no_headers->status, 500);
  // httpd reads its first line as a header line without a colon.
  EXPECT_TRUE(
      log_has("malformed header from script 'noheaders.sh': Bad header: hello without headers"))
      << error_log();

  auto garbage = get("/cgi-bin/garbage.sh");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 500);
  EXPECT_TRUE(log_has("malformed header from script 'garbage.sh': Bad header: <html>garbage"))
      << error_log();

  auto exits = get("/cgi-bin/exits.sh");
  ASSERT_TRUE(exits);
  EXPECT_EQ(exits->status, 500);
  EXPECT_TRUE(log_has("End of script output before headers: exits.sh"));
  EXPECT_TRUE(log_has("exits.sh says goodbye")) << "stderr goes to the error log";

  auto t0 = Clock::now();
  auto silent = get("/cgi-bin/silent.sh?timeout");
  ASSERT_TRUE(silent);
  EXPECT_EQ(silent->status, 504);  // CGIDScriptTimeout 3
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(2500));
  EXPECT_TRUE(log_has("Script timed out before returning headers: silent.sh"));
  pid_t pid = read_pid(cgi_dir(), "timeout");
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(wait_until([&] { return process_gone(pid); }, std::chrono::seconds(10)));

  ::chmod((cgi_dir() + "/lines.sh").c_str(), 0644);
  auto noexec = get("/cgi-bin/lines.sh");  // mod_cgid's exec fails: 500
  ASSERT_TRUE(noexec);
  EXPECT_EQ(noexec->status, 500);
  EXPECT_TRUE(
      log_has("(13)Permission denied: AH01241: exec of '" + cgi_dir() + "/lines.sh' failed"));
  auto missing = get("/cgi-bin/nope.sh");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(log_has("AH01264: stderr from " + cgi_dir() +
                      "/nope.sh: script not found or unable to stat"));
  auto dir = get("/cgi-bin/");
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->status, 403);
  EXPECT_TRUE(
      log_has("AH01265: stderr from " + cgi_dir() + "/: attempt to invoke directory as script"));
  // The server still answers at once.
  auto ok = get("/target.txt");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(Cgi, ClientAbortKillsTheScriptAndLeavesNoZombie) {
  ASSERT_TRUE(start()) << server_.log();
  {
    Client c(server_.port());
    ASSERT_TRUE(c.send("GET /cgi-bin/silent.sh?abort HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(
        wait_until([&] { return read_pid(cgi_dir(), "abort") > 0; }, std::chrono::seconds(10)));
  }  // the client goes away
  pid_t pid = read_pid(cgi_dir(), "abort");
  EXPECT_TRUE(wait_until([&] { return process_gone(pid); }, std::chrono::seconds(10)))
      << "script " << pid << " still there";
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(get("/cgi-bin/lines.sh?1"));
  EXPECT_TRUE(wait_until([&] { return script_processes(server_.pid()).empty(); },
                         std::chrono::seconds(10)));
}

// Load (issue 10): 200 clients each running a script that prints a line per second, with
// ThreadsPerChild 4, while static requests are answered promptly.
TEST_F(Cgi, SlowScriptsHoldNoWorker) {
  ASSERT_TRUE(start("MaxRequestWorkers 4\nServerLimit 1\n")) << server_.log();
  constexpr int kClients = 200;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(server_.port()));
    ASSERT_TRUE(clients.back()->send(
        "GET /cgi-bin/lines.sh?8 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  }
  // The scripts wait parked in the listener, not on workers: with 4 workers, most of the 200
  // can only be running at once if none holds a worker.
  auto parked = [&] {
    auto st = get("/server-status?auto");
    if (!st) return 0LL;
    size_t at = st->body.find("ConnsAsyncParked: ");
    return at == std::string::npos ? 0LL : std::stoll(st->body.substr(at + 18));
  };
  ASSERT_TRUE(wait_until([&] { return parked() >= 150; }, std::chrono::seconds(30)))
      << "parked: " << parked();
  // While they run, fresh static requests are answered (a bound in seconds: a busy machine
  // may be slow, a request waiting for a worker held by a script would wait for it to end).
  for (int i = 0; i < 5; ++i) {
    auto t0 = Clock::now();
    auto r = get("/target.txt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(3)) << "static request " << i;
  }
  // server-status shows no worker busy for the scripts: a snapshot with only the worker
  // answering it busy while the scripts are parked.
  EXPECT_TRUE(wait_until(
      [&] {
        auto st = get("/server-status?auto");
        return st && st->body.find("BusyWorkers: 1\n") != std::string::npos &&
               st->body.find("ConnsAsyncParked: 0\n") == std::string::npos;
      },
      std::chrono::seconds(20)));
  int complete = 0;
  for (auto& c : clients) {
    auto r = c->read_response(false, 60000);
    if (r && r->status == 200 && r->body.find("line 8\n") != std::string::npos) ++complete;
  }
  EXPECT_EQ(complete, kClients);
  EXPECT_TRUE(wait_until([&] { return script_processes(server_.pid()).empty(); },
                         std::chrono::seconds(20)));
}

TEST_F(Cgi, FiftyMegabytePostIsCountedExactly) {
  ASSERT_TRUE(start()) << server_.log();
  constexpr size_t kSize = 50u << 20;
  auto r = post_bytes("/cgi-bin/count.pl", kSize);
  ASSERT_TRUE(r) << server_.log();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, std::to_string(kSize) + "\n");
}

TEST_F(Cgi, FiveHundredAbortedRequestsLeaveNoProcess) {
  ASSERT_TRUE(start()) << server_.log();
  constexpr int kRequests = 500;
  for (int i = 0; i < kRequests; ++i) {
    Client c(server_.port());
    ASSERT_TRUE(
        c.send("GET /cgi-bin/silent.sh?a" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  }  // each client disconnects at once
  int gone = 0, started = 0;
  auto settled = [&] {
    gone = started = 0;
    for (int i = 0; i < kRequests; ++i) {
      pid_t pid = read_pid(cgi_dir(), "a" + std::to_string(i));
      if (pid == 0) continue;  // the server saw the disconnect before it ran the script
      ++started;
      if (process_gone(pid)) ++gone;
    }
    return gone == started && script_processes(server_.pid()).empty();
  };
  EXPECT_TRUE(wait_until(settled, std::chrono::seconds(30)))
      << started - gone << " of " << started << " scripts left, "
      << script_processes(server_.pid()).size() << " processes under the server";
  // Whatever the server still had queued has run (or been dropped) by now: still none.
  auto r = get("/cgi-bin/lines.sh?1");
  ASSERT_TRUE(r);
  EXPECT_TRUE(wait_until(settled, std::chrono::seconds(30)));
}

// httpd's phases: access (Require) before the handler, and a section's SetHandler wins
// over ScriptAlias's cgi-script (core's fixup), so neither runs the script.
TEST_F(Cgi, RequireAndSetHandlerComeFirst) {
  ASSERT_TRUE(
      start("<Location /cgi-bin/silent.sh>\nRequire all denied\n</Location>\n"
            "<Location /cgi-bin/env.sh>\nSetHandler server-status\n</Location>\n"))
      << server_.log();
  auto denied = get("/cgi-bin/silent.sh?denied");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  auto status = get("/cgi-bin/env.sh?auto");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_NE(status->body.find("BusyWorkers:"), std::string::npos) << status->body;
  EXPECT_EQ(read_pid(cgi_dir(), "denied"), 0);
}

// RequestReadTimeout body= measures the client, not the script: while tern does not read
// the body because the script is not reading its stdin, the body's deadline pauses.
TEST_F(Cgi, BodyDeadlinePausesWhileTheScriptDoesNotRead) {
  ASSERT_TRUE(start("RequestReadTimeout body=4\nCGIDScriptTimeout 20\n")) << server_.log();
  constexpr size_t kSize = 16u << 20;  // far more than the pipe and socket buffers hold
  auto r = post_bytes("/cgi-bin/late_count.sh", kSize);
  ASSERT_TRUE(r) << server_.log();
  EXPECT_EQ(r->status, 200) << error_log();
  EXPECT_EQ(r->body, std::to_string(kSize) + "\n");
}

// A client that stops sending its body while the script reads gets 408 after the body
// timeout, and the script is stopped.
TEST_F(Cgi, StalledBodyIs408AndStopsTheScript) {
  ASSERT_TRUE(start("RequestReadTimeout body=2\nCGIDScriptTimeout 20\n")) << server_.log();
  Client c(server_.port());
  ASSERT_TRUE(c.send("POST /cgi-bin/count.pl HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" +
                     std::string(400, 'x')));
  auto r = c.read_response(false, 30000);
  ASSERT_TRUE(r) << server_.log();
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(wait_until([&] { return script_processes(server_.pid()).empty(); },
                         std::chrono::seconds(15)));
}

}  // namespace
}  // namespace tern::test
