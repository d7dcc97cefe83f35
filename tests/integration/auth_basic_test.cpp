// HTTP Basic authentication (mod_auth_basic, mod_authn_core, mod_authn_file,
// mod_authz_user with authz_core) against the real binary: password files made by
// htpasswd at test time, 401 challenges, Require combinations, the error cases httpd
// answers with 500, REMOTE_USER in CGI and %u in the access log.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "apache_harness.h"

namespace tern::test {
namespace {

std::string basic(const std::string& user_colon_password) {
  static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  const std::string& s = user_colon_password;
  for (size_t i = 0; i < s.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) v |= static_cast<unsigned char>(s[i + 1]) << 8;
    if (i + 2 < s.size()) v |= static_cast<unsigned char>(s[i + 2]);
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(i + 1 < s.size() ? kB64[(v >> 6) & 63] : '=');
    out.push_back(i + 2 < s.size() ? kB64[v & 63] : '=');
  }
  return "Authorization: Basic " + out;
}

// Adds `user` with `password` to the htpasswd file `path` in the format of `flag`.
void add_user(const std::string& path, const std::string& flag, const std::string& user,
              const std::string& password) {
  struct stat st {};
  std::vector<std::string> argv{"/usr/bin/htpasswd", "-b"};
  if (::stat(path.c_str(), &st) != 0) argv.push_back("-c");
  if (flag == "-B")
    argv.insert(argv.end(), {"-B", "-C", "4"});
  else
    argv.push_back(flag);
  argv.insert(argv.end(), {path, user, password});
  ProcessResult r = run_process(argv);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ::chmod(path.c_str(), 0644);  // httpd's child runs as nobody
}

const char* kEnvScript = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nenv\n";

class AuthBasic : public ::testing::Test {
 protected:
  void SetUp() override {
    users_ = server_.root().path() + "/users";
    add_user(users_, "-B", "alice", "alice pw");
    add_user(users_, "-m", "bob", "bob:pw");
    add_user(users_, "-s", "carol", "carol-pw");
    add_user(users_, "-d", "dave", "davepass");
    server_.put("private/index.html", "secret page\n");
    server_.put("open/f.txt", "open\n");
    server_.root().write("cgi-bin/env.sh", kEnvScript);
    ::chmod((server_.root().path() + "/cgi-bin/env.sh").c_str(), 0755);
  }

  std::string auth(const std::string& where, const std::string& realm, const std::string& require) {
    return "<Location " + where + ">\n  AuthType Basic\n  AuthName \"" + realm +
           "\"\n  AuthUserFile users\n" + require + "</Location>\n";
  }

  void start(const std::string& extra = "") {
    const std::string conf =
        "ServerName 127.0.0.1\n"
        "ScriptAlias /cgi-bin/ " +
        server_.root().path() + "/cgi-bin/\n" +
        auth("/private", "Members only", "  Require valid-user\n") +
        auth("/bob", "Bob's \\\"zone\\\"", "  Require user bob carol\n") +
        auth("/open", "Open", "  Require all granted\n") +
        auth("/lan", "LAN",
             "  <RequireAny>\n    Require ip 127.0.0.1\n    Require valid-user\n"
             "  </RequireAny>\n") +
        auth("/wan", "WAN",
             "  <RequireAny>\n    Require ip 10.9.9.9\n    Require valid-user\n"
             "  </RequireAny>\n") +
        auth("/cgi-bin/", "CGI", "  Require valid-user\n") +
        "<Location /notype>\n  Require valid-user\n</Location>\n"
        "<Location /noname>\n  AuthType Basic\n  AuthUserFile users\n  Require valid-user\n"
        "</Location>\n"
        "<Location /nofile>\n  AuthType Basic\n  AuthName x\n  AuthUserFile no-such-file\n"
        "  Require valid-user\n</Location>\n"
        "<Location /norequire>\n  AuthType Basic\n  AuthName x\n</Location>\n" +
        extra;
    ASSERT_TRUE(server_.start(conf)) << server_.log();
  }

  Response get(const std::string& path, const std::vector<std::string>& headers = {}) {
    auto r = fetch(server_.port(), http_request("GET", path, headers));
    EXPECT_TRUE(r) << server_.log();
    return r.value_or(Response{});
  }

  std::string error_log() { return server_.read("logs/error_log"); }

  Server server_;
  std::string users_;
};

TEST_F(AuthBasic, ChallengeWithoutCredentials) {
  start();
  Response r = get("/private/");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("WWW-Authenticate").value_or(""), "Basic realm=\"Members only\"");
  EXPECT_EQ(r.header("Content-Type").value_or(""), "text/html; charset=iso-8859-1");
  EXPECT_NE(r.body.find("<title>401 Unauthorized</title>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("This server could not verify that you\nare authorized"),
            std::string::npos);
  EXPECT_EQ(r.body.find("secret page"), std::string::npos);
  // A realm's quotes are escaped as httpd's ap_escape_quotes does.
  EXPECT_EQ(get("/bob/").header("WWW-Authenticate").value_or(""),
            "Basic realm=\"Bob's \\\"zone\\\"\"");
}

TEST_F(AuthBasic, EveryHashFormatLogsIn) {
  start();
  for (const auto& up : {"alice:alice pw", "bob:bob:pw", "carol:carol-pw", "dave:davepass"}) {
    SCOPED_TRACE(up);
    Response r = get("/private/", {basic(up)});
    EXPECT_EQ(r.status, 200) << error_log();
    EXPECT_EQ(r.body, "secret page\n");
  }
}

TEST_F(AuthBasic, WrongPasswordAndUnknownUserAreChallenged) {
  start();
  Response r = get("/private/", {basic("alice:wrong")});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("WWW-Authenticate").value_or(""), "Basic realm=\"Members only\"");
  EXPECT_EQ(get("/private/", {basic("mallory:x")}).status, 401);
  EXPECT_EQ(get("/private/", {basic("Alice:alice pw")}).status, 401);  // case-sensitive
  EXPECT_EQ(get("/private/", {"Authorization: Bearer abc"}).status, 401);
  EXPECT_EQ(get("/private/", {"Authorization: Basic !!!"}).status, 401);
  const std::string log = error_log();
  EXPECT_NE(log.find("AH01617: user alice: authentication failure for \"/private/\": Password "
                     "Mismatch"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("AH01618: user mallory not found: /private/"), std::string::npos);
  EXPECT_NE(log.find("AH01614: client used wrong authentication scheme: /private/"),
            std::string::npos);
}

TEST_F(AuthBasic, RequireUserNamesUsers) {
  start();
  EXPECT_EQ(get("/bob/", {basic("bob:bob:pw")}).status, 404);  // authorized: no such file
  EXPECT_EQ(get("/bob/", {basic("carol:carol-pw")}).status, 404);
  Response r = get("/bob/", {basic("alice:alice pw")});  // authenticated, not allowed
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("WWW-Authenticate").value_or(""), "Basic realm=\"Bob's \\\"zone\\\"\"");
  EXPECT_NE(error_log().find("AH01631: user alice: authorization failure for \"/bob/\""),
            std::string::npos);
}

TEST_F(AuthBasic, RequireAnyGrantsTheAddressWithoutCredentials) {
  start();
  EXPECT_EQ(get("/lan/").status, 404);  // granted by `Require ip 127.0.0.1`
  Response r = get("/wan/");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("WWW-Authenticate").value_or(""), "Basic realm=\"WAN\"");
  EXPECT_EQ(get("/wan/", {basic("dave:davepass")}).status, 404);
  // Require all granted: AuthType alone asks for nothing.
  Response open = get("/open/f.txt");
  EXPECT_EQ(open.status, 200);
  EXPECT_FALSE(open.header("WWW-Authenticate"));
}

TEST_F(AuthBasic, ConfigurationErrorsAre500) {
  start();
  EXPECT_EQ(get("/notype/", {basic("alice:alice pw")}).status, 500);
  EXPECT_EQ(get("/noname/").status, 500);
  EXPECT_EQ(get("/nofile/").status, 401);  // no credentials: the file is not read yet
  EXPECT_EQ(get("/nofile/", {basic("alice:alice pw")}).status, 500);
  EXPECT_EQ(get("/norequire/").status, 500);
  const std::string log = error_log();
  EXPECT_NE(log.find("AH00027: No authentication done but request not allowed without "
                     "authentication for /notype/. Authentication not configured?"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("AH01615: need AuthName: /noname/"), std::string::npos);
  EXPECT_NE(log.find("(2)No such file or directory: [client 127.0.0.1:"), std::string::npos);
  EXPECT_NE(
      log.find("AH01620: Could not open password file: " + server_.root().path() + "/no-such-file"),
      std::string::npos);
  EXPECT_NE(log.find("AH01627: AuthType configured with no corresponding authorization"),
            std::string::npos);
}

TEST_F(AuthBasic, CgiSeesTheUserNotThePassword) {
  start();
  Response r = get("/cgi-bin/env.sh", {basic("carol:carol-pw")});
  ASSERT_EQ(r.status, 200) << error_log();
  auto env = parse_env(r.body);
  EXPECT_EQ(env["REMOTE_USER"], "carol");
  EXPECT_EQ(env["AUTH_TYPE"], "Basic");
  EXPECT_EQ(env.count("HTTP_AUTHORIZATION"), 0u);
  // The access log names the user, on a 401 too (httpd sets r->user before checking).
  get("/private/", {basic("mallory:x")});
  get("/private/");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string log;
  while (std::chrono::steady_clock::now() < deadline) {
    log = server_.read("logs/access_log");
    // The CGI request's line is written when its task ends, maybe after the others.
    if (log.find("- mallory [") != std::string::npos && log.find("- - [") != std::string::npos &&
        log.find("- carol [") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(log.find("127.0.0.1 - carol ["), std::string::npos) << log;
  EXPECT_NE(log.find("127.0.0.1 - mallory ["), std::string::npos) << log;
  EXPECT_NE(log.find("127.0.0.1 - - ["), std::string::npos) << log;
}

TEST_F(AuthBasic, PasswordFileChangesAreSeen) {
  start();
  EXPECT_EQ(get("/private/", {basic("erin:erin pw")}).status, 401);
  add_user(users_, "-m", "erin", "erin pw");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    status = get("/private/", {basic("erin:erin pw")}).status;
    if (status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
}

TEST_F(AuthBasic, ConcurrentLoginsGetTheirOwnAnswers) {
  start();
  std::atomic<int> wrong_answers{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i) {
        const bool good = (i + t) % 2 == 0;
        const char* user = t % 3 == 0   ? "alice:alice pw"
                           : t % 3 == 1 ? "bob:bob:pw"
                                        : "dave:davepass";
        auto r = fetch(server_.port(),
                       http_request("GET", "/private/", {basic(good ? user : "carol:nope")}));
        if (!r || r->status != (good ? 200 : 401)) ++wrong_answers;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong_answers.load(), 0) << error_log();
}

TEST_F(AuthBasic, UnsupportedAuthTypeIsRefusedAtStartUp) {
  for (const std::string type : {"Digest", "Form", "Negotiate"}) {
    ProcessResult r = run_process({TERN_BINARY, "-t", "-f",
                                   server_.root().write("bad.conf",
                                                        "Listen 127.0.0.1:1\n<Location /x>\n"
                                                        "AuthType " +
                                                            type + "\n</Location>\n")});
    EXPECT_NE(r.exit_code, 0) << type;
    EXPECT_NE(r.output.find("AuthType " + type + " is not supported by tern"), std::string::npos)
        << r.output;
  }
}

}  // namespace
}  // namespace tern::test
