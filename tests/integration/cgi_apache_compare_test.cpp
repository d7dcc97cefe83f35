// CGI as Apache httpd defines it: the same scripts run by Debian's apache2 (event MPM +
// mod_cgid, apache_harness.h) and by tern, in the same test, and the answers compared —
// status, the headers a script controls, the body and the CGI/1.1 environment (RFC 3875
// plus httpd's additions). httpd is the specification here, not our reading of it.

#include <sys/stat.h>

#include <set>

#include <gtest/gtest.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

// The environment, sorted, then the request body.
constexpr const char* kEnvScript =
    "#!/bin/sh\n"
    "printf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
    "env | LC_ALL=C sort\n"
    "if [ -n \"$CONTENT_LENGTH\" ]; then printf 'BODY='; head -c \"$CONTENT_LENGTH\"; echo; fi\n";

// Variables whose values differ between the two servers by nature (software, ports
// chosen at random, process environment), checked for presence only.
const std::set<std::string> kPresenceOnly = {"SERVER_SOFTWARE", "SERVER_SIGNATURE", "REMOTE_PORT",
                                             "PATH"};

// Variables of the process environment that are not CGI's: neither side must be compared
// on them (apache passes its own start-up environment through mod_cgid's daemon).
bool process_variable(const std::string& key) {
  static const std::set<std::string> kProcess = {"PWD",    "SHLVL",           "_",     "LANG",
                                                 "LC_ALL", "LD_LIBRARY_PATH", "OLDPWD"};
  return kProcess.count(key) > 0;
}

class CgiVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    for (const auto& [name, text] : scripts()) apache_.put_script(name, text);
    // tern's test processes may run as root, apache's scripts as nobody: the scripts are
    // world-executable and the same files serve both.
    apache_.put("hello.txt", "hello from a static file\n");
    tern_.put("hello.txt", "hello from a static file\n");
    const std::string alias = "ScriptAlias /cgi-bin/ " + apache_.cgi_dir() + "/\n";
    ASSERT_TRUE(apache_.start(alias)) << apache_.log();
    ASSERT_TRUE(tern_.start("ServerName 127.0.0.1\n" + alias)) << tern_.log();
  }

  static std::vector<std::pair<std::string, std::string>> scripts() {
    return {
        {"env.sh", kEnvScript},
        {"teapot.sh",
         "#!/bin/sh\nprintf 'Status: 418 I am a teapot\\r\\n"
         "Content-Type: text/x-tea\\r\\nX-Brew: green\\r\\n\\r\\nshort and stout\\n'\n"},
        {"away.sh", "#!/bin/sh\nprintf 'Location: http://example.com/elsewhere\\r\\n\\r\\n'\n"},
        {"local.sh", "#!/bin/sh\nprintf 'Location: /hello.txt\\r\\n\\r\\n'\n"},
        {"localenv.sh", "#!/bin/sh\nprintf 'Location: /cgi-bin/env.sh/more?q=2\\r\\n\\r\\n'\n"},
        {"echo.sh",
         "#!/bin/sh\nprintf 'Content-Type: application/octet-stream\\r\\n\\r\\n'\n"
         "cat\n"},
        {"noheaders.sh", "#!/bin/sh\necho 'this is not a header line'\n"},
        {"silent.sh", "#!/bin/sh\nexit 0\n"},
        {"lf.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nbare LF ends headers\\n'\n"},
    };
  }

  // The same request to both; each gets Host 127.0.0.1 (no port, as apache's harness).
  std::pair<Response, Response> both(const std::string& method, const std::string& target,
                                     const std::vector<std::string>& headers = {},
                                     const std::string& body = "") {
    std::string req = http_request(method, target, headers, body);
    auto a = fetch(apache_.port(), req, method == "HEAD");
    auto t = fetch(tern_.port(), req, method == "HEAD");
    EXPECT_TRUE(a) << apache_.log();
    EXPECT_TRUE(t) << tern_.log();
    return {a.value_or(Response{}), t.value_or(Response{})};
  }

  // The environment with the ServerRoots replaced by "<apache>", "<tern>" or "<root>".
  std::map<std::string, std::string> env_of(const Response& r) {
    auto env = parse_env(r.body);
    // Each server has its own ServerRoot; the scripts live under apache's.
    const std::pair<std::string, std::string> roots[] = {{apache_.root().path(), "<apache>"},
                                                         {tern_.root().path(), "<tern>"}};
    for (auto& [k, v] : env) {
      for (const auto& [root, name] : roots) {
        for (size_t at; (at = v.find(root)) != std::string::npos;) {
          v.replace(at, root.size(), name);
        }
      }
    }
    // DOCUMENT_ROOT and PATH_TRANSLATED are under each server's own htdocs.
    for (const char* key : {"DOCUMENT_ROOT", "PATH_TRANSLATED", "REDIRECT_DOCUMENT_ROOT",
                            "REDIRECT_PATH_TRANSLATED"}) {
      auto it = env.find(key);
      if (it == env.end()) continue;
      for (std::string name : {"<apache>", "<tern>"}) {
        if (it->second.rfind(name, 0) == 0) it->second.replace(0, name.size(), "<root>");
      }
    }
    return env;
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(CgiVersusApache, EnvironmentMatches) {
  auto [a, t] =
      both("POST", "/cgi-bin/env.sh/extra/path%20x?a=1&b=%20",
           {"X-Custom-Field: custom value", "Content-Type: text/plain", "User-Agent: tern-test"},
           "posted");
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(t.status, 200) << t.body << tern_.read("logs/error_log");
  auto ea = env_of(a);
  auto et = env_of(t);
  for (const auto& [k, v] : ea) {
    if (process_variable(k)) continue;
    ASSERT_TRUE(et.count(k)) << "tern lacks " << k << " (apache: " << v << ")";
    if (kPresenceOnly.count(k)) continue;
    EXPECT_EQ(et[k], v) << k;
  }
  for (const auto& [k, v] : et) {
    if (process_variable(k)) continue;
    EXPECT_TRUE(ea.count(k)) << "tern sets " << k << "=" << v << ", apache does not";
  }
  EXPECT_EQ(et["BODY"], "posted");
}

TEST_F(CgiVersusApache, AuthorizationIsNotPassed) {
  auto [a, t] = both("GET", "/cgi-bin/env.sh", {"Authorization: Basic dTpw"});
  EXPECT_EQ(parse_env(a.body).count("HTTP_AUTHORIZATION"), 0u);
  EXPECT_EQ(parse_env(t.body).count("HTTP_AUTHORIZATION"), 0u);
}

TEST_F(CgiVersusApache, StatusAndHeadersFromTheScript) {
  auto [a, t] = both("GET", "/cgi-bin/teapot.sh");
  EXPECT_EQ(a.status, 418);
  EXPECT_EQ(t.status, a.status);
  EXPECT_EQ(t.status_line, a.status_line);  // the script's own reason phrase
  EXPECT_EQ(headers_map(t)["content-type"], headers_map(a)["content-type"]);
  EXPECT_EQ(headers_map(t)["x-brew"], headers_map(a)["x-brew"]);
  EXPECT_EQ(t.body, a.body);
}

TEST_F(CgiVersusApache, AbsoluteLocationRedirects) {
  auto [a, t] = both("GET", "/cgi-bin/away.sh");
  EXPECT_EQ(a.status, 302);
  EXPECT_EQ(t.status, a.status);
  EXPECT_EQ(headers_map(t)["location"], headers_map(a)["location"]);
}

TEST_F(CgiVersusApache, LocalLocationIsServedInternally) {
  auto [a, t] = both("GET", "/cgi-bin/local.sh");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "hello from a static file\n");
  EXPECT_EQ(t.status, a.status);
  EXPECT_EQ(t.body, a.body);
  EXPECT_EQ(headers_map(t).count("location"), 0u);
}

// httpd's ap_internal_redirect_handler: the target's environment has the first
// request's variables renamed REDIRECT_* (its CGI variables among them), REDIRECT_STATUS
// and the original URL; the target is a GET without the body.
TEST_F(CgiVersusApache, LocalLocationTargetSeesTheRedirectVariables) {
  auto [a, t] = both("POST", "/cgi-bin/localenv.sh/p%20i?orig=1",
                     {"X-Custom-Field: custom value", "Content-Type: text/plain"}, "posted");
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(t.status, 200) << t.body << tern_.read("logs/error_log");
  auto ea = env_of(a);
  auto et = env_of(t);
  EXPECT_EQ(ea["REDIRECT_STATUS"], "200");
  EXPECT_EQ(ea["REQUEST_METHOD"], "GET");
  for (const auto& [k, v] : ea) {
    if (process_variable(k) || process_variable(k.substr(k.rfind("REDIRECT_", 0) == 0 ? 9 : 0))) {
      continue;
    }
    ASSERT_TRUE(et.count(k)) << "tern lacks " << k << " (apache: " << v << ")";
    if (kPresenceOnly.count(k) ||
        kPresenceOnly.count(k.substr(k.rfind("REDIRECT_", 0) == 0 ? 9 : 0))) {
      continue;
    }
    EXPECT_EQ(et[k], v) << k;
  }
  for (const auto& [k, v] : et) {
    if (process_variable(k)) continue;
    EXPECT_TRUE(ea.count(k)) << "tern sets " << k << "=" << v << ", apache does not";
  }
}

TEST_F(CgiVersusApache, RequestBodyReachesStdin) {
  std::string body;
  for (int i = 0; i < 20000; ++i) body += static_cast<char>('a' + i % 26);
  auto [a, t] = both("POST", "/cgi-bin/echo.sh", {}, body);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, body);
  EXPECT_EQ(t.status, 200);
  EXPECT_EQ(t.body, body);
}

TEST_F(CgiVersusApache, BadScriptsAre500) {
  for (const char* script : {"/cgi-bin/noheaders.sh", "/cgi-bin/silent.sh"}) {
    auto [a, t] = both("GET", script);
    EXPECT_EQ(a.status, 500) << script;
    EXPECT_EQ(t.status, a.status) << script;
  }
}

TEST_F(CgiVersusApache, BareLineFeedsEndTheHeaders) {
  auto [a, t] = both("GET", "/cgi-bin/lf.sh");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(t.status, a.status);
  EXPECT_EQ(t.body, a.body);
}

TEST_F(CgiVersusApache, MissingOrNotExecutableScripts) {
  apache_.put_script("notexec.sh", "#!/bin/sh\necho hi\n");
  ::chmod((apache_.cgi_dir() + "/notexec.sh").c_str(), 0644);
  for (const char* target : {"/cgi-bin/nothere.sh", "/cgi-bin/notexec.sh"}) {
    auto [a, t] = both("GET", target);
    EXPECT_EQ(t.status, a.status) << target;
  }
}

TEST_F(CgiVersusApache, HeadGetsNoBody) {
  auto [a, t] = both("HEAD", "/cgi-bin/teapot.sh");
  EXPECT_EQ(a.status, 418);
  EXPECT_EQ(t.status, a.status);
  EXPECT_EQ(t.body, "");
}

}  // namespace
}  // namespace tern::test
