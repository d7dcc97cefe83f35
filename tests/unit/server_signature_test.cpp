// ServerAdmin, ServerSignature and HostnameLookups: the directives and httpd's
// ap_psignature line on the built-in error pages.

#include "handlers/server_signature.h"

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "handlers/error_page.h"
#include "handlers/server_header.h"

namespace tern {
namespace {

using testing::ConfigTest;

TEST(ServerSignature, OffIsEmpty) {
  EXPECT_EQ(server_signature(ServerSignature::kOff, "<hr>\n", "tern", "a@b", "h", 80), "");
}

TEST(ServerSignature, OnNamesBannerHostAndPort) {
  EXPECT_EQ(server_signature(ServerSignature::kOn, "<hr>\n", "tern/1", "", "h<x>", 8080),
            "<hr>\n<address>tern/1 Server at h&lt;x&gt; Port 8080</address>\n");
}

TEST(ServerSignature, EMailLinksServerAdmin) {
  EXPECT_EQ(server_signature(ServerSignature::kEMail, "", "tern", "web&master@x.org", "h", 80),
            "<address>tern Server at <a href=\"mailto:web&amp;master@x.org\">h</a> Port "
            "80</address>\n");
  // A URL is linked as it is (httpd's ap_is_url); no ServerAdmin is httpd's DEFAULT_ADMIN.
  EXPECT_EQ(server_signature(ServerSignature::kEMail, "", "tern", "https://x.org/c", "h", 80),
            "<address>tern Server at <a href=\"https://x.org/c\">h</a> Port 80</address>\n");
  EXPECT_EQ(server_signature(ServerSignature::kEMail, "", "tern", "", "h", 80),
            "<address>tern Server at <a href=\"mailto:[no address given]\">h</a> Port "
            "80</address>\n");
}

TEST(SelfName, HostFieldThenServerName) {
  const SelfName self = SelfName::from_server_name("www.example.org:8443");
  EXPECT_EQ(self.host, "www.example.org");
  EXPECT_EQ(self.port, 8443);
  Request req;
  req.host = "Example.COM.:81";
  std::string name;
  uint16_t port = 0;
  self.for_request(&req, &name, &port);
  EXPECT_EQ(name, "example.com");
  EXPECT_EQ(port, 81);
  req.host = "[::1]";
  self.for_request(&req, &name, &port);
  EXPECT_EQ(name, "::1");
  EXPECT_EQ(port, 8443);  // httpd's ap_get_server_port: Host's, else ServerName's
  self.for_request(nullptr, &name, &port);
  EXPECT_EQ(name, "www.example.org");
  EXPECT_EQ(port, 8443);
  SelfName::from_server_name("h").for_request(nullptr, &name, &port);
  EXPECT_EQ(port, 80);
}

class IdentityDirectives : public ConfigTest {};

TEST_F(IdentityDirectives, DefaultsAreHttpds) {
  auto c = ok("");
  EXPECT_EQ(c->server_admin, "");
  EXPECT_EQ(c->server_signature, ServerSignature::kOff);
}

TEST_F(IdentityDirectives, ServerAdminAndSignature) {
  auto c = ok("ServerAdmin webmaster@example.org\nServerSignature email\n");
  EXPECT_EQ(c->server_admin, "webmaster@example.org");
  EXPECT_EQ(c->server_signature, ServerSignature::kEMail);
  EXPECT_EQ(ok("ServerSignature On\n")->server_signature, ServerSignature::kOn);
  EXPECT_NE(err("ServerSignature maybe\n").find("use one of: off | on | email"), std::string::npos);
}

TEST_F(IdentityDirectives, HostnameLookupsOnlyOff) {
  ok("HostnameLookups Off\n");
  EXPECT_NE(err("HostnameLookups On\n").find("tern does no reverse DNS lookups"),
            std::string::npos);
  EXPECT_NE(err("HostnameLookups double\n").find("not supported"), std::string::npos);
  EXPECT_NE(err("HostnameLookups sometimes\n").find("'on', 'off', or 'double'"), std::string::npos);
}

std::string body_of(const Response& r) {
  return r.body_mem;
}

TEST(ErrorPageSignature, AddressLineBeforeTheEnd) {
  Config config;
  config.server_signature = ServerSignature::kOn;
  config.server_tokens = ServerTokens::kProd;
  config.server_name = "srv.example";
  ErrorPages pages(config, nullptr);
  Request req;
  req.host = "www.example.com:8080";
  req.method_name = "PUT";
  Response resp;
  resp.set_env("KEPT", "1");
  pages.render(404, &req, {}, resp);
  EXPECT_EQ(body_of(resp),
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" "
            "\"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n<title>404 Not "
            "Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not "
            "found on this server.</p>\n<hr>\n<address>" +
                server_header_value(ServerTokens::kProd) +
                " Server at www.example.com Port 8080</address>\n</body></html>\n");
  EXPECT_EQ(resp.env_value("KEPT"), "1");  // the request's environment stays for the log
  ErrorExtras e;
  e.method = "PUT";
  pages.render(405, &req, e, resp);
  EXPECT_NE(body_of(resp).find("method PUT is not allowed"), std::string::npos);
  EXPECT_NE(body_of(resp).find("Port 8080</address>\n</body></html>\n"), std::string::npos);
}

TEST(ErrorPageSignature, OffLeavesThePageAsBefore) {
  Config config;
  ErrorPages pages(config, nullptr);
  Response resp;
  pages.render(404, nullptr, {}, resp);
  EXPECT_EQ(body_of(resp), pages.built_in_body(404));
  EXPECT_EQ(body_of(resp).find("<address>"), std::string::npos);
}

}  // namespace
}  // namespace tern
