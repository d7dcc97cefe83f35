// The Apache httpd harness (apache_harness.h) works: apache serves a static file and
// runs a CGI script through ScriptAlias with mod_cgid, reports a bad configuration,
// and stops cleanly. Everything that compares tern with apache rests on it.

#include "apache_harness.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <cerrno>

namespace tern::test {
namespace {

// Prints its status line and headers, then its environment, then its request body.
constexpr const char* kEnvScript =
    "#!/bin/sh\n"
    "printf 'Content-Type: text/plain\\r\\nX-Script: env\\r\\n\\r\\n'\n"
    "env\n"
    "if [ -n \"$CONTENT_LENGTH\" ]; then printf 'BODY='; head -c \"$CONTENT_LENGTH\"; echo; fi\n";

class ApacheHarness : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << kApacheBinary
        << " or its modules are missing: scripts/deps.sh test installs apache2-bin";
  }
};

TEST_F(ApacheHarness, ServesStaticFileAndRunsCgiThroughScriptAlias) {
  ApacheServer apache;
  apache.put("hello.txt", "hello, apache\n");
  apache.put_script("env.sh", kEnvScript);
  ASSERT_TRUE(apache.start("ScriptAlias /cgi-bin/ " + apache.cgi_dir() + "/")) << apache.log();

  auto file = fetch(apache.port(), http_request("GET", "/hello.txt"));
  ASSERT_TRUE(file) << apache.log();
  EXPECT_EQ(file->status, 200);
  EXPECT_EQ(file->body, "hello, apache\n");
  EXPECT_EQ(headers_map(*file)["content-type"], "text/plain");
  EXPECT_EQ(headers_map(*file)["content-length"], "14");

  auto cgi = fetch(apache.port(), http_request("GET", "/cgi-bin/env.sh/extra/path?a=1&b=2"));
  ASSERT_TRUE(cgi) << apache.log();
  EXPECT_EQ(cgi->status, 200);
  auto headers = headers_map(*cgi);
  EXPECT_EQ(headers["content-type"], "text/plain");
  EXPECT_EQ(headers["x-script"], "env");
  auto env = parse_env(cgi->body);
  EXPECT_EQ(env["GATEWAY_INTERFACE"], "CGI/1.1");
  EXPECT_EQ(env["REQUEST_METHOD"], "GET");
  EXPECT_EQ(env["QUERY_STRING"], "a=1&b=2");
  EXPECT_EQ(env["SCRIPT_NAME"], "/cgi-bin/env.sh");
  EXPECT_EQ(env["PATH_INFO"], "/extra/path");
  EXPECT_EQ(env["SERVER_PROTOCOL"], "HTTP/1.1");
  EXPECT_EQ(env["HTTP_HOST"], "127.0.0.1");
  EXPECT_EQ(env["SERVER_PORT"], "80");  // httpd: Host has no port, nor has ServerName
  EXPECT_EQ(env["SCRIPT_FILENAME"], apache.cgi_dir() + "/env.sh");
  EXPECT_EQ(env["REQUEST_URI"], "/cgi-bin/env.sh/extra/path?a=1&b=2");
  EXPECT_EQ(env.count("BODY"), 0u);

  std::string host = "Host: 127.0.0.1:" + std::to_string(apache.port());
  auto post = fetch(apache.port(), http_request("POST", "/cgi-bin/env.sh", {host}, "x=42"));
  ASSERT_TRUE(post) << apache.log();
  EXPECT_EQ(post->status, 200);
  auto post_env = parse_env(post->body);
  EXPECT_EQ(post_env["REQUEST_METHOD"], "POST");
  EXPECT_EQ(post_env["CONTENT_LENGTH"], "4");
  EXPECT_EQ(post_env["BODY"], "x=42");
  EXPECT_EQ(post_env["SERVER_PORT"], std::to_string(apache.port()));

  // The access log proves the requests went through this apache's configuration.
  EXPECT_TRUE(wait_until([&] {
    return apache.read("logs/access_log").find("\"POST /cgi-bin/env.sh HTTP/1.1\" 200") !=
           std::string::npos;
  })) << apache.read("logs/access_log");
}

TEST_F(ApacheHarness, ScriptStatusHeaderAndMissingScript) {
  ApacheServer apache;
  apache.put_script(
      "teapot.sh",
      "#!/bin/sh\nprintf 'Status: 418 Teapot\\r\\nContent-Type: text/plain\\r\\n\\r\\n"
      "short and stout\\n'\n");
  ASSERT_TRUE(apache.start("ScriptAlias /cgi-bin/ " + apache.cgi_dir() + "/")) << apache.log();

  auto teapot = fetch(apache.port(), http_request("GET", "/cgi-bin/teapot.sh"));
  ASSERT_TRUE(teapot) << apache.log();
  EXPECT_EQ(teapot->status, 418);
  EXPECT_EQ(teapot->body, "short and stout\n");

  auto missing = fetch(apache.port(), http_request("GET", "/cgi-bin/none.sh"));
  ASSERT_TRUE(missing) << apache.log();
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ApacheHarness, BadConfigurationFailsToStartWithApacheMessage) {
  ApacheServer apache;
  EXPECT_FALSE(apache.start("NoSuchDirective on"));
  EXPECT_FALSE(apache.running());
  EXPECT_NE(apache.log().find("NoSuchDirective"), std::string::npos) << apache.log();
}

TEST_F(ApacheHarness, StopEndsEveryProcessOnSigterm) {
  ApacheServer apache;
  ASSERT_TRUE(apache.start("ScriptAlias /cgi-bin/ " + apache.cgi_dir() + "/")) << apache.log();
  pid_t pid = apache.pid();
  // The parent, its child and the cgid daemon share the harness's process group.
  ASSERT_TRUE(wait_until([&] { return children_of(pid).size() >= 2; })) << apache.log();
  EXPECT_EQ(apache.stop(), 0) << apache.log();  // 0: apache exited on SIGTERM by itself
  EXPECT_FALSE(apache.running());
  EXPECT_EQ(::kill(-pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

}  // namespace
}  // namespace tern::test
