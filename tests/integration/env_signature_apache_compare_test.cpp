// ServerSignature, ServerAdmin and mod_env compared with Debian's apache2 in the same test:
// error page bodies with the <address> line, a CGI script's SERVER_ADMIN, SERVER_SIGNATURE
// and SetEnv/PassEnv variables, and %{VAR}e in the access log.

#include <stdlib.h>

#include <gtest/gtest.h>

#include <algorithm>

#include "apache_harness.h"

namespace tern::test {
namespace {

// The body of `r`, its Server value replaced by "<banner>" (Apache/2.4.x vs tern/x).
std::string normalized_body(const Response& r) {
  std::string body = r.body;
  const std::string banner = headers_map(r)["server"];
  if (banner.empty()) return body;
  for (size_t at; (at = body.find(banner)) != std::string::npos;) {
    body.replace(at, banner.size(), "<banner>");
  }
  return body;
}

class EnvSignatureVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    ::setenv("TERN_TEST_PASSED", "passed through", 1);
    apache_.put_script("env.sh", kSortedEnvScript);
  }

  // Starts both with `directives` (apache also loads mod_env).
  void start(const std::string& directives) {
    const std::string alias = "ScriptAlias /cgi-bin/ " + apache_.cgi_dir() + "/\n";
    start_both(apache_, tern_,
               "LoadModule env_module " + std::string(kApacheModules) + "/mod_env.so\n", "",
               alias + directives);
  }

  // The same request to both, with the same Host (so the pages name the same server).
  std::pair<Response, Response> both(const std::string& target) {
    const std::string req = http_request("GET", target, {"Host: www.example.test:8080"});
    auto a = fetch(apache_.port(), req);
    auto t = fetch(tern_.port(), req);
    EXPECT_TRUE(a) << apache_.log();
    EXPECT_TRUE(t) << tern_.log();
    return {a.value_or(Response{}), t.value_or(Response{})};
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(EnvSignatureVersusApache, ErrorPageWithSignatureOn) {
  start("ServerSignature On\nServerAdmin webmaster@example.test\n");
  auto [a, t] = both("/missing.html");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(t.status, 404);
  EXPECT_NE(a.body.find("<address>"), std::string::npos) << a.body;
  EXPECT_EQ(normalized_body(t), normalized_body(a));
  EXPECT_NE(t.body.find("<address>tern"), std::string::npos) << t.body;
}

TEST_F(EnvSignatureVersusApache, ErrorPageWithoutHostNamesServerNameAndItsPort) {
  // httpd's ap_get_server_port: the Host's port, else ServerName's, else 80 (not the
  // port the connection came in on).
  start("ServerSignature On\n");
  const std::string req = "GET /missing.html HTTP/1.0\r\n\r\n";
  auto a = fetch(apache_.port(), req);
  auto t = fetch(tern_.port(), req);
  ASSERT_TRUE(a && t);
  EXPECT_NE(a->body.find("Server at 127.0.0.1 Port 80</address>"), std::string::npos) << a->body;
  EXPECT_EQ(normalized_body(*t), normalized_body(*a));
}

TEST_F(EnvSignatureVersusApache, ErrorPageWithSignatureEMail) {
  start("ServerSignature EMail\nServerAdmin webmaster@example.test\n");
  auto [a, t] = both("/missing.html");
  EXPECT_NE(a.body.find("mailto:webmaster@example.test"), std::string::npos) << a.body;
  EXPECT_EQ(normalized_body(t), normalized_body(a));
}

TEST_F(EnvSignatureVersusApache, ErrorPageWithoutSignature) {
  start("ServerAdmin webmaster@example.test\n");
  auto [a, t] = both("/missing.html");
  EXPECT_EQ(a.body.find("<address>"), std::string::npos) << a.body;
  EXPECT_EQ(normalized_body(t), normalized_body(a));
}

TEST_F(EnvSignatureVersusApache, CgiSeesAdminSignatureAndModEnvVariables) {
  start(
      "ServerSignature EMail\nServerAdmin admin@example.test\n"
      "SetEnv TERN_SET \"set value\"\nSetEnv TERN_GONE x\nPassEnv TERN_TEST_PASSED\n"
      "<Location /cgi-bin/>\nUnsetEnv TERN_GONE\nSetEnv TERN_LOC here\n</Location>\n");
  auto [a, t] = both("/cgi-bin/env.sh");
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(t.status, 200) << t.body << tern_.read("logs/error_log");
  auto ea = parse_env(a.body);
  auto et = parse_env(t.body);
  for (const char* k : {"SERVER_ADMIN", "TERN_SET", "TERN_TEST_PASSED", "TERN_LOC"}) {
    ASSERT_TRUE(ea.count(k)) << k << "\n" << a.body;
    EXPECT_EQ(et[k], ea[k]) << k;
  }
  EXPECT_EQ(ea.count("TERN_GONE"), 0u);
  EXPECT_EQ(et.count("TERN_GONE"), 0u);
  // The signature differs only by the server's banner.
  std::string sa = ea["SERVER_SIGNATURE"];
  std::string st = et["SERVER_SIGNATURE"];
  const std::string ba = headers_map(a)["server"];
  const std::string bt = headers_map(t)["server"];
  ASSERT_NE(sa.find(ba), std::string::npos) << sa;
  ASSERT_NE(st.find(bt), std::string::npos) << st;
  sa.replace(sa.find(ba), ba.size(), "<banner>");
  st.replace(st.find(bt), bt.size(), "<banner>");
  EXPECT_EQ(st, sa);
}

TEST_F(EnvSignatureVersusApache, AccessLogEnvironmentVariables) {
  const std::string log_line =
      "LogFormat \"%{TERN_SET}e|%{tern_loc}e|%{TERN_NONE}e|%>s\" envfmt\n"
      "CustomLog logs/env_log envfmt\n";
  // apache's harness resolves relative log paths under its ServerRoot as tern does.
  start("SetEnv TERN_SET one\n<Location /in>\nSetEnv TERN_LOC two\n</Location>\n" + log_line);
  both("/in/missing");
  both("/out");
  auto la = wait_lines([&] { return apache_.read("logs/env_log"); }, 2);
  auto lt = wait_lines([&] { return tern_.read("logs/env_log"); }, 2);
  ASSERT_EQ(la.size(), 2u) << apache_.log();
  // httpd logs after the response is sent, from any worker thread: its two lines may come
  // in either order, so both servers' lines are compared as sets.
  std::sort(la.begin(), la.end());
  std::sort(lt.begin(), lt.end());
  EXPECT_NE(std::find(la.begin(), la.end(), "one|two|-|404"), la.end());
  EXPECT_EQ(lt, la);
}

}  // namespace
}  // namespace tern::test
