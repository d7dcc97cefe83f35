// <VirtualHost> as Apache httpd 2.4 chooses and serves them: the same three name-based
// vhosts and a default one given to Debian's apache2 (apache_harness.h) and to tern in
// the same test; the answers per Host header (status, Content-Type, Location, body), the
// lines of each vhost's own CustomLog and the requests left to the main server's log are
// compared.

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "apache_harness.h"

namespace tern::test {
namespace {

// The vhosts, with every path under `root`.
std::string vhosts(const std::string& root) {
  return "LogFormat \"%v %V \\\"%r\\\" %>s %b\" vhost\n"
         "<VirtualHost *>\n"
         "  ServerName default.test\n"
         "  DocumentRoot " +
         root +
         "/def\n"
         "  ErrorDocument 404 \"default vhost has no such page\"\n"
         "</VirtualHost>\n"
         "<VirtualHost *>\n"
         "  ServerName a.test\n"
         "  ServerAlias www.a.test\n"
         "  DocumentRoot " +
         root +
         "/a\n"
         "  CustomLog " +
         root +
         "/logs/a_log vhost\n"
         "  ErrorDocument 404 /missing.html\n"
         "</VirtualHost>\n"
         "<VirtualHost *>\n"
         "  ServerName b.test\n"
         "  ServerAlias *.b.test b?.test\n"
         "  DocumentRoot " +
         root +
         "/b\n"
         "  CustomLog " +
         root +
         "/logs/b_log vhost\n"
         "  Redirect /old http://b.test/new\n"
         "</VirtualHost>\n"
         "<VirtualHost *>\n"
         "  ServerName c.test\n"
         "  DocumentRoot " +
         root +
         "/c\n"
         "  Alias /shared " +
         root +
         "/shared\n"
         "</VirtualHost>\n"
         // After the sections, yet it applies to them too (httpd merges at the end).
         "ErrorDocument 403 \"main forbids\"\n"
         "<Location /private>\n  Require all denied\n</Location>\n";
}

// The quoted request of each line of a common-format log, sorted: httpd writes a request's line
// after its response has gone, so the client's next request (on another connection) may be logged
// first; the order of the lines is not part of what is compared.
std::vector<std::string> request_lines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    const size_t a = line.find('"');
    const size_t b = line.rfind('"');
    if (a != std::string::npos && b > a) out.push_back(line.substr(a, b - a + 1));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The lines of a log, sorted (see request_lines).
std::vector<std::string> sorted_lines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

size_t line_count(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

class VhostVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    fill(apache_.root());
    fill(tern_.root());
    ASSERT_TRUE(apache_.start(vhosts(apache_.root().path()))) << apache_.log();
    ASSERT_TRUE(tern_.start("ServerName 127.0.0.1\n" + vhosts(tern_.root().path()))) << tern_.log();
  }

  static void fill(const TempDir& root) {
    root.write("def/index.html", "default site\n");
    root.write("a/index.html", "site a\n");
    root.write("a/missing.html", "a's own 404 page\n");
    root.write("b/index.html", "site b\n");
    root.write("b/page.txt", "b's text\n");
    root.write("c/index.html", "site c\n");
    root.write("shared/s.txt", "shared by c\n");
    root.write("htdocs/index.html", "main server\n");
  }

  // The same raw request to both servers; compares status, Content-Type, Location, body.
  void compare(const std::string& raw) {
    SCOPED_TRACE(raw);
    compare_with_apache(apache_, tern_, raw, false, {"content-type", "location"}, &last_);
  }
  void get(const std::string& path, const std::string& host) {
    compare(http_request("GET", path, {"Host: " + host}));
  }

  // Waits until both servers' `rel` logs have `lines` lines (the access log is written
  // after the response is sent).
  void await_lines(const std::string& rel, size_t lines) {
    EXPECT_TRUE(wait_until([&] { return line_count(apache_.read(rel)) >= lines; },
                           std::chrono::seconds(10)))
        << rel << ": " << apache_.read(rel);
    EXPECT_TRUE(
        wait_until([&] { return line_count(tern_.read(rel)) >= lines; }, std::chrono::seconds(10)))
        << rel << ": " << tern_.read(rel);
  }

  ApacheServer apache_;
  Server tern_;
  Response last_;  // apache's answer to the last compare()
};

TEST_F(VhostVersusApache, HostChoosesTheVhost) {
  get("/", "a.test");
  EXPECT_EQ(last_.body, "site a\n");
  get("/", "WWW.A.test:8080");
  EXPECT_EQ(last_.body, "site a\n");
  get("/", "b.test");
  EXPECT_EQ(last_.body, "site b\n");
  get("/page.txt", "x.y.b.test");
  EXPECT_EQ(last_.body, "b's text\n");
  get("/", "b7.test");
  EXPECT_EQ(last_.body, "site b\n");
  get("/", "b77.test");  // `?` is one character: the default vhost
  EXPECT_EQ(last_.body, "default site\n");
  get("/", "c.test");
  EXPECT_EQ(last_.body, "site c\n");
  get("/shared/s.txt", "c.test");
  EXPECT_EQ(last_.status, 200);
  get("/shared/s.txt", "a.test");  // c's Alias only
  EXPECT_EQ(last_.status, 404);
}

TEST_F(VhostVersusApache, UnknownOrMissingHostGetsTheFirstVhost) {
  get("/", "unknown.test");
  EXPECT_EQ(last_.body, "default site\n");
  get("/", "127.0.0.1");
  EXPECT_EQ(last_.body, "default site\n");
  compare("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(last_.body, "default site\n");
}

TEST_F(VhostVersusApache, ErrorDocumentAndRedirectPerVhost) {
  get("/nope", "default.test");
  EXPECT_EQ(last_.status, 404);
  EXPECT_EQ(last_.body, "default vhost has no such page");
  get("/nope", "a.test");
  EXPECT_EQ(last_.status, 404);
  EXPECT_EQ(last_.body, "a's own 404 page\n");
  get("/nope", "c.test");  // neither vhost's page: httpd's own
  EXPECT_EQ(last_.status, 404);
  get("/old/x", "b.test");
  EXPECT_EQ(last_.status, 302);
  get("/old/x", "a.test");
  EXPECT_EQ(last_.status, 404);
  // The main server's <Location> and ErrorDocument 403 come after the sections, yet
  // reach them.
  get("/private", "a.test");
  EXPECT_EQ(last_.status, 403);
  EXPECT_EQ(last_.body, "main forbids");
}

TEST_F(VhostVersusApache, EachVhostLogsToItsOwnCustomLogOnly) {
  get("/", "a.test");
  get("/nope", "www.a.test");
  get("/page.txt", "z.b.test");
  get("/", "c.test");
  get("/", "unknown.test");
  compare("GET /index.html HTTP/1.0\r\n\r\n");
  await_lines("logs/a_log", 2);
  await_lines("logs/b_log", 1);
  await_lines("logs/access_log", 3);
  EXPECT_EQ(sorted_lines(tern_.read("logs/a_log")), sorted_lines(apache_.read("logs/a_log")));
  EXPECT_EQ(sorted_lines(tern_.read("logs/b_log")), sorted_lines(apache_.read("logs/b_log")));
  EXPECT_EQ(line_count(tern_.read("logs/a_log")), 2u);
  // c and the default vhost have no CustomLog: the main server's gets their lines.
  EXPECT_EQ(request_lines(tern_.read("logs/access_log")),
            request_lines(apache_.read("logs/access_log")));
}

}  // namespace
}  // namespace tern::test
