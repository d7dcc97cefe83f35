// mod_access_compat through SiteHandler: Order/Allow/Deny by client address and
// environment, Satisfy with Require, the scope replacement, and configuration errors.

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "handlers/site_handler.h"

namespace tern {
namespace {

class ModAccessCompat : public testing::ConfigTest {
 protected:
  void SetUp() override { dir.write("htdocs/f", "file\n"); }
  // The status SiteHandler answers GET `path` from `client` with, under `conf`, whose
  // first line(s) up to `sections` go into <Location /> (the module's directives have
  // httpd's context "directory, .htaccess").
  int status(const std::string& conf, const std::string& client, const std::string& path = "/f",
             const std::string& sections = "") {
    auto c = ok("DocumentRoot " + dir.path() + "/htdocs\n<Location />\n" + conf + "</Location>\n" +
                sections);
    std::string error;
    auto h = SiteHandler::create(c, &error);
    EXPECT_TRUE(h) << error;
    if (!h) return -1;
    Request req;
    req.method = Method::kGet;
    req.method_name = "GET";
    req.path = path;
    req.host = "example.com";
    RequestContext ctx{client, 40000, "192.0.2.1", 80};
    Response resp;
    h->handle(req, ctx, resp);
    return resp.status;
  }
};

TEST_F(ModAccessCompat, OrderDecidesTheDefaultAndPrecedence) {
  // Deny,Allow: allowed unless denied and not allowed.
  EXPECT_EQ(status("Order Deny,Allow\n", "10.0.0.1"), 200);
  EXPECT_EQ(status("Order Deny,Allow\nDeny from all\n", "10.0.0.1"), 403);
  EXPECT_EQ(status("Order Deny,Allow\nDeny from all\nAllow from 10.0.0.0/8\n", "10.0.0.1"), 200);
  // Allow,Deny: denied unless allowed and not denied.
  EXPECT_EQ(status("Order Allow,Deny\n", "10.0.0.1"), 403);
  EXPECT_EQ(status("Order Allow,Deny\nAllow from all\n", "10.0.0.1"), 200);
  EXPECT_EQ(status("Order Allow,Deny\nAllow from all\nDeny from 10.0.0.1\n", "10.0.0.1"), 403);
  EXPECT_EQ(status("Order Allow,Deny\nAllow from all\nDeny from 10.0.0.1\n", "10.0.0.2"), 200);
  // Mutual-failure: allowed and not denied.
  EXPECT_EQ(status("Order Mutual-failure\nAllow from 10\nDeny from 10.9\n", "10.0.0.1"), 200);
  EXPECT_EQ(status("Order Mutual-failure\nAllow from 10\nDeny from 10.9\n", "10.9.0.1"), 403);
  // No directive at all: Order Deny,Allow with nothing listed lets everyone in.
  EXPECT_EQ(status("", "10.0.0.1"), 200);
}

TEST_F(ModAccessCompat, AddressForms) {
  const std::string base = "Order Allow,Deny\n";
  EXPECT_EQ(status(base + "Allow from 192.168\n", "192.168.7.7"), 200);
  EXPECT_EQ(status(base + "Allow from 192.168\n", "192.169.7.7"), 403);
  EXPECT_EQ(status(base + "Allow from 10.1.0.0/255.255.0.0\n", "10.1.2.3"), 200);
  EXPECT_EQ(status(base + "Allow from 10.1.0.0/255.255.0.0\n", "10.2.2.3"), 403);
  EXPECT_EQ(status(base + "Allow from 127.0.0.1 ::1\n", "::1"), 200);
  EXPECT_EQ(status(base + "Allow from 2001:db8::/32\n", "2001:db8::5"), 200);
  EXPECT_EQ(status(base + "Allow from 2001:db8::/32\n", "2001:db9::5"), 403);
}

TEST_F(ModAccessCompat, EnvironmentVariables) {
  // mod_env sets variables in fixups, after access: only variables present by then match.
  EXPECT_EQ(
      status("Order Allow,Deny\nAllow from env=LETIN\n", "10.0.0.1", "/f", "SetEnv LETIN 1\n"),
      403);
  EXPECT_EQ(status("Order Allow,Deny\nAllow from env=!NOTSET\n", "10.0.0.1"), 200);
  EXPECT_EQ(status("Order Deny,Allow\nDeny from env=!NOTSET\n", "10.0.0.1"), 403);
}

TEST_F(ModAccessCompat, SatisfyCombinesWithRequire) {
  const std::string deny_host = "Order Allow,Deny\nAllow from 10.0.0.0/8\n";
  // Satisfy All (the default): both must let the client in.
  EXPECT_EQ(status(deny_host + "Require all granted\n", "192.0.2.9"), 403);
  EXPECT_EQ(status(deny_host + "Require all denied\n", "10.0.0.1"), 403);
  EXPECT_EQ(status(deny_host + "Require all granted\n", "10.0.0.1"), 200);
  // Satisfy Any: either suffices.
  EXPECT_EQ(status(deny_host + "Require all denied\nSatisfy Any\n", "10.0.0.1"), 200);
  EXPECT_EQ(status(deny_host + "Require ip 192.0.2.9\nSatisfy Any\n", "192.0.2.9"), 200);
  EXPECT_EQ(status(deny_host + "Require all denied\nSatisfy Any\n", "192.0.2.9"), 403);
  // httpd's well-known trap: Satisfy Any without any Deny lets everyone in.
  EXPECT_EQ(status("Require all denied\nSatisfy Any\n", "192.0.2.9"), 200);
}

TEST_F(ModAccessCompat, InnermostScopeReplacesTheEnclosingOnes) {
  const std::string conf = "Order Deny,Allow\nDeny from all\n";
  const std::string sections =
      "<Location /open>\nOrder Allow,Deny\nAllow from all\n</Location>\n"
      "<Location /keep>\nSetEnv X 1\n</Location>\n"
      "<Location /sat>\nSatisfy All\n</Location>\n";
  dir.write("htdocs/open/f", "x");
  dir.write("htdocs/keep/f", "x");
  dir.write("htdocs/sat/f", "x");
  EXPECT_EQ(status(conf, "10.0.0.1", "/f", sections), 403);
  EXPECT_EQ(status(conf, "10.0.0.1", "/open/f", sections), 200);
  EXPECT_EQ(status(conf, "10.0.0.1", "/keep/f", sections), 403);  // nothing of this module
  // Satisfy alone replaces the whole configuration too: Order Deny,Allow, nothing denied.
  EXPECT_EQ(status(conf, "10.0.0.1", "/sat/f", sections), 200);
}

TEST_F(ModAccessCompat, ConfigurationErrors) {
  auto in_loc = [](const std::string& d) { return "<Location />\n" + d + "</Location>\n"; };
  EXPECT_NE(err(in_loc("Order allow\n")).find("unknown order"), std::string::npos);
  EXPECT_NE(err(in_loc("Allow 10.0.0.1\n")).find("requires at least two arguments"),
            std::string::npos);
  EXPECT_NE(err(in_loc("Allow to 10.0.0.1\n")).find("must be followed by 'from'"),
            std::string::npos);
  EXPECT_NE(err(in_loc("Deny from 10.0.0.0/99\n")).find("An IP address was expected"),
            std::string::npos);
  EXPECT_NE(err(in_loc("Deny from example.com\n")).find("host name"), std::string::npos);
  EXPECT_NE(err(in_loc("Satisfy some\n")).find("Satisfy either 'any' or 'all'."),
            std::string::npos);
  // httpd: "order not allowed here" at server level.
  EXPECT_NE(err("Order Allow,Deny\n"), "");
  EXPECT_NE(err("Satisfy Any\n"), "");
}

}  // namespace
}  // namespace tern
