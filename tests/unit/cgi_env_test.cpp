#include "modules/cgi/cgi_env.h"

#include <gtest/gtest.h>

#include <map>

namespace tern {
namespace {

std::multimap<std::string, std::string> as_map(const std::vector<std::string>& env) {
  std::multimap<std::string, std::string> m;
  for (const std::string& e : env) {
    size_t eq = e.find('=');
    m.emplace(e.substr(0, eq), e.substr(eq + 1));
  }
  return m;
}

struct Fixture {
  Request req;
  RequestContext ctx;
  CgiEnvInput in;
  Fixture() {
    req.method = Method::kPost;
    req.method_name = "POST";
    req.target = "/cgi-bin/env.sh/extra%20x?a=1&b";
    req.path = "/cgi-bin/env.sh/extra%20x";
    req.query = "a=1&b";
    req.has_query = true;
    req.host = "WWW.Example.ORG:8080";
    req.version_minor = 1;
    req.headers = {{"Host", "WWW.Example.ORG:8080"},
                   {"Content-Type", "text/plain"},
                   {"Content-Length", "5"},
                   {"X-Multi", "a"},
                   {"x-multi", "b"},
                   {"Authorization", "Basic Zm9vOmJhcg=="},
                   {"Proxy", "http://evil/"},
                   {"X_Under", "dropped"},
                   {"Accept-Language", "en"}};
    ctx.client_ip = "127.0.0.1";
    ctx.client_port = 45678;
    ctx.local_ip = "127.0.0.2";
    ctx.local_port = 8080;
    in.req = &req;
    in.ctx = &ctx;
    in.script_name = "/cgi-bin/env.sh";
    in.path_info = "/extra x";
    in.path_translated = "/srv/htdocs/extra x";
    in.script_filename = "/srv/cgi/env.sh";
    in.document_root = "/srv/htdocs";
    in.context_prefix = "/cgi-bin/";
    in.context_document_root = "/srv/cgi/";
    in.server_software = "tern/0.1.0 (Unix)";
    in.server_name = "configured.example";
  }
};

// An internal redirect's request keeps the original request line: REQUEST_URI names
// what the client asked for (httpd's original_uri), not the redirect's target.
TEST(CgiEnv, RequestUriIsTheRequestLinesTarget) {
  Fixture f;
  f.req.request_line = "GET /old/page%20x?q=1 HTTP/1.1";
  EXPECT_EQ(as_map(build_cgi_env(f.in)).find("REQUEST_URI")->second, "/old/page%20x?q=1");
  f.req.request_line = "";
  EXPECT_EQ(as_map(build_cgi_env(f.in)).find("REQUEST_URI")->second,
            "/cgi-bin/env.sh/extra%20x?a=1&b");
}

TEST(CgiEnv, HttpdCommonAndCgiVariables) {
  Fixture f;
  auto m = as_map(build_cgi_env(f.in));
  auto one = [&](const std::string& k) {
    EXPECT_EQ(m.count(k), 1u) << k;
    auto it = m.find(k);
    return it == m.end() ? std::string("<absent>") : it->second;
  };
  EXPECT_EQ(one("GATEWAY_INTERFACE"), "CGI/1.1");
  EXPECT_EQ(one("SERVER_PROTOCOL"), "HTTP/1.1");
  EXPECT_EQ(one("SERVER_SOFTWARE"), "tern/0.1.0 (Unix)");
  EXPECT_EQ(one("SERVER_NAME"), "www.example.org");
  EXPECT_EQ(one("SERVER_PORT"), "8080");
  EXPECT_EQ(one("SERVER_ADDR"), "127.0.0.2");
  EXPECT_EQ(one("REMOTE_ADDR"), "127.0.0.1");
  EXPECT_EQ(one("REMOTE_PORT"), "45678");
  EXPECT_EQ(one("REQUEST_METHOD"), "POST");
  EXPECT_EQ(one("QUERY_STRING"), "a=1&b");
  EXPECT_EQ(one("REQUEST_URI"), "/cgi-bin/env.sh/extra%20x?a=1&b");
  EXPECT_EQ(one("SCRIPT_NAME"), "/cgi-bin/env.sh");
  EXPECT_EQ(one("SCRIPT_FILENAME"), "/srv/cgi/env.sh");
  EXPECT_EQ(one("PATH_INFO"), "/extra x");
  EXPECT_EQ(one("PATH_TRANSLATED"), "/srv/htdocs/extra x");
  EXPECT_EQ(one("CONTENT_TYPE"), "text/plain");
  EXPECT_EQ(one("CONTENT_LENGTH"), "5");
  EXPECT_EQ(one("HTTP_X_MULTI"), "a, b");
  EXPECT_EQ(one("HTTP_ACCEPT_LANGUAGE"), "en");
  EXPECT_EQ(one("HTTP_HOST"), "WWW.Example.ORG:8080");
  EXPECT_EQ(one("DOCUMENT_ROOT"), "/srv/htdocs");
  EXPECT_EQ(one("CONTEXT_PREFIX"), "/cgi-bin/");
  EXPECT_EQ(one("CONTEXT_DOCUMENT_ROOT"), "/srv/cgi/");
  EXPECT_EQ(one("REQUEST_SCHEME"), "http");
  EXPECT_EQ(one("SERVER_ADMIN"), "[no address given]");
  EXPECT_EQ(one("SERVER_SIGNATURE"), "");
  EXPECT_EQ(one("PATH"), std::string(kCgiDefaultPath));
  EXPECT_EQ(m.count("HTTP_AUTHORIZATION"), 0u);
  EXPECT_EQ(m.count("HTTP_PROXY"), 0u);
  EXPECT_EQ(m.count("HTTP_X_UNDER"), 0u);
  EXPECT_EQ(m.count("HTTP_CONTENT_TYPE"), 0u);
  EXPECT_EQ(m.count("HTTPS"), 0u);
}

TEST(CgiEnv, NoPathInfoMeansNoPathTranslated) {
  Fixture f;
  f.in.path_info = "";
  auto m = as_map(build_cgi_env(f.in));
  EXPECT_EQ(m.count("PATH_INFO"), 0u);
  EXPECT_EQ(m.count("PATH_TRANSLATED"), 0u);
}

TEST(CgiEnv, PassAuthAndHttps) {
  Fixture f;
  f.in.pass_auth = true;
  f.ctx.scheme = "https";
  // HTTPS comes from mod_ssl's fixup (ssl_request_hooks.cpp), in the request's environment.
  const std::vector<std::pair<std::string, std::string>> request_env = {{"HTTPS", "on"}};
  f.in.request_env = &request_env;
  auto m = as_map(build_cgi_env(f.in));
  EXPECT_EQ(m.find("HTTP_AUTHORIZATION")->second, "Basic Zm9vOmJhcg==");
  EXPECT_EQ(m.find("HTTPS")->second, "on");
  EXPECT_EQ(m.find("REQUEST_SCHEME")->second, "https");
}

TEST(CgiEnv, RemoteUserAndAuthTypeAfterRemotePort) {
  Fixture f;
  auto m = as_map(build_cgi_env(f.in));
  EXPECT_EQ(m.count("REMOTE_USER"), 0u);
  EXPECT_EQ(m.count("AUTH_TYPE"), 0u);
  const std::string user = "alice";
  f.in.remote_user = &user;
  f.in.auth_type = "Basic";
  std::vector<std::string> env = build_cgi_env(f.in);
  m = as_map(env);
  EXPECT_EQ(m.find("REMOTE_USER")->second, "alice");
  EXPECT_EQ(m.find("AUTH_TYPE")->second, "Basic");
  EXPECT_EQ(m.count("HTTP_AUTHORIZATION"), 0u);  // without CGIPassAuth
  // ap_add_common_vars' order: REMOTE_PORT, REMOTE_USER, AUTH_TYPE.
  auto at = [&](const std::string& prefix) {
    for (size_t i = 0; i < env.size(); ++i)
      if (env[i].rfind(prefix, 0) == 0) return i;
    return env.size();
  };
  EXPECT_EQ(at("REMOTE_USER="), at("REMOTE_PORT=") + 1);
  EXPECT_EQ(at("AUTH_TYPE="), at("REMOTE_USER=") + 1);
}

TEST(CgiEnv, ServerNameAndPortFallbacks) {
  Fixture f;
  std::string name;
  uint16_t port = 0;
  f.req.host = "";
  cgi_server_name_port(f.in, &name, &port);
  EXPECT_EQ(name, "configured.example");
  EXPECT_EQ(port, 80);
  f.in.server_name_port = 8443;
  cgi_server_name_port(f.in, &name, &port);
  EXPECT_EQ(port, 8443);
  f.req.host = "[::1]:81";
  cgi_server_name_port(f.in, &name, &port);
  EXPECT_EQ(name, "[::1]");
  EXPECT_EQ(port, 81);
  f.req.host = "a<b";
  auto m = as_map(build_cgi_env(f.in));
  EXPECT_EQ(m.find("SERVER_NAME")->second, "a&lt;b");
}

TEST(CgiEnv, HttpVarNames) {
  EXPECT_EQ(cgi_http_var_name("User-Agent"), "HTTP_USER_AGENT");
  EXPECT_EQ(cgi_http_var_name("x-9"), "HTTP_X_9");
  EXPECT_EQ(cgi_http_var_name("a.b"), "");
}

}  // namespace
}  // namespace tern

namespace tern {
namespace {

TEST(CgiEnv, RequestEnvironmentFirstAndCgiVariablesWin) {
  Fixture f;
  const std::vector<std::pair<std::string, std::string>> env = {
      {"FOO", "bar"}, {"9a-b.c", "x"}, {"server_admin", "spoofed"}, {"HTTP_PROXY", "evil"}};
  f.in.request_env = &env;
  f.in.server_admin = "root@example.org";
  const std::vector<std::string> out = build_cgi_env(f.in);
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0], "FOO=bar");
  EXPECT_EQ(out[1], "_a_b_c=x");  // ap_create_environment's renaming
  auto m = as_map(out);
  EXPECT_EQ(m.count("server_admin"), 0u);
  EXPECT_EQ(m.find("SERVER_ADMIN")->second, "root@example.org");
  EXPECT_EQ(m.count("HTTP_PROXY"), 0u);
}

}  // namespace
}  // namespace tern
