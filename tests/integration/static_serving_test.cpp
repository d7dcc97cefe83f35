// The first slice end to end: static files over keep-alive HTTP/1.1.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

using namespace std::chrono_literals;

class StaticServing : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.put("index.html", "<h1>hello</h1>\n");
    server_.put("a.txt", "alpha\n");
    server_.put("sub/index.html", "sub index\n");
    server_.put("style.css", "body{}\n");
    ASSERT_TRUE(server_.start("KeepAliveTimeout 2\nMaxKeepAliveRequests 5\n")) << server_.log();
  }
  std::string get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
  }
  Server server_;
};

TEST_F(StaticServing, ServesAFileWithItsMetadata) {
  auto r = fetch(server_.port(), get("/a.txt"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "alpha\n");
  EXPECT_EQ(r->header("Content-Length"), "6");
  EXPECT_EQ(r->header("Content-Type"), "text/plain");
  EXPECT_TRUE(r->header("ETag"));
  EXPECT_TRUE(r->header("Last-Modified"));
  EXPECT_TRUE(r->header("Date"));
  EXPECT_EQ(r->header("Accept-Ranges"), "bytes");
  ASSERT_TRUE(r->header("Server"));
  EXPECT_EQ(r->header("Server")->rfind("tern", 0), 0u);
  auto css = fetch(server_.port(), get("/style.css"));
  ASSERT_TRUE(css);
  EXPECT_EQ(css->header("Content-Type"), "text/css");
}

TEST_F(StaticServing, LargeFilesServedFromTheOpenFileCacheFollowChanges) {
  // Above the in-memory size: the descriptor is kept open between requests.
  std::string big(200 * 1024, 'a');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('b' + i % 20);
  std::string path = server_.put("big.bin", big);
  for (int i = 0; i < 3; ++i) {
    auto r = fetch(server_.port(), get("/big.bin", "Connection: close\r\n"));
    ASSERT_TRUE(r && r->status == 200) << i;
    EXPECT_EQ(r->body, big) << i;
  }
  auto part =
      fetch(server_.port(), get("/big.bin", "Range: bytes=1000-1999\r\nConnection: close\r\n"));
  ASSERT_TRUE(part && part->status == 206);
  EXPECT_EQ(part->body, big.substr(1000, 1000));
  // Replaced by another file (a new inode, as an editor or a deployment does): served
  // within the second the cache revalidates in.
  std::string next(150 * 1024, 'z');
  std::string tmp = server_.put("big.tmp", next);
  ASSERT_EQ(::rename(tmp.c_str(), path.c_str()), 0);
  std::optional<Response> r;
  ASSERT_TRUE(wait_until(
      [&] {
        r = fetch(server_.port(), get("/big.bin", "Connection: close\r\n"));
        return r && r->status == 200 && r->body == next;
      },
      5s));
  // Made unreadable: refused as httpd refuses it (the change of its ctime reloads it).
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  if (::geteuid() != 0) {  // root reads it anyway, as httpd running as root would
    ASSERT_TRUE(wait_until(
        [&] {
          r = fetch(server_.port(), get("/big.bin", "Connection: close\r\n"));
          return r && r->status == 403;
        },
        5s));
  }
  // Removed: 404.
  ASSERT_EQ(::unlink(path.c_str()), 0);
  ASSERT_TRUE(wait_until(
      [&] {
        r = fetch(server_.port(), get("/big.bin", "Connection: close\r\n"));
        return r && r->status == 404;
      },
      5s));
}

// httpd's ETag for a file of `size` bytes modified at `sec` seconds (FileETag MTime Size).
std::string strong_etag(uint64_t size, time_t sec) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(sec) * 1000000ULL);
  return buf;
}

void set_mtime(const std::string& path, time_t sec) {
  timespec t[2] = {{sec, 0}, {sec, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), t, 0), 0);
}

TEST_F(StaticServing, SmallFilesFromTheCacheCarryValidatorsThatFollowChanges) {
  // In memory: the bytes go out from the cache entry, the validators formatted once.
  std::string path = server_.put("small.txt", "version one\n");
  set_mtime(path, 1000000000);   // Sun, 09 Sep 2001 01:46:40 GMT
  for (int i = 0; i < 3; ++i) {  // the same on every response (keep-alive and not)
    auto r = fetch(server_.port(), get("/small.txt"));
    ASSERT_TRUE(r && r->status == 200) << i;
    EXPECT_EQ(r->body, "version one\n");
    EXPECT_EQ(r->header("ETag"), strong_etag(12, 1000000000)) << i;
    EXPECT_EQ(r->header("Last-Modified"), "Sun, 09 Sep 2001 01:46:40 GMT") << i;
    EXPECT_EQ(r->header("Content-Length"), "12");
  }
  auto nm = fetch(server_.port(),
                  get("/small.txt", "If-None-Match: " + strong_etag(12, 1000000000) + "\r\n"));
  ASSERT_TRUE(nm);
  EXPECT_EQ(nm->status, 304);
  // Rewritten in place: within the second the cache revalidates in, the new bytes and
  // validators (the entry's size and mtime changed).
  std::string tmp = server_.put("small.tmp", "version two, longer\n");
  set_mtime(tmp, 1100000000);
  ASSERT_EQ(::rename(tmp.c_str(), path.c_str()), 0);
  std::optional<Response> r;
  ASSERT_TRUE(wait_until(
      [&] {
        r = fetch(server_.port(), get("/small.txt"));
        return r && r->status == 200 && r->body == "version two, longer\n";
      },
      5s));
  EXPECT_EQ(r->header("ETag"), strong_etag(20, 1100000000));
  EXPECT_EQ(r->header("Last-Modified"), "Tue, 09 Nov 2004 11:33:20 GMT");
  // A file modified just now has a weak ETag at first (it may change again within the
  // second); once a second old, the strong one.
  std::string fresh = server_.put("fresh.txt", "new\n");
  struct stat st {};
  ASSERT_EQ(::stat(fresh.c_str(), &st), 0);
  const std::string strong = "\"4-" + [&] {
    char b[32];
    std::snprintf(b, sizeof b, "%llx\"",
                  static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000ULL +
                      static_cast<unsigned long long>(st.st_mtim.tv_nsec) / 1000ULL);
    return std::string(b);
  }();
  auto first = fetch(server_.port(), get("/fresh.txt"));
  ASSERT_TRUE(first && first->status == 200);
  ASSERT_TRUE(first->header("ETag"));
  EXPECT_TRUE(*first->header("ETag") == strong || *first->header("ETag") == "W/" + strong)
      << *first->header("ETag");
  ASSERT_TRUE(wait_until(
      [&] {
        r = fetch(server_.port(), get("/fresh.txt"));
        return r && r->status == 200 && r->header("ETag") == strong;
      },
      5s))
      << (r && r->header("ETag") ? *r->header("ETag") : "no ETag");
}

TEST_F(StaticServing, DirectoryIndexAndRedirect) {
  auto r = fetch(server_.port(), get("/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<h1>hello</h1>\n");
  auto redirect = fetch(server_.port(), get("/sub?x=1"));
  ASSERT_TRUE(redirect);
  EXPECT_EQ(redirect->status, 301);
  ASSERT_TRUE(redirect->header("Location"));
  EXPECT_NE(redirect->header("Location")->find("/sub/?x=1"), std::string::npos);
  auto sub = fetch(server_.port(), get("/sub/"));
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->body, "sub index\n");
}

TEST_F(StaticServing, ErrorsAndMethods) {
  auto missing = fetch(server_.port(), get("/nope.html"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("Not Found"), std::string::npos);

  server_.put("secret.txt", "x");
  ::chmod((server_.root().path() + "/htdocs/secret.txt").c_str(), 0);
  if (::geteuid() != 0) {  // root reads anything: 403 only testable as a user
    auto forbidden = fetch(server_.port(), get("/secret.txt"));
    ASSERT_TRUE(forbidden);
    EXPECT_EQ(forbidden->status, 403);
  }
  server_.put("noindex/file.txt", "x");
  auto noindex = fetch(server_.port(), get("/noindex/"));
  ASSERT_TRUE(noindex);
  EXPECT_EQ(noindex->status, 403);

  // httpd's default handler delivers the file to POST; other methods are not allowed.
  auto post =
      fetch(server_.port(), "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200);
  auto put =
      fetch(server_.port(), "PUT /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
  ASSERT_TRUE(put->header("Allow"));
  EXPECT_NE(put->header("Allow")->find("POST"), std::string::npos);

  auto unknown = fetch(server_.port(), "FOO /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 501);
}

TEST_F(StaticServing, PathsNeverLeaveTheDocumentRoot) {
  server_.root().write("outside.txt", "secret");
  for (const char* p : {"/../outside.txt", "/%2e%2e/outside.txt", "/sub/../../outside.txt",
                        "/..%2foutside.txt", "/%2E%2E%2Foutside.txt"}) {
    auto r = fetch(server_.port(), get(p));
    ASSERT_TRUE(r) << p;
    EXPECT_TRUE(r->status == 400 || r->status == 404) << p << " -> " << r->status;
    EXPECT_EQ(r->body.find("secret"), std::string::npos) << p;
  }
  auto nul = fetch(server_.port(), get("/a.txt%00.html"));
  ASSERT_TRUE(nul);
  EXPECT_TRUE(nul->status == 400 || nul->status == 404);
  auto dotted = fetch(server_.port(), get("/sub/./../a.txt"));
  ASSERT_TRUE(dotted);
  EXPECT_EQ(dotted->status, 200);
}

TEST_F(StaticServing, SymlinksAreFollowed) {
  std::string target = server_.root().path() + "/htdocs/a.txt";
  ASSERT_EQ(::symlink(target.c_str(), (server_.root().path() + "/htdocs/link.txt").c_str()), 0);
  auto r = fetch(server_.port(), get("/link.txt"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "alpha\n");
}

TEST_F(StaticServing, HeadHasGetsHeadersAndNoBody) {
  Client c(server_.port());
  ASSERT_TRUE(c.send("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = c.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), "6");
  // The connection stays in sync: the next response is the GET's, not stray body bytes.
  ASSERT_TRUE(c.send(get("/a.txt")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "alpha\n");
}

TEST_F(StaticServing, ConditionalGetGives304) {
  // An hour old: a file changed within the last second gets httpd's weak ETag, which turns
  // strong a second later (a slow run, under TSan, saw both forms).
  const time_t hour_ago = ::time(nullptr) - 3600;
  const utimbuf old{hour_ago, hour_ago};
  ASSERT_EQ(::utime((server_.root().path() + "/htdocs/a.txt").c_str(), &old), 0);
  auto first = fetch(server_.port(), get("/a.txt"));
  ASSERT_TRUE(first && first->header("ETag") && first->header("Last-Modified"));
  auto by_etag =
      fetch(server_.port(), get("/a.txt", "If-None-Match: " + *first->header("ETag") + "\r\n"));
  ASSERT_TRUE(by_etag);
  EXPECT_EQ(by_etag->status, 304);
  EXPECT_TRUE(by_etag->body.empty());
  EXPECT_EQ(by_etag->header("ETag"), first->header("ETag"));
  auto by_date =
      fetch(server_.port(),
            get("/a.txt", "If-Modified-Since: " + *first->header("Last-Modified") + "\r\n"));
  ASSERT_TRUE(by_date);
  EXPECT_EQ(by_date->status, 304);
}

TEST_F(StaticServing, KeepAliveReusesTheConnection) {
  Client c(server_.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send(get("/a.txt")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_FALSE(r->header("Connection").has_value());
  }
}

TEST_F(StaticServing, PipelinedRequestsAnsweredInOrder) {
  Client c(server_.port());
  ASSERT_TRUE(c.send(get("/a.txt") + get("/style.css") + get("/nope") + get("/a.txt")));
  auto a = c.read_response();
  auto b = c.read_response();
  auto n = c.read_response();
  auto d = c.read_response();
  ASSERT_TRUE(a && b && n && d);
  EXPECT_EQ(a->body, "alpha\n");
  EXPECT_EQ(b->body, "body{}\n");
  EXPECT_EQ(n->status, 404);
  EXPECT_EQ(d->body, "alpha\n");
}

TEST_F(StaticServing, ConnectionCloseAndHttp10) {
  Client c(server_.port());
  ASSERT_TRUE(c.send(get("/a.txt", "Connection: close\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.wait_closed());

  Client old(server_.port());
  ASSERT_TRUE(old.send("GET /a.txt HTTP/1.0\r\n\r\n"));
  auto r10 = old.read_response();
  ASSERT_TRUE(r10);
  EXPECT_EQ(r10->status_line.substr(0, 8), "HTTP/1.1");
  EXPECT_TRUE(old.wait_closed());

  Client ka(server_.port());
  ASSERT_TRUE(ka.send("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto k = ka.read_response();
  ASSERT_TRUE(k);
  EXPECT_EQ(k->header("Connection"), "keep-alive");
  ASSERT_TRUE(ka.send("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  EXPECT_TRUE(ka.read_response());
}

TEST_F(StaticServing, MaxKeepAliveRequestsClosesAfterTheLimit) {
  Client c(server_.port());
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(c.send(get("/a.txt")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    if (i < 5) {
      EXPECT_FALSE(r->header("Connection")) << i;
    } else {
      EXPECT_EQ(r->header("Connection"), "close");
    }
  }
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(StaticServing, KeepAliveTimeoutClosesAnIdleConnection) {
  Client c(server_.port());
  // The timer starts once the response is written, after the send: the close
  // never comes sooner than 2 s after it, however busy the machine; and it comes
  // well before the 5 s default would (seconds of room for a sanitizer build).
  auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send(get("/a.txt")));
  ASSERT_TRUE(c.read_response());
  auto got = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.wait_closed(10000));
  auto closed = std::chrono::steady_clock::now();
  EXPECT_GE(closed - sent, 1999ms);
  EXPECT_LE(closed - got, 4500ms);
}

TEST_F(StaticServing, AccessLogRecordsRequests) {
  auto r = fetch(server_.port(), get("/a.txt", "Connection: close\r\n"));
  ASSERT_TRUE(r);
  std::string log;
  for (int i = 0; i < 3000 && log.find("GET /a.txt") == std::string::npos; ++i) {
    std::this_thread::sleep_for(10ms);
    log = server_.read("logs/access_log");
  }
  EXPECT_NE(log.find("127.0.0.1 - - ["), std::string::npos) << log;
  EXPECT_NE(log.find("\"GET /a.txt HTTP/1.1\" 200 6"), std::string::npos) << log;
}

TEST_F(StaticServing, CurlGetsTheFile) {
  auto r = curl({"-i", server_.url("/a.txt")});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("HTTP/1.1 200 OK"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("alpha"), std::string::npos);
}

TEST_F(StaticServing, SigtermStopsCleanly) {
  EXPECT_EQ(server_.stop(SIGTERM), 0) << server_.log() << server_.read("logs/error_log");
  EXPECT_NE(server_.read("logs/error_log").find("shutting down"), std::string::npos);
}

TEST(Startup, BadConfigurationIsRefusedWithFileAndLine) {
  Server s;
  EXPECT_FALSE(s.start("KeepAliveTimout 5\n"));
  EXPECT_NE(s.log().find("tern.conf:11"), std::string::npos) << s.log();
  EXPECT_NE(s.log().find("KeepAliveTimeout"), std::string::npos) << s.log();
}

TEST(Startup, DuplicateListenIsAnError) {
  Server s;
  EXPECT_FALSE(s.start("Listen 127.0.0.1:1\nListen 127.0.0.1:1\n"));
  EXPECT_NE(s.log().find("Listen"), std::string::npos) << s.log();
}

TEST(Startup, CheckOnlyPrintsSyntaxOk) {
  TempDir d;
  d.write("htdocs/index.html", "x");
  d.write("t.conf", "Listen 127.0.0.1:1\nDocumentRoot htdocs\n");
  auto ok = run_process({TERN_BINARY, "-d", d.path(), "-f", "t.conf", "-t"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_NE(ok.output.find("Syntax OK"), std::string::npos) << ok.output;
  d.write("bad.conf", "Listen 127.0.0.1:1\n<IfDefine X>\nDocumentRoot htdocs\n");
  auto bad = run_process({TERN_BINARY, "-d", d.path(), "-f", "bad.conf", "-t"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("bad.conf"), std::string::npos) << bad.output;
  auto v = run_process({TERN_BINARY, "-v"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.output.find("tern/"), std::string::npos);
}

TEST(Startup, DefinesAndCommandLineDirectives) {
  Server s;
  s.put("x.txt", "x");
  ASSERT_TRUE(s.start("<IfDefine SHORT>\nKeepAliveTimeout 300ms\n</IfDefine>\n",
                      {"-D", "SHORT", "-C", "ServerTokens Prod"}))
      << s.log();
  Client c(s.port());
  ASSERT_TRUE(c.send("GET /x.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Server"), "tern");
  EXPECT_TRUE(c.wait_closed(4000));  // KeepAliveTimeout 300ms, not the 5 s default
}

}  // namespace
}  // namespace tern::test
